"""Redirect pages: one at each alias of a published article, topic or page (``aliases:``).

A redirect page is a small HTML page (``redirect.html``) that sends the reader on to the
record's page at once (``<meta http-equiv="refresh">``), names it as the canonical URL and
links to it. It is listed nowhere else: not in the sitemap (planned before these pages), the
feeds, nor the search index (it has no ``data-pagefind-body``). An alias on a URL the build
writes, on a folder it writes whole (``static/``, ``pagefind/``), or given by two files, is an
error at the ``aliases:`` line naming the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dossier.errors import Diagnostic
from dossier.link.site import Site
from dossier.model import Article, Page, Topic
from dossier.publish.urls import Urls, output_path
from dossier.source.aliases import target as alias_target

TEMPLATE = "redirect.html"
HINT = "remove it from aliases: a redirect there would take the place of what the build writes"


@dataclass(frozen=True)
class Alias:
    """One former path of a record: where the redirect goes (``path``), where it sends (``to``)."""

    path: str  # the alias as written: /articles/old-slug/
    to: str  # the record's page: articles/new-slug/
    record: Article | Topic | Page

    @property
    def target(self) -> str:
        return alias_target(self.path)


def aliases(site: Site) -> list[Alias]:
    """Every alias of the published articles, topics and pages, in that order."""
    found: list[Alias] = []
    records: Iterable[tuple[Article | Topic | Page, str]] = [
        *((a, Urls.article(a.slug)) for a in site.articles),
        *((t, Urls.topic(t.slug)) for t in site.topics),
        *((p, Urls.page(p.slug)) for p in site.pages),
    ]
    for record, to in records:
        found += [Alias(path, to, record) for path in record.aliases]
    return found


def view(to: str) -> dict[str, object]:
    """The redirect page's template data: the target it sends to (``url()`` and ``absolute_url()`` make its URLs)."""
    return {"redirect_to": to}


def _taken(alias: Alias, other: str) -> Diagnostic:
    message = f"alias {alias.path} is the URL of {other}, which the build writes there"
    return Diagnostic(alias.record.origin.at("aliases"), message, HINT)


def checked(site: Site, taken: Mapping[str, str], reserved: Mapping[str, str]) -> tuple[list[Alias], list[Diagnostic]]:
    """The aliases of ``site`` that get a redirect page, and an error for each alias on an output
    path of ``taken`` (every other page of the build: path → what it is), under a folder of
    ``reserved`` (one the build writes whole: its name → what it holds), or on another alias's path."""
    given: dict[str, Alias] = {}
    problems: list[Diagnostic] = []
    for alias in aliases(site):
        path = output_path(alias.target)
        first = alias.target.split("/", 1)[0]
        other = given.get(path)
        if path in taken:
            problems.append(_taken(alias, taken[path]))
        elif first in reserved:
            problems.append(_taken(alias, reserved[first]))
        elif other is not None:
            where = other.record.origin.at("aliases")
            message = f"alias {alias.path} is also an alias of {where.path} (line {where.line})"
            problems.append(Diagnostic(alias.record.origin.at("aliases"), message, "keep it in one file"))
        else:
            given[path] = alias
    return list(given.values()), problems
