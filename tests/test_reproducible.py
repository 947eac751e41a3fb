"""Reproducible: two builds of one tree are byte-identical whatever the machine's state.

The two builds run as separate processes that differ in everything that should not matter:
the working directory (``cd root && python build.py`` against ``--root`` from ``/``), the
project's path, ``TZ``, the locale (``LANG``/``LC_ALL``), Python's hash seed, and the order in
which the tree's files were created (the second copy is written in reverse order).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PROJECT = ("site.yml", "content", "themes", "seeds")


def copy_in_order(dest: Path, reverse: bool) -> Path:
    """Copy the shipped project, creating its folders and files in sorted or reverse order."""
    files = sorted(
        (p for name in PROJECT for p in ([REPO / name] if (REPO / name).is_file() else (REPO / name).rglob("*"))),
        reverse=reverse,
    )
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
