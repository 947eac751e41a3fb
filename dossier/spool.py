"""Rendered pages kept on disk, not in memory, until they are moved into the output.

A large dossier renders hundreds of megabytes of pages; holding them all in memory until
the write step made the build's peak. The processes that render write each page into a
spool folder on the output's file system; the write step moves the files into place.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path


def name(path: str) -> str:
    """A page's file name in the spool (its output path may hold folders)."""
    return hashlib.blake2b(path.encode(), digest_size=16).hexdigest()


class Spooled(Mapping[str, bytes]):
    """Output path → bytes, read from the spool folder when asked for."""

    def __init__(self, folder: Path, paths: list[str]) -> None:
        self.folder = folder
        self._paths = {path: folder / name(path) for path in paths}

    def __getitem__(self, path: str) -> bytes:
        return self._paths[path].read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def move(self, path: str, target: Path) -> None:
        """Move the page's file to ``target`` (same file system)."""
        os.replace(self._paths[path], target)
