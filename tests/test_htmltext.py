from __future__ import annotations

import re

from dossier.link import htmltext
from dossier.link.htmltext import Wrap


def test_text_is_normalized_and_mapped() -> None:
    textmap = htmltext.build("<p>Un  <em>mot</em>\n&amp; deux</p>\n<ul>\n<li>trois</li>\n</ul>")
    assert textmap.text == "Un mot & deux trois"
    assert textmap.blocks == 2
    wrap = Wrap(3, 13, "<i>", "</i>", "<i id=x>")
    assert "".join(htmltext.apply(textmap, [wrap])) == (
        "<p>Un  <em><i id=x>mot</i></em><i>\n&amp; deux</i></p>\n<ul>\n<li>trois</li>\n</ul>"
    )


def test_void_elements_do_not_open_blocks() -> None:
    textmap = htmltext.build("<p>a<br />b</p><hr /><p>c</p>")
    assert textmap.blocks == 3
    assert textmap.text == "abc"


def test_what_the_text_map_counts_as_space_is_the_same_for_regexes_and_strip() -> None:
    # The text map trims with str.rstrip and splits with \s: they must agree on every character.
    space = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if bool(space.match(c)) != c.isspace()] == []


def test_unusual_spaces_are_collapsed_like_spaces() -> None:
    textmap = htmltext.build("<p>un\u00a0deux\u2028 trois\t\t</p>\n<p>\u3000quatre</p>")
    assert textmap.text == "un deux trois quatre"
