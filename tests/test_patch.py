"""The patch route: an editor's edit to an article's text, or a note written, edited or
deleted, applied to the last build, gives the very pages a clean build gives; any change to
an article's front matter, and anything unusual about a note (a draft article, an unknown
topic or article), is refused by the patch and made by a whole build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bench.generate import generate
from dossier.engine import Engine, Result
from dossier.errors import ContentErrors
from dossier.incremental import patch
from dossier.model import Annotation, Article, EarlierSeed, ImageRef, PartialDate
from dossier.options import Options
from dossier.project import ANNOTATIONS, ARTICLES
from dossier.source.content import KIND_BY_FOLDER


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "dossier"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=3)
    return root


def _first(root: Path, folder: str) -> Path:
    return sorted((root / "content" / folder).glob("*.md"))[0]


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _site(first: Result, then: Result) -> dict[str, bytes]:
    """The whole site after ``then``: the pages of ``first``, those rendered again replaced."""
    assert then.paths == first.paths
    return {**first.files, **then.files}


@pytest.mark.parametrize(
    ("folder", "edit"),
    [("annotations", "\nUne phrase de plus dans la note.\n"), ("articles", "\nUn paragraphe de plus.\n")],
)
def test_a_text_edit_patched_gives_the_pages_of_a_clean_build(tmp_path: Path, folder: str, edit: str) -> None:
    root = _project(tmp_path)
    options = Options(root, search=False)
    engine = Engine(options)
    first = engine.produce()
    engine.accept(first)
    edited = _first(root, folder)
    _append(edited, edit)
    patched = engine.produce({edited})
    assert engine.patched == 1
    clean = Engine(options).produce()
    assert patched.files and set(patched.files) < set(clean.files)
    assert _site(first, patched) == clean.files
    assert patched.inputs == clean.inputs
    assert sorted(map(str, patched.warnings)) == sorted(map(str, clean.warnings))


def test_a_front_matter_edit_is_made_by_a_whole_build(tmp_path: Path) -> None:
    root = _project(tmp_path)
    options = Options(root, search=False)
    engine = Engine(options)
    first = engine.produce()
    engine.accept(first)
    article = _first(root, "articles")
    text = article.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    article.write_text(text.replace(title, 'title: "Un tout autre titre"', 1), encoding="utf-8")
    rebuilt = engine.produce({article})
    assert engine.patched == 0
    clean = Engine(options).produce()
    assert b"Un tout autre titre" in rebuilt.files["articles/index.html"]  # a page the patch never makes
    assert _site(first, rebuilt) == clean.files


_CHANGED: dict[str, Callable[[Article], Article]] = {  # each article field given a value unlike the generated ones
    "title": lambda a: replace(a, title="Un tout autre titre"),
    "date": lambda a: replace(a, date=PartialDate(1999, 1, 1)),
    "topics": lambda a: replace(a, topics=("un-theme-inconnu",)),
    "source": lambda a: replace(a, source="Une autre agence"),
    "summary": lambda a: replace(a, summary="Un autre résumé."),
    "seed": lambda a: replace(a, seed="seeds/autre.txt"),
    "seed_sha256": lambda a: replace(a, seed_sha256="0" * 64),
    "draft": lambda a: replace(a, draft=not a.draft),
    "earlier_seeds": lambda a: replace(a, earlier_seeds=(EarlierSeed("seeds/avant.txt", "0" * 64),)),
    "lang": lambda a: replace(a, lang="en"),
    "slug": lambda a: replace(a, slug="un-autre-nom"),  # its URL: every page that links to it
    "aliases": lambda a: replace(a, aliases=("/articles/ancien-nom/",)),  # a redirect page more
    "image": lambda a: replace(a, image=ImageRef("../media/carte.png", "Une carte")),
}


@pytest.mark.parametrize("name", [field.target for field in KIND_BY_FOLDER[ARTICLES].table])
def test_the_patch_refuses_a_change_to_any_field_of_the_articles_table(tmp_path: Path, name: str) -> None:
    engine = Engine(Options(_project(tmp_path), search=False))
    first = engine.produce()
    engine.accept(first)
    assert first.last is not None
    old = first.last.site.articles[0]
    resolved = engine.link_memo.resolved[old.origin.path].record
    assert isinstance(resolved, Article)
    body_only = replace(resolved, body=resolved.body + "\nUn paragraphe de plus.\n")
    assert patch.patch(first.last, [(resolved, body_only)], engine.link_memo, engine.index_memo) is not None
    assert name in _CHANGED, f"a new article field: give it a changed value here ({name})"
    changed = _CHANGED[name](resolved)
    assert getattr(changed, name) != getattr(resolved, name)
    assert patch.patch(first.last, [(resolved, changed)], engine.link_memo, engine.index_memo) is None


_NOTE_REFUSED: dict[str, Callable[[Annotation], Annotation]] = {  # a change to each note field the patch refuses
    "article": lambda n: replace(n, article="un-autre-article"),  # an unknown article
    "topics": lambda n: replace(n, topics=(*n.topics, "un-theme-inconnu")),  # an unknown topic
    "quote": lambda n: replace(n, quote="un passage absent du texte"),  # a quote not found
    "prefix": lambda n: replace(n, prefix="un contexte absent du texte"),
    "suffix": lambda n: replace(n, suffix="un contexte absent du texte"),
    "lang": lambda n: replace(n, lang="en"),  # its body's language: a whole build marks it everywhere
}
_ALWAYS_PATCHED = {
    "kind",
    "date",
}  # any value the loader lets through is patched (tests/test_incremental.py: a kind changed)


@pytest.mark.parametrize(
    "name", [f.target for f in KIND_BY_FOLDER[ANNOTATIONS].table if f.target not in _ALWAYS_PATCHED]
)
def test_the_patch_refuses_a_note_it_cannot_make_again(tmp_path: Path, name: str) -> None:
    engine = Engine(Options(_project(tmp_path), search=False))
    first = engine.produce()
    engine.accept(first)
    assert first.last is not None
    entry = engine.link_memo.anchored[first.last.site.articles[0].slug]
    note = engine.link_memo.resolved[entry.notes[0].origin.path].record
    assert isinstance(note, Annotation)
    text_only = replace(note, body=note.body + "\nUne phrase de plus.\n")
    assert patch.patch(first.last, [(note, text_only)], engine.link_memo, engine.index_memo) is not None
    assert name in _NOTE_REFUSED, f"a new note field: give it a value the patch must refuse here ({name})"
    changed = _NOTE_REFUSED[name](note)
    assert patch.patch(first.last, [(note, changed)], engine.link_memo, engine.index_memo) is None


def _note(article: str, quote: str, topics: str = "", text: str = "Une note écrite depuis l'aperçu.") -> str:
    listed = f"topics: [{topics}]\n" if topics else ""
    return f'---\narticle: {article}\nquote: "{quote}"\nkind: contexte\n{listed}---\n{text}\n'


def _notes_dir(root: Path) -> Path:
    return root / "content" / ANNOTATIONS


def _written(path: Path, text: str) -> set[Path]:
    path.write_text(text, encoding="utf-8")
    return {path}


def _removed(*paths: Path) -> set[Path]:
    for path in paths:
        path.unlink()
    return set(paths)


def _set_topics(path: Path, topics: str) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("topics:"))
    return _written(path, text.replace(line, f"topics: [{topics}]", 1))


def _moved(root: Path) -> set[Path]:
    path = _notes_dir(root) / "article-00005-1.md"
    return _written(path, _note("article-00007", "échéance numéro 7000", text="Une note déplacée."))


def _renamed(root: Path) -> set[Path]:
    old, new = _notes_dir(root) / "article-00005-0.md", _notes_dir(root) / "zz-renommee.md"
    old.rename(new)
    return {old, new}


Change = Callable[[Path], set[Path]]
_NONE_ON_3 = ("article-00003-0.md", "article-00003-1.md")  # article 3 left without notes before the first build
_PATCHED: list[tuple[str, tuple[str, ...], Change, tuple[str, bytes]]] = [
    ("a note written on an article that had none", _NONE_ON_3,
     lambda r: _written(_notes_dir(r) / "neuve.md", _note("article-00003", "échéance numéro 3000")),
     ("articles/article-00003/index.html", "Une note écrite depuis l'aperçu".encode())),
    ("a note written among others, filed under two topics (one by its label)", (),
     lambda r: _written(_notes_dir(r) / "neuve.md", _note("article-00005", "échéance numéro 5000", "defense, Énergie")),
     ("topics/energie/index.html", "Une note écrite depuis l'aperçu".encode())),
    ("an article's only note deleted", ("article-00003-1.md",),
     lambda r: _removed(_notes_dir(r) / "article-00003-0.md"), ("articles/article-00003/index.html", b"")),
    ("two notes deleted at once", (),
     lambda r: _removed(_notes_dir(r) / "article-00004-0.md", _notes_dir(r) / "article-00006-1.md"),
     ("annotations.xml", b"")),
    ("a note's topics changed", (),
     lambda r: _set_topics(_notes_dir(r) / "article-00005-0.md", "defense, elections, energie"),
     ("topics/defense/index.html", b"")),
    ("a note moved to another article", (), _moved,
     ("articles/article-00007/index.html", "Une note déplacée".encode())),
    ("a note's file renamed", (), _renamed, ("articles/article-00005/annotations.jsonld", b"#annotation-zz-renommee")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "before", "change", "shown"), _PATCHED, ids=[case[0] for case in _PATCHED])
def test_a_note_written_or_deleted_is_patched_into_the_pages_of_a_clean_build(
    tmp_path: Path, name: str, before: tuple[str, ...], change: Change, shown: tuple[str, bytes]
) -> None:
    root = _project(tmp_path)
    _removed(*(_notes_dir(root) / file for file in before))
    options = Options(root, search=False)
    engine = Engine(options)
    first = engine.produce()
    engine.accept(first)
    patched = engine.produce(change(root))
    assert engine.patched == 1, name
    clean = Engine(options).produce()
    assert _site(first, patched) == clean.files
    assert patched.inputs == clean.inputs
    assert sorted(map(str, patched.warnings)) == sorted(map(str, clean.warnings))
    page, text = shown
    assert page in patched.files and text in patched.files[page]  # rendered again, showing the change
    engine.accept(patched)
    again = engine.produce(change_back(root, name))
    assert engine.patched == 2  # and the next edit is patched onto the patched build
    assert {**first.files, **patched.files, **again.files} == Engine(options).produce().files


def change_back(root: Path, name: str) -> set[Path]:
    """A second edit after the first: a sentence added to the text of a note still there."""
    path = _notes_dir(root) / "article-00008-0.md"
    return _written(path, path.read_text(encoding="utf-8") + f"\nAprès : {name}.\n")


def _draft(root: Path) -> None:
    path = root / "content" / ARTICLES / "article-00003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")


def test_a_note_on_a_draft_article_is_made_by_a_whole_build(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _draft(root)
    options = Options(root, search=False)
    engine = Engine(options)
    first = engine.produce()
    engine.accept(first)
    then = engine.produce(_written(_notes_dir(root) / "neuve.md", _note("article-00003", "échéance numéro 3000")))
    assert engine.patched == 0
    assert {**first.files, **then.files} == Engine(options).produce().files


@pytest.mark.parametrize(
    "note",
    [_note("article-00005", "échéance numéro 5000", "un-theme-inconnu"), _note("un-article-inconnu", "échéance")],
    ids=["an unknown topic", "an unknown article"],
)
def test_a_note_in_error_is_said_by_a_whole_build(tmp_path: Path, note: str) -> None:
    engine = Engine(Options(_project(tmp_path), search=False))
    engine.accept(engine.produce())
    with pytest.raises(ContentErrors) as raised:
        engine.produce(_written(_notes_dir(engine.root) / "neuve.md", note))
    assert engine.patched == 0
    assert any("unknown" in d.message for d in raised.value.diagnostics)


def test_a_note_that_gives_a_topic_a_new_page_is_made_by_a_whole_build(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=80, notes_per_article=2, events=4, topic_count=6)  # topics split by year
    options = Options(root, search=False)
    engine = Engine(options)
    first = engine.produce()
    engine.accept(first)
    assert first.last is not None
    article, topic = next(
        (a, t.slug)
        for a in first.last.site.articles[:-1]  # not the first article: its sentences are numbered from 0
        for t in first.last.site.topics
        if t.slug not in a.topics
        and any(path.startswith(f"topics/{t.slug}/2") for path in first.files)  # the topic has a page per year
        and f"topics/{t.slug}/{a.date.year}/index.html" not in first.files  # but none for the article's year
    )
    number = int(article.slug.rsplit("-", 1)[1])
    then = engine.produce(
        _written(_notes_dir(root) / "neuve.md", _note(article.slug, f"échéance numéro {number}000", topic))
    )
    assert engine.patched == 0  # a page the last build did not have: the plan and the sitemap change
    clean = Engine(options).produce()
    assert f"topics/{topic}/{article.date.year}/index.html" in then.files and then.paths == clean.paths
    assert {path: then.files.get(path, first.files.get(path)) for path in clean.paths} == clean.files
    engine.accept(then)
    again = engine.produce(_removed(_notes_dir(root) / "neuve.md"))
    assert engine.patched == 0  # and a page the build no longer has
    clean = Engine(options).produce()
    assert f"topics/{topic}/{article.date.year}/index.html" not in again.paths and again.paths == clean.paths
    site = {**first.files, **then.files, **again.files}
    assert {path: site[path] for path in clean.paths} == clean.files


_LINK = "\nVoir [l'article](../articles/article-00002.md).\n"


def _linked_project(tmp_path: Path, linking: Path | None = None) -> tuple[Path, Engine, Result]:
    """A project where a note of article 8 links to article 2 (or ``linking``, a file of it, does), built once."""
    root = _project(tmp_path)
    _append(linking or _notes_dir(root) / "article-00008-0.md", _LINK)
    engine = Engine(Options(root, search=False))
    first = engine.produce()
    engine.accept(first)
    return root, engine, first


@pytest.mark.parametrize(
    ("edited", "patched"),
    [
        ("article-00005-0.md", 1),  # beside the link: its target's anchors and the linking page stay as they are
        ("article-00002-0.md", 0),  # a note of the linked article: its notes' numbers may change
        ("article-00008-1.md", 1),  # a note beside the one that holds the link: that one's text stays resolved
    ],
    ids=["a note elsewhere", "a note of the linked article", "a note beside the linking one"],
)
def test_only_an_edit_that_may_change_a_link_needs_a_whole_build(tmp_path: Path, edited: str, patched: int) -> None:
    root, engine, first = _linked_project(tmp_path)
    path = _notes_dir(root) / edited
    _append(path, "\nUne phrase de plus.\n")
    then = engine.produce({path})
    clean = Engine(Options(root, search=False)).produce()
    assert {**first.files, **then.files} == clean.files
    assert engine.patched == patched
    assert b'href="/articles/article-00002/"' in clean.files["articles/article-00008/index.html"]


def test_an_edit_adding_a_link_is_made_by_a_whole_build(tmp_path: Path) -> None:
    root, engine, first = _linked_project(tmp_path)
    edited = _notes_dir(root) / "article-00005-0.md"
    _append(edited, _LINK)
    then = engine.produce({edited})
    assert engine.patched == 0
    clean = Engine(Options(root, search=False)).produce()
    assert {**first.files, **then.files} == clean.files
    assert b'href="/articles/article-00002/"' in clean.files["articles/article-00005/index.html"]


def test_a_note_of_an_article_whose_text_holds_a_link_is_made_by_a_whole_build(tmp_path: Path) -> None:
    # anchored again by the patch, the article's text would lose its resolved link
    root, engine, first = _linked_project(tmp_path, tmp_path / "dossier" / "content" / ARTICLES / "article-00008.md")
    edited = _notes_dir(root) / "article-00008-0.md"
    _append(edited, "\nUne phrase de plus.\n")
    then = engine.produce({edited})
    assert engine.patched == 0
    clean = Engine(Options(root, search=False)).produce()
    assert {**first.files, **then.files} == clean.files
    assert b'href="/articles/article-00002/"' in clean.files["articles/article-00008/index.html"]
