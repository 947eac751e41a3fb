"""Shared fixtures: tiny content trees written in the test, and a CLI runner."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from dossier import cli

# The commands are tested as a terminal starts them, with Ctrl-C (SIGINT) acted on. A suite
# started in the background by a shell inherits SIGINT ignored, and so would every command it
# starts (ignored signals stay ignored across exec): the suite handles SIGINT itself, so that
# its processes start with the default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parent.parent

SITE_YML = """\
title: "Dossier de test"
language: fr
base_url: /
"""

ARTICLE = """\
---
title: "Un article"
date: 2024-03
topics: [irak]
source: Reuters
---
Les discussions entre les *Etats-Unis* et l'Irak sur la fin de la coalition.

Washington et Bagdad ont entamé en janvier des discussions.
"""

TOPIC = """\
---
label: "Irak"
---
L'Irak.
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the current build")


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8")
    return root


def with_theme(root: Path) -> Path:
    if not (root / "themes").exists():
        shutil.copytree(REPO / "dossier" / "themes", root / "themes")
    return root


def refuse_listing(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """``os.scandir`` fails on ``folders`` as the system fails on a folder its user may not read
    (a mode of 000, another user's 0700 folder): the suite runs as root too, whom permissions do
    not stop in this process (``tests/test_journeys.py`` runs the commands without that power)."""
    real = os.scandir
    refused = {os.path.abspath(folder) for folder in folders}

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if not isinstance(path, int) and os.path.abspath(path) in refused:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture
def tree(tmp_path: Path) -> Callable[..., Path]:
    """A project folder: the default theme, a valid small dossier, and ``files`` on top."""

    def make(files: Mapping[str, str | bytes] | None = None, base: bool = True) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        if base:
            write_tree(
                root,
                {
                    "site.yml": SITE_YML,
                    "content/articles/un-article.md": ARTICLE,
                    "content/topics/irak.md": TOPIC,
                },
            )
        write_tree(root, files or {})
        return with_theme(root)

    return make


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def diagnostics(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line or ": warning: " in line]

    @property
    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the CLI in-process (any exception escaping it fails the test: no tracebacks)."""

    def call(*args: str | Path) -> Run:
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return call
