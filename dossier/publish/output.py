"""The write step: stage the whole site in a sibling folder, then swap it in at once.

A failed or killed build leaves the previous output exactly as it was; leftover staging
folders are removed by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from dossier import stops
from dossier.errors import DossierError
from dossier.project import OUTPUT, SETTINGS_FILE, SOURCES
from dossier.publish import staticfiles
from dossier.source import signatures
from dossier.source.signatures import Signature

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}  # no exchange on this system or file system


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported. Any other
    failure (a folder that may not be moved: read-only, another user's) is raised before anything
    moved: the fallback would move the output away and could not put it back."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in _UNSUPPORTED:
        return False
    raise OSError(number, os.strerror(number), str(b))


MARKER = ".dossier-output"  # in every folder a build writes: the next build may replace it
MARKER_TEXT = (
    b"dossier output: this folder is written by dossier's build command, which replaces it whole"
    b" at every build. Keep no files of your own here.\n"
)
_MARKER_PREFIX = b"dossier output:"


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` is one dossier wrote: it holds the marker file (a regular file, not a link)."""
    path = os.path.join(folder, MARKER)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return os.read(fd, len(_MARKER_PREFIX)) == _MARKER_PREFIX
    except OSError:
        return False
    finally:
        os.close(fd)


def mark(folder: Path) -> None:
    """Put the marker in ``folder`` (a new file: one it replaces may be a link to another folder's)."""
    if not is_ours(folder):
        temporary = folder / f"{MARKER}.{os.getpid()}.tmp"
        try:
            temporary.write_bytes(MARKER_TEXT)
            os.replace(temporary, folder / MARKER)  # over a file or a link of that name, never into a folder
        finally:
            temporary.unlink(missing_ok=True)


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) and path != root else str(path)


