"""What one build leaves to the next: ``.dossier-cache/build/<options>.pickle``.

The file holds the engine's memo (files parsed, Markdown converted, notes anchored, each
page's inputs) and a manifest of the output folder as written. It is read only by the same
engine: its header carries a key made of the engine's version and source, Python's version
and the versions of the libraries that shape the output, the payload's length and its
CRC-32. The whole file is checked before a byte of it is decoded: any other magic or key,
a short, long or corrupted file, and the build starts cold. It is written to a temporary
file renamed into place, so a killed build leaves the previous cache or none.

The cache is input from outside (CI restores it from another run): it is data, never code.
The payload is a pickle, for the speed of pickle's C machinery and because it keeps shared
objects shared (the incremental checks compare by identity), but it is read by
:class:`_Unpickler`, which admits by name only the plain data classes of :data:`ALLOWED`:
any other global (a function, ``os.system``, ``builtins.eval``, ``functools.partial``...)
is refused before anything is called, and the file is a cold build. None of those classes
runs code of its own when made or filled (no ``__setstate__``, ``__reduce__``, ``__del__``,
side-effect ``__new__``: ``tests/test_store.py`` checks), and a load that changed
a shared object (a class, an enum member, a content kind) is undone and refused. What a
planted file can do is what any file of the project can: change what is built.
"""

from __future__ import annotations

import copyreg
import functools
import gc
import hashlib
import importlib
import os
import pickle
import re
import struct
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dossier import __version__, stops

if TYPE_CHECKING:
    from dossier.source.content import Kind

MAGIC = b"DOSSIER\x02"  # \x01: before the payload was checked whole and read with the allowlist
HEADER = struct.Struct(">8s32sQI")  # magic, key, payload length, CRC-32 of the payload
CHUNK = 1 << 20  # the payload is read and checked by pieces of this size (the load may stop between two)
LIBRARIES = ("markdown", "jinja2", "nh3", "pyyaml", "babel", "python-slugify", "markupsafe", "pyuca")
FOLDER = Path(".dossier-cache") / "build"

# Every global a cache file may name, written out by hand (never taken from a file): the
# project's plain data classes that a build's memory, its journal and its quick check hold,
# their enums, the content kinds (by folder, see KindNamed) and pathlib's path. Adding a
# class here means reviewing it: fields only, no code run when it is made or filled.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("dossier.link.annotations", "Anchored"),
        ("dossier.link.annotations", "AnchoredArticle"),
        ("dossier.incremental.store", "KindNamed"),
        ("dossier.incremental.memo", "IndexMemo"),
        ("dossier.incremental.memo", "IndexedNotes"),
        ("dossier.incremental.memo", "LinkMemo"),
        ("dossier.incremental.memo", "Memo"),
        ("dossier.incremental.memo", "OrderedArticles"),
        ("dossier.incremental.memo", "TimelineMade"),
        ("dossier.incremental.memo", "PlannedTopic"),
        ("dossier.incremental.memo", "VersionsMade"),
        ("dossier.link.versions", "Change"),
        ("dossier.link.versions", "Excerpt"),
        ("dossier.link.versions", "Piece"),
        ("dossier.link.versions", "Versions"),
        ("dossier.model", "EarlierSeed"),
        ("dossier.model", "ImageRef"),
        ("dossier.source.media", "MediaFile"),
        ("dossier.link.images", "Figure"),
        ("dossier.publish.chart", "Coverage"),
        ("dossier.publish.pages", "TopicMadeOf"),
        ("dossier.config", "Settings"),
        ("dossier.config", "Publisher"),
        ("dossier.config", "Editors"),
        ("dossier.errors", "Diagnostic"),
        ("dossier.errors", "Location"),
        ("dossier.errors", "Severity"),
        ("dossier.source.loader", "FileCache"),
        ("dossier.source.loader", "KnownFile"),
        ("dossier.source.loader", "KnownSeed"),
        ("dossier.source.loader", "Loaded"),
        ("dossier.incremental.journal", "Changes"),
        ("dossier.source.markup", "Converted"),
        ("dossier.source.markup", "Removed"),
        ("dossier.model", "Annotation"),
        ("dossier.model", "Article"),
        ("dossier.model", "Event"),
        ("dossier.model", "Keywords"),
        ("dossier.model", "Origin"),
        ("dossier.model", "Page"),
        ("dossier.model", "PartialDate"),
        ("dossier.model", "Topic"),
        ("dossier.incremental.resume", "Journal"),
        ("dossier.incremental.resume", "Saved"),
        ("dossier.incremental.resume", "Unchanged"),
        ("dossier.source.seeds", "Paragraph"),
        ("dossier.source.seeds", "Seed"),
        ("dossier.link.site", "AnchoredEntry"),
        ("dossier.link.site", "ResolvedRecord"),
        ("dossier.link.timeline", "Entry"),
        ("dossier.publish.views", "ArticleIn"),
        ("dossier.publish.views", "EventIn"),
        ("dossier.publish.views", "NoteIn"),
        ("dossier.publish.views", "TopicIn"),
        ("pathlib", "PosixPath"),
    }
)


