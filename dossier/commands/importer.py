"""``seeds/`` → ``content/articles/``: a raw wire becomes a draft article, text kept verbatim.

The text is kept paragraph by paragraph and line by line; only the characters Markdown
would interpret are escaped, so that the rendered text equals the seed's text. The title and
summary are provisional and the article is a draft until an editor has checked them.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import posixpath
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from dossier import project
from dossier.commands import fieldedit, topicrank, writing
from dossier.errors import ContentErrors, Diagnostic, DossierError, Location, Severity, UsageError
from dossier.model import Annotation, Article, EarlierSeed, Topic
from dossier.project import ANNOTATIONS, CONTENT, SEEDS
from dossier.source import discovery, loader, seeds
from dossier.source.frontmatter import FENCES
from dossier.source.seeds import Seed
from dossier.text.didyoumean import did_you_mean, plain
from dossier.text.slugs import SLUG_LENGTH, is_slug, slugify

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


_DATELINE = re.compile(  # WASHINGTON (AP) — / BAGDAD, 5 janvier (Reuters) - / PARIS, 3 mars (AFP) -
    r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'\u2019. -]*[A-ZÀ-ÖØ-Þ.]"  # the place, in capitals
    r"(?:,[^()\n]{1,40}?)?"  # its date
    r"\s*\([^()\n]{1,40}\)"  # the agency
    r"\s*[-\u2013\u2014]+\s+"  # a hyphen, an en or an em dash
)
_STOP_LINES = (  # a title or slug never ends on these words (compared without accents)
    "le la les l un une des du de d a au aux en dans sur sous pour par avec sans entre vers chez",
    "et ou ni mais que qui qu dont ce cet cette ces son sa ses leur leurs",
    "the an of in on to for and or but by with from at as into its their his her this that",
)
_STOP_WORDS = frozenset(word for line in _STOP_LINES for word in line.split())


def without_dateline(text: str) -> str:
    """``text`` on one line, without the dateline of a wire (``PARIS, 3 mars (AFP) -``)."""
    text = " ".join(text.split())
    rest = _DATELINE.sub("", text, count=1)
    return rest if rest.strip() else text


def _stop(word: str) -> bool:
    return plain(word.strip(",;:.!?…«»\"'\u2019()")).rstrip("'\u2019") in _STOP_WORDS


def cut(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary before ``limit`` characters, never after
    an article or a preposition."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text[: limit - 1].split(" ")
    if len(words) > 1:
        words.pop()  # the word the limit cuts
    while len(words) > 1 and _stop(words[-1]):
        words.pop()
    return " ".join(words).rstrip(" ,;:") + "…"


def first_sentence(text: str) -> str:
    return _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]


@dataclass(frozen=True)
class Draft:
    slug: str
    text: str  # the whole file


def provisional_title(seed: Seed) -> str:
    """The seed's first sentence, without its dateline, cut at :data:`TITLE_LENGTH` and
    without the sentence's final full stop: a title has none (``?``, ``!`` and ``…`` stay)."""
    return without_full_stop(cut(first_sentence(without_dateline(seed.paragraphs[0].text)), TITLE_LENGTH))


_FULL_STOP = re.compile(r"(?<!\.)\s*\.$")  # one final full stop: not an ellipsis written "..."
_ABBREVIATION = re.compile(r"(?:^|\s)(?:\w\.){2,}$")  # "U.S.", "p.m.": the stop is the abbreviation's


def without_full_stop(title: str) -> str:
    """``title`` without its final full stop; an ellipsis ("...") and an abbreviation ("U.S.") keep theirs."""
    if _ABBREVIATION.search(title):
        return title
    return _FULL_STOP.sub("", title) or title  # a lone "." stays: a title is never empty


def draft(seed: Seed, topics: Sequence[Topic], slug: str = "") -> Draft:
    title = provisional_title(seed)
    summary = cut(without_dateline(seed.paragraphs[0].text), SUMMARY_LENGTH)
    slug = slug or slug_for(title)
    found = topicrank.rank([p.text for p in seed.paragraphs], topics)
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}  # provisional: the seed's first sentence",
        f"date: {seed.date.iso()}",
        f"topics: [{', '.join(found)}]  # suggested, most relevant first (the first one is the kicker)",
        f"summary: {json.dumps(summary, ensure_ascii=False)}  # provisional",
        f"seed: {seed.path}",
        f"seed_sha256: {seed.sha256}",
        "draft: true  # remove once the title, summary and topics are checked",
        "---",
    ]
    return Draft(slug, "\n".join(lines) + "\n" + to_markdown(seed))


