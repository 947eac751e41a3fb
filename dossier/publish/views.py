"""Plain view data for the templates: dicts of text, URLs and safe HTML, no model objects.

Each view's shape is named in :mod:`dossier.publish.contexts` (a ``TypedDict`` per page kind,
for what every page shows, and for each data file).

Each page's view is made from that page's *inputs* only (see :mod:`dossier.publish.pages`), so a
page whose inputs did not change renders to the same bytes and need not be rendered again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

from babel.dates import format_skeleton
from markupsafe import Markup, escape

from dossier import __version__
from dossier.config import Editors, Settings
from dossier.link.annotations import AnchoredArticle
from dossier.link.images import Figure
from dossier.link.versions import Change, Versions
from dossier.model import Annotation, Article, Event, Page, PartialDate, Precision, Topic
from dossier.publish import chart, eras, figures
from dossier.publish.contexts import (
    Agent,
    AnnotationCollection,
    ArticleItem,
    ArticlePageView,
    ArticlesView,
    BasedOn,
    ChangeView,
    ChartView,
    CollectionPage,
    CommonView,
    DateView,
    EntryView,
    EraMark,
    ExcerptView,
    FeedEntry,
    FeedView,
    FreePage,
    HomeView,
    LatestArticle,
    NavLink,
    NewsArticle,
    NotesFeedView,
    NoteView,
    Organization,
    PageView,
    PieceView,
    SearchView,
    SitemapView,
    TextPositionSelector,
    TextQuoteSelector,
    TimelineData,
    TimelineJSDate,
    TimelineJSEra,
    TimelineJSEvent,
    TimelineView,
    TimelineYear,
    TopicFilter,
    TopicItem,
    TopicLink,
    TopicPageView,
    TopicsView,
    VersionsView,
    WebAnnotation,
    WebSite,
    WebSiteGraph,
    YearLink,
)
from dossier.publish.i18n import Strings, og_locale
from dossier.publish.pagetext import BLOCK_END, context, page_text
from dossier.publish.urls import FEED, NOTES_FEED, Urls
from dossier.text import collation, ids

View = Mapping[str, object]  # any view: the plan renders each without knowing its shape (see contexts)
Labels = tuple[tuple[str, str], ...]

_last_names: list[tuple[Labels, dict[str, str]]] = []


def _names(labels: Labels) -> dict[str, str]:
    """Topic slug → label; a page links to many topics, and a build has one set of labels."""
    if _last_names and _last_names[0][0] is labels:
        return _last_names[0][1]
    names = dict(labels)
    _last_names[:] = [(labels, names)]
    return names


_UPDATED = {Precision.DAY: "updated_day", Precision.MONTH: "updated_month", Precision.YEAR: "updated_year"}
"""The string that says when a dispatch was updated, by its date's precision ("le 6 mars", "en mars")."""


class EventIn(NamedTuple):
    event: Event
    html: str
    articles: tuple[tuple[str, str], ...]  # (slug, title) of the articles it cites
    on_year_page: bool = False  # the timeline is split by year: the event is on its year's page
    figure: Figure | None = None  # its media


def _event_page(entry: EventIn) -> str:
    """The timeline page that shows the event (its year's when the timeline is split)."""
    return Urls.event(entry.event.slug, entry.event.date.year if entry.on_year_page else None).partition("#")[0]


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
    lang: str = ""  # its language when not the site's

    @classmethod
    def of(cls, article: Article, note_count: int) -> ArticleIn:
        a = article
        return cls(a.slug, a.title, a.date, a.source, bool(a.seed), a.summary, a.topics, a.draft, note_count, a.lang)


class TopicIn(NamedTuple):
    topic: Topic
    items: int  # articles, notes and events on the topic
    figure: Figure | None = None  # its image


_NOTE_REF = re.compile(r'<a class="note-ref" href="([^"]*)" data-n="([0-9]+)"[^>]*></a>')


def numbered(html: str) -> str:
    """An article's HTML for a reader without the page's stylesheet (a feed reader): each note's
    number, which the page draws with CSS, written as a superscript link to the note."""
    return _NOTE_REF.sub(r'<sup><a class="note-ref" href="\1">\2</a></sup>', html) if "note-ref" in html else html


