"""Stat signatures: how the build tells, without reading a file, that it is the one it saw."""

from __future__ import annotations

import os
from pathlib import Path

Signature = tuple[int, int, int]  # mtime (ns), size, inode


def signature(path: Path | str) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def tree(folder: str) -> list[tuple[str, Signature]]:
    """Every file below ``folder`` with its signature, in a stable order (links to files are followed)."""
    found: list[tuple[str, Signature]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        try:
            if entry.is_dir():
                if not entry.is_symlink():
                    found += tree(entry.path)
                continue
            st = entry.stat()
        except OSError:
            continue
        found.append((entry.path, (st.st_mtime_ns, st.st_size, st.st_ino)))
    return found
