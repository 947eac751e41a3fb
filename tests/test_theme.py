"""The default theme, checked by real tools in Debian's Chromium.

The shipped dossier is built once (with its search index) and served under ``/dossier/`` on
127.0.0.1 (``test_search``'s server, which records every request that does not answer 200).
The shipped dossier is too small to have the pages of a long article list, topic or
timeline (a main page and a page per year, past ``pages.ARTICLES_SPLIT`` articles,
``pages.TOPIC_SPLIT`` items and ``pages.TIMELINE_SPLIT`` entries); those kinds come from a
dossier made by ``bench/generate.py``, just past the limits, built without search and
served the same way. Every page kind is loaded at 1280 x 900 and at
390 x 844 (a touch phone), and checked in the light and the dark colour scheme; it must show:

- no violation of impact serious or critical from axe-core (``tests/tools/node_modules``,
  served to the page from its own origin, so the Content-Security-Policy stays on);
- no console error, no uncaught exception, no failed request, no request to another host;
- on the phone, no horizontal scrolling.

The article page must also keep its layout promises: on a wide screen each sidenote starts
within 40 px of its passage's line and no two notes overlap, and the text column has no
gap and 60 to 75 characters a line; on the phone a tap on a passage (or its number, or Enter on it) opens its note under
the paragraph and a second one closes it; in print and without CSS the notes are a numbered
list at the end. Screenshots of every page kind at both sizes are written to
``tests/screenshots/`` (``<kind>-<width>x<height>.png``, dark ones ``...-dark.png``).
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from browser import chromium
from conftest import REPO
from test_search import Served, _build, _serve
from test_site import copy_project

AXE = REPO / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "tests" / "screenshots"
ARTICLE = "articles/irak-fin-de-la-coalition/"
KINDS = {
    "home": "",
    "articles": "articles/",
    "article": ARTICLE,
    "topics": "topics/",
    "topic": "topics/irak/",
    "timeline": "timeline/",
    "page": "a-propos/",
    "search": "search/?q=coalition",
    "404": "404.html",
}
# From the generated dossier: 201 articles with a note each, 300 events, 3 topics (every article
# in all three). The article list, the timeline (501 entries) and each topic (over 700 items)
# get a main page and a page per year. Defense's 2000 page lists articles, notes and events;
# the timeline's 2000 page has spans.
GENERATED = {
    "articles-split": "articles/",
    "articles-year": "articles/2000/",
    "topic-split": "topics/defense/",
    "topic-year": "topics/defense/2000/",
    "timeline-split": "timeline/",
    "timeline-year": "timeline/2000/",
}
SIZES = {"wide": (1280, 900), "phone": (390, 844)}
BUDGET = 100_000  # bytes: an article page with its stylesheets and scripts
NEAR = 40  # px: a sidenote's top from its passage's line


# -- the UI strings -------------------------------------------------------------------

NO_BREAK = "\u00a0\u202f"


def test_french_interface_strings_keep_french_typography() -> None:
    """A non-breaking space (U+00A0, or the narrow U+202F) before ``: ; ! ?`` and inside « »."""
    strings = yaml.safe_load((REPO / "dossier" / "themes" / "default" / "i18n" / "fr.yml").read_text(encoding="utf-8"))
    problems = []
    for key, value in strings.items():
        for match in re.finditer(r"[:;!?»]", value):
            if match.start() == 0 or value[match.start() - 1] not in NO_BREAK:
                problems.append(f"{key}: no non-breaking space before {match.group()!r} in {value!r}")
        for match in re.finditer(r"«", value):
            if value[match.end() : match.end() + 1] not in tuple(NO_BREAK):
                problems.append(f"{key}: no non-breaking space after '«' in {value!r}")
    assert problems == []


# -- the built site ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_project(tmp_path_factory.mktemp("theme"))
    yield from _serve(_build(root))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The smallest generated dossier with year pages for its article list, topics and timeline (a few seconds)."""
    sys.path.insert(0, str(REPO))
    from bench.generate import generate

    root = tmp_path_factory.mktemp("generated") / "dossier"
    generate(root, articles=201, notes_per_article=1, events=300, topic_count=3)
    yield from _serve(_build(root, "--no-search"))


