from __future__ import annotations

from dossier.model import PartialDate
from dossier.publish import chart

P = PartialDate.parse


def dates(*texts: str) -> list[PartialDate]:
    return [P(t) for t in texts]


def test_counts_per_year_with_every_year_between() -> None:
    cov = chart.coverage(
        [dates("2024-03"), dates("2024-03", "2024-03"), dates("2003-03-20", "2014", "2014-06", "2014-09")]
    )
    assert not cov.monthly
    assert [p.iso() for p, _ in cov.buckets] == [str(y) for y in range(2003, 2025)]
    by_year = {p.year: counts for p, counts in cov.buckets}
    assert by_year[2003] == (0, 0, 1) and by_year[2014] == (0, 0, 3) and by_year[2024] == (1, 2, 0)
    assert by_year[2010] == (0, 0, 0)
    assert cov.total == 7 and cov.peak == (P("2014"), 3)  # the first of the busiest periods


def test_counts_per_month_within_two_calendar_years() -> None:
    cov = chart.coverage([dates("2023-11"), dates("2024-02-15", "2024-02")])
    assert cov.monthly
    assert [(p.iso(), c) for p, c in cov.buckets] == [
        ("2023-11", (1, 0)),
        ("2023-12", (0, 0)),
        ("2024-01", (0, 0)),
        ("2024-02", (0, 2)),
    ]


def test_a_date_known_to_the_year_only_means_counting_per_year() -> None:
    assert not chart.coverage([dates("2024", "2024-03")]).monthly
    assert not chart.coverage([dates("2022-01", "2024-03")]).monthly  # three calendar years


def test_nothing_to_count() -> None:
    cov = chart.coverage([[], []])
    assert cov.buckets == () and cov.total == 0 and cov.peak is None
    assert chart.ticks(cov) == []


def test_ticks_are_the_ends_and_round_years_with_room() -> None:
    cov = chart.coverage([dates("2003", "2024")])
    labelled = [cov.buckets[i][0].year for i in chart.ticks(cov)]
    assert labelled == [2003, 2010, 2015, 2020, 2024]  # 2005 would crowd 2003
    few = chart.coverage([dates("2020", "2022")])
    assert [few.buckets[i][0].year for i in chart.ticks(few)] == [2020, 2021, 2022]


def test_bars_are_stacked_in_integers_scaled_to_the_peak() -> None:
    cov = chart.coverage([dates("2020", "2022"), dates("2022", "2022", "2022")])
    drawing = chart.draw(cov, lambda p: str(p.year))
    plot = drawing.base - drawing.top
    assert drawing.peak == 4
    first, empty, last = drawing.bars
    assert empty.rects == () and empty.counts == (0, 0)
    assert [r.height for r in last.rects] == [plot // 4, plot - plot // 4]  # 1 then 3 of the 4
    assert last.rects[1].y == drawing.top and last.rects[0].y + last.rects[0].height == drawing.base
    assert [r.series for r in last.rects] == [0, 1]
    assert first.rects[0].height == plot // 4 + (1 if plot % 4 >= 2 else 0)  # rounded half up
    for bar in drawing.bars:
        for r in bar.rects:
            assert drawing.left <= r.x and r.x + r.width <= drawing.right
    assert [label for _, label in drawing.ticks] == ["2020", "2021", "2022"]


def test_tick_labels_stay_inside_the_picture() -> None:
    cov = chart.coverage([dates("2023-01", "2024-12")])
    drawing = chart.draw(cov, lambda p: "janvier 2023" if p.month == 1 else "décembre 2024")
    for x, label in drawing.ticks:
        half = len(label) * chart.CHAR_WIDTH // 2
        assert half <= x <= drawing.width - half


def test_the_same_counts_give_the_same_drawing() -> None:
    def made() -> chart.Drawing:
        return chart.draw(chart.coverage([dates("2003", "2011-12", "2024-03-15")]), lambda p: str(p.year))

    assert made() == made()
    assert all(isinstance(v, int) for bar in made().bars for r in bar.rects for v in (r.x, r.y, r.width, r.height))
