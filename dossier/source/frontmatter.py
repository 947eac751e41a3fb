"""Split a Markdown file into YAML front matter and body, keeping line numbers.

The YAML is *composed*, never constructed: values stay the text the editor typed (so
``NO``, ``on`` or ``1e3`` are not turned into booleans or floats, and ``2024`` is not an
int), explicit tags and aliases are refused, and every key keeps its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dossier.errors import Diagnostic, Location

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
FENCES = ("---", "...")  # the lines that open and close the front matter


@dataclass(frozen=True)
class Entry:
    """One front-matter key with its raw YAML value node and its line in the file."""

    key: str
    node: Node
    line: int
    origin: int | None = None  # the file's line of the YAML document's first line, when known


@dataclass(frozen=True)
class Document:
    path: str
    entries: tuple[Entry, ...]
    body: str
    body_line: int


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no "billion laughs") at composition time."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed here", event.start_mark)
        return super().compose_node(parent, index)


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Bytes → text with LF line endings and no BOM, or a diagnostic at the bad line."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, [
            Diagnostic(Location(path, line), "binary file (contains NUL bytes)", "content files are UTF-8 text")
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        return None, [Diagnostic(Location(path, line), message, "save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


def _plain(node: Node) -> bool:
    """No alias (a node met twice) and only standard tags: what the careful parser would accept."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen or current.tag not in _STANDARD_TAGS:
            return False
        seen.add(id(current))
        if isinstance(current, SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, MappingNode):
            stack.extend(n for pair in current.value for n in pair)
    return True


def compose(path: str, text: str, first_line: int = 1) -> tuple[Node | None, list[Diagnostic]]:
    """YAML text → its node tree (or diagnostics), lines counted from ``first_line``.

    libyaml composes the usual, valid front matter fast; anything it refuses, and anything
    with an alias, a tag or a character the pure-Python parser refuses, is composed again by
    the pure-Python parser, whose messages (and refusal of aliases) are the ones reported.
    """
    accepted, fast = _compose_fast(text)
    if accepted:
        return fast, []
    try:
        node = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [_invalid(path, text, first_line, exc)]
    refused = [] if node is None else _refused_nodes(path, first_line, node)
    return (None, refused) if refused else (node, [])


def _compose_fast(text: str) -> tuple[bool, Node | None]:
    """Whether libyaml composed ``text`` to what the careful parser would give, and the node tree it gave."""
    if _FAST_LOADER is None or _NON_PRINTABLE.search(text):
        return False, None
    try:
        fast = yaml.compose(text, Loader=_FAST_LOADER)
    except (yaml.YAMLError, RecursionError):
        return False, None
    return fast is None or _plain(fast), fast


def _invalid(path: str, text: str, first_line: int, exc: yaml.YAMLError | RecursionError) -> Diagnostic:
    """The diagnostic for YAML the careful parser refused."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = first_line + text.count("\n", 0, exc.position)
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        message = f"invalid YAML: character U+{character:04X} is not allowed"
        return Diagnostic(Location(path, line), message, "remove the control character")
    if isinstance(exc, RecursionError):
        return Diagnostic(Location(path, first_line), "invalid YAML: lists or mappings nested too deeply")
    if isinstance(exc, yaml.MarkedYAMLError):
        return _marked(path, first_line, exc)
    return Diagnostic(Location(path, first_line), f"invalid YAML: {exc}")


def _marked(path: str, first_line: int, exc: yaml.MarkedYAMLError) -> Diagnostic:
    """A syntax error at the line the parser marked, with the construct it was in as the hint."""
    mark = exc.problem_mark or exc.context_mark
    line = first_line + (mark.line if mark else 0)
    hint = ""
    if exc.context and exc.context_mark:
        hint = f"{exc.context} at line {first_line + exc.context_mark.line}"
    return Diagnostic(Location(path, line), f"invalid YAML: {exc.problem or 'syntax error'}", hint)


def _refused_nodes(path: str, first_line: int, node: Node) -> list[Diagnostic]:
    """The error for the first tag that is not standard, else for the first surrogate escape (none: [])."""
    bad = _first_bad_tag(node)
    if bad is not None:
        line = first_line + bad.start_mark.line
        message = f"YAML tag '{bad.tag}' is not allowed"
        return [Diagnostic(Location(path, line), message, "remove the tag")]
    halved = _first_surrogate(node)
    if halved is not None:
        return [_surrogate(path, first_line, halved)]
    return []


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PAIR = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")


def _first_surrogate(node: Node) -> ScalarNode | None:
    """The first scalar (key or value) holding a surrogate, which only an escape such as
    ``"\\ud800"`` can put there (libyaml refuses them; PyYAML keeps them, and they cannot be
    written as UTF-8)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            if _SURROGATE.search(current.value):
                return current
        elif isinstance(current, SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, MappingNode):
            stack.extend(n for pair in reversed(current.value) for n in reversed(pair))
    return None


