from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from conftest import Run, refuse_listing

from dossier.engine import Engine
from dossier.errors import ContentErrors
from dossier.options import Options
from dossier.publish import templatefiles

SECRET = "secret-hors-du-projet-4242"
OUTSIDE = "symbolic link leads outside the project (hint: copy the file into the project instead)"


def secret_folder(tmp_path: Path) -> Path:
    """A folder beside the project, with a file no build may read."""
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    (folder / "hostname").write_text(SECRET + "\n", encoding="utf-8")
    return folder


def refused(root: Path, run: Callable[..., Run]) -> list[str]:
    """What ``build`` and ``check`` both say, having written nothing and shown no secret."""
    results = [run("build", "--root", root, "--no-search"), run("check", "--root", root)]
    for result in results:
        assert result.code == 1
        assert SECRET not in result.out + result.err
        assert "Traceback" not in result.err
    assert results[0].errors == results[1].errors
    assert not (root / "_site").exists()
    return results[0].errors


def link_robots(tmp_path: Path, root: Path, rel: str) -> None:
    (root / rel).unlink(missing_ok=True)
    (root / rel).symlink_to(secret_folder(tmp_path) / "hostname")


def test_a_template_linked_outside_the_project_is_refused(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"templates/404.html": '{% extends "base.html" %}'})
    link_robots(tmp_path, root, "templates/robots.txt")
    assert refused(root, run) == [f"templates/robots.txt: error: {OUTSIDE}"]


def test_a_theme_template_linked_outside_the_project_is_refused(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree()
    link_robots(tmp_path, root, "themes/default/templates/robots.txt")
    assert refused(root, run) == [f"themes/default/templates/robots.txt: error: {OUTSIDE}"]


def test_a_template_folder_linked_outside_the_project_is_refused(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    page = '{% extends "base.html" %}{% block content %}{% include "etc/hostname" %}{% endblock %}'
    root = tree({"templates/404.html": page})
    (root / "templates" / "etc").symlink_to(secret_folder(tmp_path), target_is_directory=True)
    assert refused(root, run) == [f"templates/etc: error: {OUTSIDE}"]


def test_a_broken_link_or_a_named_pipe_among_templates_is_refused(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"templates/404.html": '{% extends "base.html" %}'})
    (root / "templates" / "gone.html").symlink_to(tmp_path / "nowhere.html")
    os.mkfifo(root / "templates" / "robots.txt")  # would block the build if it were read
    assert refused(root, run) == [
        "templates/gone.html: error: broken symbolic link (hint: remove it or make it point to a file of the project)",
        "templates/robots.txt: error: not a regular file (hint: content files are plain text files)",
    ]


def test_links_inside_the_project_are_followed(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    page = '{% extends "base.html" %}{% block content %}{% include "parts/mention.html" %}{% endblock %}'
    root = tree(
        {"templates/404.html": page, "shared/mention.html": "<p>Mention partagée</p>", "shared/robots.txt": "R\n"}
    )
    (root / "templates" / "parts").symlink_to(root / "shared", target_is_directory=True)
    (root / "templates" / "robots.txt").symlink_to(Path("..") / "shared" / "robots.txt")
    (root / "shared" / "loop").symlink_to(root / "templates", target_is_directory=True)  # walked once, not forever
    result = run("build", "--root", root, "--no-search")
    assert result.code == 0, result.err
    assert "<p>Mention partagée</p>" in (root / "_site" / "404.html").read_text(encoding="utf-8")
    assert (root / "_site" / "robots.txt").read_text(encoding="utf-8") == "R\n"
    assert run("check", "--root", root).code == 0


def test_the_loader_refuses_a_link_out_of_the_project_at_its_path(tmp_path: Path) -> None:
    """Even a template the walk did not see (linked since) is not read."""
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "ok.html").write_text("ok", encoding="utf-8")
    (root / "templates" / "robots.txt").symlink_to(secret_folder(tmp_path) / "hostname")
    (root / "templates" / "etc").symlink_to(tmp_path / "outside", target_is_directory=True)
    env = jinja2.Environment(loader=templatefiles.ProjectLoader([root / "templates"], root))
    assert env.get_template("ok.html").render() == "ok"
    for name, where in [("robots.txt", "templates/robots.txt"), ("etc/hostname", "templates/etc/hostname")]:
        with pytest.raises(templatefiles.RefusedTemplate) as caught:
            env.get_template(name)
        assert caught.value.diagnostic.format() == f"{where}: error: {OUTSIDE}"
        assert SECRET not in str(caught.value)
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("missing.html")


def test_the_walk_reads_no_file_through_a_link_out_of_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "a.html").write_text("a", encoding="utf-8")
    (root / "templates" / "etc").symlink_to(secret_folder(tmp_path), target_is_directory=True)
    files, problems = templatefiles.walk(root, [root / "templates"])
    assert files == [root / "templates" / "a.html"]
    assert [p.format() for p in problems] == [f"templates/etc: error: {OUTSIDE}"]
    with pytest.raises(ContentErrors):
        templatefiles.digest(root, [root / "templates"])


def test_a_rebuild_after_a_template_is_linked_out_says_so(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    """The development server's rebuild of an edited article does not patch the last build."""
    root = tree()
    builder = Engine(Options(root, search=False))
    builder.accept(builder.produce())
    link_robots(tmp_path, root, "themes/default/templates/robots.txt")
    article = root / "content" / "articles" / "un-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        builder.produce({article})
    assert [p.format() for p in caught.value.diagnostics] == [f"themes/default/templates/robots.txt: error: {OUTSIDE}"]


@pytest.mark.parametrize(
    "folder", ["templates", "templates/partials", "themes", "themes/default", "themes/default/templates"]
)
def test_a_template_or_theme_folder_that_cannot_be_read_is_an_error_not_the_packages_theme(
    folder: str, tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken as empty, the project's templates would be left out, or its theme replaced by the
    package's of the same name, without a word."""
    root = tree({"templates/partials/note.html": "{# the project's own #}"})
    refuse_listing(monkeypatch, root / folder)
    hint = f"check its owner and permissions (chmod u+rx {folder}): every file in it is read"
    assert refused(root, run) == [f"{folder}: error: cannot read this folder: Permission denied (hint: {hint})"]
