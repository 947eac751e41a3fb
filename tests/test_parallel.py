"""Work spread over processes gives what one process gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.generate import generate
from dossier.commands import build
from dossier.engine import Engine
from dossier.errors import ContentErrors
from dossier.incremental import parallel
from dossier.options import Options
from tests.test_resume import files


def test_spans_cover_the_range_in_order() -> None:
    for count in (0, 1, 5, 48, 1001):
        for parts in (1, 2, 7, 5000):
            spans = parallel.spans(count, parts)
            assert [i for a, b in spans for i in range(a, b)] == list(range(count))
            assert len(spans) <= max(1, parts)


def test_map_items_runs_in_other_processes_and_keeps_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    items = list(range(500))
    seen: list[int] = []
    results = parallel.map_items(lambda i: (i * i, os.getpid()), items, 2, seen.append)
    assert [r[0] for r in results] == [i * i for i in items]
    assert os.getpid() not in {r[1] for r in results}
    assert sum(seen) == len(items)


def test_two_processes_build_the_same_site_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)  # spread even this small dossier
    root = tmp_path / "project"
    generate(root, articles=30, notes_per_article=3, events=8, topic_count=6)
    one, two = tmp_path / "one", tmp_path / "two"
    build.build(Options(root=root, out=one, search=False, jobs=1))
    build.build(Options(root=root, out=two, search=False, jobs=2))
    assert files(one) == files(two)


@pytest.mark.parametrize("mistake", ["quotes", "template"])
def test_two_processes_report_the_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistake: str) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    root = tmp_path / "project"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=5)
    if mistake == "quotes":  # found while anchoring, in the workers
        for note in sorted((root / "content" / "annotations").glob("*.md"))[::7]:
            text = note.read_text(encoding="utf-8")
            note.write_text(text.replace("quote: ", "quote: absent ", 1), encoding="utf-8")
    else:  # found while rendering, in the workers
        topic = root / "themes" / "default" / "templates" / "topic.html"
        text = topic.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}{{ missing }}")
        topic.write_text(text, encoding="utf-8")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(ContentErrors) as raised:
            build.build(Options(root=root, out=tmp_path / "out", search=False, jobs=jobs))
        messages.append([str(d) for d in raised.value.diagnostics])
    assert messages[0] == messages[1]
    assert len(messages[0]) > 2


def test_notes_anchored_in_other_processes_are_the_records_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    root = tmp_path / "project"
    generate(root, articles=30, notes_per_article=3, events=0, topic_count=6)
    builder = Engine(Options(root=root, jobs=2))
    site, _, _ = builder.load()
    anchored = builder.link_memo.anchored
    assert sum(len(a.notes) for a in site.anchored.values()) == 90
    for slug, result in site.anchored.items():
        records = anchored[slug].notes
        assert all(any(a.note is note for note in records) for a in result.notes)  # not copies
