"""One build at a time in a project: ``.dossier-cache/build.lock``, held with ``flock``.

A second build started while one runs waits for it (and says so), then goes on from what the
first one left: two builds never write the output folder, the spool or the cache at once.
The lock is released by the system when its process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from dossier.errors import DossierError
from dossier.project import CACHE

FOLDER = CACHE  # the lock is kept in the cache folder
NAME = "build.lock"


def folder(root: Path) -> Path:
    """The project's cache folder, made if missing; an error if something else has its name."""
    path = root / FOLDER
    try:
        path.mkdir(exist_ok=True)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DossierError(f"cannot make the cache folder '{FOLDER}': {exc.strerror or exc}") from None
    if not path.is_dir():
        raise DossierError(
            f"'{FOLDER}' is a file, not a folder: dossier keeps its cache and its lock there"
            f" (hint: move that file away or delete it; the next build makes the folder)"
        )
    return path


@contextlib.contextmanager
def held(root: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the project's build lock for the block; ``waiting(line)`` is told when another build has it."""
    path = folder(root) / NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise DossierError(
            f"cannot open the lock file '{FOLDER}/{NAME}': {exc.strerror or exc}"
            " (hint: it must be a regular file of the project's; delete it, the next build makes it)"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            waiting(f"waiting for the build already running in this project{holder} to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass  # a file system without locks: go on, as before locks
        with contextlib.suppress(OSError):  # who holds it, for the message of a build that waits
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {text})" if text.isdigit() else ""
