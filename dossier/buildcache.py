"""What one build leaves to the next: ``.dossier-cache/build/<options>.pickle``.

The file holds the builder's memory (files parsed, Markdown converted, notes anchored, each
page's inputs) and a manifest of the output folder as written. It is read only by the same
engine: its header carries a key made of the engine's version and source, Python's version
and the versions of the libraries that shape the output; any other key, a short or corrupted
file (length and CRC-32 are checked while reading), or anything that fails to load, and the
build starts cold. It is written to a temporary file renamed into place, so a killed build
leaves the previous cache or none.

The cache is a pickle: it is as trusted as the project's own code, and lives in the project.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
import struct
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from . import __version__

MAGIC = b"DOSSIER\x01"
HEADER = struct.Struct(">8s32sQI")  # magic, key, payload length, CRC-32 of the payload
LIBRARIES = ("markdown", "jinja2", "nh3", "pyyaml", "babel", "python-slugify", "markupsafe", "pyuca")
FOLDER = Path(".dossier-cache") / "build"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed version of each distribution (``-`` when it is not installed).

    What ``importlib.metadata.version`` answers, read from the ``*.dist-info`` folder names
    of ``sys.path`` (the first found wins, as there): importing ``importlib.metadata`` costs
    more than a build with nothing to do spends on everything else it checks.
    """
    wanted = {_canonical(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            stem, dot, suffix = entry.rpartition(".")
            if dot and suffix in ("dist-info", "egg-info"):
                name, _, version = stem.partition("-")
                key = _canonical(name)
                if key in wanted and key not in found:
                    found[key] = version or "-"
    return {name: found.get(key, "-") for key, name in wanted.items()}


def engine_key() -> bytes:
    """Changes with the engine's version or source, Python, or any library that shapes the output."""
    h = hashlib.blake2b(digest_size=32)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    for name, version in versions(LIBRARIES).items():
        h.update(f"{name}={version}\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def path_for(root: Path, *options: object) -> Path:
    """The cache file of a project for one set of build options (output folder, base URL...)."""
    name = hashlib.blake2b(repr(options).encode(), digest_size=10).hexdigest()
    return root / FOLDER / f"{name}.pickle"


class Interrupted(Exception):
    """A load stopped because its caller no longer needs what it loads."""


class _Checked:
    """A file wrapper that counts and checksums the bytes going through it (and may stop a load)."""

    def __init__(self, file: IO[bytes], stop: Callable[[], bool] | None = None) -> None:
        self.file = file
        self.length = 0
        self.crc = 0
        self.stop = stop

    def _seen(self, data: bytes | memoryview) -> None:
        self.length += len(data)
        self.crc = zlib.crc32(data, self.crc)
        if self.stop is not None and self.stop():
            raise Interrupted

    def write(self, data: bytes) -> int:
        self._seen(data)
        return self.file.write(data)

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self._seen(data)
        return data

    def readinto(self, buffer: Any) -> int:
        count = self.file.readinto(buffer)  # type: ignore[attr-defined]
        self._seen(memoryview(buffer)[:count])
        return int(count)

    def readline(self, size: int = -1) -> bytes:
        data = self.file.readline(size)
        self._seen(data)
        return data


@contextmanager
def _no_collection(freeze: bool = False) -> Iterator[None]:
    """Pickling millions of small objects is much faster without the cyclic collector running.

    ``freeze``: what was loaded lives as long as the build, so the collector is told never
    to scan it again (each full collection would otherwise walk those millions of objects).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def load(path: Path, key: bytes, stop: Callable[[], bool] | None = None) -> Any | None:
    """The object saved at ``path`` under ``key``, or None when there is none that is whole and ours.

    ``stop`` is asked as the file is read (every 64 KiB or so): when it says so, the load
    ends with :class:`Interrupted` (what was loaded so far is dropped).
    """
    try:
        with open(path, "rb") as file:
            magic, found, length, crc = HEADER.unpack(file.read(HEADER.size))
            if magic != MAGIC or found != key:
                return None
            checked = _Checked(file, stop)
            with _no_collection(freeze=True):
                value = pickle.load(checked)
            if checked.length != length or checked.crc != crc or file.read(1):
                return None
            return value
    except Interrupted:
        raise
    except Exception:
        return None


def save(path: Path, key: bytes, value: object) -> None:
    """Write ``value`` at ``path`` atomically; a cache that cannot be written is skipped."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as file:
            file.write(HEADER.pack(MAGIC, key, 0, 0))
            checked = _Checked(file)
            with _no_collection():
                pickle.dump(value, checked, protocol=pickle.HIGHEST_PROTOCOL)
            file.seek(0)
            file.write(HEADER.pack(MAGIC, key, checked.length, checked.crc))
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, RecursionError):
        temporary.unlink(missing_ok=True)
