"""Ctrl-C, SIGTERM and SIGHUP (the terminal closed) held off while a block that must not be cut
runs (the output's swap, forking worker processes, reaping them, a rename's writes), then acted on.

The interpreter catches a signal at once but runs its Python handler later, at its next check,
in the main thread, whichever thread the system gave the signal to. So two things are done for
the block's length: the signals are blocked in this thread (a process forked inside starts with
them blocked: one sent meanwhile waits for it and never runs the parent's handler), and, in the
main thread, each stop's handler is replaced by one that records it (a signal another thread
received would otherwise still raise inside the block). A recorded stop is sent again once the
block is done. A stop caught a moment before the block is acted on as it is entered (replacing
a handler runs the pending ones first), before anything of the block is done.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import Any, TypeVar

STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_Handler = Callable[[int, FrameType | None], Any]
_T = TypeVar("_T")


@contextlib.contextmanager
def held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block is done; a stop that came meanwhile is acted on then.
    A stop caught before the block is raised on entering it, the signals as they were."""
    caught: list[int] = []
    swapped: dict[int, _Handler] = {}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])  # a stop caught already is raised here
    try:
        if threading.current_thread() is threading.main_thread():
            for number in STOPS:
                handler = signal.getsignal(number)
                if callable(handler):
                    swapped[number] = handler
                    signal.signal(number, lambda signum, _: caught.append(signum))
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    except BaseException:
        _restore(swapped, mask)
        raise
    try:
        yield
    finally:
        _restore(swapped, mask)
        if caught:
            signal.raise_signal(caught[0])


def _restore(swapped: Mapping[int, _Handler], mask: set[int | signal.Signals]) -> None:
    """The handlers and the mask as they were. Putting a handler back first runs the pending ones:
    should one raise (a stop another thread received meanwhile), the rest is put back all the
    same, then that stop goes on."""
    stop: BaseException | None = None
    for number, handler in swapped.items():
        while True:
            try:
                signal.signal(number, handler)
                break
            except BaseException as exc:  # the handler was not replaced: again, the stop kept
                stop = stop or exc
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    except BaseException as exc:  # a stop let in as the signals are: acted on below
        stop = stop or exc
    if stop is not None:
        raise stop


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


def made(make: Callable[[], _T], undo: Callable[[_T], object]) -> _T:
    """``make()`` with the stops held (a folder made and marked, a process forked and known), and
    what it made. A stop that came meanwhile is acted on as the block ends, before the caller holds
    what was made: ``undo`` is run on it first (the folder removed, the process reaped)."""
    result: list[_T] = []
    try:
        with held():
            result.append(make())
    except BaseException:
        if result:
            finish(functools.partial(undo, result[0]))
        raise
    return result[0]


def forked() -> None:
    """In a process forked to work for this one (a worker, a prefetch): Ctrl-C ignored (the main
    process stops it), SIGTERM and SIGHUP end it at once and silently (SIGHUP stays ignored when
    the program was started so, as by ``nohup``); the stops, blocked while it was forked, let in."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
