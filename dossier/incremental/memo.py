"""The memo: what the last build computed, and the one gate through which a build reuses it.

The core phases (:func:`dossier.link.site.link`, :func:`dossier.publish.pages.index` and
:func:`~dossier.publish.pages.plan`) do each piece of their work through steps (a record's
topics resolved, a text converted, an article anchored, an index entry made, a topic's
pages planned). A phase given no steps computes every piece. A build given the memo of the
last one goes through the gates below instead (:class:`LinkGate`, :class:`IndexGate`), in
the manner of Lektor's ``build_artifact`` → ``is_current``: a piece whose inputs are the
very objects (or equal values) it was made of last time is current and given back as it
was; any other is computed by the same pure function the phases use without a memo. So
both ways give the same site, and the memo never makes anything the phases would not.

An unchanged file gives the very same record object from one build to the next, so most
of these checks are identity checks, cheap enough to run over every record each time. Each
gate keeps only the entries the build used: the memo never grows stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from dossier.link.annotations import AnchoredArticle
from dossier.link.site import (
    AnchoredEntry,
    AnchorMany,
    AnchorRequest,
    DirectSteps,
    ResolvedRecord,
    Site,
    Topical,
    anchor_requests,
    newest_first,
    resolve_topics,
    shown_labels,
    timeline_entries,
)
from dossier.link.timeline import Entry
from dossier.link.topics import Vocabulary
from dossier.link.versions import Versions, history
from dossier.model import Article, Event
from dossier.publish.pages import TopicMadeOf, TopicPages, article_notes
from dossier.publish.views import ArticleIn, EventIn, Labels, NoteIn
from dossier.source.content import Content
from dossier.source.loader import FileCache
from dossier.source.markup import BACKLINK, Converted
from dossier.source.seeds import Seed
from dossier.text import collation

PageInputs = dict[str, tuple[object, ...]]  # page path → the inputs it was rendered from


@dataclass(frozen=True)
class OrderedArticles:
    """The articles as the link phase was given them, and the same newest first."""

    given: tuple[Article, ...] = ()
    newest_first: tuple[Article, ...] = ()


@dataclass(frozen=True)
class TimelineMade:
    """What the timeline was made of (the events, a None, the articles), and its entries."""

    made_of: tuple[Event | Article | None, ...] = ()
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class VersionsMade:
    """An article's versions, and the seeds (oldest first, their bytes' digests and texts
    included) they were compared from."""

    chain: tuple[Seed, ...]
    versions: Versions


@dataclass(frozen=True)
class LinkMemo:
    """What the link phase computed: texts converted, records resolved, articles anchored."""

    footnote: str = BACKLINK  # the footnotes' back-link title the conversions and anchorings were made with
    converted: dict[str, Converted] = field(default_factory=dict)  # Markdown text → sanitized HTML
    resolved: dict[str, ResolvedRecord] = field(default_factory=dict)  # file path → its record resolved
    anchored: dict[str, AnchoredEntry] = field(default_factory=dict)  # article slug → its anchoring
    labels: Labels = ()  # the vocabulary (slug, label) the records were resolved against
    ordered: OrderedArticles = OrderedArticles()
    entries: TimelineMade = TimelineMade()
    sort_keys: dict[str, collation.Key] = field(default_factory=dict)  # collation keys of the texts the site sorts
    versions: dict[str, VersionsMade] = field(default_factory=dict)  # article slug → its versions


@dataclass(frozen=True)
class IndexedNotes:
    """An article's notes as its pages list them, and what they were made of."""

    anchored: AnchoredArticle
    title: str
    notes: tuple[NoteIn, ...]


@dataclass(frozen=True)
class PlannedTopic:
    """A topic's pages (target and inputs of each), and what they were made of."""

    made_of: TopicMadeOf
    pages: TopicPages


@dataclass(frozen=True)
class IndexMemo:
    """What the index and the plan made: the very entry objects the pages' inputs hold."""

    notes: dict[str, IndexedNotes] = field(default_factory=dict)  # article slug → its notes
    articles: dict[str, ArticleIn] = field(default_factory=dict)  # article slug → its list entry
    events: dict[str, EventIn] = field(default_factory=dict)  # event slug → its entry
    topics: dict[str, PlannedTopic] = field(default_factory=dict)  # topic slug → its pages


