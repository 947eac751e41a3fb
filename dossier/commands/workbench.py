"""The editor's workbench of the preview: a note written from a passage selected on an article
page, and a note's text, kind and topics edited in place.

What the page sends is checked and turned into files here, with the build's own means: the
passage is found in the article's text by the build's :class:`~dossier.link.annotations.Locator`
(folding-aware), its quote is the article's own characters, its ``prefix``/``suffix`` the
shortest that make it unique (:func:`~dossier.link.context.unique_context`); a new note is
checked and written by ``new annotation``'s path (:func:`dossier.commands.scaffold.create`:
the loader, the build's anchoring among the article's other notes, a file never replaced);
an edited note is rewritten field by field (:func:`dossier.commands.fieldedit.edited`), and
only when its file is still the one the page was shown.

The HTTP side (who may ask) is :mod:`dossier.commands.workbench_http`.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dossier.commands import scaffold, writing
from dossier.commands.fieldedit import edited
from dossier.errors import ContentErrors, Diagnostic, DossierError, Location
from dossier.link import htmltext
from dossier.link.annotations import Locator, Span
from dossier.link.context import MAX_WORDS, unique_context
from dossier.link.site import anchor_article
from dossier.link.topics import Vocabulary
from dossier.model import NOTE_KINDS, Annotation, Article
from dossier.project import ANNOTATIONS, CONTENT
from dossier.source import content
from dossier.source.content import KIND_BY_FOLDER
from dossier.source.markup import Markdown
from dossier.text.folding import fold_text
from dossier.text.slugs import is_slug, slugify

NOTES_FOLDER = f"{CONTENT}/{ANNOTATIONS}"
MAX_PASSAGE = 20_000  # characters of a selection
MAX_CONTEXT = 400  # characters of context the page sends on each side of a selection
MAX_TEXT = 200_000  # characters of a note's text
MAX_TOPICS = 100
TAKEN_HINT = "choose another file name"  # a note's file exists already: said in the form's words


class BadRequest(Exception):
    """A request that is not one the workbench's page sends: refused, nothing done."""


@dataclass(frozen=True)
class Selection:
    """A passage selected on an article's page: its text, and the text around it (as the page
    reads it, notes left out), which tells two occurrences apart."""

    article: str
    exact: str
    before: str
    after: str


@dataclass(frozen=True)
class NewNote:
    selection: Selection
    kind: str
    topics: tuple[str, ...]
    text: str
    slug: str


@dataclass(frozen=True)
class NoteEdit:
    note: str  # the note's slug
    sha256: str  # of its file as the page was shown it
    kind: str
    topics: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Placed:
    """Where a selection lands: the quote as the article has it, its context, a free file name."""

    quote: str
    prefix: str
    suffix: str
    slug: str


# -- what the page may send ---------------------------------------------------------------

SELECTION_FIELDS = {"article": str, "exact": str, "before": str, "after": str}
NEW_FIELDS = {**SELECTION_FIELDS, "kind": str, "topics": list, "text": str, "slug": str}
EDIT_FIELDS = {"note": str, "sha256": str, "kind": str, "topics": list, "text": str}
_LIMITS = {"exact": MAX_PASSAGE, "before": MAX_CONTEXT, "after": MAX_CONTEXT, "text": MAX_TEXT}


def fields_of(data: object, wanted: Mapping[str, type]) -> dict[str, object]:
    """``data`` when it is an object with exactly the fields ``wanted``, of their types."""
    if not isinstance(data, dict):
        raise BadRequest("the request must be a JSON object")
    unknown = sorted(set(data) - set(wanted))
    missing = sorted(set(wanted) - set(data))
    if unknown or missing:
        raise BadRequest(f"fields refused: {', '.join(unknown) or '-'}; fields missing: {', '.join(missing) or '-'}")
    for name, kind in wanted.items():
        _check_value(name, kind, data[name])
    return dict(data)


