"""Plain view data for the templates: dicts of text, URLs and safe HTML, no model objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup

from .i18n import Strings
from .model import Annotation, Article, Event, Page, PartialDate, Topic
from .site import Site
from .timeline import Entry, by_year
from .urls import Urls

View = dict[str, Any]


@dataclass(frozen=True)
class Views:
    site: Site
    strings: Strings
    urls: Urls

    @cached_property
    def _articles(self) -> dict[str, Article]:
        return {a.slug: a for a in self.site.articles}

    @cached_property
    def _events(self) -> dict[str, Event]:
        return {e.slug: e for e in self.site.events}

    @cached_property
    def _labels(self) -> dict[str, str]:
        return {t.slug: t.label for t in self.site.topics}

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {a.note.slug: a.number for anchored in self.site.anchored.values() for a in anchored.notes}

    # -- small pieces ---------------------------------------------------------------

    def date(self, value: PartialDate) -> View:
        return {"label": self.strings.date(value), "iso": value.iso(), "year": value.year}

    def topic_links(self, slugs: Sequence[str]) -> list[View]:
        return [{"slug": s, "label": self._labels[s], "url": self.urls.to(Urls.topic(s))} for s in slugs]

    def article_item(self, article: Article) -> View:
        anchored = self.site.anchored[article.slug]
        return {
            "slug": article.slug,
            "title": article.title,
            "url": self.urls.to(Urls.article(article.slug)),
            "date": self.date(article.date),
            "source": article.source,
            "verbatim": bool(article.seed),
            "summary": article.summary,
            "topics": self.topic_links(article.topics),
            "note_count": len(anchored.notes),
            "draft": article.draft,
        }

    def note(self, note: Annotation, number: int) -> View:
        article = self._articles[note.article]
        return {
            "id": f"note-{number}",
            "slug": note.slug,
            "number": number,
            "kind": note.kind,
            "kind_label": self.strings.get(f"kind_{note.kind}"),
            "quote": note.quote,
            "html": Markup(self.site.html[("note", note.slug)]),
            "topics": self.topic_links(note.topics),
            "passage_id": f"passage-{number}",
            "url": self.urls.to(Urls.note(note.article, number)),
            "article": {"title": article.title, "url": self.urls.to(Urls.article(article.slug))},
        }

    def note_number(self, note: Annotation) -> int:
        return self._numbers[note.slug]

    def entry(self, entry: Entry) -> View:
        view: View = {
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
        if entry.kind == "article":
            article = self._articles[entry.slug]
            view.update(
                id=f"article-{entry.slug}",
                url=self.urls.to(Urls.article(entry.slug)),
                html=Markup("") if not article.summary else article.summary,
                topics=self.topic_links(article.topics),
            )
        else:
            event = self._events[entry.slug]
            view.update(
                html=Markup(self.site.html[("event", event.slug)]),
                topics=self.topic_links(event.topics),
                articles=[
                    {"title": self._articles[s].title, "url": self.urls.to(Urls.article(s))} for s in event.articles
                ],
            )
        return view

    def event_item(self, event: Event) -> View:
        entry = Entry(event.date, event.end, "span" if event.is_span else "event", event.slug, event.title)
        return self.entry(entry)

    def topic_item(self, topic: Topic) -> View:
        articles, notes, events = self.site.topic_index(topic.slug)
        return {
            "slug": topic.slug,
            "label": topic.label,
            "url": self.urls.to(Urls.topic(topic.slug)),
            "count": len(articles) + len(notes) + len(events),
        }

    # -- pages --------------------------------------------------------------------

    def common(self) -> View:
        settings = self.site.settings
        nav = [
            {"label": self.strings.get("nav_articles"), "url": self.urls.to("articles/")},
            {"label": self.strings.get("nav_topics"), "url": self.urls.to("topics/")},
            {"label": self.strings.get("nav_timeline"), "url": self.urls.to("timeline/")},
        ] + [{"label": p.title, "url": self.urls.to(Urls.page(p.slug))} for p in self.site.pages]
        sources = sorted({a.source for a in self.site.articles if a.source})
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
                "sources": sources,
            }
        }

    def home(self) -> View:
        latest = self.site.articles[: self.site.settings.latest_articles]
        items = []
        for article in latest:
            item = self.article_item(article)
            anchored = self.site.anchored[article.slug]
            item["key_notes"] = [self.note(a.note, a.number) for a in anchored.notes[:3]]
            items.append(item)
        return {
            "intro": Markup(self.site.intro_html),
            "latest": items,
            "topics": [self.topic_item(t) for t in self.site.topics],
            "teaser": [self.entry(e) for e in self.site.entries[-5:]],
        }

    def articles(self) -> View:
        return {"articles": [self.article_item(a) for a in self.site.articles]}

    def article(self, article: Article) -> View:
        anchored = self.site.anchored[article.slug]
        notes = {a.number: self.note(a.note, a.number) for a in anchored.notes}
        blocks = [{"html": Markup(b.html), "notes": [notes[n] for n in b.notes]} for b in anchored.blocks]
        events = [self.event_item(e) for e in self.site.events if article.slug in e.articles]
        return {
            "article": self.article_item(article),
            "blocks": blocks,
            "notes": list(notes.values()),
            "events": events,
        }

    def topics(self) -> View:
        return {"topics": [self.topic_item(t) for t in self.site.topics]}

    def topic(self, topic: Topic) -> View:
        articles, notes, events = self.site.topic_index(topic.slug)
        return {
            "topic": self.topic_item(topic),
            "intro": Markup(self.site.html[("topic", topic.slug)]),
            "articles": [self.article_item(a) for a in articles],
            "notes": [self.note(n, self.note_number(n)) for n in notes],
            "events": [self.event_item(e) for e in events],
        }

    def timeline(self) -> View:
        years = [
            {"year": year, "entries": [self.entry(e) for e in group]} for year, group in by_year(self.site.entries)
        ]
        return {"years": years}

    def page(self, page: Page) -> View:
        return {
            "page": {"title": page.title, "summary": page.summary, "html": Markup(self.site.html[("page", page.slug)])}
        }

    def feed(self) -> View:
        entries = []
        for article in self.site.articles:
            target = Urls.article(article.slug)
            entries.append(
                {
                    "title": article.title,
                    "url": self.urls.absolute(target),
                    "id": self.urls.absolute(target) if self.urls.has_host else f"urn:dossier:{target}",
                    "updated": f"{article.date.first_day().isoformat()}T00:00:00Z",
                    "summary": article.summary,
                    "content": Markup("".join(b.html for b in self.site.anchored[article.slug].blocks)),
                    "topics": self.topic_links(article.topics),
                }
            )
        updated = max((str(e["updated"]) for e in entries), default="1970-01-01T00:00:00Z")
        feed_id = self.urls.absolute("feed.xml") if self.urls.has_host else "urn:dossier:feed"
        return {"entries": entries, "updated": updated, "feed_id": feed_id, "self_url": self.urls.absolute("feed.xml")}
