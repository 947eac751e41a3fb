from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Run

from dossier.commands import writing


def _disk_full(*_: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_replace_file_puts_the_whole_file_in_place(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("old", encoding="utf-8")
    writing.replace_file(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_a_full_disk_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.md"
    path.write_text("the editor's text", encoding="utf-8")
    monkeypatch.setattr(writing.os, "fsync", _disk_full)
    with pytest.raises(OSError):
        writing.replace_file(path, b"new text")
    with pytest.raises(OSError):
        writing.create_file(tmp_path / "b.md", b"new text")
    assert path.read_text(encoding="utf-8") == "the editor's text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]  # no temporary file left


def test_create_file_never_replaces(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    writing.create_file(path, b"first")
    with pytest.raises(FileExistsError):
        writing.create_file(path, b"second")
    assert path.read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_an_update_on_a_full_disk_keeps_the_article(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree({"seeds/s.txt": "date 2024-03\nPremier texte.\n"})
    assert run("import", "--root", root, "seeds/s.txt").code == 0
    (article,) = (root / "content/articles").glob("premier*.md")
    edited = article.read_text(encoding="utf-8").replace("draft: true", "draft: false")
    article.write_text(edited, encoding="utf-8")
    (root / "seeds/s.txt").write_text("date 2024-03\nSecond texte.\n", encoding="utf-8")
    monkeypatch.setattr(writing.os, "fsync", _disk_full)
    result = run("import", "--root", root, "--update", "seeds/s.txt")
    assert result.code == 1
    assert result.errors == [
        "seeds/s.txt: error: cannot write its article: No space left on device"
        " (hint: free some space on that disk, then import again: the seeds imported are not imported twice)"
    ]
    assert article.read_text(encoding="utf-8") == edited
    new = run("new", "topic", "--root", root, "--label", "Syrie")
    assert new.code == 1
    assert new.errors == ["content/topics/syrie.md: error: cannot write it: No space left on device"]
    assert not (root / "content/topics/syrie.md").exists()


@pytest.mark.parametrize("links", [True, False], ids=["hard-link", "no-hard-links"])
def test_a_kept_file_is_put_back_or_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool) -> None:
    if not links:
        monkeypatch.setattr(os, "link", lambda *_: _disk_full())
    path = tmp_path / "a.md"
    path.write_bytes(b"before")
    kept = writing.Kept.of(path)
    writing.replace_file(path, b"after")
    kept.put_back()
    assert os.listdir(tmp_path) == ["a.md"] and path.read_bytes() == b"before"
    kept = writing.Kept.of(path)
    writing.replace_file(path, b"after")
    kept.drop()
    assert os.listdir(tmp_path) == ["a.md"] and path.read_bytes() == b"after"


# -- what a killed command left: removed by the next command that writes content ----------------------


@pytest.fixture
def pids() -> Iterator[tuple[int, int]]:
    """The pid of a process that is gone, and of one alive until the test's end."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    alive = subprocess.Popen(["sleep", "600"])
    try:
        yield gone.pid, alive.pid
    finally:
        alive.kill()
        alive.wait()


def _hidden(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(".*") if "themes" not in p.parts)


def test_the_sweep_removes_the_files_of_processes_gone_and_nothing_else(
    tree: Callable[..., Path], pids: tuple[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    gone, alive = pids
    root = tree({"content/annotations/sous/n.md": "x", "seeds/s.txt": "x"})
    article = root / "content/articles/un-article.md"
    removed = [f"content/articles/.un-article.md.{gone}.old", f"content/annotations/sous/.n.md.{gone}.tmp"]
    removed.append(f".site.yml.{gone}.old")
    os.link(article, root / removed[0])  # a second name of the file, not replaced yet: nothing lost
    os.link(article, root / removed[1])  # a temporary file: never the only copy of anything
    os.link(root / "site.yml", root / removed[2])
    kept = [
        f"content/articles/.un-article.md.{alive}.old",  # a rename still running
        f"content/articles/.un-article.md.{alive}.tmp",
        f"content/articles/.un-article.md.{os.getpid()}.tmp",  # this process's: being written, by another thread
        f"content/articles/.un-article.md.{gone}.bak",  # other names: the editor's
        f"content/articles/.un-article.txt.{gone}.old",
        f"content/articles/.un-article.md.{gone}x.old",
        f"content/articles/.un-article.md.{gone}.old.md",
        f"seeds/.s.txt.{gone}.old",
        f"seeds/.s.md.{gone}.old",  # not in content/
        f".README.md.{gone}.old",  # at the root, only site.yml's
        f".site.yml.{alive}.tmp",
    ]
    for rel in kept:
        (root / rel).write_text("mine", encoding="utf-8")
    (root / f"content/topics/.dossier.md.{gone}.old").mkdir()  # a folder: not one of these files
    (root / f"content/topics/.t.md.{gone}.tmp").symlink_to(article)  # a link: neither
    former = root / f"content/topics/.irak.md.{gone}.old"  # irak.md was replaced: its only former text
    former.write_text("---\nlabel: Irak (avant)\n---\n", encoding="utf-8")
    writing.sweep(root)
    folders = [f"content/topics/.dossier.md.{gone}.old", f"content/topics/.t.md.{gone}.tmp"]
    assert _hidden(root) == sorted([*kept, *folders, f"content/topics/.irak.md.{gone}.old"])
    assert article.read_text(encoding="utf-8").startswith("---\n")
    assert capsys.readouterr().err == (
        f"content/topics/.irak.md.{gone}.old: warning: the text content/topics/irak.md had before a command was"
        " killed as it changed it (hint: the project may be half changed (git status shows how):"
        f" mv content/topics/.irak.md.{gone}.old content/topics/irak.md restores it, or delete it)\n"
    )


_COMMANDS = {
    "rename": ["rename", "article", "un-article", "une-depeche"],
    "new": ["new", "topic", "--label", "Syrie"],
    "import": ["import", "seeds/s.txt"],
    "reanchor": ["reanchor", "--write"],
}


@pytest.mark.parametrize("command", _COMMANDS)
def test_the_next_command_that_writes_content_removes_what_a_killed_one_left(
    tree: Callable[..., Path], run: Callable[..., Run], pids: tuple[int, int], command: str
) -> None:
    gone, alive = pids
    root = tree({"seeds/s.txt": "date 2024-03\nUn texte.\n"})
    article = root / "content/articles/un-article.md"
    left = [root / f"content/articles/.un-article.md.{pid}.old" for pid in (gone, alive)]
    for path in left:
        os.link(article, path)
    for unwritten in (["build", "-q", "--no-search"], ["check"]):  # a build never writes content: it leaves them
        assert run(*unwritten, "--root", root).code == 0
        assert all(path.exists() for path in left), unwritten
    note = "---\narticle: un-article\nquote: ont entamé en février des discussions\nkind: contexte\n---\nN.\n"
    (root / "content/annotations").mkdir()
    (root / "content/annotations/n.md").write_text(note, encoding="utf-8")  # for reanchor to move
    refused = run("rename", "article", "un-article", "Une dépêche", "--root", root)
    assert refused.code == 1 and all(path.exists() for path in left)  # refused: nothing written
    done = run(*_COMMANDS[command], "--root", root)
    assert done.code == 0, done.err
    assert [path.exists() for path in left] == [False, True]
