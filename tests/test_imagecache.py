"""The image cache's pruning (incremental/imagecache): an entry no build used for a month goes at
the end of the next build written, a used one stays and is marked used, nothing else of the
cache is touched, and a build that fails removes nothing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, write_tree
from test_media import png

from dossier.config import Overrides
from dossier.engine import Engine
from dossier.incremental import imagecache
from dossier.options import Options
from dossier.source import media

OLD = imagecache.UNUSED_DAYS + 1  # days: past the rule
STALE = "0" * 32  # a key no image of the project has (the encodes of an image replaced long ago)


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then), follow_symlinks=False)


def _entry(cache: Path, name: str, days: float, done: bool = True) -> Path:
    """A folder of the cache as a build leaves it, last used ``days`` ago (``done``: whole)."""
    entry = cache / name
    entry.mkdir(parents=True)
    (entry / "40x30.png").write_bytes(b"png")
    if done:
        (entry / imagecache.DONE).write_text('{"40x30.png": 3}', encoding="utf-8")
        _age(entry / imagecache.DONE, days)
    _age(entry, days)
    return entry


def test_prune_removes_only_key_folders_unused_past_the_rule(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"content/media/a.png": png(40, 30)})
    found = media.scan(root)[0].images
    place = tmp_path / ".dossier-cache" / "media"
    cache = imagecache.ImageCache(place)
    assert cache.prune() == []  # no build used it yet: nothing looked at
    used = cache.files(root, found)["media/a-40.png"].parent
    _age(used / imagecache.DONE, OLD)  # used by a build long ago, and by this one
    cache.files(root, found)
    assert time.time() - (used / imagecache.DONE).stat().st_mtime < 3600  # marked used
    stale = _entry(place, STALE, OLD)
    half = _entry(place, "1" * 32, OLD, done=False)  # left half written by a killed build
    recent = _entry(place, "2" * 32, imagecache.UNUSED_DAYS - 1)  # another build's (a branch built last week)
    other = _entry(place, "not-a-key", OLD)
    (place / "notes.txt").write_text("mine", encoding="utf-8")
    _age(place / "notes.txt", OLD)
    outside = _entry(tmp_path / "elsewhere", "3" * 32, OLD)
    (place / outside.name).symlink_to(outside, target_is_directory=True)
    assert cache.prune() == sorted([STALE, half.name])
    assert not stale.exists() and not half.exists()
    assert used.is_dir() and recent.is_dir() and other.is_dir() and (place / "notes.txt").is_file()
    assert (place / outside.name).is_symlink() and (outside / "40x30.png").is_file()
    assert cache.entries() == sorted([used.name, recent.name, outside.name])
    again = _entry(place, STALE, OLD)
    assert cache.prune() == []  # nothing used since the last prune: nothing looked at
    assert again.is_dir()


def test_a_cache_reached_through_a_link_is_not_pruned(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"content/media/a.png": png(40, 30)})
    real = tmp_path / "disk" / "media"
    real.mkdir(parents=True)
    (tmp_path / ".dossier-cache").mkdir()
    (tmp_path / ".dossier-cache" / "media").symlink_to(real, target_is_directory=True)
    cache = imagecache.ImageCache(tmp_path / ".dossier-cache" / "media")
    cache.files(root, media.scan(root)[0].images)
    stale = _entry(real, STALE, OLD)
    assert cache.prune() == [] and stale.is_dir()


@pytest.fixture
def project(tree: Callable[..., Path]) -> Path:
    return tree({"content/media/a.png": png(40, 30), "content/media/b.png": png(30, 20)})


def test_a_build_removes_the_entries_unused_past_the_rule_and_a_failed_one_nothing(
    project: Path, run: Callable[..., Run]
) -> None:
    place = imagecache.folder(project)
    stale = _entry(place, STALE, OLD)
    recent = _entry(place, "2" * 32, 1)
    other = _entry(place, "not-a-key", OLD)
    build = ("build", "--root", project, "--no-search", "-q")
    assert run(*build).code == 0
    assert not stale.exists() and recent.is_dir() and other.is_dir()
    used = set(imagecache.ImageCache(place).entries()) - {recent.name}
    assert len(used) == 2  # the two images'
    stale = _entry(place, STALE, OLD)
    article = project / "content/articles/un-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n[lien](absent.md)\n", encoding="utf-8")
    failed = run(*build)
    assert failed.code == 1 and "absent.md" in failed.err
    assert stale.is_dir()  # a build that fails removes nothing


def test_the_preview_and_the_published_builds_keep_each_other_s_entries(project: Path, tmp_path: Path) -> None:
    """Every build publishes every image: a preview with drafts keeps (and marks) the entries of a
    published build under another base URL, and that build then encodes nothing."""
    built = Engine(Options(project, tmp_path / "out", search=False, cache=True))
    built.accept(built.produce())
    place = imagecache.folder(project)
    entries = imagecache.ImageCache(place).entries()
    for name in entries:
        _age(place / name / imagecache.DONE, OLD)
    stale = _entry(place, STALE, OLD)
    preview = Engine(Options(project, tmp_path / "served", search=False, dev=True, overrides=Overrides(drafts=True)))
    preview.accept(preview.produce())
    assert imagecache.ImageCache(place).entries() == entries and not stale.exists()
    assert preview.encoded == 0
    published = Overrides(base_url="https://example.org/d/")
    again = Engine(Options(project, tmp_path / "other", search=False, cache=True, overrides=published))
    again.accept(again.produce())
    assert again.encoded == 0 and imagecache.ImageCache(place).entries() == entries


def test_a_project_whose_images_are_all_gone_still_prunes_its_cache(project: Path, run: Callable[..., Run]) -> None:
    build = ("build", "--root", project, "--no-search", "-q")
    assert run(*build).code == 0
    place = imagecache.folder(project)
    entries = imagecache.ImageCache(place).entries()
    assert len(entries) == 2
    for image in (project / "content/media").iterdir():
        image.unlink()
    for name in entries:
        _age(place / name / imagecache.DONE, OLD)
    assert run(*build).code == 0
    assert imagecache.ImageCache(place).entries() == [] and (place / imagecache.MEASURED).is_file()
