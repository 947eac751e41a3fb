"""The frozen domain types and :class:`PartialDate`. No I/O here."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from dossier.errors import Location

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision(IntEnum):
    YEAR = 1
    MONTH = 2
    DAY = 3


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Ordering is total: missing parts count as 0, so ``2024 < 2024-01 < 2024-01-01``.
    """

    year: int
    month: int = 0
    day: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range 0001-9999")
        if self.day and not self.month:
            raise ValueError("a day needs a month")
        if self.month and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month:02d} does not exist")
        if self.day:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(
                    f"day {self.day:02d} does not exist in {self.year}-{self.month:02d} (it has {last} days)"
                )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _DATE_RE.match(text.strip())
        if not match:
            raise ValueError(f"'{text}' is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        if month == "00":
            raise ValueError("month 00 does not exist")
        if day == "00":
            raise ValueError(f"day 00 does not exist in {year}-{month}")
        return cls(int(year), int(month or 0), int(day or 0))

    @property
    def precision(self) -> Precision:
        if self.day:
            return Precision.DAY
        return Precision.MONTH if self.month else Precision.YEAR

    def iso(self) -> str:
        """The date at its own precision: ``2024``, ``2024-03`` or ``2024-03-15``."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.iso()


Lines = tuple[tuple[str, ...], tuple[int, ...]]  # field names, and the line of each
_LINES: dict[Lines, Lines] = {}  # one value for every record with the same fields on the same lines


def frozen_map(values: Mapping[str, int] | None = None) -> Lines:
    """Field lines as a hashable value, so that records can key caches.

    Files written from one template give the same value over and over: it is made once (a
    build's memory holds, saves and loads one object where it would hold thousands)."""
    items = sorted((values or {}).items())
    lines = (tuple(name for name, _ in items), tuple(line for _, line in items))
    return _LINES.setdefault(lines, lines)


@dataclass(frozen=True)
class Origin:
    """Where a record came from: its file, the line of each front-matter field, its body."""

    path: str
    lines: Lines = ((), ())
    body_line: int = 1

    def at(self, name: str = "") -> Location:
        """The location of field ``name`` (or of the file's first line)."""
        names, lines = self.lines
        return Location(self.path, lines[names.index(name)] if name in names else 1)

    def body(self) -> Location:
        return Location(self.path, self.body_line)


@dataclass(frozen=True)
class EarlierSeed:
    """An earlier version of an article's text: the seed file it was imported from and the
    SHA-256 of that file's bytes (``earlier_seeds: [{seed: ..., sha256: ...}]``)."""

    seed: str
    sha256: str


@dataclass(frozen=True)
class ImageRef:
    """An image named in front matter (an article's ``image``, an event's ``media``, a topic's
    ``image``): its path from the file, as written, its text for who cannot see it, and an
    optional caption and credit, shown with it."""

    src: str
    alt: str
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: PartialDate
    body: str
    origin: Origin
    topics: tuple[str, ...] = ()
    source: str = ""
    summary: str = ""
    seed: str = ""
    seed_sha256: str = ""
    draft: bool = False
    earlier_seeds: tuple[EarlierSeed, ...] = ()  # the text's earlier versions, oldest first
    lang: str = ""  # its language when not the site's (a BCP 47 tag)
    aliases: tuple[str, ...] = ()  # its former site paths (``/articles/old-slug/``), each a redirect page
    image: ImageRef | None = None  # shown at the top of the page, and its image for social sites


NOTE_KINDS = ("contexte", "définition", "chiffre", "vérification", "correction")


@dataclass(frozen=True)
class Annotation:
    slug: str
    article: str
    quote: str
    kind: str
    body: str
    origin: Origin
    prefix: str = ""
    suffix: str = ""
    topics: tuple[str, ...] = ()
    lang: str = ""  # its language when not the site's
    date: PartialDate | None = None  # when the note was written (its annotation's ``created``), if given


@dataclass(frozen=True)
class Event:
    slug: str
    title: str
    date: PartialDate
    body: str
    origin: Origin
    end: PartialDate | None = None
    topics: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    lang: str = ""  # its language when not the site's
    media: ImageRef | None = None

    @property
    def is_span(self) -> bool:
        return self.end is not None


@dataclass(frozen=True)
class Keywords:
    """The words that suggest a topic on import: for every language, and per language."""

    common: tuple[str, ...] = ()
    by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("en", ("Iraq", ...)), in the order written

    def words(self, language: str | None = None) -> tuple[str, ...]:
        """The common keywords and those of ``language``; of every language when it is None."""
        found = list(self.common)
        for lang, words in self.by_language:
            if language is None or lang == language:
                found.extend(w for w in words if w not in found)
        return tuple(found)


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    body: str
    origin: Origin
    keywords: Keywords = Keywords()
    lang: str = ""  # its label's and intro's language when not the site's
    aliases: tuple[str, ...] = ()  # its former site paths, each a redirect page
    image: ImageRef | None = None


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: str
    origin: Origin
    summary: str = ""
    menu: int = 0
    draft: bool = False
    lang: str = ""  # its language when not the site's
    aliases: tuple[str, ...] = ()  # its former site paths, each a redirect page


Record = Article | Annotation | Event | Topic | Page
