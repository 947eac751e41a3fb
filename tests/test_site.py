"""Whole builds of the shipped dossier: golden output, links under a subpath, validity, feed."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
import sitecheck
from conftest import REPO, Run

GOLDEN = Path(__file__).parent / "golden"
VNU = REPO / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGE_KINDS = [
    "index.html",
    "articles/index.html",
    "articles/irak-fin-de-la-coalition/index.html",
    "topics/index.html",
    "topics/irak/index.html",
    "timeline/index.html",
    "a-propos/index.html",
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "static/style.css",
]


def copy_project(dest: Path) -> Path:
    for name in ("content", "themes", "seeds"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "site.yml", dest / "site.yml")
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("shipped"))
    from dossier import cli

    assert cli.main(["build", "--root", str(root), "-q", "--no-search"]) == 0  # the index: tests/test_search.py
    return root / "_site"


@pytest.fixture(scope="module")
def built_subpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("subpath"))
    from dossier import cli

    assert cli.main(["build", "--root", str(root), "--base-url", "https://example.org/dossier/", "-q"]) == 0
    return root / "_site"


def test_every_page_kind_is_built(built: Path) -> None:
    for rel in PAGE_KINDS:
        assert (built / rel).is_file(), rel


def test_golden(built: Path, request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(built, GOLDEN)
    comparison = filecmp.dircmp(built, GOLDEN)
    problems: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        problems.extend(f"only in build: {prefix}{n}" for n in cmp.left_only)
        problems.extend(f"only in golden: {prefix}{n}" for n in cmp.right_only)
        for name in cmp.common_files:
            if (Path(cmp.left) / name).read_bytes() != (Path(cmp.right) / name).read_bytes():
                problems.append(f"differs: {prefix}{name}")
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    assert problems == [], "run 'pytest tests/test_site.py --update-golden' after an intended change"


def test_two_builds_are_identical(built: Path, tmp_path: Path, run: Callable[..., Run]) -> None:
    root = copy_project(tmp_path / "again")
    assert run("build", "--root", root, "--no-search").code == 0
    assert sorted(p.relative_to(built) for p in built.rglob("*")) == sorted(
        p.relative_to(root / "_site") for p in (root / "_site").rglob("*")
    )
    for path in built.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (root / "_site" / path.relative_to(built)).read_bytes(), path


def test_every_internal_link_resolves_under_a_subpath(built_subpath: Path) -> None:
    assert sitecheck.broken_links(built_subpath, "/dossier/") == []


def test_absolute_urls_use_the_base_url(built_subpath: Path) -> None:
    sitemap = (built_subpath / "sitemap.xml").read_text()
    assert "<loc>https://example.org/dossier/articles/irak-fin-de-la-coalition/</loc>" in sitemap
    assert "Sitemap: https://example.org/dossier/sitemap.xml" in (built_subpath / "robots.txt").read_text()
    page = (built_subpath / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/dossier/">' in page


def test_feed_parses(built_subpath: Path) -> None:
    feed = feedparser.parse((built_subpath / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == "fr"
    [entry] = feed.entries
    assert entry.link == "https://example.org/dossier/articles/irak-fin-de-la-coalition/"
    assert entry.id == entry.link
    assert entry.updated == "2024-03-01T00:00:00Z"
    assert "Les discussions entre les Etats-Unis" in entry.content[0].value


def test_html_is_valid(built_subpath: Path) -> None:
    """The W3C Nu Html Checker over every page: no errors."""
    assert VNU.is_file(), "run .ci/setup (npm install in tests/tools) to get the Nu Html Checker"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", "--skip-non-html", str(built_subpath)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_validator_catches_invalid_html(tmp_path: Path) -> None:
    """The validator really runs: a broken page fails it."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=fr><title>x</title><p><div></p></html>")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", str(bad)], capture_output=True, check=False)
    assert result.returncode != 0


def test_french_dates_and_language(built: Path) -> None:
    article = (built / "articles/irak-fin-de-la-coalition/index.html").read_text()
    assert '<html lang="fr">' in article
    assert '<time datetime="2024-03">mars 2024</time>' in article
    timeline = (built / "timeline/index.html").read_text()
    assert "20 mars 2003" in timeline
    assert '<h2 id="year-2014">2014</h2>' in timeline
