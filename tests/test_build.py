"""The build command's pipeline: the cyclic collector is off while it runs, and on again after; a fault
of the file system (a full disk, a cache folder that is a file) is one line, and loses nothing."""

from __future__ import annotations

import errno
import gc
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Run

from dossier.commands import build
from dossier.engine import Engine, Result
from dossier.errors import ContentErrors
from dossier.incremental import pages_on_disk, store
from dossier.options import Options
from dossier.publish import output


def test_the_collector_is_off_during_a_build_and_on_after(
    tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    produce = Engine.produce

    def watched(self: Engine, changed: object = None) -> Result:
        seen.append(gc.isenabled())
        return produce(self)

    monkeypatch.setattr(Engine, "produce", watched)
    root = tree()
    assert gc.isenabled()
    build.build(Options(root, search=False))
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_failed_build(tree: Callable[..., Path]) -> None:
    root = tree({"content/articles/un-article.md": "---\ntitle: [\n---\n"})
    with pytest.raises(ContentErrors):
        build.build(Options(root, search=False))
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(tree: Callable[..., Path]) -> None:
    root = tree()
    gc.disable()
    try:
        build.build(Options(root, search=False))
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- faults of the file system ---------------------------------------------------------------


def site_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(root: Path) -> None:
    article = root / "content" / "articles" / "un-article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Un article", "Un autre titre"), encoding="utf-8")


def leftovers(root: Path) -> list[str]:
    """Staging folders beside the output, spool folders in the cache."""
    found = [p.name for p in root.iterdir() if ".staging-" in p.name]
    cache = root / store.FOLDER
    return found + ([p.name for p in cache.iterdir() if ".spool-" in p.name] if cache.is_dir() else [])


def full_disk(after: int, write: Callable[..., None]) -> Callable[..., None]:
    """``write``, failing as a full disk does from its ``after``-th call on (at the path it writes)."""
    calls = [0]

    def failing(*args: object) -> None:
        calls[0] += 1
        if calls[0] > after:
            where = os.path.join(*(os.fspath(a) for a in args if isinstance(a, str | Path)))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), where)
        write(*args)

    return failing


def test_a_full_disk_while_pages_are_spooled(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree()
    assert run("build", "--root", root, "-q").code == 0
    before = site_of(root / "_site")
    edit(root)
    monkeypatch.setattr(pages_on_disk, "put", full_disk(1, pages_on_disk.put))
    result = run("build", "--root", root, "--jobs", "1")
    assert result.code == 1
    assert result.err.startswith("error: cannot write '.dossier-cache/build/"), result.err
    assert result.err.endswith(": No space left on device (hint: free some space on that disk, then build again)\n"), (
        result.err
    )
    assert len(result.err.splitlines()) == 1
    assert site_of(root / "_site") == before
    assert leftovers(root) == []
    monkeypatch.undo()
    assert run("build", "--root", root, "-q").code == 0  # space again: the build goes on from there
    assert "Un autre titre" in (root / "_site" / "index.html").read_text(encoding="utf-8")


def test_a_full_disk_while_the_output_is_written(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree()
    assert run("build", "--root", root, "-q", "--no-cache").code == 0
    before = site_of(root / "_site")
    edit(root)
    monkeypatch.setattr(output, "_write_bytes", full_disk(3, output._write_bytes))
    result = run("build", "--root", root, "--no-cache")
    assert (result.code, result.err) == (
        1,
        "error: cannot write the output folder '_site': No space left on device"
        " (hint: free some space on that disk, then build again)\n",
    )
    assert site_of(root / "_site") == before
    assert leftovers(root) == []


def test_a_full_disk_while_the_cache_is_written(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree()

    def save(path: Path, *args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(store, "save", save)
    result = run("build", "--root", root, "-q")
    assert result.code == 0  # the site is written: only the next build's head start is lost
    assert result.err.splitlines() == [
        ".dossier-cache: warning: the build cache was not written: No space left on device"
        " (hint: the next build starts from scratch; free some space on that disk, then build again)"
    ]
    assert (root / "_site" / "index.html").is_file()


@pytest.mark.parametrize("cache", [True, False], ids=["cached", "no-cache"])
def test_a_cache_folder_that_is_a_file(tree: Callable[..., Path], run: Callable[..., Run], cache: bool) -> None:
    root = tree()
    (root / ".dossier-cache").write_text("not a folder")
    result = run("build", "--root", root, *(() if cache else ("--no-cache",)))
    assert (result.code, result.err) == (
        1,
        "error: '.dossier-cache' is a file, not a folder: dossier keeps its cache and its lock there"
        " (hint: move that file away or delete it; the next build makes the folder)\n",
    )
    assert (root / ".dossier-cache").read_text() == "not a folder"
    assert not (root / "_site").exists()


def test_a_file_too_large_to_write_in_a_real_process(tree: Callable[..., Path]) -> None:
    """The process may write no file over 16 KiB (``ulimit -f``), as when a disk fills: one line."""
    root = tree({f"content/articles/long-{i}.md": long_article(i, 3000) for i in range(3)})
    command = [sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    assert subprocess.run(command, env=env, capture_output=True, check=False).returncode == 0
    before = site_of(root / "_site")
    edit(root)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, preexec_fn=limited)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write '"), done.stderr
    assert lines[0].endswith(": File too large (hint: a file is larger than this process may write (ulimit -f))")
    assert site_of(root / "_site") == before
    assert leftovers(root) == []


def long_article(number: int, words: int) -> str:
    body = " ".join(f"mot{k}" for k in range(words))
    return f"---\ntitle: Long {number}\ndate: 2024-03\ntopics: [irak]\n---\n{body}\n"


def test_an_output_folder_below_a_file_is_one_line_with_a_hint(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree()
    (root / "afile").write_text("x", encoding="utf-8")
    result = run("build", "--root", root, "--no-search", "--out", root / "afile" / "sub")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: cannot write the output folder 'afile/sub': File exists"
        " (hint: check that every folder on its way is a folder: give another --out)"
    ]


def test_the_packaged_theme_is_never_an_output_folder(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    from dossier.project import PACKAGED_THEMES

    static = Path(PACKAGED_THEMES) / "default" / "static"
    before = sorted(p.name for p in static.iterdir())
    result = run("build", "--root", tree(), "--out", static, "--replace-output")
    assert result.code == 1
    assert f"overlaps the project's '{PACKAGED_THEMES}'" in result.err
    assert "--replace-output does not change this" in result.err
    assert sorted(p.name for p in static.iterdir()) == before


@pytest.mark.parametrize("cache", [True, False], ids=["spool", "staging"])
def test_a_ctrl_c_as_the_build_s_own_folder_is_made_leaves_no_folder(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    """The stop is held while the folder is made and marked, and acted on as that is done: the
    folder is removed before the build stops."""
    root = tree()
    assert run("build", "--root", root, "-q").code == 0
    before = site_of(root / "_site")
    edit(root)
    real = output.mark

    def mark_then_stop(folder: Path) -> None:
        real(folder)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread: acted on here

    monkeypatch.setattr(output, "mark", mark_then_stop)
    with pytest.raises(KeyboardInterrupt):
        run("build", "--root", root, "--jobs", "1", *([] if cache else ["--no-cache"]))
    assert leftovers(root) == []
    assert site_of(root / "_site") == before
