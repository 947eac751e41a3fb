"""Full-text search: index the written site with Pagefind, into its ``pagefind/`` folder.

Pagefind (the ``pagefind[bin]`` package ships its binary) reads the rendered pages: what the
templates mark with ``data-pagefind-body`` (an article's text and notes, the timeline, topic
pages, free pages, the home page), minus ``data-pagefind-ignore``. It picks the stemmer from
``<html lang>``, so a French dossier gets French stemming. The search page's script loads the
index from ``pagefind/`` at run time. The index is built into the staging folder, before the
site is swapped in, so it is published with the pages it indexes or not at all.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from dossier.errors import DossierError

FOLDER = "pagefind"  # where the index goes in the site; templates link to it
TIMEOUT = 600.0  # seconds; Pagefind indexes thousands of pages in a few seconds


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


def _requests(site: Path, found: list[str]) -> Iterator[bytes]:
    yield _message(0, {"type": "NewIndex", "config": None})
    for number, rel in enumerate(found, 1):
        contents = (site / rel).read_text("utf-8", errors="replace")
        yield _message(
            number, {"type": "AddFile", "index_id": 0, "file_path": rel, "url": None, "file_contents": contents}
        )
    yield _message(len(found) + 1, {"type": "GetFiles", "index_id": 0})


def _responses(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's answers, one by one, until it closes its output."""
    pending = b""
    while chunk := os.read(stream.fileno(), 1 << 16):
        pending += chunk
        *answers, pending = pending.split(b",")
        for answer in answers:
            yield json.loads(base64.b64decode(answer))


def index(site: Path) -> None:
    """Write the search index of the site in the folder ``site`` into ``site/pagefind/``.

    Pagefind numbers pages in the order it reads them, and its own walk of the folder follows
    the file system's directory order (hashed on ext4, creation order on tmpfs): the index
    bytes would depend on the disk. So the pages are given to Pagefind's service
    (``pagefind --service``, which handles requests one at a time, in order) in sorted order,
    and the index is the same bytes wherever the site was written. The service hands the
    index's files back and they are written here, whole, before the service is let go.
    """
    site = site.resolve()
    if (site / FOLDER).exists():
        raise DossierError(
            f"cannot index the site for search: the site already has '{FOLDER}/', where the index goes"
            " (hint: rename the page or static file that uses it, or build with --no-search)"
        )
    found = pages(site)
    service = _start(site)
    assert service.stdin is not None and service.stdout is not None and service.stderr is not None
    stdin, stdout, stderr = service.stdin, service.stdout, service.stderr
    errors: list[str] = []
    late = threading.Event()

    def stop() -> None:
        late.set()
        service.kill()

    timer = threading.Timer(TIMEOUT, stop)

    def send() -> None:
        with contextlib.suppress(OSError, ValueError):  # the service stopped: the answers say why
            for request in _requests(site, found):
                stdin.write(request)
            stdin.flush()

    def drain() -> None:
        errors.append(stderr.read().decode("utf-8", "replace"))

    threads = [threading.Thread(target=send, daemon=True), threading.Thread(target=drain, daemon=True)]
    timer.start()
    for thread in threads:
        thread.start()
    try:
        files, error = _index_files(stdout, len(found) + 1)
    finally:
        _let_go(service, stdin, stdout, timer, threads)
    if error is not None:
        errors.insert(0, error)
    if late.is_set():
        raise DossierError(f"cannot index the site for search: Pagefind took more than {TIMEOUT:.0f} s")
    if files is not None:
        _write(site / FOLDER, files)
    if files is None or not (site / FOLDER / "pagefind.js").is_file():
        details = " ".join(" ".join(errors).split())[-500:]
        raise DossierError(f"search indexing failed (Pagefind exited with {service.returncode}): {details}")


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


def _index_files(stdout: IO[bytes], last: int) -> tuple[list[dict[str, str]] | None, str | None]:
    """The index's files from the answer to the last request (None if none came), or the error the service gave."""
    for answer in _responses(stdout):
        payload = answer.get("payload", {})
        if payload.get("type") == "Error":
            return None, str(payload.get("message", ""))
        if answer.get("message_id") == last:
            files: list[dict[str, str]] | None = payload.get("files") if payload.get("type") == "GetFiles" else None
            return files, None
    return None, None


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


def _write(folder: Path, files: list[dict[str, str]]) -> None:
    """The index's files, as the service gave them (paths within the index folder, base64
    contents), written here: the service's own writes could still be in flight when it exits."""
    for file in sorted(files, key=lambda f: f["path"]):
        rel = PurePosixPath(file["path"])
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise DossierError(f"search indexing failed: Pagefind gave a file outside its folder: {rel}")
        target = folder.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"]))
