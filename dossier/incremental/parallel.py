"""Work spread over the machine's cores: forked processes that inherit the data, results in order.

The workers are forked after the data they work on exists, so nothing is sent to them but
ranges of positions; only results travel back. Each result is what a one-process run gives
for the same item, placed at the same position, so the output does not depend on the
number of processes. Where ``fork`` is not available, or the work is small, it runs here.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.pool as pools
import signal
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 48  # below this, starting processes costs more than it saves
CHUNKS_PER_JOB = 6  # several chunks a process, so that one slow chunk does not hold the others

_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


_STOPS = {signal.SIGINT, signal.SIGTERM}


def _worker_start() -> None:
    """In each worker, first thing: Ctrl-C is the main process's to act on (it stops the workers),
    SIGTERM ends a worker at once and silently; then the signals held over the fork are let in."""
    gc.disable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


def _run(span: tuple[int, int]) -> list[Any]:
    assert _work is not None
    function, items = _work
    return [function(items[i]) for i in range(*span)]


def spans(count: int, parts: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into at most ``parts`` consecutive spans of nearly equal length."""
    parts = max(1, min(parts, count))
    size, extra = divmod(count, parts)
    out, start = [], 0
    for index in range(parts):
        end = start + size + (index < extra)
        out.append((start, end))
        start = end
    return [s for s in out if s[0] < s[1]]


def map_items(
    function: Callable[[T], R], items: Sequence[T], jobs: int, done: Callable[[int], None] | None = None
) -> list[R]:
    """``[function(item) for item in items]``, computed by ``jobs`` processes when worth it.

    ``done(count)`` is called as the results of ``count`` more items come in.
    """
    chunks = spans(len(items), max(jobs * CHUNKS_PER_JOB, len(items) // 250))
    if jobs <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        results: list[R] = []
        for start, end in chunks:
            results += [function(items[i]) for i in range(start, end)]
            if done is not None:
                done(end - start)
        return results
    global _work
    _work = (function, items)
    results = []
    gc.freeze()  # a forked process's collector would touch, hence copy, every inherited object (kept for the build)
    try:
        # Ctrl-C and SIGTERM wait while the workers are forked (and are kept from the pool's threads,
        # which fork any later worker): a worker never runs the main process's handlers.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        try:
            for (start, end), part in zip(chunks, pool.imap(_run, chunks), strict=True):
                results += part
                if done is not None:
                    done(end - start)
        except Exception:
            pool.terminate()
            raise
        except BaseException:  # Ctrl-C, SIGTERM
            _stop_now(pool)
            raise
        pool.terminate()
    finally:
        _work = None
    return results


def _stop_now(pool: Any) -> None:
    """Kill the workers and reap them, without :meth:`Pool.terminate`: a signal sent to the whole
    process group may have ended a worker while it held the task queue's lock, which
    ``terminate`` takes, and would wait for forever. The pool's threads are told to make no
    new worker; they are daemons, blocked on queues nobody uses again."""
    handler = pool._worker_handler
    handler._state = pools.TERMINATE
    pool._change_notifier.put(None)
    handler.join()  # it makes no worker any more
    workers = list(pool._pool)
    for worker in workers:
        with contextlib.suppress(OSError):
            worker.kill()
    for worker in workers:
        worker.join()
    pool._terminate.cancel()  # nothing left for the finalizer, which would take that lock
    pool._state = pools.TERMINATE
