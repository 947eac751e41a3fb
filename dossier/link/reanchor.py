"""Where a note whose quote no longer matches most likely went: scored candidate passages.

Modelled on Hypothesis's anchoring (``matchQuote`` in its client's ``match-quote.ts``): the
quote is looked for as written first, else approximately, with at most
``min(256, len(quote) / 2)`` errors, by Myers' bit-parallel algorithm (the one of
``approx-string-match``; here ``edlib``'s, in C); each match is scored on its quote (weight
50), the text before it against the note's ``prefix`` (20) and after it against its
``suffix`` (20). Two differences, both said here:

- no position weight (Hypothesis's 2, a tie-breaker): a note does not record where its
  passage was;
- a context the note does not have is left out of the score instead of counting as a perfect
  match, so that a note without ``prefix``/``suffix`` is scored on its quote alone
  (Hypothesis's way, every such match would score at least 0.73 whatever it found).

The search is made in the folded text (:mod:`dossier.text.folding`: typed quotes and
apostrophes, accents composed or not), as the build's anchoring does, and a candidate is
mapped back to the article's own characters. Its ends are moved to whole words: a match that
would start or end inside a word starts or ends at one of that word's ends, whichever makes
it closer to the quote.

Bounded: every search is linear in the text's length (times ``len(quote) / 64``, Myers' bit
vectors), made at most :data:`ROUNDS` times; a quote past :data:`MAX_QUOTE` characters or a
text past :data:`MAX_TEXT` gets no candidate.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import edlib

from dossier.link.annotations import moves, occurrences
from dossier.link.context import unique_context
from dossier.link.htmltext import normalize_space
from dossier.model import Annotation
from dossier.text.folding import Folded, fold, fold_text

QUOTE_WEIGHT = 50
PREFIX_WEIGHT = 20
SUFFIX_WEIGHT = 20
"""Hypothesis's weights (its position weight, 2, has nothing to weigh here)."""

MAX_ERRORS = 256
"""At most this many errors in a candidate (and at most half the quote's length): Hypothesis's bound."""

THRESHOLD = 0.7
"""A unique candidate scoring at least this is re-anchored by ``reanchor --write``."""

MARGIN = 0.1
"""The best candidate is unique when the runner-up scores at least this much less."""

FLOOR = 0.25
"""A passage scoring less is no candidate: named in a hint or offered in the preview, it
would say that something close was found when nothing was."""

CANDIDATES = 8
"""At most this many matches are scored in full (each search's best ones)."""

ROUNDS = 3
"""Searches made: each one after the first leaves out what the ones before found, so that the
runner-up, a worse match than the best, is found too."""

MAX_QUOTE = 2_000
"""A longer quote (a paragraph or more) gets no candidate: re-quote it by hand."""

MAX_TEXT = 6_000_000
"""A longer text gets no candidate (the build's hint then falls back to the nearest passage)."""

ALPHABET = 127
"""A quote with more distinct characters than this gets no candidate: the search reads bytes,
each of the quote's characters a code of its own (its Latin-1 byte, or an ASCII code when one
is not Latin-1) and every other character 0 (exact for distances to the quote, and what keeps
edlib on its fast path)."""

SNAP = 64
"""A match is moved to a word's end only within this many characters (a "word" of 200,000
letters is not walked)."""


@dataclass(frozen=True)
class Candidate:
    """A passage of the text where a note's quote may now be."""

    start: int  # in the text
    end: int
    quote: str  # text[start:end], the article's own characters
    prefix: str  # the shortest context that makes it unique ("" when unique; see unique_context)
    suffix: str
    score: float  # 0..1: quote, prefix and suffix weighted as Hypothesis weighs them

    @property
    def context(self) -> str:
        """Its prefix and suffix as a message says them: ``, prefix "..."`` (nothing when unique)."""
        shown = (("prefix", self.prefix), ("suffix", self.suffix))
        return "".join(f', {name} "{value}"' for name, value in shown if value)


