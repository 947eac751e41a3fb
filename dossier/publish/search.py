"""Full-text search: index the written site with Pagefind, into its ``pagefind/`` folder, in shards.

Pagefind (the ``pagefind[bin]`` package ships its binary) reads the rendered pages: what the
templates mark with ``data-pagefind-body`` (an article's text and notes, the timeline, topic
pages, free pages, the home page), minus ``data-pagefind-ignore``; a page without it is not
indexed. It picks the stemmer from ``<html lang>``, so a French dossier gets French stemming.
The index is made of shards (:mod:`dossier.publish.shards`), each a Pagefind bundle in
``pagefind/<shard>/``, listed in ``pagefind/shards.json``; the search page's script merges
them at run time. :func:`index` makes the shards it is asked for (all of them by default) and
leaves the others as they are. The index is built into the staging folder, before the site is
swapped in, so it is published with the pages it indexes or not at all.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from dossier.errors import DossierError
from dossier.publish import shards

FOLDER = "pagefind"  # where the index goes in the site; templates link to it
TIMEOUT = 600.0  # seconds; Pagefind indexes thousands of pages in a few seconds
# What the index needs at run time: Pagefind's own user interfaces are not used (the theme's search.js is)
_UNUSED = re.compile(r"pagefind-(ui|component-ui|modular-ui)\.(js|css)|pagefind-highlight\.js")
_WASM = re.compile(r"wasm\.(.+)\.pagefind")
# The attribute in a tag (not the same words in a text, where "<" is escaped)
_BODY = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s=/>]")


def executable() -> Path:
    """The Pagefind binary of the ``pagefind-bin`` package."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        raise DossierError(
            "cannot index the site for search: Pagefind is not installed"
            " (hint: pip install 'pagefind[bin]', or build with --no-search)"
        ) from None
    try:
        return Path(pagefind_bin.get_executable())
    except FileNotFoundError as exc:
        raise DossierError(f"cannot index the site for search: {exc} (hint: build with --no-search)") from None


def _die_with_the_build() -> None:
    """In the child: be killed when the build is (Linux), never left writing into a staging folder."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _message(number: int, payload: dict[str, object]) -> bytes:
    """One request of Pagefind's service protocol: base64 of its JSON, then a comma."""
    return base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode("utf-8")) + b","


def pages(site: Path) -> list[str]:
    """The HTML files Pagefind would find (``**/*.html``), as paths from ``site``, in sorted order."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.is_file())


def indexed(html: bytes) -> bool:
    """Whether a page is indexed: it marks what is, with ``data-pagefind-body``."""
    return _BODY.search(html) is not None


@dataclass
class _Feed:
    """What the feeding thread sent, as it sends it: the answers are read by message number."""

    new: dict[int, tuple[str, int]] = field(default_factory=dict)  # NewIndex → (shard, index number expected)
    got: dict[int, str] = field(default_factory=dict)  # GetFiles → shard
    empty: list[str] = field(default_factory=list)  # shards without a page to index
    last: int = -1  # the closing request, once sent: its answer comes after every other


def _requests(site: Path, todo: dict[str, list[str]], feed: _Feed) -> Iterator[bytes]:
    """Each shard's pages, read as they are sent: a new index per shard that has one to index
    (Pagefind numbers its indexes from 0, in order), its pages in sorted order, then its files."""
    number = 0
    indexes = 0
    for shard, found in sorted(todo.items()):
        index = -1
        for rel in found:
            data = (site / rel).read_bytes()
            if not indexed(data):
                continue
            if index < 0:
                index, indexes = indexes, indexes + 1
                feed.new[number] = (shard, index)
                yield _message(number, {"type": "NewIndex", "config": None})
                number += 1
            contents = data.decode("utf-8", errors="replace")
            yield _message(
                number, {"type": "AddFile", "index_id": index, "file_path": rel, "url": None, "file_contents": contents}
            )
            number += 1
        if index < 0:
            feed.empty.append(shard)
            continue
        feed.got[number] = shard
        yield _message(number, {"type": "GetFiles", "index_id": index})
        number += 1
    feed.last = number
    yield _message(number, {"type": "NewIndex", "config": None})


def _responses(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's answers, one by one, until it closes its output."""
    pending = b""
    while chunk := os.read(stream.fileno(), 1 << 16):
        pending += chunk
        *answers, pending = pending.split(b",")
        for answer in answers:
            yield json.loads(base64.b64decode(answer))


