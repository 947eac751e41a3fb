"""Images: shown as responsive pictures (link/images), encoded without metadata (publish/images),
and a site built with them: EXIF gone, the same bytes twice, nothing encoded again on a warm build,
a changed image and an edit adding one never leave a stale page."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from conftest import Run, write_tree
from PIL import Image
from test_media import SVG, photo, png

from dossier.engine import Engine
from dossier.errors import Location
from dossier.incremental import imagecache
from dossier.link import images, links
from dossier.model import Article, ImageRef, Origin, PartialDate
from dossier.options import Options
from dossier.publish import images as encoding
from dossier.source import media

CARTE = media.MediaFile("content/media/carte.png", "png", 1000, 500, "d")
LIBRARY = {CARTE.path: CARTE, "content/media/c.svg": media.MediaFile("content/media/c.svg", "svg", 300, 200, "e")}


def test_a_picture_has_its_widths_in_webp_then_the_fallback_with_its_size() -> None:
    html = images.picture(CARTE, "/x/", 'Carte "des" bases')
    assert html == (
        '<picture><source type="image/webp" srcset="/x/media/carte-480.webp 480w, /x/media/carte-960.webp 960w,'
        f' /x/media/carte-1000.webp 1000w" sizes="{images.SIZES}"><img src="/x/media/carte-960.png"'
        ' srcset="/x/media/carte-480.png 480w, /x/media/carte-960.png 960w, /x/media/carte-1000.png 1000w"'
        f' sizes="{images.SIZES}" alt="Carte &quot;des&quot; bases" width="1000" height="500" loading="lazy"'
        ' decoding="async"></picture>'
    )
    hero = images.picture(CARTE, "/", "Carte", eager=True)
    assert 'fetchpriority="high"' in hero and "loading=" not in hero
    svg = images.picture(LIBRARY["content/media/c.svg"], "/", "Graphique")
    assert svg == '<img src="/media/c.svg" alt="Graphique" width="300" height="200" loading="lazy" decoding="async">'


def test_a_markdown_image_s_title_is_its_img_s_title(project: Path, run: Callable[..., Run]) -> None:
    titled = images.picture(CARTE, "/", "Carte", title='Les "bases" en 2024')
    assert ' alt="Carte" title="Les &quot;bases&quot; en 2024" width="1000"' in titled
    assert " title=" not in images.picture(CARTE, "/", "Carte")
    svg = images.picture(LIBRARY["content/media/c.svg"], "/", "Graphique", title="Effectifs")
    assert svg.startswith('<img src="/media/c.svg" alt="Graphique" title="Effectifs" width="300"')
    text = ARTICLE.replace("(../media/cartes/bases.png)", '(../media/cartes/bases.png "Les bases en 2024 & après")')
    write_tree(project, {"content/articles/un-article.md": text})
    assert run("build", "--root", project, "--no-search", "-q").code == 0
    page = (project / "_site/articles/un-article/index.html").read_text(encoding="utf-8")
    tags = re.findall(r"<img\b[^>]*>", page)
    assert len(tags) == 3
    assert 'alt="Carte des bases américaines" title="Les bases en 2024 &amp; après" width="700"' in tags[0]
    assert all(" title=" not in t for t in tags[1:])  # the others have none


def test_images_of_a_body_are_resolved_from_its_folder_and_checked_at_their_line() -> None:
    text = "Texte.\n\n![Carte](../media/carte.png)\n\n![](../media/c.svg)\n\n![Autre](../media/cart.png)\n"
    html = (
        '<p>Texte.</p>\n<p><img alt="Carte" src="../media/carte.png"></p>\n<p><img alt="" src="../media/c.svg"></p>'
        '\n<p><img alt="Autre" src="../media/cart.png"></p>'
    )
    pictures = images.Pictures(media.Library(LIBRARY), "/x/")
    out = pictures.rewrite(html, links.Body.of(text, Location("content/articles/a.md", 6)))
    assert '<p><picture><source type="image/webp" srcset="/x/media/carte-480.webp 480w' in out
    assert '<img alt="Autre" src="../media/cart.png">' in out  # left as written: the build fails anyway
    assert [p.format() for p in pictures.problems] == [
        f"content/articles/a.md:10: error: image '../media/c.svg' has no alt text (hint: {images.ALT_HINT})",
        "content/articles/a.md:12: error: image '../media/cart.png' not found: no file content/media/cart.png"
        " (hint: did you mean '../media/carte.png'?)",
    ]
    assert pictures.found
    # another site's image: its src taken out by the sanitizer, which warned
    outside = images.Pictures(media.Library(LIBRARY), "/")
    assert outside.rewrite('<p><img alt="x"></p>', links.Body.of("![x](https://e.org/a.png)", Location("a.md", 1))) == (
        '<p><img alt="x"></p>'
    )
    assert outside.problems == [] and not outside.found
    plain = images.Pictures(media.Library(LIBRARY), "/")
    assert plain.rewrite("<p>Rien.</p>", links.Body.of("Rien.", Location("a.md", 1))) == "<p>Rien.</p>"
    assert not plain.found
    assert images.mentions("![a](b.png)") and images.mentions('<img src="x">') and not images.mentions("[a](b.md)")


def test_a_refused_image_has_its_own_error_only_not_a_not_found_at_its_uses() -> None:
    library = media.Library(LIBRARY, frozenset({"content/media/anime.gif"}))
    text = "![Animation](../media/anime.gif)\n\n![Absente](../media/absente.gif)\n"
    html = (
        '<p><img alt="Animation" src="../media/anime.gif"></p>\n<p><img alt="Absente" src="../media/absente.gif"></p>'
    )
    pictures = images.Pictures(library, "/")
    out = pictures.rewrite(html, links.Body.of(text, Location("content/articles/a.md", 6)))
    assert '<img alt="Animation" src="../media/anime.gif">' in out  # left as written: the build fails anyway
    assert [p.message for p in pictures.problems] == [
        "image '../media/absente.gif' not found: no file content/media/absente.gif"
    ]
    origin = Origin("content/articles/a.md", (("image",), (4,)))
    article = Article("a", "A", PartialDate(2024), "Texte.", origin, image=ImageRef("../media/anime.gif", "Animation"))
    figures, problems = images.figures([("article", article)], library)
    assert figures == {} and problems == []
    _, plain = images.figures([("article", article)], media.Library(LIBRARY))  # no refusal known: not found
    assert [p.format().split(" (hint")[0] for p in plain] == [
        "content/articles/a.md:4: error: 'image': image '../media/anime.gif' not found: no file content/media/anime.gif"
    ]


def _read(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def _no_metadata(img: Image.Image) -> bool:
    return not img.getexif() and not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(img.info)


def test_encoding_turns_the_photo_upright_and_keeps_none_of_its_metadata() -> None:
    original = photo(400, 300, orientation=6)
    assert _read(original).getexif().get_ifd(0x8825)  # the camera's GPS position is there
    found = media.measure("content/media/p.jpg", original)
    assert isinstance(found, media.MediaFile)
    made = media.variants(found)
    data = encoding.encode(original, made)
    assert [(_read(d).format, _read(d).size) for d in data] == [("WEBP", (300, 400)), ("JPEG", (300, 400))]
    assert all(_no_metadata(_read(d)) for d in data)
    assert encoding.encode(original, made) == data  # the same bytes in, the same bytes out


def test_a_transparent_png_stays_transparent_and_an_svg_is_published_as_it_is() -> None:
    found = media.measure("content/media/t.png", png(1200, 600))
    assert isinstance(found, media.MediaFile)
    data = encoding.encode(png(1200, 600), media.variants(found))
    assert [_read(d).size for d in data] == [(480, 240), (960, 480), (1200, 600)] * 2
    assert {_read(d).mode for d in data} == {"RGBA"}
    svg = media.MediaFile("content/media/c.svg", "svg", 300, 200, "e")
    assert encoding.encode(SVG, media.variants(svg)) == [SVG]


# A whole site with images.

ARTICLE = """\
---
title: "Un article"
date: 2024-03
topics: [irak]
---
Les discussions entre les Etats-Unis et l'Irak sur la fin de la coalition.

