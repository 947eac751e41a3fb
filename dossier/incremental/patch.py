"""The editor's everyday change, applied to the last build instead of a whole new one.

When the only files that changed are articles whose text (not front matter) changed, and
notes written, edited (their text, anchoring, topics or article) or deleted, the result of
the last build is patched: those notes are resolved against the site's vocabulary, the
affected articles converted and anchored again among their notes, the index's entries of
those articles and of the topics their notes are filed under made again, and only the pages
that show them planned again (the articles' pages, their topics' pages, the home page, the
feeds and, when an article's number of notes changed, the lists of articles, topics and the
timeline). Anything else (an article added or removed, a title, a date, an article's topics,
a template, the settings, a topic's pages added or removed), or any error, returns None and
the engine makes a whole build instead. The development server's tests check that both
ways give the same bytes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import cast

from dossier.errors import Diagnostic, Severity
from dossier.incremental.memo import IndexGate, IndexMemo, LinkMemo
from dossier.link import images, links
from dossier.link.site import AnchoredEntry, ResolvedRecord, Site, anchor_article, record_body, resolve_topics
from dossier.link.topics import Vocabulary
from dossier.model import Annotation, Article, Record
from dossier.project import ANNOTATIONS, ARTICLES
from dossier.publish.pages import (
    Index,
    PlannedPage,
    Planner,
    TopicEntries,
    article_entry,
    article_list_pages,
)
from dossier.publish.urls import Urls
from dossier.publish.views import ArticleIn, EventIn, NoteIn, TopicIn, Views
from dossier.source.content import KIND_BY_FOLDER
from dossier.source.markup import Converted, Markdown

# What of a note is patched: an edit to these (or a note written or deleted) anchors its
# article(s) again, and plans again the pages of its article(s) and of its topics.
_NOTE_PATCHED = frozenset({"quote", "prefix", "suffix", "kind", "topics", "article"})


def _front_matter(folder: str, patched: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The record attributes of the kind's field table, but ``patched``: an edit to any of
    them needs a whole build (a field added to the table is one of them, unless listed)."""
    return tuple(field.target for field in KIND_BY_FOLDER[folder].table if field.target not in patched)


_ARTICLE_FRONT = _front_matter(ARTICLES)
_NOTE_FRONT = _front_matter(ANNOTATIONS, _NOTE_PATCHED)


@dataclass(frozen=True)
class Last:
    """What the last successful build was made of, to patch."""

    site: Site
    idx: Index
    views: Views
    plan: tuple[PlannedPage, ...]
    positions: dict[str, int]  # page path → index in ``plan``
    warnings: tuple[Diagnostic, ...]
    entries: tuple[EventIn | ArticleIn, ...]  # the timeline's (a patch changes none: see timeline_items)


@dataclass(frozen=True)
class Patched:
    """The last build patched: its site, index, plan and warnings, the memo to keep, and the
    pages planned again (the others are the very pages of the last plan)."""

    site: Site
    idx: Index
    plan: list[PlannedPage]
    warnings: list[Diagnostic]
    link: LinkMemo
    index: IndexMemo
    replanned: list[PlannedPage]


def _same(old: Record, new: Record, names: tuple[str, ...]) -> bool:
    return all(getattr(old, n) == getattr(new, n) for n in names)


NoteChange = tuple[Annotation | None, Annotation | None]  # (before, after); None: a note written, deleted


@dataclass(frozen=True)
class Edits:
    """The articles whose text only changed, (old, new) of each, and the notes written, edited or deleted."""

    articles: list[tuple[Article, Article]]
    notes: list[NoteChange]


@dataclass(frozen=True)
class Reresolved:
    """The changed records resolved: the updates to make to the link memo, and what moves in
    what the last build anchored."""

    resolved: dict[str, ResolvedRecord] = field(default_factory=dict)  # updates to link.resolved
    gone: set[str] = field(default_factory=set)  # paths of notes deleted (out of link.resolved)
    swaps: dict[str, Article] = field(default_factory=dict)  # slug of an edited article → it, resolved
    leaving: dict[str, Annotation] = field(default_factory=dict)  # path of a note changed or deleted → its former self
    arriving: list[Annotation] = field(default_factory=list)  # the notes written or edited, resolved

    def affected(self) -> set[str]:
        """The slugs of the articles to anchor again."""
        notes = [*self.leaving.values(), *self.arriving]
        return set(self.swaps) | {n.article for n in notes}


