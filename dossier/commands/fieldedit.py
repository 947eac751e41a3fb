"""Editing a content file's fields in place: every other line stays byte for byte.

An editor's file is theirs: its order, comments, quoting and line endings. A tool that
changes one field (a note's quote after its article changed, its kind from the preview,
an article's seed history after an update) rewrites that field's lines only, and the
body only when asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from yaml.nodes import ScalarNode

from dossier.errors import ContentErrors
from dossier.model import PartialDate
from dossier.source.frontmatter import FENCES, Entry, split

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def yaml_value(value: object) -> str:
    """``value`` as one line of YAML that reads back as the text it is: strings quoted (JSON is
    YAML), lists and mappings in flow style, dates in ISO form, booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        pairs = (f"{_key(str(k))}: {yaml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, PartialDate):
        return value.iso()
    return json.dumps(str(value), ensure_ascii=False)


def _key(name: str) -> str:
    return name if _PLAIN_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _plain(value: str) -> bool:
    """Whether ``value`` written without quotes reads back as itself, on one line."""
    if not value or value != value.strip() or "\n" in value or "\r" in value:
        return False
    try:
        node = yaml.compose(f"k: {value}", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if node is None or not node.value:
        return False
    scalar = node.value[0][1]
    return isinstance(scalar, ScalarNode) and scalar.style is None and scalar.value == value


NEW = "new"  # the style of a field the file lacks: written as yaml_value writes it
PLAIN = ""  # a plain scalar's style, as the front matter's composer gives it ("" for the fast composer)


def _styled(value: object, style: str | None) -> str:
    """``value`` written as the field was: a plain text stays plain when it can."""
    if isinstance(value, str) and style in (None, PLAIN) and _plain(value):
        return value
    return yaml_value(value)


@dataclass(frozen=True)
class _Span:
    first: int  # index of the key's line
    last: int  # index of the value's last line
    tail: str  # what follows a one-line value on its line (a comment, the line ending)
    style: str | None  # the value's quoting: plain (None or ""), "'" or '"'; "[" for a list or mapping


def _spans(path: str, text: str) -> tuple[dict[str, _Span], int]:
    """Each front-matter key's lines (0-based), and the index of the closing fence."""
    document, problems = split(path, text)
    if document is None:
        raise ContentErrors(problems)
    lines = text.split("\n")
    fence = next(i for i in range(1, len(lines)) if lines[i].rstrip() in FENCES)
    return {entry.key: _span(entry, lines, fence) for entry in document.entries}, fence


def _span(entry: Entry, lines: list[str], fence: int) -> _Span:
    """The lines of one front-matter entry (0-based indexes in ``lines``)."""
    first = entry.line - 1
    end = entry.node.end_mark
    last = 1 + end.line - (1 if end.column == 0 and end.line + 1 > first else 0)
    last = max(first, min(last, fence - 1))
    while last > first and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1  # comments and blank lines after a block value are not the value's
    tail = ""
    if last == first and entry.node.end_mark.line == entry.node.start_mark.line:
        tail = lines[first][entry.node.end_mark.column :].rstrip("\r")
    style = entry.node.style if isinstance(entry.node, ScalarNode) else "["
    return _Span(first, last, tail, style)


def edited(path: str, text: str, fields: Mapping[str, object | None], body: str | None = None, after: str = "") -> str:
    """``text`` (a content file at ``path``) with each of ``fields`` set to its value (``None``:
    the field removed; a new field goes after the field ``after`` when there is one, else
    last), and the body replaced when ``body`` is given.

    Every other line is kept as written: order, comments, quoting, line endings.
    Raises :class:`ContentErrors` when the file's front matter cannot be read.
    """
    spans, fence = _spans(path, text)
    lines = _LINE.findall(text)
    newline = next((e for e in ("\r\n", "\r", "\n") if lines and lines[0].endswith(e)), "\n")
    replaced, added = _replacements(spans, fields, newline)
    head = [_ended(new, newline) for new in _kept(lines[:fence], replaced)]
    if added:
        anchor = spans.get(after)
        at = len(head) if anchor is None else _kept_before(anchor.last + 1, replaced)
        head[at:at] = added
    closing = _ended(lines[fence] if fence < len(lines) else "---", newline)
    rest = "".join(lines[fence + 1 :])
    if body is not None:
        blank = "".join(_leading_blank(lines[fence + 1 :]))
        text_body = body.strip("\n").replace("\r\n", "\n").replace("\r", "\n")
        rest = blank + text_body.replace("\n", newline) + newline
    return "".join(head) + closing + rest


def _replacements(
    spans: Mapping[str, _Span], fields: Mapping[str, object | None], newline: str
) -> tuple[dict[int, str | None], list[str]]:
    """Line index → its new text (None: dropped), and the lines of fields the file lacks."""
    replaced: dict[int, str | None] = {}
    added: list[str] = []
    for key, value in fields.items():
        span = spans.get(key)
        line = None if value is None else f"{key}: {_styled(value, span.style if span else NEW)}"
        if span is None:
            if line is not None:
                added.append(line + newline)
            continue
        for index in range(span.first, span.last + 1):
            replaced[index] = None
        if line is not None:
            replaced[span.first] = line + (span.tail if span.tail.strip() else "") + newline
    return replaced, added


def _kept(lines: list[str], replaced: Mapping[int, str | None]) -> list[str]:
    out: list[str] = []
    for index, current in enumerate(lines):
        new = replaced.get(index, current) if index in replaced else current
        if new is not None:
            out.append(new)
    return out


def _ended(line: str, newline: str) -> str:
    return line if line.endswith(("\n", "\r")) else line + newline


def _kept_before(index: int, replaced: Mapping[int, str | None]) -> int:
    """How many lines of the new head come before the old line ``index``."""
    return index - sum(1 for i, new in replaced.items() if i < index and new is None)


def _leading_blank(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line.strip():
            break
        out.append(line)
    return out
