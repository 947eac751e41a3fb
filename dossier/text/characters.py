"""Characters no output may carry: the feeds are XML 1.0, the pages HTML, the data JSON.

XML 1.0 allows tab, line feed and carriage return and nothing else below U+0020, no lone
surrogate (U+D800 to U+DFFF) and neither U+FFFE nor U+FFFF. HTML also counts C1 controls
(U+0080 to U+009F) and every non-character (U+FDD0 to U+FDEF, and the last two code points of each
plane) as errors. Such a character in a document, typed as it is or as a character reference
(``&#x1;``, ``&#27;``, ``&#xFFFF;``), is an error at its line: dropping it silently would change
the text the editor wrote, keeping it would make ``feed.xml`` ill-formed.

A reference is judged by what it becomes once rendered: ``&#x80;`` is the euro sign in HTML
(the Windows-1252 table), ``&#0;`` and ``&#xD800;`` become U+FFFD; a reference in a code span
stays text. So the rendered HTML says whether there is a problem, and the source where.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_CANDIDATE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0001fffd]")
"""Everything outside the allowed ranges up to U+1FFFD: forbidden below U+20000, and above it only
the last two code points of a plane. (A negated class of ranges is scanned several times faster
than a class listing the 32 plane ends.)"""


def is_forbidden(character: str) -> bool:
    """Whether no output may hold ``character`` (tab, line feed and carriage return are fine)."""
    code = ord(character)
    return bool(_CANDIDATE.match(character)) and (code < 0x20000 or (code & 0xFFFE) == 0xFFFE)


def forbidden(text: str) -> Iterator[re.Match[str]]:
    """Every forbidden character of ``text``, in order."""
    return (m for m in _CANDIDATE.finditer(text) if ord(m.group()) < 0x20000 or (ord(m.group()) & 0xFFFE) == 0xFFFE)


_PLANE_ENDS = "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
NONCHARACTER = re.compile(f"[\ufdd0-\ufdef\ufffe\uffff{_PLANE_ENDS}]")
"""The non-characters: never text (front-matter values, short, are checked for them and for controls)."""

_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)|(`+)(?!`).+?(?<!`)\2(?!`)", re.M | re.S)
"""Fenced code blocks and code spans, where a reference is text that is shown, not decoded."""
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_HTML_REMAPPED = frozenset(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}  # Windows-1252 in HTML


@dataclass(frozen=True)
class Forbidden:
    """A forbidden character found in a text: its 1-based line, and how to say it."""

    line: int
    message: str


def name(character: str) -> str:
    """``U+0001 (a control character)`` and the like."""
    code = ord(character)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "half of a surrogate pair"
    else:
        kind = "a non-character"
    return f"U+{code:04X} ({kind})"


def _rendered(code: int) -> str | None:
    """The character a numeric reference becomes in HTML, None when HTML replaces it with U+FFFD."""
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in _HTML_REMAPPED:
        return None
    return chr(code)


def _blank(code: re.Match[str]) -> str:
    """Code replaced by spaces, its line breaks kept: the references outside keep their lines."""
    return re.sub(r"[^\n]", " ", code.group())


def find(text: str, rendered: str) -> list[Forbidden]:
    """The forbidden characters of the Markdown ``text``, located by line, when its ``rendered``
    HTML holds any (typed as they are, or as references that rendering decoded)."""
    first = next(forbidden(rendered), None)
    if first is None:
        return []
    found: list[Forbidden] = []
    for match in forbidden(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(Forbidden(line, f"character {name(match.group())} is not allowed"))
    for match in _REFERENCE.finditer(_CODE.sub(_blank, text)):
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        character = _rendered(code)
        if character is not None and is_forbidden(character) and character in rendered:
            line = text.count("\n", 0, match.start()) + 1
            message = f"character reference '{match.group()}' stands for {name(character)}, which is not allowed"
            found.append(Forbidden(line, message))
    found.sort(key=lambda f: f.line)
    if not found:  # in the HTML but not found in the text (a construct of its own): say where it starts
        found.append(Forbidden(1, f"character {name(first.group())} is not allowed"))
    return found
