"""The templates' files: only those inside the project are read.

A template folder (the project's ``templates/``, the theme's) may hold symbolic links, as
``content/`` may: a link to another file of the project is followed, but a link that leads
outside the project (``robots.txt -> /etc/passwd``), or nowhere, and anything that is not a
regular file or folder, is refused at its path (:func:`dossier.source.discovery.unsafe_path`), both
by the walk that hashes the templates and by the loader Jinja reads them with.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import jinja2

from dossier.errors import ContentErrors, Diagnostic
from dossier.source.discovery import listing, unsafe_path


class RefusedTemplate(jinja2.TemplateNotFound):
    """A template that may not be read; ``diagnostic`` says why, at its path."""

    def __init__(self, name: str, diagnostic: Diagnostic) -> None:
        super().__init__(name, str(diagnostic))
        self.diagnostic = diagnostic


class ProjectLoader(jinja2.FileSystemLoader):
    """Jinja's file loader that reads only files resolving inside ``root``."""

    def __init__(self, dirs: Sequence[Path], root: Path) -> None:
        super().__init__([str(d) for d in dirs])
        self.root = Path(os.path.abspath(root))

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            pieces = jinja2.loaders.split_template_path(template)
            path = Path(os.path.abspath(os.path.join(folder, *pieces)))
            if not os.path.lexists(path) and not _linked_on_the_way(Path(os.path.abspath(folder)), path):
                continue  # not in this folder: the next one may have it
            refused = self._refused(path)
            if refused is not None:
                raise RefusedTemplate(template, refused)
            break
        return super().get_source(environment, template)

    def _refused(self, path: Path) -> Diagnostic | None:
        if not path.is_relative_to(self.root):
            return None  # a template folder outside the project is the caller's own choice (tests)
        return unsafe_path(self.root, path)


def _linked_on_the_way(folder: Path, path: Path) -> bool:
    """Whether a folder between ``folder`` and ``path`` is a symbolic link (maybe broken)."""
    return any(os.path.islink(parent) for parent in path.parents if parent.is_relative_to(folder) and parent != folder)


def digest(root: Path, dirs: Iterable[Path]) -> str:
    """The contents of every file below ``dirs`` as one hash; raises :class:`ContentErrors`
    naming every link that leads outside the project or nowhere, and every special file."""
    files, problems = walk(root, dirs)
    if problems:
        raise ContentErrors(problems)
    h = hashlib.sha256()
    for path in files:
        h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def walk(root: Path, dirs: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Every file below ``dirs`` that may be read, in sorted order, and why others may not.

    A symbolic link inside the project is followed (a linked folder once only: a link to a
    folder above it would otherwise loop).
    """
    root = Path(os.path.abspath(root))
    files: list[Path] = []
    problems: list[Diagnostic] = []
    seen: set[Path] = set()
    for folder in dirs:
        folder = Path(os.path.abspath(folder))
        if folder.is_relative_to(root):
            refused = unsafe_path(root, folder)
            if refused is not None:
                problems.append(refused)
                continue
        _walk(root, folder, files, problems, seen)
    return files, problems


def _walk(root: Path, folder: Path, files: list[Path], problems: list[Diagnostic], seen: set[Path]) -> None:
    real = folder.resolve()
    if real in seen:
        return
    seen.add(real)
    for entry in listing(root, folder, problems):  # none: not a folder, Jinja finds nothing there either
        path = Path(entry.path)
        refused = _refused(root, entry, path)
        if refused is not None:
            problems.append(refused)
        elif entry.is_dir():
            _walk(root, path, files, problems, seen)
        elif entry.is_file():
            files.append(path)


def _refused(root: Path, entry: os.DirEntry[str], path: Path) -> Diagnostic | None:
    """Why the entry may not be read (a link or a special file inside the project, see :func:`unsafe_path`), or None."""
    if entry.is_symlink() or not (entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)):
        return unsafe_path(root, path) if path.is_relative_to(root) else None
    return None
