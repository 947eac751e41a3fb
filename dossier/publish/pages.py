"""The plan: every output page with its template and its *inputs*.

A page's inputs are the exact values its view is made of (records, rendered bodies, note
numbers, topic labels...). Unchanged files give the very same objects from one build to the
next, so comparing a page's inputs with the previous ones is cheap, and a page whose inputs
are equal renders to the same bytes: it is not rendered again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from dossier.errors import Diagnostic, Location
from dossier.link.annotations import AnchoredArticle
from dossier.link.site import Site
from dossier.link.timeline import TIMELINE_SPLIT
from dossier.model import Article, Page
from dossier.publish import chart, eras, redirects, search
from dossier.publish.urls import Urls, output_path
from dossier.publish.views import ArticleIn, EventIn, Labels, NoteIn, TopicIn, View, Views
from dossier.source.duplicates import slug_line


def other_languages(site: Site) -> tuple[str, ...]:
    """The languages of the published articles and pages that are not the site's, sorted: each has
    its own search index (Pagefind splits the index by ``<html lang>``)."""
    language = site.settings.language.lower()
    tags = [a.lang for a in site.articles] + [p.lang for p in site.pages]
    found = {tag.lower() for tag in tags if tag and tag.lower() != language}
    return tuple(sorted(found))


class PlannedPage(NamedTuple):
    target: str
    template: str
    inputs: tuple[object, ...]
    make: Callable[..., View]  # called with *inputs
    origin: str  # the file (or built-in listing) this page comes from, for collision messages
    slug_line: int = 0  # the line of that file's ``slug:``, when the page's URL was chosen there

    @property
    def path(self) -> str:
        return output_path(self.target)

    def view(self) -> View:
        return self.make(*self.inputs)


RESERVED = {"static": "the theme's static files", search.FOLDER: "the search index"}


def url_taken(page: Page, hint: str = "rename the page") -> Diagnostic | None:
    """The error for a free page whose URL the build uses for something else, or None."""
    if page.slug not in RESERVED:
        return None
    message = f"the URL /{page.slug}/ is taken by {RESERVED[page.slug]}, which the build writes there"
    return Diagnostic(page.origin.at("slug"), message, hint)


"""Top-level folders the build writes besides the planned pages: no page may take their URL."""

FEED_ENTRIES = 50  # the newest articles, as feed readers expect
TOPIC_SPLIT = 60  # a topic with more articles, notes and events than this gets a page per year
TOPIC_LATEST = 10  # the articles a split topic's main page shows
ARTICLES_SPLIT = 200  # an article list longer than this gets a page per year
ARTICLES_LATEST = 20  # the articles a split list's main page shows
TIMELINE_LATEST = 20  # the entries a split timeline's main page shows
HOME_NOTES = 2  # the notes the home page shows under each of the latest articles
HOME_TEASER = 5  # the latest timeline entries the home page shows


@dataclass(frozen=True)
class TopicEntries:
    """The articles, notes and events filed under a topic (or under one of its years)."""

    articles: list[ArticleIn] = field(default_factory=list)
    notes: list[NoteIn] = field(default_factory=list)
    events: list[EventIn] = field(default_factory=list)

    def count(self) -> int:
        return len(self.articles) + len(self.notes) + len(self.events)


@dataclass(frozen=True)
class Index:
    """Cross-references computed once per build."""

    labels: Labels
    articles: dict[str, ArticleIn]
    notes: dict[str, tuple[NoteIn, ...]]  # article slug → its notes in reading order
    events: dict[str, EventIn]
    events_of: dict[str, tuple[EventIn, ...]]  # article slug → events citing it
    by_topic: dict[str, TopicEntries]  # topic slug → what is filed under it


TopicPages = tuple[tuple[str, tuple[object, ...]], ...]  # a topic's pages: each page's (target, inputs)


@dataclass(frozen=True)
class TopicMadeOf:
    """What a topic's pages are made of: equal from one build to the next, equal pages."""

    item: TopicIn
    html: str  # the topic's text, converted
    articles: tuple[ArticleIn, ...]
    notes: tuple[NoteIn, ...]
    events: tuple[EventIn, ...]
    labels: Labels


