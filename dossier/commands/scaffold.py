"""``new article|annotation|event|topic|page``: write a correctly-formed content file.

Values are checked the way the build checks them (dates, topics, the article a note points
to, its quote) before anything is written; an existing file is never replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dossier.commands import writing
from dossier.commands.fieldedit import yaml_value
from dossier.errors import ContentErrors, Diagnostic, DossierError, Location, UsageError
from dossier.link import timeline
from dossier.link.annotations import moves
from dossier.link.site import anchor_article, unknown_hint
from dossier.link.topics import Vocabulary
from dossier.model import Annotation, Article, Event, Page, Record, Topic
from dossier.project import ANNOTATIONS, ARTICLES, PAGES, TIMELINE, TOPICS
from dossier.publish import pages
from dossier.source import content, discovery, loader
from dossier.source.content import KIND_BY_FOLDER
from dossier.source.markup import Markdown
from dossier.text.slugs import SLUG_LENGTH, is_slug, slugify

NOTE_SLUG_LENGTH = 40  # a note's file is named after the first words of its passage

FOLDERS = {"article": ARTICLES, "annotation": ANNOTATIONS, "event": TIMELINE, "topic": TOPICS, "page": PAGES}


@dataclass(frozen=True)
class Request:
    kind: str  # a key of FOLDERS
    fields: dict[str, object]  # front matter, in order; None and empty values are left out
    text: str
    slug: str  # from the arguments, or made from the title / label / quote
    chosen: bool = False  # the slug was given (--slug): never changed; a note's made one gets -2, -3... when taken


def render(request: Request) -> str:
    lines = ["---"]
    lines += [f"{k}: {yaml_value(v)}" for k, v in request.fields.items() if v not in (None, "", [], ())]
    lines += ["---", request.text.strip(), ""]
    return "\n".join(lines)


def make_slug(text: str, length: int = SLUG_LENGTH) -> str:
    slug = slugify(text)
    if len(slug) > length:
        slug = slug[:length].rsplit("-", 1)[0]
    if not slug:
        raise DossierError("cannot make a slug from this text: give --slug")
    return slug


def _check_references(root: Path, record: Record, records: content.Content | None = None) -> list[Diagnostic]:
    """What the build's link phase would say of the new record: its topics, the articles it
    names and, for a note, its anchoring among the article's other notes (:func:`anchor_new`).

    ``records``: the project's content as already loaded (the preview's engine has it), else read now."""
    if records is None:
        records, found = loader.load(root)
        unread = [d for d in found if discovery.is_unreadable(d)]
        if unread:  # what it holds is unknown: not said "unknown article" instead
            return unread
    vocabulary = Vocabulary.of(records.topics)
    articles = {a.slug: a for a in records.articles}
    problems = _topic_problems(record, vocabulary) + _cited_problems(record, articles)
    problems += _kind_problems(record, records.topics, vocabulary)
    if isinstance(record, Annotation) and not problems:
        article = articles[record.article]
        others = tuple(n for n in records.annotations if n.article == article.slug)
        problems += anchor_new(article, others, record)
    return problems


def _topic_problems(record: Record, vocabulary: Vocabulary) -> list[Diagnostic]:
    """The record's topics that the vocabulary does not know."""
    topics: tuple[str, ...] = getattr(record, "topics", ())
    if not topics:
        return []
    _, found = vocabulary.check(topics, record.origin.at("topics"))
    return list(found)


def _cited_problems(record: Record, articles: Mapping[str, Article]) -> list[Diagnostic]:
    """The articles an event or a note names that do not exist."""
    cited = [(a, record.origin.at("articles")) for a in record.articles] if isinstance(record, Event) else []
    if isinstance(record, Annotation):
        cited.append((record.article, record.origin.at("article")))
    return [
        Diagnostic(where, f"unknown article '{slug}'", unknown_hint("article", slug, articles))
        for slug, where in cited
        if slug not in articles
    ]


def _kind_problems(record: Record, topics: Sequence[Topic], vocabulary: Vocabulary) -> list[Diagnostic]:
    """What only a record of its kind can get wrong: an event's span, a topic's clash with
    another topic's words, a page's URL taken by the build."""
    if isinstance(record, Event):
        return list(timeline.check_span(record))
    if isinstance(record, Topic):
        known = set(vocabulary.clashes())
        return [d for d in Vocabulary.of((*topics, record)).clashes() if d not in known]
    taken = pages.url_taken(record, "choose another --slug") if isinstance(record, Page) else None
    return [taken] if taken is not None else []


def anchor_new(article: Article, others: Sequence[Annotation], note: Annotation) -> list[Diagnostic]:
    """What anchoring ``note`` among the article's ``others`` adds to what the build says: the
    build's own anchoring (quote not found, ambiguous, overlapping another note's passage,
    whichever of the two files the build would name)."""
    done = Markdown().render(article.body)
    _, before = anchor_article(done, article, None, others)
    _, after = anchor_article(done, article, None, (*others, note))
    known, unwritten = set(before), moves()  # the note is not written: reanchor has nothing to move
    return [replace(d, hint=d.hint.replace(unwritten, "")) for d in after if d not in known]


