"""Characters no output may carry are errors at their line; every other character is published,
and every feed, sitemap and JSON file of the site parses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.source.markup import Markdown
from dossier.text import characters

HINT = " (hint: remove it: feeds and pages cannot carry it)"


def found(text: str) -> list[tuple[int, str]]:
    done = Markdown().render(text)
    return [(r.line, r.message) for r in done.removed if r.error]


@pytest.mark.parametrize(
    ("reference", "described"),
    [
        ("&#x1;", "U+0001 (a control character)"),
        ("&#x1b;", "U+001B (a control character)"),
        ("&#27;", "U+001B (a control character)"),
        ("&#X0B;", "U+000B (a control character)"),
        ("&#x81;", "U+0081 (a control character)"),  # one of the five HTML does not map to Windows-1252
        ("&#xFFFF;", "U+FFFF (a non-character)"),
        ("&#xfdd0;", "U+FDD0 (a non-character)"),
        ("&#x10FFFE;", "U+10FFFE (a non-character)"),
    ],
)
def test_a_forbidden_reference_is_an_error_at_its_line(reference: str, described: str) -> None:
    text = f"Premier paragraphe.\n\nUn {reference} ici."
    assert found(text) == [(3, f"character reference '{reference}' stands for {described}, which is not allowed")]


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff", "\ufdef", "\U0001ffff"])
def test_a_forbidden_character_typed_as_it_is_is_an_error(character: str) -> None:
    assert found(f"Un\n{character}") == [(2, f"character {characters.name(character)} is not allowed")]


@pytest.mark.parametrize(
    "text",
    [
        "Tab\tand line\r\nbreaks, é, 😀, שלום, عربي, \u202edir\u202c, &amp;, &lt;, &#x2014;, &#233;, &#x1F600;",
        "&#x80; is the euro sign in HTML, &#0; and &#xD800; become U+FFFD, &#x110000; too",
        "In code the reference is text: `&#x1;`, and\n\n```\n&#xFFFF;\n```\n",
        "Not a reference: &x1; &#; &#xZZ;",
    ],
)
def test_legal_text_is_accepted(text: str) -> None:
    assert found(text) == []


def test_exactly_what_xml_forbids_and_html_counts_as_an_error_is_forbidden() -> None:
    def expected(code: int) -> bool:
        xml = (code < 0x20 and code not in (0x9, 0xA, 0xD)) or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
        html = 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
        return xml or html

    assert [hex(c) for c in range(0x110000) if characters.is_forbidden(chr(c)) != expected(c)] == []
    text = "a\x01b\U0002a6d6c\U0002fffe\t"
    assert [m.start() for m in characters.forbidden(text)] == [1, 5]


def test_a_reference_in_the_front_matter_is_text_and_a_non_character_an_error(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"content/articles/un-article.md": '---\ntitle: "Titre &#x1;"\ndate: 2024-03\n---\nTexte.\n'})
    assert run("build", "--root", root, "--no-search").code == 0
    assert "Titre &amp;#x1;" in (root / "_site" / "feed.xml").read_text("utf-8")
    (root / "content/articles/un-article.md").write_text('---\ntitle: "Titre \ufdd0"\ndate: 2024-03\n---\nTexte.\n')
    result = run("check", "--root", root)
    assert result.errors == [
        "content/articles/un-article.md:2: error: 'title': non-character U+FDD0 is not allowed (hint: remove it)"
    ]


EXOTIC = """\
---
title: "L'Irak 😀 &amp; שלום"
date: 2024-03
topics: [irak]
summary: "عربي \u202edir\u202c — « citation »"
---
Les discussions 😀 entre les *États-Unis* et l'Irak &amp; &lt;b&gt; שלום עולם, مرحبا &#x2014; &#233;[^1].

[^1]: Une note de bas de page, &#x1F600;.
"""

NOTE = """\
---
article: un-article
quote: "Les discussions"
kind: contexte
---
Une note 😀 &amp; עברית &#x2014;.
"""


def test_every_feed_and_data_file_parses_whatever_the_legal_text(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"content/articles/un-article.md": EXOTIC, "content/annotations/note.md": NOTE})
    result = run("build", "--root", root)
    assert result.code == 0, result.err
    site = root / "_site"
    for rel in ("feed.xml", "annotations.xml", "sitemap.xml"):
        ET.parse(site / rel)  # well-formed XML 1.0, or this raises
    data = sorted(site.rglob("*.json"))
    assert data
    for path in data:
        json.loads(path.read_text("utf-8"))
    feed = (site / "feed.xml").read_text("utf-8")
    assert "😀" in feed and "שלום" in feed and "&amp;amp;" in feed


def test_a_forbidden_reference_fails_the_build_and_the_check(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    body = EXOTIC.replace("&#233;", "&#x1;")
    root = tree({"content/articles/un-article.md": body, "content/annotations/note.md": NOTE})
    expected = [
        "content/articles/un-article.md:7: error: character reference '&#x1;' stands for U+0001"
        f" (a control character), which is not allowed{HINT}",
        "1 error",
    ]
    for command in ("build", "check"):
        result = run(command, "--root", root)
        assert (result.code, result.err.splitlines()) == (1, expected)
    assert not (root / "_site").exists()
    (root / "content/annotations/note.md").write_text(NOTE.replace("&#x2014;", "&#xFFFF;"), encoding="utf-8")
    result = run("check", "--root", root)
    assert "content/annotations/note.md:6: error: character reference '&#xFFFF;' stands for U+FFFF" in result.err
