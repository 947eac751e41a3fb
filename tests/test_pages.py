from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import sitecheck
from test_site import VNU

from bench.generate import generate
from dossier.commands import build
from dossier.config import Overrides
from dossier.engine import Engine
from dossier.errors import ContentErrors
from dossier.incremental.memo import IndexGate, IndexMemo, same_or_made
from dossier.model import PartialDate
from dossier.options import Options
from dossier.publish import pages
from dossier.publish.i18n import load as load_strings
from dossier.publish.urls import Urls
from dossier.publish.views import ArticleIn, Views


def planned(root: Path, memo: IndexMemo) -> tuple[pages.Index, list[pages.PlannedPage], IndexMemo]:
    """The index and the plan made through the memo's gate, and the memo to keep."""
    site, _, _ = Engine(Options(root)).load()
    labels = tuple((t.slug, t.label) for t in sorted(site.topics, key=lambda t: t.slug))
    views = Views(load_strings(root / "themes" / "default", "fr", root), Urls(site.settings.base_url))
    gate = IndexGate.whole(memo)
    idx = pages.index(site, labels, gate)
    plan, problems = pages.plan(site, views, idx, gate)
    assert not problems
    return idx, plan, gate.memo(site)


def test_a_second_index_reuses_the_entries_and_topic_pages_of_the_first(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=40, notes_per_article=2, events=6, topic_count=3)  # topics split by year
    first_idx, first, memo = planned(root, IndexMemo())
    again_idx, again, _ = planned(root, memo)  # records parsed again: equal, not the same objects
    assert all(again_idx.articles[s] is a for s, a in first_idx.articles.items())
    assert all(again_idx.events[s] is e for s, e in first_idx.events.items())
    topics_before = {p.path: p for p in first if p.template == "topic.html"}
    topics_after = {p.path: p for p in again if p.template == "topic.html"}
    assert topics_before.keys() == topics_after.keys() and len(topics_after) > 3
    assert all(topics_after[path].inputs is page.inputs for path, page in topics_before.items())
    assert [p.view() for p in topics_after.values()] == [p.view() for p in topics_before.values()]


def test_a_changed_entry_makes_its_topic_pages_again(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=40, notes_per_article=2, events=6, topic_count=3)
    _, first, memo = planned(root, IndexMemo())
    path = sorted((root / "content" / "articles").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace('title: "', 'title: "Titre revu : ', 1), encoding="utf-8")
    _, again, _ = planned(root, memo)
    _, clean, _ = planned(root, IndexMemo())
    by_path = {p.path: p.inputs for p in clean}
    assert {p.path: p.inputs for p in again} == by_path  # as a build without a cache plans them
    before = {p.path: p.inputs for p in first}
    changed = [p.path for p in again if p.template == "topic.html" and p.inputs != before[p.path]]
    assert changed and all("Titre revu" in repr(by_path[path]) for path in changed)


def test_an_equal_but_stale_entry_is_reused_and_an_unequal_one_is_not() -> None:
    item = ArticleIn("a", "Titre", PartialDate(2024), "", False, "", ("t",), False, 1)
    copy = item._replace(title="".join(["Ti", "tre"]))
    assert copy is not item and same_or_made(item, copy) is item
    other = item._replace(note_count=2)
    assert same_or_made(item, other) is other
    assert same_or_made(None, item) is item


def test_a_long_article_list_has_its_latest_and_a_page_per_year(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    made = generate(root, articles=pages.ARTICLES_SPLIT + 1, notes_per_article=0, events=2, topic_count=3)
    out = tmp_path / "site"
    build.build(Options(root, out, search=False))
    main = (out / "articles" / "index.html").read_text(encoding="utf-8")
    assert main.count('class="card"') == pages.ARTICLES_LATEST
    years = sorted({int(a.date[:4]) for a in made})
    assert all(f'href="/articles/{year}/"' in main for year in years)
    listed: list[str] = []
    for year in years:
        html = (out / "articles" / str(year) / "index.html").read_text(encoding="utf-8")
        listed += re.findall(r'<h[23] class="card-title"><a href="/articles/([a-z0-9-]+)/"', html)
        assert f"Articles de {year}" in html
    assert sorted(listed) == sorted(a.slug for a in made)  # each article on its year's page, once
    assert max(p.stat().st_size for p in out.rglob("*.html")) < 300_000


def test_an_article_slugged_like_a_year_of_a_split_list_is_a_clash(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    made = generate(root, articles=pages.ARTICLES_SPLIT + 1, notes_per_article=0, events=0, topic_count=3)
    year = int(made[0].date[:4])
    source = root / "content" / "articles" / f"{made[0].slug}.md"
    source.rename(source.with_name(f"{year}.md"))
    with pytest.raises(ContentErrors) as raised:
        Engine(Options(root)).produce()
    [problem] = raised.value.diagnostics
    assert problem.location.path == f"content/articles/{year}.md"
    assert problem.message == f"two things on one URL /articles/{year}/: this file and the article list"


def test_the_pages_of_long_listings_link_right_under_a_subpath_and_are_valid(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=pages.ARTICLES_SPLIT + 1, notes_per_article=1, events=100, topic_count=3)
    out = tmp_path / "site"
    host = "https://presse.example"  # not the generated prose's own links (example.org)
    build.build(Options(root, out, Overrides(base_url=f"{host}/dossier/"), search=False))
    for split in ("articles/2000/", "topics/defense/2000/", "timeline/2000/"):
        assert (out / split / "index.html").is_file(), split  # the article list, a topic and the timeline split
    main = sitecheck.read(out / "articles" / "index.html").links
    assert "/dossier/articles/2000/" in main and "/dossier/articles/2024/" in main
    assert sitecheck.broken_links(out, "/dossier/", host) == []
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", "--skip-non-html", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_planner_names_every_page_an_article_file_gives_and_the_latest_pages(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=3)
    site, _, _ = Engine(Options(root)).load()
    labels = tuple((t.slug, t.label) for t in site.topics)
    views = Views(load_strings(root / "themes" / "default", "fr", root), Urls(site.settings.base_url))
    idx = pages.index(site, labels)
    plan, _ = pages.plan(site, views, idx)
    planner = pages.Planner(site, views, idx)
    for article in site.articles:  # the pages the patch route makes again for an article's edit
        own = [(p.path, p.inputs) for p in planner.pages_of(article)]
        assert own == [(p.path, p.inputs) for p in plan if p.origin == article.origin.path]
    latest = planner.latest_pages(planner.topics(), pages.timeline_items(site, idx))
    by_path = {p.path: p.inputs for p in plan}
    assert [p.path for p in latest] == ["index.html", "feed.xml", "annotations.xml"]
    assert all(by_path[p.path] == p.inputs for p in latest)
