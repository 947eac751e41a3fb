"""Encoded images kept between builds: an image is encoded once per change of its bytes.

Each image's published files are kept in ``.dossier-cache/media/<key>/``, where the key is the
SHA-256 of the source's SHA-256, the widths and names of its files, Pillow's version and the
encoders' settings: the same photo under another name, or used by a thousand articles, is one
entry, encoded once. A folder is complete when its ``done.json`` lists each file with its size
and the files have those sizes (written last, after the files): a build killed while encoding
leaves an entry the next build makes again. Only image bytes and that JSON are kept, and read:
nothing in this cache is ever run or unpickled. The build hands these files to the writer by
path (a static file's copy), so an unchanged image is neither encoded nor read by a warm build;
nor copied by a build that changed something else: its file in the output, still the copy of
an entry whose signature is the same, is kept (:mod:`dossier.incremental.resume`). An entry's
files are never written in place (one made again is new files, with other signatures), and the
output never links to them (a copy: what is done to the output never reaches the cache).

The cache does not grow for ever: an entry a build uses is marked used (its ``done.json``'s
modification time, renewed at most once a day, so that a warm build writes nothing), and after
a build was written, the entries no build used for :data:`UNUSED_DAYS` days are removed
(:meth:`ImageCache.prune`). Every build of a project, whatever its output folder, base URL or
drafts, and the preview's, publishes every image of ``content/media/`` (the same entries): a
preview never makes a published build encode again, nor the reverse; what goes is the encodes
of images replaced or deleted a month ago. Only folders named as a key are removed, never
through a symbolic link.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import PIL

from dossier.project import CACHE, MEDIA
from dossier.publish import images
from dossier.source import media
from dossier.source.media import MediaFile, Variant, variants

DONE = "done.json"
BATCH = 64  # images encoded (over the processes) before they are stored
_KEY = re.compile(r"^[0-9a-f]{32}$")
UNUSED_DAYS = 30  # an entry no build used for this long is removed
_DAY = 86400.0
Job = tuple[Path, Sequence[Variant]]
EncodeMany = Callable[[Sequence[Job]], list[list[bytes]]]


def folder(root: Path) -> Path:
    """The project's cache of encoded images."""
    return root / CACHE / MEDIA


def key(image: MediaFile, made: Sequence[Variant]) -> str:
    """What an image's encoded files depend on, as a folder name."""
    names = ",".join(_name(v) for v in made)
    text = f"{image.digest}|{names}|{PIL.__version__}|{images.SETTINGS}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _name(variant: Variant) -> str:
    return f"{variant.width}x{variant.height}.{variant.suffix}"


def _complete(entry: Path, made: Sequence[Variant], now: float) -> bool:
    """Whether ``entry`` holds ``made`` whole; if so, it is marked used ``now`` (when its mark is a day old)."""
    try:
        with open(entry / DONE, "rb") as done:
            marked = os.fstat(done.fileno()).st_mtime
            listed = json.loads(done.read())
        whole = isinstance(listed, dict) and all(
            listed.get(_name(v)) == (entry / _name(v)).stat().st_size for v in made
        )
    except (OSError, ValueError):
        return False
    if whole and marked < now - _DAY:
        with contextlib.suppress(OSError):  # not marked: it may go a day early, and be encoded again
            os.utime(entry / DONE, (now, now), follow_symlinks=False)
    return whole


def _last_used(entry: os.DirEntry[str]) -> float:
    """When an entry was last used: its ``done.json``'s mark, else (left half written) when it was made."""
    try:
        return os.stat(Path(entry.path) / DONE, follow_symlinks=False).st_mtime
    except OSError:
        return entry.stat(follow_symlinks=False).st_mtime


def _store(entry: Path, made: Sequence[Variant], data: Sequence[bytes]) -> None:
    """The files of one image written, then the list saying they are whole."""
    if entry.exists():
        shutil.rmtree(entry)
    entry.mkdir(parents=True)
    sizes = {}
    for variant, content in zip(made, data, strict=True):
        (entry / _name(variant)).write_bytes(content)
        sizes[_name(variant)] = len(content)
    temporary = entry / f".{DONE}.tmp"
    temporary.write_text(json.dumps(sizes, sort_keys=True), encoding="utf-8")
    os.replace(temporary, entry / DONE)


