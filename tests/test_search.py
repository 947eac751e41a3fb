"""Search: the shipped dossier indexed by Pagefind, searched in Chromium under a GitHub Pages subpath.

The site is built with ``--base-url https://example.github.io/dossier/`` and served under
``/dossier/`` by a static HTTP server on 127.0.0.1 (nothing else is reached); a real Chromium
types in the header's search field, reads the results and follows one, and every internal
link of the pages it saw must answer 200.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import chromium, free_port
from conftest import REPO, Run
from test_site import copy_project

from dossier.config import Settings
from dossier.publish import i18n, render, search
from dossier.publish.urls import Urls
from dossier.publish.views import Views

BASE_URL = "https://example.github.io/dossier/"
PREFIX = "/dossier/"
ARTICLE = f"{PREFIX}articles/irak-fin-de-la-coalition/"
# Pagefind compiles its WebAssembly in a web worker, which the page's Content-Security-Policy
# does not bind; when the worker cannot start it falls back to the page itself, where the
# policy must allow 'wasm-unsafe-eval'.
WASM = "'wasm-unsafe-eval'"


@dataclass
class Served:
    url: str  # http://127.0.0.1:PORT/dossier/
    site: Path
    failures: list[str] = field(default_factory=list)  # requests the browser made that did not answer 200


def _handler(site: Path, failures: list[str], prefix: str = PREFIX) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def translate_path(self, path: str) -> str:
            path = path.split("?", 1)[0].split("#", 1)[0]
            if not path.startswith(prefix):
                return str(site / ".not-served" / "x")  # only the prefix exists on this host
            return super().translate_path("/" + path[len(prefix) :])

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if str(code) not in ("200", "301", "304") and self.path != "/favicon.ico":
                failures.append(f"{self.path}: {code}")

    return Handler


def _serve(site: Path, prefix: str = PREFIX) -> Iterator[Served]:
    """``site`` served on loopback under ``prefix`` alone, the requests that failed recorded."""
    failures: list[str] = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site, failures, prefix))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}{prefix}", site, failures)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _build(root: Path, *options: str) -> Path:
    from dossier import cli

    assert cli.main(["build", "--root", str(root), "--base-url", BASE_URL, "-q", *options]) == 0
    return root / "_site"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_project(tmp_path_factory.mktemp("search"))
    yield from _serve(_build(root))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _internal_links(page: Any, served: Served) -> set[str]:
    """Every href/src of a, link, script and img, resolved, that points into the site."""
    urls: list[str] = page.eval_on_selector_all(
        "a[href], link[href], script[src], img[src]", "els => els.map(e => e.href || e.src)"
    )
    internal = set()
    for url in urls:
        url = url.split("#", 1)[0]
        if url.startswith(BASE_URL):
            url = served.url + url[len(BASE_URL) :]
        if url.startswith(served.url):
            internal.add(url)
    return internal


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _results(page: Any) -> list[str]:
    page.wait_for_selector("#search[data-state=done]")
    return [urlsplit(h).path for h in page.eval_on_selector_all(".search-result a", "els => els.map(e => e.href)")]


def test_search_from_the_header_finds_the_article_under_a_subpath(served: Served, browser: Any) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    visited: set[str] = set()

    page.goto(served.url)
    visited |= _internal_links(page, served)
    page.fill("#site-search-q", "coalition")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(f"{served.url}search/?q=coalition")
    results = _results(page)
    assert ARTICLE in results, results
    assert page.input_value("#search-q") == "coalition"
    assert page.locator(".search-excerpt mark").count() > 0  # the words found, highlighted
    visited |= _internal_links(page, served)

    page.click(f".search-result a[href='{ARTICLE}']")
    page.wait_for_url(served.url + ARTICLE[len(PREFIX) :])
    assert "coalition" in page.inner_text("h1")
    visited |= _internal_links(page, served)
    page.close()

    assert {served.url, f"{served.url}search/", served.url + ARTICLE[len(PREFIX) :]} <= visited
    broken = [f"{url}: {code}" for url in sorted(visited) if (code := _status(url)) != 200]
    assert broken == []
    assert served.failures == []  # the browser's own requests (scripts, index, WebAssembly) too
    assert errors == []


def test_search_works_without_the_worker(served: Served, browser: Any, tmp_path: Path) -> None:
    """Pagefind's fallback, WebAssembly on the page itself, under the site's policy with 'wasm-unsafe-eval'."""
    site = shutil.copytree(served.site, tmp_path / "site")
    for path in site.rglob("*.html"):  # the policy with WASM, as base.html should have it (a no-op once it does)
        html = path.read_text(encoding="utf-8")
        if WASM not in html:
            path.write_text(html.replace("script-src 'self'", f"script-src 'self' {WASM}", 1), encoding="utf-8")
    for local in _serve(site):
        page = browser.new_page()
        page.route("**/pagefind-worker.js", lambda route: route.abort())
        page.goto(f"{local.url}search/?q=coalition")
        assert ARTICLE in _results(page)
        page.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("transcription", ARTICLE),  # only in a note (content/annotations/isis-definition.md)
        ("Tikrit", f"{PREFIX}timeline/"),  # only in a timeline event (capture-de-saddam-hussein.md)
        ("combattu", ARTICLE),  # French stemming: the text has "combattre"
    ],
)
def test_notes_and_timeline_entries_are_searchable(served: Served, browser: Any, query: str, expected: str) -> None:
    page = browser.new_page()
    page.goto(f"{served.url}search/?q={query}")
    assert expected in _results(page)
    page.close()


@pytest.mark.parametrize("query", ["transcription", "Tikrit", "coalition"])
def test_the_count_of_results_takes_the_language_plural_form(served: Served, browser: Any, query: str) -> None:
    """The script chooses the form with Intl.PluralRules: the same as the build's (Babel's CLDR rules)."""
    page = browser.new_page()
    page.goto(f"{served.url}search/?q={query}")
    page.wait_for_selector("#search[data-state=done]")
    count = page.locator(".search-result").count()  # every page found: the dossier has fewer than 30
    strings = i18n.load(REPO / "dossier" / "themes" / "default", "fr", REPO)
    assert count > 0 and page.inner_text(".search-status") == strings.get("search_count", count=count, query=query)
    page.close()


def test_navigation_is_not_indexed(served: Served, browser: Any) -> None:
    """Header, footer and the search page itself are not in the index: a UI word finds nothing."""
    page = browser.new_page()
    page.goto(f"{served.url}search/?q=Flux")  # the footer's "Flux Atom", on every page
    assert _results(page) == []
    assert "Aucun résultat" in page.inner_text(".search-status")
    page.close()


def test_without_an_index_the_search_page_says_so(tmp_path: Path, browser: Any) -> None:
    root = copy_project(tmp_path)
    site = _build(root, "--no-search")
    assert not (site / "pagefind").exists()
    for served in _serve(site):
        page = browser.new_page()
        page.goto(f"{served.url}search/?q=coalition")
        page.wait_for_selector("#search[data-state=unavailable]")
        assert "pas disponible" in page.inner_text(".search-status")
        page.close()


def test_without_javascript_the_pages_say_search_needs_it(served: Served, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url)
    page.fill("#site-search-q", "coalition")
    page.press("#site-search-q", "Enter")  # a plain GET form: works without script
    page.wait_for_url(f"{served.url}search/?q=coalition")
    assert "JavaScript" in page.inner_text(".search-status")
    context.close()


def test_no_search_writes_no_index_and_removes_the_old_one(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    assert run("build", "--root", root, "-q").code == 0
    assert (root / "_site" / "pagefind" / "shards.json").is_file()
    result = run("build", "--root", root, "--no-search")
    assert result.code == 0, result.err
    assert not (root / "_site" / "pagefind").exists()
    assert "removed" in result.out


def test_a_failed_index_publishes_nothing(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree()
    assert run("build", "--root", root, "-q").code == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "content" / "articles" / "un-article.md").write_text(
        (root / "content" / "articles" / "un-article.md").read_text().replace("Un article", "Un autre titre")
    )

    def broken(site: Path, **_: object) -> None:
        raise search.DossierError("search indexing failed (Pagefind exited with 1): boom")

    monkeypatch.setattr(search, "index", broken)
    result = run("build", "--root", root)
    assert result.code == 1
    assert "search indexing failed" in result.err
    assert {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == before
    assert [p.name for p in root.iterdir() if ".staging-" in p.name] == []


def test_a_page_in_the_index_folder_is_refused(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    """At its file, by ``check`` too, and with or without the index (the site must not depend on it)."""
    root = tree({"content/pages/pagefind.md": "---\ntitle: Pagefind\n---\nUne page.\n"})
    expected = [
        "content/pages/pagefind.md:1: error: the URL /pagefind/ is taken by the search index, which the build"
        " writes there (hint: rename the page)",
        "1 error",
    ]
    for command in (("build",), ("build", "--no-search"), ("check",)):
        result = run(*command, "--root", root)
        assert (result.code, result.err.splitlines()) == (1, expected)


def test_pagefind_is_given_the_pages_in_sorted_order(tmp_path: Path) -> None:
    """Pagefind numbers pages in the order it reads them: never the file system's order."""
    site = tmp_path / "site"
    for rel in ("z/index.html", "a/index.html", "index.html", "m/b/index.html", "a.html", "x.css"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text('<html lang="fr"><body data-pagefind-body><p>Bagdad</p></body></html>')
    assert search.pages(site) == ["a.html", "a/index.html", "index.html", "m/b/index.html", "z/index.html"]
    search.index(site)
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert manifest == {"empty": [], "languages": {"fr": ["00-of-01"]}}
    assert (site / "pagefind" / "00-of-01" / "pagefind.js").is_file()
    entry = (site / "pagefind" / "00-of-01" / "pagefind-entry.json").read_text()
    assert '"page_count":5' in entry


def test_the_index_is_whole_and_the_same_bytes_each_time(tmp_path: Path) -> None:
    """Every file of the index is written whole before the service is let go (its own writes
    could still be in flight when it exits), and three runs give the same bytes."""
    runs = []
    for n in range(3):
        site = tmp_path / f"site{n}"
        for rel in ("index.html", *(f"articles/a{i}/index.html" for i in range(30))):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(f'<html lang="fr"><body data-pagefind-body><p>Bagdad {rel}</p></body></html>')
        search.index(site)
        folder = site / "pagefind"
        runs.append({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    assert all(runs[0]["00-of-01/pagefind-entry.json"] and data for data in runs[0].values())
    assert runs[0] == runs[1] == runs[2]


def test_the_preview_indexes_after_the_build_and_says_so_meanwhile(tree: Callable[..., Path]) -> None:
    """``serve`` builds its pages first, its index marked stale; the index follows in the background."""
    from dossier.commands.serve import DevServer

    root = tree()
    server = DevServer(root, "127.0.0.1", free_port(), log=lambda _: None)
    assert server.rebuild()
    manifest = server.out / "pagefind" / "shards.json"
    assert json.loads(manifest.read_text()) == {"empty": [], "languages": {}, "stale": True}  # the pages first
    assert 'data-stale="' in (server.out / "search" / "index.html").read_text()  # the page can say so
    server.search.start()
    deadline = time.monotonic() + 120  # a guard against a hang, not a measure
    while server.search.made == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.search.stop()
    assert json.loads(manifest.read_text()) == {"empty": [], "languages": {"fr": ["00-of-01"]}}


def _rendered(**common_options: bool) -> tuple[str, str]:
    """The default theme's base template and search page, with the common view data of ``Views.common``."""
    theme = REPO / "dossier" / "themes" / "default"
    urls = Urls(BASE_URL)
    strings = i18n.load(theme, "fr", REPO)
    env = render.environment([theme / "templates"], urls, strings)
    common = Views(strings, urls).common(Settings(title="Dossier"), [], [], **common_options)
    common["site"]["dev"] = False  # as the engine passes it
    base = env.get_template("base.html").render({**common, "page_url": ""})
    searched = Views(strings, urls).search(())
    page = env.get_template("search.html").render({**common, **searched, "page_url": "search/"})
    return base, page


@pytest.mark.parametrize("indexed", [True, False], ids=["search", "no-search"])
def test_the_search_field_shows_only_when_the_site_has_an_index(indexed: bool) -> None:
    base, page = _rendered(search=indexed)
    for html in (base, page):  # the header, on any page
        assert ('<form class="site-search"' in html) is indexed
        assert ('id="site-search-q"' in html) is indexed
        assert "<nav" in html and "</header>" in html
    assert ('<form class="search-form"' in page) is indexed
    assert ("static/search.js" in page) is indexed
    assert ('data-state="unavailable"' in page) is not indexed  # without an index the page says so, no script
    status = re.search(r'class="search-status"[^>]*>([^<]*)<', page)
    assert status is not None and ("pas disponible" in status.group(1)) is not indexed


def test_the_search_field_shows_unless_the_caller_says_there_is_no_index() -> None:
    assert _rendered() == _rendered(search=True)


def test_pagefind_killed_on_its_own_is_said_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from dossier.errors import DossierError

    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text('<html lang="fr"><body data-pagefind-body><p>Bagdad</p></body></html>')

    def killed(where: Path) -> subprocess.Popen[bytes]:  # the out-of-memory killer at work
        line = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
        pipe = subprocess.PIPE
        return subprocess.Popen(line, cwd=where, stdin=pipe, stdout=pipe, stderr=pipe)

    monkeypatch.setattr(search, "_start", killed)
    with pytest.raises(DossierError) as caught:
        search.index(site)
    assert str(caught.value) == (
        "search indexing failed: Pagefind was killed by SIGKILL"
        " (hint: the system may have run out of memory: build again, or with --no-search)"
    )