def index(
    site: Path, rebuild: Collection[str] | None = None, found: Sequence[str] | None = None, manifest: bool = True
) -> list[str]:
    """Write the search index of the site in the folder ``site`` into ``site/pagefind/``.

    ``rebuild``: the shards to index again (:func:`dossier.publish.shards.changed`); the others
    are already in ``pagefind/`` as an earlier index left them (by default, every shard is
    made, in a site without ``pagefind/``). ``found``: the site's HTML pages, when known
    (the folder is walked otherwise). The shards of the site that have no page to index, and
    folders of shards the site no longer has, are removed; the manifest is written last
    (unless ``manifest`` is false: the caller writes it, :func:`write_manifest`). Returns the
    files written (paths in the site).

    Pagefind numbers pages in the order it reads them, and its own walk of the folder follows
    the file system's directory order (hashed on ext4, creation order on tmpfs): the index
    bytes would depend on the disk. So the pages are given to Pagefind's service
    (``pagefind --service``, which handles requests one at a time, in order) in sorted order,
    and the index is the same bytes wherever the site was written. The service hands each
    shard's files back and they are written here, whole, before the service is let go.
    """
    site = site.resolve()
    folder = site / FOLDER
    if rebuild is None and folder.exists():
        raise DossierError(
            f"cannot index the site for search: the site already has '{FOLDER}/', where the index goes"
            " (hint: rename the page or static file that uses it, or build with --no-search)"
        )
    listed = pages(site) if found is None else shards.html(found)
    count = shards.count_for(len(listed))
    groups = shards.group(listed, count)
    todo = {shard: groups[shard] for shard in (groups if rebuild is None else set(rebuild) & set(groups))}
    folder.mkdir(exist_ok=True)
    empty = _index_shards(site, folder, todo) if todo else []
    for name in empty:
        _remove(folder / name)
    _remove_others(folder, set(groups))
    written = [f"{FOLDER}/{shard}/{rel}" for shard in sorted(set(todo) - set(empty)) for rel in _files(folder / shard)]
    if manifest:
        write_manifest(folder, count)
        written.append(f"{FOLDER}/{shards.MANIFEST}")
    return written


def _files(folder: Path) -> list[str]:
    """The files below ``folder``, as paths in it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _remove_others(folder: Path, wanted: set[str]) -> None:
    """Remove the shards of ``folder`` that are not ``wanted`` (shards of another count)."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_dir() and shards.is_shard(entry.name) and entry.name not in wanted:
            _remove(Path(entry.path))


def write_manifest(folder: Path, count: int, stale: bool = False) -> None:
    """``shards.json`` of the ``count`` shards in ``folder``, written whole (a new file renamed over the old one)."""
    _replace(folder / shards.MANIFEST, shards.manifest(folder, count, stale))


def mark_stale(folder: Path) -> None:
    """The manifest of the index in ``folder`` said stale (the preview indexes its latest pages):
    the shards it lists stay those of the last index (none before the first)."""
    try:
        listed = json.loads((folder / shards.MANIFEST).read_bytes())
    except (OSError, ValueError):
        listed = {}
    languages = listed.get("languages", {}) if isinstance(listed, dict) else {}
    empty = listed.get("empty", []) if isinstance(listed, dict) else []
    folder.mkdir(parents=True, exist_ok=True)
    _replace(folder / shards.MANIFEST, shards.dump(languages, empty, stale=True))


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)


def _index_shards(site: Path, folder: Path, todo: dict[str, list[str]]) -> list[str]:
    """Index the shards ``todo`` (shard → its pages) with one service; returns the shards without a page to index."""
    service = _start(site)
    assert service.stdin is not None and service.stdout is not None and service.stderr is not None
    stdin, stdout, stderr = service.stdin, service.stdout, service.stderr
    errors: list[str] = []
    failed: list[BaseException] = []
    late = threading.Event()
    feed = _Feed()

    def stop() -> None:
        late.set()
        service.kill()

    timer = threading.Timer(TIMEOUT, stop)

    def send() -> None:
        try:
            for request in _requests(site, todo, feed):
                stdin.write(request)
            stdin.flush()
        except (OSError, ValueError) as exc:  # the service stopped (the answers say why), or a page went
            failed.append(exc)
            with contextlib.suppress(OSError):
                stdin.close()

    def drain() -> None:
        errors.append(stderr.read().decode("utf-8", "replace"))

    threads = [threading.Thread(target=send, daemon=True), threading.Thread(target=drain, daemon=True)]
    timer.start()
    for thread in threads:
        thread.start()
    try:
        done, error = _receive(stdout, folder, feed)
    finally:
        _let_go(service, stdin, stdout, timer, threads)
    if late.is_set():
        raise DossierError(f"cannot index the site for search: Pagefind took more than {TIMEOUT:.0f} s")
    if error is not None or not done:
        details = " ".join(" ".join([error or "", *map(str, failed), *errors]).split())[-500:]
        code = service.returncode
        if code is not None and code < 0:  # killed: its own output says nothing useful
            killed = signal.Signals(-code).name
            hint = (
                "the system may have run out of memory: build again, or with --no-search"
                if killed == "SIGKILL"
                else "build again"
            )
            raise DossierError(f"search indexing failed: Pagefind was killed by {killed} (hint: {hint})")
        raise DossierError(f"search indexing failed (Pagefind exited with {code}): {details}")
    return feed.empty


