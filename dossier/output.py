"""The write step: stage the whole site in a sibling folder, then swap it in at once.

A failed or killed build leaves the previous output exactly as it was; leftover staging
folders are removed by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import signatures
from .errors import DossierError
from .signatures import Signature

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def check_target(out: Path, root: Path, protected: list[Path]) -> None:
    """Refuse an output folder that would overwrite the project itself."""
    out, root = out.resolve(), root.resolve()
    if out == root or out in root.parents:
        raise DossierError(f"output folder '{out}' contains the project: refusing to replace it")
    for path in protected:
        path = path.resolve()
        if out == path or path in out.parents or out in path.parents:
            raise DossierError(f"output folder '{out}' overlaps '{path}': refusing to write there")


def staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def clean_leftovers(out: Path) -> None:
    parent = out.parent
    if parent.is_dir():
        for leftover in parent.glob(staging_prefix(out) + "*"):
            if leftover.is_symlink():
                leftover.unlink()
            else:
                shutil.rmtree(leftover, ignore_errors=True)


Listing = Mapping[str, Signature | None]  # the files of a folder, each with its signature


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


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def existing(out: Path) -> set[str]:
    """Every file below ``out`` (relative paths)."""
    return set(_walk(out, False))


def existing_signed(out: Path) -> dict[str, Signature | None]:
    """Every file below ``out`` (relative paths), with its stat signature (None if it cannot be had)."""
    return _walk(out, True)


def _walk(out: Path, signed: bool) -> dict[str, Signature | None]:
    found: dict[str, Signature | None] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
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
    before_swap: Callable[[Path], None] | None = None,
    kept: Iterable[str] = (),
    spare: Path | None = None,
    listed: tuple[Listing, Listing] | None = None,
) -> Counts:
    """Write ``files`` (relative path → bytes) and ``copies`` (relative path → source) as ``out``.

    ``kept`` are files of the current ``out`` that stay as they are: they are hard-linked
    into the staging folder (copied where links are refused), never rewritten.
    ``before_swap(staging)`` runs once every file is in the staging folder and before it
    becomes ``out``: what it adds there (a search index) is published in the same swap, and
    an exception from it leaves the previous output as it was.

    ``files`` may be pages spooled at their paths in a folder of their own (``files.folder``,
    on the same file system): without ``spare`` to update, that folder becomes the output.

    ``spare`` (a folder on the same file system) keeps the previous output once it is
    swapped out; the next write brings that folder up to date and swaps it in, instead of
    making every folder of the site again and deleting the old one. Whatever state a killed
    build left it in, it is checked file by file before use.

    ``listed``: the files of ``out`` and of ``spare``, with their signatures, as listed when
    the build started (each folder is walked otherwise).
    """
    out = Path(os.path.realpath(out))  # a link to the output folder: write beside its target, keep the link
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    if out.exists() and not out.is_dir():
        raise DossierError(f"output '{out}' exists and is not a folder")
    before = set(listed[0]) if listed is not None else existing(out)
    kept = sorted(set(kept) - set(files) - set(copies))
    reuse = spare is not None and out.is_dir() and spare.is_dir() and not spare.is_symlink()
    spooled: Path | None = None if reuse else getattr(files, "folder", None)  # pages already in a folder of their own
    if reuse:
        assert spare is not None
        staging = spare
        _prepare(staging, set(kept) | set(files) | set(copies), set(listed[1]) if listed is not None else None)
    elif spooled is not None:
        staging = spooled  # the pages are where they belong: that folder becomes the output
    else:
        staging = out.parent / f"{staging_prefix(out)}{os.getpid()}"
        staging.mkdir()
    unchanged = len(kept)
    try:
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
        move = getattr(files, "move", None)  # pages waiting in a spool folder are moved, not copied
        for rel in sorted(files):
            unchanged += rel in before and _same(out / rel, files[rel])
            if spooled is None:
                make = functools.partial(move, rel) if move is not None else functools.partial(_write_bytes, files[rel])
                _place(staging / rel, make)
        for rel, source in sorted(copies.items()):
            _place(staging / rel, functools.partial(shutil.copyfile, source))
            unchanged += rel in before and same_file(out / rel, source)
        added: set[str] = set()
        if before_swap is not None:
            before_swap(staging)
            added = existing(staging) - set(files) - set(copies) - set(kept)
            for rel in added:
                unchanged += rel in before and _same(out / rel, (staging / rel).read_bytes())
        _swap(staging, out, spare)
    except BaseException:
        if not reuse:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    total = len(files) + len(copies) + len(added) + len(kept)
    removed = len(before - set(files) - set(copies) - added - set(kept))
    fresh = frozenset(files) | frozenset(copies) | frozenset(added)
    return Counts(total - unchanged, unchanged, removed, len(files), fresh)


def _swap(staging: Path, out: Path, spare: Path | None) -> None:
    """``staging`` becomes ``out``; the previous ``out`` becomes ``spare``, or goes."""
    if not out.exists():
        staging.rename(out)
    elif _exchange(staging, out):
        if spare is None:
            shutil.rmtree(staging)
        elif staging != spare:
            shutil.rmtree(spare, ignore_errors=True)
            staging.rename(spare)
    else:
        old = out.parent / f"{staging_prefix(out)}old-{os.getpid()}"
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)


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
    target.write_bytes(data)


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
    keep: str = "",
) -> Counts:
    """Bring ``out`` in place to a site whose files are ``paths`` plus ``copies``.

    ``files`` holds the pages rendered again; a file is written only when its bytes changed
    (through a temporary file renamed over it), and files no longer produced are removed:
    those of ``previous`` (the paths of the last sync), or, without it, any file of ``out``
    except those below the folder ``keep``. Used by the development server, where a reader
    may be looking at the folder.
    """
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(paths) | set(copies)
    written = 0
    for rel, data in sorted(files.items()):
        written += _replace(out / rel, data)
    for rel, source in sorted(copies.items()):
        written += _replace(out / rel, source.read_bytes())
    old = set(previous) if previous is not None else existing(out)
    stale = sorted(r for r in old - wanted if not (keep and r.startswith(keep + "/")))
    for rel in stale:
        (out / rel).unlink(missing_ok=True)
        for folder in (out / rel).parents:
            if folder == out or any(folder.iterdir()):
                break
            folder.rmdir()
    return Counts(written, len(wanted) - written, len(stale), len(files))


def _replace(target: Path, data: bytes) -> bool:
    if _same(target, data):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)
    return True
