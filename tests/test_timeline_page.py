"""The timeline page in Debian's Chromium: topic filter, deep links, era bars.

The shipped dossier is built and served under ``/dossier/`` on 127.0.0.1 by ``test_search``'s
server (which records every request that does not answer 200). The filter is progressive
enhancement: without JavaScript every entry shows and the control stays hidden. A generated
dossier long enough to split the timeline by year checks that deep links still find their
entry: links across the site point to the year's page, and an old link to the main page is
sent there by the page's script.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from browser import chromium
from conftest import REPO
from test_search import Served, _build, _serve
from test_site import copy_project

SPAN = "event-presence-militaire-americaine-2003-2011"  # from 2003-03-20 to 2011-12-18
LAST_IN_SPAN = "event-retrait-americain-2011"  # 2011-12-18, the span's last day
ENTRY = "event-chute-de-mossoul"  # 2014-06-10, within another span


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_project(tmp_path_factory.mktemp("timeline"))
    yield from _serve(_build(root, "--no-search"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    """A page at 1280 by 900 whose console errors and uncaught exceptions fail the test.

    Failed requests are the server's to report (``served.failures``, which leaves out the favicon).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []
    assert served.failures == []


def shown(page: Any) -> list[str]:
    """The ids of the entries on screen (not hidden by the filter or in a hidden year)."""
    ids: list[str] = page.eval_on_selector_all(
        ".chrono .entry", "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)"
    )
    return ids


def test_the_filter_hides_other_topics_and_shows_them_again(page: Any, served: Served) -> None:
    page.goto(f"{served.url}timeline/")
    everything = shown(page)
    assert len(everything) == 27 and page.is_visible("#timeline-topic")
    options = page.eval_on_selector_all("#timeline-topic option", "os => os.map(o => [o.value, o.textContent])")
    assert options[0][0] == "" and ["iran", "Iran (3)"] in options

    page.select_option("#timeline-topic", "iran")
    found = shown(page)
    topics = page.eval_on_selector_all(
        ".chrono .entry", "els => Object.fromEntries(els.map(e => [e.id, e.dataset.topics]))"
    )
    assert len(found) == 3 and all("iran" in topics[i].split() for i in found)
    assert all("iran" not in topics[i].split() for i in set(everything) - set(found))
    assert page.inner_text(".timeline-filter-status") == "3 entrées affichées"
    assert page.url.endswith("timeline/?topic=iran")
    years = page.eval_on_selector_all(
        ".year", "ys => ys.filter(y => !y.hidden).map(y => y.querySelector('h2').textContent)"
    )
    assert years == ["2020", "2024"]  # the years left empty are hidden with their entries

    page.reload()  # the address keeps the choice
    assert page.input_value("#timeline-topic") == "iran" and len(shown(page)) == 3

    page.select_option("#timeline-topic", "")
    assert shown(page) == everything
    assert page.inner_text(".timeline-filter-status") == ""
    assert page.url.endswith("timeline/")


