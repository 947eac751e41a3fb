"""An article in another language than the site's (``lang: en`` in a French dossier): marked in
its language, the UI in the site's, and found by the site's search page by its own stems."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from browser import chromium
from test_search import Served, _build, _results, _serve
from test_site import copy_project

ENGLISH = """---
title: "Iraq weighs the end of the coalition"
date: 2024-03-20
topics: [irak]
summary: "Baghdad and Washington discuss the coalition's future."
lang: en
---
Iraqi officials said the coalition's mission was over, weeks before the country's provincial elections.

The talks continue in Washington.
"""
NOTE = """---
article: iraq-weighs-the-end-of-the-coalition
quote: "provincial elections"
kind: contexte
---
Les élections provinciales de décembre 2023.
"""
ARABIC = """---
title: "بيان"
lang: ar
---
نص البيان الكامل.
"""
EVENT = """---
title: "Talks in Washington"
date: 2024-04-15
lang: en
---
The prime minister meets the president.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("languages"))
    (root / "content/articles/iraq-weighs-the-end-of-the-coalition.md").write_text(ENGLISH, encoding="utf-8")
    (root / "content/annotations/elections-provinciales.md").write_text(NOTE, encoding="utf-8")
    (root / "content/timeline/talks-in-washington.md").write_text(EVENT, encoding="utf-8")
    (root / "content/pages/bayan.md").write_text(ARABIC, encoding="utf-8")
    return _build(root)


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    yield from _serve(site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _page(site: Path, target: str) -> str:
    return (site / target / "index.html").read_text(encoding="utf-8")


def test_the_article_page_is_in_its_language_and_its_ui_in_the_sites(site: Path) -> None:
    page = _page(site, "articles/iraq-weighs-the-end-of-the-coalition")
    assert '<html lang="en">' in page and re.search(r'<body class="[^"]*" lang="fr" dir="ltr">', page)
    assert '<h1 lang="en" dir="ltr">Iraq weighs' in page and '<p class="lede" lang="en" dir="ltr">' in page
    assert re.search(r'<div class="text" lang="en" dir="ltr"', page)
    assert '<time datetime="2024-03-20">20 mars 2024</time>' in page  # dates stay in the site's language
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert jsonld["inLanguage"] == "en"
    assert '<meta property="og:locale" content="en_US">' in page  # Open Graph's form of its language
    french = _page(site, "articles/irak-fin-de-la-coalition")
    assert '<html lang="fr">' in french and 'lang="en"' not in french
    assert '<meta property="og:locale" content="fr_FR">' in french


def test_a_page_in_a_language_written_from_right_to_left_says_so(site: Path) -> None:
    page = _page(site, "bayan")
    assert '<html lang="ar" dir="rtl">' in page and re.search(r'<body class="[^"]*" lang="fr" dir="ltr">', page)
    assert '<article class="prose" data-pagefind-body lang="ar" dir="rtl">' in page
    assert '<meta property="og:locale" content="ar_EG">' in page


def test_lists_feeds_and_the_timeline_mark_the_language(site: Path) -> None:
    assert '<a href="/dossier/articles/iraq-weighs-the-end-of-the-coalition/" lang="en" dir="ltr">' in _page(
        site, "articles"
    )
    timeline = _page(site, "timeline")
    assert '<h3 class="entry-title" lang="en" dir="ltr">Talks in Washington</h3>' in timeline
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    languages = {e.title: e.title_detail.language for e in feed.entries}
    assert languages.pop("Iraq weighs the end of the coalition") == "en"
    assert set(languages.values()) == {"fr"}  # the others, in the feed's language
    notes = json.loads((site / "articles/iraq-weighs-the-end-of-the-coalition/annotations.jsonld").read_text())
    assert [a["body"]["language"] for a in notes["first"]["items"]] == ["fr"]  # the note is the site's


def test_pagefind_keeps_an_index_per_language_and_the_search_page_knows_the_others(site: Path) -> None:
    shards = json.loads((site / "pagefind/shards.json").read_text(encoding="utf-8"))["languages"]
    assert set(shards) == {"fr", "en", "ar"}
    for language, folders in shards.items():  # each shard listed for a language has an index in it
        for folder in folders:
            entry = json.loads((site / "pagefind" / folder / "pagefind-entry.json").read_text(encoding="utf-8"))
            assert language in entry["languages"]
    assert 'data-languages="ar en"' in _page(site, "search")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # "electing" stems to "elect" by English rules only, as the article's "elections" does
        ("electing", "/dossier/articles/iraq-weighs-the-end-of-the-coalition/"),
        # "militairement" stems to "militair" by French rules, as the French article's "militaires"
        ("militairement", "/dossier/articles/irak-fin-de-la-coalition/"),
    ],
)
def test_the_sites_search_page_finds_each_article_by_its_own_languages_stems(
    served: Served, browser: Any, query: str, found: str
) -> None:
    page = browser.new_page()
    page.goto(f"{served.url}search/?q={query}")
    results = _results(page)
    assert found in results
    assert page.evaluate("document.documentElement.lang") == "fr"  # the page is left as it was
    page.close()
    assert served.failures == []
