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
from dataclasses import dataclass

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_SPACE = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Unit:
    """One character of the normalized text: token index and raw [start, end) offsets."""

    token: int
    start: int
    end: int


@dataclass(frozen=True)
class TextMap:
    tokens: tuple[str, ...]
    is_text: tuple[bool, ...]
    block_of: tuple[int, ...]  # top-level block index of each token (-1 between blocks)
    text: str  # whitespace-normalized text of the whole fragment
    units: tuple[Unit, ...]  # one per character of ``text``
    blocks: int


def _tag_name(tag: str) -> str:
    match = re.match(r"</?\s*([A-Za-z][A-Za-z0-9-]*)", tag)
    return match.group(1).lower() if match else ""


def build(fragment: str) -> TextMap:
    tokens = [t for t in _TOKEN.split(fragment) if t]
    is_text: list[bool] = []
    block_of: list[int] = []
    chars: list[str] = []
    units: list[Unit] = []
    depth = 0
    block = -1
    pending_space: Unit | None = None
    for index, token in enumerate(tokens):
        if token.startswith("<"):
            is_text.append(False)
            name = _tag_name(token)
            if token.startswith("<!--") or not name:
                block_of.append(block if depth else -1)
                continue
            if token.startswith("</"):
                block_of.append(block)
                depth = max(depth - 1, 0)
            else:
                if depth == 0:
                    block += 1
                block_of.append(block)
                if name not in _VOID and not token.endswith("/>"):
                    depth += 1
            continue
        is_text.append(True)
        block_of.append(block if depth else -1)
        for start, end, char in _characters(token):
            if char.isspace():
                if chars and pending_space is None:
                    pending_space = Unit(index, start, end)
                continue
            if pending_space is not None:
                chars.append(" ")
                units.append(pending_space)
                pending_space = None
            chars.append(char)
            units.append(Unit(index, start, end))
    return TextMap(tuple(tokens), tuple(is_text), tuple(block_of), "".join(chars), tuple(units), block + 1)


def _characters(token: str) -> list[tuple[int, int, str]]:
    """(raw start, raw end, decoded character) for each character of a text token."""
    result: list[tuple[int, int, str]] = []
    position = 0
    for match in _ENTITY.finditer(token):
        result.extend((i, i + 1, token[i]) for i in range(position, match.start()))
        decoded = html.unescape(match.group(0))
        for char in decoded:
            result.append((match.start(), match.end(), char))
        position = match.end()
    result.extend((i, i + 1, token[i]) for i in range(position, len(token)))
    return result


@dataclass(frozen=True)
class Wrap:
    """Wrap normalized-text range [start, end) in ``open``/``close``; ``first`` opens the first segment."""

    start: int
    end: int
    open: str
    close: str
    first: str
    after: str = ""  # inserted after the last segment


def apply(textmap: TextMap, wraps: list[Wrap]) -> list[str]:
    """The fragment's tokens with every wrap inserted (wraps must not overlap)."""
    inserts: dict[int, list[tuple[int, str]]] = {}
    for wrap in sorted(wraps, key=lambda w: w.start):
        segments: list[tuple[int, int, int]] = []  # token, raw start, raw end
        for unit in textmap.units[wrap.start : wrap.end]:
            if segments and segments[-1][0] == unit.token:
                token, start, _ = segments[-1]
                segments[-1] = (token, start, unit.end)
            else:
                segments.append((unit.token, unit.start, unit.end))
        for number, (token, start, end) in enumerate(segments):
            opening = wrap.first if number == 0 else wrap.open
            closing = wrap.close + (wrap.after if number == len(segments) - 1 else "")
            inserts.setdefault(token, []).extend([(start, opening), (end, closing)])
    out = list(textmap.tokens)
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
    for char, unit in zip(textmap.text, textmap.units, strict=True):
        block = textmap.block_of[unit.token]
        if block >= 0:
            pieces[block].append(char)
    return ["".join(p).strip() for p in pieces]
