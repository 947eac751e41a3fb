"""Headings' ids: slugs of their text, unique in it, never an id a template or the build writes."""

from __future__ import annotations

import re
from pathlib import Path

from dossier.text import headings

TEMPLATES = Path(__file__).parents[1] / "dossier" / "themes" / "default" / "templates"


def ids_of(texts: list[str]) -> list[str]:
    slugs = headings.Slugs()
    return [slugs(text) for text in texts]


def test_a_heading_s_id_is_the_french_aware_ascii_slug_of_its_text() -> None:
    assert ids_of(["Méthode de travail", "L'Œuvre d'État", "Où ? Quand ! Pourquoi…"]) == [
        "methode-de-travail",
        "l-oeuvre-d-etat",
        "ou-quand-pourquoi",
    ]
    assert ids_of(["…", "— ?"]) == ["section", "section-2"]  # no slug: a section


def test_a_repeated_heading_gets_a_number_and_the_next_text_starts_afresh() -> None:
    slugs = headings.Slugs()
    assert [slugs(t) for t in ("Sources", "Sources", "Sources 2", "sources")] == [
        "sources",
        "sources-2",
        "sources-2-2",
        "sources-3",
    ]
    slugs.reset()
    assert slugs("Sources") == "sources"


def test_a_heading_named_like_an_id_of_the_page_gets_a_suffix() -> None:
    assert ids_of(["Content", "Topic events", "Note 1", "Passage 12", "Year 2024", "Notes", "Chart title"]) == [
        "content-2",
        "topic-events-2",
        "note-1-2",
        "passage-12-2",
        "year-2024-2",
        "notes",
        "chart-title-2",
    ]
    assert headings.bare("methode") and not headings.bare("endnote-3") and not headings.bare("fn:1")
    assert not headings.bare("note_x_suite")  # another document's namespace is never a heading's


def test_every_id_a_template_writes_literally_is_known() -> None:
    written: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        written |= set(re.findall(r'\bid="([a-z][a-z0-9-]*)"', text))  # id="content"
        written |= set(re.findall(r"years_nav\([^,]+, '([a-z-]+)'", text))  # years_nav(years, 'topic-years')
    assert written, "the templates write ids"
    assert written <= headings.TEMPLATE_IDS, written - headings.TEMPLATE_IDS
    views = (Path(__file__).parents[1] / "dossier" / "publish" / "views.py").read_text(encoding="utf-8")
    assert re.findall(r'self\.chart\(coverage, "([a-z-]+)"\)', views) == ["chart-title"]
    # the ids the build numbers (note-3, passage-3), the end notes' (end + note-3) and the years' (year-2024);
    # event-x and article-x are the timeline's entries, on a page that shows no article, topic or free page
    numbered = set(re.findall(r'"(?:passage_)?id": f"([a-z]+)-\{', views))
    assert numbered - {"event", "article"} == {"note", "passage"}
    assert all(headings.taken(f"{family}-12") for family in ("note", "passage", "endnote", "year"))


def test_an_id_the_editor_wrote_is_never_a_heading_s() -> None:
    """An id written in HTML or with ``{#x}`` is taken: the heading gets the next number (the page
    never holds one id twice, no heading is left without one, no ``_1`` of Python-Markdown's)."""
    from dossier.source.markup import Markdown

    md = Markdown()
    cases = {
        '<h2 id="raw">Brut</h2>\n\n## Raw\n': ['id="raw"', 'id="raw-2"'],
        "### Méthode\n\n## Méthode {#methode}\n": ['id="methode-2"', 'id="methode"'],
        "Texte.\n{: #bilan }\n\n## Bilan\n\n## Bilan\n": ['id="bilan"', 'id="bilan-2"', 'id="bilan-3"'],
        "<span id='carte'>Carte</span>\n\n## Carte\n": ['id="carte"', 'id="carte-2"'],
    }
    for text, expected in cases.items():
        assert re.findall(r'id="[^"]*"', md.render(text).html) == expected, text