class IndexSteps(Protocol):
    """How the index and the plan make each entry and each topic's pages: :class:`DirectIndexSteps`
    makes them all; the incremental layer's memo gives back the very objects of the last build
    where they are equal (so the inputs of the pages that show them stay identical)."""

    def article(self, made: ArticleIn) -> ArticleIn: ...

    def event(self, made: EventIn) -> EventIn: ...

    def notes(
        self, article: Article, anchored: AnchoredArticle, html: Mapping[tuple[str, str], str]
    ) -> tuple[NoteIn, ...]: ...

    def topic_pages(self, slug: str, made_of: TopicMadeOf, make: Callable[[], TopicPages]) -> TopicPages: ...


def article_notes(
    article: Article, anchored: AnchoredArticle, html: Mapping[tuple[str, str], str]
) -> tuple[NoteIn, ...]:
    """An article's notes as its pages list them, in reading order."""
    return tuple(NoteIn(n.note, n.number, html[("note", n.note.slug)], article.title) for n in anchored.notes)


class DirectIndexSteps:
    """Every entry and every topic page made here and now."""

    def article(self, made: ArticleIn) -> ArticleIn:
        return made

    def event(self, made: EventIn) -> EventIn:
        return made

    def notes(
        self, article: Article, anchored: AnchoredArticle, html: Mapping[tuple[str, str], str]
    ) -> tuple[NoteIn, ...]:
        return article_notes(article, anchored, html)

    def topic_pages(self, slug: str, made_of: TopicMadeOf, make: Callable[[], TopicPages]) -> TopicPages:
        return make()


def article_entry(article: Article, anchored: AnchoredArticle) -> ArticleIn:
    """An article's entry in the lists, made from the article and its anchored notes."""
    return ArticleIn.of(article, len(anchored.notes))


def index(site: Site, labels: Labels, steps: IndexSteps | None = None) -> Index:
    steps = steps or DirectIndexSteps()
    titles = {a.slug: a.title for a in site.articles}
    articles = {a.slug: steps.article(article_entry(a, site.anchored[a.slug])) for a in site.articles}
    # newest first: topic pages list notes in this order
    notes = {a.slug: steps.notes(a, site.anchored[a.slug], site.html) for a in site.articles}
    split = len(site.entries) > TIMELINE_SPLIT  # then links to an event go to its year's page
    html = site.html
    events = {
        e.slug: steps.event(
            EventIn(
                e,
                html[("event", e.slug)],
                tuple((s, titles[s]) for s in e.articles),
                split,
                site.figures.get(("event", e.slug)),
            )
        )
        for e in site.events
    }
    events_of: dict[str, list[EventIn]] = {}
    for event in events.values():
        for slug, _ in event.articles:
            events_of.setdefault(slug, []).append(event)
    by_topic = _by_topic(site, articles, notes, events)
    return Index(labels, articles, notes, events, {k: tuple(v) for k, v in events_of.items()}, by_topic)


def _by_topic(
    site: Site,
    articles: Mapping[str, ArticleIn],
    notes: Mapping[str, tuple[NoteIn, ...]],
    events: Mapping[str, EventIn],
) -> dict[str, TopicEntries]:
    """Each topic's articles, notes and events (in the order of the given mappings)."""
    by_topic = {t.slug: TopicEntries() for t in site.topics}
    for item in articles.values():
        for slug in item.topics:
            by_topic[slug].articles.append(item)
    for group in notes.values():
        for note in group:
            for slug in note.note.topics:
                by_topic[slug].notes.append(note)
    for event in events.values():
        for slug in event.event.topics:
            by_topic[slug].events.append(event)
    return by_topic


def timeline_items(site: Site, idx: Index) -> tuple[EventIn | ArticleIn, ...]:
    """The timeline's entries, as the index made them; an article's without its number of notes,
    which the timeline does not show (a note written leaves the timeline's pages as they are)."""
    return tuple(
        idx.events[e.slug] if e.kind != "article" else _without_notes(idx.articles[e.slug]) for e in site.entries
    )


def _without_notes(item: ArticleIn) -> ArticleIn:
    return item if not item.note_count else item._replace(note_count=0)


