"""The content file cache: parsed once, parsed again only when the bytes change, here or in workers."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import refuse_listing

from bench.generate import generate
from dossier.errors import Diagnostic
from dossier.incremental import parallel
from dossier.model import Article, Origin, PartialDate
from dossier.source import loader, seeds
from dossier.source.loader import FileCache
from dossier.source.seeds import Seed


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    generate(root, articles=12, notes_per_article=2, events=3, topic_count=4)
    return root


def _over_workers(jobs: list[loader.ParseJob]) -> list[loader.Parsed | None]:
    return parallel.map_items(lambda job: loader.parse(*job), jobs, 2)


def test_parsing_in_workers_gives_what_parsing_here_gives(tmp_path: Path) -> None:
    root = _project(tmp_path)
    here, there = FileCache(root), FileCache(root)
    old = parallel.MIN_ITEMS
    parallel.MIN_ITEMS = 2
    try:
        content_here, problems_here = here.refresh()
        content_there, problems_there = there.refresh(parse_many=_over_workers)
    finally:
        parallel.MIN_ITEMS = old
    assert content_here == content_there and problems_here == problems_there
    assert here.reads == there.reads == len(here.files) > 20


def test_a_touched_file_is_hashed_not_parsed_again(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = FileCache(root)
    first, _ = cache.refresh(parse_many=_over_workers)
    for path in (root / "content").rglob("*.md"):  # a fresh checkout: new times, same bytes
        os.utime(path, ns=(1, 1))
    cache.reads = 0
    again, _ = cache.refresh(parse_many=_over_workers)
    assert cache.reads == 0 and cache.rehashed == len(cache.files)
    assert all(a is b for a, b in zip(first.articles, again.articles, strict=True))  # the very same records


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = FileCache(root)
    cache.refresh(parse_many=_over_workers)
    article = sorted((root / "content" / "articles").glob("*.md"))[3]
    article.write_text(article.read_text(encoding="utf-8") + "\nUn paragraphe de plus.\n", encoding="utf-8")
    cache.reads = 0
    found, problems = cache.refresh(parse_many=_over_workers)
    assert cache.reads == 1 and not problems
    assert any(a.body.endswith("Un paragraphe de plus.") for a in found.articles)


def test_parse_reports_a_file_that_is_gone(tmp_path: Path) -> None:
    root = _project(tmp_path)
    article = sorted((root / "content" / "articles").glob("*.md"))[0]
    kind = loader.KIND_BY_FOLDER["articles"]
    parsed = loader.parse(root, kind, str(article))
    assert parsed is not None and parsed.loaded.record is not None and not parsed.same
    same = loader.parse(root, kind, str(article), parsed.loaded.digest)
    assert same is not None and same.same and same.loaded.record is None
    article.unlink()
    assert loader.parse(root, kind, str(article)) is None


def test_a_discovered_file_is_read_only_if_it_is_still_a_plain_file(tmp_path: Path) -> None:
    """The walk refused links and special files; a file swapped for one since is not read."""
    root = tmp_path / "project"
    folder = root / "content" / "articles"
    folder.mkdir(parents=True)
    (folder / "a.md").write_bytes(b"texte")
    assert loader.read(root, folder / "a.md", discovered=True) == b"texte"
    outside = tmp_path / "secret.md"
    outside.write_bytes(b"secret")
    (folder / "b.md").symlink_to(outside)
    assert loader.read(root, folder / "b.md", discovered=True) is None
    os.mkfifo(folder / "c.md")
    assert loader.read(root, folder / "c.md", discovered=True) is None  # and does not block
    assert loader.read(root, folder / "gone.md", discovered=True) is None


def test_a_seed_is_read_again_only_when_its_file_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    seed_file = root / "seeds" / "depeche.txt"
    seed_file.write_text("date 2024-03\n\nPremier paragraphe.\n", encoding="utf-8")
    origin = Origin("content/articles/a.md", body_line=5)
    article = Article("a", "Un article", PartialDate(2024, 3), "Premier paragraphe.", origin, seed="seeds/depeche.txt")
    missing = replace(article, slug="b", seed="seeds/absente.txt")
    cache = FileCache(root)
    reads: list[str] = []
    read_seed = seeds.at

    def counted(root: Path, name: seeds.Named) -> tuple[Seed | None, list[Diagnostic]]:
        reads.append(name.path)
        return read_seed(root, name)

    monkeypatch.setattr(seeds, "at", counted)
    found, problems = cache.seeds_for([article, missing])
    assert [p.paragraphs[0].text for p in found.values()] == ["Premier paragraphe."]
    assert [p.message for p in problems] == ["seed 'seeds/absente.txt' does not exist"]
    assert cache.seeds["seeds/depeche.txt"].seed == found["seeds/depeche.txt"]
    assert reads == ["seeds/depeche.txt", "seeds/absente.txt"]
    again, problems_again = cache.seeds_for([article, missing])
    assert again == found and problems_again == problems
    assert reads == ["seeds/depeche.txt", "seeds/absente.txt", "seeds/absente.txt"]  # no file: looked for again
    seed_file.write_text("date 2024-03\n\nUn autre paragraphe.\n", encoding="utf-8")
    os.utime(seed_file, ns=(1, 1))
    changed, _ = cache.seeds_for([article])
    assert changed["seeds/depeche.txt"].paragraphs[0].text == "Un autre paragraphe."


def test_reload_reads_the_files_given_and_says_what_came_and_went(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = FileCache(root)
    before, _ = cache.refresh()
    notes = root / "content" / "annotations"
    gone, new = notes / "article-00001-0.md", notes / "zz-neuve.md"
    old_record = next(n for n in before.annotations if n.origin.path == "content/annotations/article-00001-0.md")
    new.write_text(gone.read_text(encoding="utf-8"), encoding="utf-8")
    gone.unlink()
    assert cache.reload([gone, new])
    assert [(old, new_record is None) for old, new_record in cache.changes if old is not None] == [(old_record, True)]
    assert [n.origin.path for old, n in cache.changes if old is None and n is not None] == [
        "content/annotations/zz-neuve.md"
    ]
    assert cache.content() == FileCache(root).refresh()  # the records then worked out as a fresh read gives them
    assert not cache.reload([root / "site.yml"]) and not cache.reload([notes])  # not content files: refused


def test_a_file_whose_folder_cannot_be_read_now_is_not_taken_for_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's rebuild after a save: the folder's error, as a whole build says it."""
    root = _project(tmp_path)
    cache = FileCache(root)
    cache.refresh()
    notes = root / "content" / "annotations"
    note = notes / "article-00001-0.md"
    refuse_listing(monkeypatch, notes)
    real = os.stat

    def stat(path: str | Path, *args: object, **kwargs: bool) -> os.stat_result:
        if Path(path).parent == notes:  # what the system says of a file in a folder that may not be searched
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    assert not cache.reload([note])  # a full refresh instead
    _, problems = cache.refresh([note])
    assert [(p.location.path, p.message) for p in problems] == [
        ("content/annotations", "cannot read this folder: Permission denied")
    ]