def _note_change(old: Record | None, new: Record | None) -> NoteChange | None:
    """``(old, new)`` when it is a note written, deleted or edited in what the patch makes again."""
    if old is None and new is None:
        return None
    if not all(r is None or isinstance(r, Annotation) for r in (old, new)):
        return None
    change = cast(NoteChange, (old, new))
    if change[0] is not None and change[1] is not None and not _same(change[0], change[1], _NOTE_FRONT):
        return None
    return change


def _edits(changes: list[tuple[Record | None, Record | None]]) -> Edits | None:
    """The (old, new) articles of ``changes`` whose text only changed and its notes, else None."""
    notes: list[NoteChange] = []
    articles: list[tuple[Article, Article]] = []
    for old, new in changes:
        if isinstance(old, Article) and isinstance(new, Article) and _same(old, new, _ARTICLE_FRONT):
            articles.append((old, new))
            continue
        note = _note_change(old, new)
        if note is None:
            return None
        notes.append(note)
    return Edits(articles, notes)


class _Patcher:
    """The site of the last build, its affected articles anchored again and its changed notes converted again."""

    def __init__(self, last: Last, link: LinkMemo, again: Reresolved, changed: set[str]) -> None:
        self.site, self.link, self.again = last.site, link, again
        self.anchored = dict(last.site.anchored)
        self.html = dict(last.site.html)
        self.converted: dict[str, Converted] = {}  # updates to link.converted
        self.anchorings: dict[str, AnchoredEntry] = {}  # updates to link.anchored
        self.warnings = [w for w in last.warnings if w.location.path not in changed]
        self.articles = list(last.site.articles)
        self.position = {a.slug: i for i, a in enumerate(last.site.articles)}
        self.markdown = Markdown(link.footnote)

    def links_from(self, slug: str) -> bool:
        """Whether the article ``slug``'s text may hold an internal link or an image (the link
        phase rewrites them: anchored again here, they would not be)."""
        entry = self.link.anchored.get(slug)
        article = self.again.swaps.get(slug, entry.article if entry else None)
        return article is not None and (links.mentions(article.body) or images.mentions(article.body))

    def links_changed(self) -> bool:
        """Whether an internal link may change: an article anchored again is one a link points to
        (its notes renumbered), or its text may hold one (anchored here, it would not be resolved)."""
        linked = self.site.linked
        return any(Urls.article(slug) in linked or self.links_from(slug) for slug in self.again.affected())

    def convert(self, text: str) -> Converted:
        done = self.converted.get(text) or self.link.converted.get(text)
        if done is None:
            done = self.converted[text] = self.markdown.render(text)
        return done

    def group(self, slug: str, entry: AnchoredEntry) -> tuple[Annotation, ...]:
        """The article's notes now: those that stay, and those that come, in the order of their
        files' paths (the order a whole build gives them in)."""
        leaving, arriving = self.again.leaving, self.again.arriving
        notes = [n for n in entry.notes if n.origin.path not in leaving] + [n for n in arriving if n.article == slug]
        return tuple(sorted(notes, key=lambda n: n.origin.path))

    def anchor_again(self, slug: str) -> bool:
        """Anchor the article ``slug`` again with its edited text or notes; False on an error."""
        entry = self.link.anchored.get(slug)
        if entry is None or slug not in self.position:
            return False  # a draft's notes, or an unknown article: let the whole build say it
        article = self.again.swaps.get(slug, entry.article)
        group = self.group(slug, entry)
        result, found = anchor_article(self.convert(article.body), article, entry.seed, group)
        if any(d.severity is Severity.ERROR for d in found):
            return False
        self.warnings = _without(self.warnings, entry.problems)
        self.warnings = [w for w in self.warnings if w.location.path != article.origin.path]
        self.warnings += found
        self.anchorings[slug] = AnchoredEntry(article, entry.seed, group, result, tuple(found))
        self.anchored[slug] = result
        self.articles[self.position[slug]] = article
        return True

    def convert_notes(self) -> bool:
        """The deleted notes' texts taken out, the written and edited ones converted; False on an
        error (a note's slug taken by another, a text that cannot be shown)."""
        for note in self.again.leaving.values():
            del self.html[("note", note.slug)]
        for note in self.again.arriving:
            if ("note", note.slug) in self.html:
                return False
            shown = record_body("note", note, self.convert(note.body))
            if any(d.severity is Severity.ERROR for d in shown.problems):
                return False  # let the whole build say it
            self.html[("note", note.slug)] = shown.html
            self.warnings += shown.problems
        return True

    def patched_site(self) -> Site:
        anchored, html = MappingProxyType(self.anchored), MappingProxyType(self.html)
        return replace(self.site, articles=tuple(self.articles), anchored=anchored, html=html)

    def link_memo(self) -> LinkMemo:
        """The link memo with what was made again."""
        link = self.link
        resolved = {**link.resolved, **self.again.resolved}
        for path in self.again.gone:
            del resolved[path]
        return replace(
            link,
            converted={**link.converted, **self.converted},
            resolved=resolved,
            anchored={**link.anchored, **self.anchorings},
        )


