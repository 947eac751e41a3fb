"""The link phase: loaded records → one immutable :class:`Site`, every cross-reference checked.

Topics are resolved against the vocabulary, notes anchored in their articles, timeline
entries ordered, indexes built. Each document's Markdown is converted exactly once here.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from . import htmltext, provenance, timeline
from .annotations import AnchoredArticle, anchor
from .config import Settings
from .content import Content
from .errors import Diagnostic
from .markup import Markdown
from .model import Annotation, Article, Event, Page, Topic
from .seeds import Seed
from .topics import Vocabulary


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


def link(
    settings: Settings, content: Content, seeds: Mapping[str, Seed] | None = None, drafts: bool = False
) -> tuple[Site, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    vocabulary = Vocabulary.of(content.topics)
    all_articles = {a.slug: a for a in content.articles}

    def topics_of(record: Article | Annotation | Event) -> tuple[str, ...]:
        slugs, found = vocabulary.check(record.topics, record.origin.at("topics"))
        problems.extend(found)
        return slugs

    articles = [replace(a, topics=topics_of(a)) for a in content.articles if drafts or not a.draft]
    published = {a.slug for a in articles}
    notes: list[Annotation] = []
    for note in content.annotations:
        note = replace(note, topics=topics_of(note))
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
        kept = tuple(s for s in event.articles if s in published)
        events.append(replace(event, topics=topics_of(event), articles=kept))

    md = Markdown()
    html: dict[tuple[str, str], str] = {}
    anchored: dict[str, AnchoredArticle] = {}
    by_article: dict[str, list[Annotation]] = {}
    for note in notes:
        by_article.setdefault(note.article, []).append(note)
    for article in articles:
        textmap = htmltext.build(md.convert(article.body))
        if article.seed and seeds and article.seed in seeds:
            problems.extend(provenance.check(article, textmap, seeds[article.seed]))
        result, found = anchor(textmap, by_article.get(article.slug, []))
        anchored[article.slug] = result
        problems.extend(found)
    for kind, records in (("note", notes), ("event", events), ("topic", content.topics)):
        for record in records:
            html[(kind, record.slug)] = md.convert(record.body)
    pages = [p for p in content.pages if drafts or not p.draft]
    for page in pages:
        html[("page", page.slug)] = md.convert(page.body)

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
        intro_html=md.convert(settings.intro),
    )
    return site, problems
