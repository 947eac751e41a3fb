"""The names of a project's files, and the program's own as the editor runs it."""

from __future__ import annotations

import os

import pytest

from dossier import project


@pytest.mark.parametrize(
    ("argv0", "typed"),
    [
        ("build.py", "python build.py"),  # from the demonstration dossier's root
        ("/home/editor/dossier/build.py", "python build.py"),
        (os.path.join(os.path.dirname(project.__file__), "__main__.py"), "python -m dossier"),
        ("/home/editor/.venv/bin/dossier", "dossier"),  # installed, in a project made by dossier init
        ("/usr/lib/python3/dist-packages/other/__main__.py", "dossier"),  # another program's __main__
    ],
)
def test_hints_name_the_program_as_it_was_run(monkeypatch: pytest.MonkeyPatch, argv0: str, typed: str) -> None:
    monkeypatch.setattr("sys.argv", [argv0, "check"])
    assert project.command() == typed
