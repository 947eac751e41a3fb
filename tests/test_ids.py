"""Ids are unique on every page whatever the content holds: each document's under its namespace."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from conftest import Run

from dossier.source.markup import Markdown
from dossier.text import ids

VNU = Path(__file__).parent / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_a_documents_ids_and_its_links_to_them_are_namespaced() -> None:
    html = Markdown().convert(
        'Texte[^1] et <span id="main">x</span> [ici](#main) [la note 1](#note-1).\n\n'
        "## Suite {#suite}\n\n[^1]: La note."
    )
    done = ids.namespace(html, ids.prefix("note", "isis"))
    assert 'id="note_isis_main"' in done and 'href="#note_isis_main"' in done
    assert 'id="note_isis_fnref:1"' in done and 'href="#note_isis_fn:1"' in done
    assert 'id="note_isis_fn:1"' in done and 'href="#note_isis_fnref:1"' in done
    assert 'id="note_isis_suite"' in done
    assert 'href="#note-1"' in done  # a link to the page's own note 1: not an id of the document
    again = ids.rename(done, ids.prefix("note", "isis"), ids.prefix("endnote", "isis"))
    assert again == done.replace('id="note_isis_', 'id="endnote_isis_').replace('"#note_isis_', '"#endnote_isis_')


def test_invalid_and_repeated_ids_are_dropped_and_text_is_left_alone() -> None:
    html = '<p id="">a</p><p id="a b">b</p><p id="x">c id="x"</p><p id="x">d</p><td headers="x y">e</td>'
    expected = '<p>a</p><p>b</p><p id="p_s_x">c id="x"</p><p>d</p><td headers="p_s_x y">e</td>'
    assert ids.namespace(html, "p_s_") == expected
    assert ids.namespace("<p>no id</p>", "p_s_") == "<p>no id</p>"


def test_the_headings_of_a_page_s_own_text_keep_their_ids() -> None:
    html = Markdown().convert(
        '## Méthode\n\nVoir [la méthode](#methode) et [la carte](#carte), <span id="carte">ici</span>.\n\n'
        '## Contenu {#content}\n\n## Mal nommé {#un_id}\n\n<span id="methode">encore</span>'
    )
    own = ids.namespace(html, ids.prefix("page", "a-propos"), own=True)
    assert '<h2 id="methode-2">Méthode</h2>' in own  # "methode" is the span's, below: its editor named it
    assert 'href="#page_a-propos_methode"' in own  # so a link to #methode goes there, not to the heading
    assert 'id="page_a-propos_carte"' in own and 'href="#page_a-propos_carte"' in own
    assert 'id="page_a-propos_content"' in own  # the page's own id: never a heading's
    assert 'id="page_a-propos_un_id"' in own  # no slug: namespaced as any other id
    assert '<span id="page_a-propos_methode">encore</span>' in own
    note = ids.namespace(html, ids.prefix("note", "n"))  # a note's, an event's: shown beside others
    assert '<h2 id="note_n_methode-2">Méthode</h2>' in note and 'href="#note_n_methode"' in note


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if name == "href" and value and value.startswith("#") and len(value) > 1:
                self.links.append(value[1:])


ARTICLE = """\
---
title: "Un article"
date: 2024-03
topics: [irak]
---
Les discussions entre les Etats-Unis et l'Irak[^1] sur la fin de la coalition. <span id="note-1">un</span>

Washington et Bagdad ont entamé en janvier des discussions. <span id="passage-1">deux</span> [retour](#main)

## La suite {#main}

## Content

## Notes

## Notes

[^1]: Une note de l'article, <b id="content">avec un id de la page</b>.
"""


def note(quote: str, extra: str = "") -> str:
    return (
        f'---\narticle: un-article\nquote: "{quote}"\nkind: contexte\ntopics: [irak]\n---\n'
        f'Une note[^1] <span id="endnote-1">avec</span> des ids{extra}.\n\n## Contexte\n\nSuite.\n\n'
        "[^1]: Sa note de bas de page.\n"
    )


def test_no_page_of_a_site_holds_an_id_twice(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "content/articles/un-article.md": ARTICLE,
            "content/annotations/n1.md": note("Les discussions", ' <a id="fn:1" href="#fn:1">x</a>'),
            "content/annotations/n2.md": note("Washington et Bagdad"),
            "content/timeline/e.md": (
                '---\ntitle: "Un jour"\ndate: 2024-01-02\n---\n## Endnotes\n\nLe jour[^1].\n\n[^1]: Oui.\n'
            ),
            "content/pages/a-propos.md": '---\ntitle: "À propos"\n---\n## Page {#main}\n\nUne page[^1].\n\n[^1]: X.\n',
            "content/topics/irak.md": (
                '---\nlabel: "Irak"\n---\n## Topic notes\n\nL\'Irak[^1] <i id="topics">x</i>.\n\n[^1]: Oui.\n'
            ),
            "site.yml": 'title: "Dossier"\nlanguage: fr\nbase_url: /\nintro: "Intro[^1]\\n\\n[^1]: Note."\n',
        }
    )
    result = run("build", "--root", root, "--no-search")
    assert result.code == 0, result.err
    pages = sorted((root / "_site").rglob("*.html"))
    assert len(pages) > 8
    for page in pages:
        parser = _Ids()
        parser.feed(page.read_text("utf-8"))
        twice = [i for i, n in Counter(parser.ids).items() if n > 1]
        assert twice == [], page
        dangling = [link for link in parser.links if link not in parser.ids]
        assert dangling == [], page  # every link within the page still leads somewhere
    article = (root / "_site" / "articles" / "un-article" / "index.html").read_text("utf-8")
    assert article.count('class="footnote"') == 5  # the article's, and each note's twice (card, end note)
    assert '<h2 id="content-2">Content</h2>' in article and '<h2 id="notes-2">Notes</h2>' in article
    topic = (root / "_site" / "topics" / "irak" / "index.html").read_text("utf-8")
    assert '<h2 id="topic-notes-2">Topic notes</h2>' in topic and 'id="topic-notes"' in topic
    assert VNU.is_file(), "run .ci/setup (npm install in tests/tools) to get the Nu Html Checker"
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", "--skip-non-html", str(root / "_site")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
