"""``rename KIND OLD NEW``: an article, topic, page or event given a new slug in one step.

What makes the URL changes: the file is renamed in its folder (``content/articles/OLD.md`` →
``NEW.md``), or, when the file has a ``slug:`` line, that line. The former URL goes into the
record's ``aliases:`` (an article's, topic's or page's: the build writes a redirect page there;
an event has no page of its own, only its anchor on the timeline), after the aliases already
listed, which stay as written (a flow or a block list, their quotes), in their list's style. Every reference follows:
notes' ``article:``, events' ``articles:``, the ``topics:`` of articles, notes and events (a
topic renamed), and the internal links of every Markdown body and of ``site.yml``'s intro (a
relative path to the renamed file, a site path to its page or to its anchor). Only the text of
those references changes: every other byte of each file stays as it was.

Everything is checked and made in memory first; a refusal (an unknown OLD, a NEW that is not a
slug, is taken or is OLD) writes nothing. Then the renamed file is created under its new name
(never over a file), the other files are replaced one by one, each whole, and the old name is
removed, with Ctrl-C, SIGTERM and SIGHUP held until all is done; a write that fails (a full disk) puts
back every file already written as it was, and is said.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from dossier import stops
from dossier.commands import writing
from dossier.commands.fieldedit import list_edited
from dossier.errors import ContentErrors, Diagnostic, DossierError, Location, Severity
from dossier.link.links import FILES, SECTIONS
from dossier.model import Annotation, Article, Event, Page, Record, Topic
from dossier.project import ARTICLES, CONTENT, PAGES, SETTINGS_FILE, TIMELINE, TOPICS
from dossier.source import loader
from dossier.source.content import Content
from dossier.source.frontmatter import split
from dossier.text.didyoumean import did_you_mean
from dossier.text.slugs import is_slug, slugify

FOLDERS = {"article": ARTICLES, "topic": TOPICS, "page": PAGES, "event": TIMELINE}
Renamed = Article | Topic | Page | Event

# where a Markdown body (or site.yml's intro) names a link's target: ``](target``, ``[x]: target``, ``href="target``
_TARGET = re.compile(r"""(\]\(\s*<?|^ {0,3}\[[^\]\n]+\]:[ \t]*<?|\bhref=["'])([^\s)>"']+)""", re.MULTILINE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ON_TIMELINE = re.compile(r"^/timeline/(?:\d+/)?$")


def _records(content: Content, kind: str) -> Sequence[Renamed]:
    records: dict[str, Sequence[Renamed]] = {
        "article": content.articles,
        "topic": content.topics,
        "page": content.pages,
        "event": content.events,
    }
    return records[kind]


def _kind(record: Renamed) -> str:
    return {Article: "article", Topic: "topic", Page: "page", Event: "event"}[type(record)]


def site_path(kind: str, slug: str) -> str:
    """The page of a record of ``kind`` as an alias names it (``/articles/x/``); "" for an event (no page)."""
    return {"article": f"/articles/{slug}/", "topic": f"/topics/{slug}/", "page": f"/{slug}/"}.get(kind, "")


@dataclass(frozen=True)
class Renaming:
    """What is renamed: a record of ``kind`` from ``old`` to ``new``, its file now and after."""

    kind: str
    old: str
    new: str
    record: Renamed
    path: str  # the record's file (from the project root)
    moved_to: str  # its file after the rename (the same when the slug is its ``slug:`` line)

    def link(self, href: str, folder: str) -> str:
        """``href`` written in a file of ``folder`` (from the project root), retargeted when it
        names the renamed record."""
        if not href or href.startswith(("#", "//")) or _SCHEME.match(href):
            return href
        path, hash_, fragment = href.partition("#")
        if path.startswith("/"):
            return self._site_path(path, hash_, fragment)
        moves = path.endswith(".md") and self.moved_to != self.path
        if moves and posixpath.normpath(posixpath.join(folder, unquote(path))) == self.path:
            return posixpath.relpath(self.moved_to, folder or ".") + hash_ + fragment
        return href

    def _site_path(self, path: str, hash_: str, fragment: str) -> str:
        old, new = site_path(self.kind, self.old), site_path(self.kind, self.new)
        if old and path.startswith(old):
            return new + path[len(old) :] + hash_ + fragment
        anchor = f"{'article' if self.kind == 'article' else 'event'}-"
        if self.kind in ("article", "event") and _ON_TIMELINE.match(path) and fragment == anchor + self.old:
            return path + hash_ + anchor + self.new
        return path + hash_ + fragment


@dataclass(frozen=True)
class Change:
    """A file's new text, what changed in it (said in the line printed), and its new name when it moves."""

    path: str
    text: str
    what: tuple[str, ...]
    moved_to: str = ""

    def line(self) -> str:
        where = f"{self.path} → {self.moved_to}" if self.moved_to else self.path
        return f"{where}: {'; '.join(self.what)}"


@dataclass(frozen=True)
class Outcome:
    renaming: Renaming
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        r = self.renaming
        count = len(self.changes)
        summary = f"renamed {r.kind} '{r.old}' to '{r.new}': {count} file{'s' if count != 1 else ''} changed"
        return [c.line() for c in self.changes] + [summary]


def _refused(message: str, hint: str, path: str = "") -> ContentErrors:
    return ContentErrors([Diagnostic(Location(path or CONTENT), message, hint)], "nothing written")


def _find(content: Content, kind: str, old: str) -> Renamed:
    records = _records(content, kind)
    for record in records:
        if record.slug == old:
            return record
    slugs = sorted({r.slug for r in records})
    hint = did_you_mean(old, slugs) or (f"the {kind}s are: {', '.join(slugs[:10])}" if slugs else f"there is no {kind}")
    raise _refused(f"no {kind} '{old}'", hint, f"{CONTENT}/{FOLDERS[kind]}")


def _taken(content: Content, record: Renamed, new: str, moved_to: str, root: Path) -> str:
    """What already has the name ``new`` (a record, a file, an alias of another record, a URL the
    build writes), or ""; ``record``'s own aliases are free (renamed back, its former URL is its URL again)."""
    kind = _kind(record)
    for same in _records(content, kind):
        if same.slug == new:
            return f"{same.origin.path} has that slug"
    if moved_to != record.origin.path and os.path.lexists(root / moved_to):
        return f"{moved_to} exists"
    return _url_taken(content, record, kind, new)


def _url_taken(content: Content, record: Renamed, kind: str, new: str) -> str:
    """What the URL ``new`` would give ``record`` already is (another's alias, a page the build writes), or ""."""
    wanted = site_path(kind, new)
    paged: tuple[Article | Topic | Page, ...] = (*content.articles, *content.topics, *content.pages)
    for other in paged:
        if wanted and wanted in other.aliases and other is not record:
            return f"{other.origin.path} lists {wanted} in its aliases"
    if kind == "page" and (new in SECTIONS or new in FILES):
        return f"the build writes /{new}/ itself"
    if kind == "article" and new.isdigit():
        return f"/articles/{new}/ is the list of the articles of a year"
    return ""


def _checked(root: Path, content: Content, kind: str, old: str, new: str) -> Renaming:
    record = _find(content, kind, old)
    where = record.origin.path
    if not is_slug(new):
        suggestion = slugify(new)
        hint = f"did you mean '{suggestion}'?" if suggestion else "use lower-case ASCII letters, digits and hyphens"
        raise _refused(f"'{new}' is not a slug (lower-case ASCII letters, digits and hyphens)", hint, where)
    if new == old:
        raise _refused(f"the {kind} is already '{old}'", "give another slug", where)
    has_slug_line = "slug" in record.origin.lines[0]
    moved_to = where if has_slug_line else posixpath.join(posixpath.dirname(where), f"{new}.md")
    taken = _taken(content, record, new, moved_to, root)
    if taken:
        raise _refused(f"'{new}' is taken: {taken}", "choose another slug", where)
    return Renaming(kind, old, new, record, where, moved_to)


# -- the new texts ----------------------------------------------------------------------


def _links(text: str, folder: str, renaming: Renaming) -> tuple[str, int]:
    """``text`` (Markdown, or site.yml) with its links to the renamed record retargeted, and how many."""
    count = 0

    def one(found: re.Match[str]) -> str:
        nonlocal count
        target = renaming.link(found.group(2), folder)
        if target == found.group(2):
            return found.group(0)
        count += 1
        return found.group(1) + target

    return _TARGET.sub(one, text), count


def _token(slug: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9_./-])" + re.escape(slug) + r"(?![A-Za-z0-9_/-])")


