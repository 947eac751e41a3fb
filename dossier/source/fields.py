"""One declared table of front-matter (and settings) fields, and the coercion of raw YAML.

Each kind of file declares its fields once; :func:`coerce` turns the composed YAML entries
into plain Python values, reporting unknown fields, missing required fields and wrong types
at their line. Values are read from the text the editor typed, never from YAML's implicit
typing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dossier.errors import Diagnostic, Location
from dossier.errors import FieldError as FieldError  # defined in errors: config checks a URL without loading YAML
from dossier.model import EarlierSeed, ImageRef, PartialDate
from dossier.source.frontmatter import Entry
from dossier.text import languages
from dossier.text.characters import NONCHARACTER
from dossier.text.didyoumean import closest, did_you_mean
from dossier.text.slugs import is_slug

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a "\x07" escape can put in a value
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt]|[ \t]+\d)")  # a YAML timestamp: day, time, zone


def _scalar(node: Node) -> str | None:
    """The text of a scalar node as typed (None for an empty plain value)."""
    if not isinstance(node, ScalarNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a mapping"
        raise FieldError(f"expected a single value, not {kind}", "write one value on the line, e.g. 'key: value'")
    if not node.style and node.value in _NULLS:  # a plain scalar: style None (Python parser) or '' (libyaml)
        return None
    value = str(node.value)
    control = _CONTROL.search(value)
    if control:
        raise FieldError(f"control character U+{ord(control.group()):04X} is not allowed", "remove it")
    odd = NONCHARACTER.search(value)
    if odd:
        raise FieldError(f"non-character U+{ord(odd.group()):04X} is not allowed", "remove it")
    return value


def text(node: Node) -> str:
    value = _scalar(node)
    return "" if value is None else value.strip()


def date(node: Node) -> PartialDate:
    value = _scalar(node)
    if value is None:
        raise FieldError("expected a date", "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-03")
    timestamp = _TIMESTAMP.match(value.strip())
    if timestamp:
        raise FieldError(
            f"'{value}' has a time or a time zone: dates are YYYY, YYYY-MM or YYYY-MM-DD (write {timestamp.group(1)})"
        )
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def boolean(node: Node) -> bool:
    value = _scalar(node)
    if value is not None and value.lower() in _TRUE:
        return True
    if value is not None and value.lower() in _FALSE:
        return False
    raise FieldError(f"expected true or false, not '{value or ''}'", "true or false")


def integer(node: Node) -> int:
    value = _scalar(node) or ""
    try:
        return int(value)
    except ValueError:
        raise FieldError(f"expected a whole number, not '{value}'", "e.g. 1") from None


def slug(node: Node) -> str:
    """A slug: interned, as many records name the same article or topic (one object for all)."""
    value = text(node)
    if not is_slug(value):
        raise FieldError(f"'{value}' is not a slug (lower-case ASCII letters, digits and hyphens)")
    return sys.intern(value)


def language(node: Node) -> str:
    """A language tag (``en``, ``en-GB``) of a language CLDR knows, its case normalised."""
    value = text(node)
    tag = languages.normalised(value)
    if tag is None:
        raise FieldError(f"'{value}' is not a language tag dossier knows", languages.near(value))
    return sys.intern(tag)


def texts(node: Node) -> tuple[str, ...]:
    """A list of texts; a single value counts as a one-item list."""
    if isinstance(node, SequenceNode):
        items = []
        for item in node.value:
            if not isinstance(item, ScalarNode):
                raise FieldError("expected a list of single values, not a nested list or mapping", "e.g. [irak, iran]")
            items.append(text(item))
        return tuple(sys.intern(i) for i in items if i)  # topics, article slugs: the same few over and over
    if isinstance(node, MappingNode):
        raise FieldError("expected a list, not a mapping", "e.g. [irak, iran]")
    value = text(node)
    return (sys.intern(value),) if value else ()


def slugs(node: Node) -> tuple[str, ...]:
    values = texts(node)
    for value in values:
        if not is_slug(value):
            raise FieldError(f"'{value}' is not a slug (lower-case ASCII letters, digits and hyphens)")
    return values


_SEED_KEYS = ("seed", "sha256")
_SEED_EXAMPLE = "e.g. [{seed: seeds/x.txt, sha256: <its SHA-256>}]"


def earlier_seeds(node: Node) -> tuple[EarlierSeed, ...]:
    """An article's earlier seeds, oldest first: a list of ``{seed: PATH, sha256: HASH}``."""
    if not isinstance(node, SequenceNode):
        if isinstance(node, ScalarNode) and _scalar(node) is None:
            return ()
        raise FieldError("expected a list of {seed, sha256} mappings", _SEED_EXAMPLE)
    return tuple(_earlier_seed(item) for item in node.value)


