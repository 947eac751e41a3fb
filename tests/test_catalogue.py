"""The invalid-content catalogue: one folder per case, a tree and its exact expected output.

Each case is built, with the packaged theme, over a previous good output; the build must
exit 1, print exactly the lines of ``expected.txt`` and leave the previous output untouched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.publish import output

CATALOGUE = Path(__file__).parent / "catalogue"
CASES = sorted(p.name for p in CATALOGUE.iterdir() if p.is_dir())


def test_catalogue_is_complete() -> None:
    required = {
        "malformed-yaml", "no-front-matter", "missing-title", "unknown-field", "bad-month", "bad-day",
        "end-before-start", "unknown-topic", "duplicate-slug", "annotation-unknown-article",
        "quote-absent", "quote-ambiguous", "unknown-site-key",
        "not-utf8", "empty-file", "binary-file", "front-matter-not-closed", "front-matter-list",
        "front-matter-scalar", "billion-laughs", "python-tag", "timestamp-date", "duplicate-key",
        "slug-dot-dot", "seed-outside", "yaml-too-deep", "control-character", "raw-control-character",
        "template-syntax", "unknown-theme", "broken-link", "broken-anchor", "unknown-lang",
        "alias-collision",
        "image-missing", "missing-alt", "image-refused", "one-error-not-its-echoes", "mapping-every-problem",
        "image-refused-in-use", "article-moved-by-hand",
    }  # fmt: skip
    assert required <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / case
    shutil.copytree(CATALOGUE / case, root, ignore=shutil.ignore_patterns("expected.txt"))
    previous = root / "_site"
    previous.mkdir()
    output.mark(previous)  # a site an earlier build wrote
    (previous / "index.html").write_text("previous good site")

    result = run("build", "--root", root)

    expected = (CATALOGUE / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.code == 1
    assert result.err.splitlines() == expected
    assert "Traceback" not in result.err
    leftovers = [p.name for p in root.iterdir() if p.name.startswith((".", "_")) and p.name != ".dossier-cache"]
    assert leftovers == ["_site"]  # no staging folder left (the cache may keep compiled templates)
    assert sorted(p.name for p in previous.iterdir()) == [output.MARKER, "index.html"]
    assert (previous / "index.html").read_text() == "previous good site"


@pytest.mark.parametrize("case", ["missing-title", "quote-ambiguous"])
def test_check_reports_the_same(case: str, tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / case
    shutil.copytree(CATALOGUE / case, root, ignore=shutil.ignore_patterns("expected.txt"))
    result = run("check", "--root", root)
    assert result.code == 1
    assert result.err.splitlines() == (CATALOGUE / case / "expected.txt").read_text().splitlines()
