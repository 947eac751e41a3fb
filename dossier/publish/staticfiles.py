"""The static files: what is copied into the site's ``static/``, and what is refused.

The theme's ``static/`` is published, and the project's own ``static/`` over it: a file of the
project at the path of one of the theme's replaces it (``static/style.css``), the others are
added (``static/img/logo.png``). A file of one where the other has a folder is an error at the
project's path: the site cannot hold both.

Only regular files are published. A symbolic link anywhere in the static files (a file or a
folder) is refused at its path, whatever it points to: a link to the project's ``.env`` would
otherwise publish a secret without a word, and a link to another file of the theme is a copy
the editor can make. Special files (a named pipe, a device) are refused too; hidden files and
folders are left out.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from dossier.errors import ContentErrors, Diagnostic, Location
from dossier.project import STATIC
from dossier.source.discovery import listing, unsafe_path

FOLDER = "static"  # in the theme, and in the site


def published(root: Path, theme: Path) -> dict[str, Path]:
    """The static files of the site: the theme's, and the project's own ``static/`` over them
    (output path → source, in the order of a walk); raises :class:`ContentErrors` naming every problem
    of both at once."""
    return collect(root, theme / FOLDER, root / STATIC)


def collect(root: Path, *folders: Path) -> dict[str, Path]:
    """Every file to copy from ``folders``, as output path (``static/...``) → source, in the order
    of a walk (each folder's names sorted), a file of a later folder replacing the one at its path
    in an earlier one; raises :class:`ContentErrors` naming every link or special file found."""
    copies: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for static in folders:
        found: dict[str, Path] = {}
        _folder(root, static, found, problems)
        problems += _clashes(root, copies, found)
        copies.update(found)
    if problems:
        raise ContentErrors(problems)
    return dict(sorted(copies.items(), key=lambda item: item[0].split("/")))  # as one folder is walked


def _folder(root: Path, static: Path, copies: dict[str, Path], problems: list[Diagnostic]) -> None:
    if os.path.islink(static):
        problems.append(_refused(root, static))
    elif static.is_dir():
        inside = static.is_relative_to(root)  # the package's own theme is not the project's to check
        above = unsafe_path(root, static) if inside else None  # a theme folder linked from elsewhere
        if above is not None:
            problems.append(above)
        else:
            _walk(root, static, static, copies, problems)
    elif os.path.lexists(static):
        hint = f"static files go in a folder {_shown(root, static)}/"
        problems.append(Diagnostic(Location(_shown(root, static)), "not a folder", hint))


def _clashes(root: Path, before: dict[str, Path], found: dict[str, Path]) -> list[Diagnostic]:
    """A file of ``found`` where ``before`` has a folder, or in a folder of ``found`` where
    ``before`` has a file: an error at the path in ``found`` (the override)."""
    folders = {parent for rel in before for parent in _parents(rel)}
    problems = []
    for rel, source in found.items():
        if rel in folders:
            problems.append(_clash(root, source, "a file where the theme's static files have a folder", rel))
        for parent in _parents(rel):
            if parent in before:
                where = source.parents[rel.count("/") - parent.count("/") - 1]
                problems.append(_clash(root, where, "a folder where the theme's static files have a file", parent))
    return list({p.format(): p for p in problems}.values())  # a folder's error said once


def _parents(rel: str) -> list[str]:
    """The folders on the way to ``rel`` (``static/a/b.css`` → ``static/a``), ``static`` left out."""
    parts = rel.split("/")
    return [posixpath.join(*parts[:i]) for i in range(2, len(parts))]


def _clash(root: Path, path: Path, message: str, rel: str) -> Diagnostic:
    hint = f"the site cannot hold both at /{rel}: give yours another name"
    return Diagnostic(Location(_shown(root, path)), message, hint)


def _shown(root: Path, path: Path) -> str:
    """``path`` as a message names it: from the project's root, or whole (the package's theme)."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _refused(root: Path, path: Path) -> Diagnostic:
    rel = _shown(root, path)
    return Diagnostic(Location(rel), "symbolic link in static files: not published", "copy the file instead")


def _walk(root: Path, static: Path, folder: Path, copies: dict[str, Path], problems: list[Diagnostic]) -> None:
    for entry in listing(root, folder, problems):  # one that cannot be listed: an error at its path
        if entry.name.startswith("."):  # hidden: never published, so never a leak
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            problems.append(_refused(root, path))
        elif entry.is_dir(follow_symlinks=False):
            _walk(root, static, path, copies, problems)
        elif entry.is_file(follow_symlinks=False):
            copies[f"{FOLDER}/{path.relative_to(static).as_posix()}"] = path
        else:
            rel = _shown(root, path)
            problems.append(Diagnostic(Location(rel), "not a regular file", "static files are plain files"))