def slug_for(title: str) -> str:
    """The slug of a title: at most :data:`SLUG_LENGTH` characters, whole words, never ending
    on an article or a preposition."""
    words = slugify(title.rstrip("…")).split("-")
    while len("-".join(words)) > SLUG_LENGTH and len(words) > 1:
        words.pop()
    while len(words) > 1 and words[-1] in _STOP_WORDS:
        words.pop()
    slug = "-".join(words)
    return slug[:SLUG_LENGTH].strip("-") or "article"


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_HASH = re.compile(r"^([ \t]*([\"']?)seed_sha256\2[ \t]*:[ \t]*([\"']?))([0-9A-Fa-f]*)")


def updated(text: str, article: Article, seed: Seed) -> str:
    """The article's file with the seed's text and hash: every other front-matter line is kept
    as the editor wrote it (order, comments, quotes); only the ``seed_sha256`` value and the
    text after the front matter change.

    Raises :class:`ContentErrors` when the ``seed_sha256`` line cannot be edited in place.
    """
    lines = _LINE.findall(text)
    newline = next((e for e in ("\r\n", "\r", "\n") if lines and lines[0].endswith(e)), "\n")
    fence = next(i for i in range(1, len(lines)) if lines[i].rstrip() in FENCES)
    head = lines[: fence + 1]
    if not head[-1].endswith(("\n", "\r")):
        head[-1] += newline
    names, numbers = article.origin.lines
    if "seed_sha256" in names:
        number = numbers[names.index("seed_sha256")]
        match = _HASH.match(head[number - 1])
        if match is None or match.group(4).lower() != article.seed_sha256.lower():
            where = Location(article.origin.path, number)
            hint = f"write it as 'seed_sha256: <hash>' on one line, then run {project.command()} import --update again"
            raise ContentErrors([Diagnostic(where, "cannot update seed_sha256 in place", hint)])
        head[number - 1] = match.group(1) + seed.sha256 + head[number - 1][match.end() :]
    else:  # the editor removed it: it comes back after the seed's path
        head.insert(article.origin.at("seed").line, f"seed_sha256: {seed.sha256}{newline}")
    blank = "".join(itertools.takewhile(lambda line: not line.strip(), lines[fence + 1 :]))
    return "".join(head) + blank + to_markdown(seed).replace("\n", newline)


@dataclass(frozen=True)
class Imported:
    path: str  # the article, relative to the project
    seed: str
    action: str  # "created", "updated" or "unchanged"
    notes: int = 0  # notes of the article, to check after an update
    date: str = ""  # the seed's new date, when an update leaves the article's date as it was
    draft: bool = False  # the article is a draft: only check --drafts checks it
    replaced: str = ""  # a new version: the seed it replaced, now an earlier one

    def line(self) -> str:
        """What was done, for the editor."""
        if self.action == "created":
            return f"{self.path}: created from {self.seed} (a draft: check its title, summary and topics)"
        if self.action == "unchanged":
            return f"{self.path}: unchanged ({self.seed} has not changed since it was imported)"
        if self.action == "earlier":
            return f"{self.path}: unchanged ({self.seed} is an earlier version of its text)"
        if self.action == "new version":
            return self._new_version()
        notes = f"{self.notes} note{'s' if self.notes != 1 else ''} to check: " if self.notes else ""
        check = f"{project.command()} check{' --drafts' if self.draft else ''}"
        line = f"{self.path}: updated: text and seed_sha256 from {self.seed}; {notes}run {check}"
        if self.date:
            line += f" (the seed is dated {self.date}: the article's date is kept)"
        return line

    def _new_version(self) -> str:
        check = f"{project.command()} check{' --drafts' if self.draft else ''}"
        done = (
            f"{self.path}: new version from {self.seed} (dated {self.date}): text, seed and seed_sha256 replaced,"
            f" {self.replaced} added to earlier_seeds"
        )
        if not self.notes:
            return f"{done}; run {check}"
        notes = f"{self.notes} note{'s point' if self.notes != 1 else ' points'} into the article"
        return (
            f"{done}; {notes}: run {check}, which reports those whose passage changed"
            f" ('{project.command()} reanchor --write' re-anchors them)"
        )


