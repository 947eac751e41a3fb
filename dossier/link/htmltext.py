"""The text of a rendered HTML fragment, whitespace-normalized, mapped back to the HTML.

Python-Markdown's output is well-formed, so a tokenizer that splits tags from text is
enough. Each character of the normalized text knows which text token and which raw offsets
it came from, so a passage found in the text can be wrapped in the HTML, segment by
segment, without breaking the nesting of elements; and each text token knows the top-level
block (paragraph, list, quote...) it belongs to.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_SPACE = re.compile(r"\s+")
_GAP = re.compile(r"\s\s+")  # collapsed to the first of its characters
_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace other than a space, each written as a space
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Unit:
    """One character of the normalized text: token index and raw [start, end) offsets."""

    token: int
    start: int
    end: int


class Run(NamedTuple):
    """Characters of the text from ``offset`` on, all from one token.

    A linear run maps text position ``offset + k`` to the raw character ``raw_start + k``;
    a non-linear one (a character reference) maps each of its characters to the whole raw
    span [``raw_start``, ``raw_end``).
    """

    offset: int
    token: int
    raw_start: int
    raw_end: int  # -1 for a linear run


class Units(Sequence[Unit]):
    """One :class:`Unit` per character of the text, stored as runs (a 5 MB article has few)."""

    def __init__(self, runs: Sequence[Run], length: int) -> None:
        self.runs = tuple(runs)
        self._offsets = [run.offset for run in self.runs]
        self._length = length

    def __len__(self) -> int:
        return self._length

    def run_index(self, position: int) -> int:
        return bisect_right(self._offsets, position) - 1

    def _unit(self, position: int) -> Unit:
        run = self.runs[self.run_index(position)]
        if run.raw_end < 0:
            start = run.raw_start + position - run.offset
            return Unit(run.token, start, start + 1)
        return Unit(run.token, run.raw_start, run.raw_end)

    @overload
    def __getitem__(self, index: int) -> Unit: ...

    @overload
    def __getitem__(self, index: slice) -> list[Unit]: ...

    def __getitem__(self, index: int | slice) -> Unit | list[Unit]:
        if isinstance(index, slice):
            return [self._unit(i) for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("text position out of range")
        return self._unit(index)

    def spans(self, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
        """(text start, text end, token, run index) of each run's part within [start, end)."""
        if start >= end:
            return
        index = self.run_index(start)
        while index < len(self.runs) and self.runs[index].offset < end:
            run = self.runs[index]
            stop = self.runs[index + 1].offset if index + 1 < len(self.runs) else self._length
            yield max(start, run.offset), min(end, stop), run.token, index
            index += 1

    def raw_span(self, start: int, end: int, index: int) -> tuple[int, int]:
        """The raw offsets, in its token, of the text range [start, end) of run ``index``."""
        run = self.runs[index]
        if run.raw_end < 0:
            return run.raw_start + start - run.offset, run.raw_start + end - run.offset
        return run.raw_start, run.raw_end


@dataclass(frozen=True)
class TextMap:
    structure: Structure
    text: str  # whitespace-normalized text of the whole fragment
    units: Units  # one per character of ``text``

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.structure.tokens

    @property
    def block_of(self) -> tuple[int, ...]:
        return self.structure.block_of

    @property
    def blocks(self) -> int:
        return self.structure.blocks


def _is_link(token: str) -> bool:
    return token[:2].lower() == "<a" and _tag_name(token) == "a"


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""


