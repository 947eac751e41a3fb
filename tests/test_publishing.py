"""What readers' tools read: feeds, page metadata, sitemap, and the open-data files."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import REPO, Run

from dossier.publish.pagetext import BLOCK_END, page_text

BASE = "https://example.github.io/dossier/"
ARTICLE = "articles/irak-fin-de-la-coalition/"


def build(root: Path, run: Callable[..., Run], *extra: str) -> Path:
    for name in ("content", "themes", "seeds"):
        if not (root / name).exists():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    result = run("build", "--root", root, "--base-url", BASE, *extra)
    assert result.code == 0, result.err
    return root / "_site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dossier import cli

    root = tmp_path_factory.mktemp("publishing")
    for name in ("content", "themes", "seeds"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    assert cli.main(["build", "--root", str(root), "--base-url", BASE, "-q"]) == 0
    return root / "_site"


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.jsonld: list[dict[str, object]] = []
        self.links: list[dict[str, str]] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"
        if tag == "link":
            self.links.append(a)

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.jsonld.append(json.loads(data))
            self._in_ld = False


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_both_feeds_parse_with_absolute_urls_and_content_dates(site: Path) -> None:
    for name, count in (("feed.xml", 1), ("annotations.xml", 16)):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert len(feed.entries) == count
        ids = [e.id for e in feed.entries]
        assert len(set(ids)) == len(ids)
        updated = [e.updated for e in feed.entries]
        assert all(entry.link.startswith(BASE) for entry in feed.entries)
        # the article's date; a note's, told apart from the others' by seconds (feed validators want them distinct)
        assert all(u.startswith("2024-03-01T00:00:") for u in updated) and len(set(updated)) == len(updated)
        assert feed.feed.updated == max(updated)
    notes = feedparser.parse((site / "annotations.xml").read_bytes())
    assert notes.entries[0].id == BASE + ARTICLE + "#annotation-issue-septembre-2024"
    assert notes.entries[0].link == BASE + ARTICLE + "#note-1"


def test_feed_ids_are_stable_across_builds(site: Path, tmp_path: Path, run: Callable[..., Run]) -> None:
    again = build(tmp_path / "again", run)
    for name in ("feed.xml", "annotations.xml"):
        first = [e.id for e in feedparser.parse((site / name).read_bytes()).entries]
        second = [e.id for e in feedparser.parse((again / name).read_bytes()).entries]
        assert first == second


def test_article_metadata(site: Path) -> None:
    page = head(site / ARTICLE / "index.html")
    assert page.meta["og:type"] == "article"
    assert page.meta["og:url"] == BASE + ARTICLE
    assert page.meta["og:locale"] == "fr_FR"
    assert page.meta["og:title"].startswith("Irak : la fin de la coalition dirigée par Washington")
    assert page.meta["twitter:card"] == "summary"
    assert page.meta["description"].startswith("Selon un haut responsable irakien")
    [ld] = page.jsonld
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    for key in ("headline", "url", "mainEntityOfPage", "inLanguage", "isBasedOn", "author", "publisher"):
        assert key in ld, key
    # dated "2024-03": no schema.org Date, and no day made up; the month is the period it covers
    assert "datePublished" not in ld and ld["temporalCoverage"] == "2024-03"
    assert ld["author"] == {"@type": "Organization", "name": "Reuters"}  # the agency whose dispatch it is
    assert ld["publisher"] == {"@type": "Organization", "name": "La rédaction du dossier", "url": BASE}
    assert ld["isBasedOn"] == {
        "@type": "NewsArticle",
        "headline": ld["headline"],
        "temporalCoverage": "2024-03",
        "publisher": {"@type": "Organization", "name": "Reuters"},
    }
    alternate = [link["href"] for link in page.links if link.get("type") == "application/ld+json"]
    assert alternate == ["/dossier/" + ARTICLE + "annotations.jsonld"]


def test_topic_pages_are_item_lists(site: Path) -> None:
    [ld] = head(site / "topics" / "irak" / "index.html").jsonld
    assert ld["@type"] == "ItemList"
    assert ld["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "url": BASE + ARTICLE, "name": ld["itemListElement"][0]["name"]}
    ]
    assert ld["numberOfItems"] == 1


def test_front_matter_cannot_break_out_of_json_ld(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    hostile = '---\ntitle: "</script><script>alert(1)</script>"\ndate: 2024\nsource: "A</script>"\n---\nTexte.\n'
    root = tree({"content/articles/x.md": hostile})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "x" / "index.html").read_text()
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block and json.loads(block)["headline"] == "</script><script>alert(1)</script>"


def test_sitemap_lists_every_public_page(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text()
    locs = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    pages = {
        BASE + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith(("search/", "pagefind/"))
    }
    assert locs == pages
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()


def test_annotation_collection_follows_the_web_annotation_model(site: Path) -> None:
    data = json.loads((site / ARTICLE / "annotations.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    assert data["id"] == BASE + ARTICLE + "annotations.jsonld"
    page = data["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    items = page["items"]
    assert data["total"] == len(items) == 16
    html = (site / ARTICLE / "index.html").read_text(encoding="utf-8")
    inner = html[
        html.index('<div class="text">') + len('<div class="text">') : html.index('<div class="margin-notes">')
    ]
    text = page_text([inner.rstrip().removesuffix("</div>")]).text.removesuffix(BLOCK_END)  # the element's textContent
    assert data["via"] == BASE + ARTICLE  # back to the page
    for item in items:
        assert {"id", "type", "canonical", "generator", "creator", "body", "target"} <= set(item)
        assert item["type"] == "Annotation" and item["motivation"] == "commenting"
        assert item["body"]["type"] == "TextualBody" and item["body"]["format"] == "text/html"
        assert item["target"]["source"] == BASE + ARTICLE
        assert item["creator"] == {
            "id": BASE + "a-propos/",
            "type": "Organization",
            "name": "La rédaction du dossier",
            "homepage": BASE + "a-propos/",
        }  # site.yml's editors
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])


TIMELINE_KEYS = {"title", "events", "eras"}
EVENT_KEYS = {"start_date", "end_date", "text", "unique_id", "group", "media", "display_date", "background"}
DATE_KEYS = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date"}


def test_timeline_json_uses_timelinejs3_fields(site: Path) -> None:
    data = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    assert set(data) <= TIMELINE_KEYS and data["title"]["text"]["headline"]
    ids = [e["unique_id"] for e in data["events"]]
    assert len(ids) == len(set(ids)) == 27  # 26 events and spans, and the article
    for event in data["events"] + data["eras"]:
        assert set(event) <= EVENT_KEYS
        assert set(event["start_date"]) <= DATE_KEYS and event["start_date"]["year"].isdigit()
        assert event["text"]["headline"]
    by_id = {e["unique_id"]: e for e in data["events"]}
    invasion = by_id["invasion-de-l-irak"]["start_date"]
    assert (invasion["year"], invasion["month"], invasion["day"]) == ("2003", "3", "20")
    assert by_id["article-irak-fin-de-la-coalition"]["start_date"] == {
        "year": "2024",
        "month": "3",
        "display_date": "mars 2024",
    }
    spans = [e for e in data["events"] if "end_date" in e]
    assert spans and all(e["group"] == "Période" for e in spans)
    assert {e["text"]["headline"] for e in data["eras"]} <= {e["text"]["headline"] for e in spans}


def test_long_listings_are_split_by_year(tmp_path: Path, run: Callable[..., Run]) -> None:
    import sys

    sys.path.insert(0, str(REPO))
    from bench.generate import generate

    root = tmp_path / "long"
    generate(root, articles=320, notes_per_article=1, events=12, topic_count=4)
    assert run("build", "--root", root, "--no-search").code == 0
    out = root / "_site"
    years = sorted(p.parent.name for p in (out / "timeline").glob("*/index.html"))
    assert years == [str(y) for y in range(2000, 2025)]
    main = (out / "timeline" / "index.html").read_text(encoding="utf-8")
    assert main.count('class="entry ') == 20 and 'href="/timeline/2024/"' in main
    listed = sum((out / "timeline" / y / "index.html").read_text().count('class="entry ') for y in years)
    assert listed == 320 + 12
    for topic in (out / "topics").iterdir():
        if topic.is_dir():
            assert any(p.name.isdigit() for p in topic.iterdir()), topic.name  # 80+ items each: split
    biggest = max(p.stat().st_size for p in out.rglob("*.html"))
    assert biggest < 300_000


class _BodyText(HTMLParser):
    """The text of a page's ``<body>``, as its ``textContent`` reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or tag == "body"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.pieces.append(data)


def test_each_quote_selector_is_found_once_in_the_whole_page_not_in_its_copy_in_the_end_notes(site: Path) -> None:
    """The end notes repeat each passage in « »: the prefix and suffix tell the text's from that copy."""
    parser = _BodyText()
    parser.feed((site / ARTICLE / "index.html").read_text(encoding="utf-8"))
    body = "".join(parser.pieces)
    data = json.loads((site / ARTICLE / "annotations.jsonld").read_text(encoding="utf-8"))
    for item in data["first"]["items"]:
        quote = item["target"]["selector"][0]
        assert body.count(f"«\u00a0{quote['exact']}\u00a0»") == 1  # the copy is there
        assert body.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1, quote["exact"]