TAKEN_HINT = "choose another --slug"  # on the command line (``new``)


def create(root: Path, request: Request, records: content.Content | None = None, *, taken: str = TAKEN_HINT) -> Path:
    """Check ``request`` like the build would, then write it; returns the new file's path.

    ``records``: the project's content as already loaded (see :func:`_check_references`);
    ``taken``: the hint when the file exists already, in the words of where the name was chosen."""
    folder = FOLDERS[request.kind]
    try:
        rel = _free(root, folder, request)
        there = (root / rel).exists()
    except OSError as exc:  # its folder cannot be searched
        raise ContentErrors([discovery.unreadable(root, root / "content" / folder, exc)]) from None
    target = root / rel
    exists = Diagnostic(Location(rel, 0), "exists already: not replaced", taken)
    text = render(request)
    record, problems = content.load_file(root, KIND_BY_FOLDER[folder], target, text.encode("utf-8"))
    if there:
        problems.append(exists)
    if record is not None:
        problems += _check_references(root, record, records)
    if problems:
        raise ContentErrors(problems)
    writing.sweep(root)
    try:
        writing.create_file(target, text.encode("utf-8"))
    except FileExistsError:
        raise ContentErrors([exists]) from None  # made meanwhile
    except OSError as exc:
        raise ContentErrors([Diagnostic(Location(rel, 0), f"cannot write it: {exc.strerror or exc}")]) from None
    return target


def _free(root: Path, folder: str, request: Request) -> str:
    """The new file's path: the slug asked for or made. A note's made slug (the first words of
    its passage, which two notes on two articles may share) gets ``-2``, ``-3``... when taken;
    any other file of that name is refused: the same title twice is most likely a mistake."""
    rel = f"content/{folder}/{request.slug}.md"
    number = 2
    while request.kind == "annotation" and not request.chosen and (root / rel).exists():
        rel, number = f"content/{folder}/{request.slug}-{number}.md", number + 1
    return rel


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


Arguments = dict[str, Any]
Fields = tuple[dict[str, object], str, str]  # the front matter, the text, what a slug is made from


def _article(a: Arguments, text: str) -> Fields:
    fields: dict[str, object] = {
        "title": a["title"],
        "date": a["date"],
        "topics": split_list(a.get("topics")),
        "source": a.get("source"),
        "summary": a.get("summary"),
        "draft": True if not text else None,
    }
    return fields, text or "<!-- Le texte de l'article, tel que reçu. -->", a["title"]


def _annotation(a: Arguments, text: str) -> Fields:
    if not text.strip():
        raise UsageError("new annotation needs --text: the note itself", 'e.g. --text "Ce que le passage tait..."')
    fields: dict[str, object] = {
        "article": a["article"],
        "quote": a["quote"],
        "prefix": a.get("prefix"),
        "suffix": a.get("suffix"),
        "kind": a["note_kind"],
        "topics": split_list(a.get("topics")),
        "date": _note_date(a.get("date")),
    }
    return fields, text, a["quote"]


def _note_date(given: str | None) -> str | None:
    """``--date`` as typed, its spaces aside; given empty, refused (a note without a date has no ``--date``)."""
    if given is None:
        return None
    if not given.strip():
        raise UsageError("--date: no date given", "the day the note was written, e.g. --date 2024-03-06; or no --date")
    return given.strip()


def _event(a: Arguments, text: str) -> Fields:
    fields: dict[str, object] = {
        "title": a["title"],
        "date": a["date"],
        "end": a.get("end"),
        "topics": split_list(a.get("topics")),
        "articles": split_list(a.get("articles")),
    }
    return fields, text, a["title"]


def _topic(a: Arguments, text: str) -> Fields:
    return {"label": a["label"], "keywords": split_list(a.get("keywords"))}, text, a["label"]


def _page(a: Arguments, text: str) -> Fields:
    fields: dict[str, object] = {"title": a["title"], "summary": a.get("summary"), "draft": True if not text else None}
    return fields, text or "<!-- Le texte de la page. -->", a["title"]


_FIELDS: dict[str, Callable[[Arguments, str], Fields]] = {
    "article": _article,
    "annotation": _annotation,
    "event": _event,
    "topic": _topic,
    "page": _page,
}


def request_from(kind: str, args: object) -> Request:
    """Build a request from the parsed command-line arguments of ``new KIND``."""
    a = vars(args)
    fields, text, base = _FIELDS[kind](a, a.get("text") or "")
    if a.get("slug"):
        if not is_slug(a["slug"]):  # a file name, never a path: nothing is written outside content/
            suggestion = slugify(a["slug"])
            hint = f"--slug {suggestion}" if suggestion else "lower-case ASCII letters, digits and hyphens"
            raise UsageError(f"--slug {a['slug']}: not a slug", hint)
        return Request(kind, fields, text, a["slug"], chosen=True)
    return Request(kind, fields, text, make_slug(base, NOTE_SLUG_LENGTH if kind == "annotation" else SLUG_LENGTH))
