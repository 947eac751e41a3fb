"""Eras on the timeline: which rows each span covers, and the gutter lane its bar takes.

The timeline's rows are in date order. A span (an entry with an end date) covers the rows
after its own whose date begins on or before its end; since rows are sorted, those rows
follow it without a gap, so its bar runs from its own row to the last row it covers. Spans
that began on an earlier page (a timeline split by year) are *carried*: their bars start at
the first row. Each bar takes the lowest lane free at its first row; past ``MAX_LANES``
lanes, a span keeps its row but gets no bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dossier.model import PartialDate

MAX_LANES = 3


@dataclass(frozen=True)
class Era:
    row: int  # the span's own row, or -1 when it began before the first row (carried)
    first: int  # the first row of its bar
    last: int  # the last row it covers
    lane: int  # -1: no lane left, no bar


@dataclass(frozen=True)
class Mark:
    """One lane's piece of a bar beside one row."""

    lane: int
    era: int  # the index of the era in the layout's eras
    start: bool  # the bar begins at this row (the span's own row, or the first row when carried)
    end: bool  # the bar ends at this row


def covers(end: PartialDate, date: PartialDate) -> bool:
    """A row dated ``date`` falls within a span ending at ``end`` (compared at the coarser precision)."""
    return date.first_day() <= end.last_day()


def _last(rows: Sequence[tuple[PartialDate, PartialDate | None]], after: int, end: PartialDate) -> int:
    last = after
    while last + 1 < len(rows) and covers(end, rows[last + 1][0]):
        last += 1
    return last


def layout(
    rows: Sequence[tuple[PartialDate, PartialDate | None]], carried: Sequence[PartialDate] = ()
) -> tuple[tuple[Era, ...], tuple[tuple[Mark, ...], ...]]:
    """The eras of ``rows`` (each a ``(date, end)``; ``end`` None for a plain entry) and each row's marks.

    ``carried`` are the end dates of spans that began before the first row; the eras are
    those spans first (in that order), then the spans of ``rows`` in row order.
    """
    found = [(-1, 0, _last(rows, -1, end)) for end in carried]  # (row, first, last); last -1: covers nothing
    found += [(i, i, _last(rows, i, end)) for i, (_, end) in enumerate(rows) if end is not None]
    eras = _in_lanes(found)
    marks: list[list[Mark]] = [[] for _ in rows]
    for n, era in enumerate(eras):
        if era.lane < 0:
            continue
        for i in range(era.first, era.last + 1):
            marks[i].append(Mark(era.lane, n, i == era.first, i == era.last))
    return tuple(eras), tuple(tuple(sorted(m, key=lambda mark: mark.lane)) for m in marks)


def _in_lanes(found: Sequence[tuple[int, int, int]]) -> list[Era]:
    """Each ``(row, first, last)`` as an era in the lowest lane free at its first row (-1: none)."""
    busy: list[int] = []  # lane → the last row its current bar covers
    eras: list[Era] = []
    for row, first, last in found:
        if last < first:
            eras.append(Era(row, first, last, -1))
            continue
        lane = next((n for n, until in enumerate(busy) if until < first), len(busy))
        if lane == len(busy) and lane < MAX_LANES:
            busy.append(last)
        elif lane < len(busy):
            busy[lane] = last
        else:
            lane = -1
        eras.append(Era(row, first, last, lane))
    return eras


def lanes(eras: Sequence[Era]) -> int:
    """How many lanes the bars take."""
    return max((e.lane + 1 for e in eras), default=0)