def _receive(stdout: IO[bytes], folder: Path, feed: _Feed) -> tuple[bool, str | None]:
    """Each shard's files as they come, written; whether every answer came, or the error the service gave."""
    for answer in _responses(stdout):
        payload = answer.get("payload", {})
        number = answer.get("message_id")
        if payload.get("type") == "Error":
            return False, str(payload.get("message", ""))
        if number in feed.new and payload.get("index_id") != feed.new[number][1]:
            return False, f"index {payload.get('index_id')} made for shard {feed.new[number][0]}"
        if number in feed.got:
            files = payload.get("files") if payload.get("type") == "GetFiles" else None
            if not isinstance(files, list):
                return False, f"no files for shard {feed.got[number]}"
            _place(folder, feed.got[number], files)
        if number == feed.last:
            return True, None
    return False, None


def _start(site: Path) -> subprocess.Popen[bytes]:
    """Pagefind's service, started in ``site``."""
    # Only the requests configure Pagefind: no PAGEFIND_* variable, and no pagefind.yml
    # read from the working directory (the site itself holds none).
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    try:
        return subprocess.Popen(
            [str(executable()), "--service"],
            cwd=site,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_the_build if sys.platform == "linux" else None,
        )
    except OSError as exc:
        raise DossierError(f"cannot index the site for search: {exc}") from None


def _let_go(
    service: subprocess.Popen[bytes],
    stdin: IO[bytes],
    stdout: IO[bytes],
    timer: threading.Timer,
    threads: list[threading.Thread],
) -> None:
    """End the service (it exits when its input ends; killed if it does not), its timer and the threads feeding it."""
    with contextlib.suppress(OSError):
        stdin.close()
    try:
        service.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        service.kill()
        service.wait()
    timer.cancel()
    for thread in threads:
        thread.join(timeout=5)
    stdout.close()


def _place(folder: Path, shard: str, files: list[dict[str, str]]) -> None:
    """A shard's files, as the service gave them (paths within the bundle, base64 contents), written
    into a new folder that then takes the shard's place (the service's own writes could still be
    in flight when it exits). Pagefind's user interfaces are left out, and the WebAssembly of
    languages the shard has no pages in."""
    contents: dict[PurePosixPath, bytes] = {}
    for file in files:
        rel = PurePosixPath(file["path"])
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise DossierError(f"search indexing failed: Pagefind gave a file outside its folder: {rel}")
        contents[rel] = base64.b64decode(file["content"])
    wasm = _sorted_entry(contents)
    fresh = folder / f".{shard}.{os.getpid()}.new"
    _remove(fresh)
    for rel, data in sorted(contents.items()):
        if len(rel.parts) == 1 and (_UNUSED.fullmatch(rel.name) or _unused_wasm(rel.name, wasm)):
            continue
        target = fresh.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    old = folder / f".{shard}.{os.getpid()}.old"
    if (folder / shard).exists():
        os.rename(folder / shard, old)
    os.rename(fresh, folder / shard)
    _remove(old)


def _sorted_entry(contents: dict[PurePosixPath, bytes]) -> set[str]:
    """The bundle's entry with its languages sorted (Pagefind lists them in no set order: the same
    bytes each time), in ``contents``; returns the WebAssembly its languages use."""
    name = PurePosixPath("pagefind-entry.json")
    entry = json.loads(contents.get(name, b"{}"))
    if "languages" in entry:
        entry["languages"] = dict(sorted(entry["languages"].items()))
        contents[name] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return {str(language.get("wasm") or "unknown") for language in entry.get("languages", {}).values()}


def _unused_wasm(name: str, used: set[str]) -> bool:
    match = _WASM.fullmatch(name)
    return match is not None and match.group(1) not in used