def check_target(out: Path, root: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder no build may ever replace, whatever the user confirms: the project or a
    parent of it, a folder of its sources (or one inside them), a git repository or what it keeps in
    ``.git``, another dossier project, the user's home or a parent of it."""
    out, root = Path(os.path.realpath(out)), Path(os.path.realpath(root))
    reason = _overlap(out, root, sources) or _repository(out)
    if reason is not None:
        hint = f"give the site a folder of its own, e.g. --out {OUTPUT}; --replace-output does not change this"
        raise DossierError(f"output folder '{_shown(out, root)}' {reason}: refusing to write there (hint: {hint})")


def _overlap(out: Path, root: Path, sources: Iterable[Path]) -> str | None:
    """Why ``out`` may not be written for overlapping the project, its sources or the user's home."""
    if out == root or out in root.parents:
        return "is the project or holds it"
    home = _home()
    if home is not None and (out == home or out in home.parents):
        return "is your home folder or holds it"
    for source in sources:
        source = Path(os.path.realpath(source))
        if out == source or source in out.parents or out in source.parents:
            return f"overlaps the project's '{_shown(source, root)}'"
    return None


def _repository(out: Path) -> str | None:
    """Why ``out`` may not be written for being (in) a git repository's store or a dossier project."""
    if ".git" in out.parts:
        return "is a git repository's '.git' folder, or inside one"
    for project in out.parents:  # another dossier's sources are as safe as this one's
        if os.path.lexists(project / SETTINGS_FILE):
            inside = out.relative_to(project).parts[0]
            if inside in SOURCES:  # with or without --replace-output
                return f"is inside the dossier project '{project}', in its '{inside}'"
    for name, what in ((".git", "is a git repository"), (SETTINGS_FILE, "is a dossier project")):
        if os.path.lexists(out / name):
            return what
    return None


def _home() -> Path | None:
    try:
        return Path(os.path.realpath(Path.home()))
    except (OSError, RuntimeError, KeyError):
        return None


def check_owner(out: Path, root: Path, replace: bool = False) -> None:
    """Refuse to replace a folder dossier did not write, unless ``replace`` (the user confirmed).

    Absent, empty and marked folders are the build's; a file, or a folder with anything else in
    it, is not: nothing of it is touched.
    """
    real = Path(os.path.realpath(out))
    shown = _shown(real, Path(os.path.realpath(root)))
    if not os.path.lexists(real):
        return
    if not real.is_dir():
        raise DossierError(
            f"output folder '{shown}' is a file: refusing to replace it"
            " (hint: give another folder with --out, or move that file away)"
        )
    if is_ours(real):
        return
    names = _names(real, shown)
    if not names or replace:
        return
    raise _not_ours(shown, names)


def _names(folder: Path, shown: str) -> list[str]:
    """The names in ``folder``, sorted."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries)
    except OSError as exc:
        raise DossierError(f"cannot read the output folder '{shown}': {exc.strerror or exc}") from None


def _not_ours(shown: str, names: list[str]) -> DossierError:
    """The refusal to replace a folder holding ``names``, which dossier did not write."""
    if "index.html" in names and staticfiles.FOLDER in names:
        return DossierError(
            f"output folder '{shown}' has no '{MARKER}' file: it looks like a site built by an older"
            " dossier, from before builds marked their output; refusing to replace it unconfirmed"
            " (hint: delete it yourself, or build once with --replace-output; later builds replace it as before)"
        )
    listed = ", ".join(f"'{name}'" for name in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return DossierError(
        f"output folder '{shown}' holds files dossier did not write ({listed}): refusing to replace it"
        " (hint: give an absent or empty folder with --out, delete this one yourself,"
        " or build with --replace-output to replace it whole, its files deleted)"
    )


def staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def owner_gone(pid: int) -> bool:
    """Whether the process that named a folder after its ``pid`` is gone: its folder is a leftover.
    A folder of this very process's is the leftover of an earlier one with its pid; a pid no
    process can have (too large) is not judged gone: the folder is left alone."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def remove_leftover(folder: Path) -> bool:
    """Remove ``folder``, which a dead build made, if it is indeed dossier's (marked, or empty).

    A link or a file of that name, or a folder with files and no marker, is the user's: kept.
    """
    try:
        if folder.is_symlink() or not folder.is_dir():
            return False
        if is_ours(folder):
            _remove_marked(folder)
        else:
            folder.rmdir()  # made, then the build died before it marked it: empty
    except OSError:
        return False
    return not os.path.lexists(folder)


def _remove_marked(folder: Path) -> None:
    """Remove a folder dossier marked, its marker last: stopped midway (Ctrl-C, a full disk), what is
    left is still known as dossier's, and removed by the next build or preview."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
    os.unlink(folder / MARKER)
    folder.rmdir()


def clean_leftovers(out: Path) -> None:
    """Remove the staging folders that builds which died (killed, or out of disk) left beside ``out``."""
    parent = out.parent
    if not parent.is_dir():
        return
    for leftover in parent.glob(staging_prefix(out) + "*"):
        pid = leftover.name.rpartition("-")[2]
        if pid.isdigit() and owner_gone(int(pid)):
            remove_leftover(leftover)


Listing = Mapping[str, Signature | None]  # the files of a folder, each with its signature


class PagesOnDisk(Mapping[str, bytes]):
    """Pages already written at their output paths below a folder of their own (on the output's
    file system): output path → bytes, read from that folder when asked for. :func:`write`
    moves them into place, or makes that very folder the output."""

    def __init__(self, folder: Path, paths: Iterable[str]) -> None:
        self.folder = folder
        self._paths = frozenset(paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self._paths:
            raise KeyError(path)
        return (self.folder / path).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def move(self, path: str, target: Path) -> None:
        """Move the page's file to ``target`` (same file system)."""
        os.replace(self.folder / path, target)


@dataclass(frozen=True)
class Counts:
    written: int  # new or changed files
    unchanged: int
    removed: int
    pages: int  # files made from templates (not copied)
    fresh: frozenset[str] = frozenset()  # files of the output not linked from the previous one (write only)


def same_file(target: Path, source: Path) -> bool:
    """Whether ``target`` holds the bytes of ``source`` (sizes first: most differing files stop there)."""
    try:
        return target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes()
    except OSError:
        return False


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds ``data``."""
    return _same(path, data)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def existing(out: Path) -> set[str]:
    """Every file below ``out`` (relative paths), the marker aside."""
    return set(_walk(out, False))


def existing_signed(out: Path) -> dict[str, Signature | None]:
    """Every file below ``out`` (relative paths), with its stat signature (None if it cannot be had),
    the marker aside."""
    return _walk(out, True)


def _walk(out: Path, signed: bool) -> dict[str, Signature | None]:
    found: dict[str, Signature | None] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name == MARKER:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                elif not signed:
                    found[prefix + entry.name] = None
                else:
                    try:
                        found[prefix + entry.name] = signatures.of(entry.stat())
                    except OSError:
                        found[prefix + entry.name] = None

    if out.is_dir():
        walk(os.fspath(out), "")
    return found


def write(
    out: Path,
    files: Mapping[str, bytes],
    copies: Mapping[str, Path],
    before_swap: Callable[[Path], Iterable[str] | None] | None = None,
    kept: Iterable[str] = (),
    spare: Path | None = None,
    listed: tuple[Listing, Listing] | None = None,
) -> Counts:
    """Write ``files`` (relative path → bytes) and ``copies`` (relative path → source) as ``out``.

    ``kept`` are files of the current ``out`` that stay as they are: they are hard-linked
    into the staging folder (copied where links are refused), never rewritten. A static file
    of ``copies`` named there too is kept so, not copied: the caller knows its file in ``out``
    is still the copy of its source (unchanged since), as a clean build would copy it.
    ``before_swap(staging)`` runs once every file is in the staging folder and before it
    becomes ``out``: what it adds there (a search index) is published in the same swap, and
    an exception from it leaves the previous output as it was. It may return the files it
    wrote (paths in the folder), which spares a walk of the whole folder to find them.

    ``files`` may be pages already written at their paths in a folder of their own (a
    :class:`PagesOnDisk`, on the same file system): without ``spare`` to update, that folder
    becomes the output.

    ``spare`` (a folder on the same file system) keeps the previous output once it is
    swapped out; the next write brings that folder up to date and swaps it in, instead of
    making every folder of the site again and deleting the old one. Whatever state a killed
    build left it in, it is checked file by file before use.

    ``listed``: the files of ``out`` and of ``spare``, with their signatures, as listed when
    the build started (each folder is walked otherwise).

    Every folder written carries the marker (:data:`MARKER`); a spare folder without it is
    neither used nor removed, and an output without it (replaced as the user confirmed, see
    :func:`check_owner`) is removed once swapped out, never kept as the spare.
    """
    out = _output_folder(out)
    spare = _usable_spare(out, spare)
    before = _files_of(listed, 0)
    if before is None:
        before = existing(out)
    kept, copies = _kept_and_copied(kept, files, copies)
    reuse = spare is not None and out.is_dir() and spare.is_dir()
    spool = files if isinstance(files, PagesOnDisk) else None
    in_place = spool is not None and not reuse  # the pages are where they belong: that folder becomes the output
    added: set[str] = set()
    if reuse:
        assert spare is not None
        staging = spare
        _prepare(staging, set(kept) | set(files) | set(copies), _files_of(listed, 1))
    else:
        staging = spool.folder if spool is not None else _new_staging(out)
    try:
        _link_kept(staging, out, kept, reuse, listed)
        unchanged = len(kept) + _place_pages(staging, out, files, before, in_place)
        unchanged += _place_copies(staging, out, copies, before)
        if before_swap is not None:
            added = _added(staging, before_swap(staging), files, copies, kept)
            unchanged += _unchanged_added(staging, out, added, before)
        with stops.held():  # Ctrl-C or SIGTERM is acted on once the output is one site or the other
            _swap(staging, out, spare)
    except BaseException:
        if not reuse:
            stops.finish(functools.partial(shutil.rmtree, staging, ignore_errors=True))
        raise
    total = len(files) + len(copies) + len(added) + len(kept)
    removed = len(before - set(files) - set(copies) - added - set(kept))
    fresh = frozenset(files) | frozenset(copies) | frozenset(added)
    return Counts(total - unchanged, unchanged, removed, len(files), fresh)


def _kept_and_copied(
    kept: Iterable[str], files: Mapping[str, bytes], copies: Mapping[str, Path]
) -> tuple[list[str], Mapping[str, Path]]:
    """The files to keep from the output (a page rendered again is not), and the static files to
    copy: those not kept."""
    linked = set(kept) - set(files)
    return sorted(linked), {rel: source for rel, source in copies.items() if rel not in linked}


def _output_folder(out: Path) -> Path:
    """The real output folder (a link to it: written beside its target, the link kept), its parent
    made and the staging folders of dead builds beside it removed."""
    out = Path(os.path.realpath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    if out.exists() and not out.is_dir():
        raise DossierError(f"output '{out}' exists and is not a folder")
    return out


def _files_of(listed: tuple[Listing, Listing] | None, which: int) -> set[str] | None:
    """The files of the output (0) or of the spare folder (1) as listed, or None when not listed."""
    return set(listed[which]) if listed is not None else None


def _added(
    staging: Path, made: Iterable[str] | None, files: Mapping[str, bytes], copies: Mapping[str, Path], kept: list[str]
) -> set[str]:
    """The files ``before_swap`` added to ``staging``: those it said it ``made``, or those found there."""
    return (existing(staging) if made is None else set(made)) - set(files) - set(copies) - set(kept)


def _unchanged_added(staging: Path, out: Path, added: set[str], before: set[str]) -> int:
    """How many of the files ``before_swap`` added have the bytes they had in ``out``."""
    return sum(rel in before and _same(out / rel, (staging / rel).read_bytes()) for rel in added)


def _usable_spare(out: Path, spare: Path | None) -> Path | None:
    """``spare``, unless it is not a folder of dossier's (left as it is) or the output is not one
    (a folder replaced as confirmed: it goes once swapped out, never kept as the spare)."""
    if spare is not None and (spare.is_symlink() or (spare.exists() and not is_ours(spare))):
        return None
    if out.is_dir() and not is_ours(out):
        return None
    return spare


def _new_staging(out: Path) -> Path:
    """A new staging folder beside ``out``, marked."""
    return stops.made(  # made and marked, or not made: a leftover is known as dossier's
        functools.partial(_made_marked, out.parent / f"{staging_prefix(out)}{os.getpid()}"),
        _removed,
    )


def _made_marked(folder: Path) -> Path:
    folder.mkdir()
    mark(folder)
    return folder


def _removed(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _link_kept(
    staging: Path, out: Path, kept: Iterable[str], reuse: bool, listed: tuple[Listing, Listing] | None
) -> None:
    """Link the ``kept`` files of ``out`` into ``staging``; when it is the spare folder (``reuse``),
    a file that is already the output's very file (see ``listed``) is left as it is."""
    folders: set[Path] = set()
    out_base, staging_base = os.fspath(out) + os.sep, os.fspath(staging) + os.sep
    for rel in kept:
        if reuse and _linked(rel, listed, staging_base, out_base):
            continue
        target = staging / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        _place(target, functools.partial(_link_or_copy, out / rel))


def _place_pages(staging: Path, out: Path, files: Mapping[str, bytes], before: set[str], in_place: bool) -> int:
    """Put the pages into ``staging`` (moved out of their spool folder, or written; nothing to do when
    that folder is the staging one); returns how many have the bytes they had in ``out``."""
    unchanged = 0
    spool = files if isinstance(files, PagesOnDisk) else None
    for rel in sorted(files):
        unchanged += rel in before and _same(out / rel, files[rel])
        if not in_place:  # pages waiting in a spool folder are moved, not copied
            make = (
                functools.partial(spool.move, rel) if spool is not None else functools.partial(_write_bytes, files[rel])
            )
            _place(staging / rel, make)
    return unchanged


def _place_copies(staging: Path, out: Path, copies: Mapping[str, Path], before: set[str]) -> int:
    """Copy the static files into ``staging``; returns how many have the bytes they had in ``out``."""
    unchanged = 0
    for rel, source in sorted(copies.items()):
        _place(staging / rel, functools.partial(shutil.copyfile, source))
        unchanged += rel in before and same_file(out / rel, source)
    return unchanged


def _swap(staging: Path, out: Path, spare: Path | None) -> None:
    """``staging`` becomes ``out``; the previous ``out`` becomes ``spare``, or goes."""
    if not out.exists():
        staging.rename(out)
    elif _exchange(staging, out):
        if spare is None:
            shutil.rmtree(staging, ignore_errors=True)  # the new site is out: what is left, a marked leftover
        elif staging != spare:
            with contextlib.suppress(OSError):  # kept for the next build if it can be; removed otherwise
                if os.path.lexists(spare):
                    shutil.rmtree(spare)  # marked: write() checked it
                staging.rename(spare)
            if os.path.lexists(staging):
                shutil.rmtree(staging, ignore_errors=True)
    else:
        old = out.parent / f"{staging_prefix(out)}old-{os.getpid()}"
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)  # the new site is out: what is left of the old, a marked leftover


