from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from dossier import buildcache


def test_versions_are_the_installed_ones() -> None:
    found = buildcache.versions(buildcache.LIBRARIES)
    assert found == {name: metadata.version(name) for name in buildcache.LIBRARIES}
    assert buildcache.versions(("no-such-distribution",)) == {"no-such-distribution": "-"}


def test_a_version_is_read_where_python_would_import_it_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Some_Library-2.0.dist-info").mkdir(parents=True)
    (second / "some_library-1.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second)])
    assert buildcache.versions(("some-library",)) == {"some-library": "2.0"}
    monkeypatch.setattr(sys, "path", [str(second), str(first)])
    assert buildcache.versions(("some.library",)) == {"some.library": "1.0"}


def test_the_engine_key_changes_with_a_library_version(monkeypatch: pytest.MonkeyPatch) -> None:
    key = buildcache.engine_key()
    assert buildcache.engine_key() == key
    real = buildcache.versions
    monkeypatch.setattr(buildcache, "versions", lambda names: {**real(names), "jinja2": "0.0"})
    assert buildcache.engine_key() != key
