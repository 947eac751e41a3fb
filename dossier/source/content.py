"""Find the content files, split their front matter and coerce their fields into records."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from dossier.errors import Diagnostic, Location
from dossier.model import (
    NOTE_KINDS,
    Annotation,
    Article,
    Event,
    Keywords,
    Origin,
    Page,
    PartialDate,
    Record,
    Topic,
    frozen_map,
)
from dossier.project import ANNOTATIONS, ARTICLES, PAGES, TIMELINE, TOPICS
from dossier.source import aliases, discovery, limits
from dossier.source import fields as f
from dossier.source.discovery import unsafe_path
from dossier.source.fields import Field, FieldError
from dossier.source.frontmatter import decode, split
from dossier.text.didyoumean import did_you_mean
from dossier.text.slugs import is_slug, slugify


def _note_kind(node: Node) -> str:
    value = f.text(node)
    if value not in NOTE_KINDS:
        expected = "expected one of " + ", ".join(NOTE_KINDS)
        raise FieldError(f"unknown kind '{value}': {expected}", did_you_mean(value, NOTE_KINDS))
    return NOTE_KINDS[NOTE_KINDS.index(value)]  # the one object for every note of this kind


_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def _keywords(node: Node) -> Keywords:
    """A list (every language) or a mapping of languages to lists: ``{fr: [Irak], en: [Iraq]}``."""
    if not isinstance(node, MappingNode):
        return Keywords(common=f.texts(node))
    by_language: dict[str, tuple[str, ...]] = {}
    for key_node, value in node.value:
        key = f.text(key_node) if isinstance(key_node, ScalarNode) else ""
        if not _LANGUAGE.match(key):
            raise FieldError(f"'{key}' is not a language code: write {{fr: [...], en: [...]}} or a plain list")
        if key in by_language:
            raise FieldError(f"language '{key}' is given twice", "give each language's keywords once")
        by_language[key] = f.texts(value)
    return Keywords(by_language=tuple(by_language.items()))


def _note_date(node: Node) -> PartialDate:
    """A note's ``date``: when it was written (its annotation's ``created``)."""
    try:
        return f.date(node)
    except FieldError as exc:
        raise FieldError(str(exc), exc.hint or _NOTE_DATE_HINT) from None


_NOTE_DATE_HINT = "the day the note was written, e.g. date: 2024-03-06; or no date at all"


@dataclass(frozen=True)
class Kind:
    folder: str
    table: tuple[Field, ...]
    build: Callable[..., Record]
    body_required: bool


KINDS: tuple[Kind, ...] = (
    Kind(
        ARTICLES,
        (
            Field("title", f.text, required=True),
            Field("date", f.date, required=True),
            Field("topics", f.texts),
            Field("source", f.text),
            Field("summary", f.text),
            Field("seed", f.text),
            Field("seed_sha256", f.text),
            Field("draft", f.boolean),
            Field("earlier_seeds", f.earlier_seeds),
            Field("lang", f.language),
            Field("slug", f.slug),  # stable URLs: overrides the file name
            Field("aliases", aliases.aliases),  # stable URLs: former paths, redirected
            Field("image", f.image),
        ),
        Article,
        body_required=True,
    ),
    Kind(
        ANNOTATIONS,
        (
            Field("article", f.slug, required=True),
            Field("quote", f.text, required=True),
            Field("prefix", f.text),
            Field("suffix", f.text),
            Field("kind", _note_kind, required=True),
            Field("topics", f.texts),
            Field("lang", f.language),
            Field("date", _note_date),
        ),
        Annotation,
        body_required=True,
    ),
    Kind(
        TIMELINE,
        (
            Field("title", f.text, required=True),
            Field("date", f.date, required=True),
            Field("end", f.date),
            Field("topics", f.texts),
            Field("articles", f.slugs),
            Field("lang", f.language),
            Field("slug", f.slug),  # stable URLs: overrides the file name (the event's anchor)
            Field("media", f.image),
        ),
        Event,
        body_required=False,
    ),
    Kind(
        TOPICS,
        (
            Field("label", f.text, required=True),
            Field("keywords", _keywords),
            Field("lang", f.language),
            Field("slug", f.slug),  # stable URLs: overrides the file name
            Field("aliases", aliases.aliases),  # stable URLs: former paths, redirected
            Field("image", f.image),
        ),
        Topic,
        body_required=False,
    ),
    Kind(
        PAGES,
        (
            Field("title", f.text, required=True),
            Field("summary", f.text),
            Field("menu", f.integer),
            Field("draft", f.boolean),
            Field("lang", f.language),
            Field("slug", f.slug),  # stable URLs: overrides the file name
            Field("aliases", aliases.aliases),  # stable URLs: former paths, redirected
        ),
        Page,
        body_required=True,
    ),
)
KIND_BY_FOLDER = {kind.folder: kind for kind in KINDS}


@dataclass(frozen=True)
class Content:
    articles: tuple[Article, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    events: tuple[Event, ...] = ()
    topics: tuple[Topic, ...] = ()
    pages: tuple[Page, ...] = ()
    unreadable: frozenset[str] = frozenset()
    """the content files (paths from the project's root) that gave no record: their own errors say
    why, and a reference to one of them is not said to be broken too"""


def discover(root: Path) -> tuple[list[tuple[Kind, Path]], list[Diagnostic]]:
    """Every content file under ``root/content``, with its kind; stray files are errors."""
    found, problems = discover_files(root)
    return [(kind, Path(path)) for kind, path in found], problems


def discover_files(root: Path) -> tuple[list[tuple[Kind, str]], list[Diagnostic]]:
    """:func:`discover` with absolute path strings (see :func:`dossier.source.discovery.walk`)."""
    found, problems = discovery.walk(root)
    return [(KIND_BY_FOLDER[folder], path) for folder, path, _ in found], problems


def load_file(root: Path, kind: Kind, path: Path, data: bytes | None = None) -> tuple[Record | None, list[Diagnostic]]:
    """One file → its record, or the diagnostics that prevent it (``data``: its bytes, when already read)."""
    rel = path.relative_to(root).as_posix()
    if data is None:
        data, size, unread = _read(root, path, rel)
        if data is None:
            return None, unread
    else:
        size = len(data)
    if size > limits.MAX_FILE_BYTES:
        return None, [limits.too_big(rel, size)]
    text, problems = decode(rel, data)
    if text is None:
        return None, problems
    document, problems = split(rel, text)
    if document is None:
        return None, problems
    coerced = f.coerce(rel, document.entries, kind.table)
    problems += coerced.problems
    values: dict[str, Any] = dict(coerced.values)
    slug = values.pop("slug", "")  # ``slug:`` names the record; the file name then names nothing
    problems += _slug_problems(rel, path, named="slug" in coerced.lines)
    body = document.body.strip("\n")
    if kind.body_required and _blank(body) and not coerced.values.get("draft"):
        problems.append(_empty_body(rel, kind, body, document.body_line))
    problems += limits.check_body(rel, document.body, document.body_line)
    if problems:
        return None, problems
    origin = Origin(rel, frozen_map(coerced.lines), document.body_line + _leading_blank_lines(document.body))
    return kind.build(slug=slug or path.stem, body=body, origin=origin, **values), []


def _read(root: Path, path: Path, rel: str) -> tuple[bytes | None, int, list[Diagnostic]]:
    """The bytes of ``path`` (at most the limit and one byte) and its size, or the diagnostics why it cannot be read."""
    refused = unsafe_path(root, path)
    if refused is not None:
        return None, 0, [refused]
    try:
        with path.open("rb") as file:  # never more than the limit in memory
            data = file.read(limits.MAX_FILE_BYTES + 1)
            size = max(os.fstat(file.fileno()).st_size, len(data))
    except OSError as exc:
        return None, 0, [Diagnostic(Location(rel, 0), f"cannot read file: {exc.strerror}")]
    return data, size, []


def _slug_problems(rel: str, path: Path, named: bool = False) -> list[Diagnostic]:
    """The error for a file name that is not a slug (the slug of a record is its file name, unless
    it is ``named`` by a ``slug:`` line)."""
    stem = path.stem
    if named or is_slug(stem):
        return []
    suggestion = slugify(stem)
    hint = f"rename it to '{suggestion}.md'" if suggestion else "use lower-case ASCII letters, digits and hyphens"
    return [Diagnostic(Location(rel, 1), f"file name '{path.name}' is not a valid slug", hint)]


def _empty_body(rel: str, kind: Kind, body: str, body_line: int) -> Diagnostic:
    """The error for a text a reader would not see, where the kind requires one."""
    hint = _EMPTY if any(field.name == "draft" for field in kind.table) else "write it"
    what = "only an HTML comment" if body.strip() else "empty"
    return Diagnostic(Location(rel, body_line), f"the text after the front matter is {what}", hint)


_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)  # what a reader never sees
_EMPTY = "write it, or mark the file 'draft: true' while it is not ready"


def _blank(body: str) -> bool:
    """Whether a reader would see nothing of ``body`` (empty, or only HTML comments)."""
    if "<!--" not in body:  # nearly every file: no copy of its text made
        return not body.strip()
    return not _COMMENT.sub("", body).strip()


def _leading_blank_lines(body: str) -> int:
    return len(body) - len(body.lstrip("\n"))
