"""Python values through a pipe between this process and the children it forked: each value as
its length, then its pickle.

Both ends run this program's own code, forked from one process: nothing read here comes from a
file of the project or of its caches.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import Any

_LENGTH = struct.Struct("<Q")


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes, or ``None`` if the other end closed the pipe first."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def send(fd: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    write_all(fd, _LENGTH.pack(len(data)) + data)


def receive(fd: int) -> tuple[bool, Any]:
    """``(True, value)``, or ``(False, None)`` once the other end is gone."""
    header = read_exactly(fd, _LENGTH.size)
    data = read_exactly(fd, _LENGTH.unpack(header)[0]) if header is not None else None
    if data is None:
        return False, None
    return True, pickle.loads(data)
