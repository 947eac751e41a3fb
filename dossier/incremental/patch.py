"""The editor's everyday change, applied to the last build instead of a whole new one.

When the only files that changed are articles whose text (not front matter) changed, and
notes that still point to the same article with the same topics, the result of the last
build is patched: those notes are resolved, the affected articles converted and anchored
again, and only their pages, their notes' topic pages, the home page and the feed are
planned again. Anything else (a file added or removed, a title, a date, a topic, a template,
the settings), or any error, returns None and the engine makes a whole build instead. The
development server's tests check that both ways give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import cast

from dossier.errors import Diagnostic, Severity
from dossier.incremental.memo import IndexGate, IndexMemo, LinkMemo
from dossier.link.site import AnchoredEntry, ResolvedRecord, Site, anchor_article, record_body
from dossier.model import Annotation, Article, Record
from dossier.project import ANNOTATIONS, ARTICLES
from dossier.publish.pages import Index, PlannedPage, Planner, TopicEntries, article_entry, timeline_items
from dossier.publish.views import NoteIn, Views
from dossier.source.content import KIND_BY_FOLDER
from dossier.source.markup import Converted, Markdown

# What a note's anchoring is made of: an edit to these only is patched (its article is
# anchored again, its pages and its topics' pages planned again).
_NOTE_ANCHORING = frozenset({"quote", "prefix", "suffix", "kind"})


def _front_matter(folder: str, patched: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The record attributes of the kind's field table, but ``patched``: an edit to any of
    them needs a whole build (a field added to the table is one of them, unless listed)."""
    return tuple(field.target for field in KIND_BY_FOLDER[folder].table if field.target not in patched)


_ARTICLE_FRONT = _front_matter(ARTICLES)
_NOTE_FRONT = _front_matter(ANNOTATIONS, _NOTE_ANCHORING)


@dataclass(frozen=True)
class Last:
    """What the last successful build was made of, to patch."""

    site: Site
    idx: Index
    views: Views
    plan: tuple[PlannedPage, ...]
    positions: dict[str, int]  # page path → index in ``plan``
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Patched:
    """The last build patched: its site, index, plan and warnings, and the memo to keep."""

    site: Site
    idx: Index
    plan: list[PlannedPage]
    warnings: list[Diagnostic]
    link: LinkMemo
    index: IndexMemo


def _same(old: Record, new: Record, names: tuple[str, ...]) -> bool:
    return all(getattr(old, n) == getattr(new, n) for n in names)


@dataclass(frozen=True)
class Edits:
    """The articles and notes whose text only changed: (old, new) of each."""

    articles: list[tuple[Article, Article]]
    notes: list[tuple[Annotation, Annotation]]


@dataclass(frozen=True)
class Reresolved:
    """The edited records resolved as their former selves were, and the swaps (id of a former
    resolved record → the new one) to make in what the last build anchored."""

    resolved: dict[str, ResolvedRecord]  # updates to link.resolved
    swaps: dict[int, Record]


def _edits(changes: list[tuple[Record | None, Record | None]]) -> Edits | None:
    """The (old, new) articles and notes of ``changes`` when only their text changed, else None."""
    notes: list[tuple[Annotation, Annotation]] = []
    articles: list[tuple[Article, Article]] = []
    for old, new in changes:
        if old is None or new is None or type(old) is not type(new):
            return None
        if isinstance(old, Article) and isinstance(new, Article) and _same(old, new, _ARTICLE_FRONT):
            articles.append((old, new))
        elif isinstance(old, Annotation) and isinstance(new, Annotation) and _same(old, new, _NOTE_FRONT):
            notes.append((old, new))
        else:
            return None
    return Edits(articles, notes)


class _Patcher:
    """The site of the last build, its affected articles anchored again and its edited notes converted again."""

    def __init__(self, last: Last, link: LinkMemo, swaps: dict[int, Record], changed: set[str]) -> None:
        self.site, self.link, self.swaps = last.site, link, swaps
        self.anchored = dict(last.site.anchored)
        self.html = dict(last.site.html)
        self.converted: dict[str, Converted] = {}  # updates to link.converted
        self.anchorings: dict[str, AnchoredEntry] = {}  # updates to link.anchored
        self.warnings = [w for w in last.warnings if w.location.path not in changed]
        self.articles = list(last.site.articles)
        self.position = {a.slug: i for i, a in enumerate(last.site.articles)}
        self.markdown = Markdown(link.footnote)

    def convert(self, text: str) -> Converted:
        done = self.converted.get(text) or self.link.converted.get(text)
        if done is None:
            done = self.converted[text] = self.markdown.render(text)
        return done

    def anchor_again(self, slug: str) -> bool:
        """Anchor the article ``slug`` again with its edited text or notes; False on an error."""
        entry = self.link.anchored.get(slug)
        if entry is None or slug not in self.position:
            return False  # a draft's notes, or an unknown article: let the whole build say it
        article = cast(Article, self.swaps.get(id(entry.article), entry.article))
        group = tuple(cast(Annotation, self.swaps.get(id(n), n)) for n in entry.notes)
        result, found = anchor_article(self.convert(article.body), article, entry.seed, group)
        if any(d.severity is Severity.ERROR for d in found):
            return False
        self.warnings = [w for w in self.warnings if w.location.path != article.origin.path]
        self.warnings += found
        self.anchorings[slug] = AnchoredEntry(article, entry.seed, group, result, tuple(found))
        self.anchored[slug] = result
        self.articles[self.position[slug]] = article
        return True

    def convert_note(self, note: Annotation) -> bool:
        """Convert an edited note's text again; False on an error."""
        shown = record_body("note", note, self.convert(note.body))
        if any(d.severity is Severity.ERROR for d in shown.problems):
            return False  # let the whole build say it
        self.html[("note", note.slug)] = shown.html
        self.warnings += shown.problems
        return True

    def patched_site(self) -> Site:
        anchored, html = MappingProxyType(self.anchored), MappingProxyType(self.html)
        return replace(self.site, articles=tuple(self.articles), anchored=anchored, html=html)

    def link_memo(self, resolved: dict[str, ResolvedRecord]) -> LinkMemo:
        """The link memo with what was made again."""
        link = self.link
        return replace(
            link,
            converted={**link.converted, **self.converted},
            resolved={**link.resolved, **resolved},
            anchored={**link.anchored, **self.anchorings},
        )


