"""The link phase: loaded records → one immutable :class:`Site`, every cross-reference checked.

Topics are resolved against the vocabulary, notes anchored in their articles, timeline
entries ordered, indexes built. Each document's Markdown is converted exactly once here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, TypeVar

from dossier.config import SETTINGS_FILE, Settings
from dossier.errors import Diagnostic, Location
from dossier.link import htmltext, provenance, timeline
from dossier.link.annotations import Anchored, AnchoredArticle, anchor, unannotated
from dossier.link.topics import Vocabulary
from dossier.model import Annotation, Article, Event, Page, Topic
from dossier.source.content import Content
from dossier.source.markup import BACKLINK, Converted, Markdown
from dossier.source.seeds import Seed
from dossier.text import collation, ids
from dossier.text.didyoumean import did_you_mean

R = TypeVar("R", Article, Annotation, Event)


@dataclass(frozen=True)
class Site:
    settings: Settings
    articles: tuple[Article, ...]  # newest first
    events: tuple[Event, ...]  # in date order
    topics: tuple[Topic, ...]  # by label, in the language's collation order
    pages: tuple[Page, ...]  # by menu order, then title (collation order)
    anchored: Mapping[str, AnchoredArticle]  # article slug → marked text and numbered notes
    html: Mapping[tuple[str, str], str]  # (kind, slug) → rendered body
    entries: tuple[timeline.Entry, ...]
    intro_html: str


def unknown_hint(kind: str, slug: str, known: Mapping[str, object]) -> str:
    return did_you_mean(slug, known) or f"no {kind} has this slug"


def anchor_article(
    done: Converted, article: Article, seed: Seed | None, notes: Sequence[Annotation]
) -> tuple[AnchoredArticle, list[Diagnostic]]:
    """An article's converted text, checked against its seed, with its notes anchored."""
    found = done.warnings(article.origin.body())
    done = replace(done, html=ids.namespace(done.html, ids.prefix("article", article.slug)))
    if seed is None and not notes:  # nothing to check or anchor: no text map
        return unannotated(done.html), found
    textmap = htmltext.build(done.html)
    if seed is not None:
        found += provenance.check(article, textmap, seed)
    result, more = anchor(textmap, notes)
    return result, found + more


AnchorJob = tuple[Converted, Article, "Seed | None", Sequence[Annotation]]
AnchorAll = Callable[[Sequence[AnchorJob]], Sequence[tuple[AnchoredArticle, list[Diagnostic]]]]


def _anchor_here(jobs: Sequence[AnchorJob]) -> list[tuple[AnchoredArticle, list[Diagnostic]]]:
    return [anchor_article(*job) for job in jobs]


def _sharing(result: AnchoredArticle, notes: Sequence[Annotation]) -> AnchoredArticle:
    """``result`` holding the very note records given, not copies of them.

    Articles anchored in other processes come back with copies of their notes: equal, but
    twice the objects for the build's memory to hold, save and load.
    """
    mine = {n.slug: n for n in notes}

    def own(placed: Anchored) -> Anchored:
        note = mine.get(placed.note.slug)
        return placed if note is None or note is placed.note or note != placed.note else replace(placed, note=note)

    shared = tuple(map(own, result.notes))
    return result if all(map(operator.is_, shared, result.notes)) else replace(result, notes=shared)


Resolved = tuple[Any, Any, tuple[Diagnostic, ...]]  # a record, as read and with its topics resolved
Anchoring = tuple[Article, "Seed | None", tuple[Annotation, ...], AnchoredArticle, tuple[Diagnostic, ...]]


class LinkCache:
    """What the link phase computed last time, reused while its inputs are the same objects.

    An unchanged file gives the very same record object from one build to the next, so the
    checks below are identity checks, cheap enough to run over every record each time; only
    what changed is resolved, converted or anchored again. Each :func:`link` keeps only the
    entries it used, so the cache never grows stale.
    """

    def __init__(self) -> None:
        self.converted: dict[str, Converted] = {}  # Markdown text → sanitized HTML
        self.resolved: dict[str, Resolved] = {}  # path → (record, resolved, problems)
        self.anchored: dict[str, Anchoring] = {}  # slug → (article, seed, notes, result, problems)
        self.labels: tuple[tuple[str, str], ...] = ()
        self.ordered: tuple[list[Article], tuple[Article, ...]] = ([], ())
        self.entries: tuple[tuple[object, ...], tuple[timeline.Entry, ...]] = ((), ())
        self.sort_keys: dict[str, collation.Key] = {}  # the collation keys of the labels the site sorts
        self.footnote = BACKLINK  # the footnotes' back-link title the conversions above were made with

    def use_footnote(self, footnote: str) -> None:
        """Convert with this back-link title: conversions (and anchorings) made with another are dropped."""
        if footnote != self.footnote:
            self.converted, self.anchored, self.footnote = {}, {}, footnote