def _surrogate(path: str, first_line: int, node: ScalarNode) -> Diagnostic:
    value = node.value
    found = _SURROGATE.search(value)
    code = f"\\u{ord(found.group()):04x}" if found else "\\u"
    pair = _PAIR.search(value)
    if pair is not None:
        character = pair.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        hint = f"write the character itself, or its escape \\U{ord(character):08X}"
    else:
        hint = "write the character itself, or remove the escape"
    message = f"invalid YAML: the escape '{code}' is half of a UTF-16 surrogate pair, not a character"
    return Diagnostic(Location(path, first_line + node.start_mark.line), message, hint)


def _first_bad_tag(node: Node) -> Node | None:
    if node.tag not in _STANDARD_TAGS:
        return node
    children: list[Node] = []
    if isinstance(node, SequenceNode):
        children = list(node.value)
    elif isinstance(node, MappingNode):
        children = [n for pair in node.value for n in pair]
    for child in children:
        bad = _first_bad_tag(child)
        if bad is not None:
            return bad
    return None


def mapping_entries(
    path: str, node: Node | None, first_line: int, what: str
) -> tuple[tuple[Entry, ...], list[Diagnostic]]:
    """The key/value entries of a YAML mapping; duplicated or non-text keys are errors."""
    if node is None:
        return (), []
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        line = first_line + node.start_mark.line
        return (), [Diagnostic(Location(path, line), f"{what} must be a mapping of keys to values, not {kind}")]
    entries: list[Entry] = []
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, ScalarNode):
            problems.append(Diagnostic(Location(path, line), "a key must be a plain name"))
            continue
        key = key_node.value
        if key in seen:
            problems.append(Diagnostic(Location(path, line), f"duplicated key '{key}' (first at line {seen[key]})"))
            continue
        seen[key] = line
        entries.append(Entry(key, value_node, line, first_line))
    return tuple(entries), problems


def split(path: str, text: str) -> tuple[Document | None, list[Diagnostic]]:
    """A file's text → front-matter entries and body, and diagnostics.

    A duplicated key is reported but does not stop the reading of the other fields.
    """
    lines = text.split("\n")
    if not text.strip():
        return None, [Diagnostic(Location(path, 1), "empty file", "start with a '---' front matter block")]
    if lines[0].rstrip() != "---":
        return None, [
            Diagnostic(
                Location(path, 1),
                "no front matter: the file must start with a '---' line",
                "add a YAML block between two '---' lines at the top",
            )
        ]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in FENCES), None)
    if end is None:
        return None, [
            Diagnostic(Location(path, 1), "front matter is not closed", "add a '---' line after the last field")
        ]
    node, problems = compose(path, "\n".join(lines[1:end]), first_line=2)
    if problems:
        return None, problems
    entries, problems = mapping_entries(path, node, 2, "front matter")
    if not entries and problems:
        return None, problems
    body = "\n".join(lines[end + 1 :])
    return Document(path, entries, body, end + 2), problems