class ImageCache:
    """The encoded files of a build's images, made when missing. ``place``: the cache folder,
    or None for a folder of this process's own, removed when it ends (``--no-cache``)."""

    def __init__(self, place: Path | None) -> None:
        if place is None:
            place = Path(tempfile.mkdtemp(prefix="dossier-media-"))
            atexit.register(shutil.rmtree, place, True)
        self.place = place
        self.encoded = 0  # images encoded by this cache (for tests and benchmarks)
        self.used: set[str] | None = None  # the entries the last build used, until pruned

    def files(
        self, root: Path, media: Mapping[str, MediaFile], encode_many: EncodeMany | None = None
    ) -> dict[str, Path]:
        """Every file the site publishes for ``media`` (site path → its file in the cache),
        the missing ones encoded (over several processes with ``encode_many``)."""
        out: dict[str, Path] = {}
        todo: list[tuple[Path, Sequence[Variant], Path]] = []
        planned: set[Path] = set()  # one entry for the same image under two names
        used: set[str] = set()
        now = time.time()
        for rel in sorted(media):
            made = variants(media[rel])
            entry = self.place / key(media[rel], made)
            used.add(entry.name)
            if entry not in planned and not _complete(entry, made, now):
                todo.append((root / rel, made, entry))
                planned.add(entry)
            out.update((v.path, entry / _name(v)) for v in made)
        for start in range(0, len(todo), BATCH):  # kept as they come: a build stopped midway keeps what it encoded
            batch = todo[start : start + BATCH]
            jobs: list[Job] = [(path, made) for path, made, _ in batch]
            results = encode_many(jobs) if encode_many is not None else [images.encode_file(j) for j in jobs]
            for (_, files, entry), data in zip(batch, results, strict=True):
                _store(entry, files, data)
            self.encoded += len(batch)
        self.used = used
        return out

    def prune(self, now: float | None = None) -> list[str]:
        """After a build was written: the entries it did not use and no build used for
        :data:`UNUSED_DAYS` days removed; their keys. Nothing but folders named as a key, nothing
        when the cache is reached through a symbolic link, nothing when no build used it since
        the last prune (a build that only patched pages: no image was looked at)."""
        used, self.used = self.used, None
        if used is None or self.place.is_symlink() or self.place.parent.is_symlink():
            return []
        before = (time.time() if now is None else now) - UNUSED_DAYS * _DAY
        removed = []
        try:
            with os.scandir(self.place) as found:
                stale = [e for e in found if e.name not in used and _KEY.match(e.name) and _unused(e, before)]
        except OSError:
            return []
        for entry in stale:
            with contextlib.suppress(OSError):  # another process's, or a file it could not remove: left for later
                shutil.rmtree(entry.path)
                removed.append(entry.name)
        return sorted(removed)

    def entries(self) -> list[str]:
        """The images this cache holds, by key."""
        try:
            return sorted(e.name for e in os.scandir(self.place) if _KEY.match(e.name))
        except OSError:
            return []


def _unused(entry: os.DirEntry[str], before: float) -> bool:
    """Whether ``entry`` is a folder (not a link) no build used since ``before``."""
    try:
        return entry.is_dir(follow_symlinks=False) and _last_used(entry) < before
    except OSError:
        return False


MEASURED = "measured.json"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def load_measured(place: Path) -> media.Known:
    """What the last build learnt of each image (path → its signature and what it was measured
    as), so that a new process does not read and hash every image again; nothing when the file
    is missing, unreadable or not exactly that (plain JSON: nothing in it is run)."""
    try:
        data = json.loads((place / MEASURED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    known: dict[str, tuple[bytes, MediaFile]] = {}
    if not isinstance(data, dict):
        return known
    for rel, row in data.items():
        image = _row(rel, row)
        if image is not None:
            known[rel] = image
    return known


def _row(rel: object, row: object) -> tuple[bytes, MediaFile] | None:
    if not (isinstance(rel, str) and isinstance(row, list) and len(row) == 5):
        return None
    signature, kind, width, height, digest = row
    texts = all(isinstance(v, str) for v in (signature, kind, digest))
    sizes = all(isinstance(v, int) and v >= 1 for v in (width, height))
    if not (texts and sizes and kind in media.KINDS and _DIGEST.match(digest)):
        return None
    try:
        return bytes.fromhex(signature), MediaFile(rel, kind, width, height, digest)
    except ValueError:
        return None


def save_measured(place: Path, known: media.Known) -> None:
    """:func:`load_measured`'s file written whole (a temporary file renamed over it)."""
    rows = {rel: [sig.hex(), m.kind, m.width, m.height, m.digest] for rel, (sig, m) in sorted(known.items())}
    place.mkdir(parents=True, exist_ok=True)
    temporary = place / f".{MEASURED}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(rows, sort_keys=True), encoding="utf-8")
    os.replace(temporary, place / MEASURED)
