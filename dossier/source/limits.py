"""What one content file may hold, so that no file makes the build hang or crash.

Python-Markdown is pure Python, and some of its work grows faster than the text:

- each nesting level (a list in a list, a quote in a quote) is parsed again by a recursive
  call: hundreds of levels exhaust Python's stack, and the work grows with depth x size;
- each inline element of a paragraph (``<span>``, ``*em*``, a link) rebuilds the paragraph's
  string: the work grows with elements x length;
- each ``[`` (and each ``(`` after ``]``) is matched by a character-by-character scan to its
  closing bracket or, left open, to the end of the paragraph: the work grows with the span
  of the brackets;
- each ``<`` that may open a tag or a comment is matched by a scan of the whole rest of the
  file for its ``>`` (or ``-->``): the work grows with the span of the tags left open;
- each heading, rule or quote that starts inside a block of lines (no blank line between)
  splits the block, copying the rest of it: the work grows with such lines x block length;
- HTML elements left open nest ever deeper, and the sanitizer's HTML parser checks the open
  elements at each new one: the work grows with depth x tags.

The limits below bound each of these by a constant per character of the file, so a build's
time stays linear in the size of its content: measured once, before the conversion, in one
pass over the text (see :func:`check_body`). Every real article is far below them (a nested
list is a few levels deep; a paragraph, a few dozen links and emphases); a file above them
is reported at its line, with the limit and the value found.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from dossier.errors import Diagnostic, Location

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A content file's size."""

MAX_DEPTH = 32
"""Lists and block quotes nested in one another."""

MAX_MARKUP = 1_000
"""Inline-markup characters (``< [ * _ ` & \\``) in one paragraph or list item."""

BRACKET_SPAN = 4
"""The characters brackets span in a paragraph (each ``[`` to its ``]``, each ``](`` to its
``)``, to the paragraph's end when left open), per character of the paragraph..."""

BRACKET_SLACK = 64
"""...plus this many, so that a short paragraph may hold an open bracket or two."""

MAX_SPLITS = 100
"""Headings, rules and quotes starting inside one block of lines (no blank line between them)."""

MAX_HTML_DEPTH = 64
"""HTML elements open at once (non-void elements, minus those closed)."""

TAG_SPAN = 4
"""The characters tags span in a file (each ``<`` that may open a tag to its ``>``, a comment
to its ``-->``, to the file's end when left open), per character of the file, plus
:data:`BRACKET_SLACK`."""

_MARKUP = re.compile(r"[<\[*_`&\\]")
_BRACKET = re.compile(r"[\[\]()]")
_TAG = re.compile(r"<(?:(!--)|(!\[)|[a-zA-Z/!?])")
_TAG_ENDS = (re.compile(r">"), re.compile(r"--\s*>"), re.compile(r"\]\s*\]\s*>"))  # a tag, a comment, CDATA
# What a line opens before its text: indentation, '>' and list markers, one after the other.
_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")
_RULE = re.compile(r"[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")  # a horizontal rule
_SPLITS = re.compile(r"[ \t]{0,3}(?:#|(?:[=\-*_][ \t]*)+$)")  # a heading, a rule, a heading's underline
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_VOID = "area base br col embed hr img input link meta source track wbr"  # never open
_CLOSED_BY_NEXT = "p li dt dd option optgroup tr td th thead tbody tfoot colgroup rp rt"
_NOT_NESTED = frozenset(f"{_VOID} {_CLOSED_BY_NEXT}".split(" "))
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}\.)(?:[ \t]|$)")  # a list item, as Python-Markdown reads one
_ROW = re.compile(r"[ \t]*\|")  # a table row


def too_big(path: str, size: int) -> Diagnostic:
    """The error for a file of ``size`` bytes, over :data:`MAX_FILE_BYTES`."""
    return Diagnostic(
        Location(path, 1),
        f"file is too large: {size:,} bytes (limit: {MAX_FILE_BYTES:,})",
        "split it into several files",
    )


