"""Anchor notes to their passages (W3C TextQuoteSelector semantics), report missing or
ambiguous anchors, and mark the passages in the article's HTML."""

from __future__ import annotations

import difflib
import itertools
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import htmltext
from .errors import Diagnostic
from .folding import Folded, fold, fold_text
from .htmltext import TextMap, Wrap, normalize_space
from .model import Annotation


@dataclass(frozen=True)
class Anchored:
    """A note placed in its article: its number (reading order) and its passage's text range."""

    note: Annotation
    number: int
    start: int
    end: int
    block: int  # the top-level block of the article in which the passage starts


@dataclass(frozen=True)
class Block:
    html: str
    notes: tuple[int, ...]  # numbers of the notes whose passage starts in this block


@dataclass(frozen=True)
class AnchoredArticle:
    """An article's marked HTML, cut into its top-level blocks, with its numbered notes.

    The blocks are kept as one string and where each ends (packed): a build's memory holds
    thousands of articles, and two objects an article load much faster than a few dozen.
    """

    html: str  # the HTML of every block, one after the other
    ends: bytes  # where each block ends in ``html`` (unsigned 32-bit, native order)
    notes: tuple[Anchored, ...]
    text: str  # the article's whitespace-normalized text (empty without notes: see :func:`unannotated`)

    @classmethod
    def of(cls, pieces: Sequence[str], notes: tuple[Anchored, ...] = (), text: str = "") -> AnchoredArticle:
        ends = array("I", itertools.accumulate(map(len, pieces)))
        return cls("".join(pieces), ends.tobytes(), notes, text)

    @property
    def blocks(self) -> tuple[Block, ...]:
        by_block: dict[int, list[int]] = {}
        for a in self.notes:
            by_block.setdefault(a.block, []).append(a.number)
        ends = array("I")
        ends.frombytes(self.ends)
        html = self.html
        spans = itertools.pairwise(itertools.chain((0,), ends))
        return tuple(Block(html[start:end], tuple(by_block.get(i, ()))) for i, (start, end) in enumerate(spans))


HINT_WORDS = 5_000_000
"""How many words, summed over notes whose quote is not found, are searched for a hint."""


def occurrences(text: str, needle: str) -> list[int]:
    found = []
    start = text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


class Finder:
    """Finds many quotes in one text: with many notes, through an index of its K-grams.

    Scanning the whole text once per note is quadratic (10,000 notes on a long article);
    past :attr:`THRESHOLD` notes, every run of ``K`` characters is indexed once instead, and
    a needle is looked for from its rarest run.
    """

    K = 6
    THRESHOLD = 500

    def __init__(self, text: str, notes: int = 0) -> None:
        self.text = text
        self._index: dict[str, list[int]] | None = None
        if notes >= self.THRESHOLD:
            index: dict[str, list[int]] = {}
            for start in range(len(text) - self.K + 1):
                index.setdefault(text[start : start + self.K], []).append(start)
            self._index = index

    def __call__(self, needle: str) -> list[int]:
        if self._index is None or len(needle) < self.K:
            return occurrences(self.text, needle)
        # Candidates from the needle's rarest K-gram, then checked in full.
        best: list[int] = []
        shift = 0
        for offset in range(len(needle) - self.K + 1):
            starts = self._index.get(needle[offset : offset + self.K])
            if starts is None:
                return []
            if offset == 0 or len(starts) < len(best):
                best, shift = starts, offset
        return [s - shift for s in best if s >= shift and self.text.startswith(needle, s - shift)]


Span = tuple[int, int]
"""A passage's range in the article's text: [start, end)."""

SHOWN = 10
"""How many occurrences of an ambiguous quote a hint shows."""


