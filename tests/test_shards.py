"""The search index in shards (``dossier/publish/shards.py``): the same pages found as with one
index, only the shards of the pages that changed indexed again, the same bytes as a clean
build, and the preview's search page finding what was saved a moment ago.

The shipped dossier has a few dozen pages, one shard's worth: these tests make shards of two
pages (``PAGES_PER_SHARD``), so that it has several in French and the English article its own.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium
from playwright.sync_api import Error as PlaywrightError
from test_journeys import copy_repository, serving
from test_multilingual import ENGLISH, EVENT, NOTE
from test_search import PREFIX, _build, _results, _serve
from test_site import copy_project

from dossier.publish import search, shards

SMALL = 2  # pages a shard, in these tests
ARTICLE = "articles/irak-fin-de-la-coalition/index.html"
ENGLISH_PAGE = "articles/iraq-weighs-the-end-of-the-coalition/index.html"

# Found by one full index and by the shards of two pages: the same pages. The first ones have
# the same page first too; the others come in another order (a page is scored against its
# own shard's statistics), e.g. "transcription", in a note and on the topic page that lists
# it, has the article first in shards and the topic page in the whole index.
SAME_FIRST = ["provincial elections", "electing", "talks", "coalition", "Sadr", "élections"]
SAME_PAGES = ["transcription", "Tikrit", "militairement", "combattu", "Bagdad", "retrait", "américaines"]
SAME_PAGES += ["Washington", "irakien", "gouvernement", "Soudani", "Hezbollah", "Iraqi", "officials"]
# In the shards that do not have it, Pagefind matches a word by the longest word they have that
# begins it ("Daech" by "d'" in three shards): the search page leaves those shards out.
FALLBACK = "Daech"
DAECH = ["articles/irak-fin-de-la-coalition", "topics/etat-islamique"]  # the pages that have it


def _dossier(root: Path) -> Path:
    """The shipped dossier, with an article, a note and a timeline event in English."""
    (root / "content/articles/iraq-weighs-the-end-of-the-coalition.md").write_text(ENGLISH, encoding="utf-8")
    (root / "content/annotations/elections-provinciales.md").write_text(NOTE, encoding="utf-8")
    (root / "content/timeline/talks-in-washington.md").write_text(EVENT, encoding="utf-8")
    return root


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "PAGES_PER_SHARD", SMALL)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_the_number_of_shards_grows_with_the_site_in_powers_of_two() -> None:
    assert [shards.count_for(n) for n in (0, 1, 199, 200, 399, 400, 2485, 6617)] == [1, 1, 1, 2, 2, 4, 16, 64]
    assert shards.count_for(10**6) == shards.MOST


def test_a_page_keeps_its_shard_and_the_shards_share_the_pages() -> None:
    pages = [f"articles/a{i}/index.html" for i in range(3000)]
    grouped = shards.group(pages)
    assert len(grouped) == 16 and sorted(p for group in grouped.values() for p in group) == sorted(pages)
    assert all(group == sorted(group) and len(group) > 100 for group in grouped.values())
    assert all(shards.shard_of(page, 16) == name for name, group in grouped.items() for page in group)
    assert shards.group(reversed(pages)) == grouped  # whatever the order the pages come in


def _indexed(site: Path, folder: Path, per_shard: int | None, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = shutil.copytree(site, folder, ignore=shutil.ignore_patterns("pagefind"))  # the pages, indexed anew
    with monkeypatch.context() as patch:
        if per_shard is not None:
            patch.setattr(shards, "PAGES_PER_SHARD", per_shard)
        search.index(copy)
    return copy


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The dossier indexed whole (one shard) and in shards of two pages or so."""
    work = tmp_path_factory.mktemp("shards")
    site = _build(_dossier(copy_project(work / "project")))
    with pytest.MonkeyPatch.context() as patch:
        yield _indexed(site, work / "whole", None, patch), _indexed(site, work / "sharded", SMALL, patch)


def _searched(browser: Any, site: Path, queries: list[str]) -> dict[str, list[str]]:
    found = {}
    for served in _serve(site):
        page = browser.new_page()
        for query in queries:
            page.goto(f"{served.url}search/?q={query}")
            found[query] = _results(page)
        page.close()
        assert served.failures == []
    return found


def test_the_shards_find_what_one_index_finds(both: tuple[Path, Path], browser: Any) -> None:
    whole, sharded = both
    languages = json.loads((sharded / "pagefind/shards.json").read_text())["languages"]
    assert len(languages["fr"]) >= 4 and languages["en"]  # several shards merged in each language
    assert json.loads((whole / "pagefind/shards.json").read_text())["languages"] == {
        "en": ["00-of-01"],
        "fr": ["00-of-01"],
    }
    queries = [*SAME_FIRST, *SAME_PAGES, FALLBACK]
    one, many = _searched(browser, whole, queries), _searched(browser, sharded, queries)
    for query in SAME_FIRST + SAME_PAGES:
        assert one[query], query  # each query finds something
        assert sorted(many[query]) == sorted(one[query]), query
    for query in SAME_FIRST:
        assert many[query][0] == one[query][0], query
    assert f"{PREFIX}{ENGLISH_PAGE.removesuffix('index.html')}" in many["electing"]
    assert sorted(many[FALLBACK]) == sorted(one[FALLBACK]) == sorted(f"{PREFIX}{page}/" for page in DAECH)