def _without(warnings: list[Diagnostic], problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``warnings`` with one of each of ``problems`` taken out (those of an anchoring made again)."""
    kept = list(warnings)
    for problem in problems:
        if problem in kept:
            kept.remove(problem)
    return kept


def _mentions(record: Record) -> bool:
    """Whether ``record`` may hold an internal link or show an image (in its text or its front
    matter): the link phase's work, not the patch's."""
    return links.mentions(record.body) or images.mentions(record.body) or getattr(record, "image", None) is not None


def patch(
    last: Last, changes: list[tuple[Record | None, Record | None]], link: LinkMemo, index: IndexMemo
) -> Patched | None:
    """The last build patched with ``changes``; None when a whole build is needed, also for
    internal links: a changed body that may hold one, an article whose text may hold one (anchored
    again here, it would not be resolved), or an article one points to (a note renumbered there
    changes the link's anchor; a passage gone may break it), and for images (the link phase
    writes them as pictures): a changed record that may show one, an article whose text may."""
    if any(r is not None and _mentions(r) for pair in changes for r in pair):
        return None
    edits = _edits(changes)
    patcher = _anchored_again(last, link, edits) if edits is not None else None
    if patcher is None or patcher.links_changed():
        return None
    affected = patcher.again.affected()
    new_site = patcher.patched_site()
    gate = IndexGate.patching(index)
    idx, touched, listed = _patch_index(last.idx, new_site, affected, gate)
    planner = Planner(new_site, last.views, idx, gate)
    replanned = _replanned(last, planner, _Replan(affected, touched, listed, index))
    plan = _plan_with(last, replanned) if replanned is not None else None
    if plan is None or replanned is None:
        return None
    return Patched(new_site, idx, plan, patcher.warnings, patcher.link_memo(), gate.memo(new_site), replanned)


def _anchored_again(last: Last, link: LinkMemo, edits: Edits) -> _Patcher | None:
    """The changed records resolved, their articles anchored again and the notes converted; None on a problem."""
    again = _resolved(edits, link, Vocabulary.of(last.site.topics))
    if again is None:
        return None
    records: list[Record | None] = [r for pair in [*edits.articles, *edits.notes] for r in pair]
    patcher = _Patcher(last, link, again, {r.origin.path for r in records if r is not None})
    if not all(patcher.anchor_again(slug) for slug in sorted(again.affected())) or not patcher.convert_notes():
        return None
    return patcher


def _plan_with(last: Last, replanned: list[PlannedPage]) -> list[PlannedPage] | None:
    """The last plan with the pages ``replanned`` in their places; None for a page it did not have."""
    plan = list(last.plan)
    for page in replanned:
        at = last.positions.get(page.path)
        if at is None:
            return None
        plan[at] = page
    return plan


def _resolved(edits: Edits, link: LinkMemo, vocabulary: Vocabulary) -> Reresolved | None:
    """The changed records resolved (an article's topics as before, a note's against the
    vocabulary); None when one of them, or its former self, had problems."""
    again = Reresolved()
    for before, after in edits.articles:
        hit = _resolved_before(link, before)
        if hit is None:
            return None
        fresh = replace(after, topics=hit.resolved.topics)
        again.resolved[before.origin.path] = ResolvedRecord(after, fresh, ())
        again.swaps[fresh.slug] = fresh
    for gone, came in edits.notes:
        if not _note_resolved(again, link, vocabulary, gone, came):
            return None
    return again


def _note_resolved(
    again: Reresolved, link: LinkMemo, vocabulary: Vocabulary, before: Annotation | None, after: Annotation | None
) -> bool:
    """A note's former self out of its article's notes, its new self resolved into its article's; False on a problem."""
    if before is not None:
        hit = _resolved_before(link, before)
        if hit is None:
            return False
        again.leaving[before.origin.path] = cast(Annotation, hit.resolved)
        again.gone.add(before.origin.path)
    if after is not None:
        done = resolve_topics(after, vocabulary)
        if done.problems:
            return False  # an unknown topic: let the whole build say it
        again.resolved[after.origin.path] = done
        again.gone.discard(after.origin.path)
        again.arriving.append(cast(Annotation, done.resolved))
    return True


def _resolved_before(link: LinkMemo, before: Record) -> ResolvedRecord | None:
    """How the last build resolved ``before``, when it did and found nothing wrong."""
    hit = link.resolved.get(before.origin.path)
    if hit is None or hit.record is not before or hit.problems:
        return None
    return hit


@dataclass(frozen=True)
class _Replan:
    """What the patch changed in the index: the pages to plan again are those that show it."""

    affected: set[str]  # the articles anchored again
    touched: set[str]  # the topics whose articles or notes changed
    listed: bool  # an article's entry in the lists changed (its number of notes)
    before: IndexMemo  # the last build's index memo (each topic's pages)


def _replanned(last: Last, planner: Planner, replan: _Replan) -> list[PlannedPage] | None:
    """The pages that show the affected articles and the touched topics, planned again; None when
    a topic's pages are not those it had (one added or removed). The timeline's pages are left
    as they are: a patch changes none of its entries."""
    site, idx = planner.site, planner.idx
    topics = planner.topics()
    fresh = list(planner.latest_pages(topics, last.entries))
    if replan.touched:
        fresh.append(planner.topic_list(topics))
    if replan.listed:
        everything = tuple(idx.articles[a.slug] for a in site.articles)
        fresh += article_list_pages(planner.views, everything, idx.labels)
    topic_pages = _topic_pages(planner, topics, replan)
    if topic_pages is None:
        return None
    fresh += topic_pages
    for article in site.articles:
        if article.slug in replan.affected:
            fresh += planner.pages_of(article)
    return fresh


def _topic_pages(planner: Planner, topics: tuple[TopicIn, ...], replan: _Replan) -> list[PlannedPage] | None:
    """The touched topics' pages; None when one of them is not at the paths it was."""
    pages: list[PlannedPage] = []
    for item in topics:
        slug = item.topic.slug
        if slug not in replan.touched:
            continue
        made = planner.topic(item)
        known = replan.before.topics.get(slug)
        if known is None or [target for target, _ in known.pages] != [page.target for page in made]:
            return None
        pages += made
    return pages


def _patch_index(idx: Index, site: Site, affected: set[str], gate: IndexGate) -> tuple[Index, set[str], bool]:
    """The index with the affected articles' notes and entries made again; the topics whose
    articles or notes changed; whether an article's entry in the lists changed."""
    articles = dict(idx.articles)
    notes = dict(idx.notes)
    touched: set[str] = set()
    moved: dict[int, ArticleIn] = {}  # id of an article's former entry → its new one
    by_slug = {a.slug: a for a in site.articles}
    for slug in affected:
        article, anchored = by_slug[slug], site.anchored[slug]
        made = gate.notes(article, anchored, site.html)  # anchored again: made again
        touched.update(_topics_of_changed(notes[slug], made))
        notes[slug] = made
        entry = gate.article(article_entry(article, anchored))
        if entry != articles[slug]:
            moved[id(articles[slug])] = entry
            touched.update(entry.topics)
        articles[slug] = entry
    by_topic = dict(idx.by_topic)
    position = {slug: i for i, slug in enumerate(notes)}  # the index's order: articles newest first
    remade = {slug: notes[slug] for slug in sorted(affected, key=position.__getitem__)}
    for slug in touched:
        filed = by_topic[slug]
        articles_filed = [moved.get(id(a), a) for a in filed.articles]
        by_topic[slug] = TopicEntries(articles_filed, _refiled(filed.notes, slug, remade, position), filed.events)
    return replace(idx, articles=articles, notes=notes, by_topic=by_topic), touched, bool(moved)


def _topics_of_changed(old: tuple[NoteIn, ...], new: tuple[NoteIn, ...]) -> set[str]:
    """The topics of the notes that are in only one of ``old`` and ``new`` (written, deleted or changed)."""
    changed = [n for n in old if n not in new] + [n for n in new if n not in old]
    return {slug for n in changed for slug in n.note.topics}


def _refiled(
    filed: list[NoteIn], topic: str, made: Mapping[str, tuple[NoteIn, ...]], position: Mapping[str, int]
) -> list[NoteIn]:
    """The notes filed under ``topic``, those of the articles ``made`` again replaced by their
    new ones, each article's at its place (``position``: the index's order of articles)."""
    notes = [n for n in filed if n.note.article not in made]
    for slug, group in made.items():  # in the index's order
        at = bisect.bisect_left(notes, position[slug], key=lambda n: position[n.note.article])
        notes[at:at] = [n for n in group if topic in n.note.topics]
    return notes
