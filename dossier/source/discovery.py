"""Which files of ``content/`` are content: a walk that needs none of the parsers.

It is light on purpose: a resumed build runs it in a process forked ahead
(:mod:`dossier.incremental.prefetch`), where it also takes each file's stat signature, so that one walk
gives both the files to load and the signatures the quick check compares.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from dossier.errors import Diagnostic, Location
from dossier.project import CONTENT, CONTENT_FOLDERS, MEDIA
from dossier.source.signatures import Signature, of

Found = list[tuple[str, str, Signature | None]]  # folder of the kind, absolute path, signature (if asked)


def ignored(name: str) -> bool:
    """Editor droppings: hidden files, backups, swap files."""
    return name.startswith((".", "#")) or name.endswith("~")


def unsafe_path(root: Path, path: Path) -> Diagnostic | None:
    """Why ``path`` (below ``root``) may not be read, or None.

    Refused: a symbolic link (of the file or of a folder on its way) that leads outside the
    project or nowhere, and anything that is not a regular file or folder (a named pipe
    would block the build, a device would never end).
    """
    rel = path.relative_to(root).as_posix()
    if not _linked(root, rel):  # only the kind of file matters
        full = os.path.join(root, rel)
        if os.path.exists(full) and not (os.path.isdir(full) or os.path.isfile(full)):
            return Diagnostic(Location(rel, 0), "not a regular file", "content files are plain text files")
        return None
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop
        hint = "remove it or make it point to a file of the project"
        return Diagnostic(Location(rel, 0), "broken symbolic link", hint)
    if not real.is_relative_to(root.resolve()):
        hint = "copy the file into the project instead"
        return Diagnostic(Location(rel, 0), "symbolic link leads outside the project", hint)
    if not (real.is_dir() or real.is_file()):
        return Diagnostic(Location(rel, 0), "not a regular file", "content files are plain text files")
    return None


def _linked(root: Path, rel: str) -> bool:
    """Whether a symbolic link is on the way from ``root`` to ``rel`` (``rel`` itself included)."""
    folder = os.fspath(root)
    for part in rel.split("/"):
        folder = os.path.join(folder, part)
        if os.path.islink(folder):
            return True
    return False


def walk(root: Path, signed: bool = False) -> tuple[Found, list[Diagnostic]]:
    """Every content file under ``root/content`` (absolute path strings), with its kind's folder,
    and, with ``signed``, its stat signature; stray files are errors.

    Walks with :func:`os.scandir`, whose entries already know whether they are links, files
    or folders: only a symbolic link, or something that is neither a file nor a folder, goes
    through :func:`unsafe_path`. Files come in sorted order within each folder.
    """
    root = Path(os.path.abspath(root))
    content = root / CONTENT
    found: Found = []
    problems: list[Diagnostic] = []
    if not content.is_dir():
        return found, [Diagnostic(Location(CONTENT, 0), "no content folder", "create content/articles/")]
    linked = unsafe_path(root, content) is not None or os.path.islink(content)
    for entry in listing(root, content, problems):
        if ignored(entry.name):
            continue
        rel = Path(entry.path).relative_to(root).as_posix()
        if entry.name == MEDIA and entry.is_dir():
            continue  # the images: read by source/media, not content files
        if entry.name not in CONTENT_FOLDERS or not entry.is_dir():
            expected = ", ".join((*CONTENT_FOLDERS, MEDIA))
            problems.append(
                Diagnostic(Location(rel, 0), "unexpected entry in content/", f"expected folders: {expected}")
            )
            continue
        _walk(root, entry.path, entry.name, linked or entry.is_symlink(), signed, found, problems)
    return found, problems


def listing(root: Path, folder: str | Path, problems: list[Diagnostic]) -> list[os.DirEntry[str]]:
    """The entries of ``folder``, sorted by name. A folder that cannot be listed (its permissions,
    its owner) is an error at its path, never a folder taken as empty: what it holds would be
    missing from the site without a word. One gone meanwhile (or no longer a folder) has none."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        problems.append(unreadable(root, folder, exc))
        return []


UNREADABLE = "cannot read this folder"


def is_unreadable(problem: Diagnostic) -> bool:
    """Whether ``problem`` is a folder's that could not be listed (:func:`unreadable`)."""
    return problem.message.startswith(UNREADABLE + ":")


def unreadable(root: Path, folder: str | Path, exc: OSError) -> Diagnostic:
    """The error of a folder that cannot be listed, at its path from ``root`` (whole if outside it)."""
    path, root = Path(os.path.abspath(folder)), Path(os.path.abspath(root))
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else os.fspath(path)
    hint = f"check its owner and permissions (chmod u+rx {rel}): every file in it is read"
    return Diagnostic(Location(rel, 0), f"{UNREADABLE}: {exc.strerror or exc}", hint)


def _walk(
    root: Path, folder: str, kind: str, linked: bool, signed: bool, found: Found, problems: list[Diagnostic]
) -> None:
    """The files below ``folder`` (``linked`` when a folder on the way is a symbolic link)."""
    for entry in listing(root, folder, problems):
        if ignored(entry.name):
            continue
        is_link = linked or entry.is_symlink()
        refused = _refused(root, entry, is_link)
        if refused is not None:
            problems.append(refused)
        elif entry.is_dir():
            if not entry.is_symlink():  # a linked folder is not entered (it could loop)
                _walk(root, entry.path, kind, is_link, signed, found, problems)
        elif not entry.name.endswith(".md"):
            problems.append(_not_markdown(root, entry.path))
        else:
            found.append((kind, entry.path, _signature(entry) if signed else None))


def _refused(root: Path, entry: os.DirEntry[str], is_link: bool) -> Diagnostic | None:
    """Why ``entry`` may not be read (see :func:`unsafe_path`): looked at only for a link or a special file."""
    if is_link or not (entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False)):
        return unsafe_path(root, Path(entry.path))
    return None


_IMAGES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".tif", ".tiff")


def _not_markdown(root: Path, path: str) -> Diagnostic:
    image = path.lower().endswith(_IMAGES)
    hint = (
        f"images go in {CONTENT}/{MEDIA}/, linked as ![alt](../{MEDIA}/name)" if image else "content files end in .md"
    )
    return Diagnostic(Location(Path(path).relative_to(root).as_posix(), 0), "not a Markdown file", hint)


def _signature(entry: os.DirEntry[str]) -> Signature | None:
    """The stat signature of ``entry``, or None when it cannot be stat-ed."""
    with contextlib.suppress(OSError):
        return of(entry.stat())
    return None