@dataclass(frozen=True)
class Outcome:
    imported: tuple[Imported, ...]
    problems: tuple[Diagnostic, ...]  # the seeds that could not be imported, at their lines


def run(root: Path, requested: Sequence[str], update: bool = False, slug: str = "", update_of: str = "") -> Outcome:
    """Import ``requested`` seeds (default: every seed without an article; with ``update``, every
    seed) into drafts; with ``update``, a changed seed's article gets its new text and hash and
    keeps everything else. Good seeds are written even when others are refused.

    ``slug`` names the article of the one seed requested; ``update_of`` names the article the
    one seed requested is a new version of (see :func:`new_version`). A problem with the topics
    or the articles stops everything: a seed's article that cannot be read might be written twice;
    so does, for an update, a notes' folder that cannot be read (see :func:`_blocking`).
    """
    if update_of:
        _check_update_of(requested, update, slug)
    records, problems = loader.load(root)
    updates = update or bool(update_of)
    blocking = [p for p in problems if p.severity is Severity.ERROR and _blocking(root, p, updates)]
    if blocking:
        raise ContentErrors(blocking)
    known = _Known.of(records.articles, records.annotations, records.topics)
    if update_of:
        return new_version(root, requested[0], update_of, known)
    paths, problems = _requested(root, requested, known.by_seed)
    if slug:
        _check_slug(slug, requested, paths, known.by_seed, known.taken)
    return _import_all(root, paths, known, problems, slug=slug, update=update, named=bool(requested))


def _import_all(
    root: Path, paths: Sequence[str], known: _Known, problems: list[Diagnostic], *, slug: str, update: bool, named: bool
) -> Outcome:
    """The seeds at ``paths`` imported in turn, until the disk stops them; ``problems``: those met so far."""
    results: list[Imported] = []
    if paths:
        writing.sweep(root)
    for index, rel in enumerate(paths):
        try:
            done, more = _import_seed(root, rel, known, slug=slug, update=update, named=named)
        except OSError as exc:  # the disk: every seed after this one would fail the same way
            problems.append(_stopped(rel, exc, len(paths) - index - 1))
            break
        problems.extend(more)
        if done is not None:
            results.append(done)
    return Outcome(tuple(results), tuple(problems))


# what a write says about the disk or the folder rather than about one file: the import stops at the first
_DISK = {
    errno.ENOSPC: "free some space on that disk",
    errno.EDQUOT: "free some space within your disk quota",
    errno.EFBIG: "a file size limit is set ('ulimit -f'): raise it",
    errno.EROFS: "the disk is read-only: import into a project on a writable one",
    errno.EACCES: "check the owner and permissions of content/articles (chmod u+w content/articles)",
    errno.EPERM: "check the owner and permissions of content/articles (chmod u+w content/articles)",
}


def _stopped(rel: str, exc: OSError, left: int) -> Diagnostic:
    """The import stopped at ``rel`` by the disk, ``left`` seeds not tried (those before it are imported)."""
    reason = exc.strerror or str(exc)
    untried = f"; the import stopped there, {left} seed{'s' if left != 1 else ''} not tried" if left else ""
    hint = f"{_DISK.get(exc.errno or 0, 'fix the cause')}, then import again: the seeds imported are not imported twice"
    return Diagnostic(Location(rel, 0), f"cannot write its article: {reason}{untried}", hint)


def _import_seed(
    root: Path, rel: str, known: _Known, *, slug: str, update: bool, named: bool
) -> tuple[Imported | None, list[Diagnostic]]:
    """The seed at ``rel`` read and imported (see :func:`_import`), and the problems met."""
    seed, problems = seeds.read(root, rel)
    if seed is None:
        return None, problems
    try:
        done = _import(root, rel, seed, known, slug=slug, update=update, named=named)
    except ContentErrors as exc:
        return None, [*problems, *exc.diagnostics]
    except FileExistsError:
        return None, [*problems, Diagnostic(Location(rel, 0), "its article's file appeared meanwhile: not replaced")]
    except OSError as exc:
        if exc.errno in _DISK:
            raise  # said once, by the caller, which stops
        return None, [*problems, Diagnostic(Location(rel, 0), f"cannot write its article: {exc.strerror or exc}")]
    if isinstance(done, Diagnostic):
        return None, [*problems, done]
    return done, problems


