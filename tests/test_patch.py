"""The patch route: an editor's edit to a note's or an article's text, applied to the last
build, gives the very pages a clean build gives; any change to front matter is refused by
the patch and made by a whole build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bench.generate import generate
from dossier.engine import Engine, Result
from dossier.incremental import patch
from dossier.model import Annotation, Article, EarlierSeed, PartialDate
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


_NOTE_CHANGED: dict[str, Callable[[Annotation], Annotation]] = {  # the note fields that route it elsewhere
    "article": lambda n: replace(n, article="un-autre-article"),
    "topics": lambda n: replace(n, topics=(*n.topics, "un-theme-inconnu")),
}


_ANCHORING = {"quote", "prefix", "suffix", "kind"}  # a note edit to these is patched: its article anchored again


@pytest.mark.parametrize("name", [f.target for f in KIND_BY_FOLDER[ANNOTATIONS].table if f.target not in _ANCHORING])
def test_the_patch_refuses_a_change_to_a_note_field_its_anchoring_is_not_made_of(tmp_path: Path, name: str) -> None:
    engine = Engine(Options(_project(tmp_path), search=False))
    first = engine.produce()
    engine.accept(first)
    assert first.last is not None
    entry = engine.link_memo.anchored[first.last.site.articles[0].slug]
    note = engine.link_memo.resolved[entry.notes[0].origin.path].record
    assert isinstance(note, Annotation)
    text_only = replace(note, body=note.body + "\nUne phrase de plus.\n")
    assert patch.patch(first.last, [(note, text_only)], engine.link_memo, engine.index_memo) is not None
    assert name in _NOTE_CHANGED, f"a new note field: give it a changed value here ({name})"
    changed = _NOTE_CHANGED[name](note)
    assert patch.patch(first.last, [(note, changed)], engine.link_memo, engine.index_memo) is None
