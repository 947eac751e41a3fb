"""One build at a time in a project: the second waits for the first, says so, then builds."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

from dossier.commands import lock
from dossier.errors import DossierError

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def command(root: Path, *options: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "build", "--root", str(root), *options]


def site_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_waits_for_the_one_running_and_says_so(tree: Callable[..., Path]) -> None:
    root = tree()
    said: list[str] = []
    with lock.held(root, said.append):  # this test is the build that runs
        process = subprocess.Popen(command(root, "-q"), env=ENV, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        first = process.stderr.readline()  # printed as it starts waiting, before it writes anything
        assert first == f"waiting for the build already running in this project (process {os.getpid()}) to finish\n"
        assert process.poll() is None
        assert not (root / "_site").exists()
    assert process.wait() == 0, process.stderr.read()
    assert process.stderr.read() == ""
    assert (root / "_site" / "index.html").is_file()
    assert said == []  # the lock was free when this test took it


def test_two_builds_at_once_both_succeed_one_after_the_other(tree: Callable[..., Path], tmp_path: Path) -> None:
    root = tree()
    reference = tmp_path / "reference"
    subprocess.run(command(root, "-q", "--no-cache", "--out", str(reference)), env=ENV, check=True)
    runs = [subprocess.Popen(command(root, "-q"), env=ENV, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [process.communicate()[1] for process in runs]
    assert [process.returncode for process in runs] == [0, 0], errors
    for err in errors:  # at most the line that says it waited
        assert err in (  # the other's number, unless it had not written it yet
            "",
            "waiting for the build already running in this project to finish\n",
            f"waiting for the build already running in this project (process {runs[0].pid}) to finish\n",
            f"waiting for the build already running in this project (process {runs[1].pid}) to finish\n",
        )
    assert site_of(root / "_site") == site_of(reference)


def test_the_lock_is_released_when_its_block_ends(tmp_path: Path) -> None:
    with lock.held(tmp_path, pytest.fail):
        pass
    with lock.held(tmp_path, pytest.fail):  # not waiting: never told
        assert (tmp_path / lock.FOLDER / lock.NAME).read_text() == f"{os.getpid()}\n"


def test_a_cache_name_that_is_a_file_is_one_error(tmp_path: Path) -> None:
    (tmp_path / lock.FOLDER).write_text("mine")
    with pytest.raises(DossierError, match=r"'\.dossier-cache' is a file, not a folder"), lock.held(tmp_path, print):
        pass
    assert (tmp_path / lock.FOLDER).read_text() == "mine"


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "important.txt"
    target.write_text("keep")
    (tmp_path / lock.FOLDER).mkdir()
    (tmp_path / lock.FOLDER / lock.NAME).symlink_to(target)
    refused = pytest.raises(DossierError, match=r"cannot open the lock file '\.dossier-cache/build\.lock'")
    with refused, lock.held(tmp_path, print):
        pass
    assert target.read_text() == "keep"
