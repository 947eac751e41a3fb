"""The plan: every output page with its template and its *inputs*.

A page's inputs are the exact values its view is made of (records, rendered bodies, note
numbers, topic labels...). Unchanged files give the very same objects from one build to the
next, so comparing a page's inputs with the previous ones is cheap, and a page whose inputs
are equal renders to the same bytes: it is not rendered again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import Diagnostic, Location
from .model import Article
from .site import Site
from .urls import Urls, output_path
from .views import ArticleIn, EventIn, Labels, NoteIn, TopicIn, View, Views


@dataclass(frozen=True)
class PlannedPage:
    target: str
    template: str
    inputs: tuple[Any, ...]
    make: Callable[..., View]  # called with *inputs
    origin: str  # the file (or built-in listing) this page comes from, for collision messages

    @property
    def path(self) -> str:
        return output_path(self.target)

    def view(self) -> View:
        return self.make(*self.inputs)


@dataclass(frozen=True)
class Index:
    """Cross-references computed once per build."""

    labels: Labels
    articles: dict[str, ArticleIn]
    notes: dict[str, tuple[NoteIn, ...]]  # article slug → its notes in reading order
    events: dict[str, EventIn]
    events_of: dict[str, tuple[EventIn, ...]]  # article slug → events citing it
    by_topic: dict[str, tuple[list[ArticleIn], list[NoteIn], list[EventIn]]]


def index(site: Site, labels: Labels) -> Index:
    titles = {a.slug: a.title for a in site.articles}
    articles = {a.slug: ArticleIn(a, len(site.anchored[a.slug].notes)) for a in site.articles}
    notes = {
        slug: tuple(NoteIn(n.note, n.number, site.html[("note", n.note.slug)], titles[slug]) for n in anchored.notes)
        for slug, anchored in site.anchored.items()
    }
    events = {
        e.slug: EventIn(e, site.html[("event", e.slug)], tuple((s, titles[s]) for s in e.articles)) for e in site.events
    }
    events_of: dict[str, list[EventIn]] = {}
    by_topic: dict[str, tuple[list[ArticleIn], list[NoteIn], list[EventIn]]] = {
        t.slug: ([], [], []) for t in site.topics
    }
    for item in articles.values():
        for slug in item.article.topics:
            by_topic[slug][0].append(item)
    for group in notes.values():
        for note in group:
            for slug in note.note.topics:
                by_topic[slug][1].append(note)
    for event in events.values():
        for slug in event.event.topics:
            by_topic[slug][2].append(event)
        for slug, _ in event.articles:
            events_of.setdefault(slug, []).append(event)
    for _, topic_notes, _ in by_topic.values():
        topic_notes.sort(key=lambda n: (n.note.article, n.note.slug))
    return Index(labels, articles, notes, events, {k: tuple(v) for k, v in events_of.items()}, by_topic)


def _entries(site: Site, idx: Index) -> tuple[EventIn | Article, ...]:
    return tuple(idx.events[e.slug] if e.kind != "article" else idx.articles[e.slug].article for e in site.entries)


def plan(site: Site, views: Views, idx: Index) -> tuple[list[PlannedPage], list[Diagnostic]]:
    """Every output page; two things on one output path is an error naming both."""
    labels = idx.labels
    topics = tuple(TopicIn(t, sum(len(group) for group in idx.by_topic[t.slug])) for t in site.topics)
    latest = tuple(
        (idx.articles[a.slug], idx.notes[a.slug][:3]) for a in site.articles[: site.settings.latest_articles]
    )
    entries = _entries(site, idx)
    all_articles = tuple(idx.articles[a.slug] for a in site.articles)
    pages = [
        PlannedPage(
            "", "home.html", (site.intro_html, latest, topics, entries[-5:], labels), views.home, "the home page"
        ),
        PlannedPage("articles/", "articles.html", (all_articles, labels), views.articles, "the article list"),
        PlannedPage("topics/", "topics.html", (topics,), views.topics, "the topic list"),
        PlannedPage("timeline/", "timeline.html", (entries, labels), views.timeline, "the timeline"),
        PlannedPage("404.html", "404.html", (), dict, "the 404 page"),
        PlannedPage(
            "feed.xml",
            "feed.xml",
            (tuple((a, site.anchored[a.slug]) for a in site.articles), labels),
            views.feed,
            "the feed",
        ),
        PlannedPage("robots.txt", "robots.txt", (), dict, "robots.txt"),
    ]
    for article in site.articles:
        inputs: tuple[object, ...] = (
            idx.articles[article.slug],
            site.anchored[article.slug],
            idx.notes[article.slug],
            idx.events_of.get(article.slug, ()),
            labels,
        )
        pages.append(
            PlannedPage(Urls.article(article.slug), "article.html", inputs, views.article, article.origin.path)
        )
    for topic_in in topics:
        topic = topic_in.topic
        found = idx.by_topic[topic.slug]
        inputs = (topic_in, site.html[("topic", topic.slug)], tuple(found[0]), tuple(found[1]), tuple(found[2]), labels)
        pages.append(PlannedPage(Urls.topic(topic.slug), "topic.html", inputs, views.topic, topic.origin.path))
    for free in site.pages:
        inputs = (free, site.html[("page", free.slug)])
        pages.append(PlannedPage(Urls.page(free.slug), "page.html", inputs, views.page, free.origin.path))
    targets = tuple(p.target for p in pages if p.target.endswith("/") or p.target == "")
    pages.append(PlannedPage("sitemap.xml", "sitemap.xml", (targets,), views.sitemap, "the sitemap"))
    problems: list[Diagnostic] = []
    seen: dict[str, PlannedPage] = {}
    for planned in pages:
        first = seen.setdefault(planned.path, planned)
        if first is not planned:
            where = Location(planned.origin, 1) if "/" in planned.origin else Location(first.origin, 1)
            other = first.origin if where.path == planned.origin else planned.origin
            message = f"two things on one URL /{planned.target}: this file and {other}"
            problems.append(Diagnostic(where, message, "rename one of them"))
    return [p for p in pages if seen[p.path] is p], problems
