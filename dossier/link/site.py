"""The link phase: loaded records → one immutable :class:`Site`, every cross-reference checked.

Topics are resolved against the vocabulary, notes anchored in their articles, timeline
entries ordered, indexes built. Each document's Markdown is converted exactly once here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Protocol, TypeVar

from dossier.config import SETTINGS_FILE, Settings
from dossier.errors import Diagnostic, Location
from dossier.link import htmltext, images, links, moved, provenance, timeline
from dossier.link.annotations import Anchored, AnchoredArticle, anchor, unannotated
from dossier.link.topics import Vocabulary
from dossier.link.versions import Versions, history
from dossier.model import Annotation, Article, Event, Page, Topic
from dossier.project import ARTICLES, CONTENT
from dossier.source.aliases import target as alias_target
from dossier.source.content import Content
from dossier.source.markup import BACKLINK, Converted, Markdown
from dossier.source.media import Library
from dossier.source.seeds import Seed
from dossier.text import collation, headings, ids
from dossier.text.didyoumean import did_you_mean

R = TypeVar("R", Article, Annotation, Event)
Topical = Article | Annotation | Event  # the records that name topics


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
    versions: Mapping[str, Versions] = field(default_factory=lambda: MappingProxyType({}))
    """article slug → its versions, for the articles updated from a new seed (``earlier_seeds``)"""
    linked: frozenset[str] = frozenset()
    """the pages that internal links (:mod:`dossier.link.links`) point to (``articles/x/``): a change to one
    of them may change a link's anchor (a note renumbered) or break it"""
    figures: Mapping[tuple[str, str], images.Figure] = field(default_factory=lambda: MappingProxyType({}))
    """(kind, slug) → the image its front matter names (an article's and a topic's ``image``, an event's ``media``)"""


@dataclass(frozen=True)
class RecordBody:
    """A record's text as its pages show it: its HTML, whose ids carry the record's own
    prefix, and a warning for each thing the conversion removed."""

    html: str
    problems: tuple[Diagnostic, ...]


OWN_PAGE = frozenset({"article", "topic", "page"})
"""The kinds of records whose text is their own page's: its headings' ids stay as they are (:mod:`dossier.text.ids`)."""


def record_body(kind: str, record: Annotation | Event | Topic | Page, done: Converted) -> RecordBody:
    """The text of ``record`` (of ``kind``: "note", "event"...), converted to ``done``, as its pages show it."""
    html = ids.namespace(done.html, ids.prefix(kind, record.slug), own=kind in OWN_PAGE)
    return RecordBody(html, tuple(done.warnings(record.origin.body())))


def unknown_hint(kind: str, slug: str, known: Mapping[str, object]) -> str:
    return did_you_mean(slug, known) or f"no {kind} has this slug"


def anchor_article(
    done: Converted, article: Article, seed: Seed | None, notes: Sequence[Annotation]
) -> tuple[AnchoredArticle, list[Diagnostic]]:
    """An article's converted text, checked against its seed, with its notes anchored."""
    found = done.warnings(article.origin.body())
    done = replace(done, html=ids.namespace(done.html, ids.prefix("article", article.slug), own=True))
    if seed is None and not notes:  # nothing to check or anchor: no text map
        return unannotated(done.html), found
    textmap = htmltext.build(done.html)
    if seed is not None:
        found += provenance.check(article, textmap, seed)
    result, more = anchor(textmap, notes)
    return result, found + more


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


@dataclass(frozen=True)
class AnchorJob:
    """What anchoring one article is made of: its converted text, its seed and its notes."""

    converted: Converted
    article: Article
    seed: Seed | None
    notes: tuple[Annotation, ...]


AnchorOutcome = tuple[AnchoredArticle, list[Diagnostic]]
AnchorMany = Callable[[Sequence[AnchorJob]], Sequence[AnchorOutcome]]
"""Anchors many articles at once: :func:`anchor_job` on each job, results in order (over several processes, say)."""


def anchor_job(job: AnchorJob) -> AnchorOutcome:
    return anchor_article(job.converted, job.article, job.seed, job.notes)


def anchor_here(jobs: Sequence[AnchorJob]) -> list[AnchorOutcome]:
    return [anchor_job(job) for job in jobs]