@dataclass(frozen=True)
class Reanchoring:
    """Where a note's passage most likely is now."""

    note: Annotation
    best: Candidate | None  # None: an honest orphan (nothing within the errors allowed)
    unique: bool  # the runner-up scores at least MARGIN less, and a prefix/suffix makes the best unique

    @property
    def applicable(self) -> bool:
        """Whether ``reanchor --write`` moves the note there: unique and scoring at least :data:`THRESHOLD`."""
        return self.best is not None and self.unique and self.best.score >= THRESHOLD


@dataclass(frozen=True)
class _Scored:
    start: int  # in the folded text
    end: int
    score: float


def reanchor(text: str, note: Annotation, folded: Folded | None = None) -> Reanchoring:
    """The best candidate passage of ``text`` (an article's whitespace-normalized text,
    :attr:`~dossier.link.htmltext.TextMap.text`) for ``note``; ``folded``: ``fold(text)``, when
    the caller has it already."""
    quote = fold_text(normalize_space(note.quote))
    if not quote or len(quote) > MAX_QUOTE or len(text) > MAX_TEXT or len(set(quote)) > ALPHABET:
        return Reanchoring(note, None, False)
    folded = folded if folded is not None else fold(text)
    prefix, suffix = fold_text(normalize_space(note.prefix)), fold_text(normalize_space(note.suffix))
    ranked = _ranked(folded.text, quote, prefix, suffix)
    for best in ranked:
        if best.score < FLOOR:
            break
        source = folded.source_span(best.start, best.end)
        if source is None:
            continue
        runner_up = next((s.score for s in ranked if s is not best), 0.0)
        return _candidate(note, text, source, best.score, best.score - runner_up >= MARGIN)
    return Reanchoring(note, None, False)


def _ranked(text: str, quote: str, prefix: str, suffix: str) -> list[_Scored]:
    """The matches of ``quote`` in ``text`` (folded), in whole words, best first."""
    scored: dict[tuple[int, int], _Scored] = {}
    for start, end in _matches(text, quote):
        span = _snapped(text, quote, start, end)
        if span is not None and span not in scored:
            scored[span] = _Scored(*span, _score(text, quote, prefix, suffix, *span))
    return sorted(scored.values(), key=lambda s: (-s.score, s.start))


def _candidate(note: Annotation, text: str, span: tuple[int, int], score: float, ahead: bool) -> Reanchoring:
    start, end = span
    repeated = len(occurrences(text, text[start:end])) > CANDIDATES  # no context is worth looking for
    context = None if repeated else unique_context(text, start, end)
    prefix, suffix = context if context is not None else ("", "")
    best = Candidate(start, end, text[start:end], prefix, suffix, round(score, 4))
    return Reanchoring(note, best, ahead and context is not None)


def hint(found: Reanchoring, shorten: Callable[[str], str] = str, refused: str = "") -> str:
    """What a diagnostic says of ``found``'s best candidate: its passage (``shorten``-ed), the
    context that makes it unique, its score, and whether ``reanchor --write`` moves the note
    there (not when ``refused`` says why: an overlap with another note's passage)."""
    best = found.best
    if best is None:
        return "no passage comes close: anchor the note again by hand, or delete it"
    text = f'best candidate (score {best.score:.2f}): "{shorten(best.quote)}"{best.context}'
    if refused:
        return f"{text}; not moved: {refused}"
    if found.applicable:
        return text + moves()
    if not found.unique:
        return f"{text}; other passages come as close: move the note by hand"
    return f"{text}; too far from the quote to move the note without you"


# -- searching ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Coder:
    """Maps a text to bytes, each character of the needle to a code of its own and every other
    character to 0: exact for distances to the needle, and what edlib reads fastest."""

    others: re.Pattern[str]
    codes: dict[int, int] | None  # None: the needle's characters are their own codes (Latin-1)

    @classmethod
    def of(cls, needle: str) -> _Coder:
        chars = sorted(set(needle) - {"\0"})
        others = re.compile("[^" + "".join(map(re.escape, chars)) + "]")
        latin = all(ord(c) < 256 for c in chars)
        return cls(others, None if latin else {ord(c): i + 1 for i, c in enumerate(chars)})

    def __call__(self, text: str) -> bytes:
        reduced = self.others.sub("\0", text)
        if self.codes is None:
            return reduced.encode("latin-1")
        return reduced.translate(self.codes).encode("ascii")


