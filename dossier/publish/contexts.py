"""The shapes of the views: what each template, and each data file, is made from.

A page's template gets the :class:`CommonView` (what every page shows), its page kind's view
on top (:class:`HomeView`, :class:`ArticlePageView`...), and ``page_url``. A data file
(``annotations.jsonld``, ``timeline.json``) is its view written as JSON, keys in the order
written here. Text is ``str``; HTML that is safe as it is, ``Markup``.

Keys that start with ``@`` (JSON-LD) cannot be class attributes: those shapes are declared
with :class:`TypedDict`'s call form.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from markupsafe import Markup

# -- small pieces -------------------------------------------------------------------


class DateView(TypedDict):
    label: str  # as the language writes it, at the date's precision
    iso: str
    year: int


class TopicLink(TypedDict):
    slug: str
    label: str
    url: str


class Link(TypedDict):
    """A link to an article."""

    title: str
    url: str


class NavLink(TypedDict):
    label: str
    url: str


class YearLink(TypedDict):
    """A year's page of a long list, and how many items it holds."""

    year: int
    count: int
    url: str


class ArticleItem(TypedDict):
    """An article as lists show it (not its text)."""

    slug: str
    title: str
    url: str
    date: DateView
    source: str
    verbatim: bool  # imported from a seed, whose text the build checked
    summary: str
    topics: list[TopicLink]
    note_count: int
    draft: bool
    lang: str  # its language when not the site's ("" otherwise): its parts are marked with it


class NoteView(TypedDict):
    id: str
    slug: str
    number: int
    kind: str
    kind_label: str
    quote: str
    html: Markup
    end_html: Markup  # the note in the end notes: its ids renamed, so that none is on the page twice
    topics: list[TopicLink]
    lang: str  # its language when not the site's ("" otherwise): its parts are marked with it
    passage_id: str
    date: DateView | None  # when the note was written, if its file says
    url: str
    article: Link


class KeyNote(NoteView):
    """A note under its article on the home page, with the start of its text."""

    excerpt: str


class LatestArticle(ArticleItem):
    """One of the latest articles on the home page, with its first notes."""

    key_notes: list[KeyNote]


class EraMark(TypedDict):
    """One piece of an era's bar beside a timeline entry."""

    lane: int
    carried: bool  # the bar comes from an earlier page
    start: bool
    end: bool
    label: str  # the era's name, on the piece where a bar of more than one row begins
    rows: int


class FigureView(TypedDict):
    """An image named in front matter, as the ``figure`` macro shows it."""

    picture: Markup  # the responsive <picture> (dossier.link.images.picture)
    caption: str
    credit: str


class OpenGraphImage(TypedDict):
    """The image social sites show for a page: an absolute URL, its size and its text."""

    url: str
    width: int
    height: int
    alt: str
    type: str


class FeedImageFile(TypedDict):
    """One file of an image, as Media RSS names it: its absolute URL and size."""

    url: str
    width: int
    height: int
    type: str


class FeedImage(TypedDict):
    """An article's image in its feed entry (Media RSS): the file readers show, a small one for
    their lists, its text and its credit."""

    content: FeedImageFile
    thumbnail: FeedImageFile
    alt: str
    credit: str


ImageObject = TypedDict(
    "ImageObject",
    {
        "@type": str,
        "contentUrl": str,
        "url": str,
        "width": int,
        "height": int,
        "caption": NotRequired[str],
        "creditText": NotRequired[str],
    },
)


class EntryView(TypedDict):
    """A timeline entry: an event, a span, or an article."""

    id: str
    kind: str  # "event", "span" or "article"
    title: str
    date: DateView
    end: DateView | None
    html: str  # an event's text (Markup), or an article's summary (plain text)
    topics: list[TopicLink]
    articles: list[Link]  # the articles an event cites
    url: str
    lane: int | None  # on the timeline page: the lane of the span's own bar
    eras: list[EraMark]  # on the timeline page: the pieces of era bars beside this entry
    lang: str  # its language when not the site's ("" otherwise): its parts are marked with it
    figure: NotRequired[FigureView]  # an event's media


class TopicItem(TypedDict):
    slug: str
    label: str
    url: str
    count: int  # articles, notes and events on the topic
    lang: str  # its language when not the site's ("" otherwise): its parts are marked with it


# -- what every page shows ------------------------------------------------------------


class SiteView(TypedDict):
    title: str
    subtitle: str
    description: str
    language: str
    author: str
    license: str
    url: str
    feed_url: str
    notes_feed_url: str
    locale: str  # Open Graph's form of the site's language (fr_FR)
    nav: list[NavLink]
    sources: list[str]
    search: bool  # the header's search field (off with --no-search: there is no index)
    dev: bool  # on the development server: its page script


class CommonView(TypedDict):
    site: SiteView
    jsonld: None  # a page with structured data gives its own
    page_language: str  # <html lang>: the site's, or the language of the article or page shown
    page_locale: str  # og:locale: page_language in Open Graph's form (fr_FR, en_US)