@dataclass(frozen=True)
class ResolvedRecord:
    """A record as read, the same record with its topics resolved to slugs, and what was wrong."""

    record: Topical
    resolved: Topical
    problems: tuple[Diagnostic, ...]


def resolve_topics(record: Topical, vocabulary: Vocabulary) -> ResolvedRecord:
    """``record`` with its topic references (slugs or labels) as slugs, checked against ``vocabulary``."""
    slugs, found = vocabulary.check(record.topics, record.origin.at("topics"))
    resolved = record if slugs == record.topics else replace(record, topics=slugs)
    return ResolvedRecord(record, resolved, tuple(found))


@dataclass(frozen=True)
class AnchorRequest:
    """An article to anchor, with its seed and its (resolved) notes in reading order."""

    article: Article
    seed: Seed | None
    notes: tuple[Annotation, ...]


@dataclass(frozen=True)
class AnchoredEntry:
    """An anchoring done: what it was made of, its result and its problems."""

    article: Article
    seed: Seed | None
    notes: tuple[Annotation, ...]
    anchored: AnchoredArticle
    problems: tuple[Diagnostic, ...]


def anchor_requests(
    requests: Sequence[AnchorRequest], convert: Callable[[str], Converted], anchor_many: AnchorMany | None = None
) -> list[AnchoredEntry]:
    """Each request's article converted (by ``convert``) and anchored (by ``anchor_many``, or here)."""
    jobs = [AnchorJob(convert(r.article.body), r.article, r.seed, r.notes) for r in requests]
    results = (anchor_many or anchor_here)(jobs)
    return [
        AnchoredEntry(r.article, r.seed, r.notes, _sharing(result, r.notes), tuple(found))
        for r, (result, found) in zip(requests, results, strict=True)
    ]


def newest_first(articles: Sequence[Article]) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (a.date.year, a.date.month, a.date.day, a.slug), reverse=True))


def timeline_entries(events: Sequence[Event], articles: tuple[Article, ...]) -> tuple[timeline.Entry, ...]:
    """The timeline's entries of ``events`` (in date order) and ``articles`` (newest first)."""
    return tuple(timeline.entries(list(events), articles))


class LinkSteps(Protocol):
    """How the link phase does each piece of its work: :class:`DirectSteps` computes every
    piece; the incremental layer's memo reuses the pieces whose inputs are the very same."""

    def resolve(self, record: Topical, vocabulary: Vocabulary) -> ResolvedRecord: ...

    def convert(self, text: str) -> Converted: ...

    def anchor(self, requests: Sequence[AnchorRequest]) -> list[AnchoredEntry]: ...

    def newest_first(self, articles: Sequence[Article]) -> tuple[Article, ...]: ...

    def entries(self, events: Sequence[Event], articles: tuple[Article, ...]) -> tuple[timeline.Entry, ...]: ...

    def versions(self, slug: str, chain: tuple[Seed, ...]) -> Versions: ...


class DirectSteps:
    """Every piece computed here and now: a text converted with the footnotes' back-link title
    ``footnote``; articles anchored by ``anchor_many`` (several processes, say) or here."""

    def __init__(self, footnote: str = BACKLINK, anchor_many: AnchorMany | None = None) -> None:
        self.markdown = Markdown(footnote)
        self.anchor_many = anchor_many

    def resolve(self, record: Topical, vocabulary: Vocabulary) -> ResolvedRecord:
        return resolve_topics(record, vocabulary)

    def convert(self, text: str) -> Converted:
        return self.markdown.render(text)

    def anchor(self, requests: Sequence[AnchorRequest]) -> list[AnchoredEntry]:
        return anchor_requests(requests, self.convert, self.anchor_many)

    def newest_first(self, articles: Sequence[Article]) -> tuple[Article, ...]:
        return newest_first(articles)

    def entries(self, events: Sequence[Event], articles: tuple[Article, ...]) -> tuple[timeline.Entry, ...]:
        return timeline_entries(events, articles)

    def versions(self, slug: str, chain: tuple[Seed, ...]) -> Versions:
        return history(chain)


