"""Redirect pages at the aliases of articles, topics and pages: built under a subpath, followed in
Chromium, listed nowhere else, valid HTML; an alias on a URL already taken is an error naming it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sitecheck
from browser import chromium
from conftest import Run
from test_search import Served, _serve
from test_site import VNU, copy_project

ARTICLE = "irak-fin-de-la-coalition"
BASE_URL = "https://example.org/x/"
PREFIX = "/x/"
# alias → the page it sends to (below the base path)
ALIASES = {
    "/articles/ancien-nom/": f"articles/{ARTICLE}/",
    "/2024/03/irak.html": f"articles/{ARTICLE}/",
    "/topics/iraq/": "topics/irak/",
    "/apropos/": "a-propos/",
}


def _add(path: Path, line: str, link: str = "") -> None:
    """``line`` added after the first line of the file's front matter, ``link`` at the end of its text."""
    head, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f"{head}\n{line}\n{rest}{link}", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("aliases"))
    content = root / "content"
    _add(content / "articles" / f"{ARTICLE}.md", "aliases: [/articles/ancien-nom/, /2024/03/irak.html]")
    _add(content / "topics" / "irak.md", "aliases: [/topics/iraq/]")
    link = "\nVoir [l'ancienne adresse](/articles/ancien-nom/#note-1) et [celle-ci](/apropos/).\n"
    _add(content / "pages" / "a-propos.md", "aliases: /apropos/", link)
    from dossier import cli

    assert cli.main(["build", "--root", str(root), "--base-url", BASE_URL, "-q"]) == 0
    return root / "_site"


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            self.meta[values.get("http-equiv") or values.get("name", "")] = values.get("content", "")
        if tag == "link":
            self.links[values.get("rel", "")] = values.get("href", "")
        if tag == "a":
            self.anchors.append(values.get("href", ""))


