from __future__ import annotations

import errno
import os
from collections.abc import Callable
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