def patch(
    last: Last, changes: list[tuple[Record | None, Record | None]], link: LinkMemo, index: IndexMemo
) -> Patched | None:
    """The last build patched with ``changes``; None when a whole build is needed."""
    edits = _edits(changes)
    if edits is None:
        return None
    articles, notes = edits.articles, edits.notes
    pairs: list[tuple[Article | Annotation, Article | Annotation]] = [*articles, *notes]
    again = _resolved(pairs, link)
    if again is None:
        return None
    patcher = _Patcher(last, link, again.swaps, {after.origin.path for _, after in pairs})
    affected = {new.slug for _, new in articles} | {new.article for _, new in notes}
    if not all(patcher.anchor_again(slug) for slug in sorted(affected)):
        return None
    if not all(patcher.convert_note(new) for _, new in notes):
        return None
    new_site = patcher.patched_site()
    gate = IndexGate.patching(index)
    idx, touched = _patch_index(last.idx, new_site, affected, gate)
    plan = _patch_plan(last, Planner(new_site, last.views, idx, gate), affected, touched)
    if plan is None:
        return None
    return Patched(new_site, idx, plan, patcher.warnings, patcher.link_memo(again.resolved), gate.memo(new_site))


def _resolved(pairs: list[tuple[Article | Annotation, Article | Annotation]], link: LinkMemo) -> Reresolved | None:
    """The edited records resolved as their former selves were (their topics did not change);
    None when one of them had problems."""
    resolved: dict[str, ResolvedRecord] = {}  # updates to link.resolved
    swaps: dict[int, Record] = {}  # id of an old resolved record → its new resolved record
    for before, after in pairs:
        hit = link.resolved.get(before.origin.path)
        if hit is None or hit.record is not before or hit.problems:
            return None
        fresh = replace(after, topics=hit.resolved.topics)
        resolved[before.origin.path] = ResolvedRecord(after, fresh, ())
        swaps[id(hit.resolved)] = fresh
    return Reresolved(resolved, swaps)


def _patch_plan(last: Last, planner: Planner, affected: set[str], touched: set[str]) -> list[PlannedPage] | None:
    """The last plan with the pages that show the affected articles and the touched topics made again."""
    plan = list(last.plan)
    site, idx = planner.site, planner.idx
    topics = planner.topics()
    for page in planner.latest_pages(topics, timeline_items(site, idx)):
        plan[last.positions[page.path]] = page
    for item in topics:
        if item.topic.slug in touched:
            for page in planner.topic(item):
                if page.path not in last.positions:
                    return None
                plan[last.positions[page.path]] = page
    by_slug = {a.slug: a for a in site.articles}
    for slug in affected:
        for page in planner.pages_of(by_slug[slug]):
            plan[last.positions[page.path]] = page
    return plan


def _patch_index(idx: Index, site: Site, affected: set[str], gate: IndexGate) -> tuple[Index, set[str]]:
    """The index with the affected articles' notes made again, and the topics whose notes changed."""
    articles = dict(idx.articles)
    notes = dict(idx.notes)
    replaced: dict[int, NoteIn] = {}
    touched: set[str] = set()
    by_slug = {a.slug: a for a in site.articles}
    for slug in affected:
        article, anchored = by_slug[slug], site.anchored[slug]
        made = gate.notes(article, anchored, site.html)  # anchored again: made again
        for old, new in zip(notes[slug], made, strict=True):
            if old != new:
                replaced[id(old)] = new
                touched.update(new.note.topics)
        notes[slug] = made
        articles[slug] = gate.article(article_entry(article, anchored))
    by_topic = dict(idx.by_topic)
    for slug in touched:
        filed = by_topic[slug]
        by_topic[slug] = TopicEntries(filed.articles, [replaced.get(id(n), n) for n in filed.notes], filed.events)
    return replace(idx, articles=articles, notes=notes, by_topic=by_topic), touched