class Locator:
    """Finds quotes in one article's text: as written first, else as typed (see :mod:`.folding`).

    An exact match always wins: the folded text is searched only for a quote (with its
    prefix/suffix) that is not in the text as written, so folding never makes an exactly unique
    passage ambiguous. The folded text and its index are made once, at the first such quote.
    """

    def __init__(self, text: str, notes: int = 0, find: Callable[[str], list[int]] | None = None) -> None:
        self.text = text
        self.notes = notes
        self.find = find or Finder(text, notes)
        self._folded: tuple[Folded, Finder] | None = None

    def folded(self, notes: int | None = None) -> tuple[Folded, Finder]:
        """The folded text and its finder (indexed when ``notes``, default all, are many)."""
        if self._folded is None:
            folded = fold(self.text)
            self._folded = folded, Finder(folded.text, self.notes if notes is None else notes)
        return self._folded

    def exact(self, quote: str, prefix: str = "", suffix: str = "") -> list[Span]:
        """The passages that are ``quote`` as written, between ``prefix`` and ``suffix``."""
        quote, prefix, suffix = normalize_space(quote), normalize_space(prefix), normalize_space(suffix)
        if not quote:
            return []
        text, length = self.text, len(quote)
        return [
            (s, s + length)
            for s in _fitting(text, self.find(quote), length, prefix, suffix)
            if not _cuts(text, s) and not _cuts(text, s + length)
        ]

    def typed(self, quote: str, prefix: str = "", suffix: str = "") -> list[Span]:
        """The passages that are ``quote`` once both are folded, between ``prefix`` and ``suffix``."""
        quote = fold_text(normalize_space(quote))
        if not quote:
            return []
        folded, find = self.folded()
        prefix, suffix = fold_text(normalize_space(prefix)), fold_text(normalize_space(suffix))
        spans = (
            folded.source_span(s, s + len(quote))
            for s in _fitting(folded.text, find(quote), len(quote), prefix, suffix)
        )
        return [span for span in spans if span is not None]

    def spans(self, quote: str, prefix: str = "", suffix: str = "") -> list[Span]:
        """The passages of ``quote`` between ``prefix`` and ``suffix``: as written, else as typed."""
        return self.exact(quote, prefix, suffix) or self.typed(quote, prefix, suffix)


def _cuts(text: str, position: int) -> bool:
    """Whether ``position`` is between a letter and its accent (``e`` + U+0301)."""
    return position < len(text) and unicodedata.combining(text[position]) != 0


def _fitting(text: str, starts: list[int], length: int, prefix: str, suffix: str) -> list[int]:
    """The ``starts`` of a needle of ``length`` in ``text`` that fit ``prefix`` and ``suffix``."""
    if not prefix and not suffix:
        return starts
    # The text is normalized (single spaces), so a window one character wider than the
    # prefix or suffix is enough: no copy of the whole text per occurrence.
    found = []
    for start in starts:
        end = start + length
        before = text[max(start - len(prefix) - 1, 0) : start].rstrip()
        after = text[end : end + len(suffix) + 1].lstrip()
        if before.endswith(prefix) and after.startswith(suffix):
            found.append(start)
    return found


def locate(
    text: str, quote: str, prefix: str = "", suffix: str = "", find: Callable[[str], list[int]] | None = None
) -> list[int]:
    """Start offsets in ``text`` of the passages of ``quote`` that fit ``prefix`` and ``suffix``:
    as written, else as typed (see :class:`Locator`).

    ``find`` gives the offsets of a needle in ``text`` (default: a scan; see :class:`Finder`).
    """
    return [start for start, _ in Locator(text, find=find).spans(quote, prefix, suffix)]


def nearest_passage(text: str, quote: str) -> str:
    """The run of words of ``text`` most like ``quote``, for a hint."""
    words = text.split(" ")
    size = max(len(normalize_space(quote).split(" ")), 1)
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for index in range(0, max(len(words) - size + 1, 1)):
        window = " ".join(words[index : index + size])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best


def _context(text: str, start: int, end: int, words: int = 4) -> tuple[str, str]:
    """The words just before ``start`` and just after ``end`` (without copying the text)."""
    before = start
    for _ in range(words + 1):
        before = text.rfind(" ", 0, before)
        if before == -1:
            break
    after = end - 1
    for _ in range(words + 1):
        after = text.find(" ", after + 1)
        if after == -1:
            after = len(text)
            break
    return text[before + 1 : start].strip(), text[end:after].strip()


