"""Every internal URL of the site, from one place, under ``base_url``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")')
_SRC = re.compile(r'(\s(?:src|srcset)=")([^"]*)(")')  # in a tag: text would have &quot;


@dataclass(frozen=True)
class Urls:
    """``base_url`` is ``https://host/sub/`` or ``/sub/``; targets are paths below it."""

    base_url: str

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    @property
    def has_host(self) -> bool:
        return bool(urlsplit(self.base_url).netloc)

    def to(self, target: str = "") -> str:
        """The URL of ``target`` (``articles/x/``, ``static/style.css``) from the domain root."""
        return self.base_path + target.lstrip("/")

    def absolute(self, target: str = "") -> str:
        """The full URL of ``target`` when ``base_url`` has a host, else :meth:`to`."""
        return self.base_url + target.lstrip("/") if self.has_host else self.to(target)

    def absolute_links(self, html: str, page: str) -> str:
        """``html`` of ``page`` (a target) for a reader outside the site (a feed, JSON): its links to
        the site's pages, and to anchors of ``page`` (``#note-1``), as absolute URLs."""
        if not self.has_host and 'href="#' not in html:
            return html
        within = self.absolute(page)
        base = self.base_path

        def one(found: re.Match[str]) -> str:
            href = found.group(2)
            if href.startswith("#"):
                href = within + href
            elif href.startswith(base) and not href.startswith("//"):
                href = self.absolute(href[len(base) :])
            return found.group(1) + href + found.group(3)

        linked = _HREF.sub(one, html) if "href=" in html else html
        return self._absolute_media(linked) if "src" in linked else linked

    def _absolute_media(self, html: str) -> str:
        """``html`` with the site's images (``src``, ``srcset``: a picture's files) at absolute URLs."""
        base = self.base_path

        def url(found: str) -> str:
            return self.absolute(found[len(base) :]) if found.startswith(base) and not found.startswith("//") else found

        def one(found: re.Match[str]) -> str:
            value = found.group(2)
            if found.group(1).endswith('srcset="'):
                value = ", ".join(" ".join((url(p.split(" ")[0]), *p.split(" ")[1:])) for p in value.split(", "))
            else:
                value = url(value)
            return found.group(1) + value + found.group(3)

        return _SRC.sub(one, html)

    @staticmethod
    def article(slug: str) -> str:
        return f"articles/{slug}/"

    @staticmethod
    def topic(slug: str) -> str:
        return f"topics/{slug}/"

    @staticmethod
    def topic_year(slug: str, year: int) -> str:
        return f"topics/{slug}/{year}/"

    @staticmethod
    def articles_year(year: int) -> str:
        """A year of the article list (an article whose slug is that year would clash: the plan says so)."""
        return f"articles/{year}/"

    @staticmethod
    def timeline_year(year: int) -> str:
        return f"timeline/{year}/"

    @staticmethod
    def page(slug: str) -> str:
        return f"{slug}/"

    @staticmethod
    def event(slug: str, year: int | None = None) -> str:
        """An event on the timeline, or on its year's page when the timeline is split by year."""
        return f"{Urls.timeline_year(year) if year else 'timeline/'}#event-{slug}"

    @staticmethod
    def note(article: str, number: int) -> str:
        return f"articles/{article}/#note-{number}"

    @staticmethod
    def annotations(article: str) -> str:
        """An article's notes as W3C Web Annotations (JSON-LD), beside its page."""
        return f"articles/{article}/annotations.jsonld"


FEED = "feed.xml"  # the articles' Atom feed
NOTES_FEED = "annotations.xml"  # the notes' Atom feed


@lru_cache(maxsize=1 << 16)
def output_path(target: str) -> str:
    """The file that serves ``target``: ``articles/x/`` → ``articles/x/index.html``."""
    target = target.split("#", 1)[0]
    return target + "index.html" if target.endswith("/") or not target else target
