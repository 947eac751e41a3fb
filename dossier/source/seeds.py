"""Raw wire copy as received: its date header and its paragraphs, with their lines.

The date header is ``date YYYY[-MM[-DD]]`` or ``date: ...`` at the very start of the text,
on a line of its own or followed, on the same line, by the first words of the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import Diagnostic, Location
from dossier.model import Article, PartialDate
from dossier.source.frontmatter import decode

_HEADER = re.compile(r"^[ \t]*date:?[ \t]+(\S+)[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    line: int
    text: str


@dataclass(frozen=True)
class Seed:
    path: str  # relative to the project root
    date: PartialDate
    paragraphs: tuple[Paragraph, ...]
    sha256: str
    date_line: int = 1  # the line of the date header


def paragraphs(text: str, first_line: int = 1) -> tuple[Paragraph, ...]:
    """Blank-line separated paragraphs, each with the line it starts on, lines kept as they are."""
    found: list[Paragraph] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(text.split("\n"), start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            found.append(Paragraph(start, "\n".join(current)))
            current = []
    if current:
        found.append(Paragraph(start, "\n".join(current)))
    return tuple(found)


def parse(rel: str, data: bytes) -> tuple[Seed | None, list[Diagnostic]]:
    text, problems = decode(rel, data)
    if text is None:
        return None, problems
    if not text.strip():
        hint = "a seed is the dispatch as received: its date header ('date 2024-03'), then its text"
        return None, [Diagnostic(Location(rel, 1), "empty seed", hint)]
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip())
    match = _HEADER.match(lines[index])
    where = Location(rel, index + 1)
    if match is None:
        hint = (
            "a seed starts with its date, 'date 2024-03' (or YYYY, YYYY-MM-DD),"
            " on a line of its own or before its first words"
        )
        return None, [Diagnostic(where, "no date header", hint)]
    try:
        date = PartialDate.parse(match.group(1))
    except ValueError as exc:
        hint = "write the dispatch's date as YYYY, YYYY-MM or YYYY-MM-DD ('date 2024-03-06')"
        return None, [Diagnostic(where, f"bad date header: {exc}", hint)]
    lines[index] = lines[index][match.end() :]
    body = paragraphs("\n".join(lines[index:]), first_line=index + 1)
    if not body:
        return None, [Diagnostic(where, "the seed has a date but no text")]
    return Seed(rel, date, body, hashlib.sha256(data).hexdigest(), index + 1), []


def read(root: Path, rel: str) -> tuple[Seed | None, list[Diagnostic]]:
    try:
        data = (root / rel).read_bytes()
    except OSError as exc:
        return None, [Diagnostic(Location(rel, 0), f"cannot read seed: {exc.strerror}")]
    return parse(rel, data)


def safe_path(root: Path, rel: str) -> str | None:
    """Why ``rel`` may not be read as a seed (outside the project, absolute...), or None.

    Symbolic links are followed before the check: a link to a file outside is refused too.
    """
    if not rel or "\x00" in rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
        return "a seed path must be relative to the project, without '..'"
    try:
        resolved = (root / rel).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        return "the seed path is a broken symbolic link"
    if not resolved.is_relative_to(root.resolve()):
        return "the seed path leads outside the project"
    return None


@dataclass(frozen=True)
class Named:
    """A seed an article names: its path, where the article names it, and whether it is an
    earlier version of the article's text (``earlier_seeds``) rather than its current seed."""

    path: str
    where: Location
    earlier: bool = False


def named(article: Article) -> tuple[Named, ...]:
    """The seeds ``article`` names: its current seed, then its earlier ones, oldest first."""
    if not article.seed:
        return ()
    current = Named(article.seed, article.origin.at("seed"))
    if not article.earlier_seeds:
        return (current,)
    where = article.origin.at("earlier_seeds")
    return (current, *(Named(e.seed, where, earlier=True) for e in article.earlier_seeds))


def at(root: Path, name: Named) -> tuple[Seed | None, list[Diagnostic]]:
    """The seed ``name`` names, or the errors (at the article's line that names it) why not."""
    what = "earlier seed" if name.earlier else "seed"
    reason = safe_path(root, name.path)
    if reason is not None:
        return None, [Diagnostic(name.where, f"{what} '{name.path}': {reason}")]
    if not (root / name.path).is_file():
        hint = (
            "an earlier version's seed is kept as it was received: restore the file from version control"
            if name.earlier
            else "give the seed's path from the project folder, e.g. seeds/x.txt"
        )
        return None, [Diagnostic(name.where, f"{what} '{name.path}' does not exist", hint)]
    return read(root, name.path)


def for_articles(root: Path, articles: Sequence[Article]) -> tuple[dict[str, Seed], list[Diagnostic]]:
    """Every seed the articles name (current and earlier ones), by path; bad paths and
    unreadable seeds are errors."""
    found: dict[str, Seed] = {}
    problems: list[Diagnostic] = []
    for article in articles:
        for name in named(article):
            if name.path in found:
                continue
            seed, more = at(root, name)
            problems.extend(more)
            if seed is not None:
                found[name.path] = seed
    return found, problems
