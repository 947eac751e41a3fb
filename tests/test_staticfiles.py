"""The theme's ``static/`` and the project's own over it are published; only regular files:
every symbolic link is refused."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, refuse_listing, write_tree
from test_journeys import copy_repository, files_of, typed

from dossier.errors import ContentErrors
from dossier.project import PACKAGED_THEMES
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


# -- the project's own static/, over the theme's ---------------------------------------------


def test_the_projects_files_replace_the_themes_and_are_added(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "t"
    write_tree(theme / "static", {"style.css": "theme", "notes.js": "theme", "fonts/a.woff2": "theme"})
    write_tree(tmp_path / "static", {"style.css": "mine", "img/logo.png": "mine", "fonts/b.woff2": "mine", ".x": ""})
    copies = staticfiles.published(tmp_path, theme)
    assert list(copies) == [
        "static/fonts/a.woff2",
        "static/fonts/b.woff2",
        "static/img/logo.png",
        "static/notes.js",
        "static/style.css",
    ]
    assert {rel: path.read_text() for rel, path in copies.items()} == {
        "static/fonts/a.woff2": "theme",
        "static/fonts/b.woff2": "mine",
        "static/img/logo.png": "mine",
        "static/notes.js": "theme",
        "static/style.css": "mine",
    }
    assert copies["static/style.css"] == tmp_path / "static" / "style.css"


def test_a_file_where_the_theme_has_a_folder_and_the_reverse_are_errors_at_the_projects_path(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "t"
    write_tree(theme / "static", {"style.css": "", "fonts/a.woff2": "", "fonts/b.woff2": ""})
    write_tree(tmp_path / "static", {"fonts": "", "style.css/a/one.css": "", "style.css/a/two.css": ""})
    (tmp_path / "static" / "ok.css").symlink_to("fonts")
    with pytest.raises(ContentErrors) as raised:
        staticfiles.published(tmp_path, theme)
    assert [d.format() for d in raised.value.diagnostics] == [
        "static/fonts: error: a file where the theme's static files have a folder"
        " (hint: the site cannot hold both at /static/fonts: give yours another name)",
        f"static/ok.css: {REFUSED}",
        "static/style.css: error: a folder where the theme's static files have a file"
        " (hint: the site cannot hold both at /static/style.css: give yours another name)",
    ]


def test_a_static_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"static": "logo"})
    with pytest.raises(ContentErrors) as raised:
        staticfiles.published(tmp_path, tmp_path / "themes" / "t")
    assert [d.format() for d in raised.value.diagnostics] == [
        "static: error: not a folder (hint: static files go in a folder static/)"
    ]


def test_the_projects_static_folder_that_cannot_be_read_is_an_error_at_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "static", {"style.css": "body {}"})
    refuse_listing(monkeypatch, tmp_path / "static")
    with pytest.raises(ContentErrors) as raised:
        staticfiles.published(tmp_path, tmp_path / "themes" / "t")
    hint = "check its owner and permissions (chmod u+rx static): every file in it is read"
    assert [d.format() for d in raised.value.diagnostics] == [
        f"static: error: cannot read this folder: Permission denied (hint: {hint})"
    ]


def test_a_newsroom_changes_the_stylesheet_and_adds_its_logo(tmp_path: Path) -> None:
    """As the README says it: ``static/`` at the project's root, each file over the theme's."""
    project = copy_repository(tmp_path / "dossier")
    assert not (project / "static").exists()  # the shipped dossier has none: its site is the theme's
    assert not (project / "themes" / "default").exists()  # the packaged theme's
    shipped = Path(PACKAGED_THEMES) / "default" / "static" / "style.css"
    assert typed("python build.py", project).code == 0
    site = project / "_site" / "static"
    assert (site / "style.css").read_bytes() == shipped.read_bytes()

    write_tree(project / "static", {"style.css": "body { color: #123456; }\n", "img/logo.png": b"\x89PNG one"})
    done = typed("python build.py", project)
    assert done.code == 0 and not done.errors, done
    assert (site / "style.css").read_text() == "body { color: #123456; }\n"
    assert (site / "img" / "logo.png").read_bytes() == b"\x89PNG one"
    assert (site / "favicon.svg").is_file()  # the theme's others are still there

    (project / "static" / "img" / "logo.png").write_bytes(b"\x89PNG two")  # same size: a new signature
    done = typed("python build.py", project)
    assert done.code == 0 and " 1 written," in done.out, done
    assert (site / "img" / "logo.png").read_bytes() == b"\x89PNG two"

    (project / "static" / "style.css").unlink()
    shutil.rmtree(project / "static" / "img")
    done = typed("python build.py", project)
    assert done.code == 0 and " 1 removed" in done.out, done
    assert (site / "style.css").read_bytes() == shipped.read_bytes()
    assert not (site / "img").exists()

    (project / "static" / "env.txt").symlink_to(project / "site.yml")
    before = files_of(project / "_site")
    for command in ("python build.py", "python build.py check"):
        done = typed(command, project)
        assert done.code == 1 and done.err.splitlines() == [f"static/env.txt: {REFUSED}", "1 error"], done
    assert files_of(project / "_site") == before

    (project / "static" / "env.txt").unlink()
    (project / "static").rmdir()
    assert typed("python build.py", project).code == 0
    (project / "static").write_text("logo")  # after a good build: the quick check sees it too
    done = typed("python build.py", project)
    assert done.code == 1 and done.errors == ["static: error: not a folder (hint: static files go in a folder static/)"]


@pytest.mark.parametrize("folder", ["static", "content/media"])
@pytest.mark.parametrize("target", ["folder", "nothing"])
def test_a_link_to_a_folder_or_to_nothing_added_after_a_build_is_seen_by_the_next(
    tree: Callable[..., Path], run: Callable[..., Run], folder: str, target: str
) -> None:
    """The quick 'nothing changed' check sees it come and go, as a clean build would."""
    root = tree()
    (root / folder).mkdir(parents=True)
    assert run("build", "--root", root, "-q", "--no-search").code == 0
    link = root / folder / "lien"
    link.symlink_to(root / "content" if target == "folder" else root / "nulle-part")
    refused = run("build", "--root", root, "--no-search")
    assert refused.code == 1 and refused.errors and refused.errors[0].startswith(f"{folder}/lien: error:"), refused
    link.unlink()
    assert run("build", "--root", root, "--no-search").code == 0


def test_the_publisher_s_logo_is_one_of_the_static_files_the_site_publishes(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"site.yml": "title: D\npublisher:\n  name: Le Quotidien\n  logo: /static/img/logo.png\n"})
    refused = run("check", "--root", root)
    assert refused.code == 1
    assert refused.errors == [
        "site.yml:2: error: the publisher's logo /static/img/logo.png is no file the site publishes"
        " (hint: put the file in the project's static/ folder (static/img/logo.png), or give its URL)"
    ]
    write_tree(root, {"static/img/logo.png": b"\x89PNG"})
    assert run("build", "--root", root, "-q", "--no-search").code == 0
    assert (root / "_site" / "static" / "img" / "logo.png").is_file()
