"""Only regular files of the theme's ``static/`` are published: every symbolic link is refused."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, refuse_listing

from dossier.errors import ContentErrors
from dossier.publish import staticfiles

REFUSED = "error: symbolic link in static files: not published (hint: copy the file instead)"


def test_regular_files_are_collected_in_order(tmp_path: Path) -> None:
    static = tmp_path / "themes" / "t" / "static"
    for rel in ("b.css", "a/x.js", "a-b.txt", ".hidden", ".git/config"):
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_text(rel)
    copies = staticfiles.collect(tmp_path, static)
    assert list(copies) == ["static/a/x.js", "static/a-b.txt", "static/b.css"]
    assert copies["static/b.css"] == static / "b.css"
    assert staticfiles.collect(tmp_path, tmp_path / "themes" / "t" / "nothing") == {}


def test_every_link_is_refused_whatever_it_points_to(tmp_path: Path) -> None:
    static = tmp_path / "themes" / "t" / "static"
    (static / "css").mkdir(parents=True)
    (static / "style.css").write_text("body {}")
    (tmp_path / ".env").write_text("SECRET=1")
    (static / "env.txt").symlink_to(tmp_path / ".env")  # inside the project
    (static / "copie.css").symlink_to("style.css")  # inside the theme
    (static / "css" / "linked").symlink_to(static / "css", target_is_directory=True)
    (static / "nowhere").symlink_to(tmp_path / "absent")
    with pytest.raises(ContentErrors) as raised:
        staticfiles.collect(tmp_path, static)
    assert [d.format() for d in raised.value.diagnostics] == [
        f"themes/t/static/{rel}: {REFUSED}" for rel in ("copie.css", "css/linked", "env.txt", "nowhere")
    ]


def test_a_linked_static_folder_is_refused(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "t"
    (tmp_path / "elsewhere").mkdir()
    theme.mkdir(parents=True)
    (theme / "static").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ContentErrors) as raised:
        staticfiles.collect(tmp_path, theme / "static")
    assert [d.format() for d in raised.value.diagnostics] == [f"themes/t/static: {REFUSED}"]


def test_a_special_file_is_refused(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    os.mkfifo(static / "pipe")
    with pytest.raises(ContentErrors) as raised:
        staticfiles.collect(tmp_path, static)
    assert [d.format() for d in raised.value.diagnostics] == [
        "static/pipe: error: not a regular file (hint: static files are plain files)"
    ]


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_link_to_the_projects_secret_is_not_published(
    command: str, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({".env": "TOKEN=hunter2\n"})
    (root / "themes" / "default" / "static" / "env.txt").symlink_to(root / ".env")
    options = ("--no-search",) if command == "build" else ()
    result = run(command, "--root", root, *options)
    assert result.code == 1
    assert result.err.splitlines() == [f"themes/default/static/env.txt: {REFUSED}", "1 error"]
    assert not (root / "_site").exists()
    (root / "themes" / "default" / "static" / "env.txt").unlink()
    assert run(command, "--root", root, *options).code == 0


def test_a_static_folder_that_cannot_be_read_is_an_error_at_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    static = tmp_path / "themes" / "t" / "static"
    (static / "fonts").mkdir(parents=True)
    (static / "style.css").write_text("body {}")
    refuse_listing(monkeypatch, static / "fonts")
    with pytest.raises(ContentErrors) as raised:
        staticfiles.collect(tmp_path, static)
    hint = "check its owner and permissions (chmod u+rx themes/t/static/fonts): every file in it is read"
    assert [d.format() for d in raised.value.diagnostics] == [
        f"themes/t/static/fonts: error: cannot read this folder: Permission denied (hint: {hint})"
    ]