def _check_value(name: str, kind: type, value: object) -> None:
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadRequest(f"field '{name}' must be a list of texts")
        if len(value) > MAX_TOPICS or any(len(v) > 200 for v in value):
            raise BadRequest(f"field '{name}' has too many or too long items")
    elif not isinstance(value, str):
        raise BadRequest(f"field '{name}' must be a text")
    elif len(value) > _LIMITS.get(name, 200):
        raise BadRequest(f"field '{name}' is too long")


def _selection(data: Mapping[str, object]) -> Selection:
    return Selection(str(data["article"]), str(data["exact"]), str(data["before"]), str(data["after"]))


def _texts(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def selection_of(data: object) -> Selection:
    return _selection(fields_of(data, SELECTION_FIELDS))


def new_note_of(data: object) -> NewNote:
    d = fields_of(data, NEW_FIELDS)
    return NewNote(_selection(d), str(d["kind"]), _texts(d["topics"]), str(d["text"]), str(d["slug"]))


def note_edit_of(data: object) -> NoteEdit:
    d = fields_of(data, EDIT_FIELDS)
    return NoteEdit(str(d["note"]), str(d["sha256"]), str(d["kind"]), _texts(d["topics"]), str(d["text"]))


# -- a selection, in the article's text ---------------------------------------------------


def article_text(article: Article) -> str:
    """The article's whitespace-normalized text, as the build anchors notes in it."""
    return htmltext.build(Markdown().render(article.body).html).text


def _common_start(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` have in common from their starts."""
    return sum(1 for _ in itertools.takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False)))


def _matched_before(text: str, start: int, before: str) -> int:
    """How many characters of ``before`` (from its end) the text just before ``start`` has, folded."""
    wanted = fold_text(htmltext.normalize_space(before))
    there = fold_text(text[max(0, start - len(wanted) - 1) : start].rstrip(" "))
    return _common_start(wanted[::-1], there[::-1])


def _matched_after(text: str, end: int, after: str) -> int:
    """How many characters of ``after`` (from its start) the text just after ``end`` has, folded."""
    wanted = fold_text(htmltext.normalize_space(after))
    there = fold_text(text[end : end + len(wanted) + 1].lstrip(" "))
    return _common_start(wanted, there)


def find_selection(text: str, selection: Selection, where: Location) -> Span:
    """The one place of ``text`` the selection is: found as the build finds quotes, two or more
    places told apart by the text around the selection; never one picked among equals."""
    exact = htmltext.normalize_space(selection.exact)
    if not exact:
        raise ContentErrors([Diagnostic(where, "the selection is empty", "select a passage of the article's text")])
    spans = Locator(text).spans(exact)
    if not spans:
        hint = "select a passage of the article's text, not of its notes or of the page around it"
        raise ContentErrors([Diagnostic(where, "the selection is not in the article's text", hint)])
    if len(spans) == 1:
        return spans[0]
    scores = [_matched_before(text, s, selection.before) + _matched_after(text, e, selection.after) for s, e in spans]
    best = max(scores)
    if scores.count(best) > 1:
        message = f"the selection is found {len(spans)} times in the article, and its surroundings do not tell which"
        raise ContentErrors([Diagnostic(where, message, "select a longer passage")])
    return spans[scores.index(best)]


def free_slug(root: Path, quote: str) -> str:
    """A file name for a note on ``quote`` that no note has: its first words, then -2, -3..."""
    try:
        base = scaffold.make_slug(quote, scaffold.NOTE_SLUG_LENGTH)
    except DossierError:  # a passage of punctuation
        base = "note"
    slug, number = base, 2
    while os.path.lexists(root / NOTES_FOLDER / f"{slug}.md"):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _article(records: content.Content, slug: str) -> Article:
    for article in records.articles:
        if article.slug == slug:
            return article
    where = Location(f"{CONTENT}/articles/{slug}.md", 0)
    raise ContentErrors([Diagnostic(where, f"unknown article '{slug}'", "reload the page: it may have been renamed")])


def place(root: Path, records: content.Content, selection: Selection) -> Placed:
    """The quote, context and a free file name of the selection; raises :class:`ContentErrors`."""
    article = _article(records, selection.article)
    text = article_text(article)
    start, end = find_selection(text, selection, article.origin.body())
    context = unique_context(text, start, end)
    if context is None:
        message = f"the passage is repeated in the article: no context of up to {MAX_WORDS} words makes it unique"
        raise ContentErrors([Diagnostic(article.origin.body(), message, "select a longer passage")])
    quote = text[start:end]
    return Placed(quote, context[0], context[1], free_slug(root, quote))


def _request(placed: Placed, article: str, kind: str, topics: Sequence[str], text: str, slug: str) -> scaffold.Request:
    fields: dict[str, object] = {
        "article": article,
        "quote": placed.quote,
        "prefix": placed.prefix,
        "suffix": placed.suffix,
        "kind": kind,
        "topics": list(topics),
    }
    return scaffold.Request("annotation", fields, text, slug, chosen=True)


def check_place(root: Path, records: content.Content, selection: Selection) -> Placed:
    """:func:`place`, and what the build's anchoring says of a note there (an overlap with
    another note's passage): the form says it before anything is typed."""
    placed = place(root, records, selection)
    article = _article(records, selection.article)
    request = _request(placed, article.slug, NOTE_KINDS[0], (), "…", placed.slug)
    rel = f"{NOTES_FOLDER}/{placed.slug}.md"
    note, problems = content.load_file(root, KIND_BY_FOLDER[ANNOTATIONS], root / rel, scaffold.render(request).encode())
    if isinstance(note, Annotation):
        others = tuple(n for n in records.annotations if n.article == article.slug)
        problems += scaffold.anchor_new(article, others, note)
    if problems:
        raise ContentErrors(problems)
    return placed


def _slug_problem(slug: str) -> Diagnostic | None:
    if is_slug(slug):
        return None
    suggestion = slugify(slug)
    hint = f"e.g. {suggestion}" if suggestion else "lower-case ASCII letters, digits and hyphens"
    return Diagnostic(Location(NOTES_FOLDER, 0), f"file name '{slug}' is not a slug: a name, never a path", hint)


def create_note(root: Path, records: content.Content, new: NewNote) -> str:
    """Writes the new note (checked by ``new annotation``'s path); its path from the project's root."""
    problem = _slug_problem(new.slug)
    if problem is not None:
        raise ContentErrors([problem])
    confined(root, f"{NOTES_FOLDER}/{new.slug}.md")
    placed = place(root, records, new.selection)
    request = _request(placed, new.selection.article, new.kind, new.topics, new.text, new.slug)
    written = scaffold.create(root, request, records, taken=TAKEN_HINT)
    return written.relative_to(root).as_posix()


# -- a note, edited -----------------------------------------------------------------------


def confined(root: Path, rel: str) -> Path:
    """``root / rel`` when it is under ``content/annotations/`` with no symbolic link on the way
    (the file itself included); raises :class:`ContentErrors` otherwise."""
    parts = rel.split("/")
    outside = rel != os.path.normpath(rel) or parts[:2] != NOTES_FOLDER.split("/") or len(parts) < 3
    linked = False
    at = str(root)
    for part in parts:
        at = os.path.join(at, part)
        linked = linked or os.path.islink(at)
    if outside or linked:
        why = "a symbolic link" if linked and not outside else f"not under {NOTES_FOLDER}/"
        raise ContentErrors([Diagnostic(Location(rel, 0), f"not written: {why}", "the preview writes notes only")])
    return root / rel


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Shown:
    """A note as the page shows it for editing (see :func:`notes_of`)."""

    slug: str
    path: str
    id: str  # the note's element on the page
    kind: str
    topics: tuple[str, ...]
    text: str
    sha256: str


def _shown(root: Path, note: Annotation, number: int) -> Shown | None:
    """The note as its file is now (what an edit will be compared with), or None when unreadable."""
    try:
        path = confined(root, note.origin.path)
        data = path.read_bytes()
    except (ContentErrors, OSError):
        return None
    record, _ = content.load_file(root, KIND_BY_FOLDER[ANNOTATIONS], path, data)
    if not isinstance(record, Annotation):
        return None
    return Shown(record.slug, note.origin.path, f"note-{number}", record.kind, record.topics, record.body, digest(data))


def notes_of(root: Path, records: content.Content, slug: str) -> list[Shown]:
    """The notes of article ``slug`` as its page numbers them, with their files' texts."""
    article = next((a for a in records.articles if a.slug == slug), None)
    if article is None:
        return []
    notes = tuple(n for n in records.annotations if n.article == slug)
    if not notes:
        return []
    anchored, _ = anchor_article(Markdown().render(article.body), article, None, notes)
    shown = (_shown(root, a.note, a.number) for a in anchored.notes)
    return [s for s in shown if s is not None]


def _changes(note: Annotation, change: NoteEdit) -> tuple[dict[str, object | None], str | None]:
    """The fields to rewrite (only those that changed) and the new body (None: unchanged)."""
    fields: dict[str, object | None] = {}
    if change.kind != note.kind:
        fields["kind"] = change.kind
    if tuple(change.topics) != note.topics:
        fields["topics"] = list(change.topics) or None
    text = change.text.replace("\r\n", "\n").strip("\n")
    return fields, (text if text != note.body else None)


def edit_note(root: Path, records: content.Content, change: NoteEdit) -> str:
    """Rewrites the note's kind, topics and text, every other line as it is, when its file is
    still the one the page showed; its path from the project's root."""
    note = next((n for n in records.annotations if n.slug == change.note), None)
    if note is None:
        where = Location(f"{NOTES_FOLDER}/{change.note}.md", 0)
        raise ContentErrors([Diagnostic(where, f"unknown note '{change.note}'", "reload the page")])
    rel = note.origin.path
    path = confined(root, rel)
    data = unchanged(path, rel, change.sha256)
    shown, problems = content.load_file(root, KIND_BY_FOLDER[ANNOTATIONS], path, data)
    if not isinstance(shown, Annotation):
        raise ContentErrors(problems)
    fields, body = _changes(shown, change)
    if not fields and body is None:
        return rel
    new = _rewritten(root, records, rel, data, fields, body)
    unchanged(path, rel, change.sha256)  # once more, just before: an editor may have saved meanwhile
    try:
        writing.replace_file(path, new)
    except OSError as exc:
        raise ContentErrors([Diagnostic(Location(rel, 0), f"cannot write it: {exc.strerror or exc}")]) from None
    return rel


def _rewritten(
    root: Path, records: content.Content, rel: str, data: bytes, fields: dict[str, object | None], body: str | None
) -> bytes:
    """The note's file with ``fields`` and ``body`` changed, checked as the build reads it."""
    try:
        new = edited(rel, data.decode("utf-8"), fields, body, after="kind").encode("utf-8")
    except UnicodeDecodeError:
        raise ContentErrors([Diagnostic(Location(rel, 0), "not UTF-8 text: not rewritten")]) from None
    record, problems = content.load_file(root, KIND_BY_FOLDER[ANNOTATIONS], root / rel, new)
    if isinstance(record, Annotation) and record.topics and "topics" in fields:
        problems += Vocabulary.of(records.topics).check(record.topics, record.origin.at("topics"))[1]
    if problems:
        raise ContentErrors(problems)
    return new


def unchanged(path: Path, rel: str, sha256: str) -> bytes:
    """The file's bytes, when they are those the page was shown."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentErrors([Diagnostic(Location(rel, 0), f"cannot read it: {exc.strerror or exc}")]) from None
    if digest(data) != sha256:
        message = "changed on disk since the page showed it: not replaced"
        raise ContentErrors([Diagnostic(Location(rel, 0), message, "reload the page to edit what is on disk now")])
    return data
