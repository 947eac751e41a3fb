"""Compiled templates are kept only in a private folder of the user's."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from dossier.incremental import compiled


def test_compiled_templates_are_kept_only_in_a_private_folder_of_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = compiled.compiled_folder()
    assert folder == tmp_path / "cache" / "dossier" / "templates"
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o755)  # others may enter (and, with write access, plant)
    assert compiled.compiled_folder() is None
    folder.chmod(0o700)
    if os.getuid() == 0:  # a folder of another user
        os.chown(folder, 4321, 4321)
        assert compiled.compiled_folder() is None
        os.chown(folder, 0, 0)
    folder.rmdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    folder.symlink_to(elsewhere)  # a link, even to a private folder
    assert compiled.compiled_folder() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert compiled.compiled_folder() == tmp_path / "home" / ".cache" / "dossier" / "templates"


def test_the_bytecode_cache_names_its_files_by_the_engine_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = compiled.bytecode_cache("cle")
    assert cache is not None
    env = jinja2.Environment(loader=jinja2.DictLoader({"p.html": "<p>{{ n }}</p>"}), bytecode_cache=cache)
    assert env.get_template("p.html").render(n=1) == "<p>1</p>"
    folder = tmp_path / "cache" / "dossier" / "templates"
    assert [p.name.startswith("cle-") and p.suffix == ".cache" for p in folder.iterdir()] == [True]
    folder.chmod(0o755)
    assert compiled.bytecode_cache("cle") is None  # a folder others may enter: nothing kept