def depth(line: str) -> int:
    """How many lists and block quotes ``line`` is nested in, at most: its '>' and list markers,
    and one level per 4 columns of indentation (as in Python-Markdown)."""
    if _RULE.match(line):
        return 0
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    levels = 0
    position = 0
    while True:
        found = _CONTAINER.match(line, position)
        if found is None:
            return levels + (len(indent) + 3 * indent.count("\t")) // 4
        levels += 1
        position = found.end()


def paragraphs(lines: list[str]) -> Iterator[tuple[int, int]]:
    """The runs of ``lines`` that Python-Markdown reads as one text, at least, as ranges of line
    indexes [start, end): each block of lines without a blank one, cut at each item when the
    block starts as a list and at each row when it starts as a table (anything else, quotes
    and lines that only look like items included, may be one paragraph: never cut)."""
    start: int | None = None
    cut: re.Pattern[str] | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            if start is not None:
                yield start, index
            start = None
        elif start is None:
            start = index
            cut = _ITEM if _ITEM.match(line) else _ROW if _ROW.match(line) else None
        elif cut is not None and cut.match(line):
            yield start, index
            start = index
    if start is not None:
        yield start, len(lines)


def bracket_span(text: str) -> int:
    """The characters Python-Markdown's link parsing scans in ``text``: each ``[`` to its
    ``]`` (or the end), each ``(`` right after a ``]`` to its ``)`` (or the end)."""
    span = 0
    squares: list[int] = []
    rounds: list[tuple[int, bool]] = []
    for found in _BRACKET.finditer(text):
        position, bracket = found.start(), found.group()
        if bracket == "[":
            squares.append(position)
        elif bracket == "]":
            if squares:
                span += position - squares.pop()
        elif bracket == "(":
            rounds.append((position, position > 0 and text[position - 1] == "]"))
        elif rounds:
            opened, scanned = rounds.pop()
            span += (position - opened) * scanned
    end = len(text)
    span += sum(end - position for position in squares)
    span += sum(end - position for position, scanned in rounds if scanned)
    return span


def splits(lines: list[str]) -> Iterator[tuple[int, int]]:
    """For each block of ``lines`` (no blank line inside), its first line and how many of its
    lines split it: headings, rules and underlines, quotes after a line that is not one."""
    start, count, quoted = 0, 0, False
    for index, line in enumerate(lines):
        if not line.strip():
            if count:
                yield start, count
            start, count, quoted = index + 1, 0, False
            continue
        quote = line.lstrip(" \t").startswith(">")
        if _SPLITS.match(line) or (quote and not quoted and index > start):
            count += 1
        quoted = quote
    if count:
        yield start, count


def html_depth(text: str) -> tuple[int, int]:
    """The most HTML elements open at once in ``text`` (a rough count: every non-void start
    tag opens one, every end tag closes one), and where the depth first goes over
    :data:`MAX_HTML_DEPTH` (else where the most is first reached)."""
    depth = deepest = where = 0
    for found in _HTML_TAG.finditer(text):
        if found.group(2).lower() in _NOT_NESTED:
            continue
        if found.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest <= MAX_HTML_DEPTH + 1:
                    where = found.start()
    return deepest, where


def tag_span(text: str) -> tuple[int, int]:
    """The characters Python's HTML parser scans in ``text`` for the ends of the tags, comments
    and CDATA sections it opens, and where the one spanning the most begins."""
    ends = [[found.end() for found in pattern.finditer(text)] for pattern in _TAG_ENDS]
    span = 0
    longest, widest = 0, -1
    for found in _TAG.finditer(text):
        kind = 1 if found.group(1) else 2 if found.group(2) else 0
        after = ends[kind]
        index = bisect_left(after, found.end() + 1)
        width = (after[index] if index < len(after) else len(text)) - found.start()
        span += width
        if width > widest:
            longest, widest = found.start(), width
    return span, longest


def check_body(path: str, body: str, first_line: int) -> list[Diagnostic]:
    """The limits ``body`` (a file's Markdown text, its first line at ``first_line``) is over:
    each limit once, at its first paragraph over it (the deepest line for nesting), with how
    many other paragraphs are over it too."""
    lines = body.split("\n")
    found = _text_problems(path, body, first_line) | _line_problems(path, lines, first_line)
    if "depth" in found:  # the paragraphs are not what Markdown would see: measured once it can read them
        return _once(found, "line")
    return _once(found | _paragraph_problems(path, lines, first_line), "paragraph")