# -- JSON-LD (schema.org) ---------------------------------------------------------------

Thing = TypedDict("Thing", {"@type": str, "name": str})  # any schema.org thing by its name: a Thing, an Organization
Logo = TypedDict("Logo", {"@type": str, "url": str})  # an ImageObject by its URL alone
Organization = TypedDict(
    "Organization",
    {"@type": str, "name": str, "url": NotRequired[str], "logo": NotRequired[Logo]},
)
# the agency's dispatch; its datePublished: its latest version's date (the article's, if never updated);
# a date without its day is no schema.org Date: it is the temporalCoverage instead (views.dated)
BasedOn = TypedDict(
    "BasedOn",
    {
        "@type": str,
        "headline": str,
        "datePublished": NotRequired[str],
        "temporalCoverage": NotRequired[str],
        "publisher": Thing,
    },
)
NewsArticle = TypedDict(
    "NewsArticle",
    {
        "@context": str,
        "@type": str,
        "headline": str,
        "datePublished": NotRequired[str],
        "temporalCoverage": NotRequired[str],
        "author": NotRequired[Thing],
        "publisher": Organization,
        "dateModified": NotRequired[str],  # the date of the dispatch's latest version, when it was updated
        "inLanguage": str,
        "url": str,
        "mainEntityOfPage": str,
        "about": list[Thing],
        "description": NotRequired[str],
        "isBasedOn": NotRequired[BasedOn],
        "image": NotRequired[ImageObject],  # the article's image
    },
)
WebSite = TypedDict(
    "WebSite",
    {
        "@type": str,
        "@id": str,
        "url": str,
        "name": str,
        "description": NotRequired[str],
        "inLanguage": str,
        "publisher": Organization,
    },
)
IdRef = TypedDict("IdRef", {"@id": str})
CollectionPage = TypedDict(
    "CollectionPage",
    {
        "@type": str,
        "@id": str,
        "url": str,
        "name": str,
        "description": NotRequired[str],
        "inLanguage": str,
        "isPartOf": IdRef,
    },
)
WebSiteGraph = TypedDict("WebSiteGraph", {"@context": str, "@graph": list[WebSite | CollectionPage]})
ListItem = TypedDict("ListItem", {"@type": str, "position": int, "url": str, "name": str})
ItemList = TypedDict(
    "ItemList",
    {
        "@context": str,
        "@type": str,
        "name": str,
        "url": str,
        "numberOfItems": int,
        "itemListElement": list[ListItem],
    },
)

# -- the coverage chart ---------------------------------------------------------------


class RectView(TypedDict):
    series: int
    x: int
    y: int
    w: int
    h: int


class BarView(TypedDict):
    title: str
    rects: list[RectView]


class TickView(TypedDict):
    x: int
    label: str


class DrawingView(TypedDict):
    """Where everything goes, in the picture's integer units (see :class:`dossier.publish.chart.Drawing`)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    base: int
    peak: int
    bars: list[BarView]
    ticks: list[TickView]
    label_y: int


class SeriesView(TypedDict):
    n: int
    label: str


class ChartRow(TypedDict):
    """A period's figures, for the chart's table."""

    period: str
    iso: str
    counts: list[int]
    total: int


class ChartView(TypedDict):
    title: str
    title_id: str
    drawing: DrawingView
    series: list[SeriesView]
    period_label: str
    rows: list[ChartRow]


# -- pages ----------------------------------------------------------------------------


class HomeView(TypedDict):
    jsonld: WebSiteGraph
    intro: Markup
    figures: list[str]
    latest: list[LatestArticle]
    topics: list[TopicItem]
    teaser: list[EntryView]


class ArticlesView(TypedDict):
    articles: list[ArticleItem]
    years: list[YearLink]
    year: int | None


class BlockView(TypedDict):
    """A block of an article's text and the notes beside it."""

    html: Markup
    notes: list[NoteView]


class PieceView(TypedDict):
    """A run of words of a changed passage."""

    kind: str  # "same" (context), "removed" or "added"
    text: str


class ExcerptView(TypedDict):
    """A changed passage with a few words around it."""

    pieces: list[PieceView]
    starts: bool  # it reaches the paragraph's start: nothing left out before it
    ends: bool  # it reaches the paragraph's end
    paragraph: str  # "same": words changed in a paragraph; "added"/"removed": a paragraph new or taken out, whole


class ChangeView(TypedDict):
    """A version of a dispatch compared with the one before it."""

    date: DateView
    previous: DateView
    counts: str  # the words added and removed, as the language writes them
    excerpts: list[ExcerptView]
    cut: bool  # more was changed than the excerpts show


class VersionsView(TypedDict):
    updated: Markup  # "Updated March 6, 2024", its date in a <time> element
    changes: list[ChangeView]  # newest first


