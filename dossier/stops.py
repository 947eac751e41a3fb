"""Ctrl-C and SIGTERM held off while a block that must not be cut runs (the output's swap,
forking worker processes, reaping them), then acted on.

The interpreter catches a signal at once but runs its Python handler later, at its next check:
a stop caught a moment before the block is acted on as the block is entered (the check that
blocking the signals makes), before anything of the block is done. Within the block, the
signals wait; a process forked inside starts with them blocked, so one sent meanwhile waits for
it and never runs the parent's handler.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator

STOPS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGINT and SIGTERM wait (in this thread) until the block is done; a stop that came
    meanwhile is acted on then. A stop caught before the block is raised on entering it,
    the signals as they were."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])  # a stop caught already is raised here
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)  # or here, the signals just blocked
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        raise
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def finish(cleanup: Callable[[], object]) -> None:
    """Run ``cleanup`` (what must be done however the work before it ended: a folder removed,
    processes reaped) with the stops held. A stop caught just before is acted on once it is done,
    not instead of it."""
    entered = False
    try:
        with held():
            entered = True
            cleanup()
    except BaseException:
        if not entered:  # the stop came as the block began: the clean-up is done all the same
            cleanup()
        raise