def shown_labels(site: Site) -> list[str]:
    """The texts the site sorts in its language's collation order (topic labels, page titles, sources)."""
    sources = [a.source for a in site.articles if a.source]
    return [t.label for t in site.topics] + [p.title for p in site.pages] + sources


def renamed_articles(articles: Sequence[Article]) -> dict[str, Article]:
    """A former slug (an alias ``/articles/<slug>/`` no article has now) → the article that had it."""
    now = {a.slug for a in articles}
    found: dict[str, Article] = {}
    for article in articles:
        for path in article.aliases:
            parts = alias_target(path).split("/")
            if len(parts) == 3 and parts[0] == "articles" and not parts[2] and parts[1] not in now:
                found.setdefault(parts[1], article)
    return found


class _Linker:
    """One link: records resolved, notes grouped by article, texts converted and articles anchored."""

    def __init__(self, content: Content, steps: LinkSteps) -> None:
        self.content, self.steps = content, steps
        self.problems: list[Diagnostic] = []
        self.vocabulary = Vocabulary.of(content.topics, content.unreadable)
        self.problems.extend(self.vocabulary.clashes())
        self.all_articles = {a.slug: a for a in content.articles}
        self.renamed = renamed_articles(content.articles)
        self.moved: moved.MovedArticles | None = None  # made when an unknown article is first met
        folder = f"{CONTENT}/{ARTICLES}/"
        self.unreadable = {PurePosixPath(p).stem for p in content.unreadable if p.startswith(folder)}
        self.html: dict[tuple[str, str], str] = {}

    def resolve(self, records: Sequence[R]) -> list[R]:
        out: list[R] = []
        resolve, vocabulary = self.steps.resolve, self.vocabulary
        for record in records:
            done = resolve(record, vocabulary)
            if done.problems:
                self.problems.extend(done.problems)
            out.append(done.resolved)  # type: ignore[arg-type]  # of the kind given: resolve_topics replaces topics only
        return out

    def unknown_article(self, slug: str, where: Location) -> None:
        if slug in self.unreadable:
            return  # the article's file has errors of its own: they are said, not this one too
        now = self.renamed.get(slug)
        if now is not None:  # a former slug: said, never followed silently (the reference is to be updated)
            hint = f"write '{now.slug}': {now.origin.path} lists /articles/{slug}/ in its aliases"
            self.problems.append(Diagnostic(where, f"article '{slug}' was renamed '{now.slug}'", hint))
            return
        if self.moved is None:  # its file may have been renamed by hand, to a name close to the old one or not
            self.moved = moved.MovedArticles(self.content.articles, self.content.annotations)
        found = self.moved.find(slug)
        hint = moved.moved_hint(slug, found) if found is not None else unknown_hint("article", slug, self.all_articles)
        self.problems.append(Diagnostic(where, f"unknown article '{slug}'", hint))

    def notes_by_article(self, published: set[str]) -> dict[str, list[Annotation]]:
        by_article: dict[str, list[Annotation]] = {}
        for note in self.resolve(self.content.annotations):
            if note.article in published:
                by_article.setdefault(note.article, []).append(note)
            elif note.article not in self.all_articles:
                self.unknown_article(note.article, note.origin.at("article"))
        return by_article

    def events(self, published: set[str]) -> list[Event]:
        events: list[Event] = []
        for event in self.resolve(self.content.events):
            self.problems.extend(timeline.check_span(event))
            for slug in event.articles:
                if slug not in self.all_articles:
                    self.unknown_article(slug, event.origin.at("articles"))
            kept = tuple(s for s in event.articles if s in published)
            events.append(event if kept == event.articles else replace(event, articles=kept))
        return events

    def body(self, kind: str, record: Annotation | Event | Topic | Page) -> None:
        shown = record_body(kind, record, self.steps.convert(record.body))
        self.html[(kind, record.slug)] = shown.html
        self.problems.extend(shown.problems)

    def bodies(self, kind: str, records: Sequence[Event | Topic | Page]) -> None:
        for record in records:
            self.body(kind, record)

    def intro(self, text: str, line: int) -> Converted:
        """The site's intro (``intro`` of the settings, at ``line``), converted."""
        done = self.steps.convert(text)
        if done.removed:
            self.problems.extend(done.warnings(Location(SETTINGS_FILE, line)))
        return done

    def anchor(
        self, articles: Sequence[Article], seeds: Mapping[str, Seed], by_article: Mapping[str, list[Annotation]]
    ) -> dict[str, AnchoredArticle]:
        requests = [
            AnchorRequest(a, seeds.get(a.seed) if a.seed else None, tuple(by_article.get(a.slug, ()))) for a in articles
        ]
        anchored: dict[str, AnchoredArticle] = {}
        for entry in self.steps.anchor(requests):
            anchored[entry.article.slug] = entry.anchored
            if entry.problems:
                self.problems.extend(entry.problems)
            for note in entry.notes:
                self.body("note", note)
        return anchored

    def versions(self, articles: Sequence[Article], seeds: Mapping[str, Seed]) -> dict[str, Versions]:
        """The versions of each article with earlier seeds, checked against them; an article
        one of whose seeds could not be read has none (the build says why)."""
        found: dict[str, Versions] = {}
        for article in articles:
            if not article.earlier_seeds or not article.seed:
                continue
            self.problems.extend(provenance.check_earlier(article, seeds))
            paths = (*(e.seed for e in article.earlier_seeds), article.seed)
            chain = tuple(seed for path in paths if (seed := seeds.get(path)) is not None)
            if len(chain) == len(paths):
                found[article.slug] = self.steps.versions(article.slug, chain)
        return found


