"""Writing an editor's files: whole or not at all.

A content file is written to a temporary file beside it, then put in place by one rename
(an update) or one hard link (a new file, which never replaces one that appeared
meanwhile). A full disk or an interrupted write leaves the editor's file as it was.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


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
