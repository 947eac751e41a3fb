"""Content files read and parsed again only when they changed on disk.

The cache keys each file by its stat signature (mtime in ns, size, inode), then by a hash of
its bytes: a file whose signature changed but whose bytes did not (a fresh checkout, a
``touch``) keeps its record, the very same object, so nothing downstream is done again. A
refresh is either full (walk ``content/``) or limited to the paths a watcher reported; any
path it cannot classify makes it fall back to a full refresh.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import Diagnostic
from dossier.model import Article, Record
from dossier.project import CONTENT
from dossier.source import content, discovery, duplicates, seeds
from dossier.source.content import KIND_BY_FOLDER, Content, Kind
from dossier.source.seeds import Seed
from dossier.source.signatures import Signature, signature


@dataclass(frozen=True)
class Loaded:
    signature: Signature
    record: Record | None
    problems: tuple[Diagnostic, ...]
    digest: bytes = b""  # a hash of the file's bytes


@dataclass(frozen=True)
class KnownFile:
    """A content file as the cache knows it: its kind and what loading it gave."""

    kind: Kind
    loaded: Loaded


@dataclass(frozen=True)
class KnownSeed:
    """A seed file as the cache knows it: its signature when read, the seed it gave (None: it
    gave none), and the problems reading it found."""

    signature: Signature | None
    seed: Seed | None
    problems: tuple[Diagnostic, ...]


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


@dataclass(frozen=True)
class Parsed:
    """A file read again: what it gives, or (``same``) only that its bytes are those already known."""

    loaded: Loaded
    same: bool = False


Signatures = Mapping[str, Signature]
Discover = Callable[[], tuple[list[tuple[Kind, str]], list[Diagnostic]]]  # as content.discover_files
ParseJob = tuple[Path, Kind, str, bytes, bool]  # root, kind, absolute path, digest of the bytes known, discovered
ParseMany = Callable[[list[ParseJob]], list["Parsed | None"]]


def read(root: Path, path: Path, discovered: bool = False) -> bytes | None:
    """The bytes of a file that may be read (None: let the loader say why it may not).

    ``discovered``: the path comes from the walk of ``content/`` (:mod:`dossier.source.discovery`),
    which refused links and anything but files on the way; only the file itself is checked
    again, as it is opened: not a link, a regular file.
    """
    if not discovered:
        if discovery.unsafe_path(root, path) is not None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        return file.read() if stat.S_ISREG(os.fstat(fd).st_mode) else None


def parse(root: Path, kind: Kind, key: str, known: bytes = b"", discovered: bool = False) -> Parsed | None:
    """The file at ``key`` read and parsed (None: it is gone); not parsed when its bytes hash to
    ``known``. ``discovered``: as for :func:`read`."""
    sig = signature(key)
    if sig is None:
        return None
    path = Path(key)
    data = read(root, path, discovered)
    hashed = digest(data) if data is not None else b""
    if data is not None and hashed == known:
        return Parsed(Loaded(sig, None, (), hashed), same=True)
    record, problems = content.load_file(root, kind, path, data)
    return Parsed(Loaded(sig, record, tuple(problems), hashed))


def _not_a_file(path: Path) -> bool:
    """Whether ``path`` is a folder, or cannot be looked at for another reason than being gone."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True


def _signature_now(key: str, seen: Signatures | None) -> Signature | None:
    """The signature of the file at ``key``: as this build saw it earlier (``seen``), else as it is now."""
    return (seen.get(key) if seen else None) or signature(key)


@dataclass(frozen=True)
class _Place:
    """Where a file's record stands in the last content() result: its kind's folder, its position there."""

    folder: str
    position: int


class FileCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, KnownFile] = {}  # absolute path → what it gave
        self._order: list[str] | None = []  # the keys of ``files``, sorted; None when to be sorted
        # The last content() result, as lists per kind, and where each file's record stands in
        # them; a modified file that still loads is patched in place, anything else rebuilds.
        self._groups: dict[str, list[Record]] | None = None
        self._where: dict[str, _Place] = {}
        self._faulty: set[str] = set()  # files whose loading gave diagnostics
        self.stray: list[Diagnostic] = []
        self.seeds: dict[str, KnownSeed] = {}
        self.reads = 0  # files parsed since the cache was made (for tests and benchmarks)
        self.rehashed = 0  # files whose signature changed but not their bytes
        # What the last refresh changed: (old record, new record) of each file parsed again;
        # ``structural`` when files came or went, or a full scan was made.
        self.changes: list[tuple[Record | None, Record | None]] = []
        self.structural = True

    def _load(
        self,
        kind: Kind,
        key: str,
        ready: dict[str, Parsed | None] | None = None,
        seen: Signatures | None = None,
        discovered: bool = False,
    ) -> None:
        """Bring one file up to date (``ready``: files already parsed, by :func:`parse`, elsewhere;
        ``seen``: signatures taken earlier in this build, trusted over a new look;
        ``discovered``: the path comes from the walk of ``content/``, see :func:`read`)."""
        known = self.files.get(key)
        if ready is not None and key in ready:
            parsed = ready[key]
        else:
            sig = _signature_now(key, seen)
            if sig is not None and known is not None and known.loaded.signature == sig:
                return
            parsed = None if sig is None else parse(self.root, kind, key, self._digest(key), discovered)
        if parsed is None:  # gone
            self._forget(key)
        elif parsed.same and known is not None:
            loaded = Loaded(parsed.loaded.signature, known.loaded.record, known.loaded.problems, parsed.loaded.digest)
            self.files[key] = KnownFile(kind, loaded)
            self.rehashed += 1
        else:
            self._take(kind, key, known.loaded if known else None, parsed.loaded)

    def _forget(self, key: str) -> None:
        """A file that is gone."""
        self._faulty.discard(key)
        known = self.files.pop(key, None)
        if known is not None:
            self.changes.append((known.loaded.record, None))
            self._order = self._groups = None
            self.structural = True

    def _take(self, kind: Kind, key: str, known: Loaded | None, fresh: Loaded) -> None:
        """A file parsed again (``known``: what it gave before): its record patched into the groups when it can be."""
        record, problems = fresh.record, fresh.problems
        self.reads += 1
        self.changes.append((known.record if known else None, None if problems else record))
        if known is None:
            self._order = None
            self.structural = True
        self.files[key] = KnownFile(kind, fresh)
        if problems:
            self._faulty.add(key)
        else:
            self._faulty.discard(key)
        where = self._where.get(key)
        if self._groups is not None and where is not None and record is not None and not problems:
            self._groups[where.folder][where.position] = record
        else:
            self._groups = None

    def stale(self, key: str, seen: Signatures | None = None) -> bool:
        """Whether the file at ``key`` is new, gone or changed since it was loaded."""
        known = self.files.get(key)
        return known is None or known.loaded.signature != _signature_now(key, seen)

    def __getstate__(self) -> dict[str, object]:
        """What is kept between builds: the files, not the groups and changes worked out from them."""
        state = dict(self.__dict__)
        state.update(_groups=None, _where={}, changes=[])
        return state

    def reset(self) -> None:
        """Forget what is worked out from ``files`` (after ``files`` was changed from outside)."""
        self._order = self._groups = None
        self._where = {}
        self._faulty = {key for key, known in self.files.items() if known.loaded.problems}

    def _kind_of(self, path: Path) -> Kind | None:
        """The kind of a content Markdown file, or None when the path is anything else."""
        try:
            parts = path.relative_to(self.root / CONTENT).parts
        except ValueError:
            return None
        if len(parts) < 2 or path.suffix != ".md" or any(p.startswith((".", "#")) or p.endswith("~") for p in parts):
            return None
        return KIND_BY_FOLDER.get(parts[0])

    def refresh(
        self,
        changed: Iterable[Path] | None = None,
        parse_many: ParseMany | None = None,
        seen: Signatures | None = None,
        discover: Discover | None = None,
    ) -> tuple[Content, list[Diagnostic]]:
        """Bring the cache up to date; ``changed`` limits the work to those paths when it can.

        ``parse_many``: :func:`parse` over many files at once (over several processes, say),
        used when a full refresh finds files to parse. ``seen``: the signatures of the files
        (absolute path → signature) as this build saw them before reading anything; a file
        whose signature is there is not looked at again. ``discover``: the content files as
        listed when the build started (the folder is walked otherwise).
        """
        if changed is None or not self.reload(changed):
            self.changes = []
            self._rescan(parse_many, seen, discover)
        return self.content()

    def reload(self, changed: Iterable[Path]) -> bool:
        """Bring the content files at ``changed`` up to date, and only them (what they change in
        the records is worked out by the next :meth:`content`); False, and nothing done, when
        one of the paths is not a content file (a folder, a file of another kind), or cannot be
        looked at (a folder on its way that may not be read: taken for gone, the file would leave
        the site without a word; the walk of a full refresh says it)."""
        paths = [Path(os.path.abspath(p)) for p in changed]
        kinds = [self._kind_of(p) for p in paths]
        if any(kind is None for kind in kinds) or any(_not_a_file(p) for p in paths):
            return False
        self.changes, self.structural = [], False
        for path, kind in zip(paths, kinds, strict=True):
            assert kind is not None
            self._load(kind, str(path))
        return True

    def _rescan(self, parse_many: ParseMany | None, seen: Signatures | None, discover: Discover | None) -> None:
        """A full refresh: the files of ``content/`` listed again, each loaded when it changed (see :meth:`refresh`)."""
        self.structural = True
        found, self.stray = discover() if discover is not None else content.discover_files(self.root)
        wanted = {path: kind for kind, path in found}
        self._keep_only(wanted)
        if parse_many is None:
            for key, kind in wanted.items():
                self._load(kind, key, None, seen, discovered=True)
            return
        stale = [(key, kind) for key, kind in wanted.items() if self.stale(key, seen)]
        jobs = [(self.root, kind, key, self._digest(key), True) for key, kind in stale]
        ready = dict(zip((job[2] for job in jobs), parse_many(jobs), strict=True))
        for key, kind in stale:  # the others are as they were
            self._load(kind, key, ready)

    def _keep_only(self, wanted: Mapping[str, Kind]) -> None:
        """Forget the files that are no longer listed."""
        for key in list(self.files):
            if key not in wanted:
                del self.files[key]
                self._faulty.discard(key)
                self._order = self._groups = None

    def _digest(self, key: str) -> bytes:
        known = self.files.get(key)
        return known.loaded.digest if known is not None else b""

    def content(self) -> tuple[Content, list[Diagnostic]]:
        problems = list(self.stray)
        if self._groups is None:
            groups: dict[str, list[Record]] = {kind.folder: [] for kind in content.KINDS}
            self._where = {}
            if self._order is None:
                self._order = sorted(self.files)
            for key in self._order:
                known = self.files[key]
                folder = known.kind.folder
                if known.loaded.record is not None:
                    self._where[key] = _Place(folder, len(groups[folder]))
                    groups[folder].append(known.loaded.record)
            self._groups = groups
        problems += [p for key in self._faulty for p in self.files[key].loaded.problems]
        groups = self._groups
        records = (tuple(groups[kind.folder]) for kind in content.KINDS)
        unreadable = frozenset(
            Path(os.path.relpath(key, self.root)).as_posix()
            for key, known in self.files.items()
            if known.loaded.record is None
        )
        found, more = duplicates.unique(Content(*records, unreadable=unreadable))  # type: ignore[arg-type, misc]
        return found, problems + more

    def seeds_for(self, articles: Iterable[Article]) -> tuple[dict[str, Seed], list[Diagnostic]]:
        """The seeds the articles name (current and earlier ones), read again only when their file changed."""
        found: dict[str, Seed] = {}
        problems: list[Diagnostic] = []
        for name in (name for article in articles for name in seeds.named(article)):
            if name.path in found:
                continue
            sig = signature(self.root / name.path) if seeds.safe_path(self.root, name.path) is None else None
            known = self.seeds.get(name.path)
            if sig is None or known is None or known.signature != sig:
                seed, more = seeds.at(self.root, name)
                known = KnownSeed(sig, seed, tuple(more))
                self.seeds[name.path] = known
            problems.extend(known.problems)
            if known.seed is not None:
                found[name.path] = known.seed
        return found, problems


def load(root: Path) -> tuple[Content, list[Diagnostic]]:
    """Every content file of the project at ``root`` → records and problems: the loader of every
    command (build, check and serve keep their :class:`FileCache`; import and new make one)."""
    return FileCache(Path(os.path.abspath(root))).refresh()