def _own_anchors(
    page: str, prefix: str, html: str, kind: str, anchors: dict[str, frozenset[str]], prefixes: dict[str, str]
) -> None:
    """The ids on ``page``: its text's (``html``, namespaced under ``prefix`` but its headings') and
    those its template may write (for a page of ``kind``), whether this page has what they head or not."""
    anchors[page] = links.page_ids(html) | headings.ON_EVERY_PAGE | headings.ON_PAGE[kind]
    prefixes[page] = prefix


def known_targets(
    anchored: Mapping[str, AnchoredArticle],
    events: Sequence[Event],
    split: bool,
    topics: Sequence[Topic],
    pages: Sequence[Page],
    html: Mapping[tuple[str, str], str] = MappingProxyType({}),
) -> links.Known:
    """What internal links may point to: the published articles (and their notes), events, topics and
    pages, and the ids on their pages (``html``: the texts of the notes, events, topics and pages, as
    the link phase made them)."""
    files: dict[str, str] = {}
    anchors: dict[str, frozenset[str]] = {}
    prefixes: dict[str, str] = {}
    own_ids: dict[str, str] = {}
    for slug, done in anchored.items():
        page = f"articles/{slug}/"
        _own_anchors(page, ids.prefix("article", slug), done.html, "article", anchors, prefixes)
        for placed in done.notes:  # its number, and the ids of its text (under its name: note_<slug>_...)
            anchors[page] |= links.page_ids(html.get(("note", placed.note.slug), "")) | {f"note-{placed.number}"}
            files[placed.note.origin.path] = f"{page}#note-{placed.number}"
            own_ids[placed.note.origin.path] = ids.prefix("note", placed.note.slug)
    on_timeline: dict[str, set[str]] = {}
    for event in events:
        page = f"timeline/{event.date.year}/" if split else "timeline/"
        on_timeline.setdefault(page, set()).update(
            {f"event-{event.slug}"}, links.page_ids(html.get(("event", event.slug), ""))
        )
        files[event.origin.path] = f"{page}#event-{event.slug}"
        own_ids[event.origin.path] = ids.prefix("event", event.slug)
    anchors.update((page, frozenset(found)) for page, found in on_timeline.items())
    anchors.setdefault("timeline/", frozenset())
    for kind, shown, folder in (("topic", topics, "topics/"), ("page", pages, "")):
        for record in shown:
            page = f"{folder}{record.slug}/"
            files[record.origin.path] = page
            text = html.get((kind, record.slug), "")
            _own_anchors(page, ids.prefix(kind, record.slug), text, kind, anchors, prefixes)
    records = {
        "articles": frozenset(anchored),
        "topics": frozenset(t.slug for t in topics),
        "pages": frozenset(p.slug for p in pages),
    }
    return links.Known(files, anchors, records, own_ids=own_ids, prefixes=prefixes)