Checks = Mapping[str, Callable[[str], object]]
"""A key's own check of its text (raising :class:`FieldError`, whose message names the key)."""


def texts_by_key(
    node: Node,
    keys: Sequence[str],
    noun: str,
    example: str,
    required: int = 0,
    listed: bool = False,
    checks: Checks | None = None,
) -> dict[str, str]:
    """A mapping of texts whose keys are among ``keys``, the first ``required`` of them given,
    each passing its ``checks``; ``noun`` names it in the messages ("earlier seed"), ``listed``
    when it is one of a list. Every problem is said, each at its own line."""
    a = "an" if noun[0] in "aeiou" else "a"
    if not isinstance(node, MappingNode):
        shape = f"{'each' if listed else 'the'} {noun} is a mapping with {' and '.join(keys[: max(required, 1)])}"
        raise FieldError(shape, example)
    values, problems = keyed_texts(node, keys, lambda key: f"unknown key '{key}' in {a} {noun}", example, checks)
    missing = [key for key in keys[:required] if not values.get(key) and key not in problems.meant]
    if missing:
        problems.empty(missing[0], f"{a} {noun} without its {missing[0]}", example)
    if problems.found:
        raise FieldError.together(problems.found)
    return values


@dataclass
class KeyProblems:
    found: list[FieldError] = field(default_factory=list)
    meant: set[str] = field(default_factory=set)  # the keys an unknown key was taken for: not said missing too
    lines: dict[str, int] = field(default_factory=dict)  # the line of each key given (in its YAML document)

    def empty(self, key: str, message: str, hint: str) -> None:
        """``key`` given empty, or not given (nor meant by an unknown key): said at its line, or the mapping's."""
        if key not in self.meant:
            self.found.append(FieldError(message, hint, at=self.lines.get(key)))


def keyed_texts(
    node: MappingNode, keys: Sequence[str], unknown: Callable[[str], str], example: str, checks: Checks | None = None
) -> tuple[dict[str, str], KeyProblems]:
    """The texts of a mapping by key, and every problem found in it, each at its own line: an
    unknown key (``unknown`` says it), a value that is no text, a text its key's check refuses."""
    values: dict[str, str] = {}
    problems = KeyProblems()
    for key_node, value_node in node.value:
        key = text(key_node) if isinstance(key_node, ScalarNode) else ""
        if key in problems.lines:
            hint = "give each key once: only one of the values can be taken"
            problems.found.append(FieldError(f"duplicated key '{key}'", hint, at=key_node.start_mark.line))
            continue
        if key not in keys:
            near = closest(key, keys)
            problems.meant.update(near[:1])
            hint = did_you_mean(key, keys) or example
            problems.found.append(FieldError(unknown(key), hint, at=key_node.start_mark.line))
            continue
        problems.lines[key] = key_node.start_mark.line
        try:
            values[key] = text(value_node)
        except FieldError as exc:
            problems.found.append(FieldError(f"{key}: {exc}", exc.hint, at=value_node.start_mark.line))
            problems.meant.add(key)  # said once: not "missing" too
            continue
        try:
            if values[key] and checks is not None and key in checks:
                checks[key](values[key])
        except FieldError as exc:
            problems.found.append(FieldError(str(exc), exc.hint, at=value_node.start_mark.line))
    return values, problems


