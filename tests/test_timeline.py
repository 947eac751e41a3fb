from __future__ import annotations

from dossier.link.timeline import check_span, entries
from dossier.model import Article, Event, Origin, PartialDate, frozen_map

D = PartialDate.parse


def event(slug: str, date: str, end: str | None = None) -> Event:
    origin = Origin(f"content/timeline/{slug}.md", frozen_map({"date": 3, "end": 4}))
    return Event(slug, slug.title(), D(date), "", origin, D(end) if end else None)


def test_order_at_mixed_precision() -> None:
    article = Article("art", "Article", D("2024-03"), "x", Origin("a.md"))
    items = entries([event("b", "2024"), event("a", "2003-03-20", "2011-12"), event("c", "2024-03")], [article])
    assert [(e.slug, e.kind) for e in items] == [("a", "span"), ("b", "event"), ("c", "event"), ("art", "article")]


def test_end_before_start_at_mixed_precision() -> None:
    assert check_span(event("ok", "2003-03", "2003")) == []
    assert check_span(event("ok2", "2014-06-10", "2017-12-09")) == []
    [problem] = check_span(event("bad", "2017-12", "2014-06"))
    assert problem.format().startswith("content/timeline/bad.md:4: error: end 2014-06 is before the start 2017-12")