def _choices(text: str, spans: Sequence[Span]) -> str:
    """The contexts of the passages ``spans``, as prefixes or suffixes to choose one by."""
    contexts = [_context(text, start, end) for start, end in spans[:SHOWN]]
    shown = " / ".join(
        " or ".join([f'prefix "{before}"'] * bool(before) + [f'suffix "{after}"'] * bool(after))
        for before, after in contexts
    )
    return shown + (f"; {SHOWN} of {len(spans)} shown" if len(spans) > SHOWN else "")


def anchor(textmap: TextMap, notes: Sequence[Annotation]) -> tuple[AnchoredArticle, list[Diagnostic]]:
    """Find every note's passage in the article's text; mark the passages; number the notes."""
    text = textmap.text
    locator = Locator(text, len(notes))
    found = [locator.exact(note.quote, note.prefix, note.suffix) for note in notes]
    missing = [i for i, spans in enumerate(found) if not spans]
    if missing:  # as typed: one folded copy of the text for them all
        locator.folded(len(missing))
        for i in missing:
            found[i] = locator.typed(notes[i].quote, notes[i].prefix, notes[i].suffix)
    hint_budget = HINT_WORDS
    problems: list[Diagnostic] = []
    placed: list[tuple[int, int, Annotation]] = []
    for note, spans in zip(notes, found, strict=True):
        where = note.origin.at("quote")
        if not spans:
            alone = locator.spans(note.quote) if note.prefix or note.suffix else []
            if alone:
                times = "once" if len(alone) == 1 else f"{len(alone)} times"
                problems.append(
                    Diagnostic(
                        where,
                        f"quote not found with this prefix/suffix in article '{note.article}'",
                        f"without them it is found {times}: {_choices(text, alone)}",
                    )
                )
                continue
            nearest = ""
            if hint_budget > 0:  # each hint scans the whole text: bounded for huge articles
                hint_budget -= text.count(" ") + 1
                nearest = nearest_passage(text, normalize_space(note.quote))
            message = f"quote not found in article '{note.article}'"
            problems.append(Diagnostic(where, message, f'nearest passage: "{nearest}"' if nearest else ""))
            continue
        if len(spans) > 1:
            hint = "add a prefix or suffix to choose one: " + _choices(text, spans)
            problems.append(Diagnostic(where, f"quote found {len(spans)} times in article '{note.article}'", hint))
            continue
        start, end = spans[0]
        placed.append((start, end, note))
    placed.sort(key=lambda item: (item[0], item[1], item[2].slug))
    kept: list[tuple[int, int, Annotation]] = []
    for start, end, note in placed:
        if kept and start < kept[-1][1]:
            other = kept[-1][2]
            problems.append(
                Diagnostic(
                    note.origin.at("quote"),
                    f"passage overlaps the passage of note '{other.slug}' ({other.origin.path})",
                    "anchor the two notes to passages that do not overlap",
                )
            )
            continue
        kept.append((start, end, note))
    anchored = tuple(
        Anchored(note, number, start, end, _block_at(textmap, start))
        for number, (start, end, note) in enumerate(kept, start=1)
    )
    return AnchoredArticle.of(_mark(textmap, anchored), anchored, text), problems


def _block_at(textmap: TextMap, position: int) -> int:
    return textmap.block_of[textmap.units[position].token]


def _mark(textmap: TextMap, notes: Sequence[Anchored]) -> list[str]:
    """The HTML of each top-level block, with the notes' passages marked."""
    wraps = [
        Wrap(
            a.start,
            a.end,
            open=f'<mark class="passage" data-note="{a.number}">',
            close="</mark>",
            first=f'<mark class="passage" id="passage-{a.number}" data-note="{a.number}">',
            after=f'<a class="note-ref" href="#note-{a.number}" aria-describedby="note-{a.number}">{a.number}</a>',
        )
        for a in notes
    ]
    return textmap.structure.block_html(htmltext.apply(textmap, wraps))


def unannotated(html: str) -> AnchoredArticle:
    """An article without notes: its blocks as they are. Its text is not worked out (no
    passage to find or quote in it): ``text`` is empty."""
    return AnchoredArticle.of(htmltext.structure(html).block_html())