def _field_replaced(text: str, rel: str, key: str, old: str, new: str) -> str:
    """``text`` with the value ``old`` of the front-matter field ``key`` (a slug or a list of slugs)
    written ``new``, on that field's lines only, every other character kept."""
    document, _ = split(rel, text)
    entry = next((e for e in document.entries if e.key == key), None) if document else None
    if entry is None:
        return text
    lines = text.split("\n")
    first = entry.line - 1
    end = entry.node.end_mark
    last = 1 + end.line - (1 if end.column == 0 and end.line + 1 > first else 0)  # the marks count from the YAML
    token = _token(old)
    for index in range(first, min(last, len(lines) - 1) + 1):
        line = lines[index]
        start = line.index(":") + 1 if index == first and ":" in line else 0
        lines[index] = line[:start] + token.sub(new, line[start:])
    return "\n".join(lines)


def _references(record: Record, renaming: Renaming) -> list[tuple[str, str]]:
    """The front-matter fields of ``record`` that name the renamed one, and what is said of each."""
    old, kind = renaming.old, renaming.kind
    found: list[tuple[str, str]] = []
    if kind == "article" and isinstance(record, Annotation) and record.article == old:
        found.append(("article", f"article '{old}' → '{renaming.new}'"))
    if kind == "article" and isinstance(record, Event) and old in record.articles:
        found.append(("articles", f"articles: '{old}' → '{renaming.new}'"))
    if kind == "topic" and isinstance(record, (Article, Annotation, Event)) and old in record.topics:
        found.append(("topics", f"topics: '{old}' → '{renaming.new}'"))
    return found


