from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Run

NOTE = """\
---
article: un-article
quote: "entre les Etats-Unis et l'Irak"
kind: définition
---
Une note avec un [lien](https://example.org/).
"""


def test_user_templates_override_the_theme(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    page = '{% extends "base.html" %}{% block content %}<p class="mine">{{ t("nav_home") }}</p>{% endblock %}'
    root = tree({"templates/404.html": page})
    assert run("build", "--root", root).code == 0
    assert '<p class="mine">Accueil</p>' in (root / "_site" / "404.html").read_text()


def test_front_matter_is_escaped(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    article = '---\ntitle: "<script>alert(1)</script> & co"\ndate: 2024\n---\nTexte.\n'
    root = tree({"content/articles/x.md": article})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "x" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_note_beside_its_passage_linked_both_ways(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/annotations/une-note.md": NOTE})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    assert '<mark class="passage" id="passage-1" data-note="1">entre les </mark>' in html
    assert '<a class="note-ref" href="#note-1"' in html
    assert 'id="note-1"' in html and 'href="#passage-1"' in html
    assert html.index('id="passage-1"') < html.index('id="note-1"') < html.index("Washington et Bagdad")
    assert '<span class="note-kind">Définition</span>' in html


def test_english_dossier_is_one_setting_away(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"site.yml": "title: Test\nlanguage: en\n"})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    assert '<html lang="en">' in html and "March 2024" in html and "Topics" in html


def test_language_without_strings(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"site.yml": "title: Test\nlanguage: de\n"})
    result = run("build", "--root", root)
    assert result.errors == [
        "site.yml:2: error: theme has no UI strings for language 'de' (themes/default/i18n/de.yml is missing)"
    ]
