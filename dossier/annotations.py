"""Anchor notes to their passages (W3C TextQuoteSelector semantics), report missing or
ambiguous anchors, and mark the passages in the article's HTML."""

from __future__ import annotations

import difflib
import itertools
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import htmltext
from .errors import Diagnostic
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


def locate(
    text: str, quote: str, prefix: str = "", suffix: str = "", find: Callable[[str], list[int]] | None = None
) -> list[int]:
    """Start offsets of ``quote`` in ``text`` that fit ``prefix`` and ``suffix``.

    ``find`` gives the offsets of a needle in ``text`` (default: a scan; see :class:`Finder`).
    """
    quote, prefix, suffix = normalize_space(quote), normalize_space(prefix), normalize_space(suffix)
    if not quote:
        return []
    # The text is normalized (single spaces), so a window one character wider than the
    # prefix or suffix is enough: no copy of the whole text per occurrence.
    found = []
    for start in (find or Finder(text))(quote):
        end = start + len(quote)
        before = text[max(start - len(prefix) - 1, 0) : start].rstrip()
        after = text[end : end + len(suffix) + 1].lstrip()
        if before.endswith(prefix) and after.startswith(suffix):
            found.append(start)
    return found


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
    before = " ".join(text[:start].split(" ")[-words - 1 :]).strip()
    after = " ".join(text[end:].split(" ")[: words + 1]).strip()
    return before, after


def anchor(textmap: TextMap, notes: Sequence[Annotation]) -> tuple[AnchoredArticle, list[Diagnostic]]:
    """Find every note's passage in the article's text; mark the passages; number the notes."""
    text = textmap.text
    find = Finder(text, len(notes))
    hint_budget = HINT_WORDS
    problems: list[Diagnostic] = []
    placed: list[tuple[int, int, Annotation]] = []
    for note in notes:
        where = note.origin.at("quote")
        starts = locate(text, note.quote, note.prefix, note.suffix, find)
        if not starts:
            if (note.prefix or note.suffix) and locate(text, note.quote, find=find):
                message = f"quote not found with this prefix/suffix in article '{note.article}'"
            else:
                message = f"quote not found in article '{note.article}'"
            nearest = ""
            if hint_budget > 0:  # each hint scans the whole text: bounded for huge articles
                hint_budget -= text.count(" ") + 1
                nearest = nearest_passage(text, normalize_space(note.quote))
            problems.append(Diagnostic(where, message, f'nearest passage: "{nearest}"' if nearest else ""))
            continue
        if len(starts) > 1:
            length = len(normalize_space(note.quote))
            contexts = [_context(text, s, s + length) for s in starts[:2]]
            hint = "add a prefix or suffix to choose one: " + " / ".join(
                f'prefix "{before}" or suffix "{after}"' for before, after in contexts
            )
            problems.append(Diagnostic(where, f"quote found {len(starts)} times in article '{note.article}'", hint))
            continue
        placed.append((starts[0], starts[0] + len(normalize_space(note.quote)), note))
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