@dataclass(frozen=True)
class Planner:
    """Makes each page of the plan; the patch route asks it again for a few pages."""

    site: Site
    views: Views
    idx: Index
    steps: IndexSteps = field(default_factory=lambda: DirectIndexSteps())

    def topics(self) -> tuple[TopicIn, ...]:
        figures = self.site.figures
        return tuple(
            TopicIn(t, self.idx.by_topic[t.slug].count(), figures.get(("topic", t.slug))) for t in self.site.topics
        )

    def home(self, topics: tuple[TopicIn, ...], entries: tuple[EventIn | ArticleIn, ...]) -> PlannedPage:
        site, idx = self.site, self.idx
        latest = tuple(
            (idx.articles[a.slug], idx.notes[a.slug][:HOME_NOTES])
            for a in site.articles[: site.settings.latest_articles]
        )
        annotated = sum(1 for a in idx.articles.values() if a.note_count)  # "4 articles annotés": those with a note
        counts = (annotated, sum(a.note_count for a in idx.articles.values()), len(site.events))
        inputs = (site.intro_html, latest, topics, entries[-HOME_TEASER:], idx.labels, counts)
        return PlannedPage("", "home.html", inputs, self.views.home, "the home page")

    def feed(self) -> PlannedPage:
        site = self.site
        latest = site.articles[:FEED_ENTRIES]
        updated = {a.slug: v.updated for a in latest if (v := site.versions.get(a.slug)) is not None}
        shown = [(a, site.anchored[a.slug], updated.get(a.slug), site.figures.get(("article", a.slug))) for a in latest]
        inputs = (tuple(shown), self.idx.labels)
        return PlannedPage("feed.xml", "feed.xml", inputs, self.views.feed, "the feed")

    def notes_feed(self) -> PlannedPage:
        """The latest notes, newest articles first, in reading order within an article."""
        notes: list[tuple[NoteIn, ArticleIn]] = []
        for article in self.site.articles:
            if len(notes) >= FEED_ENTRIES:
                break
            notes += [(n, self.idx.articles[article.slug]) for n in self.idx.notes[article.slug]]
        inputs = (tuple(notes[:FEED_ENTRIES]), self.idx.labels)
        return PlannedPage("annotations.xml", "annotations.xml", inputs, self.views.notes_feed, "the notes feed")

    def annotations(self, article: Article) -> PlannedPage:
        slug = article.slug
        inputs = (self.idx.articles[slug], self.site.anchored[slug], self.idx.notes[slug])
        target = Urls.article(slug) + "annotations.jsonld"
        return PlannedPage(target, "", inputs, self.views.annotations, article.origin.path)

    def article(self, article: Article) -> PlannedPage:
        idx, slug = self.idx, article.slug
        inputs = (
            idx.articles[slug],
            self.site.anchored[slug],
            idx.notes[slug],
            idx.events_of.get(slug, ()),
            idx.labels,
            self.site.versions.get(slug),
            self.site.figures.get(("article", slug)),
        )
        origin = article.origin
        return PlannedPage(
            Urls.article(slug), "article.html", inputs, self.views.article, origin.path, slug_line(origin)
        )

    def pages_of(self, article: Article) -> tuple[PlannedPage, PlannedPage]:
        """The pages made of one article's text and notes: its page and its notes' data."""
        return self.article(article), self.annotations(article)

    def latest_pages(
        self, topics: tuple[TopicIn, ...], entries: tuple[EventIn | ArticleIn, ...]
    ) -> tuple[PlannedPage, PlannedPage, PlannedPage]:
        """The pages that show the latest articles' text or notes: the home page and the two feeds."""
        return self.home(topics, entries), self.feed(), self.notes_feed()

    def topic_list(self, topics: tuple[TopicIn, ...]) -> PlannedPage:
        return PlannedPage("topics/", "topics.html", (topics,), self.views.topics, "the topic list")

    def timeline_data(self, entries: tuple[EventIn | ArticleIn, ...]) -> PlannedPage:
        settings = self.site.settings
        inputs = (settings.title, settings.description, entries)
        return PlannedPage("timeline.json", "", inputs, self.views.timeline_data, "the timeline data")

    def topic(self, item: TopicIn) -> list[PlannedPage]:
        """A topic's page, or, past TOPIC_SPLIT items, a main page and a page per year."""
        slug, origin = item.topic.slug, item.topic.origin.path
        filed = self.idx.by_topic[slug]
        html = self.site.html[("topic", slug)]
        made_of = TopicMadeOf(
            item, html, tuple(filed.articles), tuple(filed.notes), tuple(filed.events), self.idx.labels
        )

        def make() -> TopicPages:
            return tuple((page.target, page.inputs) for page in self._topic(item, made_of))

        made = self.steps.topic_pages(slug, made_of, make)
        line = slug_line(item.topic.origin)
        return [PlannedPage(target, "topic.html", inputs, self.views.topic, origin, line) for target, inputs in made]

    def _topic(self, item: TopicIn, made_of: TopicMadeOf) -> list[PlannedPage]:
        slug, origin = item.topic.slug, item.topic.origin.path
        filed = self.idx.by_topic[slug]
        articles, notes, events = filed.articles, filed.notes, filed.events
        html, labels = made_of.html, made_of.labels
        dates = self.idx.articles
        cov = chart.coverage(
            (
                [a.date for a in articles],
                [dates[n.note.article].date for n in notes],
                [e.event.date for e in events],
            )
        )
        if item.items <= TOPIC_SPLIT:
            found_all = (tuple(articles), tuple(notes), tuple(events))
            inputs: tuple[object, ...] = (item, html, *found_all, labels, (), None, cov)
            return [PlannedPage(Urls.topic(slug), "topic.html", inputs, self.views.topic, origin)]
        by_year: dict[int, TopicEntries] = {}
        for article in articles:
            by_year.setdefault(article.date.year, TopicEntries()).articles.append(article)
        for note in notes:
            by_year.setdefault(self.idx.articles[note.note.article].date.year, TopicEntries()).notes.append(note)
        for event in events:
            by_year.setdefault(event.event.date.year, TopicEntries()).events.append(event)
        years = tuple((y, by_year[y].count()) for y in sorted(by_year, reverse=True))
        main: tuple[object, ...] = (item, html, tuple(articles[:TOPIC_LATEST]), (), (), labels, years, None, cov)
        pages = [PlannedPage(Urls.topic(slug), "topic.html", main, self.views.topic, origin)]
        for year, _ in years:
            found = by_year[year]
            inputs = (item, "", tuple(found.articles), tuple(found.notes), tuple(found.events), labels, (), year)
            pages.append(PlannedPage(Urls.topic_year(slug, year), "topic.html", inputs, self.views.topic, origin))
        return pages


