"""``seeds/`` → ``content/articles/``: a raw wire becomes a draft article, text kept verbatim.

The text is kept paragraph by paragraph and line by line; only the characters Markdown
would interpret are escaped, so that the rendered text equals the seed's text. The title and
summary are provisional and the article is a draft until an editor has checked them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import filecache, seeds
from .errors import ContentErrors, Diagnostic, DossierError, Location
from .model import Article, Topic
from .seeds import Seed
from .slugs import slugify

_INLINE = re.compile(r"([\\`*_{}\[\]>|])")
_LINE_START = re.compile(r"^(#|[-+](?=\s)|-+\s*$)")
_SETEXT_EQUALS = re.compile(r"^=(?==*\s*$)")
_NUMERIC = (  # characters Markdown reads at the start of a line, that a backslash cannot escape
    (re.compile(r"^:(?=\s|$)"), "&#58;"),  # definition list
    (re.compile(r"^~(?=~~)"), "&#126;"),  # fenced code
)
_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ\"«])")
TITLE_LENGTH = 110
SUMMARY_LENGTH = 240
SLUG_LENGTH = 60


def escape_line(line: str) -> str:
    """One line of wire copy as Markdown that renders to the same text."""
    line = line.lstrip(" \t")  # indentation would make a code block; it is not text
    line = line.replace("&", "&amp;")  # browsers read "&#0" or "&copy" as characters, with or without ";"
    line = _INLINE.sub(r"\\\1", line).replace("<", "&lt;")
    line = _SETEXT_EQUALS.sub("&#61;", line)
    for pattern, replacement in _NUMERIC:
        line = pattern.sub(replacement, line)
    line = _ORDERED.sub(r"\1\\\2", line)
    if line.endswith("  "):
        line = line.rstrip(" ")  # two trailing spaces would make a line break
    return _LINE_START.sub(r"\\\1", line)


LINE_BREAK = "<br>\n"
"""How a line break inside a seed's paragraph is written: visible in the Markdown, and kept by
editors' tools (two trailing spaces, Markdown's other way, are stripped by many on save)."""


def to_markdown(seed: Seed) -> str:
    """The seed's text as Markdown that renders to it paragraph by paragraph and line by line."""
    lines = (LINE_BREAK.join(escape_line(line) for line in p.text.split("\n")) for p in seed.paragraphs)
    return "\n\n".join(lines) + "\n"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def suggest_topics(text: str, topics: Sequence[Topic]) -> tuple[str, ...]:
    """Topics whose label or keywords occur in ``text``, accent- and case-insensitively, as whole words."""
    folded = _fold(text)
    found = []
    for topic in sorted(topics, key=lambda t: t.slug):
        words = [w for w in (topic.label, *topic.keywords) if w.strip()]
        if any(re.search(rf"(?<!\w){re.escape(_fold(w.strip()))}(?!\w)", folded) for w in words):
            found.append(topic.slug)
    return tuple(found)


def cut(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary before ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head[: head.rfind(" ")] if " " in head else head).rstrip(" ,;:") + "…"


def first_sentence(text: str) -> str:
    return _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]


@dataclass(frozen=True)
class Draft:
    slug: str
    text: str  # the whole file


def provisional_title(seed: Seed) -> str:
    return cut(first_sentence(seed.paragraphs[0].text), TITLE_LENGTH)


def draft(seed: Seed, topics: Sequence[Topic], slug: str = "") -> Draft:
    title = provisional_title(seed)
    summary = cut(seed.paragraphs[0].text, SUMMARY_LENGTH)
    slug = slug or _slug(title)
    found = suggest_topics("\n".join(p.text for p in seed.paragraphs), topics)
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}  # provisional: the seed's first sentence",
        f"date: {seed.date.iso()}",
        f"topics: [{', '.join(found)}]  # suggested from the topics' keywords",
        f"summary: {json.dumps(summary, ensure_ascii=False)}  # provisional",
        f"seed: {seed.path}",
        f"seed_sha256: {seed.sha256}",
        "draft: true  # remove once the title, summary and topics are checked",
        "---",
    ]
    return Draft(slug, "\n".join(lines) + "\n" + to_markdown(seed))


def _slug(title: str) -> str:
    slug = slugify(title.rstrip("…"))
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug or "article"


@dataclass(frozen=True)
class Imported:
    path: str
    seed: str
    action: str  # "created", "replaced" or "unchanged"


def run(root: Path, requested: Sequence[str], force: bool = False) -> list[Imported]:
    """Import ``requested`` seeds (default: every seed without an article) into drafts."""
    records, problems = filecache.load(root)
    if any(p.location.path.startswith("content/topics/") for p in problems):
        raise ContentErrors([p for p in problems if p.location.path.startswith("content/topics/")])
    by_seed: dict[str, Article] = {a.seed: a for a in records.articles if a.seed}
    taken = {a.slug for a in records.articles}
    paths, problems = _requested(root, requested, by_seed)
    results: list[Imported] = []
    writes: list[tuple[Path, str, Imported]] = []
    for rel in paths:
        seed, found = seeds.read(root, rel)
        problems.extend(found)
        if seed is None:
            continue
        existing = by_seed.get(rel)
        if existing is not None and not force:
            results.append(Imported(existing.origin.path, rel, "unchanged"))
            continue
        slug = existing.slug if existing is not None else _free(_slug(provisional_title(seed)), taken)
        taken.add(slug)
        result = draft(seed, records.topics, slug)
        target = root / (existing.origin.path if existing else f"content/articles/{slug}.md")
        action = "replaced" if existing is not None else "created"
        writes.append((target, result.text, Imported(target.relative_to(root).as_posix(), rel, action)))
    if problems:
        raise ContentErrors(problems)
    for target, text, imported in writes:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        results.append(imported)
    return results


def _free(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _requested(root: Path, requested: Sequence[str], by_seed: dict[str, Article]) -> tuple[list[str], list[Diagnostic]]:
    if not requested:
        folder = root / "seeds"
        if not folder.is_dir():
            raise DossierError("no seeds/ folder")
        all_seeds = [p.relative_to(root).as_posix() for p in sorted(folder.rglob("*")) if p.is_file()]
        return [s for s in all_seeds if not s.split("/")[-1].startswith(".") and s not in by_seed], []
    paths: list[str] = []
    problems: list[Diagnostic] = []
    for given in requested:
        path = Path(given)
        if path.is_absolute():
            if not path.resolve().is_relative_to(root.resolve()):
                problems.append(Diagnostic(Location(given, 0), "the seed is outside the project"))
                continue
            path = path.resolve().relative_to(root.resolve())
        rel = path.as_posix()
        if not (root / rel).is_file() and (root / "seeds" / rel).is_file():
            rel = f"seeds/{rel}"
        reason = seeds.safe_path(root, rel)
        if reason is not None:
            problems.append(Diagnostic(Location(given, 0), reason))
        elif not (root / rel).is_file():
            problems.append(Diagnostic(Location(given, 0), "no such seed file"))
        else:
            paths.append(rel)
    return paths, problems
