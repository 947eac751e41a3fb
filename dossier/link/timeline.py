"""Order events, spans and articles at mixed precision; check spans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dossier.errors import Diagnostic
from dossier.model import Article, Event, PartialDate

TIMELINE_SPLIT = 300  # a timeline with more entries than this gets a page per year (links to an event go there)


def check_span(event: Event) -> list[Diagnostic]:
    """An end date must not come before the start (compared at the coarser precision)."""
    if event.end is not None and event.end.last_day() < event.date.first_day():
        return [
            Diagnostic(
                event.origin.at("end"),
                f"end {event.end.iso()} is before the start {event.date.iso()}",
                "swap 'date' and 'end', or fix the year",
            )
        ]
    return []


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: a background event, a span, or an article at its date."""

    date: PartialDate
    end: PartialDate | None
    kind: str  # "event", "span" or "article"
    slug: str
    title: str

    def sort_key(self) -> tuple[PartialDate, int, str]:
        return (self.date, ("span", "event", "article").index(self.kind), self.slug)


def entries(events: Sequence[Event], articles: Sequence[Article]) -> tuple[Entry, ...]:
    items = [Entry(e.date, e.end, "span" if e.is_span else "event", e.slug, e.title) for e in events]
    items += [Entry(a.date, None, "article", a.slug, a.title) for a in articles]
    return tuple(sorted(items, key=Entry.sort_key))