def article_list_pages(views: Views, articles: tuple[ArticleIn, ...], labels: Labels) -> list[PlannedPage]:
    """The list of articles (newest first), or, past ARTICLES_SPLIT, the latest and a page per year."""
    origin = "the article list"
    if len(articles) <= ARTICLES_SPLIT:
        return [PlannedPage("articles/", "articles.html", (articles, labels), views.articles, origin)]
    by_year: dict[int, list[ArticleIn]] = {}
    for article in articles:
        by_year.setdefault(article.date.year, []).append(article)
    years = tuple((y, len(by_year[y])) for y in sorted(by_year, reverse=True))
    main = (articles[:ARTICLES_LATEST], labels, years)
    pages = [PlannedPage("articles/", "articles.html", main, views.articles, origin)]
    for year, _ in years:
        inputs = (tuple(by_year[year]), labels, (), year)
        pages.append(PlannedPage(Urls.articles_year(year), "articles.html", inputs, views.articles, origin))
    return pages


def timeline_pages(views: Views, entries: tuple[EventIn | ArticleIn, ...], labels: Labels) -> list[PlannedPage]:
    """The timeline, or, past TIMELINE_SPLIT entries, a main page (years, latest entries) and a page per year."""
    if len(entries) <= TIMELINE_SPLIT:
        return [PlannedPage("timeline/", "timeline.html", (entries, labels), views.timeline, "the timeline")]
    by_year: dict[int, list[EventIn | ArticleIn]] = {}
    for entry in entries:
        by_year.setdefault(entry.event.date.year if isinstance(entry, EventIn) else entry.date.year, []).append(entry)
    index = tuple((y, len(by_year[y])) for y in sorted(by_year, reverse=True))
    spans = [(i, e) for i, e in enumerate(entries) if isinstance(e, EventIn) and e.event.end is not None]
    latest = entries[-TIMELINE_LATEST:]
    main = (latest, labels, index, None, _carried(spans, len(entries) - len(latest), latest))
    pages = [PlannedPage("timeline/", "timeline.html", main, views.timeline, "the timeline")]
    done = 0
    for year, found in by_year.items():
        inputs = (tuple(found), labels, (), year, _carried(spans, done, found))
        done += len(found)
        pages.append(PlannedPage(Urls.timeline_year(year), "timeline.html", inputs, views.timeline, "the timeline"))
    return pages


def _carried(
    spans: Sequence[tuple[int, EventIn]], start: int, page: Sequence[EventIn | ArticleIn]
) -> tuple[EventIn, ...]:
    """The spans (at their place among all entries) before ``start`` still running at ``page``'s first entry."""
    if not page:
        return ()
    first = page[0].event.date if isinstance(page[0], EventIn) else page[0].date
    return tuple(e for i, e in spans if i < start and e.event.end is not None and eras.covers(e.event.end, first))