def _own(text: str, renaming: Renaming) -> tuple[str, list[str]]:
    """The renamed record's file: its ``slug:`` line, and its former URL added to its aliases."""
    said: list[str] = []
    if renaming.moved_to == renaming.path:
        text = _field_replaced(text, renaming.path, "slug", renaming.old, renaming.new)
        said.append(f"slug '{renaming.old}' → '{renaming.new}'")
    else:
        said.append("renamed")
    former = site_path(renaming.kind, renaming.old)
    if not former:
        return text, said
    record = renaming.record
    if isinstance(record, Event):  # an event has no page of its own, so no alias
        return text, said
    now = site_path(renaming.kind, renaming.new)
    aliases = [a for a in record.aliases if a != now]  # renamed back: its URL is no longer an alias
    if former not in aliases:
        aliases.append(former)
        said.append(f"{former} added to its aliases")
    if now in record.aliases:
        said.append(f"{now} taken out of its aliases")
    return list_edited(renaming.path, text, "aliases", aliases), said


def _file_change(root: Path, record: Record, renaming: Renaming) -> Change | None:
    rel = record.origin.path
    text = (root / rel).read_bytes().decode("utf-8")
    said: list[str] = []
    new_text = text
    if rel == renaming.path:
        new_text, said = _own(new_text, renaming)
    for key, what in _references(record, renaming):
        new_text = _field_replaced(new_text, rel, key, renaming.old, renaming.new)
        said.append(what)
    document, _ = split(rel, new_text)
    if document is not None:
        lines = new_text.split("\n")
        head, body = "\n".join(lines[: document.body_line - 1]), "\n".join(lines[document.body_line - 1 :])
        body, count = _links(body, posixpath.dirname(rel), renaming)
        if count:
            new_text = head + "\n" + body
            said.append(f"{count} link{'s' if count != 1 else ''}")
    moved = renaming.moved_to if rel == renaming.path and renaming.moved_to != rel else ""
    if new_text == text and not moved:
        return None
    return Change(rel, new_text, tuple(said), moved)


