"""Rendered pages kept on disk, not in memory, until they are moved into the output.

A large dossier renders hundreds of megabytes of pages; holding them all in memory until
the write step made the build's peak. The processes that render hand each page to
:func:`put`, which writes it into a spool folder on the output's file system, at its path
in the site: the write step (:class:`dossier.publish.output.PagesOnDisk`) moves the files into
place or, when the spool holds every page of the site, makes the folder itself the next
output (no file is moved at all).
"""

from __future__ import annotations

import os
from pathlib import Path


def put(folder: Path, path: str, data: bytes) -> None:
    """Write a page at its output ``path`` (relative, made by the engine) below ``folder``."""
    target = os.path.join(folder, path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    except FileNotFoundError:  # its folder is not made yet
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
    except OSError as exc:  # a full disk: said with the file it happened to
        raise OSError(exc.errno, exc.strerror, target) from None