def _head(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def _file(site: Path, alias: str) -> Path:
    return site / (alias.lstrip("/") + ("index.html" if alias.endswith("/") else ""))


@pytest.mark.parametrize(("alias", "to"), ALIASES.items())
def test_each_alias_is_a_page_that_sends_to_its_record_under_the_subpath(site: Path, alias: str, to: str) -> None:
    head = _head(_file(site, alias))
    assert head.meta["refresh"] == f"0; url={PREFIX}{to}"
    assert head.links["canonical"] == f"{BASE_URL}{to}"
    assert head.anchors == [f"{PREFIX}{to}"]  # the visible link, for a browser that does not follow
    assert head.meta["robots"] == "noindex"
    assert (site / to / "index.html").is_file()


def test_redirect_pages_are_listed_nowhere_else(site: Path) -> None:
    listed = " ".join((site / name).read_text(encoding="utf-8") for name in ("sitemap.xml", "feed.xml", "index.html"))
    for alias in ALIASES:
        assert alias not in listed and f"{PREFIX}{alias[1:]}" not in listed
        assert "data-pagefind-body" not in _file(site, alias).read_text(encoding="utf-8")
    shards = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["languages"]
    entries = [site / "pagefind" / shard / "pagefind-entry.json" for names in shards.values() for shard in names]
    indexed = sum(
        language["page_count"]
        for entry in entries
        for language in json.loads(entry.read_text(encoding="utf-8"))["languages"].values()
    )
    marked = [p for p in sitecheck.pages(site) if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert indexed == len(marked)  # the pages marked for search, and no redirect page


def test_a_link_to_an_alias_goes_to_the_current_url(site: Path) -> None:
    page = (site / "a-propos" / "index.html").read_text(encoding="utf-8")
    assert f'href="{PREFIX}articles/{ARTICLE}/#note-1"' in page and f'href="{PREFIX}a-propos/"' in page
    assert "ancien-nom" not in page
    assert sitecheck.broken_links(site, PREFIX, "https://example.org") == []


def test_redirect_pages_are_valid_html(site: Path) -> None:
    assert VNU.is_file(), "run .ci/setup (npm install in tests/tools) to get the Nu Html Checker"
    files = [str(_file(site, alias)) for alias in ALIASES]
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    yield from _serve(site, PREFIX)


def test_chromium_lands_on_the_page_from_each_alias(served: Served) -> None:
    url, failures = served.url, served.failures
    with chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        for alias, to in ALIASES.items():
            page.goto(url + alias[1:])
            page.wait_for_url(url + to)
            assert page.locator("main h1").first.is_visible()
            assert page.title() != "" and "Page déplacée" not in page.title()
        page.close()
    assert failures == [] and errors == []


# -- aliases that cannot be ------------------------------------------------------------------

PAGE = '---\ntitle: "{title}"\n{more}---\nTexte.\n'


def test_an_alias_on_a_taken_url_is_an_error_naming_what_is_there(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree(
        {
            "content/pages/a-propos.md": PAGE.format(title="À propos", more=""),
            "content/pages/t.md": PAGE.format(
                title="T", more="aliases: [/articles/, /static/x/, /a-propos/, /articles/un-article/, /a/b/]\n"
            ),
            "content/topics/irak.md": '---\nlabel: "Irak"\naliases: [/a/b/]\n---\n',
        }
    )
    done = run("build", "--root", root)
    assert done.code == 1
    taken = "(hint: remove it from aliases: a redirect there would take the place of what the build writes)"
    assert sorted(done.errors) == [
        f"content/pages/t.md:3: error: alias /a-propos/ is the URL of content/pages/a-propos.md, which the build"
        f" writes there {taken}",
        "content/pages/t.md:3: error: alias /a/b/ is also an alias of content/topics/irak.md (line 3)"
        " (hint: keep it in one file)",
        f"content/pages/t.md:3: error: alias /articles/ is the URL of the article list, which the build writes"
        f" there {taken}",
        f"content/pages/t.md:3: error: alias /articles/un-article/ is the URL of content/articles/un-article.md,"
        f" which the build writes there {taken}",
        f"content/pages/t.md:3: error: alias /static/x/ is the URL of the theme's static files, which the build"
        f" writes there {taken}",
    ]
    assert not (root / "_site").exists()


@pytest.mark.parametrize(
    ("slugged", "other"),
    [("b", "a"), ("a", "b")],  # the file with the slug: line comes after the other, or before it
    ids=["later", "first"],
)
def test_a_slug_line_on_a_taken_url_is_said_at_that_line_naming_both(
    tree: Callable[..., Path], run: Callable[..., Run], slugged: str, other: str
) -> None:
    root = tree(
        {
            f"content/pages/{slugged}.md": PAGE.format(title=slugged.upper(), more=f"slug: {other}\n"),
            f"content/pages/{other}.md": PAGE.format(title=other.upper(), more=""),
        }
    )
    done = run("check", "--root", root)
    assert done.errors == [
        f"content/pages/{slugged}.md:3: error: two things on one URL /{other}/: this file and content/pages/{other}.md"
        " (hint: give this file another slug)"
    ]


def test_the_aliases_of_a_draft_are_not_published(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/pages/a.md": PAGE.format(title="A", more="draft: true\naliases: [/b/]\n")})
    assert run("build", "--root", root, "-q", "--no-search").code == 0
    assert not (root / "_site" / "b").exists()
    assert run("build", "--root", root, "-q", "--no-search", "--drafts").code == 0
    assert re.search(r'url=/a/"', (root / "_site" / "b" / "index.html").read_text(encoding="utf-8"))
    shutil.rmtree(root / "_site")


def test_every_change_of_a_slug_or_an_alias_gives_the_clean_build(tmp_path: Path) -> None:
    """Resumed from the build cache: aliases added, moved and removed, a slug: line, a rename, the template."""
    from test_resume import Checker, _edit

    from bench.generate import generate
    from dossier.commands import rename

    root = tmp_path / "project"
    generate(root, articles=14, notes_per_article=2, events=6, topic_count=5)
    checker = Checker(root, tmp_path)
    checker.check("a first build")
    articles = sorted((root / "content" / "articles").glob("*.md"))
    template = root / "themes" / "default" / "templates" / "redirect.html"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("an alias added", lambda: _edit(articles[0], "title: ", "aliases: [/ancien/]\ntitle: ")),
        ("an alias moved", lambda: _edit(articles[0], "[/ancien/]", "[/articles/ancien/]")),
        ("a slug line", lambda: _edit(articles[1], "title: ", f"slug: {articles[1].stem}\ntitle: ")),
        ("a slug line renamed", lambda: rename.run(root, "article", articles[1].stem, "un-nouveau-nom")),
        ("a rename", lambda: rename.run(root, "article", articles[2].stem, "renomme")),
        ("the template", lambda: _edit(template, "<main>", '<main class="moved">')),
        ("an alias removed", lambda: _edit(articles[0], "aliases: [/articles/ancien/]\n", "")),
    ]
    for step, change in steps:
        change()
        counts = checker.check(step).counts
        changed = counts.written + counts.removed
        assert (changed == 0) if step == "a slug line" else (changed > 0), step  # its own name: the same pages
    site = checker.out
    assert (site / "articles" / articles[2].stem / "index.html").is_file()  # the rename's redirect
    assert not (site / "articles" / "ancien").exists() and not (site / "ancien").exists()
