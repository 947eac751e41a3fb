"""The one orchestration of build, check and serve: the engine made with what it needs, run, its
result handed to the command's writer, and remembered only once written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.generate import generate
from dossier.commands import build
from dossier.commands.runner import Runner, nothing
from dossier.engine import Engine, Result
from dossier.errors import ContentErrors
from dossier.incremental.resume import Resume
from dossier.options import Options


def edit(root: Path) -> Path:
    article = root / "content" / "articles" / "un-article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Un article", "Un autre titre"), encoding="utf-8")
    return article


def test_the_writer_gets_the_result_and_says_what_it_wrote(tree: Callable[..., Path]) -> None:
    given: list[Result] = []

    def write(result: Result) -> int:
        given.append(result)
        return len(result.files)

    result, written = Runner(Options(tree(), search=False)).run(write)
    assert given == [result]
    assert written == len(result.files) == result.pages > 0  # a first build renders every page


def test_a_result_is_remembered_once_written(tree: Callable[..., Path]) -> None:
    root = tree()
    runner = Runner(Options(root, search=False))
    first, _ = runner.run(nothing)
    again, _ = runner.run(nothing, changed=set())
    assert again.files == {} and again.paths == first.paths  # nothing changed: nothing rendered
    changed, _ = runner.run(nothing, changed={edit(root)})
    assert 0 < len(changed.files) < first.pages


def test_a_result_whose_writing_failed_is_rendered_again(tree: Callable[..., Path]) -> None:
    runner = Runner(Options(tree(), search=False))

    def full_disk(result: Result) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        runner.run(full_disk)
    again, _ = runner.run(nothing, changed=set())
    assert len(again.files) == again.pages > 0  # the next run writes every page the failed one did not


def test_an_edit_whose_writing_failed_is_not_lost_by_the_next_build(tmp_path: Path) -> None:
    """Edit A, patched, its writing fails (a full disk); edit B: the site written then has both
    edits, the pages a clean build of the same files makes."""
    root = tmp_path / "d"
    generate(root, articles=12, notes_per_article=2, events=3, topic_count=3)
    options = Options(root, search=False)
    runner = Runner(options)
    disk: dict[str, bytes] = {}
    runner.run(lambda result: disk.update(result.files))
    first, second = sorted((root / "content" / "articles").glob("*.md"))[:2]

    def full_disk(result: Result) -> None:
        raise OSError(28, "No space left on device")

    first.write_text(first.read_text(encoding="utf-8") + "\n\nPremière modification.\n", encoding="utf-8")
    with pytest.raises(OSError):
        runner.run(full_disk, changed={first})
    assert runner.engine.patched == 1  # the edit took the patch route, then was not written
    second.write_text(second.read_text(encoding="utf-8") + "\n\nSeconde modification.\n", encoding="utf-8")
    runner.run(lambda result: disk.update(result.files), changed={second})
    clean = Engine(options).produce()
    assert [path for path in clean.files if disk.get(path) != clean.files[path]] == []


def test_content_errors_reach_no_writer(tree: Callable[..., Path]) -> None:
    root = tree({"content/articles/cassé.md": "---\ntitle: [\n---\n"})
    called: list[Result] = []
    with pytest.raises(ContentErrors):
        Runner(Options(root, search=False)).run(called.append)
    assert called == []


def test_the_engine_starts_from_what_the_last_build_left(tree: Callable[..., Path], tmp_path: Path) -> None:
    root = tree()
    options = Options(root, tmp_path / "out", search=False, cache=True)
    total = build.build(options).counts.pages
    edit(root)
    resume = Resume(options, tmp_path / "out")
    try:
        assert resume.unchanged() is None  # an input changed: a build must be made
        with resume.start() as start:
            assert start.memo is not None and start.kept  # the last build's memory, its output as written
            assert start.spool is not None and start.spool.is_dir()
            result, _ = Runner(options, None, start).run(nothing)
            spool = start.spool
        assert not spool.exists()  # the spool folder goes with the build
    finally:
        resume.close()
    assert 0 < len(result.files) < total  # only the pages the edit touched were rendered
    assert result.pages == total