def _settings_change(root: Path, renaming: Renaming) -> Change | None:
    path = root / SETTINGS_FILE
    if not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8")
    new_text, count = _links(text, "", renaming)
    if not count:
        return None
    return Change(SETTINGS_FILE, new_text, (f"{count} link{'s' if count != 1 else ''} in the intro",))


def changes(root: Path, content: Content, renaming: Renaming) -> list[Change]:
    """Every file the renaming changes, with its new text, in the order of the files' paths."""
    records: Iterable[Record] = (
        *content.articles,
        *content.annotations,
        *content.events,
        *content.topics,
        *content.pages,
    )
    found = [change for record in records if (change := _file_change(root, record, renaming)) is not None]
    settings = _settings_change(root, renaming)
    if settings is not None:
        found.append(settings)
    return sorted(found, key=lambda c: c.path)


# -- writing --------------------------------------------------------------------------


def write(root: Path, found: Sequence[Change]) -> None:
    """The renamed file created under its new name, every other file replaced, the old name removed:
    all of it, or (a write that fails: :class:`DossierError`) none of it, each file put back as it
    was. Ctrl-C, SIGTERM and SIGHUP wait until the writes are done (they are quick), then stop the program."""
    moved = [c for c in found if c.moved_to]
    steps = [_Step(c.moved_to, "create", c.text.encode("utf-8")) for c in moved]
    steps += [_Step(c.path, "replace", c.text.encode("utf-8")) for c in found if not c.moved_to]
    steps += [_Step(c.path, "remove") for c in moved]
    done: list[_Done] = []
    writing.sweep(root)  # what a rename killed before it was done left beside the files
    with stops.held():
        for step in steps:
            try:
                done.append(step.make(root))
            except OSError as exc:
                raise _failed(step.path, exc, done) from None
        for one in done:
            one.forget()


@dataclass(frozen=True)
class _Done:
    """A file :func:`write` wrote or removed, and how it was before (None: it did not exist)."""

    path: str
    created: Path | None = None
    before: writing.Kept | None = None

    def undo(self) -> None:
        if self.before is not None:
            self.before.put_back()
        elif self.created is not None:
            self.created.unlink()

    def forget(self) -> None:
        if self.before is not None:
            self.before.drop()


@dataclass(frozen=True)
class _Step:
    path: str  # from the project root
    action: str  # create, replace or remove
    data: bytes = b""

    def make(self, root: Path) -> _Done:
        target = root / self.path
        if self.action == "create":
            writing.create_file(target, self.data)
            return _Done(self.path, created=target)
        before = writing.Kept.of(target)
        try:
            if self.action == "replace":
                writing.replace_file(target, self.data)
            else:
                target.unlink()
        except BaseException:
            before.drop()  # the file is as it was
            raise
        return _Done(self.path, before=before)


def _failed(path: str, exc: OSError, done: list[_Done]) -> DossierError:
    """What is said when writing ``path`` failed, once the files written before it are put back."""
    reason = exc.strerror or exc.__class__.__name__
    left: list[str] = []
    for one in reversed(done):
        try:
            one.undo()
        except OSError:
            left.append(one.path)
    if not left:
        return DossierError(
            f"cannot write {path}: {reason}; nothing renamed, every file is as it was"
            " (hint: rename again once the cause is gone)"
        )
    return DossierError(
        f"cannot write {path}: {reason}; and cannot put back as they were: {', '.join(sorted(left))}"
        " (hint: the build says what is left to fix)"
    )


def run(root: Path, kind: str, old: str, new: str) -> Outcome:
    """Renames the ``kind`` record ``old`` to ``new`` and every reference to it (see the module)."""
    content, problems = loader.load(root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ContentErrors(errors, "nothing written: fix these first")
    renaming = _checked(root, content, kind, old, new)
    found = changes(root, content, renaming)
    write(root, found)
    return Outcome(renaming, tuple(found))
