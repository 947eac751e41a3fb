"""Work spread over processes gives what one process gives."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate
from dossier.commands import build
from dossier.engine import Engine
from dossier.errors import ContentErrors, DossierError
from dossier.incremental import parallel
from dossier.options import Options
from tests.test_resume import files


def test_spans_cover_the_range_in_order() -> None:
    for count in (0, 1, 5, 48, 1001):
        for parts in (1, 2, 7, 5000):
            spans = parallel.spans(count, parts)
            assert [i for a, b in spans for i in range(a, b)] == list(range(count))
            assert len(spans) <= max(1, parts)


def test_map_items_runs_in_other_processes_and_keeps_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    items = list(range(500))
    seen: list[int] = []
    results = parallel.map_items(lambda i: (i * i, os.getpid()), items, 2, seen.append)
    assert [r[0] for r in results] == [i * i for i in items]
    assert os.getpid() not in {r[1] for r in results}
    assert sum(seen) == len(items)


def test_two_processes_build_the_same_site_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)  # spread even this small dossier
    root = tmp_path / "project"
    generate(root, articles=30, notes_per_article=3, events=8, topic_count=6)
    one, two = tmp_path / "one", tmp_path / "two"
    build.build(Options(root=root, out=one, search=False, jobs=1))
    build.build(Options(root=root, out=two, search=False, jobs=2))
    assert files(one) == files(two)


@pytest.mark.parametrize("mistake", ["quotes", "template"])
def test_two_processes_report_the_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistake: str) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    root = tmp_path / "project"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=5)
    if mistake == "quotes":  # found while anchoring, in the workers
        for note in sorted((root / "content" / "annotations").glob("*.md"))[::7]:
            text = note.read_text(encoding="utf-8")
            note.write_text(text.replace("quote: ", "quote: absent ", 1), encoding="utf-8")
    else:  # found while rendering, in the workers
        topic = root / "themes" / "default" / "templates" / "topic.html"
        text = topic.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}{{ missing }}")
        topic.write_text(text, encoding="utf-8")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(ContentErrors) as raised:
            build.build(Options(root=root, out=tmp_path / "out", search=False, jobs=jobs))
        messages.append([str(d) for d in raised.value.diagnostics])
    assert messages[0] == messages[1]
    assert len(messages[0]) > 2


def test_notes_anchored_in_other_processes_are_the_records_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    root = tmp_path / "project"
    generate(root, articles=30, notes_per_article=3, events=0, topic_count=6)
    builder = Engine(Options(root=root, jobs=2))
    site, _, _ = builder.load()
    anchored = builder.link_memo.anchored
    assert sum(len(a.notes) for a in site.anchored.values()) == 90
    for slug, result in site.anchored.items():
        records = anchored[slug].notes
        assert all(any(a.note is note for note in records) for a in result.notes)  # not copies


def test_an_exception_in_a_worker_is_raised_here_the_first_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(i: int) -> int:
        if i in (50, 400):
            raise ValueError(f"item {i}")
        return i

    before = _children()
    for _ in range(5):  # whichever worker answers first
        with pytest.raises(ValueError, match="item 50"):
            parallel.map_items(fails, list(range(500)), 2)
    with pytest.raises(RuntimeError, match="in a worker process"):  # a result that cannot travel back
        parallel.map_items(lambda i: (lambda: i) if i == 70 else i, list(range(100)), 2)
    assert _children() <= before


_PPID, _SESSION = 1, 3  # fields of /proc/PID/stat after the command's name: the parent, the session


def _processes(field: int, value: int) -> set[int]:
    """The processes whose ``/proc/PID/stat`` has ``value`` in ``field`` (zombies included)."""
    found = set()
    for entry in os.listdir("/proc"):
        with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
            if entry.isdigit() and stat.read().rsplit(") ", 1)[1].split()[field] == str(value):
                found.add(int(entry))
    return found


def _children() -> set[int]:
    """This process's child processes, as the system lists them (a reaped one is gone)."""
    return _processes(_PPID, os.getpid())


def test_a_worker_killed_midway_is_said_in_one_line_and_the_others_are_reaped() -> None:
    parent, before = os.getpid(), _children()

    def dies(i: int) -> int:
        if i == 120 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # what the kernel does when memory runs out
        return i

    with pytest.raises(DossierError) as raised:
        parallel.map_items(dies, list(range(500)), 2)
    assert str(raised.value).startswith("a worker process of the build was killed by SIGKILL")
    assert "--jobs 1" in str(raised.value)
    assert _children() <= before


# A program with the build's own handling of SIGTERM (cli.run: an exception raised where the program
# is, acted on as it unwinds), in a session of its own, mapping work over two workers again and
# again; each round, a process outside its group sends SIGTERM to the whole group at a random
# moment, as a service manager stops a build. Every round must end in the program's own stop (not
# a worker's loss said instead), and the program must go on: a lock left held by a killed worker
# (multiprocessing's pool has such locks) would hang it at the next round, or as it ends.
_ROUNDS = """
import gc, os, random, signal, sys, time
from dossier.incremental import parallel

class Terminated(BaseException):
    pass

def terminate(signum, frame):
    raise Terminated

signal.signal(signal.SIGTERM, terminate)
rng = random.Random(int(sys.argv[1]))
group = os.getpgid(0)
stopped = 0
for _ in range(int(sys.argv[2])):
    delay = rng.uniform(0.0, 0.06)
    sender = os.fork()
    if sender == 0:
        os.setpgid(0, 0)
        time.sleep(delay)
        os.killpg(group, signal.SIGTERM)
        os._exit(0)
    try:
        while True:
            parallel.map_items(lambda i: sum(range(500)), list(range(300)), 2)
    except Terminated:
        stopped += 1
    gc.collect()
    os.waitpid(sender, 0)
print(stopped)
"""


def test_sigterm_to_the_whole_group_at_any_moment_stops_the_work_and_never_hangs() -> None:
    seed, rounds = random.randrange(1 << 30), 150
    process = subprocess.Popen(
        [sys.executable, "-c", _ROUNDS, str(seed), str(rounds)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=120)  # a guard: a round that hangs fails here
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"a round hung (seed {seed})")
    assert (process.returncode, out, err) == (0, f"{rounds}\n", ""), f"seed {seed}"
    deadline = time.monotonic() + 10  # a guard: the system reaps the workers the program left
    while _processes(_SESSION, process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes(_SESSION, process.pid) == set()
