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