@dataclass(frozen=True)
class _Known:
    """The articles as the import finds them, and those it writes as it goes (the dictionaries grow)."""

    topics: tuple[Topic, ...]
    by_seed: dict[str, Article]  # normalized seed path: its article ("./seeds/x.txt" too)
    taken: dict[str, str]  # slug: its file
    by_bytes: dict[str, tuple[str, str]]  # SHA-256 of a seed: (the seed, its article's file)
    notes: Counter[str]  # notes per article slug
    earlier: dict[str, Article]  # normalized path of an earlier seed: the article it was a version of
    by_slug: dict[str, Article]

    @classmethod
    def of(cls, articles: Sequence[Article], annotations: Sequence[Annotation], topics: Sequence[Topic]) -> _Known:
        return cls(
            tuple(topics),
            {posixpath.normpath(a.seed): a for a in articles if a.seed},
            {
                **{posixpath.splitext(posixpath.basename(a.origin.path))[0]: a.origin.path for a in articles},
                **{a.slug: a.origin.path for a in articles},  # a file named otherwise by its slug: line
            },
            _by_bytes(articles),
            Counter(n.article for n in annotations),
            {posixpath.normpath(e.seed): a for a in articles for e in a.earlier_seeds},
            {a.slug: a for a in articles},
        )


def _by_bytes(articles: Sequence[Article]) -> dict[str, tuple[str, str]]:
    """SHA-256 of every seed the articles name (current and earlier): (the seed, its article's file)."""
    found = {e.sha256: (e.seed, a.origin.path) for a in articles for e in a.earlier_seeds}
    found.update({a.seed_sha256: (a.seed, a.origin.path) for a in articles if a.seed and a.seed_sha256})
    return found


def _import(
    root: Path, rel: str, seed: Seed, known: _Known, *, slug: str, update: bool, named: bool
) -> Imported | Diagnostic | None:
    """One seed imported: what was done, or why it was not (None: nothing to say).

    ``named``: the seeds were named on the command line (a plain import names only what it
    does, and what is wrong)."""
    existing = known.by_seed.get(rel)
    if existing is None and rel in known.earlier:  # replaced by a newer version: nothing to do
        return Imported(known.earlier[rel].origin.path, rel, "earlier") if named or update else None
    if existing is None:
        twin = known.by_bytes.get(seed.sha256)
        if twin is not None and not slug:
            hint = "delete the copy, or import it with --slug SLUG to make a second article of it"
            message = f"the same text as {twin[0]}, imported as {twin[1]}: not imported again"
            return Diagnostic(Location(rel, 0), message, hint)
        return _create(root, rel, seed, known, slug)
    if existing.seed_sha256 == seed.sha256:
        return Imported(existing.origin.path, rel, "unchanged") if named or update else None
    if not update:
        return _changed(existing, rel)
    return _update(root, rel, seed, existing, known.notes[existing.slug])


def _create(root: Path, rel: str, seed: Seed, known: _Known, slug: str) -> Imported:
    """A new draft article for ``seed`` (named ``slug``, or after its title)."""
    name = slug or _free(slug_for(provisional_title(seed)), known.taken)
    target = f"content/articles/{name}.md"
    writing.create_file(root / target, draft(seed, known.topics, name).text.encode("utf-8"))
    known.taken[name] = target
    known.by_bytes[seed.sha256] = (rel, target)
    return Imported(target, rel, "created")


def _update(root: Path, rel: str, seed: Seed, existing: Article, notes: int) -> Imported:
    """The article of a changed seed, with the seed's new text and hash, every other field kept."""
    path = root / existing.origin.path
    writing.replace_file(path, updated(path.read_bytes().decode("utf-8"), existing, seed).encode("utf-8"))
    date = seed.date.iso() if seed.date != existing.date else ""
    return Imported(existing.origin.path, rel, "updated", notes, date, existing.draft)


