"""Reproducible: two builds of one tree are byte-identical whatever the machine's state.

The two builds run as separate processes that differ in everything that should not matter:
the working directory (``cd root && python build.py`` against ``--root`` from ``/``), the
project's path, ``TZ``, the locale (``LANG``/``LC_ALL``), Python's hash seed, and the order in
which the tree's files were created (the second copy is written in reverse order).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import REPO

PROJECT = ("site.yml", "content", "themes", "seeds")


def copy_in_order(dest: Path, reverse: bool, shuffle: int | None = None) -> Path:
    """Copy the shipped project, creating its folders and files in sorted or reverse order
    (or, with ``shuffle``, in the order that seed gives)."""
    files = sorted(
        (p for name in PROJECT for p in ([REPO / name] if (REPO / name).is_file() else (REPO / name).rglob("*"))),
        reverse=reverse,
    )
    if shuffle is not None:
        random.Random(shuffle).shuffle(files)
    for source in files:
        if source.is_file():
            target = dest / source.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return dest


def a_french_locale() -> str:
    """fr_FR.UTF-8 when the machine has it, else C.UTF-8 (still not the first build's C)."""
    try:
        available = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    except OSError:
        available = []
    return next((n for n in available if n.lower().replace("-", "") == "fr_fr.utf8"), "C.UTF-8")


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ", "PYTHONHASHSEED"))}
    return {**env, "PYTHONPATH": str(REPO), **values}


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = copy_in_order(tmp_path / "one" / "dossier", reverse=False)
    second = copy_in_order(tmp_path / "elsewhere" / "deeper" / "copie", reverse=True)
    subprocess.run(
        [sys.executable, str(REPO / "build.py")],
        cwd=first,
        env=environment(TZ="UTC", LANG="C", LC_ALL="C", PYTHONHASHSEED="0"),
        check=True,
        capture_output=True,
    )
    french = a_french_locale()
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--root", str(second)],
        cwd="/",
        env=environment(TZ="Pacific/Kiritimati", LANG=french, LC_ALL=french, PYTHONHASHSEED="4242"),
        check=True,
        capture_output=True,
    )
    one, two = tree(first / "_site"), tree(second / "_site")
    assert sorted(one) == sorted(two)
    assert [rel for rel in one if one[rel] != two[rel]] == []
    for data in one.values():
        assert str(tmp_path).encode() not in data  # no absolute path of the build machine


def test_dates_come_from_the_content(tmp_path: Path) -> None:
    root = copy_in_order(tmp_path / "p", reverse=False)
    env = environment(TZ="Pacific/Kiritimati", LANG="C")
    subprocess.run([sys.executable, str(REPO / "build.py"), "-q"], cwd=root, env=env, check=True, capture_output=True)
    now = dt.datetime.now(dt.UTC)
    stamps = {now.date().isoformat(), now.strftime("%Y-%m-%dT%H"), (now + dt.timedelta(hours=14)).date().isoformat()}
    for rel, data in tree(root / "_site").items():
        for stamp in stamps:
            assert stamp.encode() not in data, f"{rel} contains today's date {stamp}"
    feed = (root / "_site" / "feed.xml").read_text("utf-8")
    assert "<updated>2024-03-01T00:00:00Z</updated>" in feed  # the newest article's date, at its precision


def file_system(path: Path) -> str:
    """The type of the file system holding ``path`` (its mount's, from /proc/self/mounts)."""
    mounts = [line.split() for line in Path("/proc/self/mounts").read_text().splitlines()]
    best = max((m for m in mounts if path.resolve().is_relative_to(m[1])), key=lambda m: len(m[1]))
    return best[2]


def test_same_bytes_on_tmpfs_and_on_disk_search_index_included(tmp_path: Path) -> None:
    """Pagefind's index included: the file system's directory order (creation order on tmpfs,
    hashed on ext4) and the order the tree's files were created in change nothing."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or file_system(shm) == file_system(tmp_path):
        pytest.skip("needs a tmpfs (/dev/shm) beside a disk-backed temporary folder")
    with tempfile.TemporaryDirectory(dir=shm) as memory:
        builds = []
        for where, seed in ((tmp_path / "disque", 1), (Path(memory) / "memoire", 2)):
            root = copy_in_order(where, reverse=False, shuffle=seed)
            subprocess.run(
                [sys.executable, str(REPO / "build.py"), "build", "-q", "--root", str(root)],
                env=environment(TZ="UTC", LANG="C", PYTHONHASHSEED=str(seed)),
                check=True,
                capture_output=True,
            )
            builds.append(tree(root / "_site"))
        one, two = builds
        assert any(rel.startswith("pagefind/") and "/index/" in rel for rel in one)  # the index was built, is compared
        assert sorted(one) == sorted(two)
        assert [rel for rel in one if one[rel] != two[rel]] == []