def dated(data: NewsArticle | BasedOn, date: PartialDate) -> None:
    """``datePublished`` of ``data`` when ``date`` has its day; a month or a year (``2024-03``) is no
    schema.org Date and no day is made up: it is said as the period the article covers instead."""
    if date.precision is Precision.DAY:
        data["datePublished"] = date.iso()
        data.pop("temporalCoverage", None)
    else:
        data["temporalCoverage"] = date.iso()
        data.pop("datePublished", None)


GENERATOR = "dossier"  # the annotations' generator: this program, with its version


def modified(data: NewsArticle, versions: Versions) -> None:
    """An updated article's dates: its datePublished stays the article's, the dispatch it is based on is
    the latest version (``dateModified`` when that has its day)."""
    if versions.updated.precision is Precision.DAY:
        data["dateModified"] = versions.updated.iso()
    if "isBasedOn" in data:
        dated(data["isBasedOn"], versions.updated)


@dataclass(frozen=True)
class Views:
    strings: Strings
    urls: Urls
    site: Settings = field(default_factory=lambda: Settings(title=""))  # the structured data's name, publisher

    # -- small pieces ---------------------------------------------------------------

    def locale(self, lang: str) -> str:
        """``og:locale`` of a page in ``lang`` (the site's language when "")."""
        return og_locale(lang) if lang else self.strings.og_locale

    def own(self, lang: str) -> str:
        """A record's language when it is not the site's (its parts are marked so), else ""."""
        return lang if lang != self.strings.language else ""

    def date(self, value: PartialDate) -> DateView:
        return {"label": self.strings.date(value), "iso": value.iso(), "year": value.year}

    def topic_links(self, slugs: Sequence[str], labels: Labels) -> list[TopicLink]:
        names = _names(labels)
        return [{"slug": s, "label": names[s], "url": self.urls.to(Urls.topic(s))} for s in slugs]

    def article_item(self, item: ArticleIn, labels: Labels) -> ArticleItem:
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
            "lang": self.own(article.lang),
        }

    def note(self, item: NoteIn, labels: Labels) -> NoteView:
        note, number = item.note, item.number
        return {
            "id": f"note-{number}",
            "slug": note.slug,
            "number": number,
            "kind": note.kind,
            "kind_label": self.strings.get(f"kind_{note.kind}"),
            "quote": note.quote,
            "html": Markup(item.html),
            # the same note in the end notes: its ids in their own namespace, so none is on the page twice
            "end_html": Markup(ids.rename(item.html, ids.prefix("note", note.slug), ids.prefix("endnote", note.slug))),
            "topics": self.topic_links(note.topics, labels),
            "passage_id": f"passage-{number}",
            "date": self.date(note.date) if note.date is not None else None,
            "url": self.urls.to(Urls.note(note.article, number)),
            "article": {"title": item.article_title, "url": self.urls.to(Urls.article(note.article))},
            "lang": self.own(note.lang),
        }

    def event_entry(self, item: EventIn, labels: Labels) -> EntryView:
        event = item.event
        year = event.date.year if item.on_year_page else None
        entry: EntryView = {
            "id": f"event-{event.slug}",
            "kind": "span" if event.is_span else "event",
            "title": event.title,
            "date": self.date(event.date),
            "end": self.date(event.end) if event.end else None,
            "html": Markup(item.html),
            "topics": self.topic_links(event.topics, labels),
            "articles": [{"title": title, "url": self.urls.to(Urls.article(slug))} for slug, title in item.articles],
            "url": self.urls.to(Urls.event(event.slug, year)),
            "lane": None,
            "eras": [],
            "lang": self.own(event.lang),
        }
        if item.figure is not None:
            entry["figure"] = figures.figure_view(item.figure, self.urls)
        return entry

    def article_entry(self, article: ArticleIn, labels: Labels) -> EntryView:
        return {
            "id": f"article-{article.slug}",
            "kind": "article",
            "title": article.title,
            "date": self.date(article.date),
            "end": None,
            "html": article.summary,  # plain text, escaped by the template
            "topics": self.topic_links(article.topics, labels),
            "articles": [],
            "url": self.urls.to(Urls.article(article.slug)),
            "lane": None,
            "eras": [],
            "lang": self.own(article.lang),
        }

    def entry(self, item: EventIn | ArticleIn, labels: Labels) -> EntryView:
        return self.event_entry(item, labels) if isinstance(item, EventIn) else self.article_entry(item, labels)

    def topic_item(self, item: TopicIn) -> TopicItem:
        return {
            "slug": item.topic.slug,
            "label": item.topic.label,
            "url": self.urls.to(Urls.topic(item.topic.slug)),
            "count": item.items,
            "lang": self.own(item.topic.lang),
        }

    # -- pages --------------------------------------------------------------------

    def common(
        self, settings: Settings, pages: Sequence[Page], sources: Sequence[str], search: bool = True, dev: bool = False
    ) -> CommonView:
        """What every page shows: the dossier's name, navigation, feeds and sources; ``search`` when
        indexed; ``dev`` on the development server (its page script)."""
        nav: list[NavLink] = [
            {"label": self.strings.get("nav_articles"), "url": self.urls.to("articles/")},
            {"label": self.strings.get("nav_topics"), "url": self.urls.to("topics/")},
            {"label": self.strings.get("nav_timeline"), "url": self.urls.to("timeline/")},
        ]
        nav += [{"label": p.title, "url": self.urls.to(Urls.page(p.slug))} for p in pages]
        return {
            "site": {
                "title": settings.title,
                "subtitle": settings.subtitle,
                "description": settings.description,
                "language": settings.language,
                "author": settings.author,
                "license": settings.license,
                "url": self.urls.to(),
                "feed_url": self.urls.to(FEED),
                "notes_feed_url": self.urls.to(NOTES_FEED),
                "locale": self.strings.og_locale,
                "nav": nav,
                "sources": list(sources),
                "search": search,  # the header's search field (off with --no-search: there is no index)
                "dev": dev,
            },
            "jsonld": None,
            "page_language": settings.language,
            "page_locale": self.strings.og_locale,
        }

    def home(
        self,
        intro_html: str,
        latest: tuple[tuple[ArticleIn, tuple[NoteIn, ...]], ...],
        topics: tuple[TopicIn, ...],
        teaser: tuple[EventIn | ArticleIn, ...],
        labels: Labels,
        counts: tuple[int, int, int] = (0, 0, 0),
    ) -> HomeView:
        """The dossier in brief: its intro and figures, the latest articles and their first notes, topics, teaser."""
        items: list[LatestArticle] = [
            {
                **self.article_item(article, labels),
                "key_notes": [{**self.note(n, labels), "excerpt": excerpt(n.html)} for n in notes],
            }
            for article, notes in latest
        ]
        get = self.strings.get
        keys = ("count_articles", "note_count", "count_events", "count_topics")
        figures = [get(key, count=n) for key, n in zip(keys, (*counts, len(topics)), strict=True) if n]
        return {
            "jsonld": self.website(),
            "intro": Markup(intro_html),
            "figures": figures,
            "latest": items,
            "topics": [self.topic_item(t) for t in topics],
            "teaser": [self.entry(e, labels) for e in teaser],
        }

    def articles(
        self,
        articles: tuple[ArticleIn, ...],
        labels: Labels,
        years: tuple[tuple[int, int], ...] = (),
        year: int | None = None,
    ) -> ArticlesView:
        """The article list; a long one has a page per year, and its main page lists the years."""
        return {
            "articles": [self.article_item(a, labels) for a in articles],
            "years": [{"year": y, "count": n, "url": self.urls.to(Urls.articles_year(y))} for y, n in years],
            "year": year,
        }

    def article(
        self,
        item: ArticleIn,
        anchored: AnchoredArticle,
        notes: tuple[NoteIn, ...],
        events: tuple[EventIn, ...],
        labels: Labels,
        versions: Versions | None = None,
        figure: Figure | None = None,
    ) -> ArticlePageView:
        views = {n.number: self.note(n, labels) for n in notes}
        jsonld = self.news_article(item, labels)
        if figure is not None:
            jsonld["image"] = figures.image_object(figure, self.urls)
        if versions is not None:
            modified(jsonld, versions)
        page: ArticlePageView = {
            "page_language": item.lang or self.strings.language,
            "page_locale": self.locale(item.lang),
            "jsonld": jsonld,
            "data_url": self.urls.to(Urls.annotations(item.slug)),
            "article": self.article_item(item, labels),
            # each block's HTML ends with BLOCK_END: the text the notes' selectors describe (see pagetext)
            "blocks": [
                {"html": Markup(b.html + BLOCK_END), "notes": [views[n] for n in b.notes]} for b in anchored.blocks
            ],
            "notes": list(views.values()),
            "events": [self.event_entry(e, labels) for e in events],
            "versions": self.versions(versions) if versions is not None else None,
        }
        if figure is not None:
            page["figure"] = figures.figure_view(figure, self.urls, eager=True)  # the top of the page: loaded at once
            og = figures.og_image(figure, self.urls)
            if og is not None:
                page["og_image"] = og
        return page

    def versions(self, versions: Versions) -> VersionsView:
        """The dispatch's versions: when it was last updated, and what each version changed."""
        when = versions.updated
        time = Markup('<time datetime="{}">{}</time>').format(when.iso(), self.strings.date(when))
        return {
            "updated": Markup(escape(self.strings.get(_UPDATED[when.precision]))).format(date=time),
            "changes": [self.change(c) for c in versions.changes],
        }

    def change(self, change: Change) -> ChangeView:
        counts = (
            self.strings.get("words_added", count=change.added),
            self.strings.get("words_removed", count=change.removed),
        )
        excerpts: list[ExcerptView] = []
        for excerpt in change.excerpts:
            pieces: list[PieceView] = [{"kind": p.kind, "text": p.text} for p in excerpt.pieces]
            excerpts.append(
                {"pieces": pieces, "starts": excerpt.starts, "ends": excerpt.ends, "paragraph": excerpt.paragraph}
            )
        return {
            "date": self.date(change.date),
            "previous": self.date(change.previous),
            "counts": self.strings.get("versions_counts", added=counts[0], removed=counts[1]),
            "excerpts": excerpts,
            "cut": change.cut,
        }

    def topics(self, topics: tuple[TopicIn, ...]) -> TopicsView:
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
        coverage: chart.Coverage | None = None,
    ) -> TopicPageView:
        """A topic's page; a large topic has a page per year, and its main page lists the years.

        ``coverage`` counts the topic's articles, notes and events per period, for its chart.
        """
        slug = topic.topic.slug
        target = Urls.topic_year(slug, year) if year else Urls.topic(slug)
        page: TopicPageView = {
            "jsonld": {
                "@context": "https://schema.org",
                "@type": "ItemList",
                "name": self.strings.get("topic_year_title", label=topic.topic.label, year=year)
                if year
                else topic.topic.label,
                "url": self.urls.absolute(target),
                "numberOfItems": len(articles),
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": i,
                        "url": self.urls.absolute(Urls.article(a.slug)),
                        "name": a.title,
                    }
                    for i, a in enumerate(articles, start=1)
                ],
            },
            "topic": self.topic_item(topic),
            "intro": Markup(intro_html),
            "articles": [self.article_item(a, labels) for a in articles],
            "notes": [self.note(n, labels) for n in notes],
            "events": [self.event_entry(e, labels) for e in events],
            "years": [{"year": y, "count": n, "url": self.urls.to(Urls.topic_year(slug, y))} for y, n in years],
            "year": year,
            "chart": self.chart(coverage, "chart-title") if coverage is not None else None,
        }
        if topic.figure is not None:
            page["figure"] = figures.figure_view(topic.figure, self.urls)
        return page

    def chart(self, cov: chart.Coverage, title_id: str) -> ChartView | None:
        """A coverage chart: the SVG, its legend and its figures as a table; None under two periods."""
        peak = cov.peak
        if len(cov.buckets) < 2 or peak is None:
            return None
        get = self.strings.get

        def items(n: int) -> str:
            return get("items_count", count=n)

        def period(value: PartialDate) -> str:
            return self.strings.date(value)

        def tick(value: PartialDate) -> str:
            if not cov.monthly:
                return str(value.year)
            return str(format_skeleton("yMMM", value.first_day(), locale=self.strings.locale))

        first, last = self.strings.period(cov.buckets[0][0], cov.buckets[-1][0])  # "de mars à novembre 2024"
        title = get(
            "chart_summary",
            items=items(cov.total),
            first=first,
            last=last,
            peak=period(peak[0]),
            peak_count=peak[1],
        )
        series = [get("chart_articles"), get("chart_notes"), get("chart_events")]
        drawing = chart.draw(cov, tick)
        return {
            "title": title,
            "title_id": title_id,
            "drawing": {
                "width": drawing.width,
                "height": drawing.height,
                "left": drawing.left,
                "right": drawing.right,
                "top": drawing.top,
                "base": drawing.base,
                "peak": drawing.peak,
                "bars": [
                    {
                        "title": get("label_value", label=period(bar.period), value=items(sum(bar.counts))),
                        "rects": [
                            {"series": r.series, "x": r.x, "y": r.y, "w": r.width, "h": r.height} for r in bar.rects
                        ],
                    }
                    for bar in drawing.bars
                ],
                "ticks": [{"x": x, "label": label} for x, label in drawing.ticks],
                "label_y": drawing.label_y,
            },
            "series": [{"n": k, "label": label} for k, label in enumerate(series)],
            "period_label": get("chart_month") if cov.monthly else get("chart_year"),
            "rows": [
                {"period": period(p), "iso": p.iso(), "counts": list(counts), "total": sum(counts)}
                for p, counts in cov.buckets
                if sum(counts)
            ],
        }

    def timeline(
        self,
        entries: tuple[EventIn | ArticleIn, ...],
        labels: Labels,
        index: tuple[tuple[int, int], ...] = (),
        year: int | None = None,
        carried: tuple[EventIn, ...] = (),
    ) -> TimelineView:
        """The timeline; a long one has a page per year, and its main page lists the years.

        Spans are drawn as bars beside the entries they cover (see :mod:`dossier.publish.eras`);
        ``carried`` are the spans that began before this page's first entry. Each entry
        carries its topics' slugs for the topic filter, and the topics present make its options.
        """
        made, found = self._timeline_entries(entries, labels, carried)
        rows_of = iter(made)
        years: list[TimelineYear] = [
            {"year": y, "entries": [next(rows_of) for _ in group]}
            for y, group in groupby(entries, key=lambda e: _date_of(e).year)
        ]
        pages: list[YearLink] = [{"year": y, "count": n, "url": self.urls.to(Urls.timeline_year(y))} for y, n in index]
        filters = self._topic_filters(made, labels)
        return {"years": years, "index": pages, "year": year, "lanes": eras.lanes(found), "filters": filters}

    def _timeline_entries(
        self, entries: tuple[EventIn | ArticleIn, ...], labels: Labels, carried: tuple[EventIn, ...]
    ) -> tuple[list[EntryView], tuple[eras.Era, ...]]:
        """The entries of a timeline page, each with the pieces of era bars beside it, and the eras."""
        rows = [(_date_of(e), e.event.end if isinstance(e, EventIn) else None) for e in entries]
        found, marks = eras.layout(rows, [c.event.end for c in carried if c.event.end is not None])
        names = _era_names(entries, carried)
        made = []
        for entry, row_marks in zip(entries, marks, strict=True):
            view = self.entry(entry, labels)
            view["eras"] = [_mark(m, found[m.era], names[m.era]) for m in row_marks]
            view["lane"] = next((m.lane for m in row_marks if found[m.era].row >= 0 and m.start), None)
            made.append(view)
        return made, found

    def _topic_filters(self, made: list[EntryView], labels: Labels) -> list[TopicFilter]:
        """The options of the timeline's topic filter: the topics of its entries, in the language's order."""
        present: dict[str, int] = {}
        for view in made:
            for topic in view["topics"]:
                present[topic["slug"]] = present.get(topic["slug"], 0) + 1
        names_of = dict(labels)
        language = self.strings.language
        return [
            {"slug": slug, "label": names_of[slug], "count": n}
            for slug, n in collation.ordered(
                present.items(), lambda item: names_of[item[0]], lambda item: item[0], language
            )
        ]

    def page(self, page: Page, html: str) -> PageView:
        lang = self.own(page.lang)
        page_view: FreePage = {
            "title": page.title,
            "summary": page.summary,
            "html": Markup(html),
            "draft": page.draft,
            "lang": lang,
        }
        return {"page_language": lang or self.strings.language, "page_locale": self.locale(lang), "page": page_view}

    def feed(
        self, articles: tuple[tuple[Article, AnchoredArticle, PartialDate | None, Figure | None], ...], labels: Labels
    ) -> FeedView:
        """The latest articles; an entry is updated when its dispatch's latest version is dated, and
        has the article's image (:func:`figures.feed_image`)."""
        entries: list[FeedEntry] = []
        for article, anchored, version, figure in articles:
            target = Urls.article(article.slug)
            published = f"{article.date.first_day().isoformat()}T00:00:00Z"
            entry: FeedEntry = {
                "title": article.title,
                "url": self.urls.absolute(target),
                "id": self._id(target),
                "published": published,
                "updated": f"{version.first_day().isoformat()}T00:00:00Z" if version else published,
                "summary": article.summary,
                "content": Markup(self.urls.absolute_links(numbered(anchored.html), target)),
                "topics": self.topic_links(article.topics, labels),
                "lang": self.own(article.lang),
            }
            image = figures.feed_image(figure, self.urls) if figure is not None else None
            if image is not None:
                entry["image"] = image
            entries.append(entry)
        updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00Z")
        feed_id = self.urls.absolute(FEED) if self.urls.has_host else "urn:dossier:feed"
        return {"entries": entries, "updated": updated, "feed_id": feed_id, "self_url": self.urls.absolute(FEED)}

    def news_article(self, item: ArticleIn, labels: Labels) -> NewsArticle:
        """schema.org NewsArticle: the page is based on the agency's dispatch."""
        url = self.urls.absolute(Urls.article(item.slug))
        data: NewsArticle = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": item.title,
            "inLanguage": item.lang or self.strings.language,
            "url": url,
            "mainEntityOfPage": url,
            "about": [{"@type": "Thing", "name": t["label"]} for t in self.topic_links(item.topics, labels)],
            "publisher": self.publisher(),
        }
        dated(data, item.date)
        author = item.source or self.site.author  # the agency whose dispatch it is, else the dossier's author
        if author:
            data["author"] = {"@type": "Organization", "name": author}
        if item.summary:
            data["description"] = item.summary
        if item.source:
            based: BasedOn = {
                "@type": "NewsArticle",
                "headline": item.title,
                "publisher": {"@type": "Organization", "name": item.source},
            }
            dated(based, item.date)
            data["isBasedOn"] = based
        return data

    def publisher(self) -> Organization:
        """Who publishes the dossier: ``publisher`` of site.yml, else the dossier itself (its author or title)."""
        given = self.site.publisher
        if given is None:
            return {"@type": "Organization", "name": self.site.author or self.site.title, "url": self.urls.absolute("")}
        found: Organization = {"@type": "Organization", "name": given.name}
        if given.url:
            found["url"] = given.url
        if given.logo:
            logo = self.urls.absolute(given.logo.lstrip("/")) if given.logo.startswith("/") else given.logo
            found["logo"] = {"@type": "ImageObject", "url": logo}
        return found

    def website(self) -> WebSiteGraph:
        """The home page's structured data: the dossier as a WebSite, the page as the CollectionPage of its articles."""
        s, home = self.site, self.urls.absolute("")
        description = s.description or s.subtitle
        site: WebSite = {
            "@type": "WebSite",
            "@id": home + "#website",
            "url": home,
            "name": s.title,
            "inLanguage": self.strings.language,
            "publisher": self.publisher(),
        }
        page: CollectionPage = {
            "@type": "CollectionPage",
            "@id": home,
            "url": home,
            "name": s.title,
            "inLanguage": self.strings.language,
            "isPartOf": {"@id": home + "#website"},
        }
        if description:
            site["description"] = page["description"] = description
        return {"@context": "https://schema.org", "@graph": [site, page]}

    def notes_feed(self, notes: tuple[tuple[NoteIn, ArticleIn], ...], labels: Labels) -> NotesFeedView:
        """The latest notes; each entry's ``updated`` is distinct (see :func:`note_times`)."""
        entries: list[FeedEntry] = []
        for (note, article), when in zip(notes, note_times(notes), strict=True):
            page = Urls.article(article.slug)
            day = (note.note.date or article.date).first_day().isoformat()
            entries.append(
                {
                    "title": f"{self.strings.get(f'kind_{note.note.kind}')} : « {note.note.quote} »",
                    "url": self.urls.absolute(Urls.note(article.slug, note.number)),
                    "id": self._id(f"{page}#annotation-{note.note.slug}"),
                    "published": f"{day}T00:00:00Z",
                    "updated": when,
                    "summary": article.title,
                    "content": Markup(self.urls.absolute_links(note.html, page)),
                    "topics": self.topic_links(note.note.topics, labels),
                    "lang": self.own(note.note.lang),
                }
            )
        updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00Z")
        return {
            "entries": entries,
            "updated": updated,
            "feed_id": self._id(NOTES_FEED),
            "self_url": self.urls.absolute(NOTES_FEED),
            "feed_title": self.strings.get("notes_feed_title"),
        }

    def _id(self, target: str) -> str:
        """A stable Atom id: the absolute URL when the site has a host, else a URN."""
        return self.urls.absolute(target) if self.urls.has_host else f"urn:dossier:{target}"

    def annotations(
        self, item: ArticleIn, anchored: AnchoredArticle, notes: tuple[NoteIn, ...]
    ) -> AnnotationCollection:
        """The article's notes as a W3C Web Annotation collection.

        Each target has a ``TextQuoteSelector`` and a ``TextPositionSelector`` over the text of
        the page's article text element, as a browser reads it (see :mod:`.pagetext`): on the
        very characters the page highlights. An annotation's ``id`` is its note on the page
        (``#note-N``, which follows the notes' numbering); ``canonical`` names it by its slug,
        which does not change when notes are renumbered.
        """
        page = self.urls.absolute(Urls.article(item.slug))
        data = self.urls.absolute(Urls.annotations(item.slug))
        text = page_text([b.html for b in anchored.blocks])
        generator: Agent = {"type": "Software", "name": f"{GENERATOR} {__version__}", "nickname": GENERATOR}
        items: list[WebAnnotation] = []
        for note in notes:
            start, end = text.passages[note.number]
            prefix, suffix = context(text.text, start, end)
            quote: TextQuoteSelector = {
                "type": "TextQuoteSelector",
                "exact": text.text[start:end],
                "prefix": prefix,
                "suffix": suffix,
            }
            position: TextPositionSelector = {"type": "TextPositionSelector", "start": start, "end": end}
            annotation: WebAnnotation = {
                "id": f"{page}#note-{note.number}",
                "type": "Annotation",
                "motivation": "commenting",
                "canonical": self._id(f"{Urls.article(item.slug)}#annotation-{note.note.slug}"),
            }  # type: ignore[typeddict-item]  # completed below, keys in the order written
            if note.note.date is not None:
                annotation["created"] = f"{note.note.date.first_day().isoformat()}T00:00:00Z"
            if self.site.team is not None:
                annotation["creator"] = self.agent(self.site.team)
            annotation["generator"] = generator
            annotation["body"] = {
                "type": "TextualBody",
                "value": self.urls.absolute_links(note.html, Urls.article(item.slug)),
                "format": "text/html",
                "language": note.note.lang or self.strings.language,
                "purpose": "commenting",
            }
            annotation["target"] = {"source": page, "selector": [quote, position]}
            items.append(annotation)
        return {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": data,
            "type": "AnnotationCollection",
            "label": item.title,
            "via": page,
            "total": len(items),
            "last": data + "#page-1",  # one page holds them all
            "first": {
                "id": data + "#page-1",
                "type": "AnnotationPage",
                "partOf": data,
                "startIndex": 0,
                "items": items,
            },
        }

    def agent(self, team: Editors) -> Agent:
        """The editorial team as a W3C Agent (an organization), with its page when it has one."""
        if not team.url:
            return {"type": "Organization", "name": team.name}
        url = self.urls.absolute(team.url.removeprefix("/")) if team.url.startswith("/") else team.url
        return {"id": url, "type": "Organization", "name": team.name, "homepage": url}

    def timeline_data(self, title: str, text: str, entries: tuple[EventIn | ArticleIn, ...]) -> TimelineData:
        """The timeline in Knight Lab's TimelineJS3 JSON format: events, spans, and eras for long spans."""
        events: list[TimelineJSEvent] = []
        eras: list[TimelineJSEra] = []
        for entry in entries:
            if isinstance(entry, EventIn):
                e = entry.event
                item: TimelineJSEvent = {
                    "unique_id": e.slug,
                    "start_date": _tl_date(e.date, self.strings.date(e.date)),
                    "text": {"headline": e.title, "text": self.urls.absolute_links(entry.html, _event_page(entry))},
                    "group": self.strings.get("timeline_kind_span" if e.is_span else "timeline_kind_event"),
                }
                if entry.figure is not None:
                    item["media"] = figures.timelinejs_media(entry.figure, self.urls)
                if e.end is not None:
                    item["end_date"] = _tl_date(e.end, self.strings.date(e.end))
                    if e.end.year - e.date.year >= ERA_YEARS:
                        eras.append(
                            {
                                "start_date": _tl_date(e.date, self.strings.date(e.date)),
                                "end_date": _tl_date(e.end, self.strings.date(e.end)),
                                "text": {"headline": e.title},
                            }
                        )
            else:
                url = self.urls.absolute(Urls.article(entry.slug))
                item = {
                    "unique_id": f"article-{entry.slug}",
                    "start_date": _tl_date(entry.date, self.strings.date(entry.date)),
                    "text": {
                        "headline": f'<a href="{url}">{escape(entry.title)}</a>',
                        "text": escape(entry.summary),
                    },
                    "group": self.strings.get("timeline_kind_article"),
                }
            events.append(item)
        return {"title": {"text": {"headline": escape(title), "text": escape(text)}}, "events": events, "eras": eras}

    def search(self, languages: tuple[str, ...]) -> SearchView:
        """The search page: the languages other than the site's whose indexes it searches too."""
        return {"search_languages": list(languages)}

    def sitemap(self, targets: tuple[str, ...]) -> SitemapView:
        return {"sitemap": list(targets)}