def link(
    settings: Settings,
    content: Content,
    seeds: Mapping[str, Seed] | None = None,
    drafts: bool = False,
    cache: LinkCache | None = None,
    intro_line: int = 1,
    anchor_all: AnchorAll | None = None,
    footnote: str = BACKLINK,
) -> tuple[Site, list[Diagnostic]]:
    """``anchor_all`` anchors many articles at once (:func:`anchor_article` on each job, in order);
    ``footnote`` is the footnotes' back-link title, in the site's language (``{number}`` for the number)."""
    cache = cache or LinkCache()
    cache.use_footnote(footnote)
    collation.learn(cache.sort_keys)
    seeds = seeds or {}
    problems: list[Diagnostic] = []
    vocabulary = Vocabulary.of(content.topics)
    problems.extend(vocabulary.clashes())
    labels = tuple((t.slug, t.label) for t in vocabulary.topics.values())
    old_resolved = cache.resolved if labels == cache.labels else {}
    resolved: dict[str, Resolved] = {}
    old_converted = cache.converted
    converted: dict[str, Converted] = {}
    md: list[Markdown] = []

    def convert(text: str) -> Converted:
        done = converted.get(text)
        if done is None:
            done = old_converted.get(text)
            if done is None:
                if not md:
                    md.append(Markdown(footnote))
                done = md[0].render(text)
            converted[text] = done
        return done

    def resolve(records: tuple[R, ...]) -> list[R]:
        out = []
        for record in records:
            key = record.origin.path
            hit = old_resolved.get(key)
            if hit is None or hit[0] is not record:
                slugs, found = vocabulary.check(record.topics, record.origin.at("topics"))
                hit = (record, record if slugs == record.topics else replace(record, topics=slugs), tuple(found))
            resolved[key] = hit
            if hit[2]:
                problems.extend(hit[2])
            out.append(hit[1])
        return out

    all_articles = {a.slug: a for a in content.articles}
    articles = resolve(tuple(a for a in content.articles if drafts or not a.draft))
    published = {a.slug for a in articles}
    by_article: dict[str, list[Annotation]] = {}
    for note in resolve(content.annotations):
        if note.article in published:
            by_article.setdefault(note.article, []).append(note)
        elif note.article not in all_articles:
            hint = unknown_hint("article", note.article, all_articles)
            problems.append(Diagnostic(note.origin.at("article"), f"unknown article '{note.article}'", hint))
    events: list[Event] = []
    for event in resolve(content.events):
        problems.extend(timeline.check_span(event))
        for slug in event.articles:
            if slug not in all_articles:
                hint = unknown_hint("article", slug, all_articles)
                problems.append(Diagnostic(event.origin.at("articles"), f"unknown article '{slug}'", hint))
        kept = tuple(s for s in event.articles if s in published)
        events.append(event if kept == event.articles else replace(event, articles=kept))

    html: dict[tuple[str, str], str] = {}
    anchored: dict[str, AnchoredArticle] = {}
    old_anchored, new_anchored = cache.anchored, {}
    pending: list[AnchorJob] = []
    for article in articles:
        seed = seeds.get(article.seed) if article.seed else None
        notes = tuple(by_article.get(article.slug, ()))
        hit = old_anchored.get(article.slug)
        if hit is None or hit[0] is not article or hit[1] is not seed or hit[2] != notes:
            pending.append((convert(article.body), article, seed, notes))
        else:
            if article.body in old_converted:  # keep it: a note edit will anchor this article again
                converted[article.body] = old_converted[article.body]
            new_anchored[article.slug] = hit
    results = (anchor_all or _anchor_here)(pending)
    for (_, article, seed, group), (result, found) in zip(pending, results, strict=True):
        new_anchored[article.slug] = (article, seed, tuple(group), _sharing(result, group), tuple(found))
    for article in articles:
        hit = new_anchored[article.slug]
        notes = hit[2]
        anchored[article.slug] = hit[3]
        if hit[4]:
            problems.extend(hit[4])
        for note in notes:
            done = convert(note.body)
            html[("note", note.slug)] = ids.namespace(done.html, ids.prefix("note", note.slug))
            if done.removed:
                problems.extend(done.warnings(note.origin.body()))
    pages = tuple(p for p in content.pages if drafts or not p.draft)
    others: tuple[tuple[str, tuple[Event | Topic | Page, ...]], ...] = (
        ("event", tuple(events)),
        ("topic", content.topics),
        ("page", pages),
    )
    for kind, records in others:
        for record in records:
            done = convert(record.body)
            html[(kind, record.slug)] = ids.namespace(done.html, ids.prefix(kind, record.slug))
            if done.removed:
                problems.extend(done.warnings(record.origin.body()))
    intro = convert(settings.intro)
    if intro.removed:
        problems.extend(intro.warnings(Location(SETTINGS_FILE, intro_line)))

    if cache.ordered[0] != articles:
        ordered = sorted(articles, key=lambda a: (a.date.year, a.date.month, a.date.day, a.slug), reverse=True)
        cache.ordered = (articles, tuple(ordered))
    events.sort(key=lambda e: (e.date.year, e.date.month, e.date.day, e.end or e.date, e.slug))
    sorted_articles = cache.ordered[1]
    key = (*events, None, *sorted_articles)
    if cache.entries[0] != key:
        cache.entries = (key, timeline.entries(events, sorted_articles))
    cache.converted, cache.resolved, cache.anchored, cache.labels = converted, resolved, new_anchored, labels
    language = settings.language
    shown = [t.label for t in content.topics] + [p.title for p in pages] + [a.source for a in articles if a.source]
    cache.sort_keys = collation.keys(shown, language)  # the next build sorts them without loading the table
    site = Site(
        settings=settings,
        articles=sorted_articles,
        events=tuple(events),
        topics=tuple(collation.ordered(content.topics, lambda t: t.label, lambda t: t.slug, language)),
        pages=tuple(sorted(pages, key=lambda p: (p.menu, collation.key(p.title, language), p.slug))),
        anchored=MappingProxyType(anchored),
        html=MappingProxyType(html),
        entries=cache.entries[1],
        intro_html=ids.namespace(intro.html, ids.prefix("intro", "site")),
    )
    return site, problems
