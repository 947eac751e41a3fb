"""The walk of content/: which files are content, each with its kind's folder and, if asked, its signature."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import refuse_listing, write_tree

from dossier import project
from dossier.source import content, discovery
from dossier.source.signatures import signature


def test_one_folder_per_kind_of_content() -> None:
    assert tuple(kind.folder for kind in content.KINDS) == project.CONTENT_FOLDERS


def test_the_walk_finds_content_and_reports_strays(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "content/articles/b.md": "b",
            "content/articles/a.md": "a",
            "content/articles/.a.md.swp": "swap",
            "content/articles/notes.txt": "stray",
            "content/timeline/2024/e.md": "e",
            "content/drafts/x.md": "x",
        },
    )
    found, problems = discovery.walk(root)
    assert [(kind, Path(path).relative_to(root).as_posix(), sig) for kind, path, sig in found] == [
        ("articles", "content/articles/a.md", None),
        ("articles", "content/articles/b.md", None),
        ("timeline", "content/timeline/2024/e.md", None),
    ]
    assert sorted(p.format() for p in problems) == [
        "content/articles/notes.txt: error: not a Markdown file (hint: content files end in .md)",
        "content/drafts: error: unexpected entry in content/ (hint: expected folders: "
        "articles, annotations, timeline, topics, pages, media)",
    ]


def test_signed_walk_gives_each_file_its_signature(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"content/articles/a.md": "a", "content/topics/t.md": "t"})
    found, _ = discovery.walk(root, signed=True)
    assert [sig for _, _, sig in found] == [signature(path) for _, path, _ in found]
    assert all(sig is not None for _, _, sig in found)


def test_a_folder_that_cannot_be_read_is_an_error_at_its_path_never_an_empty_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(
        tmp_path,
        {"content/articles/a.md": "a", "content/annotations/n.md": "n", "content/timeline/2024/e.md": "e"},
    )
    refuse_listing(monkeypatch, root / "content/annotations", root / "content/timeline/2024")
    found, problems = discovery.walk(root, signed=True)
    assert [Path(path).relative_to(root).as_posix() for _, path, _ in found] == ["content/articles/a.md"]
    hint = "check its owner and permissions (chmod u+rx {0}): every file in it is read"
    assert [p.format() for p in problems] == [
        f"{rel}: error: cannot read this folder: Permission denied (hint: {hint.format(rel)})"
        for rel in ("content/annotations", "content/timeline/2024")
    ]


def test_a_content_folder_that_cannot_be_read_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"content/articles/a.md": "a"})
    refuse_listing(monkeypatch, root / "content")
    found, problems = discovery.walk(root)
    assert found == []
    said = [(p.location.path, p.message) for p in problems]
    assert said == [("content", "cannot read this folder: Permission denied")]


def test_a_folder_gone_while_the_walk_runs_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Removed between its parent's listing and its own (an editor moving files): as if walked a moment later."""
    root = write_tree(tmp_path, {"content/articles/a.md": "a", "content/articles/old/b.md": "b"})
    real = os.scandir

    def scandir(path: str | Path) -> object:
        if os.fspath(path).endswith("old"):
            raise FileNotFoundError(errno.ENOENT, "gone", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, problems = discovery.walk(root)
    assert [Path(path).name for _, path, _ in found] == ["a.md"] and problems == []