@pytest.fixture
def project(tmp_path: Path, small_shards: None) -> Path:
    return _dossier(copy_project(tmp_path / "project"))


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


def _index(site: Path) -> dict[str, bytes]:
    folder = site / "pagefind"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The shards each build indexes."""
    made: list[set[str]] = []
    real: Callable[..., list[str]] = search._index_shards

    def spy(site: Path, folder: Path, todo: dict[str, list[str]]) -> list[str]:
        made.append(set(todo))
        return real(site, folder, todo)

    monkeypatch.setattr(search, "_index_shards", spy)
    return made


def _edited(project: Path, rel: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], Path]:
    """Build, edit ``rel`` (``old`` → ``new``) and build again: the shards indexed by the second build,
    and the output."""
    site = _build(project)
    before = _pages(site)
    _in_body(project / rel, old, new)
    made = _spy(monkeypatch)
    _build(project)
    after = _pages(site)
    changed = {page for page in before.keys() | after.keys() if before.get(page) != after.get(page)}
    count = shards.count_for(len(after))
    assert made == [{shards.shard_of(page, count) for page in changed}]  # only the shards of the pages changed
    assert len(made[0]) < count
    return changed, site


LAST = "\n"  # the end of a text: a paragraph added after it


def _in_body(path: Path, old: str, new: str) -> None:
    """The last ``old`` replaced by ``new`` in the file's text, after its front matter (its title stays)."""
    head, mark, body = path.read_text(encoding="utf-8").partition("\n---\n")
    assert old in body
    before, _, after = body.rpartition(old)
    path.write_text(head + mark + before + new + after, encoding="utf-8")


def _same_as_clean(project: Path, site: Path, tmp_path: Path) -> None:
    clean = shutil.copytree(project, tmp_path / "clean", ignore=shutil.ignore_patterns("_site", ".dossier-cache"))
    assert _index(_build(clean)) == _index(site)  # the same bytes, whichever way the site was reached


def test_an_article_edit_indexes_its_shard_again_and_search_finds_the_new_word(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any
) -> None:
    rel = "content/articles/iraq-weighs-the-end-of-the-coalition.md"  # the shipped ones must keep their seed's text
    changed, site = _edited(project, rel, LAST, LAST + "\nA new word: zygomorphic.\n", monkeypatch)
    assert ENGLISH_PAGE in changed
    _same_as_clean(project, site, tmp_path)
    found = _searched(browser, site, ["zygomorphic"])  # by the English instance
    assert found["zygomorphic"] == [f"{PREFIX}{ENGLISH_PAGE.removesuffix('index.html')}"]


def test_a_note_edit_indexes_the_shards_of_its_article_and_topic_pages(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rel = "content/annotations/isis-definition.md"
    changed, site = _edited(project, rel, "transcription", "transcription ornithorynque", monkeypatch)
    assert ARTICLE in changed
    _same_as_clean(project, site, tmp_path)


def test_nothing_changed_nothing_indexed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _build(project)
    before = _index(site)
    made = _spy(monkeypatch)
    _build(project)
    assert made == [] and _index(site) == before


FOUND = "() => [...document.querySelectorAll('.search-result a')].map((a) => a.pathname)"
CONNECTED = "document.addEventListener('LiveReloadConnect', () => { window.__liveReloadConnected = true; });"
READY = "() => window.__liveReloadConnected === true && document.querySelector('.search-stale').hidden"


def _eventually(page: Any, expression: str) -> Any:
    """The value of ``expression`` once truthy, across the page's reloads (a guard against a hang, not a measure)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(PlaywrightError):  # the page reloading: its context is gone
            value = page.evaluate(expression)
            if value:
                return value
        time.sleep(0.1)
    raise AssertionError(f"never true: {expression}")


def test_the_previews_search_finds_a_word_saved_a_moment_ago(tmp_path: Path, browser: Any) -> None:
    """The search page open, a word saved in a note: the page reloads (livereload), says the
    index is stale until it caught up, then reloads and finds the note's article."""
    root = copy_repository(tmp_path / "dossier")
    with serving(root) as (_, url):
        page = browser.new_page()
        page.add_init_script(CONNECTED)
        page.goto(f"{url}search/?q=zygomorphe")
        _eventually(page, READY)  # the first index made (the page reloads when it is)
        assert _eventually(page, "() => document.querySelector('#search').dataset.state") == "done"
        assert page.evaluate(FOUND) == []
        _in_body(root / "content/annotations/isis-definition.md", LAST, LAST + "\nUn mot nouveau : zygomorphe.\n")
        found = f"() => {READY[6:]} && ({FOUND})().includes('/articles/irak-fin-de-la-coalition/')"
        _eventually(page, found)  # the note's article (stale meanwhile: the last index had no such word)
        page.close()
