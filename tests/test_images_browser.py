"""A dossier with images, built under /dossier/ and loaded in Chromium: every image found, sized
and described, no layout moved by an image as it loads, no metadata in any published file, and
pages the W3C checker accepts."""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sitecheck
from browser import chromium, free_port
from PIL import Image
from test_media import SVG, photo, png
from test_search import _handler
from test_site import VNU, copy_project
from test_theme import BUDGET, _Resources

ARTICLE = "content/articles/irak-fin-de-la-coalition.md"
HERO = """image:
  src: ../media/photos/bagdad.jpg
  alt: "Le Premier ministre irakien à Bagdad"
  caption: "Mohammed Chia al-Soudani reçoit les négociateurs américains."
  credit: "Reuters / A. Photographe"
"""
BODY = "\n\n![Carte des bases américaines en Irak](../media/carte.png)\n"
END = "\n\n![Effectifs américains en Irak et en Syrie](../media/effectifs.svg)\n"
PAGES = ("articles/irak-fin-de-la-coalition/", "topics/irak/", "timeline/")
SIZES = {"wide": (1280, 900), "phone": (390, 844)}


def _with_images(root: Path) -> Path:
    media = root / "content/media"
    (media / "photos").mkdir(parents=True)
    (media / "photos/bagdad.jpg").write_bytes(photo(2400, 1600, orientation=1))
    (media / "portrait.jpg").write_bytes(photo(1200, 900, orientation=6))  # turned upright: 900 x 1200
    (media / "carte.png").write_bytes(png(1000, 800))
    (media / "effectifs.svg").write_bytes(SVG)
    article = root / ARTICLE
    text = article.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    paragraphs = body.split("\n\n")
    middle = len(paragraphs) // 2
    body = "\n\n".join(paragraphs[:middle]) + BODY + "\n\n".join(paragraphs[middle:]).rstrip("\n") + END
    article.write_text(f"{head}\n{HERO}---\n{body}", encoding="utf-8")
    topic = root / "content/topics/irak.md"
    topic.write_text(
        topic.read_text(encoding="utf-8").replace(
            "---\nL'Irak", "image: {src: ../media/portrait.jpg, alt: Un portrait, credit: AFP}\n---\nL'Irak", 1
        ),
        encoding="utf-8",
    )
    event = root / "content/timeline/accord-sofa.md"
    event.write_text(
        event.read_text(encoding="utf-8").replace(
            "topics: [etats-unis, irak]\n", "topics: [etats-unis, irak]\nmedia: {src: ../media/carte.png, alt: Carte}\n"
        ),
        encoding="utf-8",
    )
    return root


@dataclass
class Site:
    url: str
    out: Path
    port: int
    failures: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = _with_images(copy_project(tmp_path_factory.mktemp("images")))
    port = free_port()
    base = f"http://127.0.0.1:{port}/dossier/"
    from dossier import cli

    assert cli.main(["build", "--root", str(root), "--base-url", base, "-q", "--no-search"]) == 0
    out = root / "_site"
    failures: list[str] = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(out, failures))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base, out, port, failures)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_every_link_and_image_of_the_site_is_found(site: Site) -> None:
    assert sitecheck.broken_links(site.out, "/dossier/", f"http://127.0.0.1:{site.port}") == []
    srcsets = set()
    for page in sitecheck.pages(site.out):
        for found in re.findall(r'srcset="([^"]*)"', page.read_text(encoding="utf-8")):
            srcsets |= {part.split(" ")[0] for part in found.split(", ")}
    assert srcsets and all((site.out / url.removeprefix("/dossier/")).is_file() for url in srcsets)


def test_no_published_image_keeps_any_metadata(site: Site) -> None:
    published = sorted(p for p in (site.out / "media").rglob("*") if p.suffix in (".jpg", ".png", ".webp"))
    assert len(published) == 2 * (3 + 2 + 3)  # 2400 px: 480, 960, 1600; 900 px: 480, 900; 1000 px: 480, 960, 1000
    for path in published:
        with Image.open(path) as img:
            assert not img.getexif(), path
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(img.info), path
            assert b"Canon" not in path.read_bytes()
    with Image.open(site.out / "media/portrait-900.jpg") as turned:
        assert turned.size == (900, 1200)


