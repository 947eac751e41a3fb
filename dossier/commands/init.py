"""``init DIR``: a new dossier that builds at once, with one short example of each kind.

The files come from the package's ``starter/`` folder: the settings, the editors' README and
the example texts in the dossier's language (``starter/<language>/``), the Pages workflow, the
pinned requirement and the ``.gitignore`` (shared). The example content is written by the
commands an editor types, with their checks: the topic, the note, the event and the page
through ``new`` (:func:`dossier.commands.scaffold.create`: the note is anchored in the article
as the build anchors it), the article through ``import`` from the example seed.

Everything is made in a hidden staging folder inside ``DIR``, then moved up: a failure leaves
nothing behind. A ``DIR`` that holds anything but a repository (``.git``) and a Python
environment (``.venv``) is refused.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dossier import DISTRIBUTION, __version__, config
from dossier.commands import fieldedit, importer, scaffold, writing
from dossier.errors import ContentErrors, DossierError, UsageError
from dossier.project import ARTICLES, CONTENT, CONTENT_FOLDERS, SEEDS, SETTINGS_FILE
from dossier.source import discovery

LANGUAGES = ("fr", "en")  # the languages the starter's example texts are written in
WORKFLOW = ".github/workflows/pages.yml"
REQUIREMENTS = "requirements.txt"


@dataclass(frozen=True)
class Example:
    """The example texts of one language (``starter/<language>/example.yml``)."""

    title: str  # the dossier's title when none is given
    seed: str  # the example seed's file name in seeds/
    article: dict[str, str]
    topic: dict[str, Any]
    note: dict[str, str]
    event: dict[str, str]
    page: dict[str, str]

    @classmethod
    def of(cls, language: str) -> Example:
        data = yaml.safe_load(_starter(language, "example.yml"))  # the package's own file
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Started:
    """What ``init`` wrote: the folder, and its files (relative, sorted)."""

    root: Path
    files: tuple[str, ...]

    def lines(self, given: str) -> list[str]:
        """What the editor reads: what was made, and the next commands (``given``: DIR as typed)."""
        return [
            f"{given}: a new dossier, {len(self.files)} files: {SETTINGS_FILE}, {CONTENT}/ (one example of each kind),"
            f" {SEEDS}/, README.md, {REQUIREMENTS}, {WORKFLOW}",
            f"next: {'' if given in ('.', './') else f'cd {given} && '}dossier serve"
            "  (README.md: the everyday commands, publishing, upgrading)",
        ]


def _versioned(text: str) -> str:
    """A starter file with the package's name on PyPI and this version in it."""
    return text.replace("@VERSION@", __version__).replace("@DISTRIBUTION@", DISTRIBUTION)


def _starter(*parts: str) -> str:
    return resources.files("dossier").joinpath("starter", *parts).read_text(encoding="utf-8")


def run(given: Path, title: str | None = None, language: str = "fr", base_url: str = "/") -> Started:
    """Write a new dossier into ``given`` (absent, or a folder that holds nothing but :data:`KEPT`),
    named as given in messages."""
    if language not in LANGUAGES:
        raise UsageError(f"--language {language}: no example in this language", "one of " + ", ".join(LANGUAGES))
    config.Overrides(base_url=base_url)  # checked as the build checks --base-url (a usage error)
    target = Path(os.path.abspath(given))
    try:
        _refuse_taken(target, given)
        made = not target.exists()
    except OSError as exc:  # a folder on the way that cannot be read
        hint = "check its owner and permissions, or give another place"
        raise DossierError(f"{given}: {discovery.UNREADABLE}: {exc.strerror or exc} (hint: {hint})") from None
    example = Example.of(language)
    try:
        target.mkdir(exist_ok=True)
        files = _staged(
            target,
            given,
            lambda staging: _write(staging, example, example.title if title is None else title, language, base_url),
        )
    except BaseException as exc:  # a full disk, Ctrl-C: nothing left behind, the folder made here included
        if made:
            with contextlib.suppress(OSError):
                target.rmdir()  # made here, and left empty by the staging's removal
        if isinstance(exc, OSError):
            raise DossierError(f"{given}: cannot write the new dossier: {exc.strerror or exc}") from None
        raise
    return Started(target, files)


