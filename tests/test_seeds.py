from __future__ import annotations

import pytest

from dossier.model import PartialDate
from dossier.source.seeds import parse


@pytest.mark.parametrize(
    "raw",
    [
        " date 2024-03 Premier paragraphe.\n\nSecond.",
        "date 2024-03\nPremier paragraphe.\n\nSecond.\n",
        "\n\ndate: 2024-03\n\nPremier paragraphe.\n\nSecond.\n",
        "Date: 2024-03   Premier paragraphe.\r\n\r\nSecond.\r\n",
    ],
)
def test_date_header_forms(raw: str) -> None:
    seed, problems = parse("seeds/s.txt", raw.encode())
    assert problems == []
    assert seed is not None
    assert seed.date == PartialDate(2024, 3)
    assert [p.text for p in seed.paragraphs] == ["Premier paragraphe.", "Second."]


def test_paragraph_lines() -> None:
    seed, _ = parse("s.txt", b"date 2024\n\nUn\ndeux\n\n\nTrois\n")
    assert seed is not None
    assert [(p.line, p.text) for p in seed.paragraphs] == [(3, "Un\ndeux"), (7, "Trois")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "seeds/s.txt:1: error: empty seed"),
        (b"\n  \n", "seeds/s.txt:1: error: empty seed"),
        (b"\nLes discussions.\n", "seeds/s.txt:2: error: no date header"),
        (b"date 2024-13 Texte.", "seeds/s.txt:1: error: bad date header: month 13 does not exist"),
        (b"date 2024-03\n", "seeds/s.txt:1: error: the seed has a date but no text"),
        (b"date 2024\nTexte \xe9t\xe9.\n", "seeds/s.txt:2: error: file is not UTF-8"),
    ],
)
def test_bad_seeds(raw: bytes, expected: str) -> None:
    seed, problems = parse("seeds/s.txt", raw)
    assert seed is None
    assert problems[0].format().startswith(expected)
