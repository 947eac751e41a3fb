from __future__ import annotations

import datetime as dt

import pytest

from dossier.model import PartialDate, Precision


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2014", PartialDate(2014), Precision.YEAR),
        ("2024-03", PartialDate(2024, 3), Precision.MONTH),
        ("2024-03-15", PartialDate(2024, 3, 15), Precision.DAY),
        ("2024-02-29", PartialDate(2024, 2, 29), Precision.DAY),
        (" 2003-03-20 ", PartialDate(2003, 3, 20), Precision.DAY),
    ],
)
def test_parse(text: str, expected: PartialDate, precision: Precision) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == expected
    assert parsed.precision is precision
    assert parsed.iso() == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13", "month 13 does not exist"),
        ("2024-00", "month 00 does not exist"),
        ("2024-02-30", "day 30 does not exist in 2024-02 (it has 29 days)"),
        ("2023-02-29", "day 29 does not exist in 2023-02 (it has 28 days)"),
        ("2024-3", "'2024-3' is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("24", "'24' is not a date"),
        ("mars 2024", "is not a date"),
        ("2024-03-05T10:00:00+01:00", "is not a date"),
        ("0000", "year 0 is out of range"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        PartialDate.parse(text)


def test_order_at_mixed_precision() -> None:
    dates = [PartialDate.parse(t) for t in ["2024-03-15", "2014", "2024", "2024-03", "2003-03-20", "2024-01"]]
    assert [d.iso() for d in sorted(dates)] == ["2003-03-20", "2014", "2024", "2024-01", "2024-03", "2024-03-15"]


def test_bounds() -> None:
    assert PartialDate(2024, 2).first_day() == dt.date(2024, 2, 1)
    assert PartialDate(2024, 2).last_day() == dt.date(2024, 2, 29)
    assert PartialDate(2011).last_day() == dt.date(2011, 12, 31)
    assert PartialDate(2011, 12, 18).last_day() == dt.date(2011, 12, 18)
