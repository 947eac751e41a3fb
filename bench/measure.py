"""Time a whole command and sample the memory of its process tree (Linux /proc).

Memory is sampled every 50 ms over the command and all its descendants: the peak of the
tree's summed PSS (proportional set size: a page shared by forked processes is counted
once, split between them) and, for reference, of the summed RSS (shared pages counted in
every process that maps them).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.05  # seconds between samples


class Trash:
    """Folders set aside by a rename, deleted only once every measure is taken.

    On a file system without a journal (as ext4 can be made, and this benchmark's machine's
    is), the kernel will not reuse an inode freed in the last minute (five, while its block
    is not yet written back), and finds that out by reading the inode of every candidate it
    skips: after a tree of 20,000 files is deleted, each file or folder created costs a
    scan, and writing a site of 18,000 files took 10 to 17 s of kernel time instead of 1 to
    2 (``perf``: ``recently_deleted`` under ``__ext4_new_inode``). The runner deletes the
    last run's output before each cold run: done with ``rmtree``, that cost lands in the
    run measured next. A rename frees nothing.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def set_aside(self, path: Path) -> None:
        if path.exists() or path.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            # named by process: a killed run's folders are deleted with the next run's
            path.rename(self.folder / f"{os.getpid()}-{self.count}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_pss_mb: float
    peak_rss_mb: float
    code: int
    output: str


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/PID/task/TID/children: no scan of every process)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += _children(current)
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


def run(
    command: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None, memory: bool = False
) -> Run:
    """Run ``command`` to its end; its wall time and, with ``memory``, the peak memory of its process tree.

    Sampling is not free: the kernel walks a process's page tables to give its PSS, and at
    every 50 ms over a 700 MB tree that made a 33 s build take 37 to 44 s. A run that
    samples the memory is not one whose time is reported (see :class:`Figure`).
    """
    peak = [0, 0]
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if not memory:
        output, _ = process.communicate()
        return Run(time.perf_counter() - started, 0.0, 0.0, process.returncode, output)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pss = rss = 0
            for pid in _tree(process.pid):
                p, r = _memory_kb(pid)
                pss, rss = pss + p, rss + r
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            done.wait(INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return Run(seconds, peak[0] / 1024, peak[1] / 1024, process.returncode, output)


@dataclass(frozen=True)
class Figure:
    """Timed runs, and one more of the same kind that sampled the memory (its time is not used)."""

    name: str
    runs: tuple[Run, ...]
    memory: Run

    @property
    def seconds(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self) -> str:
        s = self.seconds
        pss, rss = self.memory.peak_pss_mb, self.memory.peak_rss_mb
        each = ", ".join(f"{x:.2f}" for x in s)
        return f"| {self.name} | {self.median:.2f} | {min(s):.2f} | {max(s):.2f} | {each} | {pss:.0f} | {rss:.0f} |"


HEADER = (
    "| measure | median (s) | min (s) | max (s) | each run, in order (s) "
    "| peak PSS of the tree, one more run (MB) | peak RSS summed (MB) |\n"
    "|---|---|---|---|---|---|---|"
)
