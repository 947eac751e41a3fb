"""Work spread over the machine's cores: forked processes that inherit the data, results in order.

The workers are forked after the data they work on exists, so nothing is sent to them but
ranges of positions; only results travel back. Each result is what a one-process run gives
for the same item, placed at the same position, so the output does not depend on the
number of processes. Where ``fork`` is not available, or the work is small, it runs here.

Each worker has a pipe of its own each way, and nothing else is shared: no lock, no queue. A
worker ended at any moment (SIGTERM sent to the whole process group, Ctrl-C, the kernel out of
memory) leaves nothing another process waits for: this process sees its pipe close, kills and
reaps the others, and says so (multiprocessing's pool would wait forever for a lock the dead
worker held).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import selectors
import signal
import struct
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from dossier import stops
from dossier.errors import DossierError
from dossier.incremental import pipes

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 48  # below this, starting processes costs more than it saves
CHUNKS_PER_JOB = 6  # several chunks a process, so that one slow chunk does not hold the others
IN_FLIGHT = 2  # spans handed to a worker ahead: it starts the next while this process reads its last result
OWN_STOP_WAIT = 1.0  # seconds: a worker killed by a signal sent to the whole group, the same signal here first

_SPAN = struct.Struct("<QQ")

_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


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

    ``done(count)`` is called as the results of ``count`` more items come in. An exception
    raised by ``function`` in a worker is raised here, the first in the items' order.
    """
    chunks = spans(len(items), max(jobs * CHUNKS_PER_JOB, len(items) // 250))
    if jobs <= 1 or len(items) < MIN_ITEMS or not hasattr(os, "fork"):
        return _here(function, items, chunks, done)
    global _work
    _work = (function, items)
    gc.freeze()  # a forked process's collector would touch, hence copy, every inherited object (kept for the build)
    workers: list[_Worker] = []
    try:
        _fork(min(jobs, len(chunks)), workers)
        if not workers:  # no process to be had
            return _here(function, items, chunks, done)
        return _gather(workers, chunks, done)
    finally:
        _work = None
        _end(workers)


def _here(
    function: Callable[[T], R], items: Sequence[T], chunks: list[tuple[int, int]], done: Callable[[int], None] | None
) -> list[R]:
    results: list[R] = []
    for start, end in chunks:
        results += [function(items[i]) for i in range(start, end)]
        if done is not None:
            done(end - start)
    return results


@dataclass
class _Worker:
    pid: int
    tasks: int  # this process writes spans here
    results: int  # and reads the worker's results here
    given: deque[int] = field(default_factory=deque)  # the chunks it was handed, in order


def _fork(count: int, workers: list[_Worker]) -> None:
    """``count`` workers, into ``workers`` (fewer if the system has no more processes to give).
    Ctrl-C, SIGTERM and SIGHUP wait while they are forked: a worker never runs this process's handlers,
    and each one forked is in ``workers`` when a stop is acted on, to be reaped."""
    with stops.held():
        for _ in range(count):
            tasks_read, tasks_write = os.pipe()
            results_read, results_write = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                for fd in (tasks_read, tasks_write, results_read, results_write):
                    os.close(fd)
                break
            if pid == 0:
                inherited = [fd for w in workers for fd in (w.tasks, w.results)]
                _serve(tasks_read, results_write, [tasks_write, results_read, *inherited])
            workers.append(_Worker(pid, tasks_write, results_read))
            os.close(tasks_read)
            os.close(results_write)


def _serve(tasks: int, results: int, others: list[int]) -> NoReturn:
    """In a worker: the spans it is handed, each answered with its results (or the exception it
    raised), until this process closes its pipe; then out, never back into the caller's code.
    Ctrl-C is the main process's to act on (it stops the workers); SIGTERM and SIGHUP end a worker at once."""
    try:
        gc.disable()
        stops.forked()
        for fd in others:  # the other workers' pipes: each must see its own close when this process closes it
            os.close(fd)
        while (span := pipes.read_exactly(tasks, _SPAN.size)) is not None:
            answer = _run(*_SPAN.unpack(span))
            try:
                pipes.send(results, answer)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a result that cannot travel
                pipes.send(results, (False, RuntimeError(_described(exc))))
    finally:
        os._exit(0)


def _run(start: int, end: int) -> tuple[bool, Any]:
    assert _work is not None
    function, items = _work
    try:
        return True, [function(items[i]) for i in range(start, end)]
    except Exception as exc:  # raised in the main process, as it would have been there
        try:
            pickle.dumps(exc)
        except Exception:
            return False, RuntimeError(_described(exc))
        return False, exc


def _described(exc: BaseException) -> str:
    return "in a worker process: " + "".join(traceback.format_exception(exc))


def _gather(workers: list[_Worker], chunks: list[tuple[int, int]], done: Callable[[int], None] | None) -> list[Any]:
    """Hand the chunks out, a few at a time to each worker, and put their results back in order."""
    waiting = deque(range(len(chunks)))
    received: dict[int, tuple[bool, Any]] = {}
    results: list[Any] = []
    following = 0
    with selectors.DefaultSelector() as selector:
        for worker in workers:
            _hand(worker, waiting, chunks)
            selector.register(worker.results, selectors.EVENT_READ, worker)
        while following < len(chunks):
            for key, _ in selector.select():
                worker = key.data
                got, answer = pipes.receive(worker.results)
                if not got:
                    _lost(worker)
                received[worker.given.popleft()] = answer
                _hand(worker, waiting, chunks)
            while following in received:
                ok, value = received.pop(following)
                if not ok:
                    raise value
                results += value
                if done is not None:
                    done(chunks[following][1] - chunks[following][0])
                following += 1
    return results


def _hand(worker: _Worker, waiting: deque[int], chunks: list[tuple[int, int]]) -> None:
    while waiting and len(worker.given) < IN_FLIGHT:
        chunk = waiting[0]
        try:
            pipes.write_all(worker.tasks, _SPAN.pack(*chunks[chunk]))
        except BrokenPipeError:
            _lost(worker)
        worker.given.append(waiting.popleft())


def _lost(worker: _Worker) -> NoReturn:
    """A worker ended before its work was done. Killed by a signal sent to the whole process group
    (a service manager's stop), this process has the same signal: its handler acts on it here,
    within a moment. Otherwise the build cannot go on: said in one line."""
    _, status = os.waitpid(worker.pid, 0)
    worker.pid = 0
    deadline = time.monotonic() + OWN_STOP_WAIT
    while os.WIFSIGNALED(status) and time.monotonic() < deadline:
        time.sleep(0.01)  # this process's own signal, if it has one, is acted on here
    killed = signal.Signals(os.WTERMSIG(status)) if os.WIFSIGNALED(status) else None
    how = f"was killed by {killed.name}" if killed else f"ended (exit status {os.WEXITSTATUS(status)})"
    hint = "build again"
    if killed == signal.SIGKILL:  # what the kernel sends when memory runs out
        hint = "the system may have run out of memory: build with --jobs 1, or free some memory"
    raise DossierError(f"a worker process of the build {how} before its work was done (hint: {hint})")


def _end(workers: list[_Worker]) -> None:
    """Kill the workers (done, or stopped midway), close their pipes and reap them; Ctrl-C,
    SIGTERM and SIGHUP wait until it is done (a moment: nothing here waits for a worker's work)."""
    stops.finish(lambda: _reap(workers))


def _reap(workers: list[_Worker]) -> None:
    for worker in workers:
        if worker.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
    for worker in workers:
        for fd in (worker.tasks, worker.results):
            if fd >= 0:
                os.close(fd)
        worker.tasks = worker.results = -1
        if worker.pid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(worker.pid, 0)
            worker.pid = 0