class _Resources(HTMLParser):
    """What a page makes the browser fetch: stylesheets, scripts, images, icons..."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.others: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split():
            self.styles.append(a["href"])
        elif tag == "link" and set(a.get("rel", "").split()) & {"icon", "preload", "modulepreload", "manifest"}:
            self.others.append(a["href"])
        elif tag == "script" and "src" in a:
            self.scripts.append(a["src"])
        elif tag in ("img", "source", "iframe", "embed", "video", "audio") and a.get("src"):
            self.others.append(a["src"])


def test_an_article_page_weighs_at_most_100_kb_and_fetches_nothing_elsewhere(served: Served) -> None:
    html = (served.site / ARTICLE / "index.html").read_bytes()
    found = _Resources()
    found.feed(html.decode("utf-8"))
    assert found.styles and found.scripts
    total = len(html)
    for url in found.styles + found.scripts + found.others:
        assert url.startswith("/dossier/") and "//" not in url, f"not on the site: {url}"
        body = (served.site / url.removeprefix("/dossier/")).read_bytes()
        if url in found.styles:
            assert not re.search(rb"@import|url\(\s*['\"]?(?:https?:)?//", body), f"{url} fetches from elsewhere"
        if url not in found.others:
            total += len(body)
    print(f"article page: {total / 1000:.1f} kB (HTML {len(html) / 1000:.1f} kB)")
    assert total <= BUDGET


# -- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def contexts(browser: Any) -> Iterator[dict[str, Any]]:
    """A browser context per size (the phone's with touch); axe-core is served from each site's origin."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):  # the folder shows this run only
        old.unlink()
    made = {}
    for size, (width, height) in SIZES.items():
        phone = size == "phone"
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone)
        context.route("**/dossier/__axe.js", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
        made[size] = context
    yield made
    for context in made.values():
        context.close()


class Watched:
    """A page and everything that went wrong while it loaded and ran."""

    def __init__(self, context: Any, served: Served) -> None:
        self.page = context.new_page()
        self.problems: list[str] = []
        host = urlsplit(served.url).netloc
        page = self.page
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on(
            "request",
            lambda r: (
                None
                if urlsplit(r.url).netloc == host or r.url.startswith(("data:", "blob:"))
                else self.problems.append(f"request to another host: {r.url}")
            ),
        )

    def goto(self, url: str) -> Any:
        self.page.goto(url, wait_until="load")
        if "search/" in url:
            self.page.wait_for_selector("#search[data-state=done]")
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return self.page

    def axe(self, served: Served, rules: list[str] | None = None) -> list[str]:
        if not self.page.evaluate("() => 'axe' in window"):
            self.page.add_script_tag(url=served.url + "__axe.js")
        options: dict[str, Any] = {"resultTypes": ["violations"]}
        if rules:
            options["runOnly"] = {"type": "rule", "values": rules}
        violations = self.page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def watched(contexts: dict[str, Any]) -> Iterator[Any]:
    opened: list[Watched] = []

    def open_page(size: str, site: Served) -> Watched:
        opened.append(Watched(contexts[size], site))
        return opened[-1]

    yield open_page
    for w in opened:
        w.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", [*KINDS, *GENERATED])
def test_every_page_kind_is_accessible_and_clean(
    request: pytest.FixtureRequest, watched: Any, kind: str, size: str
) -> None:
    served: Served = request.getfixturevalue("generated" if kind in GENERATED else "served")
    path = GENERATED.get(kind, KINDS.get(kind, ""))
    assert (served.site / path.split("?")[0]).exists(), f"the built site has no {kind} page: {path}"
    width, height = SIZES[size]
    watch = watched(size, served)
    page = watch.goto(served.url + path)
    page.screenshot(path=SCREENSHOTS / f"{kind}-{width}x{height}.png", full_page=True)
    if size == "phone":
        scroll = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
        assert scroll[0] <= scroll[1], f"{kind}: the page scrolls sideways ({scroll[0]} px wide in {scroll[1]})"
    found = watch.axe(served)
    if size == "wide" or kind == "article":  # the same page in the dark scheme: its colours again
        page.emulate_media(color_scheme="dark")
        if kind == "article":
            page.screenshot(path=SCREENSHOTS / f"{kind}-{width}x{height}-dark.png", full_page=True)
        found += [f"dark: {v}" for v in watch.axe(served, ["color-contrast", "link-in-text-block"])]
    assert found == [], "axe-core:\n" + "\n".join(found)
    assert watch.problems == [], "\n".join(watch.problems)
    assert served.failures == []


# -- the article's notes ----------------------------------------------------------------

SIDENOTES = """() => {
  const text = document.querySelector('.text');
  const notes = [...document.querySelectorAll('.margin-notes .note')].map(note => {
    const box = note.getBoundingClientRect();
    const passage = document.getElementById('passage-' + note.id.slice(5)).getClientRects()[0];
    return {id: note.id, top: box.top, bottom: box.bottom, left: box.left, right: box.right, line: passage.top};
  });
  const paragraphs = [...text.querySelectorAll('.block > :first-child')].map(p => p.getBoundingClientRect());
  return {notes, paragraphs, width: document.documentElement.clientWidth};
}"""


MEASURE = """() => {
  // the characters of each full line (not a paragraph's last) of the article's text
  const counts = [];
  for (const p of document.querySelectorAll('.text .block > p')) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let top = null, count = 0;
    const lines = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.note-ref')) continue;
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (!box) continue;
        if (top !== null && box.top > top + 4) { lines.push(count); count = 0; }
        if (top === null || box.top > top + 4) top = box.top;
        count++;
      }
    }
    counts.push(...lines);
  }
  return counts.sort((a, b) => a - b);
}"""


def assert_sidenotes_beside_their_passages(page: Any) -> None:
    """The shipped article on a wide screen: 16 notes in the margin, each near its passage's line, none overlapping."""
    layout = page.evaluate(SIDENOTES)
    notes = layout["notes"]
    assert len(notes) == 16
    offsets = {n["id"]: round(n["top"] - n["line"]) for n in notes}
    print(f"sidenotes: largest offset from the passage's line {max(map(abs, offsets.values()))} px")
    assert {k: v for k, v in offsets.items() if abs(v) > NEAR} == {}
    for before, after in itertools.pairwise(notes):
        assert before["bottom"] <= after["top"] + 0.5, f"{before['id']} overlaps {after['id']}"
    text_right = max(p["right"] for p in layout["paragraphs"])
    assert all(n["left"] >= text_right + 16 for n in notes), "notes in the margin, not over the text"
    assert all(n["right"] <= layout["width"] for n in notes), "notes inside the window"
    gaps = [b["top"] - a["bottom"] for a, b in itertools.pairwise(layout["paragraphs"])]
    assert max(gaps) < 40, f"a gap in the text column: {max(gaps)} px"


def characters_a_line(page: Any) -> int:
    """The median of the article's full lines, in characters."""
    counts = page.evaluate(MEASURE)
    median: int = counts[len(counts) // 2]
    print(f"text: {median} characters a line (median of {len(counts)} full lines)")
    return median


def test_sidenotes_sit_beside_their_passages_on_a_wide_screen_and_the_text_keeps_its_measure(
    served: Served, watched: Any
) -> None:
    """With this machine's fonts; ``test_fonts.py`` forces the narrowest and the widest serif."""
    page = watched("wide", served).goto(served.url + ARTICLE)
    assert_sidenotes_beside_their_passages(page)
    assert 60 <= characters_a_line(page) <= 75


def test_a_folded_sidenote_unfolds_and_the_next_ones_move_down(served: Served, watched: Any) -> None:
    page = watched("wide", served).goto(served.url + ARTICLE)
    folded = page.locator("#" + page.locator(".note.is-folded").first.get_attribute("id"))
    toggle = folded.locator(".note-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "is-folded" not in (folded.get_attribute("class") or "")
    notes = page.evaluate(SIDENOTES)["notes"]
    for before, after in itertools.pairwise(notes):
        assert before["bottom"] <= after["top"] + 0.5, f"{before['id']} overlaps {after['id']}"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"


def _opened_under_its_paragraph(page: Any, number: int) -> bool:
    return bool(
        page.evaluate(
            """n => {
              const note = document.getElementById('note-' + n);
              if (!note.checkVisibility()) return false;
              // the notes follow the text: its aside and its paragraph's block share a row
              const row = note.closest('aside').style.getPropertyValue('--row').trim();
              const block = document.querySelector(`.text .block[style="--row: ${row}"]`);
              const paragraph = block.firstElementChild.getBoundingClientRect();
              const top = note.getBoundingClientRect().top;
              return top >= paragraph.bottom - 1 && top - paragraph.bottom < 40;
            }""",
            number,
        )
    )


def test_on_a_phone_a_tap_opens_a_note_under_its_paragraph_and_another_closes_it(served: Served, watched: Any) -> None:
    page = watched("phone", served).goto(served.url + ARTICLE)
    assert not page.locator("#note-3").is_visible()
    page.tap("mark#passage-3")
    assert _opened_under_its_paragraph(page, 3)
    assert page.get_attribute("a.note-ref[href='#note-3']", "aria-expanded") == "true"
    page.tap("mark#passage-3")
    assert not page.locator("#note-3").is_visible()
    page.tap("a.note-ref[href='#note-5']")  # its number
    assert _opened_under_its_paragraph(page, 5)
    page.tap("a.note-ref[href='#note-5']")
    assert not page.locator("#note-5").is_visible()
    page.focus("a.note-ref[href='#note-7']")  # the keyboard
    page.keyboard.press("Enter")
    assert _opened_under_its_paragraph(page, 7)
    page.keyboard.press("Enter")
    assert not page.locator("#note-7").is_visible()


def test_without_javascript_a_note_opens_from_its_number(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url + ARTICLE)
    assert not page.locator("#note-4").is_visible()
    page.click("a.note-ref[href='#note-4']")
    assert _opened_under_its_paragraph(page, 4)
    page.set_viewport_size({"width": 1280, "height": 900})  # wide: every note beside its paragraph
    assert all(page.locator(".margin-notes .note").nth(i).is_visible() for i in range(16))
    context.close()


def test_in_print_and_without_css_the_notes_are_a_numbered_list_at_the_end(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(served.url + ARTICLE)
    assert not page.locator(".endnotes").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".margin-notes .note").first.is_visible()
    assert page.locator(".endnotes li").count() == 16 and page.locator(".endnotes").is_visible()
    page.route("**/*.css", lambda route: route.abort())
    page.emulate_media(media="screen")
    page.goto(served.url + ARTICLE)
    assert page.evaluate("() => getComputedStyle(document.body).marginTop") == "8px"  # the browser's own style
    assert not page.locator(".margin-notes .note").first.is_visible()
    endnotes = page.locator(".endnotes li")
    assert endnotes.count() == 16 and endnotes.first.is_visible()
    assert page.evaluate("() => [...document.querySelectorAll('.endnotes li')].map(li => li.value)") == list(
        range(1, 17)
    )
    context.close()
