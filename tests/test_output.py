from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier import output
from dossier.errors import DossierError


def test_write_swaps_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    output.write(out, {"a/index.html": b"one", "old.html": b"x"}, {})
    output.write(out, {"a/index.html": b"two"}, {})
    assert (out / "a" / "index.html").read_bytes() == b"two"
    assert not (out / "old.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_leftover_staging_is_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    leftover = tmp_path / "._site.staging-99999"
    leftover.mkdir()
    (leftover / "half.html").write_text("half")
    output.write(out, {"index.html": b"new"}, {})
    assert not leftover.exists()


def test_failed_build_leaves_previous_output(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    assert run("build", "--root", root).code == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "content" / "articles" / "un-article.md").write_text("---\ntitle: x\n---\n")
    assert run("build", "--root", root).code == 1
    after = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    assert after == before


def test_check_target(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    output.check_target(root / "_site", root, [root / "content"])
    for bad in (root, tmp_path, root / "content", root / "content" / "x"):
        with pytest.raises(DossierError):
            output.check_target(bad, root, [root / "content"])


def test_an_output_folder_behind_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "public"
    link.symlink_to(real)
    output.write(link, {"index.html": b"one"}, {})
    output.write(link, {"index.html": b"two"}, {})
    assert link.is_symlink() and (real / "index.html").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "real"]


def test_a_write_error_is_reported_without_traceback(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    (root / "_site").write_text("a file where the output folder should be")
    result = run("build", "--root", root)
    assert result.code == 1
    assert result.err.startswith("error: ")
    assert "Traceback" not in result.err
