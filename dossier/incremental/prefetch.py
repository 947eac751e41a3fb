"""Work done ahead, by a forked process, while this one goes on (loading the last build's memory).

A resumed build must walk the input tree, the content folder, the output folder and the
folder it will stage the next output in: tens of thousands of ``stat`` calls, which do not
depend on the build memory it loads meanwhile. :class:`Prefetch` runs such functions, in order,
in a process forked before that load (small and quick to fork), and hands each result over
through a pipe when asked for it. Where ``fork`` is missing, where this process runs other
threads (a fork would copy locks they may hold), or if the child fails, a result is
computed here instead: the same value, later.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

_STOPS = {signal.SIGINT, signal.SIGTERM}
_LENGTH = struct.Struct("<Q")  # each result goes through the pipe as its length, then its pickle


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None  # the child is gone
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class Prefetch:
    def __init__(self, jobs: Sequence[tuple[str, Callable[[], Any]]]) -> None:
        self._jobs = dict(jobs)
        self._results: dict[str, Any] = {}
        self._pid = 0
        self._fd = -1
        if not hasattr(os, "fork") or threading.active_count() > 1 or len(jobs) == 0:
            return
        read, write = os.pipe()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # no handler of the caller's runs in the child
        try:
            pid = os.fork()
        except OSError:  # no process to be had: the results are computed here
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: results in order, then out (never back into the caller's code)
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the caller stops it (close)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # SIGTERM: it ends at once, silently
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                os.close(read)
                for name, job in jobs:
                    data = pickle.dumps((name, job()), protocol=pickle.HIGHEST_PROTOCOL)
                    _write_all(write, _LENGTH.pack(len(data)) + data)
            finally:
                os._exit(0)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(write)
        self._pid, self._fd = pid, read

    def _receive(self) -> None:
        """One more result from the child (or, if it is gone, none ever again)."""
        header = _read_exactly(self._fd, _LENGTH.size)
        data = _read_exactly(self._fd, _LENGTH.unpack(header)[0]) if header is not None else None
        if data is None:
            self.close()
            return
        name, value = pickle.loads(data)
        self._results[name] = value

    def ready(self, name: str) -> bool:
        """Whether :meth:`get` would give the result of ``name`` without waiting for the child."""
        while name not in self._results and self._fd >= 0:
            readable, _, _ = select.select([self._fd], [], [], 0)
            if not readable:
                return False
            self._receive()
        return True

    def get(self, name: str) -> Any:
        """The result of the job ``name`` (each is asked for once)."""
        while name not in self._results and self._fd >= 0:
            self._receive()
        if name in self._results:
            return self._results.pop(name)
        return self._jobs[name]()

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._pid:
            with contextlib.suppress(ProcessLookupError):  # it may be done
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
