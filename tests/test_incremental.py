"""Incremental rebuilds (the development server's) always equal a clean build of the same tree."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

from dossier.commands import build
from dossier.commands.serve import DEV_FOLDER, DevServer
from dossier.config import Overrides
from dossier.options import Options

sys.path.insert(0, str(REPO))
from bench.generate import generate

Edit = Callable[[Path], set[Path]]


def replace_in(path: Path, old: str, new: str) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return {path}


def write(path: Path, text: str) -> set[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return {path}


def remove(path: Path) -> set[Path]:
    path.unlink()
    return {path}


def rename(path: Path, new: Path) -> set[Path]:
    path.rename(new)
    return {path, new}


def article(root: Path, n: int) -> Path:
    return root / "content" / "articles" / f"article-{n:05d}.md"


def note(root: Path, n: int, k: int) -> Path:
    return root / "content" / "annotations" / f"article-{n:05d}-{k}.md"


def first_topic(root: Path) -> Path:
    return sorted((root / "content" / "topics").glob("*.md"))[0]


NEW_ARTICLE = '---\ntitle: "Nouvel article"\ndate: 2024-05\ntopics: [energie]\n---\nUn texte tout neuf, en mai.\n'
NEW_NOTE = "---\narticle: nouvel-article\nquote: tout neuf\nkind: contexte\n---\nUne note neuve.\n"
TEMPLATE = "themes/default/templates/article.html"
USER_TEMPLATE = '{% extends "base.html" %}{% block content %}404{% endblock %}'
FAILING = {"delete a used topic", "break site.yml"}  # a note's quote broken is a warning in the preview
EDITS: list[tuple[str, Edit]] = [
    ("edit an article's title", lambda r: replace_in(article(r, 1), 'title: "', 'title: "Titre revu : ')),
    ("append a paragraph", lambda r: write(article(r, 2), article(r, 2).read_text() + "\nUn paragraphe ajouté.\n")),
    ("add an article", lambda r: write(r / "content/articles/nouvel-article.md", NEW_ARTICLE)),
    ("add a note to it", lambda r: write(r / "content/annotations/note-neuve.md", NEW_NOTE)),
    ("edit a note's text", lambda r: replace_in(note(r, 3, 0), "Voir *aussi*", "Voir **encore**")),
    ("break a note's quote", lambda r: replace_in(r / "content/annotations/note-neuve.md", "tout neuf", "tout vieux")),
    ("fix it", lambda r: replace_in(r / "content/annotations/note-neuve.md", "tout vieux", "tout neuf")),
    ("delete a note", lambda r: remove(note(r, 4, 1))),
    ("change a note's kind", lambda r: replace_in(note(r, 5, 0), "kind: ", "kind: chiffre\nprefix: ''\n#")),
    ("shorten a note's quote", lambda r: shorten_quote(note(r, 6, 1))),
    ("edit a text and a note at once", lambda r: edit_text(article(r, 7)) | replace_in(note(r, 7, 2), "Voir", "Lire")),
    ("delete a note of an article", lambda r: remove(note(r, 9, 0))),
    ("delete two more", lambda r: remove(note(r, 9, 1)) | remove(note(r, 9, 2))),  # the article has none left
    ("write a note on it, filed under a topic", lambda r: write(note(r, 9, 5), note_on(r, 9, "9000", (0, 1)))),
    ("write another before it", lambda r: write(note(r, 9, 3), note_on(r, 9, "9001", (1, 3)))),
    ("give a note other topics", lambda r: replace_in(note(r, 9, 5), "topics: [", f"topics: [{topics_of(r, 9)[2]}, ")),
    ("move a note to another article", lambda r: write(note(r, 9, 3), note_on(r, 11, "11000", (0, 0)))),
    ("rename a note's file", lambda r: rename(note(r, 9, 5), note(r, 9, 0))),
    ("break two notes at once", lambda r: replace_in(note(r, 8, 0), 'quote: "', 'quote: "xyz ')
        | replace_in(note(r, 8, 1), "Voir", "Relire")),
    ("fix one of them", lambda r: replace_in(note(r, 8, 0), 'quote: "xyz ', 'quote: "')),
    ("rename an article with its note", lambda r: rename_article(r)),
    ("delete an article", lambda r: delete_article(r)),
    ("edit a topic's label", lambda r: replace_in(first_topic(r), 'label: "', 'label: "Thème renommé, ')),
    ("edit a topic's intro", lambda r: write(first_topic(r), first_topic(r).read_text() + "Encore.\n")),
    ("add a topic", lambda r: write(r / "content/topics/nouveau.md", "---\nlabel: Nouveau\n---\nNeuf.\n")),
    ("use it", lambda r: replace_in(article(r, 5), "topics: [", "topics: [nouveau, ")),
    ("delete a used topic", lambda r: remove(r / "content/topics/nouveau.md")),
    ("declare it again", lambda r: write(r / "content/topics/nouveau.md", "---\nlabel: Nouveau\n---\nNeuf.\n")),
    ("move an event", lambda r: replace_in(r / "content/timeline/evenement-00001.md", "date: 2001", "date: 1999")),
    ("add a span", lambda r: write(r / "content/timeline/ere.md", "---\ntitle: Ère\ndate: 2001\nend: 2003\n---\n")),
    ("edit a template", lambda r: replace_in(r / TEMPLATE, 'class="text"', 'class="text t"')),
    ("add a user template", lambda r: write(r / "templates/404.html", USER_TEMPLATE)),
    ("remove it", lambda r: remove(r / "templates/404.html")),
    ("edit the stylesheet", lambda r: write(r / "themes/default/static/style.css", "body { color: red }\n")),
    ("edit site.yml", lambda r: replace_in(r / "site.yml", 'title: "', 'title: "Autre titre, ')),
    ("add a page", lambda r: write(r / "content/pages/methode.md", "---\ntitle: Méthode\nmenu: 1\n---\nComment.\n")),
    ("break site.yml", lambda r: write(r / "site.yml", "title: [\n")),
    ("fix site.yml", lambda r: write(r / "site.yml", "title: Réparé\nlanguage: fr\n")),
]  # fmt: skip


PATCHED = {  # the editor's everyday edits, patched onto the last build (the others follow a failed build, or are not)
    "append a paragraph", "add a note to it", "edit a note's text", "delete a note", "change a note's kind",
    "shorten a note's quote", "edit a text and a note at once", "delete a note of an article", "delete two more",
    "write a note on it, filed under a topic", "write another before it", "give a note other topics",
    "move a note to another article", "rename a note's file",
}  # fmt: skip


def topics_of(root: Path, n: int) -> tuple[str, ...]:
    line = next(x for x in article(root, n).read_text(encoding="utf-8").splitlines() if x.startswith("topics:"))
    return tuple(t.strip() for t in line.split("[", 1)[1].rstrip("]").split(","))


def note_on(root: Path, n: int, number: str, topics: tuple[int, int]) -> str:
    """A note on article ``n`` quoting the end of its sentence ``number``, filed under the
    article's topics ``topics[0]`` to ``topics[1]`` (excluded)."""
    chosen = topics_of(root, n)[slice(*topics)]
    filed = f"topics: [{', '.join(chosen)}]\n" if chosen else ""
    return f"---\narticle: article-{n:05d}\nquote: échéance numéro {number}\nkind: contexte\n{filed}---\nÉcrite.\n"