def _with_articles(known: links.Known, articles: Sequence[Article]) -> links.Known:
    files = {**known.files, **{a.origin.path: f"articles/{a.slug}/" for a in articles}}
    return replace(known, files=files)


def _with_aliases(known: links.Known, done: _Published, topics: Sequence[Topic]) -> links.Known:
    """``known`` with the former paths of the published articles, topics and pages (``aliases:``)."""
    records: list[tuple[Article | Topic | Page, str]] = [(a, f"articles/{a.slug}/") for a in done.articles]
    records += [(t, f"topics/{t.slug}/") for t in topics] + [(p, f"{p.slug}/") for p in done.pages]
    pages = {target for _, target in records}
    found = {alias_target(path): target for record, target in records for path in record.aliases}
    # an alias on a page that exists is an error the plan says (at the alias): links still go to the page
    taken = pages | {f"{name}/" for name in links.SECTIONS} | links.FILES
    found = {alias: target for alias, target in found.items() if alias not in taken}
    return replace(known, aliases=found) if found else known


class BodyRewriter(Protocol):
    """Rewrites pieces of a body's HTML (:class:`links.Rewriter`, :class:`images.Pictures`)."""

    def rewrite(self, html: str, body: links.Body) -> str: ...
    def rewrite_all(self, pieces: Sequence[str], body: links.Body) -> list[str]: ...


def rewrite_links(
    rewriter: BodyRewriter,
    anchored: dict[str, AnchoredArticle],
    articles: Sequence[Article],
    html: dict[tuple[str, str], str],
    records: Sequence[tuple[str, Annotation | Event | Topic | Page]],
    holds: Callable[[str], bool] = links.mentions,
) -> None:
    """The internal links (or what ``rewriter`` rewrites, in the bodies that ``holds`` says may
    hold some) of every body rewritten in place (``anchored`` and ``html``), errors in ``rewriter``."""
    for article in articles:
        done = anchored[article.slug]
        if holds(article.body):  # else the very same record (the memo's anchorings are kept as they are)
            blocks = [b.html for b in done.blocks]
            pieces = rewriter.rewrite_all(blocks, links.Body.of(article.body, article.origin.body()))
            if pieces != blocks:
                anchored[article.slug] = AnchoredArticle.of(pieces, done.notes, done.text)
    for kind, record in records:
        key = (kind, record.slug)
        if key in html and holds(record.body):
            html[key] = rewriter.rewrite(html[key], links.Body.of(record.body, record.origin.body()))


@dataclass(frozen=True)
class _Published:
    """What the link phase publishes, for its internal links to be resolved."""

    anchored: dict[str, AnchoredArticle]
    articles: Sequence[Article]
    by_article: Mapping[str, list[Annotation]]
    events: Sequence[Event]
    pages: Sequence[Page]
    entries: tuple[timeline.Entry, ...]


def _unplaced(done: _Published) -> frozenset[str]:
    """The notes of published articles that could not be anchored: their errors say why they are
    not published, and a link to one is not said broken too."""
    placed = {p.note.origin.path for article in done.anchored.values() for p in article.notes}
    return frozenset(n.origin.path for group in done.by_article.values() for n in group) - placed


def _rewrite_all(linker: _Linker, settings: Settings, done: _Published) -> links.Rewriter:
    """Every body's internal links rewritten in place (``done.anchored``, ``linker.html``), the rewriter returned."""
    topics = linker.content.topics
    bodies: list[tuple[str, Annotation | Event | Topic | Page]] = [
        ("note", n) for group in done.by_article.values() for n in group
    ]
    bodies += [("event", e) for e in done.events] + [("topic", t) for t in topics] + [("page", p) for p in done.pages]
    texts = [settings.intro, *(a.body for a in done.articles), *(r.body for _, r in bodies)]
    if not any(links.mentions(text) for text in texts):  # no link to resolve: what links may point to is not made
        return links.Rewriter(links.Known({}, {}, {}), links.base_path(settings.base_url))
    split = len(done.entries) > timeline.TIMELINE_SPLIT
    targets = known_targets(done.anchored, done.events, split, topics, done.pages, linker.html)
    known = _with_articles(targets, done.articles)
    known = replace(_with_aliases(known, done, topics), unreadable=linker.content.unreadable | _unplaced(done))
    rewriter = links.Rewriter(known, links.base_path(settings.base_url))
    rewrite_links(rewriter, done.anchored, done.articles, linker.html, bodies)
    return rewriter


