"""``reanchor [--write]``: notes whose quote is no longer in their article's text, and where
they most likely went (:mod:`dossier.link.reanchor`).

Every note whose quote the build's anchoring does not find is listed with its best candidate
passage and its score. With ``--write``, a note whose candidate is unique and scores at least
the threshold gets that passage's ``quote`` (the article's own characters) and the
``prefix``/``suffix`` that make it unique, once the build's anchoring has found it there among
the article's other notes; only those lines of its file change. A note that still finds its
passage is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dossier.commands import writing
from dossier.commands.fieldedit import edited
from dossier.errors import ContentErrors, Diagnostic, Location, Severity
from dossier.link import reanchor
from dossier.link.annotations import is_orphan
from dossier.link.site import anchor_article
from dossier.model import Annotation, Article
from dossier.source import loader
from dossier.source.markup import Converted, Markdown


@dataclass(frozen=True)
class Moved:
    """A note that can be moved to its candidate: its error (with the candidate as its hint)
    until it is."""

    note: Annotation
    candidate: reanchor.Candidate
    error: Diagnostic

    def line(self) -> str:
        c = self.candidate
        context = "".join(
            f', {name} "{value}"' for name, value in (("prefix", c.prefix), ("suffix", c.suffix)) if value
        )
        return f'{self.note.origin.at("quote")}: note: moved to "{c.quote}"{context} (score {c.score:.2f})'


@dataclass(frozen=True)
class Outcome:
    """What ``reanchor`` did: the notes moved (none without ``--write``), and the orphans left, as errors."""

    moved: tuple[Moved, ...]
    problems: tuple[Diagnostic, ...]
    movable: int = 0  # without --write: the notes it would move (their errors are among the problems)

    def lines(self) -> list[str]:
        return [m.line() for m in sorted(self.moved, key=lambda m: m.note.origin.at("quote"))]

    def summary(self) -> str:
        """What was written, said after the count of the errors left."""
        count = len(self.moved)
        notes = f"{count} note{'s' if count != 1 else ''}"
        movable = self.movable
        if count:
            return f"{notes} moved"
        if movable:
            return f"nothing written; --write moves {movable} note{'s' if movable != 1 else ''}"
        return "nothing written" if self.problems else "every note finds its passage"


def run(root: Path, write: bool = False, only: frozenset[str] | None = None, insist: bool = False) -> Outcome:
    """Every orphaned note of the project at ``root``, moved to its candidate when ``write`` and
    the candidate is unique, close enough and anchors among the article's other notes.

    ``only``: the notes to consider (their paths, as diagnostics print them), the others left
    unsaid; ``insist``: an editor chose the candidate (the preview's "re-anchor here"), so it is
    moved even below the threshold or close to another, once the build's anchoring finds it
    there alone, overlapping no other note.
    """
    records, problems = loader.load(root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ContentErrors(errors, "nothing written: fix these first")
    by_article: dict[str, list[Annotation]] = {}
    for note in records.annotations:
        by_article.setdefault(note.article, []).append(note)
    moved: list[Moved] = []
    left: list[Diagnostic] = []
    markdown = Markdown()
    for article in records.articles:
        notes = by_article.get(article.slug)
        if notes:
            done = markdown.render(article.body)
            more, orphans = plan_moves(done, article, notes, Asked(only, insist))
            moved += more
            left += orphans
    if not write:
        return Outcome((), (*left, *(m.error for m in moved)), len(moved))
    if moved:
        writing.sweep(root)
    for m in moved:
        write_moved(root, m)
    return Outcome(tuple(moved), tuple(left))


@dataclass(frozen=True)
class Asked:
    """Which orphans to consider (None: all), and whether their candidates were chosen by an editor."""

    only: frozenset[str] | None = None
    insist: bool = False

    def considers(self, note: Annotation) -> bool:
        return self.only is None or note.origin.path in self.only

    def moves(self, found: reanchor.Reanchoring) -> bool:
        return found.best is not None and (found.applicable or self.insist)


Planned = tuple[list[Moved], list[Diagnostic]]
"""The orphans that can be moved, and the diagnostics of those that cannot."""


def plan_moves(done: Converted, article: Article, notes: Sequence[Annotation], asked: Asked = Asked()) -> Planned:
    """The article's orphaned notes that can be moved, each checked among the notes kept or moved
    before it; the diagnostics of the others, and of the notes the anchoring refuses otherwise
    (a quote found more than once: which passage is meant is the editor's to say)."""
    anchored, problems = anchor_article(done, article, None, notes)
    by_path = {n.origin.path: n for n in notes}
    current = list(notes)
    moved: list[Moved] = []
    left: list[Diagnostic] = []
    for problem in sorted(problems, key=Diagnostic.sort_key):
        note = by_path.get(problem.location.path)
        if note is None or not asked.considers(note) or problem.severity is not Severity.ERROR:
            continue
        if not is_orphan(problem):  # found more than once, say: no passage to choose for the editor
            left.append(problem)
            continue
        found = reanchor.reanchor(anchored.text, note)
        best = found.best
        if best is None or not asked.moves(found):
            left.append(problem)  # the build's own words: its hint says why the note stays
            continue
        there = replace(note, quote=best.quote, prefix=best.prefix, suffix=best.suffix)
        trial = [there if n is note else n for n in current]
        refused = _new_problems(done, article, current, trial, note)
        if refused:
            why = _why_not(refused[0], note, by_path)
            left.append(replace(problem, hint=reanchor.hint(found, refused=why)))
            continue
        current = trial
        moved.append(Moved(note, best, replace(problem, hint=reanchor.hint(found))))
    return moved, left


def _why_not(refused: Diagnostic, note: Annotation, by_path: dict[str, Annotation]) -> str:
    """Why ``note`` is not moved to its candidate, in the build's words: the note whose passage
    it would overlap (the problem is said at that note), or what the anchoring says of it."""
    other = by_path.get(refused.location.path)
    if other is not None and other is not note:
        return f"it would overlap the passage of note '{other.slug}' ({other.origin.path})"
    overlap = "passage overlaps "
    if refused.message.startswith(overlap):
        return "it would overlap " + refused.message.removeprefix(overlap)
    return refused.message


def _new_problems(
    done: Converted, article: Article, before: Sequence[Annotation], after: Sequence[Annotation], moving: Annotation
) -> list[Diagnostic]:
    """What anchoring ``after`` (``moving`` moved) says that anchoring ``before`` did not: an
    overlap, an ambiguity (the other orphans' hints aside: they name the passages kept)."""
    _, was = anchor_article(done, article, None, before)
    _, now = anchor_article(done, article, None, after)
    known = set(was)
    here = moving.origin.path
    return [
        d
        for d in now
        if d not in known and d.severity is Severity.ERROR and (d.location.path == here or not is_orphan(d))
    ]


def write_moved(root: Path, moved: Moved) -> None:
    """The note's file with its new ``quote``, ``prefix`` and ``suffix``; every other line as it was."""
    path = moved.note.origin.path
    c = moved.candidate
    target = root / path
    try:
        text = target.read_bytes().decode("utf-8")
        new = edited(
            path, text, {"quote": c.quote, "prefix": c.prefix or None, "suffix": c.suffix or None}, after="quote"
        )
        writing.replace_file(target, new.encode("utf-8"))
    except OSError as exc:
        where = Location(path, 0)
        raise ContentErrors([Diagnostic(where, f"cannot write it: {exc.strerror or exc}")]) from None
