"""Anchor notes to their passages (W3C TextQuoteSelector semantics), report missing or
ambiguous anchors, and mark the passages in the article's HTML."""

from __future__ import annotations

import difflib
import heapq
import itertools
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dossier import project
from dossier.errors import Diagnostic
from dossier.link import htmltext
from dossier.link.htmltext import TextMap, Wrap, normalize_space
from dossier.model import Annotation
from dossier.text.folding import Folded, fold, fold_text

if TYPE_CHECKING:  # reanchor builds on this module's search: imported where it is called
    from dossier.link.reanchor import Candidate


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

HINT_STOPPED = "search for a hint stopped: the article is too long"

NOT_FOUND = "quote not found"
"""How the error for a note whose quote is not found starts (with its prefix/suffix, or at all)."""


def moves() -> str:
    """How a hint ends when ``reanchor --write`` would move the note to its candidate (see
    :mod:`.reanchor`; ``new``, whose note is not written, leaves it out)."""
    return f"; `{project.command()} reanchor --write` moves the note there"


def is_orphan(diagnostic: Diagnostic) -> bool:
    """Whether ``diagnostic`` says that a note's quote is not found: the note is an orphan."""
    return diagnostic.message.startswith(NOT_FOUND + " ")


def occurrences(text: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``text``, overlapping ones included, in linear time.

    Overlapping occurrences (``aa`` in ``aaaa``) are walked by the needle's period: checking
    only the ``period`` characters that a next occurrence adds, never the whole needle again.
    """
    found: list[int] = []
    length = len(needle)
    period = 0  # worked out at the first overlap
    start = text.find(needle)
    while start != -1:
        found.append(start)
        if not period and len(found) > 1 and found[-1] - found[-2] < length:
            period = _period(needle)
        if period and text.startswith(needle[length - period :], start + length):
            start += period
            continue
        start = text.find(needle, start + 1)
    return found


def _period(needle: str) -> int:
    """The smallest period of ``needle`` (Knuth-Morris-Pratt's failure function)."""
    border = [0] * len(needle)
    k = 0
    for i in range(1, len(needle)):
        while k and needle[i] != needle[k]:
            k = border[k - 1]
        if needle[i] == needle[k]:
            k += 1
        border[i] = k
    return len(needle) - border[-1] if needle else 1


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
        if len(best) * len(needle) > len(self.text):  # a needle made of common runs: one scan is cheaper
            return occurrences(self.text, needle)
        return [s - shift for s in best if s >= shift and self.text.startswith(needle, s - shift)]


Span = tuple[int, int]
"""A passage's range in the article's text: [start, end)."""

SHOWN = 10
"""How many occurrences of an ambiguous quote a hint shows."""

CONTEXT_CHARACTERS = 120
"""At most this many characters of context before or after an occurrence, in a hint."""


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
            for s in _fitting(self.find, quote, prefix, suffix)
            if not _cuts(text, s) and not _cuts(text, s + length)
        ]

    def typed(self, quote: str, prefix: str = "", suffix: str = "") -> list[Span]:
        """The passages that are ``quote`` once both are folded, between ``prefix`` and ``suffix``."""
        quote = fold_text(normalize_space(quote))
        if not quote:
            return []
        folded, find = self.folded()
        prefix, suffix = fold_text(normalize_space(prefix)), fold_text(normalize_space(suffix))
        spans = (folded.source_span(s, s + len(quote)) for s in _fitting(find, quote, prefix, suffix))
        return [span for span in spans if span is not None]

    def spans(self, quote: str, prefix: str = "", suffix: str = "") -> list[Span]:
        """The passages of ``quote`` between ``prefix`` and ``suffix``: as written, else as typed."""
        return self.exact(quote, prefix, suffix) or self.typed(quote, prefix, suffix)


def _cuts(text: str, position: int) -> bool:
    """Whether ``position`` is between a letter and its accent (``e`` + U+0301)."""
    return position < len(text) and unicodedata.combining(text[position]) != 0


def _fitting(find: Callable[[str], list[int]], quote: str, prefix: str, suffix: str) -> list[int]:
    """The starts of ``quote`` right after ``prefix`` and right before ``suffix`` (a space
    between them or not: the text is whitespace-normalized), found by ``find``.

    The whole run prefix + quote + suffix is searched for, in linear time, rather than each
    occurrence of the quote checked in turn: a quote found at a million places next to a prefix
    found nowhere costs one search, not a million checks.
    """
    if not prefix and not suffix:
        return find(quote)
    starts: set[int] = set()
    for before in {prefix + " ", prefix} if prefix else {""}:
        for after in {" " + suffix, suffix} if suffix else {""}:
            starts.update(s + len(before) for s in find(before + quote + after))
    return sorted(starts)


def locate(
    text: str, quote: str, prefix: str = "", suffix: str = "", find: Callable[[str], list[int]] | None = None
) -> list[int]:
    """Start offsets in ``text`` of the passages of ``quote`` that fit ``prefix`` and ``suffix``:
    as written, else as typed (see :class:`Locator`).

    ``find`` gives the offsets of a needle in ``text`` (default: a scan; see :class:`Finder`).
    """
    return [start for start, _ in Locator(text, find=find).spans(quote, prefix, suffix)]


HINT_CANDIDATES = 64
"""How many runs of words, the ones sharing the most trigrams with the quote, are compared in full."""

HINT_QUOTE = 300
"""Past this many characters, a quote's nearest passage is chosen by shared trigrams alone
(comparing two long texts character by character is quadratic in their length)."""


@dataclass
class Work:
    """What a hint search did: characters scored, runs compared (counted by the tests)."""

    scored: int = 0
    compared: int = 0


def _trigrams(word: str) -> set[str]:
    padded = f" {word.casefold()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def nearest_passage(text: str, quote: str, work: Work | None = None) -> str:
    """The run of words of ``text`` most like ``quote``, for a hint.

    Linear in the text's length: each word is scored once by the trigrams it shares with the
    quote, each run of the quote's length in words is scored from those sums, and only the
    :data:`HINT_CANDIDATES` best runs are compared character by character (``difflib``'s
    ratio; the first best in reading order wins).
    """
    work = work if work is not None else Work()
    words = text.split(" ")
    quote = normalize_space(quote)
    size = max(len(quote.split(" ")), 1)
    wanted = _trigrams(quote.replace(" ", "  "))
    shared: dict[str, int] = {}  # by word: an article says the same words again and again
    sums = [0]
    for word in words:
        score = shared.get(word)
        if score is None:
            score = shared[word] = len(_trigrams(word) & wanted)
        sums.append(sums[-1] + score)
        work.scored += len(word) + 1
    runs = range(max(len(words) - size + 1, 1))
    best_runs = heapq.nlargest(HINT_CANDIDATES, runs, key=lambda i: (sums[min(i + size, len(words))] - sums[i], -i))
    if len(quote) > HINT_QUOTE:
        return " ".join(words[best_runs[0] : best_runs[0] + size]) if best_runs else ""
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for index in sorted(best_runs):
        window = " ".join(words[index : index + size])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        work.compared += 1
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best


HINT_SHOWN = 200
"""The longest nearest passage a hint prints whole; a longer one keeps its two ends."""


def _shortened(passage: str) -> str:
    if len(passage) <= HINT_SHOWN:
        return passage
    half = HINT_SHOWN // 2
    return f"{passage[:half].rstrip()} … {passage[-half:].lstrip()}"


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
    reach = CONTEXT_CHARACTERS  # a text without spaces (a run of 'a') must not print whole
    return text[max(before + 1, start - reach) : start].strip(), text[end : min(after, end + reach)].strip()


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
    found = _find(locator, notes)
    hint_budget = HINT_WORDS
    problems: list[Diagnostic] = []
    placed: list[tuple[int, int, Annotation]] = []
    missing: list[Annotation] = []
    for note, spans in zip(notes, found, strict=True):
        if len(spans) == 1:
            start, end = spans[0]
            placed.append((start, end, note))
        elif spans:
            hint = "add a prefix or suffix to choose one: " + _choices(text, spans)
            where = note.origin.at("quote")
            problems.append(Diagnostic(where, f"quote found {len(spans)} times in article '{note.article}'", hint))
        else:
            missing.append(note)
    kept, overlapping = _apart(placed)
    for note in missing:  # hinted once the passages kept are known: a candidate must not overlap one
        problem, hint_budget = _not_found(locator, note, hint_budget, kept)
        problems.append(problem)
    problems += overlapping
    anchored = tuple(
        Anchored(note, number, start, end, _block_at(textmap, start))
        for number, (start, end, note) in enumerate(kept, start=1)
    )
    return AnchoredArticle.of(_mark(textmap, anchored), anchored, text), problems


def _find(locator: Locator, notes: Sequence[Annotation]) -> list[list[Span]]:
    """Each note's passages: as quoted, else as typed (one folded copy of the text for all the notes not found)."""
    found = [locator.exact(note.quote, note.prefix, note.suffix) for note in notes]
    missing = [i for i, spans in enumerate(found) if not spans]
    if missing:
        locator.folded(len(missing))
        for i in missing:
            found[i] = locator.typed(notes[i].quote, notes[i].prefix, notes[i].suffix)
    return found


def _not_found(
    locator: Locator, note: Annotation, hint_budget: int, kept: Sequence[tuple[int, int, Annotation]] = ()
) -> tuple[Diagnostic, int]:
    """The error for a quote not found, and the words left for the nearest-passage hints of the notes after it."""
    text = locator.text
    where = note.origin.at("quote")
    alone = locator.spans(note.quote) if note.prefix or note.suffix else []
    if alone:
        times = "once" if len(alone) == 1 else f"{len(alone)} times"
        message = f"{NOT_FOUND} with this prefix/suffix in article '{note.article}'"
        hint = f"without them it is found {times}: {_choices(text, alone)}"
        if hint_budget > 0 and _movable(locator, note, kept):
            hint_budget -= text.count(" ") + 1
            hint += moves()
        return Diagnostic(where, message, hint), hint_budget
    hint = HINT_STOPPED
    if hint_budget > 0:  # each hint scans the whole text: bounded for huge articles
        hint_budget -= text.count(" ") + 1
        hint = _nearest_hint(locator, note, kept)
    return Diagnostic(where, f"{NOT_FOUND} in article '{note.article}'", hint), hint_budget


def _movable(locator: Locator, note: Annotation, kept: Sequence[tuple[int, int, Annotation]]) -> bool:
    """Whether ``reanchor --write`` would move ``note`` (see :mod:`.reanchor`)."""
    from dossier.link.reanchor import reanchor  # it builds on this module's search

    found = reanchor(locator.text, note, locator.folded()[0])
    return found.applicable and not _overlapped(found.best, kept)


def _overlapped(best: Candidate | None, kept: Sequence[tuple[int, int, Annotation]]) -> Annotation | None:
    """The note kept whose passage the candidate ``best`` overlaps, if any."""
    if best is None:
        return None
    return next((other for s, e, other in kept if s < best.end and best.start < e), None)


def _nearest_hint(locator: Locator, note: Annotation, kept: Sequence[tuple[int, int, Annotation]]) -> str:
    """The best candidate passage for a quote not found, with its score (see :mod:`.reanchor`);
    else the nearest run of words."""
    from dossier.link import reanchor  # it builds on this module's search

    found = reanchor.reanchor(locator.text, note, locator.folded()[0])
    if found.best is None:
        nearest = nearest_passage(locator.text, note.quote)
        return f'nearest passage: "{_shortened(nearest)}"' if nearest else ""
    other = _overlapped(found.best, kept) if found.applicable else None
    refused = f"it would overlap the passage of note '{other.slug}' ({other.origin.path})" if other else ""
    return reanchor.hint(found, _shortened, refused)


def _apart(placed: list[tuple[int, int, Annotation]]) -> tuple[list[tuple[int, int, Annotation]], list[Diagnostic]]:
    """The placed passages in text order, and an error for each one that overlaps the one kept before it."""
    kept: list[tuple[int, int, Annotation]] = []
    problems: list[Diagnostic] = []
    for start, end, note in sorted(placed, key=lambda item: (item[0], item[1], item[2].slug)):
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
    return kept, problems


def _block_at(textmap: TextMap, position: int) -> int:
    return textmap.block_of[textmap.units[position].token]


def _label(number: int) -> str:
    return f'aria-labelledby="note-{number}"'


def _mark(textmap: TextMap, notes: Sequence[Anchored]) -> list[str]:
    """The HTML of each top-level block, with the notes' passages marked."""
    wraps = [
        Wrap(
            a.start,
            a.end,
            open=f'<mark class="passage" data-note="{a.number}">',
            close="</mark>",
            first=f'<mark class="passage" id="passage-{a.number}" data-note="{a.number}">',
            # no text: the number is the stylesheet's (data-n), so that the page's text is the
            # text the notes' selectors quote; the link is named by the note's own label
            after=f'<a class="note-ref" href="#note-{a.number}" data-n="{a.number}" {_label(a.number)}></a>',
        )
        for a in notes
    ]
    return textmap.structure.block_html(htmltext.apply(textmap, wraps))


def unannotated(html: str) -> AnchoredArticle:
    """An article without notes: its blocks as they are. Its text is not worked out (no
    passage to find or quote in it): ``text`` is empty."""
    return AnchoredArticle.of(htmltext.structure(html).block_html())