def _mark(mark: eras.Mark, era: eras.Era, name: str) -> EraMark:
    """One piece of an era's bar; the piece where the bar begins carries the era's name."""
    rows = era.last - era.first + 1
    labelled = mark.start and rows > 1
    return {
        "lane": mark.lane,
        "carried": mark.start and era.row < 0,  # the bar comes from an earlier page
        "start": mark.start,
        "end": mark.end,
        "label": name if labelled else "",
        "rows": min(rows, ERA_LABEL_ROWS),
    }


ERA_LABEL_ROWS = 8  # an era's name runs beside at most this many rows (the stylesheet's era-rows-N)
EXCERPT = 150  # characters of a note shown on the home page


def note_times(notes: Sequence[tuple[NoteIn, ArticleIn]]) -> list[str]:
    """Each note's ``updated`` in the notes feed: distinct, and made of the content alone.

    A note's day is its own ``date``, else its article's; the notes of one day are told apart
    by seconds after midnight, in a stable order made of content: article slug, then note
    slug (never the numbering, which moves when a note is added before). Feeds hold a few
    dozen notes, far fewer than a day's seconds.
    """
    days = [(n.note.date or a.date).first_day().isoformat() for n, a in notes]
    order = sorted(range(len(notes)), key=lambda i: (days[i], notes[i][1].slug, notes[i][0].note.slug))
    times = [""] * len(notes)
    second = 0
    for position, i in enumerate(order):
        second = second + 1 if position and days[order[position - 1]] == days[i] else 0
        times[i] = f"{days[i]}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
    return times