_BLOCKING = ("content/topics/", "content/articles/")
_NOTES = f"{CONTENT}/{ANNOTATIONS}"


def _blocking(root: Path, problem: Diagnostic, updates: bool) -> bool:
    """Whether ``problem`` leaves the articles or the topics unknown: in their folders, or at a
    folder on their way that is there (one that cannot be read: its articles would be imported
    again). A project without ``content/`` yet has no article to import twice.

    The notes matter only to an update (``updates``), which says how many point into the text it
    replaces: a notes' folder that cannot be read would have it say none, and the notes whose
    passage it takes away would be broken unsaid. A new article has no note yet: a plain import
    writes the same files whatever the notes hold, readable or not (the build says what is wrong)."""
    path = problem.location.path
    if updates and discovery.is_unreadable(problem) and (path == _NOTES or path.startswith(f"{_NOTES}/")):
        return True
    on_the_way = any(folder.startswith(f"{path}/") for folder in _BLOCKING) and os.path.isdir(root / path)
    return path.startswith(_BLOCKING) or on_the_way


def _check_update_of(requested: Sequence[str], update: bool, slug: str) -> None:
    """``--update-of``: one seed, neither ``--update`` nor ``--slug``."""
    if update or slug:
        other = "--update" if update else "--slug"
        hint = "--update-of SLUG imports a new seed file as the new version of an existing article"
        raise UsageError(f"--update-of and {other} cannot be given together", hint)
    if len(requested) != 1:
        hint = f"{project.command()} import seeds/NEW.txt --update-of SLUG, one new version at a time"
        raise UsageError("--update-of names one article: give exactly one SEED, its new version", hint)


def new_version(root: Path, given: str, slug: str, known: _Known) -> Outcome:
    """The seed ``given``, a new version of the dispatch of article ``slug``, imported into it:
    its text and ``seed``/``seed_sha256`` replaced, the seed it had added to ``earlier_seeds``
    (oldest first), every other line of the file kept byte for byte; or why not, nothing written."""
    paths, problems = _requested(root, [given], known.by_seed)
    if problems:
        return Outcome((), tuple(problems))
    rel = paths[0]
    seed, problems = seeds.read(root, rel)
    if seed is None:
        return Outcome((), tuple(problems))
    article = known.by_slug.get(slug)
    if article is None:
        hint = did_you_mean(slug, known.by_slug) or "the slug is the article's file name in content/articles/"
        return Outcome((), (Diagnostic(Location(rel, seed.date_line), f"--update-of {slug}: no such article", hint),))
    current, problems = _current_seed(root, article)
    problems += _not_a_new_version(rel, seed, article, current, known)
    if problems or current is None:
        return Outcome((), tuple(problems))
    writing.sweep(root)
    try:
        done = _replace_version(root, rel, seed, article, known.notes[article.slug])
    except ContentErrors as exc:
        return Outcome((), tuple(exc.diagnostics))
    except OSError as exc:
        where = article.origin.at()
        return Outcome((), (Diagnostic(where, f"cannot write the article: {exc.strerror or exc}"),))
    return Outcome((done,), ())


def _current_seed(root: Path, article: Article) -> tuple[Seed | None, list[Diagnostic]]:
    """The article's current seed, which becomes an earlier one: as it was imported, or the errors."""
    if not article.seed:
        hint = "only an article imported from a seed gets a new version; import the seed as a new article"
        return None, [Diagnostic(article.origin.at(), f"{article.origin.path} has no seed to replace", hint)]
    found, problems = seeds.at(root, seeds.named(article)[0])
    if found is None:
        return None, problems
    if found.sha256 != article.seed_sha256.lower():
        name = "seed_sha256" if article.seed_sha256 else "seed"
        hint = (
            f"{project.command()} import --update {article.seed} first, or restore it:"
            " an earlier version is kept as it was imported"
        )
        message = f"the seed {article.seed} has changed since it was imported (its SHA-256 differs)"
        if not article.seed_sha256:
            message = f"the article has no seed_sha256: it cannot tell whether {article.seed} changed"
        return None, [Diagnostic(article.origin.at(name), message, hint)]
    return found, []