def _pictures(linker: _Linker, done: _Published, base: str, media: Library) -> images.Pictures:
    """Every body's images written as responsive pictures (:mod:`dossier.link.images`), in place."""
    pictures = images.Pictures(media, base)
    bodies: list[tuple[str, Annotation | Event | Topic | Page]] = [
        ("note", n) for group in done.by_article.values() for n in group
    ]
    bodies += [("event", e) for e in done.events] + [("topic", t) for t in linker.content.topics]
    bodies += [("page", p) for p in done.pages]
    rewrite_links(pictures, done.anchored, done.articles, linker.html, bodies, images.mentions)
    return pictures


def _figures(linker: _Linker, done: _Published, media: Library) -> Mapping[tuple[str, str], images.Figure]:
    """The images the records' front matter names, checked (:func:`dossier.link.images.figures`)."""
    records: list[tuple[str, Article | Event | Topic]] = [("article", a) for a in done.articles]
    records += [("event", e) for e in done.events] + [("topic", t) for t in linker.content.topics]
    found, problems = images.figures(records, media)
    linker.problems.extend(problems)
    return MappingProxyType(found)


def link(
    settings: Settings,
    content: Content,
    seeds: Mapping[str, Seed] | None = None,
    drafts: bool = False,
    intro_line: int = 1,
    steps: LinkSteps | None = None,
    media: Library = Library(),  # noqa: B008 (frozen: one empty library for every call)
) -> tuple[Site, list[Diagnostic]]:
    """The linked site and every problem found; ``steps`` does each piece of the work
    (by default :class:`DirectSteps`: computed here, footnotes titled in English); ``media``:
    the images of ``content/media/`` (:mod:`dossier.source.media`)."""
    linker = _Linker(content, steps or DirectSteps())
    articles = linker.resolve(tuple(a for a in content.articles if drafts or not a.draft))
    published = {a.slug for a in articles}
    by_article = linker.notes_by_article(published)
    events = linker.events(published)
    found: Mapping[str, Seed] = seeds or {}
    anchored = linker.anchor(articles, found, by_article)
    versions = linker.versions(articles, found)
    pages = tuple(p for p in content.pages if drafts or not p.draft)
    for kind, records in (("event", tuple(events)), ("topic", content.topics), ("page", pages)):
        linker.bodies(kind, records)
    intro = linker.intro(settings.intro, intro_line)
    events.sort(key=lambda e: (e.date.year, e.date.month, e.date.day, e.end or e.date, e.slug))
    sorted_articles = linker.steps.newest_first(articles)
    entries = linker.steps.entries(events, sorted_articles)
    bodies = _Published(anchored, articles, by_article, events, pages, entries)
    rewriter = _rewrite_all(linker, settings, bodies)
    intro_body = links.Body(settings.intro, Location(SETTINGS_FILE, intro_line), "")
    intro_html = rewriter.rewrite(intro.html, intro_body)
    linker.problems.extend(rewriter.problems)
    pictures = _pictures(linker, bodies, links.base_path(settings.base_url), media)
    intro_html = pictures.rewrite(intro_html, intro_body)  # paths from the project's folder (content/media/x.png)
    linker.problems.extend(pictures.problems)
    figures = _figures(linker, bodies, media)
    language = settings.language
    site = Site(
        settings=settings,
        articles=sorted_articles,
        events=tuple(events),
        topics=tuple(collation.ordered(content.topics, lambda t: t.label, lambda t: t.slug, language)),
        pages=tuple(sorted(pages, key=lambda p: (p.menu, collation.key(p.title, language), p.slug))),
        anchored=MappingProxyType(anchored),
        html=MappingProxyType(linker.html),
        entries=entries,
        intro_html=ids.namespace(intro_html, ids.prefix("intro", "site")),
        versions=MappingProxyType(versions),
        linked=frozenset(rewriter.linked),
        figures=figures,
    )
    return site, linker.problems
