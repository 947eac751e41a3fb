"""What changed between the versions of a dispatch: the words added and removed, seed to seed.

A new version of a dispatch is a new seed file; an updated article names its earlier seeds
(``earlier_seeds``, oldest first). Each version is compared with the next, paragraph by
paragraph first (an unchanged paragraph costs nothing). Among the paragraphs that changed, a
new paragraph like an old one (half its words at least) is that paragraph edited, compared
word by word; the others were added or removed whole. The changes are shown as short
excerpts, each inside one paragraph: the words changed in a paragraph with a few words of
its context, or a paragraph added or removed, whole. Never the whole text twice; a very long
change is cut, and says so.
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
MAX_ALIGNED = 5000  # words of a paragraph compared word by word; past them, shown removed and added whole
LIKE = 0.5  # a new paragraph is an old one edited when this share of their words is common to both
MAX_PAIRED = 400  # paragraph pairs weighed in one changed passage; past them, paragraphs are added and removed whole
SAME, REMOVED, ADDED = "same", "removed", "added"


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME (context), REMOVED or ADDED
    text: str  # words, separated by single spaces


@dataclass(frozen=True)
class Excerpt:
    """A changed passage with its context, inside one paragraph: ``starts``/``ends`` say that it
    reaches the paragraph's start or end (nothing left out before or after it). ``paragraph``:
    SAME when words changed in a paragraph both versions have, ADDED or REMOVED when the
    whole paragraph is new or was taken out (its one piece is the paragraph)."""

    pieces: tuple[Piece, ...]
    starts: bool
    ends: bool
    paragraph: str = SAME


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
    added = removed = 0
    found: list[Excerpt] = []
    for left, right in changed_paragraphs(_words(old), _words(new)):
        segments = _edited(left, right) if left and right else [(REMOVED, left), (ADDED, right)]
        added += sum(len(words) for kind, words in segments if kind == ADDED)
        removed += sum(len(words) for kind, words in segments if kind == REMOVED)
        found += excerpts_of(segments) if left and right else [_whole(left, right)]
    excerpts, cut = capped(found)
    return Change(new.path, new.date, old.date, added, removed, excerpts, cut)


def _words(seed: Seed) -> list[list[str]]:
    return [paragraph.text.split() for paragraph in seed.paragraphs]


Pair = tuple[list[str], list[str]]  # a paragraph's words before and after; [] when it is new, or gone


def changed_paragraphs(a: list[list[str]], b: list[list[str]]) -> list[Pair]:
    """The paragraphs that changed from ``a`` to ``b``, in reading order: each new paragraph
    with the old one it edits, or alone (added); an old paragraph alone was removed."""
    by_paragraph = SequenceMatcher(None, [" ".join(p) for p in a], [" ".join(p) for p in b], autojunk=False)
    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in by_paragraph.get_opcodes():
        if tag != "equal":
            pairs += paired(a[i1:i2], b[j1:j2])
    return pairs


def likeness(left: list[str], right: list[str]) -> float:
    """The share of the words of two paragraphs common to both, when it makes them one paragraph edited, else 0."""
    if len(left) > MAX_ALIGNED or len(right) > MAX_ALIGNED:
        return 0.0
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < LIKE or matcher.quick_ratio() < LIKE:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= LIKE else 0.0


def paired(old: list[list[str]], new: list[list[str]]) -> list[Pair]:
    """The old paragraphs of a changed passage matched with the new ones that edit them, in
    order and most alike in all (the others added or removed), oldest removed first."""
    if len(old) * len(new) > MAX_PAIRED:
        return [(p, []) for p in old] + [([], p) for p in new]
    like = [[likeness(o, n) for n in new] for o in old]
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]  # best[i][j]: the most likeness after i, j
    for i in reversed(range(len(old))):
        for j in reversed(range(len(new))):
            both = like[i][j] + best[i + 1][j + 1] if like[i][j] else 0.0
            best[i][j] = max(both, best[i + 1][j], best[i][j + 1])
    return _walk(old, new, like, best)


def _walk(old: list[list[str]], new: list[list[str]], like: list[list[float]], best: list[list[float]]) -> list[Pair]:
    pairs: list[Pair] = []
    i = j = 0
    while i < len(old) and j < len(new):
        if like[i][j] and best[i][j] == like[i][j] + best[i + 1][j + 1]:
            pairs.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((old[i], []))
            i += 1
        else:
            pairs.append(([], new[j]))
            j += 1
    return pairs + [(p, []) for p in old[i:]] + [([], p) for p in new[j:]]


def _edited(left: list[str], right: list[str]) -> list[Segment]:
    """A paragraph edited, as runs of words in reading order: unchanged, removed and added."""
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append((SAME, left[i1:i2]))
            continue
        segments += [(REMOVED, left[i1:i2]), (ADDED, right[j1:j2])]
    return [(kind, words) for kind, words in segments if words]


def _whole(left: list[str], right: list[str]) -> Excerpt:
    """A paragraph removed (``left``) or added (``right``), whole."""
    kind, words = (ADDED, right) if right else (REMOVED, left)
    return Excerpt((Piece(kind, " ".join(words)),), True, True, kind)


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
                shown.append(replace(excerpt, pieces=tuple(pieces), ends=False))
                return tuple(shown), True
            budget -= 0 if piece.kind == SAME else len(words)
            pieces.append(piece)
        shown.append(replace(excerpt, pieces=tuple(pieces)))
    return tuple(shown), False