def plan(
    site: Site, views: Views, idx: Index, steps: IndexSteps | None = None
) -> tuple[list[PlannedPage], list[Diagnostic]]:
    """Every output page; two things on one output path is an error naming both (``steps``:
    how each topic's pages are made, see :class:`IndexSteps`)."""
    planner = Planner(site, views, idx, steps or DirectIndexSteps())
    labels = idx.labels
    topics = planner.topics()
    timeline = timeline_items(site, idx)
    all_articles = tuple(idx.articles[a.slug] for a in site.articles)
    home, feed, notes_feed = planner.latest_pages(topics, timeline)
    pages = [
        home,
        *article_list_pages(views, all_articles, labels),
        planner.topic_list(topics),
        *timeline_pages(views, timeline, labels),
        PlannedPage("404.html", "404.html", (), dict, "the 404 page"),
        PlannedPage("search/", "search.html", (other_languages(site),), views.search, "the search page"),
        feed,
        notes_feed,
        PlannedPage("robots.txt", "robots.txt", (), dict, "robots.txt"),
        planner.timeline_data(timeline),
    ]
    own_pages = [planner.pages_of(article) for article in site.articles]
    # every article's page, then every article's notes' data
    pages += [page for same_kind in zip(*own_pages, strict=True) for page in same_kind]
    pages += [page for item in topics for page in planner.topic(item)]
    problems = [taken for free in site.pages if (taken := url_taken(free)) is not None]
    pages += [free_page(site, views, free) for free in site.pages if url_taken(free) is None]
    pages.append(sitemap(views, pages))
    kept, clashes = one_per_path(pages)
    moved, wrong = redirect_pages(site, kept)
    return kept + moved, problems + clashes + wrong


def redirect_pages(site: Site, planned: Sequence[PlannedPage]) -> tuple[list[PlannedPage], list[Diagnostic]]:
    """A redirect page at each alias of the site's records (after the sitemap, which lists none),
    and an error for each alias on the path of a page of ``planned`` or of another alias."""
    taken = {page.path: page.origin for page in planned}
    kept, problems = redirects.checked(site, taken, RESERVED)
    made = [PlannedPage(a.target, redirects.TEMPLATE, (a.to,), redirects.view, a.record.origin.path) for a in kept]
    return made, problems


def sitemap(views: Views, pages: Sequence[PlannedPage]) -> PlannedPage:
    """The sitemap: every HTML page of the plan but the search page."""
    targets = tuple(p.target for p in pages if (p.target.endswith("/") or p.target == "") and p.target != "search/")
    return PlannedPage("sitemap.xml", "sitemap.xml", (targets,), views.sitemap, "the sitemap")


def free_page(site: Site, views: Views, free: Page) -> PlannedPage:
    inputs = (free, site.html[("page", free.slug)])
    return PlannedPage(Urls.page(free.slug), "page.html", inputs, views.page, free.origin.path, slug_line(free.origin))


def _said_at(planned: PlannedPage, first: PlannedPage) -> PlannedPage:
    """Which of two pages on one path the error is said at: a file that chose the URL with ``slug:``,
    else the later file (a built-in listing is never said at)."""
    files = [page for page in (planned, first) if "/" in page.origin]
    return ([page for page in files if page.slug_line] or files or [first])[0]


def one_per_path(pages: Sequence[PlannedPage]) -> tuple[list[PlannedPage], list[Diagnostic]]:
    """The first page planned at each output path, and an error for each pair of sources on one path."""
    problems: list[Diagnostic] = []
    seen: dict[str, PlannedPage] = {}
    clashes: set[tuple[str, str]] = set()  # one message per pair of sources, not per output file
    for planned in pages:
        first = seen.setdefault(planned.path, planned)
        if first is not planned and (first.origin, planned.origin) not in clashes:
            clashes.add((first.origin, planned.origin))
            said = _said_at(planned, first)
            where = Location(said.origin, said.slug_line or 1)
            other = first.origin if said is planned else planned.origin
            message = f"two things on one URL /{planned.target}: this file and {other}"
            hint = "give this file another slug" if said.slug_line else "rename one of them"
            problems.append(Diagnostic(where, message, hint))
    return [p for p in pages if seen[p.path] is p], problems
