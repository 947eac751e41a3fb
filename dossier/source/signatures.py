"""Stat signatures: how the build tells, without reading a file, that it is the one it saw."""

from __future__ import annotations

import os
import struct
from pathlib import Path

Signature = bytes  # mtime (ns), size and inode, packed: one small object per file in the build memory
_PACKED = struct.Struct("<qqQ")


def of(st: os.stat_result) -> Signature:
    return _PACKED.pack(st.st_mtime_ns, st.st_size, st.st_ino)


def signature(path: Path | str) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return of(st)


UNREADABLE: Signature = b""  # a folder that cannot be listed: no file has this signature
LINK: Signature = b"\0link\0"  # then where a link to a folder, or to nothing, points: no file has these


def tree(folder: str) -> list[tuple[str, Signature]]:
    """Every file below ``folder`` with its signature, in a stable order (links to files are followed;
    ``folder`` itself when it is a file; a link to a folder or to nothing, with where it points, not
    followed: the build refuses it, and a build resumed must see it come and go);
    a folder below it that cannot be listed is there too, signed :data:`UNREADABLE`: made unreadable,
    or readable again, the tree is not the one it was."""
    found: list[tuple[str, Signature]] = []
    try:
        with os.scandir(folder) as listed:
            entries = sorted(listed, key=lambda e: e.name)
    except FileNotFoundError:
        return found
    except NotADirectoryError:  # a file where a folder is looked for: the build says so, so it is an input
        sig = signature(folder)
        return [(folder, sig)] if sig is not None else found
    except OSError:
        return [(folder, UNREADABLE)]
    for entry in entries:
        try:
            if entry.is_symlink() and not entry.is_file():  # to a folder, or to nothing: the build refuses it
                found.append((entry.path, LINK + os.fsencode(os.readlink(entry.path))))
                continue
            if entry.is_dir():
                found += tree(entry.path)
                continue
            st = entry.stat()
        except OSError:
            continue
        found.append((entry.path, of(st)))
    return found
