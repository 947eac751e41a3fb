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
import select
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

from dossier import stops
from dossier.incremental import pipes


class Prefetch:
    def __init__(self, jobs: Sequence[tuple[str, Callable[[], Any]]]) -> None:
        self._jobs = dict(jobs)
        self._results: dict[str, Any] = {}
        self._pid = 0
        self._fd = -1
        if not hasattr(os, "fork") or threading.active_count() > 1 or len(jobs) == 0:
            return
        try:
            with stops.held():  # no handler of the caller's runs in the child; nothing made is unknown to close
                read, write = os.pipe()
                try:
                    pid = os.fork()
                except OSError:  # no process to be had: the results are computed here
                    os.close(read)
                    os.close(write)
                    return
                if pid == 0:  # the child: results in order, then out (never back into the caller's code)
                    try:
                        stops.forked()  # Ctrl-C: the caller stops it (close); SIGTERM, SIGHUP: it ends at once
                        os.close(read)
                        for name, job in jobs:
                            pipes.send(write, (name, job()))
                    finally:
                        os._exit(0)
                os.close(write)
                self._pid, self._fd = pid, read
        except BaseException:  # a stop acted on as the fork was done: the child is stopped and reaped
            stops.finish(self.close)
            raise

    def _receive(self) -> None:
        """One more result from the child (or, if it is gone, none ever again)."""
        received, value = pipes.receive(self._fd)
        if not received:
            self.close()
            return
        name, result = value
        self._results[name] = result

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