@dataclass(frozen=True)
class Memo:
    """Everything a build knows that the next one (in this process or another) can reuse."""

    files: FileCache  # the content files as parsed
    link: LinkMemo
    index: IndexMemo
    key: tuple[object, ...]  # what every page was rendered with (engine, settings, strings, templates)
    inputs: PageInputs  # page path → its inputs when it was rendered

    @classmethod
    def empty(cls, root: Path) -> Memo:
        return cls(FileCache(root), LinkMemo(), IndexMemo(), (), {})

    def without_pages(self, paths: Iterable[str]) -> Memo:
        """This memo with the pages at ``paths`` not known as rendered (they are rendered again)."""
        inputs = dict(self.inputs)
        for path in paths:
            inputs.pop(path, None)
        return replace(self, inputs=inputs)


T = TypeVar("T", ArticleIn, EventIn)


def same_or_made(known: T | None, made: T) -> T:
    """The entry of the last build when it is equal to the one just made (its very object)."""
    return known if known is not None and known == made else made


class LinkGate:
    """The link phase's steps (:class:`dossier.link.site.LinkSteps`), reusing ``memo``.

    ``footnote``: the back-link title this build converts with (the conversions and anchorings
    of the memo are only reused when it is the one they were made with); ``anchor_many``:
    how the articles to anchor again are anchored (several processes, say).
    """

    def __init__(self, memo: LinkMemo, footnote: str, anchor_many: AnchorMany | None = None) -> None:
        self.previous = memo
        self.footnote = footnote
        current = memo.footnote == footnote
        self.old_converted: Mapping[str, Converted] = memo.converted if current else {}
        self.old_anchored: Mapping[str, AnchoredEntry] = memo.anchored if current else {}
        self.old_resolved: Mapping[str, ResolvedRecord] = {}
        self.direct = DirectSteps(footnote, anchor_many)
        self.anchor_many = anchor_many
        self.converted_beforehand: dict[str, Converted] = {}  # converted before the link phase (over several processes)
        self.converted: dict[str, Converted] = {}
        self.resolved: dict[str, ResolvedRecord] = {}
        self.anchored: dict[str, AnchoredEntry] = {}
        self.vocabulary: Vocabulary | None = None
        self.labels = memo.labels
        self.ordered = memo.ordered
        self.entries_made = memo.entries
        self.versions_made: dict[str, VersionsMade] = {}
        collation.learn(memo.sort_keys)  # the site's labels sorted without loading the collation table

    # -- what is current ------------------------------------------------------------

    def known(self, text: str) -> Converted | None:
        return self.converted.get(text) or self.converted_beforehand.get(text) or self.old_converted.get(text)

    def current_anchoring(self, request: AnchorRequest) -> AnchoredEntry | None:
        hit = self.old_anchored.get(request.article.slug)
        if hit is None or hit.article is not request.article or hit.seed is not request.seed:
            return None
        return hit if hit.notes == request.notes else None

    def texts_to_convert(self, content: Content, intro: str) -> list[str]:
        """The texts the link phase will convert and not find: those of the articles it will
        anchor again (an article whose anchoring is current is not converted) and of every
        other record, and the site's intro; each once, in order."""
        anchored = self.old_anchored
        fresh = {a.slug for a in content.articles if (hit := anchored.get(a.slug)) is not None and hit.article is a}
        groups = (
            [a for a in content.articles if a.slug not in fresh],
            content.annotations,
            content.events,
            content.topics,
            content.pages,
        )
        texts = list(dict.fromkeys(r.body for group in groups for r in group if self.known(r.body) is None))
        if self.known(intro) is None:
            texts.append(intro)
        return texts

    def add(self, text: str, converted: Converted) -> None:
        """A text converted ahead (with this gate's footnote title)."""
        self.converted_beforehand[text] = converted

    # -- the steps ------------------------------------------------------------------

    def resolve(self, record: Topical, vocabulary: Vocabulary) -> ResolvedRecord:
        if vocabulary is not self.vocabulary:
            self.vocabulary = vocabulary
            self.labels = tuple((t.slug, t.label) for t in vocabulary.topics.values())
            self.old_resolved = self.previous.resolved if self.labels == self.previous.labels else {}
        key = record.origin.path
        hit = self.old_resolved.get(key)
        if hit is None or hit.record is not record:
            hit = resolve_topics(record, vocabulary)
        self.resolved[key] = hit
        return hit

    def convert(self, text: str) -> Converted:
        done = self.known(text)
        if done is None:
            done = self.direct.convert(text)
        self.converted[text] = done
        return done

    def anchor(self, requests: Sequence[AnchorRequest]) -> list[AnchoredEntry]:
        found: list[AnchoredEntry | None] = []
        pending: list[tuple[int, AnchorRequest]] = []
        for request in requests:
            hit = self.current_anchoring(request)
            if hit is None:
                pending.append((len(found), request))
            else:
                body = request.article.body
                if body in self.old_converted:  # kept: a note edit will anchor this article again
                    self.converted[body] = self.old_converted[body]
            found.append(hit)
        made = anchor_requests([request for _, request in pending], self.convert, self.anchor_many)
        for (position, _), entry in zip(pending, made, strict=True):
            found[position] = entry
        done = [entry for entry in found if entry is not None]
        for entry in done:
            self.anchored[entry.article.slug] = entry
        return done

    def newest_first(self, articles: Sequence[Article]) -> tuple[Article, ...]:
        given = tuple(articles)
        if self.ordered.given != given:
            self.ordered = OrderedArticles(given, newest_first(given))
        return self.ordered.newest_first

    def entries(self, events: Sequence[Event], articles: tuple[Article, ...]) -> tuple[Entry, ...]:
        made_of = (*events, None, *articles)
        if self.entries_made.made_of != made_of:
            self.entries_made = TimelineMade(made_of, timeline_entries(events, articles))
        return self.entries_made.entries

    def versions(self, slug: str, chain: tuple[Seed, ...]) -> Versions:
        """The article's versions, compared again only when one of its seeds is not the one
        they were compared from (equal seeds: the same bytes, by their SHA-256, and text)."""
        hit = self.previous.versions.get(slug)
        if hit is None or hit.chain != chain:
            hit = VersionsMade(chain, history(chain))
        self.versions_made[slug] = hit
        return hit.versions

    # -- what to keep ---------------------------------------------------------------

    def memo(self, site: Site | None) -> LinkMemo:
        """What this build computed, to keep (``site``: the linked site, whose sorted texts
        are remembered; None when the link phase did not run)."""
        if site is None:
            return self.previous
        sort_keys = collation.keys(shown_labels(site), site.settings.language)
        return LinkMemo(
            self.footnote,
            self.converted,
            self.resolved,
            self.anchored,
            self.labels,
            self.ordered,
            self.entries_made,
            sort_keys,
            self.versions_made,
        )


