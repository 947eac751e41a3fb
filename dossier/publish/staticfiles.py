"""The theme's static files: what is copied into the site's ``static/``, and what is refused.

Only regular files are published. A symbolic link anywhere in the static files (a file or a
folder) is refused at its path, whatever it points to: a link to the project's ``.env`` would
otherwise publish a secret without a word, and a link to another file of the theme is a copy
the editor can make. Special files (a named pipe, a device) are refused too; hidden files and
folders are left out.
"""

from __future__ import annotations

import os
from pathlib import Path

from dossier.errors import ContentErrors, Diagnostic, Location
from dossier.source.discovery import listing, unsafe_path

FOLDER = "static"  # in the theme, and in the site


def collect(root: Path, static: Path) -> dict[str, Path]:
    """Every file to copy, as output path (``static/...``) → source, in sorted order; raises
    :class:`ContentErrors` naming every link or special file found."""
    copies: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    if os.path.islink(static):
        problems.append(_refused(root, static))
    elif static.is_dir():
        inside = static.is_relative_to(root)  # the package's own theme is not the project's to check
        above = unsafe_path(root, static) if inside else None  # a theme folder linked from elsewhere
        if above is not None:
            raise ContentErrors([above])
        _walk(root, static, static, copies, problems)
    if problems:
        raise ContentErrors(problems)
    return copies


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
