"""Work done ahead, by a forked process, while this one goes on (loading the last build's memory).

A resumed build must walk the input tree, the content folder, the output folder and the
folder it will stage the next output in: tens of thousands of ``stat`` calls, which do not
depend on the build memory it loads meanwhile. :class:`Ahead` runs such functions, in order,
in a process forked before that load (small and quick to fork), and hands each result over
through a pipe when asked for it. Where ``fork`` is missing, where this process runs other
threads (a fork would copy locks they may hold), or if the child fails, a result is
computed here instead: the same value, later.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any


class Ahead:
    def __init__(self, jobs: Sequence[tuple[str, Callable[[], Any]]]) -> None:
        self._jobs = dict(jobs)
        self._results: dict[str, Any] = {}
        self._pid = 0
        self._reader: IO[bytes] | None = None
        if not hasattr(os, "fork") or threading.active_count() > 1 or len(jobs) == 0:
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: results in order, then out (never back into the caller's code)
            os.close(read)
            try:
                with os.fdopen(write, "wb") as pipe:
                    for name, job in jobs:
                        pickle.dump((name, job()), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                        pipe.flush()
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._reader = pid, os.fdopen(read, "rb")

    def get(self, name: str) -> Any:
        """The result of the job ``name`` (each is asked for once)."""
        while name not in self._results and self._reader is not None:
            try:
                got, value = pickle.load(self._reader)
            except Exception:  # the child died or failed: the rest is done here
                self.close()
                break
            self._results[got] = value
        if name in self._results:
            return self._results.pop(name)
        return self._jobs[name]()

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._pid:
            with contextlib.suppress(ProcessLookupError):  # it may be done
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