def _not_a_new_version(rel: str, seed: Seed, article: Article, current: Seed | None, known: _Known) -> list[Diagnostic]:
    """Why ``seed`` (at ``rel``) cannot be a new version of ``article`` (whose seed is ``current``)."""
    hint = f"a new version of a dispatch is a new seed file, e.g. {_next_name(article.seed)}"
    if rel == posixpath.normpath(article.seed):
        hint += f"; a seed changed in place: {project.command()} import --update {rel}"
        return [Diagnostic(article.origin.at("seed"), f"{rel} is already the article's seed", hint)]
    if any(posixpath.normpath(e.seed) == rel for e in article.earlier_seeds):
        return [Diagnostic(article.origin.at("earlier_seeds"), f"{rel} is an earlier version of the article", hint)]
    other = known.by_seed.get(rel) or known.earlier.get(rel)
    if other is not None:
        hint = f"a seed belongs to one article: delete {other.origin.path} if it was imported by mistake"
        return [Diagnostic(Location(rel, seed.date_line), f"{rel} is already a seed of {other.origin.path}", hint)]
    problems: list[Diagnostic] = []
    if seed.sha256 == article.seed_sha256.lower() or any(
        seed.sha256 == e.sha256.lower() for e in article.earlier_seeds
    ):
        message = f"the same text as a version the article already has: nothing new in {rel}"
        hint = f"delete {rel}: a new version is the agency's updated text, saved as a new seed file"
        problems.append(Diagnostic(Location(rel, seed.date_line), message, hint))
    # compared at the coarser precision: only a version clearly earlier (2024-03 is not before 2024-03-06)
    if current is not None and seed.date.last_day() < current.date.first_day():
        message = f"dated {seed.date}, before the article's seed {current.path} ({current.date})"
        hint = "a new version is dated on or after the one it replaces (a month or a year is any of its days)"
        hint += ": check its date header"
        problems.append(Diagnostic(Location(rel, seed.date_line), message, hint))
    return problems


_VERSION = re.compile(r"-v(\d+)$")


def _next_name(path: str) -> str:
    """A name for the next version's seed: ``x.txt`` → ``x-v2.txt``, ``x-v2.txt`` → ``x-v3.txt``."""
    stem, dot, suffix = posixpath.basename(path).rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    number = _VERSION.search(stem)
    stem = stem[: number.start()] if number else stem
    name = f"{stem}-v{int(number.group(1)) + 1 if number else 2}" + (f".{suffix}" if suffix else "")
    return posixpath.join(posixpath.dirname(path), name)


def _replace_version(root: Path, rel: str, seed: Seed, article: Article, notes: int) -> Imported:
    """The article's file with the new version's text, its seed as ``seed`` and its old seed
    last of ``earlier_seeds``: written whole or not at all."""
    path = root / article.origin.path
    earlier = (*article.earlier_seeds, EarlierSeed(article.seed, article.seed_sha256))
    fields = {
        "seed": rel,
        "seed_sha256": seed.sha256,
        "earlier_seeds": [{"seed": e.seed, "sha256": e.sha256} for e in earlier],
    }
    text = fieldedit.edited(
        article.origin.path, path.read_bytes().decode("utf-8"), fields, to_markdown(seed), "seed_sha256"
    )
    writing.replace_file(path, text.encode("utf-8"))
    return Imported(article.origin.path, rel, "new version", notes, seed.date.iso(), article.draft, article.seed)


def _changed(article: Article, rel: str) -> Diagnostic:
    if article.seed_sha256:
        message = f"the seed {rel} has changed since it was imported (its SHA-256 differs)"
    else:
        message = f"the article of {rel} has no seed_sha256: it cannot tell whether the seed changed"
    hint = f"{project.command()} import --update {rel} replaces the text and seed_sha256, and keeps every other field"
    return Diagnostic(article.origin.at("seed_sha256" if article.seed_sha256 else "seed"), message, hint)


