"""A killed build loses nothing: SIGKILL ``python build.py`` at random points while it writes;
Ctrl-C, SIGTERM and SIGHUP (its terminal closed) stop it with one line, no traceback from any of
its processes.

Two versions of one sizeable project (every output file differs between them) are built
alternately into one output folder, and each build is killed at a random moment after its
staging folder appears. After every kill, the output folder must be exactly one of the two
reference sites (by the hash of every file): never a mix, never half a file. The next
complete build removes the staging folders the kills left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import random
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from conftest import REPO, with_theme, write_tree

KILLS = 25
SAVING = "stopped while the build cache was saved (the next build does more work)"
TIME_LIMIT = 60.0  # seconds: stop killing past this (slow machine), as long as enough kills landed
STATIC_FILES = 400


def make_version(root: Path, version: str, articles: int = 10) -> Path:
    files: dict[str, str | bytes] = {
        "site.yml": f'title: "Dossier {version}"\nlanguage: fr\nbase_url: /\n',
        "content/topics/irak.md": "---\nlabel: Irak\n---\nL'Irak.\n",
    }
    for i in range(articles):
        text = "\n\n".join(f"Paragraphe {j} de l'article {i}, version {version}." for j in range(20))
        files[f"content/articles/a{i}.md"] = f"---\ntitle: Article {i}\ndate: 2024-03\ntopics: [irak]\n---\n{text}\n"
    write_tree(root, files)
    with_theme(root)
    extra = root / "themes" / "default" / "static" / "extra"
    for i in range(STATIC_FILES):
        folder = extra / f"d{i // 50}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.txt").write_text(f"{version} {i}\n" + "x" * 4000)
    return root


def snapshot(out: Path) -> dict[str, str]:
    if not out.is_dir():
        return {}
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def command(root: Path, out: Path, cache: bool, *options: str) -> list[str]:
    line = [sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "--out", str(out), "-q", *options]
    return line if cache else [*line, "--no-cache"]


ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def build(root: Path, out: Path, cache: bool = False, *options: str) -> None:
    done = subprocess.run(command(root, out, cache, *options), env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def staging(parent: Path) -> list[str]:
    return sorted(n for n in os.listdir(parent) if n.startswith("._site.staging-"))


def build_and_kill(root: Path, out: Path, delay: float, cache: bool) -> tuple[bool, float]:
    """Start a build, SIGKILL it ``delay`` seconds after its staging folder appears (with the
    cache, which updates the previous output kept in .dossier-cache/, after it starts).

    Returns whether the kill landed while the build was running, and how long it had been
    writing then (or, not killed, how long it wrote).
    """
    line = command(root, out, cache)
    process = subprocess.Popen(line, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = time.monotonic() if cache else None
    while process.poll() is None:
        if seen is None and staging(out.parent):
            seen = time.monotonic()
        if seen is not None and time.monotonic() - seen >= delay:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.0005)
    killed = process.wait() == -signal.SIGKILL
    return killed and seen is not None, time.monotonic() - seen if seen is not None else 0.0


@pytest.mark.parametrize("cache", [False, True], ids=["cold", "resumed"])
def test_a_killed_build_leaves_the_old_site_or_the_new_one(tmp_path: Path, cache: bool) -> None:
    versions = {v: make_version(tmp_path / v, v) for v in "AB"}
    reference = {}
    for version, root in versions.items():
        build(root, tmp_path / f"ref-{version}" / "_site")
        reference[version] = snapshot(tmp_path / f"ref-{version}" / "_site")
    differing = [rel for rel in reference["A"] if reference["A"][rel] != reference["B"].get(rel)]
    assert len(differing) >= STATIC_FILES + 10  # pages and static files: a mix would show

    out = tmp_path / "public" / "_site"
    build(versions["A"], out, cache)
    _, writing = build_and_kill(versions["B"], out, float("inf"), cache)  # how long a build writes here
    current = "B"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    started, landed, kills = time.monotonic(), 0, 0
    outcomes = {"old": 0, "new": 0}
    while kills < KILLS and (time.monotonic() - started < TIME_LIMIT or landed < 5):
        target = "B" if current == "A" else "A"
        hit, _ = build_and_kill(versions[target], out, rng.uniform(0.0, 1.1 * writing), cache)
        landed += hit
        kills += 1
        state = snapshot(out)
        match = [v for v in "AB" if state == reference[v]]
        assert match, f"kill {kills} (seed {seed}) left a mixed or partial site"
        outcomes["new" if match[0] == target else "old"] += hit  # "new": killed after the swap
        current = match[0]
        assert len(staging(out.parent)) <= 1  # each build removed the staging folders of the ones before
    assert landed >= 5, f"only {landed} of {kills} kills landed while writing (seed {seed})"

    build(versions["B"], out, cache)
    assert snapshot(out) == reference["B"]
    assert staging(out.parent) == []
    assert sorted(os.listdir(out.parent)) == ["_site"]
    print(f"{kills} kills, {landed} while writing ({writing:.2f} s): {outcomes} (seed {seed})")


# -- Ctrl-C, SIGTERM and SIGHUP: one line, exit 130, 143 or 129, the old site or the new one ---------

STOPS = {
    signal.SIGINT: (130, "interrupted\n"),
    signal.SIGTERM: (143, "terminated\n"),
    signal.SIGHUP: (129, "hung up\n"),
}
MOMENTS = (0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0)  # fractions of a build's run, from when it holds the lock


def running(root: Path, pid: int) -> bool:
    """Whether the build ``pid`` holds the project's lock (its signal handling is in place by then)."""
    try:
        return (root / ".dossier-cache" / "build.lock").read_text() == f"{pid}\n"
    except OSError:
        return False


