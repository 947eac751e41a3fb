"""The editor's everyday change, applied to the last build instead of a whole new one.

When the only files that changed are articles whose text (not front matter) changed, and
notes that still point to the same article with the same topics, the result of the last
build is patched: those notes are resolved, the affected articles converted and anchored
again, and only their pages, their notes' topic pages, the home page and the feed are
planned again. Anything else (a file added or removed, a title, a date, a topic, a template,
the settings), or any error, returns None and the builder makes a whole build instead. The
development server's tests check that both ways give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import cast

from dossier.errors import Diagnostic, Severity
from dossier.incremental.memo import IndexGate, IndexMemo, LinkMemo
from dossier.link.site import AnchoredEntry, ResolvedRecord, Site, anchor_article
from dossier.model import Annotation, Article, Record
from dossier.publish.pages import Index, PlannedPage, Planner, timeline_items
from dossier.publish.views import ArticleIn, NoteIn, Views
from dossier.source.markup import Converted, Markdown
from dossier.text import ids

_ARTICLE_FRONT = ("title", "date", "topics", "source", "summary", "seed", "seed_sha256", "draft")
_NOTE_FRONT = ("article", "topics")


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


Edits = tuple[list[tuple[Article, Article]], list[tuple[Annotation, Annotation]]]


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
    return articles, notes


def patch(
    last: Last, changes: list[tuple[Record | None, Record | None]], link: LinkMemo, index: IndexMemo
) -> Patched | None:
    """The last build patched with ``changes``; None when a whole build is needed."""
    edits = _edits(changes)
    if edits is None:
        return None
    articles, notes = edits
    site = last.site
    resolved: dict[str, ResolvedRecord] = {}  # updates to link.resolved
    swaps: dict[int, Record] = {}  # id of an old resolved record → its new resolved record
    pairs: list[tuple[Article | Annotation, Article | Annotation]] = [*articles, *notes]
    for before, after in pairs:
        hit = link.resolved.get(before.origin.path)
        if hit is None or hit.record is not before or hit.problems:
            return None
        fresh = replace(after, topics=hit.resolved.topics)
        resolved[before.origin.path] = ResolvedRecord(after, fresh, ())
        swaps[id(hit.resolved)] = fresh
    anchored_now: dict[str, AnchoredEntry] = {}
    affected = {new.slug for _, new in articles} | {new.article for _, new in notes}
    anchored = dict(site.anchored)
    html = dict(site.html)
    converted: dict[str, Converted] = {}  # updates to link.converted
    changed_paths = {after.origin.path for _, after in pairs}
    warnings = [w for w in last.warnings if w.location.path not in changed_paths]
    md = Markdown(link.footnote)

    def convert(text: str) -> Converted:
        done = converted.get(text) or link.converted.get(text)
        if done is None:
            done = converted[text] = md.render(text)
        return done

    new_articles = list(site.articles)
    position = {a.slug: i for i, a in enumerate(site.articles)}
    for slug in sorted(affected):
        entry = link.anchored.get(slug)
        if entry is None or slug not in position:
            return None  # a draft's notes, or an unknown article: let the whole build say it
        article = cast(Article, swaps.get(id(entry.article), entry.article))
        group = tuple(cast(Annotation, swaps.get(id(n), n)) for n in entry.notes)
        result, found = anchor_article(convert(article.body), article, entry.seed, group)
        if any(d.severity is Severity.ERROR for d in found):
            return None
        warnings = [w for w in warnings if w.location.path != article.origin.path]
        warnings += found
        anchored_now[slug] = AnchoredEntry(article, entry.seed, group, result, tuple(found))
        anchored[slug] = result
        new_articles[position[slug]] = article
    for _, new in notes:
        done = convert(new.body)
        found = done.warnings(new.origin.body())
        if any(d.severity is Severity.ERROR for d in found):
            return None  # let the whole build say it
        html[("note", new.slug)] = ids.namespace(done.html, ids.prefix("note", new.slug))
        warnings += found
    new_site = replace(
        site, articles=tuple(new_articles), anchored=MappingProxyType(anchored), html=MappingProxyType(html)
    )
    gate = IndexGate.patching(index)
    idx, touched = _patch_index(last.idx, new_site, affected, gate)
    plan = _patch_plan(last, Planner(new_site, last.views, idx, gate), affected, touched)
    if plan is None:
        return None
    link = replace(
        link,
        converted={**link.converted, **converted},
        resolved={**link.resolved, **resolved},
        anchored={**link.anchored, **anchored_now},
    )
    return Patched(new_site, idx, plan, warnings, link, gate.memo(new_site))


def _patch_plan(last: Last, planner: Planner, affected: set[str], touched: set[str]) -> list[PlannedPage] | None:
    """The last plan with the pages that show the affected articles and the touched topics made again."""
    plan = list(last.plan)
    site, idx = planner.site, planner.idx
    topics = planner.topics()
    for page in (planner.home(topics, timeline_items(site, idx)), planner.feed(), planner.notes_feed()):
        plan[last.positions[page.path]] = page
    for item in topics:
        if item.topic.slug in touched:
            for page in planner.topic(item):
                if page.path not in last.positions:
                    return None
                plan[last.positions[page.path]] = page
    by_slug = {a.slug: a for a in site.articles}
    for slug in affected:
        article = by_slug[slug]
        for page in (planner.article(article), planner.annotations(article)):
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
        articles[slug] = ArticleIn.of(article, len(anchored.notes))
    by_topic = dict(idx.by_topic)
    for slug in touched:
        first, group, events = by_topic[slug]
        by_topic[slug] = (first, [replaced.get(id(n), n) for n in group], events)
    return replace(idx, articles=articles, notes=notes, by_topic=by_topic), touched