class KindNamed:
    """A content kind in a cache file: saved as its folder's name, read back as the very kind
    object of :data:`dossier.source.content.KINDS` (a kind holds functions, which are never saved)."""

    def __new__(cls, folder: str) -> Kind:  # type: ignore[misc]
        from dossier.source.content import KIND_BY_FOLDER

        return KIND_BY_FOLDER[folder]


def _kind(kind: Kind) -> tuple[type, tuple[str]]:
    return KindNamed, (kind.folder,)


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
    """Changes with the engine's version or source, Python, or any library that shapes the output.
    Not with the program's name, which hints name: a hint kept from a build run another way names
    a command that works in the project all the same (``python build.py`` only runs where it is)."""
    h = hashlib.blake2b(digest_size=32)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    for name, version in versions(LIBRARIES).items():
        h.update(f"{name}={version}\0".encode())
    package = Path(__file__).resolve().parents[1]  # the whole dossier package
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def path_for(root: Path, *options: object) -> Path:
    """The cache file of a project for one set of build options (output folder, base URL...)."""
    name = hashlib.blake2b(repr(options).encode(), digest_size=10).hexdigest()
    return root / FOLDER / f"{name}.pickle"


class Interrupted(Exception):
    """A load stopped because its caller no longer needs what it loads."""


class Refused(pickle.UnpicklingError):
    """A cache file names something that is not one of the data classes of :data:`ALLOWED`."""


def allowed(module: str, name: str) -> type:
    """The class a cache file may name as ``module``.``name`` (:class:`Refused` for any other)."""
    if (module, name) not in ALLOWED:
        raise Refused(f"{module}.{name}")
    found = getattr(importlib.import_module(module), name)
    if not isinstance(found, type):
        raise Refused(f"{module}.{name} is not a class")
    return found


class _Shared:
    """The objects a load can reach without making them (the classes it names, enum members,
    content kinds), as they were: a load that changed one (the pickle BUILD opcode sets
    attributes on whatever it is given) is undone, and refused."""

    def __init__(self) -> None:
        self.saved: dict[int, tuple[Any, dict[str, Any]]] = {}

    def keep(self, found: type) -> None:
        self._one(found, dict(vars(found)))
        members: list[Any] = list(getattr(found, "__members__", {}).values())
        if found is KindNamed:
            from dossier.source.content import KINDS

            members += KINDS
        for member in members:
            self._one(member, dict(member.__dict__))

    def _one(self, target: Any, state: dict[str, Any]) -> None:
        self.saved.setdefault(id(target), (target, state))

    def restore(self) -> bool:
        """Put back what was changed; whether anything was."""
        changed = False
        for target, state in self.saved.values():
            now = vars(target)
            if now.keys() == state.keys() and all(now[name] is value for name, value in state.items()):
                continue
            changed = True
            if isinstance(target, type):
                for name in now.keys() - state.keys():
                    delattr(target, name)
                for name, value in state.items():
                    if now.get(name) is not value:
                        setattr(target, name, value)
            else:
                now.clear()
                now.update(state)
        return changed


class _Unpickler(pickle.Unpickler):
    """Pickle's C unpickler, admitting only the classes of :data:`ALLOWED`.

    Every opcode that names a global (GLOBAL, STACK_GLOBAL, INST, OBJ's class, EXT1/2/4 through
    copyreg's registry) asks :meth:`find_class`; REDUCE, NEWOBJ, NEWOBJ_EX and OBJ can then
    only call what it gave; BUILD calls ``__setstate__``, which none of those classes has.
    An EXT code found in copyreg's extension cache skips :meth:`find_class`: no load is made
    while any extension is registered or cached (:func:`_extensions`; none is, in dossier).
    Persistent ids and out-of-band buffers are refused by pickle itself (no handler given).
    """

    def __init__(self, file: Any, shared: _Shared) -> None:
        super().__init__(file)
        self.shared = shared

    def find_class(self, module: str, name: str) -> type:
        found = allowed(module, name)
        self.shared.keep(found)
        return found


