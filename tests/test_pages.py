from __future__ import annotations

from pathlib import Path

from bench.generate import generate
from dossier import pages
from dossier.builder import Builder
from dossier.i18n import load as load_strings
from dossier.model import PartialDate
from dossier.options import Options
from dossier.urls import Urls
from dossier.views import ArticleIn, Views


def planned(root: Path, cache: pages.IndexCache) -> tuple[pages.Index, list[pages.PlannedPage]]:
    site, _, _ = Builder(Options(root)).load()
    labels = tuple((t.slug, t.label) for t in sorted(site.topics, key=lambda t: t.slug))
    views = Views(load_strings(root / "themes" / "default", "fr", root), Urls(site.settings.base_url))
    idx = pages.index(site, labels, cache)
    plan, problems = pages.plan(site, views, idx)
    assert not problems
    return idx, plan


def test_a_second_index_reuses_the_entries_and_topic_pages_of_the_first(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=40, notes_per_article=2, events=6, topic_count=3)  # topics split by year
    cache = pages.IndexCache()
    first_idx, first = planned(root, cache)
    again_idx, again = planned(root, cache)  # records parsed again: equal, not the same objects
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
    cache = pages.IndexCache()
    _, first = planned(root, cache)
    path = sorted((root / "content" / "articles").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace('title: "', 'title: "Titre revu : ', 1), encoding="utf-8")
    _, again = planned(root, cache)
    fresh = pages.IndexCache()
    _, clean = planned(root, fresh)
    by_path = {p.path: p.inputs for p in clean}
    assert {p.path: p.inputs for p in again} == by_path  # as a build without a cache plans them
    before = {p.path: p.inputs for p in first}
    changed = [p.path for p in again if p.template == "topic.html" and p.inputs != before[p.path]]
    assert changed and all("Titre revu" in repr(by_path[path]) for path in changed)


def test_an_equal_but_stale_entry_is_reused_and_an_unequal_one_is_not() -> None:
    item = ArticleIn("a", "Titre", PartialDate(2024), "", False, "", ("t",), False, 1)
    copy = item._replace(title="".join(["Ti", "tre"]))
    assert copy is not item and pages._same(item, copy) is item
    other = item._replace(note_count=2)
    assert pages._same(item, other) is other
    assert pages._same(None, item) is item