class IndexGate:
    """The index's and the plan's steps (:class:`dossier.publish.pages.IndexSteps`), reusing ``memo``.

    A whole build keeps only the entries it made (:meth:`whole`); a patched build starts
    from every entry of the memo and replaces those it makes again (:meth:`patching`).
    """

    def __init__(self, memo: IndexMemo, carried: bool) -> None:
        self.previous = memo
        self.articles: dict[str, ArticleIn] = dict(memo.articles) if carried else {}
        self.events: dict[str, EventIn] = dict(memo.events) if carried else {}
        self.notes_made: dict[str, IndexedNotes] = dict(memo.notes) if carried else {}
        self.topics: dict[str, PlannedTopic] = dict(memo.topics)

    @classmethod
    def whole(cls, memo: IndexMemo) -> IndexGate:
        return cls(memo, carried=False)

    @classmethod
    def patching(cls, memo: IndexMemo) -> IndexGate:
        return cls(memo, carried=True)

    def article(self, made: ArticleIn) -> ArticleIn:
        item = self.articles[made.slug] = same_or_made(self.previous.articles.get(made.slug), made)
        return item

    def event(self, made: EventIn) -> EventIn:
        slug = made.event.slug
        item = self.events[slug] = same_or_made(self.previous.events.get(slug), made)
        return item

    def notes(
        self, article: Article, anchored: AnchoredArticle, html: Mapping[tuple[str, str], str]
    ) -> tuple[NoteIn, ...]:
        hit = self.previous.notes.get(article.slug)
        if hit is None or hit.anchored is not anchored or hit.title != article.title:
            hit = IndexedNotes(anchored, article.title, article_notes(article, anchored, html))
        self.notes_made[article.slug] = hit
        return hit.notes

    def topic_pages(self, slug: str, made_of: TopicMadeOf, make: Callable[[], TopicPages]) -> TopicPages:
        known = self.topics.get(slug)
        if known is not None and known.made_of == made_of:
            return known.pages
        pages = make()
        self.topics[slug] = PlannedTopic(made_of, pages)
        return pages

    def memo(self, site: Site) -> IndexMemo:
        """What this build made, to keep: the topics' pages of the site's topics only."""
        topics = {t.slug for t in site.topics}
        kept = {slug: planned for slug, planned in self.topics.items() if slug in topics}
        return IndexMemo(self.notes_made, self.articles, self.events, kept)
