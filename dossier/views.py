"""Plain view data for the templates: dicts of text, URLs and safe HTML, no model objects.

Each page's view is made from that page's *inputs* only (see :mod:`dossier.pages`), so a
page whose inputs did not change renders to the same bytes and need not be rendered again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, NamedTuple

from markupsafe import Markup

from .annotations import AnchoredArticle
from .i18n import Strings
from .model import Annotation, Article, Event, Page, PartialDate, Topic
from .timeline import Entry
from .urls import Urls

View = dict[str, Any]
Labels = tuple[tuple[str, str], ...]


class EventIn(NamedTuple):
    event: Event
    html: str
    articles: tuple[tuple[str, str], ...]  # (slug, title) of the articles it cites


class NoteIn(NamedTuple):
    note: Annotation
    number: int
    html: str
    article_title: str


class ArticleIn(NamedTuple):
    """What lists show of an article (not its text: editing the text leaves lists alone)."""

    slug: str
    title: str
    date: PartialDate
    source: str
    verbatim: bool  # imported from a seed, whose text the build checked
    summary: str
    topics: tuple[str, ...]
    draft: bool
    note_count: int

    @classmethod
    def of(cls, article: Article, note_count: int) -> ArticleIn:
        a = article
        return cls(a.slug, a.title, a.date, a.source, bool(a.seed), a.summary, a.topics, a.draft, note_count)


class TopicIn(NamedTuple):
    topic: Topic
    items: int  # articles, notes and events on the topic


@dataclass(frozen=True)
class Views:
    strings: Strings
    urls: Urls

    # -- small pieces ---------------------------------------------------------------

    def date(self, value: PartialDate) -> View:
        return {"label": self.strings.date(value), "iso": value.iso(), "year": value.year}

    def topic_links(self, slugs: Sequence[str], labels: Labels) -> list[View]:
        names = dict(labels)
        return [{"slug": s, "label": names[s], "url": self.urls.to(Urls.topic(s))} for s in slugs]

    def article_item(self, item: ArticleIn, labels: Labels) -> View:
        article = item
        return {
            "slug": article.slug,
            "title": article.title,
            "url": self.urls.to(Urls.article(article.slug)),
            "date": self.date(article.date),
            "source": article.source,
            "verbatim": article.verbatim,
            "summary": article.summary,
            "topics": self.topic_links(article.topics, labels),
            "note_count": item.note_count,
            "draft": article.draft,
        }

    def note(self, item: NoteIn, labels: Labels) -> View:
        note, number = item.note, item.number
        return {
            "id": f"note-{number}",
            "slug": note.slug,
            "number": number,
            "kind": note.kind,
            "kind_label": self.strings.get(f"kind_{note.kind}"),
            "quote": note.quote,
            "html": Markup(item.html),
            "topics": self.topic_links(note.topics, labels),
            "passage_id": f"passage-{number}",
            "url": self.urls.to(Urls.note(note.article, number)),
            "article": {"title": item.article_title, "url": self.urls.to(Urls.article(note.article))},
        }

    def _entry(self, entry: Entry) -> View:
        return {
            "id": entry.slug,
            "kind": entry.kind,
            "title": entry.title,
            "date": self.date(entry.date),
            "end": self.date(entry.end) if entry.end else None,
            "html": Markup(""),
            "topics": [],
            "articles": [],
            "url": self.urls.to(Urls.event(entry.slug)),
        }

    def event_entry(self, item: EventIn, labels: Labels) -> View:
        event = item.event
        view = self._entry(Entry(event.date, event.end, "span" if event.is_span else "event", event.slug, event.title))
        view.update(
            html=Markup(item.html),
            topics=self.topic_links(event.topics, labels),
            articles=[{"title": title, "url": self.urls.to(Urls.article(slug))} for slug, title in item.articles],
        )
        return view

    def article_entry(self, article: ArticleIn, labels: Labels) -> View:
        view = self._entry(Entry(article.date, None, "article", article.slug, article.title))
        view.update(
            id=f"article-{article.slug}",
            url=self.urls.to(Urls.article(article.slug)),
            html=article.summary,
            topics=self.topic_links(article.topics, labels),
        )
        return view

    def entry(self, item: EventIn | ArticleIn, labels: Labels) -> View:
        return self.event_entry(item, labels) if isinstance(item, EventIn) else self.article_entry(item, labels)

    def topic_item(self, item: TopicIn) -> View:
        return {
            "slug": item.topic.slug,
            "label": item.topic.label,
            "url": self.urls.to(Urls.topic(item.topic.slug)),
            "count": item.items,
        }

    # -- pages --------------------------------------------------------------------

    def common(self, settings: Any, pages: Sequence[Page], sources: Sequence[str]) -> View:
        nav = [
            {"label": self.strings.get("nav_articles"), "url": self.urls.to("articles/")},
            {"label": self.strings.get("nav_topics"), "url": self.urls.to("topics/")},
            {"label": self.strings.get("nav_timeline"), "url": self.urls.to("timeline/")},
        ] + [{"label": p.title, "url": self.urls.to(Urls.page(p.slug))} for p in pages]
        return {
            "site": {
                "title": settings.title,
                "subtitle": settings.subtitle,
                "description": settings.description,
                "language": settings.language,
                "author": settings.author,
                "license": settings.license,
                "url": self.urls.to(),
                "feed_url": self.urls.to("feed.xml"),
                "nav": nav,
                "sources": list(sources),
            }
        }

    def home(
        self,
        intro_html: str,
        latest: tuple[tuple[ArticleIn, tuple[NoteIn, ...]], ...],
        topics: tuple[TopicIn, ...],
        teaser: tuple[EventIn | ArticleIn, ...],
        labels: Labels,
    ) -> View:
        items = []
        for article, notes in latest:
            item = self.article_item(article, labels)
            item["key_notes"] = [self.note(n, labels) for n in notes]
            items.append(item)
        return {
            "intro": Markup(intro_html),
            "latest": items,
            "topics": [self.topic_item(t) for t in topics],
            "teaser": [self.entry(e, labels) for e in teaser],
        }

    def articles(self, articles: tuple[ArticleIn, ...], labels: Labels) -> View:
        return {"articles": [self.article_item(a, labels) for a in articles]}

    def article(
        self,
        item: ArticleIn,
        anchored: AnchoredArticle,
        notes: tuple[NoteIn, ...],
        events: tuple[EventIn, ...],
        labels: Labels,
    ) -> View:
        views = {n.number: self.note(n, labels) for n in notes}
        return {
            "article": self.article_item(item, labels),
            "blocks": [{"html": Markup(b.html), "notes": [views[n] for n in b.notes]} for b in anchored.blocks],
            "notes": list(views.values()),
            "events": [self.event_entry(e, labels) for e in events],
        }

    def topics(self, topics: tuple[TopicIn, ...]) -> View:
        return {"topics": [self.topic_item(t) for t in topics]}

    def topic(
        self,
        topic: TopicIn,
        intro_html: str,
        articles: tuple[ArticleIn, ...],
        notes: tuple[NoteIn, ...],
        events: tuple[EventIn, ...],
        labels: Labels,
        years: tuple[tuple[int, int], ...] = (),
        year: int | None = None,
    ) -> View:
        """A topic's page; a large topic has a page per year, and its main page lists the years."""
        slug = topic.topic.slug
        return {
            "topic": self.topic_item(topic),
            "intro": Markup(intro_html),
            "articles": [self.article_item(a, labels) for a in articles],
            "notes": [self.note(n, labels) for n in notes],
            "events": [self.event_entry(e, labels) for e in events],
            "years": [{"year": y, "count": n, "url": self.urls.to(Urls.topic_year(slug, y))} for y, n in years],
            "year": year,
        }

    def timeline(self, entries: tuple[EventIn | ArticleIn, ...], labels: Labels) -> View:
        years = [
            {"year": year, "entries": [self.entry(e, labels) for e in group]}
            for year, group in groupby(entries, key=lambda e: _date_of(e).year)
        ]
        return {"years": years}

    def page(self, page: Page, html: str) -> View:
        return {"page": {"title": page.title, "summary": page.summary, "html": Markup(html)}}

    def feed(self, articles: tuple[tuple[Article, AnchoredArticle], ...], labels: Labels) -> View:
        entries = []
        for article, anchored in articles:
            target = Urls.article(article.slug)
            entries.append(
                {
                    "title": article.title,
                    "url": self.urls.absolute(target),
                    "id": self.urls.absolute(target) if self.urls.has_host else f"urn:dossier:{target}",
                    "updated": f"{article.date.first_day().isoformat()}T00:00:00Z",
                    "summary": article.summary,
                    "content": Markup("".join(b.html for b in anchored.blocks)),
                    "topics": self.topic_links(article.topics, labels),
                }
            )
        updated = max((str(e["updated"]) for e in entries), default="1970-01-01T00:00:00Z")
        feed_id = self.urls.absolute("feed.xml") if self.urls.has_host else "urn:dossier:feed"
        return {"entries": entries, "updated": updated, "feed_id": feed_id, "self_url": self.urls.absolute("feed.xml")}

    def sitemap(self, targets: tuple[str, ...]) -> View:
        return {"sitemap": list(targets)}


def _date_of(item: EventIn | ArticleIn) -> PartialDate:
    return item.event.date if isinstance(item, EventIn) else item.date
