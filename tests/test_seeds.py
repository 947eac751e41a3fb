from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dossier.model import Article, EarlierSeed, Origin, PartialDate, frozen_map
from dossier.source.seeds import for_articles, named, parse

EMPTY = " (hint: a seed is the dispatch as received: its date header ('date 2024-03'), then its text)"
DATE = " (hint: write the dispatch's date as YYYY, YYYY-MM or YYYY-MM-DD ('date 2024-03-06'))"


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
        (b"", "seeds/s.txt:1: error: empty seed" + EMPTY),
        (b"\n  \n", "seeds/s.txt:1: error: empty seed" + EMPTY),
        (b"\nLes discussions.\n", "seeds/s.txt:2: error: no date header"),
        (b"date 2024-13 Texte.", "seeds/s.txt:1: error: bad date header: month 13 does not exist" + DATE),
        (b"date 2024-03\n", "seeds/s.txt:1: error: the seed has a date but no text"),
        (b"date 2024\nTexte \xe9t\xe9.\n", "seeds/s.txt:2: error: file is not UTF-8"),
    ],
)
def test_bad_seeds(raw: bytes, expected: str) -> None:
    seed, problems = parse("seeds/s.txt", raw)
    assert seed is None
    assert problems[0].format().startswith(expected)


def test_the_date_header_line_is_kept() -> None:
    seed, _ = parse("s.txt", b"\n\ndate 2024-03-06\nTexte.\n")
    assert seed is not None and seed.date_line == 3


def test_an_article_names_its_seed_then_its_earlier_ones(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "v2.txt").write_text("date 2024-03-06\nTexte.\n", encoding="utf-8")
    origin = Origin("content/articles/a.md", frozen_map({"seed": 4, "earlier_seeds": 6}))
    earlier = (EarlierSeed("seeds/v1.txt", "ab"), EarlierSeed("seeds/v2.txt", "cd"))
    article = Article("a", "A", PartialDate(2024), "Texte.", origin, seed="seeds/v3.txt", earlier_seeds=earlier)
    assert [(n.path, n.where.line, n.earlier) for n in named(article)] == [
        ("seeds/v3.txt", 4, False),
        ("seeds/v1.txt", 6, True),
        ("seeds/v2.txt", 6, True),
    ]
    found, problems = for_articles(tmp_path, [article])
    assert list(found) == ["seeds/v2.txt"]
    assert [d.format().split(" (hint: ")[0] for d in problems] == [
        "content/articles/a.md:4: error: seed 'seeds/v3.txt' does not exist",
        "content/articles/a.md:6: error: earlier seed 'seeds/v1.txt' does not exist",
    ]
    assert named(replace(article, seed="")) == ()
