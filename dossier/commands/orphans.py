"""The preview's orphaned notes: notes whose quote is no longer in their article's text, each
with the passage most like it now, and the editor's "re-anchor here".

In ``serve`` such a note is a warning (its article is shown without it); the page's workbench
lists it in a panel with its candidate (:mod:`dossier.link.reanchor`), and moving it there is
the ``reanchor --write`` of that one note, with the candidate the editor saw: the file is
rewritten only if it is still the one the page showed and the candidate is still the one the
build finds, placed among the article's other notes without an overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dossier.commands import reanchor as reanchoring
from dossier.commands.workbench import BadRequest, confined, digest, fields_of, unchanged
from dossier.errors import ContentErrors, Diagnostic, Location
from dossier.link.annotations import is_orphan
from dossier.model import Annotation, Article
from dossier.source import content
from dossier.source.markup import Markdown

MOVE_FIELDS = {"note": str, "sha256": str, "quote": str, "prefix": str, "suffix": str}


@dataclass(frozen=True)
class Orphan:
    """A note whose quote is not found, as the panel shows it."""

    slug: str
    path: str
    quote: str  # the note's quote, not found
    sha256: str  # its file's bytes, as the panel shows them
    candidate: str  # the passage it can move to ("" when there is none it can move to)
    prefix: str
    suffix: str
    score: float  # the candidate's, 0 without one
    hint: str  # the build's hint: why it cannot move, or where it can


@dataclass(frozen=True)
class Move:
    """The editor's "re-anchor here": a note, its file as shown, and the candidate shown."""

    note: str
    sha256: str
    quote: str
    prefix: str
    suffix: str


def move_of(data: object) -> Move:
    fields = fields_of(data, MOVE_FIELDS)
    return Move(**{name: str(fields[name]) for name in MOVE_FIELDS})


def _article_and_notes(records: content.Content, slug: str) -> tuple[Article | None, list[Annotation]]:
    article = next((a for a in records.articles if a.slug == slug), None)
    return article, [n for n in records.annotations if n.article == slug]


def _plan(article: Article, notes: list[Annotation], only: frozenset[str] | None) -> reanchoring.Planned:
    """Where each orphan (of ``only``, default all) can go, the editor choosing (the threshold aside)."""
    done = Markdown().render(article.body)
    return reanchoring.plan_moves(done, article, notes, reanchoring.Asked(only, insist=True))


def _sha256(root: Path, rel: str) -> str:
    try:
        return digest(confined(root, rel).read_bytes())
    except (ContentErrors, OSError):
        return ""


def orphans_of(root: Path, records: content.Content, slug: str) -> list[Orphan]:
    """The notes of article ``slug`` whose quote is not found, in the order of their files."""
    article, notes = _article_and_notes(records, slug)
    if article is None or not notes:
        return []
    moved, left = _plan(article, notes, None)
    by_path = {n.origin.path: n for n in notes}
    found: list[Orphan] = []
    for m in moved:
        note, c = m.note, m.candidate
        hint = m.error.hint or ""
        path = note.origin.path
        found.append(
            Orphan(note.slug, path, note.quote, _sha256(root, path), c.quote, c.prefix, c.suffix, c.score, hint)
        )
    for problem in filter(is_orphan, left):
        note = by_path[problem.location.path]
        path = note.origin.path
        found.append(Orphan(note.slug, path, note.quote, _sha256(root, path), "", "", "", 0.0, problem.hint or ""))
    return sorted(found, key=lambda o: o.path)


def move(root: Path, records: content.Content, asked: Move) -> str:
    """Moves the note to the candidate the panel showed; its path from the project's root.

    Refused (:class:`ContentErrors`, nothing written) when the file or the candidate changed
    since, or when the build's anchoring would not find it there alone, apart from the others.
    """
    note = next((n for n in records.annotations if n.slug == asked.note), None)
    if note is None:
        raise BadRequest(f"unknown note '{asked.note}'")
    rel = note.origin.path
    path = confined(root, rel)
    unchanged(path, rel, asked.sha256)
    article, notes = _article_and_notes(records, note.article)
    if article is None:
        raise ContentErrors([Diagnostic(note.origin.at("article"), f"unknown article '{note.article}'")])
    moved, left = _plan(article, notes, frozenset({rel}))
    chosen = next((m for m in moved if m.note.origin.path == rel), None)
    if chosen is None:
        problems = [d for d in left if d.location.path == rel]
        raise ContentErrors(problems or [Diagnostic(note.origin.at("quote"), "the note finds its passage: not moved")])
    c = chosen.candidate
    if (c.quote, c.prefix, c.suffix) != (asked.quote, asked.prefix, asked.suffix):
        where = Location(rel, note.origin.at("quote").line)
        hint = "reload the page to see where it can go now"
        raise ContentErrors([Diagnostic(where, "the article changed since the page showed this passage", hint)])
    unchanged(path, rel, asked.sha256)  # once more, just before: an editor may have saved meanwhile
    reanchoring.write_moved(root, chosen)
    return rel