Found = dict[str, list[Diagnostic]]  # the places over each limit, by limit


def _text_problems(path: str, body: str, first_line: int) -> Found:
    """The limits measured over the whole text: tags left open, HTML elements nested."""
    found: Found = {}
    span, longest = tag_span(body)
    limit = TAG_SPAN * len(body) + BRACKET_SLACK
    if span > limit:
        found["tags"] = [
            Diagnostic(
                Location(path, first_line + body.count("\n", 0, longest)),
                f"tags left open: the '<' that may open a tag or a comment span {span:,} characters in a text of "
                f"{len(body):,} (limit: {TAG_SPAN} times its length, plus {BRACKET_SLACK})",
                "close each tag with '>' and each comment with '-->', or write a literal '<' as '&lt;'",
            )
        ]
    nested, deepest = html_depth(body)
    if nested > MAX_HTML_DEPTH:
        found["html"] = [
            Diagnostic(
                Location(path, first_line + body.count("\n", 0, deepest)),
                f"HTML elements nested {nested:,} deep (limit: {MAX_HTML_DEPTH})",
                "close each HTML element you open, e.g. <div> with </div>",
            )
        ]
    return found


def _line_problems(path: str, lines: list[str], first_line: int) -> Found:
    """The limits measured line by line: blocks split too often, lists and quotes nested too deep."""
    found: Found = {}
    for start, count in splits(lines):
        if count > MAX_SPLITS:
            found.setdefault("splits", []).append(
                Diagnostic(
                    Location(path, first_line + start),
                    f"{count:,} headings, rules or quotes in one block of lines (limit: {MAX_SPLITS})",
                    "put a blank line before each heading, rule and quote",
                )
            )
    for index, line in enumerate(lines):
        level = depth(line)
        if level > MAX_DEPTH:
            found.setdefault("depth", []).append(
                Diagnostic(
                    Location(path, first_line + index),
                    f"lists or block quotes nested {level:,} levels deep (limit: {MAX_DEPTH})",
                    "nest fewer lists or quotes; write a literal '-' or '>' at a line's start as '\\-' or '\\>'",
                )
            )
    return found


def _paragraph_problems(path: str, lines: list[str], first_line: int) -> Found:
    """The limits measured paragraph by paragraph: inline markup, brackets left open."""
    found: Found = {}
    for start, end in paragraphs(lines):
        text = "\n".join(lines[start:end])
        where = Location(path, first_line + start)
        markup = len(_MARKUP.findall(text))
        if markup > MAX_MARKUP:
            found.setdefault("markup", []).append(
                Diagnostic(
                    where,
                    f"too much inline markup in one paragraph: {markup:,} of the characters < [ * _ ` & \\ "
                    f"(limit: {MAX_MARKUP:,})",
                    "split the paragraph with blank lines, or put code in a ``` block",
                )
            )
            continue
        span = bracket_span(text)
        limit = BRACKET_SPAN * len(text) + BRACKET_SLACK
        if span > limit:
            found.setdefault("brackets", []).append(
                Diagnostic(
                    where,
                    f"brackets left open or nested too deep: they span {span:,} characters in a paragraph of "
                    f"{len(text):,} (limit: {BRACKET_SPAN} times its length, plus {BRACKET_SLACK})",
                    "close each '[' with ']' and each '](' with ')', or write a literal bracket as '\\['",
                )
            )
    return found


def _once(found: Found, unit: str) -> list[Diagnostic]:
    """Each limit's first error, saying how many more places are over it."""
    problems = []
    for same in found.values():
        first = same[0]
        if len(same) > 1:
            more = f"{len(same) - 1:,} more {unit}" + ("s" if len(same) > 2 else "")
            first = Diagnostic(first.location, f"{first.message}; and {more} after it", first.hint)
        problems.append(first)
    return sorted(problems, key=lambda problem: problem.location.line)
