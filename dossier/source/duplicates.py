"""Two content files of one kind with one slug: one URL (an article, a topic, a page), one anchor
on the timeline (an event) or one name (a note) for two records.

Said as soon as the files are read, before anything is linked: every later step keys records by
their slug, and would take one file for the other without a word (a note anchored in the wrong
article, a link checked against the wrong page, an id written twice on the timeline). The error is
said at the file that chose the slug with a ``slug:`` line, else at the later of the two paths;
the other file is kept, so the build goes on and says every other problem too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from dossier.errors import Diagnostic, Location
from dossier.model import Annotation, Article, Event, Origin, Page, Topic
from dossier.source.content import Content

R = TypeVar("R", Article, Annotation, Event, Topic, Page)

_SAID = {
    "articles": "two things on one URL /articles/{slug}/",
    "topics": "two things on one URL /topics/{slug}/",
    "pages": "two things on one URL /{slug}/",
    "events": "two events with one anchor #event-{slug} on the timeline",
    "annotations": "two notes named '{slug}'",
}


def slug_line(origin: Origin) -> int:
    """The line of a file's ``slug:`` (0: it has none, its slug is its file name)."""
    return origin.at("slug").line if "slug" in origin.lines[0] else 0


def unique(found: Content) -> tuple[Content, list[Diagnostic]]:
    """``found`` with one record per slug of each kind, and an error for each one left out."""
    problems: list[Diagnostic] = []
    articles = _unique(found.articles, _SAID["articles"], problems)
    annotations = _unique(found.annotations, _SAID["annotations"], problems)
    events = _unique(found.events, _SAID["events"], problems)
    topics = _unique(found.topics, _SAID["topics"], problems)
    pages = _unique(found.pages, _SAID["pages"], problems)
    if not problems:
        return found, []
    left = replace(found, articles=articles, annotations=annotations, events=events, topics=topics, pages=pages)
    return left, problems


def _unique(records: tuple[R, ...], said: str, problems: list[Diagnostic]) -> tuple[R, ...]:
    """``records`` (in the order of their paths) less those on a slug taken by another."""
    kept: dict[str, R] = {}
    for record in records:
        first = kept.setdefault(record.slug, record)
        if first is record:
            continue
        left, other = _left_out(first, record)
        kept[record.slug] = other
        line = slug_line(left.origin)
        message = f"{said.format(slug=record.slug)}: this file and {other.origin.path}"
        hint = "give this file another slug" if line else "rename one of them"
        problems.append(Diagnostic(Location(left.origin.path, line or 1), message, hint))
    if len(kept) == len(records):
        return records
    chosen = {id(record) for record in kept.values()}
    return tuple(record for record in records if id(record) in chosen)


def _left_out(first: R, later: R) -> tuple[R, R]:
    """Which of two records on one slug is left out (said), and which is kept: the one that chose
    the slug with a ``slug:`` line, else the later."""
    if slug_line(first.origin) and not slug_line(later.origin):
        return first, later
    return later, first
