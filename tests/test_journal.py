"""The journal: one build's changes to the memo, applied onto the base they were taken
from (as read back from disk), give the memo the build kept; a segment too large for its
share makes the next save a new base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.generate import generate
from dossier.engine import Engine
from dossier.incremental import journal, store
from dossier.incremental.memo import Memo
from dossier.options import Options

KEY = b"k" * 32


def _tables(memo: Memo) -> dict[str, object]:
    """Everything of a memo the journal carries, as comparable values."""
    link = memo.link
    return {
        "files": memo.files.files,
        "seeds": memo.files.seeds,
        "converted": link.converted,
        "resolved": link.resolved,
        "anchored": link.anchored,
        "labels": link.labels,
        "footnote": link.footnote,
        "notes": memo.index.notes,
        "inputs": memo.inputs,
        "key": memo.key,
    }


def _saved_and_read(where: Path, value: object) -> object:
    store.save(where, KEY, value)
    return store.load(where, KEY)


def _delete_article(root: Path, article: Path) -> None:
    for note in (root / "content" / "annotations").glob(f"{article.stem}-*.md"):
        note.unlink()
    for event in (root / "content" / "timeline").glob("*.md"):
        text = event.read_text(encoding="utf-8")
        event.write_text(text.replace(f"articles: [{article.stem}]", "articles: []"), encoding="utf-8")
    article.unlink()


def test_changes_applied_onto_the_base_give_the_memo_kept(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=3)
    options = Options(root, search=False)
    engine = Engine(options)
    engine.accept(engine.produce())
    base = _saved_and_read(tmp_path / "base.pickle", engine.memo)
    assert isinstance(base, Memo)
    segments: list[journal.Changes] = []
    note = sorted((root / "content" / "annotations").glob("*.md"))[0]
    article = sorted((root / "content" / "articles").glob("*.md"))[-1]
    for change in (
        lambda: note.write_text(note.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8"),
        lambda: _delete_article(root, article),
    ):
        snapshot = journal.Snapshot.of(engine.memo)
        change()
        engine = Engine(options, engine.memo)
        result = engine.produce()
        assert result.files
        engine.accept(result)
        segment = journal.changes(snapshot, engine.memo, set(result.files))
        assert 0 < segment.size() < len(engine.memo.inputs)  # only what changed
        read = _saved_and_read(tmp_path / f"{len(segments)}.journal", segment)
        assert isinstance(read, journal.Changes)
        segments.append(read)
    assert any(value is None for segment in segments for value in segment.files.values())  # a file gone
    applied = journal.apply(base, segments)
    assert _tables(applied) == _tables(engine.memo)
    assert Engine(options, applied).produce().files == {}  # as good as the memo kept: nothing to render


def _segment_after(tmp_path: Path, change: Callable[[Path], None]) -> tuple[journal.Changes, Memo]:
    root = tmp_path / "dossier"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=3)
    options = Options(root, search=False)
    engine = Engine(options)
    engine.accept(engine.produce())
    snapshot = journal.Snapshot.of(engine.memo)
    change(root)
    engine = Engine(options, engine.memo)
    result = engine.produce()
    engine.accept(result)
    return journal.changes(snapshot, engine.memo, set(result.files)), engine.memo


def _edit_a_note(root: Path) -> None:
    note = sorted((root / "content" / "annotations").glob("*.md"))[0]
    note.write_text(note.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")


def _retitle_the_site(root: Path) -> None:
    settings = root / "site.yml"
    lines = settings.read_text(encoding="utf-8").splitlines(keepends=True)
    settings.write_text("".join('title: "Un autre titre"\n' if line.startswith("title:") else line for line in lines))


def test_one_edit_is_a_small_segment_and_a_change_every_page_shows_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "MAX_SHARE", 0.5)  # a tiny dossier: one edit is a large share of it
    edit, memo = _segment_after(tmp_path / "edit", _edit_a_note)
    assert journal.small(edit, memo, 0)
    assert not journal.small(edit, memo, journal.MAX_SEGMENTS)  # too many segments: a new base
    retitled, memo = _segment_after(tmp_path / "retitle", _retitle_the_site)
    assert len(retitled.inputs) == len(memo.inputs)  # every page rendered again
    assert not journal.small(retitled, memo, 0)
