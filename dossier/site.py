"""The link phase: loaded records → one immutable :class:`Site`, every cross-reference checked.

Topics are resolved against the vocabulary, notes anchored in their articles, timeline
entries ordered, indexes built. Each document's Markdown is converted exactly once here.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, TypeVar, cast

from . import htmltext, provenance, timeline
from .annotations import AnchoredArticle, anchor
from .config import Settings
from .content import Content
from .errors import Diagnostic
from .markup import Markdown
from .model import Annotation, Article, Event, Page, Topic
from .seeds import Seed
from .topics import Vocabulary

R = TypeVar("R", Article, Annotation, Event)


@dataclass(frozen=True)
class Site:
    settings: Settings
    articles: tuple[Article, ...]  # newest first
    annotations: tuple[Annotation, ...]
    events: tuple[Event, ...]  # in date order
    topics: tuple[Topic, ...]  # by label
    pages: tuple[Page, ...]  # by menu order, then title
    anchored: Mapping[str, AnchoredArticle]  # article slug → marked text and numbered notes
    html: Mapping[tuple[str, str], str]  # (kind, slug) → rendered body
    entries: tuple[timeline.Entry, ...]
    intro_html: str

    def topic_index(self, slug: str) -> tuple[tuple[Article, ...], tuple[Annotation, ...], tuple[Event, ...]]:
        return (
            tuple(a for a in self.articles if slug in a.topics),
            tuple(n for n in self.annotations if slug in n.topics),
            tuple(e for e in self.events if slug in e.topics),
        )


def _unknown(kind: str, slug: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(slug, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else f"no {kind} has this slug"


class LinkCache:
    """What the link phase computed last time, reused while its inputs are the same objects.

    Each :func:`link` keeps only the entries it used, so the cache never grows stale.
    """

    def __init__(self) -> None:
        self.markdown: dict[str, str] = {}
        self.resolved: dict[int, tuple[Any, Any, list[Diagnostic]]] = {}
        self.anchored: dict[tuple[int, ...], tuple[tuple[object, ...], AnchoredArticle, list[Diagnostic]]] = {}
        self.labels: tuple[tuple[str, str], ...] = ()


def link(
    settings: Settings,
    content: Content,
    seeds: Mapping[str, Seed] | None = None,
    drafts: bool = False,
    cache: LinkCache | None = None,
) -> tuple[Site, list[Diagnostic]]:
    cache = cache or LinkCache()
    problems: list[Diagnostic] = []
    vocabulary = Vocabulary.of(content.topics)
    labels = tuple((t.slug, t.label) for t in vocabulary.topics.values())
    old_resolved = cache.resolved if labels == cache.labels else {}
    resolved: dict[int, tuple[Any, Any, list[Diagnostic]]] = {}
    all_articles = {a.slug: a for a in content.articles}
    md = Markdown()
    old_markdown: dict[str, str] = cache.markdown
    markdown: dict[str, str] = {}

    def convert(text: str) -> str:
        html = markdown.get(text)
        if html is None:
            html = old_markdown.get(text)
            if html is None:
                html = md.convert(text)
            markdown[text] = html
        return html

    def topics_of(record: R) -> R:
        # Keyed by identity: an unchanged file gives the very same record object, and the
        # old cache holds its records alive while it is read, so an id cannot be reused.
        hit = old_resolved.get(id(record))
        if hit is None or hit[0] is not record:
            slugs, found = vocabulary.check(record.topics, record.origin.at("topics"))
            hit = (record, replace(record, topics=slugs), found)
        resolved[id(record)] = hit
        if hit[2]:
            problems.extend(hit[2])
        return cast(R, hit[1])

    articles = [topics_of(a) for a in content.articles if drafts or not a.draft]
    published = {a.slug for a in articles}
    notes: list[Annotation] = []
    for note in content.annotations:
        note = topics_of(note)
        if note.article not in all_articles:
            problems.append(
                Diagnostic(
                    note.origin.at("article"),
                    f"unknown article '{note.article}'",
                    _unknown("article", note.article, all_articles),
                )
            )
        elif note.article in published:
            notes.append(note)
    events: list[Event] = []
    for event in content.events:
        problems.extend(timeline.check_span(event))
        for slug in event.articles:
            if slug not in all_articles:
                problems.append(
                    Diagnostic(
                        event.origin.at("articles"),
                        f"unknown article '{slug}'",
                        _unknown("article", slug, all_articles),
                    )
                )
        event = topics_of(event)
        kept = tuple(s for s in event.articles if s in published)
        events.append(event if kept == event.articles else replace(event, articles=kept))

    html: dict[tuple[str, str], str] = {}
    anchored: dict[str, AnchoredArticle] = {}
    old_anchored = cache.anchored
    new_anchored: dict[tuple[int, ...], tuple[tuple[object, ...], AnchoredArticle, list[Diagnostic]]] = {}
    by_article: dict[str, list[Annotation]] = {}
    for note in notes:
        by_article.setdefault(note.article, []).append(note)
    for article in articles:
        seed = seeds.get(article.seed) if seeds and article.seed else None
        inputs = (article, seed, *by_article.get(article.slug, ()))
        key = tuple(map(id, inputs))
        hit = old_anchored.get(key)
        if hit is None or any(a is not b for a, b in zip(hit[0], inputs, strict=True)):
            textmap = htmltext.build(convert(article.body))
            found = provenance.check(article, textmap, seed) if seed is not None else []
            result, more = anchor(textmap, by_article.get(article.slug, ()))
            hit = (inputs, result, found + more)
        new_anchored[key] = hit
        anchored[article.slug] = hit[1]
        if hit[2]:
            problems.extend(hit[2])
    for kind, records in (("note", notes), ("event", events), ("topic", content.topics)):
        for record in records:
            html[(kind, record.slug)] = convert(record.body)
    pages = [p for p in content.pages if drafts or not p.draft]
    for page in pages:
        html[("page", page.slug)] = convert(page.body)
    intro_html = convert(settings.intro)
    cache.markdown, cache.resolved, cache.anchored, cache.labels = markdown, resolved, new_anchored, labels

    articles.sort(key=lambda a: (a.date, a.slug), reverse=True)
    events.sort(key=lambda e: (e.date, e.end or e.date, e.slug))
    site = Site(
        settings=settings,
        articles=tuple(articles),
        annotations=tuple(sorted(notes, key=lambda n: (n.article, n.slug))),
        events=tuple(events),
        topics=tuple(sorted(content.topics, key=lambda t: (t.label.casefold(), t.slug))),
        pages=tuple(sorted(pages, key=lambda p: (p.menu, p.title.casefold(), p.slug))),
        anchored=MappingProxyType(anchored),
        html=MappingProxyType(html),
        entries=timeline.entries(events, articles),
        intro_html=intro_html,
    )
    return site, problems