class _Stoppable:
    """The payload, read by pieces, as a file that asks ``stop`` at every read (frames of 64 KiB
    or so) and lets each piece go once it is read (the memory grows as the pieces go)."""

    def __init__(self, pieces: list[bytes], stop: Callable[[], bool] | None) -> None:
        self.pieces = pieces[::-1]  # the next one last
        self.head, self.offset, self.position = b"", 0, 0
        self.stop = stop

    def _take(self, size: int, line: bool = False) -> bytes:
        if self.stop is not None and self.stop():
            raise Interrupted
        taken: list[bytes] = []
        while size:
            if self.offset == len(self.head):
                if not self.pieces:
                    break
                self.head, self.offset = self.pieces.pop(), 0
            end = len(self.head) if size < 0 else min(len(self.head), self.offset + size)
            newline = self.head.find(b"\n", self.offset, end) if line else -1
            if newline >= 0:
                end, size = newline + 1, 0
            taken.append(self.head[self.offset : end])
            if size > 0:
                size -= end - self.offset
            self.position += end - self.offset
            self.offset = end
        return taken[0] if len(taken) == 1 else b"".join(taken)

    def read(self, size: int = -1) -> bytes:
        return self._take(size)

    def readinto(self, buffer: Any) -> int:
        data = self._take(len(buffer))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        return self._take(size, line=True)


class _Counted:
    """A file wrapper that counts and checksums the bytes written through it."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.length = 0
        self.crc = 0

    def write(self, data: bytes) -> int:
        self.length += len(data)
        self.crc = zlib.crc32(data, self.crc)
        return self.file.write(data)


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pickling millions of small objects is much faster without the cyclic collector running."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _payload(path: Path, key: bytes, stop: Callable[[], bool] | None) -> list[bytes] | None:
    """The payload of the file at ``path`` (by pieces), when its magic, key, length and CRC-32 are right."""
    with open(path, "rb") as file:
        head = file.read(HEADER.size)
        if len(head) != HEADER.size:
            return None
        magic, found, length, crc = HEADER.unpack(head)
        if magic != MAGIC or found != key or os.fstat(file.fileno()).st_size != HEADER.size + length:
            return None
        pieces, check, left = [], 0, length
        while left:
            if stop is not None and stop():
                raise Interrupted
            piece = file.read(min(CHUNK, left))
            if not piece:
                return None
            check = zlib.crc32(piece, check)
            pieces.append(piece)
            left -= len(piece)
    return pieces if check == crc else None


def _extensions() -> bool:
    """Whether any code registered pickle extension codes (EXT opcodes would reach them)."""
    return bool(getattr(copyreg, "_inverted_registry", None) or getattr(copyreg, "_extension_cache", None))


def load(path: Path, key: bytes, stop: Callable[[], bool] | None = None) -> Any | None:
    """The object saved at ``path`` under ``key``, or None when there is none that is whole, ours
    and made only of allowed data classes.

    ``stop`` is asked as the file is checked and read (every MiB, then every 64 KiB or so):
    when it says so, the load ends with :class:`Interrupted` (what was loaded so far is dropped).
    """
    try:
        pieces = _payload(path, key, stop)
        if pieces is None or _extensions():
            return None
        length = sum(map(len, pieces))
        shared, stream = _Shared(), _Stoppable(pieces, stop)
        del pieces  # each piece goes once read
        value: Any = None
        try:
            with _no_collection():
                value = _Unpickler(stream, shared).load()
        finally:
            if shared.restore():
                value = None
        if value is None or stream.position != length:
            return None
        gc.freeze()  # what was loaded lives as long as the build: the collector need not scan it again
        return value
    except Interrupted:
        raise
    except Exception:
        return None


_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")  # what :func:`save` writes before its rename


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process's own files are removed by the save that writes them
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, and another user's
    return True


def clean(folder: Path) -> None:
    """Remove the temporary files of saves whose process is gone (a SIGKILL, a power cut):
    only those named as :func:`save` names them, never another file."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = _TEMPORARY.match(name)
        if found is not None and not _alive(int(found.group(1))):
            with suppress(OSError):
                (folder / name).unlink()


def save(path: Path, key: bytes, value: object) -> None:
    """Write ``value`` at ``path`` atomically: the file as it was, or the new one whole.

    The temporary file is removed however the save ends (an error, Ctrl-C, SIGTERM), and the
    ones that stopped processes left are removed first. :class:`OSError` (a full disk, a folder
    that cannot be written) is raised for the caller to say; a value that cannot be pickled is
    skipped (the next build is cold).
    """
    from dossier.source.content import Kind

    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    clean(path.parent)
    try:
        with open(temporary, "wb") as file:
            file.write(HEADER.pack(MAGIC, key, 0, 0))
            counted = _Counted(file)
            pickler = pickle.Pickler(counted, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = {Kind: _kind}  # only these reductions: no copyreg defaults
            with _no_collection():
                pickler.dump(value)
            file.seek(0)
            file.write(HEADER.pack(MAGIC, key, counted.length, counted.crc))
        os.replace(temporary, path)
    except (pickle.PicklingError, RecursionError):
        stops.finish(functools.partial(_drop, temporary))
    except BaseException:
        stops.finish(functools.partial(_drop, temporary))
        raise


def _drop(temporary: Path) -> None:
    with suppress(OSError):
        temporary.unlink()
