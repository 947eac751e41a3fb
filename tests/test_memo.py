"""The memo's gates: the phases linked and indexed through them give what the phases give on
their own, and what is current (the very same inputs) is given back as it was, not made again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import generate
from dossier import config
from dossier.incremental.memo import IndexGate, IndexMemo, LinkGate, LinkMemo, Memo
from dossier.link import site as linking
from dossier.link.site import DirectSteps, Site, link
from dossier.options import Options
from dossier.publish import pages
from dossier.publish.i18n import load as load_strings
from dossier.publish.urls import Urls
from dossier.publish.views import Views
from dossier.source import content, loader
from dossier.source.markup import BACKLINK, Converted


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "dossier"
    generate(root, articles=24, notes_per_article=2, events=5, topic_count=3)
    return root


def _records(root: Path) -> tuple[config.Settings, content.Content, loader.FileCache]:
    loaded, problems = config.load(root)
    assert loaded is not None and not problems
    files = loader.FileCache(root)
    records, problems = files.refresh()
    assert not problems
    return loaded.settings, records, files


def _through(gate: LinkGate, settings: config.Settings, records: content.Content) -> Site:
    site, problems = link(settings, records, steps=gate)
    assert not problems
    return site


def test_a_site_linked_through_the_gate_is_the_site_linked_directly(tmp_path: Path) -> None:
    settings, records, _ = _records(_project(tmp_path))
    direct, direct_problems = link(settings, records)
    gate = LinkGate(LinkMemo(), BACKLINK)
    assert _through(gate, settings, records) == direct and not direct_problems
    again = _through(LinkGate(gate.memo(direct), BACKLINK), settings, records)
    assert again == direct


def test_what_is_current_is_given_back_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, records, _ = _records(_project(tmp_path))
    first = LinkGate(LinkMemo(), BACKLINK)
    site = _through(first, settings, records)
    memo = first.memo(site)
    converted: list[str] = []
    real = DirectSteps.convert

    def counted(self: DirectSteps, text: str) -> Converted:
        converted.append(text)
        return real(self, text)

    monkeypatch.setattr(DirectSteps, "convert", counted)
    anchored: list[object] = []
    monkeypatch.setattr(linking, "anchor_here", lambda jobs: anchored.extend(jobs) or [])
    second = LinkGate(memo, BACKLINK)
    again = _through(second, settings, records)
    assert converted == [] and anchored == []  # nothing made again
    assert all(again.anchored[slug] is result for slug, result in site.anchored.items())
    kept = second.memo(again)
    assert all(kept.resolved[path] is hit for path, hit in memo.resolved.items())
    assert all(kept.anchored[slug] is hit for slug, hit in memo.anchored.items())
    assert again.articles is site.articles and again.entries is site.entries


def test_an_edited_note_anchors_its_article_again_and_no_other(tmp_path: Path) -> None:
    root = _project(tmp_path)
    settings, records, files = _records(root)
    first = LinkGate(LinkMemo(), BACKLINK)
    site = _through(first, settings, records)
    note = sorted((root / "content" / "annotations").glob("*.md"))[0]
    note.write_text(note.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    records, problems = files.refresh({note})
    assert not problems
    gate = LinkGate(first.memo(site), BACKLINK)
    again = _through(gate, settings, records)
    [edited] = [n for n in records.annotations if n.origin.path.endswith(note.name)]
    remade = {slug for slug, result in again.anchored.items() if result is not site.anchored[slug]}
    assert remade == {edited.article}
    assert again == link(settings, records)[0]  # as a link without a memo makes it


def test_another_footnote_title_converts_every_text_again(tmp_path: Path) -> None:
    settings, records, _ = _records(_project(tmp_path))
    first = LinkGate(LinkMemo(), BACKLINK)
    memo = first.memo(_through(first, settings, records))
    gate = LinkGate(memo, "Retour à l'appel {number}")
    _through(gate, settings, records)
    assert gate.converted and not any(done is memo.converted.get(text) for text, done in gate.converted.items())
    assert not any(entry is memo.anchored.get(slug) for slug, entry in gate.anchored.items())


def test_the_texts_to_convert_ahead_are_those_the_link_phase_will_not_find(tmp_path: Path) -> None:
    settings, records, _ = _records(_project(tmp_path))
    gate = LinkGate(LinkMemo(), BACKLINK)
    texts = gate.texts_to_convert(records, settings.intro)
    assert len(texts) == len(set(texts)) and settings.intro in texts
    memo = gate.memo(_through(gate, settings, records))
    assert LinkGate(memo, BACKLINK).texts_to_convert(records, settings.intro) == []


def test_the_index_gate_keeps_only_what_the_build_used(tmp_path: Path) -> None:
    root = _project(tmp_path)
    settings, records, _ = _records(root)
    site, _ = link(settings, records)
    labels = tuple((t.slug, t.label) for t in sorted(site.topics, key=lambda t: t.slug))
    views = Views(load_strings(root / "themes" / "default", "fr", root), Urls(settings.base_url))
    gate = IndexGate.whole(IndexMemo())
    idx = pages.index(site, labels, gate)
    plan, _ = pages.plan(site, views, idx, gate)
    memo = gate.memo(site)
    assert set(memo.articles) == {a.slug for a in site.articles} and set(memo.topics) == {t.slug for t in site.topics}
    assert plan == pages.plan(site, views, pages.index(site, labels))[0]  # as the plan without a memo
    stale = IndexMemo(memo.notes, {**memo.articles, "gone": memo.articles[site.articles[0].slug]}, memo.events, {})
    again = IndexGate.whole(stale)
    pages.index(site, labels, again)
    assert "gone" not in again.memo(site).articles


def test_a_memo_without_some_pages_renders_them_again() -> None:
    memo = Memo.empty(Path("/nowhere"))
    memo = Memo(memo.files, memo.link, memo.index, ("key",), {"a/index.html": (1,), "b/index.html": (2,)})
    assert memo.without_pages(["a/index.html", "c/index.html"]).inputs == {"b/index.html": (2,)}
    assert memo.inputs == {"a/index.html": (1,), "b/index.html": (2,)}  # the memo itself is left as it was


def test_an_engine_links_through_the_gate(tmp_path: Path) -> None:
    from dossier.engine import Engine

    root = _project(tmp_path)
    engine = Engine(Options(root))
    site, _, _ = engine.load()
    settings, records, _ = _records(root)
    assert site == link(settings, records, steps=DirectSteps(engine.link_memo.footnote))[0]
    assert set(engine.link_memo.anchored) == {a.slug for a in site.articles}
