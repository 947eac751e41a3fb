"""The walk of content/: which files are content, each with its kind's folder and, if asked, its signature."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree

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
