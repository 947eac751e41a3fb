from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Run


def test_build_is_the_default_command(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    result = run("--root", root)
    assert result.code == 0
    assert (root / "_site" / "articles" / "un-article" / "index.html").is_file()
    pattern = r"_site: (\d+) written, 0 unchanged, 0 removed \(\d+ pages\) in "
    first = re.match(pattern, result.out)
    assert first, result.out
    again = run("--root", root)
    assert again.out.startswith(f"_site: 0 written, {first[1]} unchanged, 0 removed (")


def test_check_writes_nothing(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    result = run("check", "--root", root)
    assert result.code == 0
    assert result.out.startswith("ok: no errors")
    assert not (root / "_site").exists()


def test_out_and_base_url(tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path) -> None:
    root = tree()
    out = tmp_path / "public"
    assert run("build", "--root", root, "--out", out, "--base-url", "https://example.org/x").code == 0
    assert 'href="/x/articles/un-article/"' in (out / "index.html").read_text()


@pytest.mark.parametrize(
    ("base_url", "warned"),
    [(None, False), ("/", False), ("https://example.org/x/", False), ("https://example.org", False), ("/x/", True)],
)
def test_a_base_url_without_host_is_a_warning_only_for_a_subpath(
    tree: Callable[..., Path], run: Callable[..., Run], base_url: str | None, warned: bool
) -> None:
    """``/`` is local work (the shipped setting); a subpath without a host is meant to be published, but cannot be."""
    root = tree()
    result = run("build", "--root", root, "--no-search", *(("--base-url", base_url) if base_url else ()))
    assert result.code == 0
    expected = [
        "--base-url: warning: --base-url /x/ has no host: the feed, sitemap and canonical links use relative URLs"
        " (hint: to publish, give the full URL: --base-url https://host/x/)"
    ]
    assert result.diagnostics == (expected if warned else [])


def test_a_base_url_without_host_in_site_yml_is_said_at_its_line(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"site.yml": "title: T\nlanguage: fr\nbase_url: /x/\n"})
    assert run("build", "--root", root, "--no-search").diagnostics == [
        "site.yml:3: warning: base_url /x/ has no host: the feed, sitemap and canonical links use relative URLs"
        " (hint: to publish, give the full URL: --base-url https://host/x/)"
    ]


def test_bad_base_url_option(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    result = run("build", "--root", root, "--base-url", "ftp://x")
    assert result.code == 2  # a command-line mistake, like any other
    assert result.err.startswith("error: --base-url: 'ftp://x' is not a base URL")
    result = run("check", "--root", root, "--base-url", "notaurl")
    assert result.code == 2
    assert result.err.startswith("error: --base-url: 'notaurl' is not a base URL")
    for url in ("//evil.example/", "https://example.org:99999/", "https://example.org/a b/"):
        result = run("build", "--root", root, "--base-url", url)
        assert (result.code, result.err.count("\n")) == (2, 1)
        assert result.err.startswith(f"error: --base-url: '{url}' is not a base URL")


def test_a_bad_base_url_option_is_said_before_anything_is_read(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"site.yml": "titl: T\n", "content/articles/cassé.md": "---\ntitle: [\n---\n"})
    for command in ("build", "check"):
        result = run(command, "--root", root, "--base-url", "ftp://x")
        assert (result.code, result.err.count("\n")) == (2, 1), result.err  # not a word of site.yml or content
        assert result.err.startswith("error: --base-url: 'ftp://x' is not a base URL")
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yml", "themes"]  # no cache, no output


def test_output_folder_must_not_be_the_project(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    for out in (root, root / "content", root.parent):
        result = run("build", "--root", root, "--out", out)
        assert result.code == 1
        assert "refusing" in result.err
    assert (root / "content" / "articles" / "un-article.md").is_file()


def test_usage_errors_exit_2() -> None:
    for args in (["build", "--nope"], ["frobnicate"]):
        result = subprocess.run([sys.executable, "build.py", *args], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 2
        assert "usage:" in result.stderr


def test_help_on_each_command() -> None:
    for args in (["--help"], ["build", "--help"], ["check", "--help"]):
        result = subprocess.run([sys.executable, "build.py", *args], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0
        assert "usage:" in result.stdout


def test_content_error_in_a_real_process_has_no_traceback(tree: Callable[..., Path]) -> None:
    root = tree({"content/articles/bad.md": "---\ntitle: [\n---\nx\n"})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "build.py")], cwd=root, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith("content/articles/bad.md:")
    assert result.stderr.splitlines()[-1] == "1 error"


def test_drafts_are_left_out_unless_asked(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    draft = "---\ntitle: Brouillon\ndate: 2024-04\ndraft: true\n---\nTexte.\n"
    root = tree({"content/articles/brouillon.md": draft})
    assert run("build", "--root", root).code == 0
    assert not (root / "_site" / "articles" / "brouillon").exists()
    assert run("build", "--root", root, "--drafts").code == 0
    assert (root / "_site" / "articles" / "brouillon" / "index.html").is_file()


def test_long_builds_show_progress() -> None:
    import io

    from dossier.commands.build import progress_printer

    stream = io.StringIO()
    show = progress_printer(stream)
    for done in range(1, 1201):
        show(done, 1200)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "rendering 1/1200 pages" and lines[-1] == "rendering 1200/1200 pages"
    quiet = io.StringIO()
    small = progress_printer(quiet)
    for done in range(1, 11):
        small(done, 10)
    assert quiet.getvalue() == ""


def test_jobs_and_cache_options(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    line = [sys.executable, "build.py", "build", "--root", str(root), "--jobs", "0"]
    refused = subprocess.run(line, cwd=REPO, capture_output=True, text=True)
    assert refused.returncode == 2 and "expected a number of processes (1 or more), got '0'" in refused.stderr
    assert run("build", "--root", root, "--no-cache", "--jobs", "1", "--no-search").code == 0
    assert (root / "_site" / "index.html").is_file() and not (root / ".dossier-cache" / "build").exists()
    assert run("build", "--root", root, "--jobs", "2", "--no-search").code == 0
    assert any((root / ".dossier-cache" / "build").glob("*.pickle"))


def test_a_folder_that_is_no_dossier_is_said_once(tmp_path: Path, run: Callable[..., Run]) -> None:
    """Run from the wrong folder (``python ../build.py`` from content/): one usage error, not every file missing."""
    for command in (("build",), ("check",), ("import",), ("new", "topic", "--label", "Irak")):
        result = run(*command, "--root", tmp_path)
        assert result.code == 2
        assert result.err.splitlines() == [
            f"error: no dossier here (--root {tmp_path}): no site.yml, no content/ in {tmp_path.resolve()}"
            " (hint: run the command from the project's folder, or give it with --root DIR)"
        ]
    assert list(tmp_path.iterdir()) == []


STOP_IN_A_CALLBACK = """
import signal, sys, weakref
from dossier import cli

class Thing:
    pass

def stop(_: object) -> None:
    raise {stop}

def main() -> int:
    thing = Thing()
    ref = weakref.ref(thing, stop)  # run by the collector, where Python cannot raise
    del thing
    for _ in range(10**7):
        pass
    print("went on", ref)
    return 0

cli.main = main
cli.run()
"""


@pytest.mark.parametrize(
    ("stop", "line", "code"),
    [
        ("KeyboardInterrupt", "interrupted", 130),
        ("cli.Terminated", "terminated", 143),
        ("cli.Terminated(signal.SIGHUP)", "hung up", 129),
    ],
)
def test_a_stop_raised_in_a_callback_stops_the_program_in_one_line(stop: str, line: str, code: int) -> None:
    """Ctrl-C (or SIGTERM) landing in a weakref callback or a ``__del__`` is neither lost nor
    printed as a traceback: the program stops at its next step, as from anywhere else."""
    done = subprocess.run(
        [sys.executable, "-c", STOP_IN_A_CALLBACK.format(stop=stop)], capture_output=True, text=True, cwd=REPO
    )
    assert (done.returncode, done.stdout, done.stderr) == (code, "", f"{line}\n")