def _staged(target: Path, given: Path, write: Callable[[Path], None]) -> tuple[str, ...]:
    """``write`` into a hidden folder of ``target``, then its files moved up, each by one rename;
    the hidden folder is removed whatever happens. Returns the files written (relative, sorted)."""
    staging = Path(tempfile.mkdtemp(prefix=".dossier-init-", dir=target))
    try:
        write(staging)
        files = tuple(sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()))
        _refuse_taken(target, given, staging.name)  # nothing of the editor's appeared meanwhile
        for entry in sorted(staging.iterdir()):
            os.rename(entry, target / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files


KEPT = (".git", ".venv")
"""What a folder may already hold: a repository (a fresh clone) and a Python environment
(dossier installed in it), neither of which ``init`` writes into."""


def _refuse_taken(target: Path, given: Path, staging: str = "") -> None:
    """A folder that holds anything but :data:`KEPT`, or a file, is never written into."""
    if target.is_dir():
        with os.scandir(target) as entries:
            held = sorted(e.name for e in entries if e.name not in (*KEPT, staging))
        if not held:
            return
        shown = ", ".join(held[:3]) + (", ..." if len(held) > 3 else "")
        hint = "give a new folder, or an empty one (it may hold .git and .venv): nothing of yours is replaced"
        raise DossierError(f"{given}: not empty: holds {shown} (hint: {hint})")
    if os.path.lexists(target):
        raise DossierError(f"{given}: not a folder (hint: give the name of a new folder)")
    if os.path.lexists(target.parent) and not target.parent.is_dir():
        raise DossierError(f"{given.parent}: not a folder (hint: give a place inside a folder)")
    if not target.parent.is_dir():
        raise DossierError(f"{given.parent}: no such folder (hint: create it first, or give another place)")


def _write(root: Path, example: Example, title: str, language: str, base_url: str) -> None:
    settings = _starter(language, SETTINGS_FILE)
    settings = settings.replace("@TITLE@", fieldedit.yaml_value(title)).replace(
        "@BASE_URL@", fieldedit.yaml_value(base_url)
    )
    _create(root, SETTINGS_FILE, settings)
    _check_settings(root)
    readme = _versioned(_starter(language, "README.md").replace("@TITLE@", title.replace("\n", " ")))
    _create(root, "README.md", readme)
    _create(root, ".gitignore", _starter("gitignore"))
    _create(root, REQUIREMENTS, _versioned(_starter(REQUIREMENTS)))
    _create(root, WORKFLOW, _starter("pages.yml"))
    for folder in CONTENT_FOLDERS:
        (root / CONTENT / folder).mkdir(parents=True, exist_ok=True)
    _create(root, f"{SEEDS}/{example.seed}", _starter(language, "seed.txt"))
    _example_content(root, example)


def _create(root: Path, rel: str, text: str) -> None:
    writing.create_file(root / rel, text.encode("utf-8"))


def _check_settings(root: Path) -> None:
    """The settings as the build reads them: a title it would refuse is refused here."""
    loaded, problems = config.load(root)
    if loaded is None or problems:
        raise UsageError(
            f"--title: {problems[0].message}" if problems else "--title: not a title", "a title on one line"
        )


def _example_content(root: Path, example: Example) -> None:
    """The topic, then the article imported from the seed, then what refers to them: the note,
    the event, the page; each written by ``import`` or ``new`` with their checks."""
    topic = example.topic
    _new(root, "topic", topic["slug"], {"label": topic["label"], "keywords": topic["keywords"]}, topic["text"])
    article = example.article
    outcome = importer.run(root, [f"{SEEDS}/{example.seed}"], slug=article["slug"])
    if outcome.problems or len(outcome.imported) != 1:
        raise ContentErrors(list(outcome.problems))
    _publish_article(root, article, topic["slug"])
    note = example.note
    fields: dict[str, object] = {
        "article": article["slug"],
        "quote": note["quote"],
        "kind": note["kind"],
        "topics": [topic["slug"]],
    }
    _new(root, "annotation", note["slug"], fields, note["text"])
    event = example.event
    fields = {"title": event["title"], "date": event["date"], "topics": [topic["slug"]], "articles": [article["slug"]]}
    _new(root, "event", event["slug"], fields, event["text"])
    page = example.page
    _new(root, "page", page["slug"], {"title": page["title"]}, page["text"])


def _new(root: Path, kind: str, slug: str, fields: dict[str, object], text: str) -> None:
    scaffold.create(root, scaffold.Request(kind, fields, text, slug, chosen=True))


def _publish_article(root: Path, article: dict[str, str], topic: str) -> None:
    """The imported draft with the example's title, summary, source and topic, published: the
    import's provisional fields (and their comments) are replaced, as an editor would."""
    path = root / CONTENT / ARTICLES / f"{article['slug']}.md"
    rel = path.relative_to(root).as_posix()
    fields = {"title": article["title"], "source": article["source"], "topics": [topic], "summary": article["summary"]}
    text = fieldedit.edited(rel, path.read_text(encoding="utf-8"), dict.fromkeys([*fields, "draft"]))
    text = fieldedit.edited(rel, text, fields, after="date")
    writing.replace_file(path, text.encode("utf-8"))
