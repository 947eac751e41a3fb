"""The order of the labels the site shows: the Unicode Collation Algorithm (pyuca)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.text import collation


def by_collation(words: list[str], language: str = "fr") -> list[str]:
    return collation.ordered_texts(words, language)


def test_accented_capitals_sort_with_their_letter() -> None:
    assert by_collation(["Groupes", "États-Unis", "Coalition", "Zone"]) == [
        "Coalition",
        "États-Unis",
        "Groupes",
        "Zone",
    ]
    assert by_collation(["Élection", "Etat", "Ecole"]) == ["Ecole", "Élection", "Etat"]


def test_letters_before_length() -> None:
    assert by_collation(["Iran", "Irak", "Ira"]) == ["Ira", "Irak", "Iran"]


def test_ligature_sorts_with_its_letters() -> None:
    ordered = by_collation(["ovni", "œuvre", "odeur", "oeuvres", "oeuvre"])
    assert ordered[0] == "odeur" and ordered[-1] == "ovni"
    assert set(ordered[1:4]) == {"œuvre", "oeuvre", "oeuvres"}
    assert ordered.index("oeuvres") > ordered.index("œuvre")  # the ligature is a variant of "oe", not a letter after z


def test_case_is_the_last_difference() -> None:
    assert by_collation(["Irak", "iran", "irak"]) == ["irak", "Irak", "iran"]  # the letters first, then the case
    assert by_collation(["été", "Été", "ete"]) == ["ete", "été", "Été"]  # then the accents, then the case


def test_english_orders_the_same_labels_the_same_way() -> None:
    assert by_collation(["Groupes", "États-Unis", "Coalition"], "en") == ["Coalition", "États-Unis", "Groupes"]


def test_equal_labels_are_ordered_by_their_tie() -> None:
    items = [("Irak", "irak-2"), ("Irak", "irak"), ("Iran", "iran")]
    assert collation.ordered(reversed(items), lambda i: i[0], lambda i: i[1], "fr") == [
        ("Irak", "irak"),
        ("Irak", "irak-2"),
        ("Iran", "iran"),
    ]


TOPICS = {
    "content/topics/etats-unis.md": '---\nlabel: "États-Unis"\n---\nLes États-Unis.\n',
    "content/topics/groupes.md": '---\nlabel: "Groupes armés"\n---\nLes groupes.\n',
    "content/topics/coalition.md": '---\nlabel: "Coalition"\n---\nLa coalition.\n',
    "content/topics/iran.md": '---\nlabel: "Iran"\n---\nL\'Iran.\n',
    "content/timeline/e1.md": "---\ntitle: Un\ndate: 2014\ntopics: [etats-unis, groupes]\n---\nUn.\n",
    "content/timeline/e2.md": "---\ntitle: Deux\ndate: 2015\ntopics: [coalition, iran, irak]\n---\nDeux.\n",
}


def test_the_site_lists_topics_in_collation_order(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(TOPICS)
    assert run("build", "--root", root, "--no-search").code == 0
    out = root / "_site"
    wanted = ["Coalition", "États-Unis", "Groupes armés", "Irak", "Iran"]
    topics_page = (out / "topics" / "index.html").read_text()
    assert re.findall(r'<li><a href="/topics/[^"]+/">([^<]+)</a>', topics_page) == wanted
    home = (out / "index.html").read_text().split('class="home-topics"')[1]
    assert re.findall(r'<li><a href="/topics/[^"]+/">([^<]+)</a>', home) == wanted
    timeline = (out / "timeline" / "index.html").read_text()
    assert re.findall(r'<option value="[a-z-]+">([^(<]+) \(', timeline) == wanted


def test_a_resumed_build_sorts_with_the_keys_of_the_last_one(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table takes a fifth of a second to load: a build resumed from the cache does not load it."""
    root = tree(TOPICS)
    assert run("build", "--root", root, "--no-search").code == 0
    monkeypatch.setattr(collation, "_collator", [])  # as in a new process
    monkeypatch.setattr(collation, "_keys", {})
    event = root / "content" / "timeline" / "e1.md"
    event.write_text(event.read_text(encoding="utf-8").replace("Un.", "Un, encore."), encoding="utf-8")
    assert run("build", "--root", root, "--no-search").code == 0
    assert collation._collator == []
    page = (root / "_site" / "topics" / "index.html").read_text()
    assert re.findall(r'<li><a href="/topics/[^"]+/">([^<]+)</a>', page) == [
        "Coalition",
        "États-Unis",
        "Groupes armés",
        "Irak",
        "Iran",
    ]


@pytest.mark.parametrize("menu", ["", "menu: 1\n"])
def test_the_navigation_lists_free_pages_in_collation_order(
    tree: Callable[..., Path], run: Callable[..., Run], menu: str
) -> None:
    pages = {f"content/pages/{slug}.md": f"---\ntitle: {title}\n{menu}---\nTexte.\n" for slug, title in PAGES}
    root = tree(pages)
    assert run("build", "--root", root, "--no-search").code == 0
    nav = (root / "_site" / "index.html").read_text().split("</nav>")[0]
    assert re.findall(r'<li><a href="/(?:zone|equipe|ete)/">([^<]+)</a>', nav) == ["Équipe", "Été", "Zone"]


PAGES = [("zone", "Zone"), ("ete", "Été"), ("equipe", "Équipe")]