def shorten_quote(path: Path) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    quote = text.split('quote: "', 1)[1].split('"', 1)[0]
    first, rest = quote.split(" ", 1)
    return replace_in(path, f'quote: "{quote}"', f'quote: "{rest}"\nprefix: "{first}"')


def edit_text(path: Path) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    return write(path, text.rstrip("\n") + " Phrase ajoutée.\n")


def rename_article(root: Path) -> set[Path]:
    changed = rename(root / "content/articles/nouvel-article.md", root / "content/articles/article-renomme.md")
    return changed | replace_in(root / "content/annotations/note-neuve.md", "nouvel-article", "article-renomme")


def delete_article(root: Path) -> set[Path]:
    return remove(root / "content/articles/article-renomme.md") | remove(root / "content/annotations/note-neuve.md")


def tree_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.relative_to(folder).as_posix().startswith((DEV_FOLDER + "/", "pagefind/"))
    }


@pytest.fixture(params=[(12, 8), (30, 3)], ids=["small-topics", "topics-split-by-year"])
def generated(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    articles, topics = request.param
    root = tmp_path / "dossier"
    generate(root, articles=articles, notes_per_article=3, events=8, topic_count=topics)
    return root


def test_incremental_equals_clean_over_a_sequence_of_edits(generated: Path, tmp_path: Path) -> None:
    logs: list[str] = []
    server = DevServer(generated, "127.0.0.1", 8000, log=logs.append)
    assert server.rebuild()
    split = any(p.name.isdigit() for p in (server.out / "topics").glob("*/*"))
    assert split == (generated.name == "dossier" and len(list((generated / "content/topics").glob("*.md"))) == 3)
    for name, edit in EDITS:
        changed = edit(generated)
        patched = server.runner.engine.patched
        ok = server.rebuild(changed)
        assert (server.runner.engine.patched > patched) == (name in PATCHED), name
        clean = tmp_path / "clean-build"
        shutil.rmtree(clean, ignore_errors=True)
        overrides = Overrides(base_url="http://127.0.0.1:8000/", drafts=True)
        options = Options(generated, clean, overrides, dev=True)  # as serve builds: with search (its index compared
        # in tests/test_shards.py, made in the background)
        try:
            build.build(options)
            clean_ok = True
        except Exception:  # the clean build's failure is compared, not raised
            clean_ok = False
        assert ok == clean_ok == (name not in FAILING), (name, logs[-3:])
        if ok:
            assert tree_of(server.out) == tree_of(clean), name
    files = sum(1 for _ in (generated / "content").rglob("*.md"))
    assert server.runner.engine.files.reads < files + len(EDITS) * 2  # each file parsed again only on change


def test_a_note_edit_renders_only_what_shows_it(generated: Path) -> None:
    logs: list[str] = []
    server = DevServer(generated, "127.0.0.1", 8000, log=logs.append)
    assert server.rebuild()
    total = int(logs[-1].split("(")[1].split()[0])
    assert server.rebuild(replace_in(note(generated, 6, 0), "Voir", "Lire"))
    rendered = int(logs[-1].split("(")[1].split()[0])
    assert 1 <= rendered <= 6 < total  # its article and its notes data, its topic, the notes feed, maybe home
    assert server.rebuild(set())
    assert logs[-1].startswith("rebuilt in") and "(0 pages rendered)" in logs[-1]