def _matches(text: str, quote: str) -> list[tuple[int, int]]:
    """Spans of ``text`` matching ``quote``: exact ones when there are, else the best
    approximate ones of each of :data:`ROUNDS` searches, at most :data:`CANDIDATES`."""
    exact = occurrences(text, quote)
    if exact:
        return [(s, s + len(quote)) for s in exact[: CANDIDATES + 1]]
    coder = _Coder.of(quote)
    coded, needle = coder(text), coder(quote)
    limit = min(MAX_ERRORS, len(quote) // 2)
    found: list[tuple[int, int]] = []
    for _ in range(ROUNDS):
        spans = list(_best_spans(needle, coded, limit))
        if not spans:
            break
        found += spans
        if len(found) >= CANDIDATES:
            break
        for start, end in spans:  # left out of the next search
            coded = coded[:start] + bytes(end - start) + coded[end:]
    return found[:CANDIDATES]


def _best_spans(needle: bytes, coded: bytes, limit: int) -> Iterator[tuple[int, int]]:
    """The best matches of ``needle`` in ``coded``, within ``limit`` errors: one per run of
    overlapping ones, at most :data:`CANDIDATES`.

    The search gives where the best matches end; where each starts is found again in a window
    of its own length only (edlib's locations would work out a start for every end: as many
    as the text has characters in a run of ``a``).
    """
    if not coded:
        return
    found = edlib.align(needle, coded, mode="HW", task="distance", k=limit)
    if found["editDistance"] < 0:
        return
    last = -len(needle)
    runs = 0
    for _, end in found["locations"]:  # in order; end is inclusive
        if end - last < len(needle):  # overlaps the match taken before
            continue
        last = end
        window = max(0, end + 1 - len(needle) - limit)
        here = edlib.align(needle, coded[window : end + 1], mode="HW", task="locations", k=limit)
        starts = [s for s, e in here["locations"] if e == end - window and s is not None]
        if starts:
            yield window + starts[0], end + 1
            runs += 1
        if runs >= CANDIDATES:
            return


def _distance(a: str, b: str) -> int:
    """The edit distance between ``a`` and ``b`` (Levenshtein)."""
    if not a or not b:
        return max(len(a), len(b))
    coder = _Coder.of(b)
    return int(edlib.align(coder(b), coder(a), mode="NW", task="distance")["editDistance"])


def _context_score(text: str, context: str) -> float:
    """How well ``text`` (as long as ``context``) matches ``context``: 1 less its errors per
    character (Hypothesis's ``textMatchScore``: ``context`` found anywhere in ``text``)."""
    if not text:
        return 0.0
    coder = _Coder.of(context)
    found = edlib.align(coder(context), coder(text), mode="HW", task="distance")
    return max(0.0, 1 - int(found["editDistance"]) / len(context))


def _score(text: str, quote: str, prefix: str, suffix: str, start: int, end: int) -> float:
    """The candidate ``text[start:end]``'s score: quote, prefix and suffix weighted (the
    contexts the note has only)."""
    total = QUOTE_WEIGHT * max(0.0, 1 - _distance(text[start:end], quote) / len(quote))
    weights = QUOTE_WEIGHT
    if prefix:
        total += PREFIX_WEIGHT * _context_score(text[max(0, start - len(prefix) - 1) : start].strip(), prefix)
        weights += PREFIX_WEIGHT
    if suffix:
        total += SUFFIX_WEIGHT * _context_score(text[end : end + len(suffix) + 1].strip(), suffix)
        weights += SUFFIX_WEIGHT
    return total / weights


# -- whole words ----------------------------------------------------------------------


def _inside_word(text: str, position: int) -> bool:
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()


def _word_start(text: str, position: int) -> int | None:
    """The start of the word ``position`` is inside (None past :data:`SNAP` characters)."""
    at = position
    while at > 0 and text[at - 1].isalnum():
        at -= 1
        if position - at > SNAP:
            return None
    return at


def _word_end(text: str, position: int) -> int | None:
    at = position
    while at < len(text) and text[at].isalnum():
        at += 1
        if at - position > SNAP:
            return None
    return at


def _ends(text: str, position: int) -> set[int]:
    """Where a bound at ``position`` may go: there, or to the ends of the word it cuts."""
    if not _inside_word(text, position):
        return {position}
    return {p for p in (_word_start(text, position), _word_end(text, position)) if p is not None} or {position}


WIDER = 4
"""A candidate may take in up to this many words beyond its match on each side: words
inserted at the start of a passage ("rare allié à la fois de Téhéran") make the closest
match start after them ("la fois de Téhéran"), which loses the quote's first words."""


def _words_out(text: str, start: int, end: int, count: int) -> tuple[list[int], list[int]]:
    """The starts of the ``count`` words before ``start`` and the ends of the ``count`` words
    after ``end``, nearest first (each scan at most :data:`SNAP` characters a word)."""
    return _starts_before(text, start, count), _ends_after(text, end, count)


def _starts_before(text: str, start: int, count: int) -> list[int]:
    starts: list[int] = []
    at = start
    while len(starts) < count and at > 0:
        space = text.rfind(" ", max(at - 1 - SNAP, 0), max(at - 1, 0))
        at = space + 1 if space >= 0 else (0 if at - 1 <= SNAP else -1)
        if at < 0 or (starts and at >= starts[-1]):
            break
        starts.append(at)
    return starts


def _ends_after(text: str, end: int, count: int) -> list[int]:
    ends: list[int] = []
    at = end
    while len(ends) < count and at < len(text):
        space = text.find(" ", min(at + 1, len(text)), at + 1 + SNAP)
        at = space if space >= 0 else (len(text) if len(text) - at <= SNAP else -1)
        if at < 0 or (ends and at <= ends[-1]):
            break
        ends.append(at)
    return ends


def _kept_words(candidate: str, quote: str) -> int:
    """How many of the quote's words the candidate has, in the quote's order."""
    matcher = difflib.SequenceMatcher(None, candidate.split(" "), quote.split(" "), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _word_distance(a: str, b: str) -> int:
    """The edit distance between ``a`` and ``b`` counted in words (0 when ``b`` has too many
    distinct words to count them)."""
    words = {w: chr(i + 1) for i, w in enumerate(dict.fromkeys(b.split(" ")))}
    if len(words) > ALPHABET:
        return 0
    coded_a = "".join(words.get(w, "\0") for w in a.split(" "))
    coded_b = "".join(words[w] for w in b.split(" "))
    return int(edlib.align(coded_b, coded_a, mode="NW", task="distance")["editDistance"])


def _snapped(text: str, quote: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of whole words around ``[start, end)`` (up to :data:`WIDER` words more on each
    side) most like ``quote``: the most of the quote's words kept, then the fewest words
    changed, then the fewest characters; without spaces at its ends (None when nothing is left)."""
    wider = _words_out(text, start, end, min(WIDER, quote.count(" ") + 1))
    best: tuple[int, int, int, int, int] | None = None  # words kept, words changed, characters, length gap, start
    chosen: tuple[int, int] | None = None
    for first in sorted(_ends(text, start) | set(wider[0])):
        for last in sorted(_ends(text, end) | set(wider[1])):
            s, e = first, last
            while s < e and text[s] == " ":
                s += 1
            while e > s and text[e - 1] == " ":
                e -= 1
            if s >= e:
                continue
            candidate = text[s:e]
            key = (
                -_kept_words(candidate, quote),
                _word_distance(candidate, quote),
                _distance(candidate, quote),
                abs((e - s) - len(quote)),
                s,
            )
            if best is None or key < best:
                best, chosen = key, (s, e)
    return chosen
