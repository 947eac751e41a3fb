"""Ctrl-C and SIGTERM held off while a block that must not be cut runs, then acted on."""

from __future__ import annotations

import os
import select
import signal
import threading
from collections.abc import Iterator

import pytest

from dossier import stops


class Stopped(BaseException):
    pass


@pytest.fixture
def raising_on_sigterm() -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _mask() -> set[signal.Signals]:
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def _sigterm_to_this_thread() -> None:
    """SIGTERM to this thread only (other threads of the test process, which the system could give
    a signal sent to the process, would run its handler whenever they next run)."""
    signal.pthread_kill(threading.get_ident(), signal.SIGTERM)


@pytest.mark.usefixtures("raising_on_sigterm")
def test_a_stop_sent_during_the_block_is_acted_on_once_it_is_done() -> None:
    before, done = _mask(), []
    with pytest.raises(Stopped), stops.held():
        _sigterm_to_this_thread()
        done.append("the rest of the block")
    assert done == ["the rest of the block"]
    assert _mask() == before


def test_the_block_s_own_exception_passes_and_the_mask_is_as_it_was() -> None:
    before = _mask()
    with pytest.raises(ValueError), stops.held():
        assert set(stops.STOPS) <= _mask()
        raise ValueError
    assert _mask() == before


def test_a_process_forked_in_the_block_starts_with_the_stops_held() -> None:
    read, write = os.pipe()
    with stops.held():
        pid = os.fork()
        if pid == 0:
            os.write(write, b"held" if set(stops.STOPS) <= _mask() else b"open")
            os._exit(0)
    os.close(write)
    assert os.read(read, 10) == b"held"
    os.close(read)
    os.waitpid(pid, 0)


@pytest.mark.usefixtures("raising_on_sigterm")
def test_a_clean_up_is_done_and_then_the_stop_is_acted_on() -> None:
    done: list[str] = []

    def cleanup() -> None:
        _sigterm_to_this_thread()
        done.append("removed")

    with pytest.raises(Stopped):
        stops.finish(cleanup)
    assert done == ["removed"]


@pytest.mark.usefixtures("raising_on_sigterm")
def test_a_stop_another_thread_received_waits_for_the_block_too() -> None:
    """The system gives a signal to any thread that does not block it; Python runs the handler in
    the main thread all the same, at its next step: blocking the signal here is not enough. The
    block goes on until the interpreter has caught the signal (its wakeup file says so), whichever
    thread the system gave it to, and whenever that thread ran."""
    other_running, stop_other = threading.Event(), threading.Event()

    def other() -> None:
        other_running.set()
        stop_other.wait()

    thread = threading.Thread(target=other)
    thread.start()
    other_running.wait()
    read, write = os.pipe()
    os.set_blocking(write, False)
    previous = signal.set_wakeup_fd(write)
    done: list[str] = []
    try:
        with pytest.raises(Stopped), stops.held():
            os.kill(os.getpid(), signal.SIGTERM)  # to the process: a thread that does not block it
            assert select.select([read], [], [], 30)[0], "the signal was never caught"
            done.append("the rest of the block")
    finally:
        signal.set_wakeup_fd(previous)
        os.close(read)
        os.close(write)
        stop_other.set()
        thread.join()
    assert done == ["the rest of the block"]


@pytest.mark.usefixtures("raising_on_sigterm")
def test_what_was_made_when_a_stop_came_is_undone_before_the_stop_goes_on() -> None:
    undone: list[str] = []

    def make() -> str:
        _sigterm_to_this_thread()
        return "a folder"

    with pytest.raises(Stopped):
        stops.made(make, undone.append)
    assert undone == ["a folder"]


@pytest.mark.usefixtures("raising_on_sigterm")
def test_what_was_made_without_a_stop_is_the_caller_s() -> None:
    undone: list[str] = []
    assert stops.made(lambda: "a folder", undone.append) == "a folder"
    assert undone == []


def test_nothing_is_undone_when_the_making_failed() -> None:
    undone: list[str] = []

    def make() -> str:
        raise OSError("no space left on device")

    with pytest.raises(OSError):
        stops.made(make, undone.append)
    assert undone == []


@pytest.mark.parametrize("nohup", [False, True], ids=["from-a-terminal", "nohup"])
def test_a_forked_process_ends_at_sigterm_and_sighup_and_leaves_ctrl_c_to_its_parent(nohup: bool) -> None:
    """What a worker does with each stop, once :func:`stops.forked` ran in it (forked with the stops
    held, the parent's handlers in place): a SIGHUP ignored from the start (``nohup``) stays ignored."""
    previous = {n: signal.signal(n, lambda *_: None) for n in (signal.SIGTERM, signal.SIGHUP)}
    if nohup:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    read, write = os.pipe()
    try:
        with stops.held():
            pid = os.fork()
            if pid == 0:
                stops.forked()
                seen = [signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
                names = [getattr(s, "name", "a handler") for s in seen]
                os.write(write, repr([*names, "held" if set(stops.STOPS) & _mask() else "let in"]).encode())
                os._exit(0)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    os.close(write)
    told = os.read(read, 200).decode()
    os.close(read)
    os.waitpid(pid, 0)
    hup = "SIG_IGN" if nohup else "SIG_DFL"
    assert told == repr(["SIG_IGN", "SIG_DFL", hup, "let in"])
