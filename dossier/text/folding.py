"""Quotes as editors type them: a folded copy of a text, and the way back to its own characters.

Folding gives one form to what an article prints and what an editor's keyboard makes of it:

- typographic apostrophes (U+2019 and its kin) are ``'``; double quotes (``« »``, U+201C and
  its kin) are ``"``;
- a space after ``«``, or before ``» ; : ! ?``, is dropped (French typography puts a no-break
  space there, which an editor seldom types; no-break spaces are already plain spaces in the
  whitespace-normalized text, see :func:`dossier.link.htmltext.normalize_space`);
- soft hyphens (U+00AD) are dropped;
- the text is in Unicode normalization form NFC (``é`` typed as ``e`` + U+0301 is ``é``).

A match in the folded text is mapped back to the text's own characters with
:meth:`Folded.source_span`, which refuses a match that would cut one of them in two (a letter
from its accent). Folding is linear in the text's length; mapping back is logarithmic.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass

_APOSTROPHES = "\u2018\u2019\u201a\u201b\u02bc"  # left, right, low, reversed; modifier letter apostrophe
_DOUBLE_QUOTES = "\u00ab\u00bb\u201c\u201d\u201e\u201f"  # guillemets; left, right, low, reversed
_QUOTES = str.maketrans({**dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_DOUBLE_QUOTES, '"')})
_SOFT_HYPHEN = "\xad"
_DROPPED = re.compile(r"\xad|\s(?=[\u00bb!?;:])|(?<=\u00ab)\s")  # before the quotes are folded
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Folded:
    """A text's folded copy, cut into runs that say where each piece comes from.

    Run ``i`` starts at ``folded[i]`` in :attr:`text` and at ``source[i]`` in the text. A run
    with ``source_end[i] == -1`` is copied character for character; any other run is one group
    of the text's characters, ``[source[i], source_end[i])``, folded as a whole (a letter and
    its accents), which a match must take whole. What folding drops lies between runs.
    """

    text: str
    folded: array[int]
    source: array[int]
    source_end: array[int]

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The text's range for the folded range ``[start, end)`` (not empty), or None when a
        bound falls inside a group of characters folded as a whole."""
        runs = self.folded
        run = bisect_right(runs, start) - 1
        if self.source_end[run] < 0:
            first = self.source[run] + start - runs[run]
        elif start == runs[run]:
            first = self.source[run]
        else:
            return None
        run = bisect_right(runs, end - 1) - 1
        if self.source_end[run] < 0:
            last = self.source[run] + end - runs[run]
        elif end == (runs[run + 1] if run + 1 < len(runs) else len(self.text)):
            last = self.source_end[run]
        else:
            return None
        return first, last


def fold_text(text: str) -> str:
    """The folded form of ``text`` (of a quote, a prefix, a suffix)."""
    return fold(text).text


def fold(text: str) -> Folded:
    """``text`` folded, with the way back (see :class:`Folded`)."""
    translated = text.translate(_QUOTES)  # one character for one: offsets unchanged
    if unicodedata.is_normalized("NFC", translated.replace(_SOFT_HYPHEN, "")):
        words: list[tuple[int, int, int]] = []
    else:  # a word at a time: NFC never joins characters across a space
        words = [
            (m.start(), 0, m.end())  # before a soft hyphen at the same place: the word takes it
            for m in _WORD.finditer(translated)
            if not unicodedata.is_normalized("NFC", m.group().replace(_SOFT_HYPHEN, ""))
        ]
    dropped = ((m.start(), 1, m.end()) for m in _DROPPED.finditer(text))
    runs = _Runs(translated)
    position = 0
    for start, dropping, end in heapq.merge(words, dropped):
        if start < position:  # a soft hyphen inside a word folded as a whole
            continue
        runs.copy(position, start)
        if not dropping:
            runs.word(start, end)
        position = end
    runs.copy(position, len(translated))
    return runs.folded()


class _Runs:
    """Builds a :class:`Folded`, one piece of the text after the other."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pieces: list[str] = []
        self.length = 0
        self.folded_at = array("q")
        self.source_at = array("q")
        self.source_end = array("q")

    def _run(self, start: int, end: int, piece: str, whole: bool) -> None:
        if not piece:
            return
        self.folded_at.append(self.length)
        self.source_at.append(start)
        self.source_end.append(end if whole else -1)
        self.pieces.append(piece)
        self.length += len(piece)

    def copy(self, start: int, end: int) -> None:
        if start < end:
            self._run(start, end, self.text[start:end], whole=False)

    def word(self, start: int, end: int) -> None:
        """A word that is not in NFC: each letter with its accents folded as one group."""
        text = self.text
        bounds = [start]
        bounds += [i for i in range(start + 1, end) if not unicodedata.combining(text[i])]
        bounds.append(end)
        pieces = [_nfc(text[a:b]) for a, b in itertools.pairwise(bounds)]
        whole = _nfc(text[start:end])
        if "".join(pieces) != whole:  # a composition across letters (Hangul jamo...): the word is one group
            self._run(start, end, whole, whole=True)
            return
        for (a, b), piece in zip(itertools.pairwise(bounds), pieces, strict=True):
            self._run(a, b, piece, whole=True)

    def folded(self) -> Folded:
        return Folded("".join(self.pieces), self.folded_at, self.source_at, self.source_end)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace(_SOFT_HYPHEN, ""))
