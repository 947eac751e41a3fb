"""Editing a content file's fields in place: every other line stays byte for byte.

An editor's file is theirs: its order, comments, quoting and line endings. A tool that
changes one field (a note's quote after its article changed, its kind from the preview,
an article's seed history after an update) rewrites that field's lines only, and the
body only when asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


# -- a list field, item by item ---------------------------------------------------------------------


def list_edited(path: str, text: str, key: str, values: Sequence[str]) -> str:
    """``text`` with the list field ``key`` holding ``values``: the items it keeps stay as written
    (their quoting, the list's flow or block style, comments), the items not in ``values`` go, and
    the new ones are added after the last, quoted as the last item is. A field the file lacks, or
    that holds no item, is written whole as :func:`edited` writes it.

    Raises :class:`ContentErrors` when the file's front matter cannot be read.
    """
    document, problems = split(path, text)
    if document is None:
        raise ContentErrors(problems)
    node = next((e.node for e in document.entries if e.key == key), None)
    items = _items(node) if node is not None else ()
    if node is None or not items or not values:
        return edited(path, text, {key: list(values) or None})
    kept_text = _items_edited(_LINE.findall(text), node, items, values)
    return edited(path, text, {key: list(values)}) if kept_text is None else kept_text


def _items_edited(lines: Sequence[str], node: Node, items: Sequence[ScalarNode], values: Sequence[str]) -> str | None:
    """The file's ``lines`` with the list ``node`` (of ``items``) holding ``values``, every item kept as
    written; None when the list is not written in a way kept here (an item on the line under its dash)."""
    gone = [item for item in items if item.value not in values]
    known = {item.value for item in items}
    new = [value for value in dict.fromkeys(values) if value not in known]
    if isinstance(node, ScalarNode):
        return _scalar_edited(lines, node, bool(gone), new)
    if getattr(node, "flow_style", False):
        return _flow_edited(lines, items, gone, new)
    if not all(_dashed(lines, item) for item in items):
        return None
    return _block_edited(lines, items, gone, new)


def _items(node: Node) -> tuple[ScalarNode, ...]:
    """The one-line text items of a list (a single text counts as a one-item list); () for anything else."""
    nodes = node.value if isinstance(node, SequenceNode) else [node]
    if isinstance(node, MappingNode) or not all(isinstance(n, ScalarNode) for n in nodes):
        return ()
    scalars = tuple(n for n in nodes if isinstance(n, ScalarNode))
    if any(n.style in ("|", ">") or n.start_mark.line != n.end_mark.line for n in scalars):
        return ()
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return ()  # an empty field
    return scalars


def _dashed(lines: Sequence[str], item: ScalarNode) -> bool:
    """Whether a block list's item is on its dash's line, after it (``  - a``)."""
    return lines[item.start_mark.line + 1][: item.start_mark.column].strip() == "-"


def _item(value: str, like: ScalarNode, flow: bool) -> str:
    """``value`` as a list item quoted as ``like`` is (plain when ``value`` can be)."""
    if like.style == "'":
        return "'" + value.replace("'", "''") + "'"
    if flow and any(c in value for c in ",[]{}"):
        return yaml_value(value)
    return _styled(value, like.style)


def _offset(lines: Sequence[str], mark: Mark) -> int:
    """Where a mark of the front matter's YAML is in the file's text (its YAML starts on the file's second line)."""
    return sum(len(line) for line in lines[: mark.line + 1]) + mark.column


def _scalar_edited(lines: Sequence[str], node: ScalarNode, gone: bool, new: Sequence[str]) -> str:
    """A single text (a one-item list) made a flow list: itself, as written, unless it is ``gone``, then ``new``."""
    text = "".join(lines)
    start, end = _offset(lines, node.start_mark), _offset(lines, node.end_mark)
    items = ([] if gone else [text[start:end]]) + [_item(v, node, True) for v in new]
    return text[:start] + "[" + ", ".join(items) + "]" + text[end:]


_Edit = tuple[int, int, str]  # the text from one offset to another replaced by a new one


def _flow_edited(
    lines: Sequence[str], items: Sequence[ScalarNode], gone: Sequence[ScalarNode], new: Sequence[str]
) -> str:
    """A flow list (``[a, "b"]``) with the items ``gone`` taken out and ``new`` added after the last kept."""
    text = "".join(lines)
    starts = [_offset(lines, n.start_mark) for n in items]
    ends = [_offset(lines, n.end_mark) for n in items]
    edits: list[_Edit] = [(start, end, "") for start, end in _cuts(starts, ends, [n in gone for n in items])]
    if new:
        kept = [i for i, n in enumerate(items) if n not in gone]
        edits.append(_addition(text, starts, ends, kept[-1] if kept else -1, [_item(v, items[-1], True) for v in new]))
    for start, end, insert in sorted(edits, reverse=True):
        text = text[:start] + insert + text[end:]
    return text


def _addition(text: str, starts: Sequence[int], ends: Sequence[int], after: int, added: Sequence[str]) -> _Edit:
    """The items ``added`` inserted in a flow list after its item ``after`` (-1: where the first item was,
    all of them gone), separated as its last two items are."""
    separator = _separator(text, starts, ends)
    if after < 0:
        return starts[0], starts[0], separator.join(added)
    return ends[after], ends[after], separator + separator.join(added)


def _cuts(starts: Sequence[int], ends: Sequence[int], gone: Sequence[bool]) -> list[tuple[int, int]]:
    """The spans of a flow list's text that go with its items ``gone``: each with the separator before it,
    the first with the separator after it when an item stays after it."""
    cuts = [(ends[i - 1] if i else starts[0], ends[i]) for i in range(len(gone)) if gone[i]]
    first = next((i for i in range(len(gone)) if not gone[i]), 0)
    if first:  # the first item left has no separator before it any more
        cuts.append((ends[first - 1], starts[first]))
    return cuts


def _separator(text: str, starts: Sequence[int], ends: Sequence[int]) -> str:
    """What separates a flow list's last two items (``", "``, or a comma and a line break), or ``", "``."""
    between = text[ends[-2] : starts[-1]] if len(starts) > 1 else ", "
    return between if between.strip() == "," else ", "


def _block_edited(
    lines: Sequence[str], items: Sequence[ScalarNode], gone: Sequence[ScalarNode], new: Sequence[str]
) -> str:
    """A block list (``- a`` lines) with the lines of the items ``gone`` taken out and ``new`` added after the last."""
    last = items[-1]
    at = last.end_mark.line + 2  # the file's line after the last item's
    line = lines[at - 1]
    prefix = line[: last.start_mark.column]
    newline = line[len(line.rstrip("\r\n")) :] or "\n"
    out = list(lines)
    out[at:at] = [prefix + _item(value, last, False) + newline for value in new]
    for item in sorted(gone, key=lambda n: n.start_mark.line, reverse=True):
        del out[item.start_mark.line + 1]
    return "".join(out)