def _earlier_seed(node: Node) -> EarlierSeed:
    values = texts_by_key(node, _SEED_KEYS, "earlier seed", _SEED_EXAMPLE, required=2, listed=True)
    return EarlierSeed(values["seed"], values["sha256"])


_IMAGE_KEYS = ("src", "alt", "caption", "credit")
_IMAGE_EXAMPLE = "e.g. {src: ../media/carte.png, alt: Carte des bases américaines, credit: AFP}"


def image(node: Node) -> ImageRef:
    """An image of ``content/media/``: ``{src: PATH, alt: TEXT, caption: TEXT, credit: TEXT}``,
    ``src`` and ``alt`` required (the text read to who cannot see the image)."""
    if not isinstance(node, MappingNode):
        raise FieldError("expected a mapping with src, alt and optionally caption and credit", _IMAGE_EXAMPLE)
    known = "known keys: " + ", ".join(_IMAGE_KEYS)
    values, problems = keyed_texts(node, _IMAGE_KEYS, lambda key: f"unknown key '{key}' in an image", known)
    if not values.get("src"):
        problems.empty("src", "an image without its src", _IMAGE_EXAMPLE)
    if not values.get("alt"):
        hint = "describe what the image shows for readers who cannot see it: alt: Carte des bases américaines"
        problems.empty("alt", "an image without alt text", hint)
    if problems.found:
        raise FieldError.together(problems.found)
    return ImageRef(values["src"], values["alt"], values.get("caption", ""), values.get("credit", ""))


@dataclass(frozen=True)
class Field:
    name: str
    convert: Callable[[Node], Any]
    required: bool = False
    attr: str = ""  # the dataclass attribute, when it differs from the name

    @property
    def target(self) -> str:
        return self.attr or self.name


@dataclass(frozen=True)
class Coerced:
    values: dict[str, Any]
    lines: dict[str, int]
    problems: list[Diagnostic]


def coerce(path: str, entries: Sequence[Entry], table: Sequence[Field], noun: str = "field") -> Coerced:
    """Raw entries → values keyed by attribute name, with every problem at its line."""
    known = {f.name: f for f in table}
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    problems: list[Diagnostic] = []
    for entry in entries:
        spec = known.get(entry.key)
        if spec is None:
            problems.append(_unknown(path, entry, known, noun))
            continue
        lines[spec.target] = entry.line
        try:
            value = spec.convert(entry.node)
        except FieldError as exc:
            problems += [_said(path, entry, problem) for problem in exc.every()]
            continue
        if value in ("", ()) and spec.required:
            problems.append(Diagnostic(Location(path, entry.line), f"'{entry.key}' must not be empty"))
            continue
        values[spec.target] = value
    problems += _missing(path, entries, table, noun)
    return Coerced(values, lines, problems)


def _said(path: str, entry: Entry, problem: FieldError) -> Diagnostic:
    """A problem of the field ``entry``, at the line of the part at fault when it is known."""
    line = entry.line if problem.at is None or entry.origin is None else entry.origin + problem.at
    return Diagnostic(Location(path, line), f"'{entry.key}': {problem}", problem.hint)


def _unknown(path: str, entry: Entry, known: Mapping[str, Field], noun: str) -> Diagnostic:
    hint = did_you_mean(entry.key, known) or "known fields: " + ", ".join(sorted(known))
    return Diagnostic(Location(path, entry.line), f"unknown {noun} '{entry.key}'", hint)


def _missing(path: str, entries: Sequence[Entry], table: Sequence[Field], noun: str) -> list[Diagnostic]:
    """An error for each required field the entries lack, in the table's order."""
    given = {e.key for e in entries}
    return [
        Diagnostic(Location(path, 1), f"missing required {noun} '{spec.name}'", f"add a line '{spec.name}: ...'")
        for spec in table
        if spec.required and spec.name not in given
    ]