def test_without_javascript_every_entry_shows(browser: Any, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{served.url}timeline/?topic=iran")
    assert page.locator(".chrono .entry:visible").count() == page.locator(".chrono .entry").count() == 27
    assert page.locator(".timeline-filter").is_hidden()  # a control that could do nothing is not shown
    context.close()


def _in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < 900 and box["y"] + 10 < 900


def test_a_deep_link_scrolls_to_its_entry_and_highlights_it(page: Any, served: Served) -> None:
    page.goto(f"{served.url}timeline/#{ENTRY}")
    assert page.evaluate("document.querySelector(':target').id") == ENTRY
    assert _in_view(page, f"#{ENTRY}")
    background = "id => getComputedStyle(document.getElementById(id)).backgroundColor"
    assert page.evaluate(background, ENTRY) != page.evaluate(background, LAST_IN_SPAN)
    link = page.get_attribute(f"#{ENTRY} .entry-anchor", "href")
    assert link == f"#{ENTRY}"  # the entry's date is its permanent link

    page.goto(f"{served.url}timeline/?topic=iran#{ENTRY}")  # an entry the filter hides: shown again
    assert ENTRY in shown(page) and page.input_value("#timeline-topic") == ""
    assert _in_view(page, f"#{ENTRY}")

    page.goto(f"{served.url}timeline/#chute-de-mossoul")  # a link made before entries had a prefix
    page.wait_for_url(f"**/timeline/#{ENTRY}")
    assert page.evaluate("document.querySelector(':target').id") == ENTRY


def test_links_across_the_site_point_to_entries(page: Any, served: Served) -> None:
    page.goto(served.url)
    teaser = page.eval_on_selector_all(".home-teaser .entry-title a", "as => as.map(a => a.getAttribute('href'))")
    assert "/dossier/timeline/#event-election-presidentielle-2024" in teaser
    page.click(".home-teaser a[href$='#event-election-presidentielle-2024']")
    page.wait_for_url("**/timeline/#event-election-presidentielle-2024")
    assert _in_view(page, "#event-election-presidentielle-2024")


@pytest.mark.parametrize("width", [1280, 390])
def test_spans_are_bars_beside_the_entries_they_cover(page: Any, served: Served, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{served.url}timeline/")
    pieces = page.evaluate(
        """([first, last]) => {
            const entries = [...document.querySelectorAll('.chrono .entry')];
            const at = (id) => entries.findIndex(e => e.id === id);
            const rows = entries.slice(at(first), at(last) + 1);
            return rows.map(e => {
                const era = e.querySelector('.era.era-lane-0');
                const box = era && era.getBoundingClientRect();
                return era && {id: e.id, top: box.top, bottom: box.bottom, left: box.left, cls: era.className};
            });
        }""",
        [SPAN, LAST_IN_SPAN],
    )
    assert len(pieces) == 6 and all(pieces), pieces  # the span and the five entries it covers, each with a piece
    assert "era-start" in pieces[0]["cls"] and "era-end" in pieces[-1]["cls"]
    for before, after in itertools.pairwise(pieces):
        assert abs(after["top"] - before["bottom"]) <= 1, (before, after)  # one unbroken bar, through the years
        assert after["left"] == before["left"]
    label = page.inner_text(f"#{SPAN} .era-label")
    assert label == "Présence militaire américaine en Irak"
    marker = page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect(); return r.left; }", SPAN
    )
    assert pieces[0]["left"] < marker  # in the gutter, left of the entries
    following = page.evaluate(
        """id => {
            const entries = [...document.querySelectorAll('.chrono .entry')];
            const next = entries[entries.findIndex(e => e.id === id) + 1];
            return [...next.querySelectorAll('.era')].map(e => e.className);
        }""",
        LAST_IN_SPAN,
    )
    assert following == ["era era-lane-0 era-start"]  # the bar has ended; the lane's next span begins here
    assert page.locator(".era-start").count() == 3  # the three spans of the dossier


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A dossier of 312 timeline entries (300 articles, 12 events and spans): one page per year."""
    sys.path.insert(0, str(REPO))
    from bench.generate import generate

    root = tmp_path_factory.mktemp("long") / "dossier"
    generate(root, articles=300, notes_per_article=0, events=12, topic_count=4)
    yield from _serve(_build(root, "--no-search"))


def test_deep_links_find_their_year_when_the_timeline_is_split(browser: Any, long_site: Served) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{long_site.url}articles/article-00037/")
    links = page.eval_on_selector_all(".entry-title a[href*='timeline/']", "as => as.map(a => a.getAttribute('href'))")
    assert links == ["/dossier/timeline/2001/#event-evenement-00001"]  # the year's page, which has the entry
    page.click(".entry-title a[href*='timeline/']")
    page.wait_for_url("**/timeline/2001/#event-evenement-00001")
    assert page.evaluate("document.querySelector(':target').id") == "event-evenement-00001"

    page.goto(f"{long_site.url}timeline/#event-evenement-00001")  # not among the main page's latest entries
    page.wait_for_url("**/timeline/2001/#event-evenement-00001")
    assert page.evaluate("document.querySelector(':target').id") == "event-evenement-00001"

    page.goto(f"{long_site.url}timeline/2001/")  # a span from 2000 runs into 2001: its bar comes from above
    assert page.locator(".era-carried").count() == 1
    assert page.inner_text(".era-carried .era-label") == "Événement 0 : une enquête indépendante"
    page.close()
    assert errors == [] and long_site.failures == []