def group_gone(pgid: int) -> bool:
    """Whether every process of the group has ended (waits a little for the system to reap them: a guard)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


def stop_at(
    root: Path, out: Path, cache: bool, stop: signal.Signals, delay: float, group: bool
) -> tuple[int, str, bool]:
    """Start a build (``--jobs 2``, its own process group as a terminal makes one) and send ``stop``
    ``delay`` seconds after it holds the lock: to the whole group (a terminal's Ctrl-C, a service
    manager's stop), or to the main process only (``kill PID``). Returns the exit code, stderr and
    whether every process of the build has ended."""
    line = command(root, out, cache, "--jobs", "2")
    process = subprocess.Popen(line, env=ENV, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen: float | None = None
    while process.poll() is None:
        if seen is None and running(root, process.pid):
            seen = time.monotonic()
        if seen is not None and time.monotonic() - seen >= delay:
            (os.killpg if group else os.kill)(process.pid, stop)
            break
        time.sleep(0.0005)
    try:
        _, err = process.communicate(timeout=120)  # a guard: a build that hangs once stopped fails here
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"the build hung after {stop.name} ({'its group' if group else 'its main process'})")
    return process.returncode, err, group_gone(process.pid)


@pytest.mark.parametrize("cache", [False, True], ids=["cold", "resumed"])
@pytest.mark.parametrize("stop", list(STOPS), ids=["ctrl-c", "sigterm", "sighup"])
def test_a_stopped_build_says_so_in_one_line_and_leaves_the_old_site_or_the_new_one(
    tmp_path: Path, cache: bool, stop: signal.Signals
) -> None:
    versions = {v: make_version(tmp_path / v, v, articles=60) for v in "AB"}  # enough for --jobs 2 to fork
    reference = {}
    for version, root in versions.items():
        build(root, tmp_path / f"ref-{version}" / "_site")
        reference[version] = snapshot(tmp_path / f"ref-{version}" / "_site")
    out = tmp_path / "public" / "_site"
    build(versions["A"], out, cache)
    started = time.monotonic()
    build(versions["B"], out, cache, "--jobs", "2")
    whole = time.monotonic() - started  # a guard for the moments below, not a measure
    current, stopped = "B", 0
    code, message = STOPS[stop]
    early = (0.0, 0.05, 0.1, 0.0, 0.05, 0.1)  # more, should a loaded machine have made the builds outrun the moments
    for n, moment in enumerate((*MOMENTS, *early)):
        if n >= len(MOMENTS) and stopped >= 3:
            break
        target = "A" if current == "B" else "B"
        exit_code, err, gone = stop_at(versions[target], out, cache, stop, moment * whole, group=n % 2 == 0)
        assert "Traceback" not in err, err
        assert gone, "a process of the build outlived it"
        if exit_code == 0:  # it was done before the signal came
            assert err == ""
        else:
            published = f"the new site is in place in {out}/; {SAVING}\n"
            assert (exit_code, err.removeprefix(published)) == (code, message)
            stopped += 1
        state = snapshot(out)
        match = [v for v in "AB" if state == reference[v]]
        assert match, f"stopped at {moment:.2f} of a build, the output is neither site"
        current = match[0]
        if err.startswith("the new site"):  # stopped while the cache was saved: after the swap
            assert current == target
        assert staging(out.parent) == []  # the stopped build removed its own
        cached = versions[target] / ".dossier-cache" / "build"
        left = [p.name for p in cached.iterdir()] if cached.is_dir() else []
        assert [name for name in left if ".spool-" in name or name.endswith(".tmp")] == []
    assert stopped >= 3, f"only {stopped} of {n + 1} signals came while the build ran"


def on_a_terminal(line: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """``line`` started as a terminal starts a command: its own session, whose controlling terminal
    (a pseudo-terminal) is its standard input, output and error; and the terminal's other end,
    whose closing hangs the terminal up (a window closed, an ssh connection lost)."""
    master, slave = os.openpty()

    def controlling() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    try:
        process = subprocess.Popen(
            line, env=ENV, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, preexec_fn=controlling
        )
    finally:
        os.close(slave)
    return process, master


def test_a_build_whose_terminal_closes_stops_cleanly_with_nowhere_to_say_so(tmp_path: Path) -> None:
    """Closing the terminal sends SIGHUP to the build's session, and every write to the terminal
    fails from then on (EIO): the build stops as for SIGHUP sent by hand, its line lost, no
    traceback (which would exit 1), exit 129; the old site or the new one, no staging folder."""
    versions = {v: make_version(tmp_path / v, v, articles=60) for v in "AB"}
    out = tmp_path / "public" / "_site"
    reference = {}
    for version, root in versions.items():
        build(root, tmp_path / f"ref-{version}" / "_site")
        reference[version] = snapshot(tmp_path / f"ref-{version}" / "_site")
    build(versions["A"], out)
    started = time.monotonic()
    build(versions["B"], out, False, "--jobs", "2")
    whole = time.monotonic() - started  # a guard for the moments below, not a measure
    current, codes = "B", []
    for n, moment in enumerate((0.1, 0.3, 0.5, 0.0, 0.05, 0.0)):  # the last, should the builds outrun the first
        if n >= 3 and codes.count(129) >= 2:
            break
        target = "A" if current == "B" else "B"
        line = [c for c in command(versions[target], out, False, "--jobs", "2") if c != "-q"]  # it speaks
        process, master = on_a_terminal(line)
        try:
            seen: float | None = None
            while process.poll() is None and (seen is None or time.monotonic() - seen < moment * whole):
                if seen is None and running(versions[target], process.pid):
                    seen = time.monotonic()
                with contextlib.suppress(OSError):  # what it says until then: read, as a terminal does
                    while select.select([master], [], [], 0)[0] and os.read(master, 4096):
                        pass
                time.sleep(0.0005)
        finally:
            os.close(master)
        codes.append(process.wait(timeout=120))
        assert codes[-1] in (0, 129), codes
        assert group_gone(process.pid), "a process of the build outlived it"
        match = [v for v in "AB" if snapshot(out) == reference[v]]
        assert match, f"hung up at {moment:.2f} of a build, the output is neither site"
        current = match[0]
        assert staging(out.parent) == []
    assert codes.count(129) >= 2, codes


def test_a_build_started_by_nohup_goes_on_when_its_terminal_hangs_up(tmp_path: Path) -> None:
    """``nohup python build.py &``: SIGHUP ignored from the start stays ignored, by its workers too."""
    root = make_version(tmp_path / "A", "A", articles=60)
    out = tmp_path / "public" / "_site"

    def nohup() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    line = command(root, out, False, "--jobs", "2")
    process = subprocess.Popen(
        line, env=ENV, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=nohup
    )
    while process.poll() is None and not running(root, process.pid):
        time.sleep(0.0005)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGHUP)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (0, "")
    assert (out / "index.html").is_file() and staging(out.parent) == []


# -- a worker killed on its own (the out-of-memory killer): one line, exit 1, the old site ---------


def _workers(pid: int) -> list[int]:
    """The build's forked processes (its workers), as the system lists them now."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in children:
        try:
            if "build.py" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                found.append(int(child))
        except OSError:
            continue
    return found


def test_a_worker_killed_alone_stops_the_build_in_one_line_and_leaves_the_old_site(tmp_path: Path) -> None:
    root, old = (make_version(tmp_path / v, v, articles=200) for v in "AB")
    out = tmp_path / "public" / "_site"
    build(old, out)
    before = snapshot(out)
    for _ in range(20):  # until a kill lands while the workers work (they live a moment each phase)
        process = subprocess.Popen(command(root, out, False, "--jobs", "2"), env=ENV, stderr=subprocess.PIPE, text=True)
        while process.poll() is None and not (workers := _workers(process.pid)):
            time.sleep(0.0005)
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(workers[0], signal.SIGKILL)
        _, err = process.communicate(timeout=120)
        if process.returncode == 1:
            break
        assert (process.returncode, err) == (0, ""), err  # the kill came as the worker was done
        build(old, out)  # back to the old site for the next try
    assert err == (
        "error: a worker process of the build was killed by SIGKILL before its work was done"
        " (hint: the system may have run out of memory: build with --jobs 1, or free some memory)\n"
    )
    assert snapshot(out) == before
    assert staging(out.parent) == []
