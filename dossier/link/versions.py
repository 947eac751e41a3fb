"""What changed between the versions of a dispatch: the words added and removed, seed to seed.

A new version of a dispatch is a new seed file; an updated article names its earlier seeds
(``earlier_seeds``, oldest first). Each version is compared with the next, paragraph by
paragraph first (an unchanged paragraph costs nothing), then word by word inside the
paragraphs that changed. The changes are shown as short excerpts, each with a few words of
context around it, never the whole text twice; a very long change is cut, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import pairwise

from dossier.model import PartialDate
from dossier.source.seeds import Seed

CONTEXT = 6  # unchanged words shown on each side of a change
MAX_SHOWN = 400  # changed words shown per version; past them, the change is cut
MAX_ALIGNED = 5000  # words of a changed passage compared word by word; past them, shown removed and added whole
SAME, REMOVED, ADDED = "same", "removed", "added"
_BREAK = "\n"  # a paragraph break among the words: it aligns paragraphs, and is never shown


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME (context), REMOVED or ADDED
    text: str  # words, separated by single spaces


@dataclass(frozen=True)
class Excerpt:
    """A changed passage with its context: ``starts``/``ends`` say that it reaches the text's
    start or end (nothing left out before or after it)."""

    pieces: tuple[Piece, ...]
    starts: bool
    ends: bool


@dataclass(frozen=True)
class Change:
    """One version compared with the one before it."""

    seed: str  # the version's seed file
    date: PartialDate  # the version's date (its seed's date header)
    previous: PartialDate  # the date of the version before it
    added: int  # words added
    removed: int  # words removed
    excerpts: tuple[Excerpt, ...]
    cut: bool  # more words changed than the excerpts show (:data:`MAX_SHOWN`)


@dataclass(frozen=True)
class Versions:
    """An article's versions: the date of the current one, and each change, newest first."""

    updated: PartialDate
    changes: tuple[Change, ...]


Segment = tuple[str, list[str]]  # a kind and its words


def history(chain: Sequence[Seed]) -> Versions:
    """The versions of a text whose seeds are ``chain``, oldest first (the current one last)."""
    changes = tuple(compare(old, new) for old, new in pairwise(chain))
    return Versions(chain[-1].date, changes[::-1])


def compare(old: Seed, new: Seed) -> Change:
    """What changed from ``old`` to ``new``: the words added and removed, and excerpts."""
    segments = segments_of(old, new)
    added = sum(len(words) for kind, words in segments if kind == ADDED)
    removed = sum(len(words) for kind, words in segments if kind == REMOVED)
    excerpts, cut = capped(excerpts_of(segments))
    return Change(new.path, new.date, old.date, added, removed, excerpts, cut)


def _words(seed: Seed) -> list[list[str]]:
    return [paragraph.text.split() for paragraph in seed.paragraphs]


def _joined(paragraphs: Sequence[list[str]]) -> list[str]:
    words: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            words.append(_BREAK)
        words.extend(paragraph)
    return words


def segments_of(old: Seed, new: Seed) -> list[Segment]:
    """The two texts as runs of words, in reading order: unchanged, removed and added."""
    a, b = _words(old), _words(new)
    by_paragraph = SequenceMatcher(None, [" ".join(p) for p in a], [" ".join(p) for p in b], autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in by_paragraph.get_opcodes():
        left, right = _joined(a[i1:i2]), _joined(b[j1:j2])
        if tag == "equal":
            segments.append((SAME, left))
        elif len(left) > MAX_ALIGNED or len(right) > MAX_ALIGNED:
            segments += [(REMOVED, left), (ADDED, right)]
        else:
            segments += _by_word(left, right)
    return _merged(segments)


def _by_word(left: list[str], right: list[str]) -> list[Segment]:
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append((SAME, left[i1:i2]))
            continue
        segments += [(REMOVED, left[i1:i2]), (ADDED, right[j1:j2])]
    return segments


def _merged(segments: list[Segment]) -> list[Segment]:
    """``segments`` without paragraph breaks and empty runs, neighbours of one kind joined."""
    out: list[Segment] = []
    for kind, words in segments:
        shown = [w for w in words if w != _BREAK]
        if not shown:
            continue
        if out and out[-1][0] == kind:
            out[-1][1].extend(shown)
        else:
            out.append((kind, shown))
    return out


class _Excerpts:
    """Excerpts made as the segments are read: the pieces of the one being made, and where it starts."""

    def __init__(self) -> None:
        self.made: list[Excerpt] = []
        self.pieces: list[Piece] = []
        self.starts = True

    def unchanged(self, words: list[str], opening: bool, closing: bool) -> None:
        """Unchanged words: the context of the changes around them, or a gap between two excerpts."""
        if not opening and not closing and len(words) <= 2 * CONTEXT:
            self.pieces.append(Piece(SAME, " ".join(words)))
            return
        if not opening:  # the context after the changes gathered so far
            self.pieces.append(Piece(SAME, " ".join(words[:CONTEXT])))
            self.made.append(Excerpt(tuple(self.pieces), self.starts, closing and len(words) <= CONTEXT))
        self.pieces = [] if closing else [Piece(SAME, " ".join(words[-CONTEXT:]))]  # the context before the next
        self.starts = opening and len(words) <= CONTEXT

    def end(self) -> list[Excerpt]:
        if any(p.kind != SAME for p in self.pieces):  # the text ends with a change
            self.made.append(Excerpt(tuple(self.pieces), self.starts, True))
        return self.made


def excerpts_of(segments: Sequence[Segment]) -> list[Excerpt]:
    """Each change with :data:`CONTEXT` words around it; changes closer than twice that share an excerpt."""
    excerpts = _Excerpts()
    last = len(segments) - 1
    for index, (kind, words) in enumerate(segments):
        if kind == SAME:
            excerpts.unchanged(words, index == 0, index == last)
        else:
            excerpts.pieces.append(Piece(kind, " ".join(words)))
    return excerpts.end()


def capped(excerpts: Sequence[Excerpt], limit: int = MAX_SHOWN) -> tuple[tuple[Excerpt, ...], bool]:
    """The excerpts that show at most ``limit`` changed words (a longer run is cut with "…"),
    and whether anything was left out."""
    shown: list[Excerpt] = []
    budget = limit
    for excerpt in excerpts:
        if budget <= 0:
            return tuple(shown), True
        pieces: list[Piece] = []
        for piece in excerpt.pieces:
            words = piece.text.split(" ")
            if piece.kind != SAME and len(words) > budget:
                pieces.append(Piece(piece.kind, (" ".join(words[:budget]) + " …").lstrip()))
                shown.append(Excerpt(tuple(pieces), excerpt.starts, False))
                return tuple(shown), True
            budget -= 0 if piece.kind == SAME else len(words)
            pieces.append(piece)
        shown.append(replace(excerpt, pieces=tuple(pieces)))
    return tuple(shown), False
