"""The views: the named data each template and data file is made from (dossier.publish.contexts)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import REPO
from markupsafe import Markup

from dossier.config import Editors, Settings
from dossier.link import htmltext
from dossier.link.annotations import AnchoredArticle, anchor
from dossier.model import Annotation, Event, Origin, Page, PartialDate
from dossier.publish import i18n
from dossier.publish.urls import Urls
from dossier.publish.views import ArticleIn, EventIn, NoteIn, Views, note_times, numbered

LABELS = (("irak", "Irak"),)


@pytest.fixture(scope="module")
def views() -> Views:
    return Views(i18n.load(REPO / "dossier" / "themes" / "default", "fr", REPO), Urls("https://presse.example/d/"))


def article(summary: str = "", source: str = "") -> ArticleIn:
    return ArticleIn("a", "Un article", PartialDate(2024, 3), source, False, summary, ("irak",), False, 0)


def event(slug: str, date: PartialDate, end: PartialDate | None = None) -> EventIn:
    return EventIn(Event(slug, f"Titre {slug}", date, "", Origin(f"content/timeline/{slug}.md"), end), "<p>x</p>", ())


def test_the_common_view_shows_the_settings_and_the_lists_then_the_free_pages(views: Views) -> None:
    settings = Settings(title="Dossier", subtitle="Sous-titre", author="Rédaction", license="CC BY")
    page = Page("a-propos", "À propos", "", Origin("content/pages/a-propos.md"))
    common = views.common(settings, [page], ["AFP", "Reuters"], search=False)
    site = common["site"]
    assert (site["title"], site["subtitle"], site["author"], site["license"]) == (
        "Dossier",
        "Sous-titre",
        "Rédaction",
        "CC BY",
    )
    assert [link["url"] for link in site["nav"]] == ["/d/articles/", "/d/topics/", "/d/timeline/", "/d/a-propos/"]
    assert site["nav"][-1]["label"] == "À propos"
    assert site["sources"] == ["AFP", "Reuters"] and site["search"] is False and site["dev"] is False
    assert views.common(settings, [], [], dev=True)["site"]["dev"] is True  # the development server's script
    assert common["jsonld"] is None  # a page with structured data gives its own


def test_og_locale_is_the_language_of_the_page_shown(views: Views) -> None:
    """The site's everywhere (fr_FR), but an article or a page in another language has its own."""
    assert views.common(Settings(title="Dossier"), [], [])["page_locale"] == "fr_FR"
    anchored, notes = _notes((None, None, None))
    english = article()._replace(lang="en")
    assert views.article(english, anchored, notes, (), LABELS)["page_locale"] == "en_US"
    assert views.article(article(), anchored, notes, (), LABELS)["page_locale"] == "fr_FR"
    page = Page("p", "P", "", Origin("content/pages/p.md"), lang="pt-BR")
    assert views.page(page, "<p>x</p>")["page_locale"] == "pt_BR"
    assert views.page(replace(page, lang=""), "<p>x</p>")["page_locale"] == "fr_FR"


def test_an_article_on_the_timeline_shows_its_summary_as_text_and_an_event_its_html(views: Views) -> None:
    entry = views.entry(article(summary="<b>résumé</b>"), LABELS)
    assert (entry["id"], entry["kind"], entry["url"]) == ("article-a", "article", "/d/articles/a/")
    assert entry["html"] == "<b>résumé</b>" and not isinstance(entry["html"], Markup)  # escaped by the template
    assert entry["end"] is None and entry["articles"] == [] and entry["topics"][0]["label"] == "Irak"
    span = views.entry(event("guerre", PartialDate(2014, 6), PartialDate(2017, 12)), LABELS)
    assert (span["id"], span["kind"], span["url"]) == ("event-guerre", "span", "/d/timeline/#event-guerre")
    assert isinstance(span["html"], Markup) and span["end"] is not None and span["end"]["iso"] == "2017-12"


def test_structured_data_names_a_summary_and_a_source_only_when_the_article_has_them(views: Views) -> None:
    bare = views.news_article(article(), LABELS)
    assert "description" not in bare and "isBasedOn" not in bare
    full = views.news_article(article(summary="En bref.", source="AFP"), LABELS)
    assert list(full)[-2:] == ["description", "isBasedOn"]
    assert full["isBasedOn"]["publisher"] == {"@type": "Organization", "name": "AFP"}
    assert full["about"] == [{"@type": "Thing", "name": "Irak"}]