![Carte des bases américaines](../media/cartes/bases.png)

Washington et Bagdad ont entamé en janvier des discussions.

![Le Premier ministre à Bagdad](../media/photo.jpg)

![Effectifs américains](../media/effectifs.svg)
"""


@pytest.fixture
def project(tree: Callable[..., Path]) -> Path:
    return tree(
        {
            "content/articles/un-article.md": ARTICLE,
            "content/media/photo.jpg": photo(2000, 1333, orientation=1),
            "content/media/cartes/bases.png": png(700, 500),
            "content/media/effectifs.svg": SVG,
        }
    )


def _published(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "media").rglob("*")) if p.is_file()}


def test_a_built_site_publishes_every_width_without_metadata(project: Path, run: Callable[..., Run]) -> None:
    done = run("build", "--root", project, "--no-search", "-q", "--base-url", "https://example.org/dossier/")
    assert done.code == 0, done.err
    out = project / "_site"
    published = _published(out)
    assert sorted(published) == sorted(
        [
            *(f"media/cartes/bases-{w}.{s}" for s in ("png", "webp") for w in (480, 700)),
            "media/effectifs.svg",
            *(f"media/photo-{w}.{s}" for s in ("jpg", "webp") for w in (480, 960, 1600)),
        ]
    )
    for rel, data in published.items():
        if rel.endswith((".jpg", ".png", ".webp")):
            img = _read(data)
            assert _no_metadata(img), rel
            assert not img.getexif().get_ifd(0x8825), rel
    page = (out / "articles/un-article/index.html").read_text(encoding="utf-8")
    tags = re.findall(r"<img\b[^>]*>", page)
    assert len(tags) == 3
    assert all(re.search(r' alt="[^"]+"', t) and " width=" in t and " height=" in t for t in tags)
    assert 'srcset="/dossier/media/photo-480.webp 480w, /dossier/media/photo-960.webp 960w' in page
    assert "../media/" not in page


def test_two_builds_of_one_tree_publish_the_same_bytes(tmp_path: Path, project: Path, run: Callable[..., Run]) -> None:
    other = tmp_path / "other"
    shutil.copytree(project, other)
    assert run("build", "--root", project, "--no-search", "-q").code == 0
    assert run("build", "--root", other, "--no-search", "-q", "--no-cache").code == 0
    assert _published(project / "_site") == _published(other / "_site")


def test_a_warm_build_encodes_nothing_and_a_changed_image_is_encoded_again(
    project: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[Path] = []
    real = encoding.encode_file

    def counting(job: imagecache.Job) -> list[bytes]:
        encoded.append(job[0])
        return real(job)

    monkeypatch.setattr(encoding, "encode_file", counting)
    measured: list[str] = []
    measure = media.measure
    monkeypatch.setattr(media, "measure", lambda rel, data: measured.append(rel) or measure(rel, data))
    build = ("build", "--root", project, "--no-search", "-q", "--jobs", "1")
    assert run(*build).code == 0
    assert sorted(p.name for p in encoded) == ["bases.png", "effectifs.svg", "photo.jpg"]
    assert len(measured) == 3
    encoded.clear()
    (project / "content/articles/un-article.md").write_text(ARTICLE + "\nUne phrase de plus.\n", encoding="utf-8")
    assert run(*build).code == 0
    assert encoded == []  # an edit: the images are the cache's
    assert len(measured) == 3  # and what they are, too: not one read again
    shutil.rmtree(project / ".dossier-cache/build")  # even a cold build of the pages
    assert run(*build).code == 0
    assert encoded == []
    (project / "content/media/photo.jpg").write_bytes(photo(800, 600))
    assert run(*build).code == 0
    assert [p.name for p in encoded] == ["photo.jpg"]
    page = (project / "_site/articles/un-article/index.html").read_text(encoding="utf-8")
    assert (
        'srcset="/media/photo-480.jpg 480w, /media/photo-800.jpg 800w"' in page and 'width="800" height="600"' in page
    )
    assert _read((project / "_site/media/photo-800.jpg").read_bytes()).size == (800, 600)
    assert not (project / "_site/media/photo-1600.jpg").exists()


def _inodes(out: Path, folder: str) -> dict[str, tuple[int, int]]:
    """Each file below ``folder`` of ``out``: its inode and modification time (a copy has others)."""
    found = (p for p in sorted((out / folder).rglob("*")) if p.is_file())
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in found}


def test_an_edit_links_the_unchanged_images_and_gives_the_clean_build(
    tmp_path: Path, project: Path, run: Callable[..., Run]
) -> None:
    """The encoded images (and the theme's files) of an output still as written are kept, as its
    unchanged pages are: the same files, not copied again; a file no longer the copy of its
    source (the output's changed, or the source's signature) is copied again."""
    build = ("build", "--root", project, "--no-search", "-q", "--jobs", "1")
    out, article = project / "_site", project / "content/articles/un-article.md"
    assert run(*build).code == 0
    images, theme = _inodes(out, "media"), _inodes(out, "static")
    assert len(images) == 11 and theme
    for number in range(2):  # the first edit links the files into the folder kept aside, the next leaves them
        article.write_text(ARTICLE + f"\nUne phrase de plus ({number}).\n", encoding="utf-8")
        assert run(*build).code == 0
        assert _inodes(out, "media") == images and _inodes(out, "static") == theme
    tampered = out / "media/photo-480.jpg"
    tampered.unlink()  # the output's file replaced: no longer the one written
    tampered.write_bytes(b"not an image")
    entry = next(p for p in (project / ".dossier-cache/media").glob("*/960x*.webp"))
    os.utime(entry, ns=(1, 1))  # the source's signature changed: copied again
    article.write_text(ARTICLE + "\nUne autre phrase.\n", encoding="utf-8")
    assert run(*build).code == 0
    again = _inodes(out, "media")
    changed = {rel for rel in images if again[rel] != images[rel]}
    assert changed == {"media/photo-480.jpg", "media/photo-960.webp"}
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_site", ".dossier-cache"))
    assert run("build", "--root", clean, "--no-search", "-q", "--no-cache").code == 0
    assert _site(out) == _site(clean / "_site")


def _site(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_check_encodes_nothing(project: Path, run: Callable[..., Run]) -> None:
    assert run("check", "--root", project).code == 0
    assert not (project / ".dossier-cache" / "media").exists()


def test_an_edit_adding_an_image_is_a_whole_build(project: Path) -> None:
    article = project / "content/articles/un-article.md"
    article.write_text(ARTICLE.split("![")[0], encoding="utf-8")
    options = Options(project, project / "_site", search=False)
    engine = Engine(options)
    engine.accept(engine.produce())
    article.write_text(ARTICLE, encoding="utf-8")
    then = engine.produce({article})
    assert engine.patched == 0
    assert b'<picture><source type="image/webp"' in then.files["articles/un-article/index.html"]
    assert "media/photo-960.webp" in then.copies
    os.utime(article, ns=(1, 1))
    again = engine.produce({article})  # an edit beside the images: the whole build again
    assert engine.patched == 0 and "media/photo-960.webp" in again.copies
    assert engine.encoded == 3  # each image once, by this engine


def test_the_cache_redoes_an_entry_left_half_written(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"content/media/a.png": png(40, 30)})
    found = media.scan(root)[0].images
    cache = imagecache.ImageCache(tmp_path / "cache")
    files = cache.files(root, found)
    assert sorted(files) == ["media/a-40.png", "media/a-40.webp"] and cache.encoded == 1
    assert cache.files(root, found) == files and cache.encoded == 1
    entry = files["media/a-40.png"].parent
    files["media/a-40.png"].write_bytes(b"half")
    assert cache.files(root, found) == files and cache.encoded == 2
    assert _read(files["media/a-40.png"].read_bytes()).size == (40, 30)
    (entry / imagecache.DONE).write_text("not json", encoding="utf-8")
    cache.files(root, found)
    assert cache.encoded == 3 and cache.entries() == [entry.name]


HERO = """\
---
title: "Un article"
date: 2024-03
topics: [irak]
image:
  src: ../media/photo.jpg
  alt: "Le Premier ministre à Bagdad"
  caption: "Mohammed Chia al-Soudani, le 5 mars."
  credit: "Reuters"
---
Les discussions entre les Etats-Unis et l'Irak.

![Carte des bases](../media/cartes/bases.png)
"""


def test_front_matter_images_are_figures_with_their_credit_and_the_page_s_social_image(
    project: Path, run: Callable[..., Run]
) -> None:
    write_tree(
        project,
        {
            "content/articles/un-article.md": HERO,
            "content/topics/irak.md": "---\nlabel: Irak\nimage: {src: ../media/effectifs.svg, alt: Effectifs}\n---\n",
            "content/timeline/accord.md": (
                "---\ntitle: Un accord\ndate: 2008-11\nmedia: {src: ../media/cartes/bases.png, alt: Les bases,"
                " credit: AFP}\n---\nTexte.\n"
            ),
        },
    )
    done = run("build", "--root", project, "--no-search", "-q", "--base-url", "https://example.org/d/")
    assert done.code == 0, done.err
    out = project / "_site"
    page = (out / "articles/un-article/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://example.org/d/media/photo-1600.jpg">' in page
    assert '<meta property="og:image:width" content="1600">\n<meta property="og:image:height" content="1066">' in page
    assert '<meta name="twitter:image:alt" content="Le Premier ministre à Bagdad">' in page
    hero = re.search(r'<figure class="figure hero">.*?</figure>', page)
    assert hero and 'fetchpriority="high"' in hero.group(0) and "loading=" not in hero.group(0)
    assert (
        '<figcaption><span class="figure-caption">Mohammed Chia al-Soudani, le 5 mars.</span>'
        ' <small class="figure-credit">Crédit\u00a0: Reuters</small></figcaption>'
    ) in hero.group(0)
    jsonld = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)[0])
    assert jsonld["image"] == {
        "@type": "ImageObject",
        "contentUrl": "https://example.org/d/media/photo-1600.jpg",
        "url": "https://example.org/d/media/photo-1600.jpg",
        "width": 1600,
        "height": 1066,
        "caption": "Mohammed Chia al-Soudani, le 5 mars.",
        "creditText": "Reuters",
    }
    topic = (out / "topics/irak/index.html").read_text(encoding="utf-8")
    assert '<figure class="figure"><img src="/d/media/effectifs.svg" alt="Effectifs" width="300"' in topic
    timeline = (out / "timeline/index.html").read_text(encoding="utf-8")
    assert '<small class="figure-credit">Crédit\u00a0: AFP</small>' in timeline
    data = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    media_ = [e["media"] for e in data["events"] if "media" in e]
    assert media_ == [{"url": "https://example.org/d/media/cartes/bases-700.png", "alt": "Les bases", "credit": "AFP"}]
    feed = html.unescape((out / "feed.xml").read_text(encoding="utf-8"))
    assert 'srcset="https://example.org/d/media/cartes/bases-480.webp 480w, https://example.org/d/media/' in feed
    assert 'src="/d/' not in feed and 'srcset="/d/' not in feed


def test_the_feed_entry_of_an_article_has_its_image_for_feed_readers(project: Path, run: Callable[..., Run]) -> None:
    other = ARTICLE.replace('title: "Un article"', 'title: "Un autre"').replace("date: 2024-03", "date: 2024-02")
    write_tree(project, {"content/articles/un-article.md": HERO, "content/articles/un-autre.md": other})
    done = run("build", "--root", project, "--no-search", "-q", "--base-url", "https://example.org/d/")
    assert done.code == 0, done.err
    feed = feedparser.parse((project / "_site/feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    with_image, without = feed.entries
    assert with_image.title == "Un article"
    # the image's text does not stand for the entry's (feedparser takes a media:description as the summary)
    assert with_image.summary.startswith("<p>Les discussions entre les Etats-Unis")
    assert with_image.media_content == [
        {
            "url": "https://example.org/d/media/photo-960.jpg",  # the JPEG nearest 960 pixels wide
            "medium": "image",
            "type": "image/jpeg",
            "width": "960",
            "height": "640",
        }
    ]
    assert with_image.media_thumbnail == [
        {"url": "https://example.org/d/media/photo-480.jpg", "width": "480", "height": "320"}
    ]
    assert with_image.media_credit == [{"content": "Reuters"}]
    text = (project / "_site/feed.xml").read_text(encoding="utf-8")
    assert '<media:title type="plain">Le Premier ministre à Bagdad</media:title>' in text
    assert without.title == "Un autre" and "media_content" not in without and "media_thumbnail" not in without
    assert text.count("<media:content ") == 1


def test_a_feed_without_images_names_no_media_namespace_and_an_svg_is_not_given(
    project: Path, run: Callable[..., Run]
) -> None:
    assert run("build", "--root", project, "--no-search", "-q").code == 0
    assert "mrss" not in (project / "_site/feed.xml").read_text(encoding="utf-8")
    svg = HERO.replace("../media/photo.jpg", "../media/effectifs.svg")  # readers do not all show an SVG
    write_tree(project, {"content/articles/un-article.md": svg})
    assert run("build", "--root", project, "--no-search", "-q").code == 0
    feed = feedparser.parse((project / "_site/feed.xml").read_bytes())
    assert not feed.bozo and "media_content" not in feed.entries[0]


def test_an_edit_to_an_article_s_image_is_a_whole_build(project: Path) -> None:
    article = project / "content/articles/un-article.md"
    article.write_text(HERO.split("\n\n![")[0] + "\n", encoding="utf-8")
    engine = Engine(Options(project, project / "_site", search=False))
    engine.accept(engine.produce())
    article.write_text(HERO.replace("../media/photo.jpg", "../media/cartes/bases.png"), encoding="utf-8")
    then = engine.produce({article})
    assert engine.patched == 0
    assert b'og:image" content="/media/cartes/bases-700.png' in then.files["articles/un-article/index.html"]


def test_an_image_replaced_while_serving_rebuilds_the_pages_showing_it(project: Path) -> None:
    engine = Engine(Options(project, project / "_site", search=False, dev=True))  # as serve, without its index
    engine.accept(engine.produce())
    replaced = project / "content/media/cartes/bases.png"
    replaced.write_bytes(png(300, 300))
    then = engine.produce({replaced})
    page = then.files["articles/un-article/index.html"]
    assert b'srcset="/media/cartes/bases-300.png 300w"' in page and b'width="300" height="300"' in page
    assert "media/cartes/bases-700.png" not in then.copies and "media/cartes/bases-300.webp" in then.copies
    assert (project / ".dossier-cache/media").is_dir()  # the preview keeps its encoded images too


def test_what_was_measured_is_kept_as_plain_json_and_anything_else_is_ignored(tmp_path: Path) -> None:
    image = media.MediaFile("content/media/a.png", "png", 40, 30, "a" * 64)
    known = {image.path: (b"\x01\x02", image)}
    imagecache.save_measured(tmp_path, known)
    assert imagecache.load_measured(tmp_path) == known
    assert json.loads((tmp_path / imagecache.MEASURED).read_text()) == {image.path: ["0102", "png", 40, 30, "a" * 64]}
    rows = {
        "content/media/b.png": ["0102", "png", 40, 30, "b" * 64],
        "content/media/c.png": ["0102", "exe", 40, 30, "c" * 64],
        "content/media/d.png": ["zz", "png", 40, 30, "d" * 64],
        "content/media/e.png": ["0102", "png", 0, 30, "e" * 64],
        "content/media/f.png": ["0102", "png", 40, 30, "not a digest"],
        "content/media/g.png": {"py/object": "os.system"},
    }
    (tmp_path / imagecache.MEASURED).write_text(json.dumps(rows), encoding="utf-8")
    assert list(imagecache.load_measured(tmp_path)) == ["content/media/b.png"]
    for text in ("[1, 2]", "not json", ""):
        (tmp_path / imagecache.MEASURED).write_text(text, encoding="utf-8")
        assert imagecache.load_measured(tmp_path) == {}
    assert imagecache.load_measured(tmp_path / "nothing") == {}


def test_one_image_under_two_names_is_encoded_once(tmp_path: Path) -> None:
    data = png(40, 30)
    root = write_tree(tmp_path, {"content/media/a.png": data, "content/media/cartes/b.png": data})
    found = media.scan(root)[0].images
    cache = imagecache.ImageCache(tmp_path / "cache")
    files = cache.files(root, found)
    assert cache.encoded == 1 and files["media/a-40.png"] == files["media/cartes/b-40.png"]


def test_images_encoded_over_several_processes_are_the_same_bytes(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.incremental import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    spread = Engine(Options(project, project / "_site", search=False, jobs=2)).produce().copies
    other = tmp_path / "other"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns(".dossier-cache"))
    alone = Engine(Options(other, other / "_site", search=False, jobs=1)).produce().copies
    media_ = sorted(rel for rel in spread if rel.startswith("media/"))
    assert media_ == sorted(rel for rel in alone if rel.startswith("media/")) and len(media_) == 11
    assert all(spread[rel].read_bytes() == alone[rel].read_bytes() for rel in media_)


def test_a_build_stopped_while_encoding_keeps_what_it_encoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"content/media/a.png": png(40, 30), "content/media/b.png": png(30, 40)})
    found = media.scan(root)[0].images
    real = encoding.encode_file

    def stopped_at_b(job: imagecache.Job) -> list[bytes]:
        if job[0].name == "b.png":
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(imagecache, "BATCH", 1)
    monkeypatch.setattr(encoding, "encode_file", stopped_at_b)
    cache = imagecache.ImageCache(tmp_path / "cache")
    with pytest.raises(KeyboardInterrupt):
        cache.files(root, found)
    assert cache.encoded == 1 and len(cache.entries()) == 1
    monkeypatch.setattr(encoding, "encode_file", real)
    again = imagecache.ImageCache(tmp_path / "cache")
    again.files(root, found)
    assert again.encoded == 1 and len(again.entries()) == 2  # only b
