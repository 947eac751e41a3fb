"""A killed build loses nothing: SIGKILL ``python build.py`` at random points while it writes.

Two versions of one sizeable project (every output file differs between them) are built
alternately into one output folder, and each build is killed at a random moment after its
staging folder appears. After every kill, the output folder must be exactly one of the two
reference sites (by the hash of every file): never a mix, never half a file. The next
complete build removes the staging folders the kills left behind.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, with_theme, write_tree

KILLS = 25
TIME_LIMIT = 60.0  # seconds: stop killing past this (slow machine), as long as enough kills landed
STATIC_FILES = 400


def make_version(root: Path, version: str) -> Path:
    files: dict[str, str | bytes] = {
        "site.yml": f'title: "Dossier {version}"\nlanguage: fr\nbase_url: /\n',
        "content/topics/irak.md": "---\nlabel: Irak\n---\nL'Irak.\n",
    }
    for i in range(10):
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


def command(root: Path, out: Path, cache: bool) -> list[str]:
    line = [sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "--out", str(out), "-q"]
    return line if cache else [*line, "--no-cache"]


ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def build(root: Path, out: Path, cache: bool = False) -> None:
    done = subprocess.run(command(root, out, cache), env=ENV, capture_output=True, text=True)
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