def test_timeline_data_writes_each_date_at_its_own_precision(views: Views) -> None:
    entries = (
        event("annee", PartialDate(2014)),
        event("mois", PartialDate(2015, 2), PartialDate(2018, 1)),  # three years: an era as well
        event("jour", PartialDate(2016, 5, 9)),
    )
    data = views.timeline_data("Titre", "Texte", entries)
    dates = [json.dumps(e["start_date"], ensure_ascii=False) for e in data["events"]]
    assert dates == [
        '{"year": "2014", "display_date": "2014"}',
        '{"year": "2015", "month": "2", "display_date": "février 2015"}',
        '{"year": "2016", "month": "5", "day": "9", "display_date": "9 mai 2016"}',
    ]
    assert [list(e) for e in data["events"]][1][-1] == "end_date"  # a span's end comes last
    assert [era["text"]["headline"] for era in data["eras"]] == ["Titre mois"]


def _notes(dates: tuple[PartialDate | None, ...]) -> tuple[AnchoredArticle, tuple[NoteIn, ...]]:
    html = "<p>Un passage, puis un autre passage.</p>\n<p>Et un troisième.</p>"
    quotes = ("Un passage", "un autre passage", "troisième")
    notes = [
        Annotation(f"n{i}", "a", quote, "contexte", "Une note.", Origin(f"content/annotations/n{i}.md"), date=when)
        for i, (quote, when) in enumerate(zip(quotes, dates, strict=True))
    ]
    anchored, problems = anchor(htmltext.build(html), notes)
    assert problems == []
    return anchored, tuple(NoteIn(a.note, a.number, "<p>Une note.</p>", "Un article") for a in anchored.notes)


def test_each_annotation_names_its_note_its_passage_its_date_and_who_wrote_it(views: Views) -> None:
    anchored, notes = _notes((PartialDate(2024, 3, 6), None, PartialDate(2024, 5)))
    team = Views(views.strings, views.urls, Settings(title="D", editors=Editors("La rédaction", "/a-propos/")))
    data = team.annotations(article(), anchored, notes)
    first, second, third = data["first"]["items"]
    assert first["id"] == "https://presse.example/d/articles/a/#note-1"
    assert first["canonical"] == "https://presse.example/d/articles/a/#annotation-n0"
    assert (first.get("created"), second.get("created"), third.get("created")) == (
        "2024-03-06T00:00:00Z",
        None,  # no date: none made up
        "2024-05-01T00:00:00Z",
    )
    assert first["creator"] == {
        "id": "https://presse.example/d/a-propos/",
        "type": "Organization",
        "name": "La rédaction",
        "homepage": "https://presse.example/d/a-propos/",
    }
    assert first["generator"]["type"] == "Software" and first["generator"]["name"].startswith("dossier ")
    quote, position = second["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "un autre passage",
        "prefix": "Un passage, puis ",
        "suffix": ".\nEt un troisième.\n",
    }
    assert position == {"type": "TextPositionSelector", "start": 17, "end": 33}
    assert third["target"]["selector"][0]["prefix"] == "e, puis un autre passage.\nEt un "  # 32 characters
    assert data["via"] == "https://presse.example/d/articles/a/"  # the collection links back to its page
    assert "creator" not in views.annotations(article(), anchored, notes)["first"]["items"][0]  # no team named


def test_the_notes_feed_gives_each_note_its_own_updated_made_of_content(views: Views) -> None:
    _, notes = _notes((None, None, PartialDate(2024, 3, 1)))
    items = tuple((n, article()) for n in notes)
    times = note_times(items)
    # one day (the article's, March 2024: the 1st, and the third note's own), told apart by article then note slug
    assert times == ["2024-03-01T00:00:00Z", "2024-03-01T00:00:01Z", "2024-03-01T00:00:02Z"]
    assert note_times(tuple(reversed(items))) == list(reversed(times))  # not the feed's order: the content's
    feed = views.notes_feed(items, LABELS)
    assert [e["updated"] for e in feed["entries"]] == times and feed["updated"] == max(times)
    assert feed["entries"][2]["published"] == "2024-03-01T00:00:00Z"


def test_a_note_dated_elsewhere_keeps_its_own_day(views: Views) -> None:
    _, notes = _notes((PartialDate(2024, 6, 2), None, None))
    items = tuple((n, article()) for n in notes)
    assert note_times(items) == ["2024-06-02T00:00:00Z", "2024-03-01T00:00:00Z", "2024-03-01T00:00:01Z"]


def test_a_feed_writes_each_note_number_that_the_page_draws_with_css() -> None:
    html = '<p><mark>x</mark><a class="note-ref" href="#note-2" data-n="2" aria-labelledby="note-2"></a> y</p>'
    assert numbered(html) == '<p><mark>x</mark><sup><a class="note-ref" href="#note-2">2</a></sup> y</p>'
    assert numbered("<p>sans note</p>") == "<p>sans note</p>"