def _prepare(staging: Path, wanted: set[str], found: set[str] | None = None) -> None:
    """Remove from a reused staging folder every file (``found``: its files) the new output does not have."""
    for rel in sorted((existing(staging) if found is None else found) - wanted):
        path = staging / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        for folder in path.parents:
            if folder == staging or any(folder.iterdir()):
                break
            folder.rmdir()


def _linked(rel: str, listed: tuple[Listing, Listing] | None, staging: str, out: str) -> bool:
    """Whether the file ``rel`` of the staging folder is the very file (a link) of the output."""
    if listed is None:
        return _same_inode(staging + rel, out + rel)
    ours = listed[1].get(rel)  # on one file system, a signature (time, size, inode) is the same only for one file
    return ours is not None and ours == listed[0].get(rel)


def _same_inode(a: str, b: str) -> bool:
    try:
        sa, sb = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev)


def _write_bytes(data: bytes, target: Path) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:  # a full disk: said with the file it happened to
        raise OSError(exc.errno, exc.strerror, os.fspath(target)) from None


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _place(target: Path, make: Callable[[Path], object]) -> None:
    """Make ``target`` as a new file (a temporary one renamed over it): a file it replaces may be
    a link to a file of the published output, which must not change."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    if not target.exists() and not target.is_symlink():
        make(target)
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    make(temporary)
    os.replace(temporary, target)


def sync(
    out: Path,
    files: Mapping[str, bytes],
    copies: Mapping[str, Path],
    paths: Iterable[str],
    previous: Iterable[str] | None = None,
    keep: tuple[str, ...] = (),
    copied: dict[str, tuple[Signature, Signature]] | None = None,
) -> Counts:
    """Bring ``out`` in place to a site whose files are ``paths`` plus ``copies``.

    ``files`` holds the pages rendered again; a file is written only when its bytes changed
    (through a temporary file renamed over it), and files no longer produced are removed:
    those of ``previous`` (the paths of the last sync), or, without it, any file of ``out``
    except those below the folders ``keep``. Used by the development server, where a reader
    may be looking at the folder. The counts' ``fresh`` are the files written and removed.
    ``copied``: what the last syncs copied (output path → the stat signatures of its source and
    of the output file then), kept up to date here: a copy whose source and output file both
    have the signatures they had is not read again (thousands of encoded images, each save).
    """
    out.mkdir(parents=True, exist_ok=True)
    mark(out)
    wanted = set(paths) | set(copies)
    written: set[str] = set()
    for rel, data in sorted(files.items()):
        if _replace(out / rel, data):
            written.add(rel)
    written |= _sync_copies(out, copies, copied if copied is not None else {})
    old = set(previous) if previous is not None else existing(out)
    stale = sorted(r for r in old - wanted if not any(r.startswith(folder + "/") for folder in keep))
    _remove_files(out, stale)
    return Counts(len(written), len(wanted) - len(written), len(stale), len(files), frozenset(written | set(stale)))


def _sync_copies(out: Path, copies: Mapping[str, Path], known: dict[str, tuple[Signature, Signature]]) -> set[str]:
    """The copies of :func:`sync` whose bytes changed, written; ``known`` kept up to date."""
    written: set[str] = set()
    for rel, source in sorted(copies.items()):
        now = signatures.signature(source), signatures.signature(out / rel)
        if now[0] is not None and now[1] is not None and known.get(rel) == now:
            continue
        if _replace(out / rel, source.read_bytes()):
            written.add(rel)
        after = signatures.signature(out / rel)
        if now[0] is not None and after is not None:
            known[rel] = (now[0], after)
    for rel in set(known) - set(copies):
        del known[rel]
    return written


def _remove_files(out: Path, stale: list[str]) -> None:
    """Remove the files ``stale`` of ``out``, and the folders they leave empty."""
    for rel in stale:
        (out / rel).unlink(missing_ok=True)
        for folder in (out / rel).parents:
            if folder == out or any(folder.iterdir()):
                break
            folder.rmdir()


def _replace(target: Path, data: bytes) -> bool:
    if _same(target, data):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)
    return True
