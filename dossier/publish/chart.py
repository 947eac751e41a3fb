"""Coverage over time: counts per year (or month) and a small inline SVG bar chart of them.

Made at build time, with integer coordinates only, so the same counts give the same bytes.
This module says where each bar and label goes; the theme's template writes the SVG, with
CSS classes for the colours, so the page's stylesheet (and its dark mode) decides them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dossier.model import PartialDate

WIDTH, HEIGHT = 480, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 10, 24  # margins: the peak's figure on the left, tick labels below
CHAR_WIDTH = 8  # the average width of a tick label's character at the chart's font size (14 units)
MONTHLY_YEARS = 2  # dates within this many calendar years are counted per month


@dataclass(frozen=True)
class Coverage:
    """Counts per period, for each series (articles, notes, events...), every period from first to last."""

    monthly: bool
    buckets: tuple[tuple[PartialDate, tuple[int, ...]], ...]  # period (a year, or a year and month) → counts

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(counts) for _, counts in self.buckets)

    @property
    def total(self) -> int:
        return sum(self.totals)

    @property
    def peak(self) -> tuple[PartialDate, int] | None:
        """The first period with the most items."""
        if not self.buckets:
            return None
        best = max(self.totals)
        return next((period, n) for (period, _), n in zip(self.buckets, self.totals, strict=True) if n == best)


def _next(period: PartialDate, monthly: bool) -> PartialDate:
    if not monthly:
        return PartialDate(period.year + 1)
    return PartialDate(period.year + 1, 1) if period.month == 12 else PartialDate(period.year, period.month + 1)


def coverage(series: Sequence[Sequence[PartialDate]]) -> Coverage:
    """Count each series' dates per year, or per month when all have a month and fit in two calendar years."""
    keys = [[(d.year, d.month) for d in group] for group in series]  # plain tuples: fast to compare
    flat = [k for group in keys for k in group]
    if not flat:
        return Coverage(False, ())
    first, last = min(flat), max(flat)
    monthly = all(month for _, month in flat) and last[0] - first[0] < MONTHLY_YEARS

    def period(key: tuple[int, int]) -> tuple[int, int]:
        return key if monthly else (key[0], 0)

    counts: dict[tuple[int, int], list[int]] = {}
    for n, group in enumerate(keys):
        for key in group:
            counts.setdefault(period(key), [0] * len(series))[n] += 1
    buckets = []
    current, end = PartialDate(*period(first)), PartialDate(*period(last))
    while current <= end:
        buckets.append((current, tuple(counts.get((current.year, current.month), [0] * len(series)))))
        current = _next(current, monthly)
    return Coverage(monthly, tuple(buckets))


def ticks(cov: Coverage) -> list[int]:
    """The periods labelled under the bars: the first, the last, and round ones a readable distance apart."""
    n = len(cov.buckets)
    if n == 0:
        return []
    steps = (1, 3, 6, 12, 24) if cov.monthly else (1, 2, 5, 10, 20, 50, 100, 200, 500)
    most = 4 if cov.monthly else 6
    step = next((s for s in steps if n <= s * most), steps[-1])
    label_w = 90 if cov.monthly else 52  # room for a label and a space, in the picture's units
    room = -(-label_w * n // (WIDTH - LEFT - RIGHT))  # in bars: ceil(label_w / bar width)

    def round_one(p: PartialDate) -> bool:
        return (p.year * 12 + p.month - 1) % step == 0 if cov.monthly else p.year % step == 0

    inner = [i for i, (p, _) in enumerate(cov.buckets) if round_one(p) and room <= i <= n - 1 - room]
    return sorted({0, *inner, n - 1})


def _scale(value: int, peak: int, size: int) -> int:
    """``value / peak * size``, rounded half up, in integers."""
    return (2 * value * size + peak) // (2 * peak) if peak else 0


@dataclass(frozen=True)
class Rect:
    series: int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Bar:
    period: PartialDate
    counts: tuple[int, ...]
    rects: tuple[Rect, ...]  # stacked from the axis up, series 0 first; none for an empty period


@dataclass(frozen=True)
class Drawing:
    """Where everything goes, in the picture's integer units; the theme's template draws it."""

    width: int
    height: int
    left: int  # the plot's left edge (the peak's figure stands before it)
    right: int  # the plot's right edge
    top: int  # the peak's line
    base: int  # the axis
    peak: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[int, str], ...]  # (x of the label's centre, label) under the axis
    label_y: int  # the tick labels' baseline


def draw(cov: Coverage, tick: Callable[[PartialDate], str]) -> Drawing:
    """A stacked bar per period, scaled to the busiest period, and the labels ``tick`` gives chosen periods."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    peak = max(cov.totals, default=0)
    n = len(cov.buckets)
    bars = []
    for i, (period, counts) in enumerate(cov.buckets):
        x0, x1 = LEFT + i * plot_w // n, LEFT + (i + 1) * plot_w // n
        gap = 2 if x1 - x0 > 8 else (1 if x1 - x0 > 2 else 0)
        rects, below = [], 0
        for k, count in enumerate(counts):
            top, bottom = _scale(below + count, peak, plot_h), _scale(below, peak, plot_h)
            below += count
            if top > bottom:
                rects.append(Rect(k, x0 + gap // 2, base - top, x1 - x0 - gap, top - bottom))
        bars.append(Bar(period, counts, tuple(rects)))
    labels = []
    for i in ticks(cov):
        label = tick(cov.buckets[i][0])
        half = len(label) * CHAR_WIDTH // 2  # an estimate: keeps the label inside the picture
        labels.append((min(max(LEFT + (2 * i + 1) * plot_w // (2 * n), LEFT + half), WIDTH - RIGHT - half), label))
    return Drawing(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, base, peak, tuple(bars), tuple(labels), HEIGHT - 6)
