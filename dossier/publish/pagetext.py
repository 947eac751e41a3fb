"""The article's text as a browser reads it on the published page, and where each note's passage is in it.

Annotation clients (Hypothesis, Apache Annotator) anchor a ``TextQuoteSelector`` and a
``TextPositionSelector`` in the ``textContent`` of the page (or of the element holding the
article's text): not in the whitespace-normalized text the build anchors notes in. The
article page writes that element as its blocks one after the other, each block's HTML followed
by :data:`BLOCK_END` and nothing else (see ``article.html``); the note numbers are CSS generated
content and the notes are written after the element, so its ``textContent`` is the text of its
blocks alone. This module works that text out from the same HTML, and the passages from the
``<mark>`` elements that highlight them, so the selectors name exactly the characters the page
highlights.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

BLOCK_END = "\n"
"""What follows each block's HTML inside the article's text element: a paragraph break in its
text (a client's quote that crosses two paragraphs has a line break there, not the two run together)."""

CONTEXT = 32
"""The most UTF-16 code units of ``prefix`` and ``suffix``: Hypothesis's length, and the most a
bitap search (diff-match-patch, in dom-anchor-text-quote) takes in one piece."""

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_PASSAGE = re.compile(r'<mark\b[^>]*\bdata-note="(\d+)"', re.I)
_DROPS_NEWLINE = re.compile(r"<(?:pre|listing|textarea)\b", re.I)  # the parser drops a newline right after these


@dataclass(frozen=True)
class PageText:
    text: str  # the element's textContent
    passages: dict[int, tuple[int, int]]  # note number → [start, end) in ``text``, in code points


def page_text(blocks: Sequence[str]) -> PageText:
    """The ``textContent`` of the article's text element holding ``blocks`` (each followed by
    :data:`BLOCK_END`), and each marked passage's range in it."""
    pieces: list[str] = []
    length = 0
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    current: int | None = None
    previous = ""
    for token in _TOKEN.split(BLOCK_END.join([*blocks, ""])):
        if not token:
            continue
        if token.startswith("<"):
            opened = _PASSAGE.match(token)
            if opened:
                current = int(opened.group(1))
                starts.setdefault(current, length)
            elif current is not None and token[:6].lower() == "</mark":
                ends[current] = length
                current = None
            previous = token
            continue
        text = html.unescape(token)
        if text.startswith("\n") and _DROPS_NEWLINE.match(previous):
            text = text[1:]
        pieces.append(text)
        length += len(text)
        previous = ""
    return PageText("".join(pieces), {n: (start, ends[n]) for n, start in starts.items() if n in ends})


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The ``prefix`` and ``suffix`` of the passage [start, end) of ``text``: at most
    :data:`CONTEXT` UTF-16 code units each (an astral character counts two)."""
    before = text[max(start - CONTEXT, 0) : start]
    while _utf16(before) > CONTEXT:
        before = before[1:]
    after = text[end : end + CONTEXT]
    while _utf16(after) > CONTEXT:
        after = after[:-1]
    return before, after
