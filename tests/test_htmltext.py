from __future__ import annotations

from dossier import htmltext
from dossier.htmltext import Wrap


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