def test_the_pages_pass_the_w3c_checker(site: Site) -> None:
    assert VNU.is_file(), "run .ci/setup (npm install in tests/tools) to get the Nu Html Checker"
    pages = [str(site.out / p / "index.html") for p in PAGES]
    command = ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *pages]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


_RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) {
    window.__shifts.push({value: e.value, nodes: e.sources.map(s => s.node ? s.node.nodeName : '')});
  }
}).observe({type: 'layout-shift', buffered: true});
"""
_BOXES = """() => [...document.querySelectorAll('img')].map(i => {
  const r = i.getBoundingClientRect();
  return [i.currentSrc || i.src, Math.round(r.top + scrollY), Math.round(r.width), Math.round(r.height)];
})"""
_ATTRIBUTES = """() => [...document.querySelectorAll('img')].map(i => [i.getAttribute('src'),
  i.getAttribute('width'), i.getAttribute('height'), i.getAttribute('alt'), i.getAttribute('loading')])"""


def _load_holding_images(page: Any, url: str) -> tuple[list[Any], list[Any]]:
    """The page laid out with its images held back, then with every image loaded: each image's box."""
    held: list[Any] = []
    holding = [True]

    def hold(route: Any) -> None:
        if holding[0]:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r".*/media/.*"), hold)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_timeout(100)
    before = page.evaluate(_BOXES)
    holding[0] = False
    for route in held:
        route.continue_()
    page.wait_for_load_state("load")
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 900, 600):  # the lazy images below the fold load as they come near
        page.evaluate(f"scrollTo(0, {y})")
        page.wait_for_timeout(60)
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    after = page.evaluate(_BOXES)
    page.unroute(re.compile(r".*/media/.*"))
    return before, after


@pytest.mark.parametrize("size", sorted(SIZES))
def test_images_are_sized_described_and_move_nothing_as_they_load(site: Site, size: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=dict(zip(("width", "height"), SIZES[size], strict=True)))
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: failed.append(f"{r.url}: {r.status}") if r.status >= 400 else None)
        page.add_init_script(_RECORD_SHIFTS)
        for path in PAGES:
            before, after = _load_holding_images(page, site.url + path)
            assert before, path
            boxes = [(src.rsplit("/", 1)[-1], top, w, h) for src, top, w, h in after]
            moved = [
                max(abs(x - y) for x, y in zip(b[1:], a[1:], strict=True)) for b, a in zip(before, after, strict=True)
            ]
            assert len(before) == len(after) and max(moved) <= 1, (path, boxes)  # not a pixel (rounding aside)
            for src, width, height, alt, _loading in page.evaluate(_ATTRIBUTES):
                assert width and height and alt, (path, src)
            shifts = page.evaluate("window.__shifts")
            by_images = [s for s in shifts if {"IMG", "PICTURE", "FIGURE"} & set(s["nodes"])]
            assert by_images == [], (path, shifts)
        hero = page.goto(site.url + PAGES[0]) and page.evaluate(_ATTRIBUTES)
        assert hero[0][4] is None and all(a[4] == "lazy" for a in hero[1:])  # the hero at once, the others lazily
        assert failed == [] and site.failures == []


def test_an_article_with_images_keeps_the_page_budget_without_them(site: Site) -> None:
    """HTML, stylesheets and scripts of the article page within test_theme's budget; the images said apart."""
    html = (site.out / PAGES[0] / "index.html").read_text(encoding="utf-8")
    found = _Resources()
    found.feed(html)
    assert found.others, "the page shows images"
    total = len(html.encode()) + sum(
        (site.out / url.removeprefix("/dossier/")).stat().st_size for url in found.styles + found.scripts
    )
    smallest = sum(min(sizes) for sizes in _image_sizes(site, html))
    print(
        f"article page with 3 images: {total / 1000:.1f} kB without them, their smallest files {smallest / 1000:.1f} kB"
    )
    assert total <= BUDGET


def _image_sizes(site: Site, html: str) -> list[list[int]]:
    """For each image of the page, the size of each file it may load."""
    sizes = []
    for tag in re.findall(r"<picture>.*?</picture>|<img [^>]*>", html):
        urls = {u for s in re.findall(r'srcset="([^"]*)"', tag) for u in (p.split(" ")[0] for p in s.split(", "))}
        urls |= set(re.findall(r' src="([^"]*)"', tag))
        sizes.append([(site.out / u.removeprefix("/dossier/")).stat().st_size for u in urls])
    return sizes