class ArticlePageView(TypedDict):
    jsonld: NewsArticle
    page_language: str
    page_locale: str
    data_url: str
    article: ArticleItem
    blocks: list[BlockView]
    notes: list[NoteView]
    events: list[EntryView]
    versions: VersionsView | None  # the dispatch's versions, when it was updated from a new seed
    figure: NotRequired[FigureView]  # the article's image, at the top of the page
    og_image: NotRequired[OpenGraphImage]


class TopicsView(TypedDict):
    topics: list[TopicItem]


class TopicPageView(TypedDict):
    jsonld: ItemList
    topic: TopicItem
    intro: Markup
    articles: list[ArticleItem]
    notes: list[NoteView]
    events: list[EntryView]
    years: list[YearLink]
    year: int | None
    chart: ChartView | None
    figure: NotRequired[FigureView]  # the topic's image


class TimelineYear(TypedDict):
    year: int
    entries: list[EntryView]


class TopicFilter(TypedDict):
    """An option of the timeline's topic filter."""

    slug: str
    label: str
    count: int


class TimelineView(TypedDict):
    years: list[TimelineYear]
    index: list[YearLink]
    year: int | None
    lanes: int
    filters: list[TopicFilter]


class FreePage(TypedDict):
    title: str
    summary: str
    html: Markup
    draft: bool
    lang: str  # its language when not the site's ("" otherwise): its parts are marked with it


class PageView(TypedDict):
    page: FreePage
    page_language: str
    page_locale: str


class FeedEntry(TypedDict):
    title: str
    url: str
    id: str
    published: str  # the article's date
    updated: str  # its dispatch's latest version's date, else the article's
    summary: str
    content: Markup
    topics: list[TopicLink]
    lang: str  # its language when not the site's ("" otherwise): its parts are marked with it
    image: NotRequired[FeedImage]  # the article's image


class FeedView(TypedDict):
    entries: list[FeedEntry]
    updated: str
    feed_id: str
    self_url: str


class NotesFeedView(FeedView):
    feed_title: str


class SearchView(TypedDict):
    search_languages: list[str]  # the site's other languages, each with its own index


class SitemapView(TypedDict):
    sitemap: list[str]


# -- data files: an article's notes as W3C Web Annotations -----------------------------


class TextQuoteSelector(TypedDict):
    type: str
    exact: str
    prefix: str
    suffix: str


class TextPositionSelector(TypedDict):
    type: str
    start: int  # in code points of the textContent of the page's article text element
    end: int


class TextualBody(TypedDict):
    type: str
    value: str
    format: str
    language: str
    purpose: str


class AnnotationTarget(TypedDict):
    source: str
    selector: list[TextQuoteSelector | TextPositionSelector]


class Agent(TypedDict):
    """The W3C model's Agent: the editorial team (``creator``), or dossier itself (``generator``)."""

    id: NotRequired[str]  # the team's page, when site.yml gives one
    type: str
    name: str
    nickname: NotRequired[str]
    homepage: NotRequired[str]


class WebAnnotation(TypedDict):
    id: str  # the page's URL and the note's id on it
    type: str
    motivation: str
    canonical: str  # stable when the notes are renumbered: the note's slug
    created: NotRequired[str]  # the note's date, when it has one
    creator: NotRequired[Agent]
    generator: Agent
    body: TextualBody
    target: AnnotationTarget


class AnnotationPage(TypedDict):
    id: str
    type: str
    partOf: str  # the W3C model's names
    startIndex: int
    items: list[WebAnnotation]


AnnotationCollection = TypedDict(
    "AnnotationCollection",
    {
        "@context": str,
        "id": str,
        "type": str,
        "label": str,
        "via": str,  # the article page the notes are published on
        "total": int,
        "last": str,
        "first": AnnotationPage,
    },
)

# -- data files: the timeline in Knight Lab's TimelineJS3 format -------------------------


class TimelineJSDate(TypedDict):
    """A date at its own precision: no month or day when it has none."""

    year: str
    month: NotRequired[str]
    day: NotRequired[str]
    display_date: str


class TimelineJSText(TypedDict):
    headline: str
    text: str


class TimelineJSHeadline(TypedDict):
    headline: str


class TimelineJSEvent(TypedDict):
    unique_id: str
    start_date: TimelineJSDate
    text: TimelineJSText
    group: str
    end_date: NotRequired[TimelineJSDate]
    media: NotRequired[TimelineJSMedia]  # an event's media


class TimelineJSMedia(TypedDict):
    url: str
    alt: str
    caption: NotRequired[str]
    credit: NotRequired[str]


class TimelineJSEra(TypedDict):
    start_date: TimelineJSDate
    end_date: TimelineJSDate
    text: TimelineJSHeadline


class TimelineJSTitle(TypedDict):
    text: TimelineJSText


class TimelineData(TypedDict):
    title: TimelineJSTitle
    events: list[TimelineJSEvent]
    eras: list[TimelineJSEra]