class _Builder:
    """Accumulates the normalized text and its runs, one text token at a time."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.runs: list[Run] = []
        self.pending: tuple[int, int, int] | None = None  # a space to emit before the next character

    def space(self, token: int, start: int, end: int) -> None:
        if self.length and self.pending is None:
            self.pending = (token, start, end)

    def _emit(self, text: str, token: int, start: int, end: int) -> None:
        if self.pending is not None:
            space_token, space_start, space_end = self.pending
            self.pending = None
            self._emit(" ", space_token, space_start, space_end)
        self.runs.append(Run(self.length, token, start, end))
        self.pieces.append(text)
        self.length += len(text)

    def plain(self, token: int, raw: str, start: int, end: int) -> None:
        """Raw text [start, end) of a token, without character references."""
        head = _SPACE.match(raw, start, end)
        if head:
            self.space(token, start, start + 1)
            start = head.end()
        if start >= end:
            return
        stop = start + len(raw[start:end].rstrip())  # str.isspace is what \s matches
        position = start
        for gap in _GAP.finditer(raw, start, stop):
            self._emit(_OTHER_SPACE.sub(" ", raw[position : gap.start() + 1]), token, position, -1)
            position = gap.end()
        self._emit(_OTHER_SPACE.sub(" ", raw[position:stop]), token, position, -1)
        if stop < end:
            self.space(token, stop, stop + 1)

    def reference(self, token: int, decoded: str, start: int, end: int) -> None:
        """A character reference [start, end) of a token, decoded."""
        for char in decoded:
            if char.isspace():
                self.space(token, start, end)
            else:
                self._emit(char, token, start, end)


@dataclass(frozen=True)
class Structure:
    """A fragment cut into tokens (tags, comments, text), each with its top-level block."""

    tokens: tuple[str, ...]
    is_text: tuple[bool, ...]
    block_of: tuple[int, ...]  # top-level block index of each token (-1 between blocks)
    blocks: int

    def block_html(self, tokens: Sequence[str] | None = None) -> list[str]:
        """The HTML of each top-level block (made of ``tokens``: the fragment's, or changed ones)."""
        pieces: list[list[str]] = [[] for _ in range(self.blocks)]
        for token, block in zip(tokens or self.tokens, self.block_of, strict=True):
            if block >= 0:
                pieces[block].append(token)
        return ["".join(p) for p in pieces]


def structure(fragment: str) -> Structure:
    """The fragment's tokens and blocks, without its text (see :func:`build`)."""
    tokens = [t for t in _TOKEN.split(fragment) if t]
    is_text: list[bool] = []
    block_of: list[int] = []
    depth = 0
    block = -1
    for token in tokens:
        is_tag = token.startswith("<")
        is_text.append(not is_tag)
        name = _tag_name(token) if is_tag and not token.startswith("<!--") else ""
        if not name:  # text, a comment, or a tag without a name: in the block it stands in, if any
            block_of.append(block if depth else -1)
        elif token.startswith("</"):
            block_of.append(block)
            depth = max(depth - 1, 0)
        else:
            if depth == 0:
                block += 1
            block_of.append(block)
            if name not in _VOID and not token.endswith("/>"):
                depth += 1
    return Structure(tuple(tokens), tuple(is_text), tuple(block_of), block + 1)


def build(fragment: str) -> TextMap:
    cut = structure(fragment)
    builder = _Builder()
    for index, token in enumerate(cut.tokens):
        if not cut.is_text[index]:
            continue
        position = 0
        for match in _ENTITY.finditer(token):
            builder.plain(index, token, position, match.start())
            builder.reference(index, html.unescape(match.group(0)), match.start(), match.end())
            position = match.end()
        builder.plain(index, token, position, len(token))
    text = "".join(builder.pieces)
    return TextMap(cut, text, Units(builder.runs, len(text)))


@dataclass(frozen=True)
class Wrap:
    """Wrap normalized-text range [start, end) in ``open``/``close``; ``first`` opens the first segment."""

    start: int
    end: int
    open: str
    close: str
    first: str
    after: str = ""  # inserted after the last segment


def _link_ends(tokens: Sequence[str]) -> dict[int, int]:
    """For each token inside a link (``<a>``), the index of the token closing its outermost link."""
    ends: dict[int, int] = {}
    inside: list[int] = []  # tokens since the outermost link opened
    depth = 0
    for index, token in enumerate(tokens):
        if token.startswith("<") and _tag_name(token) == "a" and not token.startswith("<!--"):
            if token.startswith("</"):
                depth = max(depth - 1, 0)
                if depth == 0:
                    ends.update(dict.fromkeys(inside, index))
                    inside = []
                continue
            if not token.endswith("/>"):
                depth += 1
        if depth:
            inside.append(index)
    return ends


def apply(textmap: TextMap, wraps: list[Wrap]) -> list[str]:
    """The fragment's tokens with every wrap inserted (wraps must not overlap).

    A wrap's ``after`` (the note's number, itself a link) never goes inside a link of the
    text, where it would nest one link in another: a passage that ends inside a link gets
    it right after that link's end.
    """
    inserts: dict[int, list[tuple[int, str]]] = {}
    link_ends: dict[int, int] | None = None
    for wrap in sorted(wraps, key=lambda w: w.start):
        segments = _segments(textmap, wrap)
        for number, (token, start, end) in enumerate(segments):
            opening = wrap.first if number == 0 else wrap.open
            inserts.setdefault(token, []).extend([(start, opening), (end, wrap.close)])
        if wrap.after and segments:
            if link_ends is None:
                link_ends = _link_ends(textmap.tokens) if any(_is_link(t) for t in textmap.tokens) else {}
            token, end = _outside_links(textmap.tokens, segments[-1], link_ends)
            inserts.setdefault(token, []).append((end, wrap.after))
    return _inserted(textmap.tokens, inserts)


def _segments(textmap: TextMap, wrap: Wrap) -> list[tuple[int, int, int]]:
    """The pieces of the fragment the wrap covers, one per token: (token, raw start, raw end)."""
    segments: list[tuple[int, int, int]] = []
    for start, end, token, run in textmap.units.spans(wrap.start, wrap.end):
        raw_start, raw_end = textmap.units.raw_span(start, end, run)
        if segments and segments[-1][0] == token:
            segments[-1] = (token, segments[-1][1], raw_end)
        else:
            segments.append((token, raw_start, raw_end))
    return segments


def _outside_links(tokens: Sequence[str], last: tuple[int, int, int], link_ends: dict[int, int]) -> tuple[int, int]:
    """Where a wrap's ``after`` goes (token, raw offset): after its last segment, or after the link that holds it."""
    token, _, end = last
    if token in link_ends:
        token = link_ends[token]
        end = len(tokens[token])
    return token, end


def _inserted(tokens: Sequence[str], inserts: dict[int, list[tuple[int, str]]]) -> list[str]:
    """``tokens`` with each token's insertions (raw offset, text) made at their offsets."""
    out = list(tokens)
    for token, points in inserts.items():
        raw = out[token]
        pieces: list[str] = []
        position = 0
        for offset, text in sorted(points, key=lambda p: p[0]):
            pieces.append(raw[position:offset])
            pieces.append(text)
            position = offset
        pieces.append(raw[position:])
        out[token] = "".join(pieces)
    return out


def block_texts(textmap: TextMap) -> list[str]:
    """The normalized text of each top-level block."""
    pieces: list[list[str]] = [[] for _ in range(textmap.blocks)]
    for start, end, token, _ in textmap.units.spans(0, len(textmap.text)):
        block = textmap.block_of[token]
        if block >= 0:
            pieces[block].append(textmap.text[start:end])
    return ["".join(p).strip() for p in pieces]