def _check_slug(
    slug: str, requested: Sequence[str], paths: Sequence[str], by_seed: dict[str, Article], taken: dict[str, str]
) -> None:
    """``--slug``: a valid slug, for one seed, naming a new article."""
    if not is_slug(slug):
        suggestion = slugify(slug)
        hint = f"--slug {suggestion}" if suggestion else "lower-case ASCII letters, digits and hyphens"
        raise UsageError(f"--slug '{slug}' is not a valid slug", hint)
    if len(requested) != 1:
        raise UsageError("--slug names one article: give exactly one SEED")
    if not paths:
        return  # the seed's path is wrong: said with the other problems
    existing = by_seed.get(paths[0])
    if existing is not None and existing.slug != slug:
        raise UsageError(
            f"{paths[0]} already has an article, {existing.origin.path}",
            f"--slug names a new article; to change its slug: {project.command()} rename article OLD NEW",
        )
    if existing is None and slug in taken:
        raise UsageError(f"--slug {slug}: {taken[slug]} already exists", "choose another slug")


def _free(slug: str, taken: Collection[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _requested(root: Path, requested: Sequence[str], by_seed: dict[str, Article]) -> tuple[list[str], list[Diagnostic]]:
    """The seeds asked for, relative to ``root``; none: every seed (those with an article are
    checked for a change). A seed named by a relative path is looked for from the project,
    then from the working directory (inside the project), then in ``seeds/``."""
    if not requested:
        return _every_seed(root)
    paths: list[str] = []
    problems: list[Diagnostic] = []
    for given in requested:
        rel, problem = _seed_path(root, given)
        if problem is not None:
            problems.append(problem)
        elif rel is not None:
            paths.append(rel)
    return paths, problems


def _every_seed(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """Every file of ``seeds/`` but hidden ones, relative to ``root``, sorted; a folder of it
    that cannot be listed is an error (its seeds are not taken for none)."""
    folder = root / SEEDS
    if not folder.is_dir():
        raise DossierError("no seeds/ folder")
    found: list[str] = []
    problems: list[Diagnostic] = []
    _seeds_below(root, os.fspath(folder), found, problems)
    return found, problems


def _seeds_below(root: Path, folder: str, found: list[str], problems: list[Diagnostic]) -> None:
    """The files below ``folder`` (links to files followed, linked folders not entered), in sorted order."""
    for entry in discovery.listing(root, folder, problems):
        if entry.is_dir(follow_symlinks=False):
            _seeds_below(root, entry.path, found, problems)
        elif entry.is_file() and not entry.name.startswith("."):
            found.append(Path(entry.path).relative_to(root).as_posix())


def _typed_path(root: Path, given: str) -> Path:
    """The path typed, relative to the project when it is in it (typed from a folder of the
    project, ``../seeds/x.txt`` from content/, or absolute); else as typed."""
    path = Path(given)
    here = Path.cwd() / path
    if not path.is_absolute() and not (root / path).is_file() and here.resolve().is_relative_to(root):
        path = here
    if path.is_absolute() and path.resolve().is_relative_to(root.resolve()):
        path = path.resolve().relative_to(root.resolve())
    return path


def _seed_path(root: Path, given: str) -> tuple[str | None, Diagnostic | None]:
    """The seed named ``given`` on the command line, relative to ``root``, or why it cannot be imported."""
    path = _typed_path(root, given)
    rel = posixpath.normpath(path.as_posix())  # seeds/../seeds/x.txt is seeds/x.txt
    if path.is_absolute() or rel == ".." or rel.startswith("../"):
        hint = f"copy it into {SEEDS}/ (a dossier keeps its seeds), then import {SEEDS}/{path.name}"
        return None, Diagnostic(Location(given, 0), "the seed is outside the project", hint)
    if not (root / rel).is_file() and (root / SEEDS / rel).is_file():
        rel = f"{SEEDS}/{rel}"
    reason = seeds.safe_path(root, rel)
    if reason is not None:
        return None, Diagnostic(Location(given, 0), reason, f"name a file of the project, such as {SEEDS}/NAME.txt")
    if (root / rel).is_dir():
        hint = f"name its files, or run import without a seed: every file of {SEEDS}/ without an article"
        return None, Diagnostic(Location(given, 0), "a folder, not a seed file", hint)
    if not (root / rel).is_file():
        hint = f"a seed is looked for from the working folder, the project's and {SEEDS}/"
        return None, Diagnostic(Location(given, 0), "no such seed file", hint)
    return rel, None
