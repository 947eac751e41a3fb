from __future__ import annotations

from dossier.model import PartialDate
from dossier.publish import eras

P = PartialDate.parse


def rows(*items: str) -> list[tuple[PartialDate, PartialDate | None]]:
    """``"2003-03-20..2011-12-18"`` is a span, ``"2006"`` an entry."""
    made: list[tuple[PartialDate, PartialDate | None]] = []
    for item in items:
        start, _, end = item.partition("..")
        made.append((P(start), P(end) if end else None))
    return made


def test_a_span_covers_the_rows_dated_up_to_its_end() -> None:
    found, marks = eras.layout(rows("2003-03-20..2011-12-18", "2003-03-20", "2006", "2011-12", "2011-12-18", "2014"))
    assert found == (eras.Era(row=0, first=0, last=4, lane=0),)
    assert [[(m.lane, m.start, m.end) for m in row] for row in marks] == [
        [(0, True, False)],
        [(0, False, False)],
        [(0, False, False)],
        [(0, False, False)],  # 2011-12 begins before the end
        [(0, False, True)],  # the end's own day
        [],
    ]


def test_coarser_dates_compare_by_their_first_day() -> None:
    assert eras.covers(P("2024-02"), P("2024-02-29"))
    assert eras.covers(P("2024"), P("2024-12-31"))
    assert eras.covers(P("2024-02-02"), P("2024-02"))  # February begins before the 2nd
    assert not eras.covers(P("2024-02"), P("2024-03"))


def test_a_span_covering_nothing_else_has_a_one_row_bar() -> None:
    found, marks = eras.layout(rows("2019..2019", "2020"))
    assert found == (eras.Era(0, 0, 0, 0),)
    assert marks[0] == (eras.Mark(0, 0, True, True),) and marks[1] == ()


def test_overlapping_spans_take_separate_lanes_and_free_ones_are_reused() -> None:
    found, marks = eras.layout(rows("2003..2011", "2005..2007", "2006", "2010..2012", "2012", "2014..2017", "2015"))
    assert [(e.row, e.last, e.lane) for e in found] == [(0, 3, 0), (1, 2, 1), (3, 4, 1), (5, 6, 0)]
    assert [m.lane for m in marks[3]] == [0, 1]  # sorted by lane
    assert eras.lanes(found) == 2


def test_past_the_last_lane_a_span_gets_no_bar() -> None:
    spans = [f"200{i}..2020" for i in range(eras.MAX_LANES + 1)]
    found, marks = eras.layout(rows(*spans, "2010"))
    assert [e.lane for e in found] == [*range(eras.MAX_LANES), -1]
    assert len(marks[-1]) == eras.MAX_LANES
    assert eras.lanes(found) == eras.MAX_LANES


def test_carried_spans_run_from_the_first_row() -> None:
    found, marks = eras.layout(rows("2012", "2013-06", "2014"), carried=[P("2013-06"), P("2011")])
    assert found == (eras.Era(-1, 0, 1, 0), eras.Era(-1, 0, -1, -1))  # the second one ended before the page
    assert marks[0] == (eras.Mark(0, 0, True, False),) and marks[1] == (eras.Mark(0, 0, False, True),)
    assert marks[2] == ()


def test_no_rows() -> None:
    assert eras.layout([]) == ((), ())
    assert eras.lanes(()) == 0
