from __future__ import annotations

from dossier.publish.urls import Urls, output_path


def test_urls_under_a_subpath() -> None:
    urls = Urls("https://org.github.io/repo/")
    assert urls.base_path == "/repo/"
    assert urls.to(Urls.article("x")) == "/repo/articles/x/"
    assert urls.to("/static/style.css") == "/repo/static/style.css"
    assert urls.absolute("feed.xml") == "https://org.github.io/repo/feed.xml"
    assert urls.to() == "/repo/"


def test_urls_at_the_root_without_host() -> None:
    urls = Urls("/")
    assert not urls.has_host
    assert urls.to(Urls.topic("irak")) == "/topics/irak/"
    assert urls.absolute("feed.xml") == "/feed.xml"


def test_output_paths() -> None:
    assert output_path("") == "index.html"
    assert output_path("articles/x/") == "articles/x/index.html"
    assert output_path("timeline/#e") == "timeline/index.html"
    assert output_path("feed.xml") == "feed.xml"


def test_absolute_links_point_a_reader_outside_the_site_to_the_page() -> None:
    html = (
        '<p><a class="note-ref" href="#note-1">1</a> <a href="/x/topics/irak/">i</a> <a href="https://e.org/">e</a></p>'
    )
    out = Urls("https://example.org/x/").absolute_links(html, Urls.article("a"))
    assert 'href="https://example.org/x/articles/a/#note-1"' in out
    assert 'href="https://example.org/x/topics/irak/"' in out and 'href="https://e.org/"' in out
    assert 'href="/x/articles/a/#note-1"' in Urls("/x/").absolute_links(html, Urls.article("a"))
    assert Urls("/x/").absolute_links("<p>no link</p>", "") == "<p>no link</p>"


def test_absolute_links_give_a_picture_s_files_at_absolute_urls() -> None:
    html = (
        '<picture><source type="image/webp" srcset="/x/media/a-480.webp 480w, /x/media/a-960.webp 960w">'
        '<img src="/x/media/a-960.jpg" srcset="/x/media/a-480.jpg 480w" alt="src=&quot;/x/"></picture>'
    )
    out = Urls("https://example.org/x/").absolute_links(html, Urls.article("a"))
    assert out == (
        '<picture><source type="image/webp" srcset="https://example.org/x/media/a-480.webp 480w,'
        ' https://example.org/x/media/a-960.webp 960w"><img src="https://example.org/x/media/a-960.jpg"'
        ' srcset="https://example.org/x/media/a-480.jpg 480w" alt="src=&quot;/x/"></picture>'
    )
    assert Urls("/x/").absolute_links(html, Urls.article("a")) == html  # no host: as it was
