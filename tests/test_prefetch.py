"""Work done ahead in a forked process: the same results as here, whatever happens to the child."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from dossier.incremental.prefetch import Prefetch


def _pid() -> int:
    return os.getpid()


def test_results_come_from_a_child_in_any_order_asked() -> None:
    ahead = Prefetch([("pid", _pid), ("square", lambda: 12 * 12), ("text", lambda: "États-Unis")])
    try:
        assert ahead.get("text") == "États-Unis"
        assert ahead.get("square") == 144
        assert ahead.get("pid") != os.getpid()  # computed in the child
    finally:
        ahead.close()


def test_a_job_that_fails_in_the_child_is_done_here() -> None:
    here = os.getpid()

    def fails_there() -> str:
        if os.getpid() != here:  # in the child, whenever it runs: no race with this process
            raise OSError("not there")
        return "done here"

    ahead = Prefetch([("first", lambda: 1), ("second", fails_there), ("third", _pid)])
    try:
        assert ahead.get("first") == 1
        assert ahead.get("second") == "done here"
        assert ahead.get("third") == os.getpid()  # the child is gone: the rest is done here
    finally:
        ahead.close()


def test_with_other_threads_running_nothing_is_forked() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ahead = Prefetch([("pid", _pid)])
        assert ahead.get("pid") == os.getpid()
        ahead.close()
    finally:
        stop.set()
        other.join()


def test_close_reaps_the_child_even_with_results_never_asked_for() -> None:
    ahead = Prefetch([("big", lambda: b"x" * 2_000_000), ("pid", _pid)])
    pid = ahead._pid
    assert pid
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left behind


def test_ready_says_whether_a_result_is_there_without_waiting(tmp_path: Path) -> None:
    gate = tmp_path / "gate"

    def slow() -> str:
        while not gate.exists():
            time.sleep(0.01)
        return "walked"

    ahead = Prefetch([("slow", slow)])
    try:
        assert not ahead.ready("slow")
        gate.touch()
        deadline = time.monotonic() + 30
        while not ahead.ready("slow"):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert ahead.get("slow") == "walked"
    finally:
        ahead.close()


def test_a_ctrl_c_as_the_child_is_forked_stops_and_reaps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stop is held while the child is forked, and acted on as that is done: the child, which
    nobody would close, is stopped and reaped first."""
    real, forked = os.fork, []

    def fork_then_stop() -> int:
        pid = real()
        if pid:
            forked.append(pid)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread: acted on here
        return pid

    monkeypatch.setattr(os, "fork", fork_then_stop)
    with pytest.raises(KeyboardInterrupt):
        Prefetch([("wait", lambda: time.sleep(60))])
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):  # reaped already
        os.waitpid(forked[0], os.WNOHANG)
