"""Writing an editor's files: whole or not at all.

A content file is written to a temporary file beside it, then put in place by one rename
(an update) or one hard link (a new file, which never replaces one that appeared
meanwhile). A full disk or an interrupted write leaves the editor's file as it was.
A command that writes several files keeps each one as it was (:class:`Kept`) until all are
written, to put them back if one cannot be.

Those two hidden names (``.x.md.<pid>.tmp``, ``.x.md.<pid>.old``) go before the command ends; a
command killed meanwhile (SIGKILL, a power cut) leaves them, ignored by every command. The next
command that writes content removes those of processes that are gone (:func:`sweep`), but for a
kept file whose file was replaced already: that is the only copy of the text it had, and it stays,
said in a warning, for the editor to compare and restore or delete.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import Diagnostic, Location, Severity
from dossier.project import CONTENT, SETTINGS_FILE
from dossier.publish.output import owner_gone

# the names this module gives beside a file: in content/, beside a Markdown file; at the root, beside site.yml
_LEFT_IN_CONTENT = re.compile(r"\.[^/]+\.md\.(\d+)\.(?:tmp|old)")
_LEFT_AT_ROOT = re.compile(r"\." + re.escape(SETTINGS_FILE) + r"\.(\d+)\.(?:tmp|old)")


def sweep(root: Path) -> None:
    """The temporary files and kept files (:class:`Kept`) of processes that are gone, removed from
    ``root/content`` (its folders, not those reached through a symbolic link) and beside ``root/site.yml``:
    regular files with exactly those names, nothing else. A live process's are its own, and so are this
    one's (a thread of the preview may be writing one). A kept file whose file was replaced (a command
    killed midway: the project may be half changed) stays, said on standard error: it is the only copy
    of the text that file had."""
    kept = _sweep_folder(root, os.fspath(root), _LEFT_AT_ROOT)
    for folder, _, _ in os.walk(root / CONTENT):
        kept += _sweep_folder(root, folder, _LEFT_IN_CONTENT)
    for diagnostic in kept:
        with contextlib.suppress(OSError, ValueError):
            print(diagnostic.format(), file=sys.stderr, flush=True)


def _sweep_folder(root: Path, folder: str, left: re.Pattern[str]) -> list[Diagnostic]:
    kept: list[Diagnostic] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            found = left.fullmatch(entry.name)
            pid = int(found.group(1)) if found else os.getpid()
            if pid == os.getpid() or not entry.is_file(follow_symlinks=False) or not owner_gone(pid):
                continue
            if entry.name.endswith(".old") and not _still_the_file(entry.path):
                kept.append(_kept_warning(root, Path(entry.path)))
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    return kept


def _still_the_file(old: str) -> bool:
    """Whether a kept file is its file itself (a second name of it: the file was not replaced yet)."""
    name = os.path.basename(old)[1:].rsplit(".", 2)[0]  # .x.md.123.old → x.md
    try:
        return os.path.samefile(old, os.path.join(os.path.dirname(old), name))
    except OSError:
        return False


def _kept_warning(root: Path, old: Path) -> Diagnostic:
    """A kept file left by a command killed after it replaced its file: the text that file had."""
    shown = old.relative_to(root).as_posix()
    target = old.with_name(old.name[1:].rsplit(".", 2)[0]).relative_to(root).as_posix()
    message = f"the text {target} had before a command was killed as it changed it"
    hint = f"the project may be half changed (git status shows how): mv {shown} {target} restores it, or delete it"
    return Diagnostic(Location(shown), message, hint, Severity.WARNING)


def _temporary(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def replace_file(path: Path, data: bytes) -> None:
    """``path`` holds ``data``, or (on any error) what it held before."""
    temporary = _temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def create_file(path: Path, data: bytes) -> None:
    """A new file ``path`` with ``data``; :class:`FileExistsError` if there is one already."""
    temporary = _temporary(path, data)
    try:
        os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


@dataclass(frozen=True)
class Kept:
    """A file as it was before it was replaced: a hard link beside it (no byte copied; a hidden
    name, which no command reads), or its bytes where the file system has no hard links."""

    path: Path
    link: Path | None
    data: bytes = b""

    @classmethod
    def of(cls, path: Path) -> Kept:
        link = path.with_name(f".{path.name}.{os.getpid()}.old")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        try:
            os.link(path, link)
        except OSError:
            return cls(path, None, path.read_bytes())
        return cls(path, link)

    def put_back(self) -> None:
        """The file as it was (the second name gone)."""
        if self.link is None:
            replace_file(self.path, self.data)
        else:
            os.replace(self.link, self.path)

    def drop(self) -> None:
        """The file stays as it is now: the second name goes."""
        if self.link is not None:
            with contextlib.suppress(OSError):
                self.link.unlink()