def excerpt(html: str, size: int = EXCERPT) -> str:
    """The text of ``html``, cut at a word before ``size`` characters, with an ellipsis when cut."""
    text = Markup(html).striptags()
    if len(text) <= size:
        return text
    cut = text[: size + 1].rsplit(" ", 1)[0].rstrip(" ,;:.\u2013\u2014-")
    return cut + "…"


def _era_names(entries: tuple[EventIn | ArticleIn, ...], carried: tuple[EventIn, ...]) -> list[str]:
    """The names of a timeline page's eras, in the order :func:`dossier.publish.eras.layout` gives them."""
    names = [c.event.title for c in carried]
    names += [e.event.title for e in entries if isinstance(e, EventIn) and e.event.end is not None]
    return names


def _date_of(item: EventIn | ArticleIn) -> PartialDate:
    return item.event.date if isinstance(item, EventIn) else item.date


ERA_YEARS = 2  # a span of this many years or more is also an era of the TimelineJS timeline


def _tl_date(value: PartialDate, label: str) -> TimelineJSDate:
    """A TimelineJS3 date object at the date's own precision (a day has a month)."""
    year = str(value.year)
    if value.day:
        return {"year": year, "month": str(value.month), "day": str(value.day), "display_date": label}
    if value.month:
        return {"year": year, "month": str(value.month), "display_date": label}
    return {"year": year, "display_date": label}
