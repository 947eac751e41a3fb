"""The Jinja environment, the plan of output pages, and their rendering to bytes."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .errors import ContentErrors, Diagnostic, DossierError, Location
from .i18n import Strings
from .site import Site
from .urls import Urls, output_path
from .views import View, Views


@dataclass(frozen=True)
class PlannedPage:
    """One output file: its URL target, its template, how to make its view, what made it."""

    target: str
    template: str
    view: Callable[[], View]
    origin: str  # the file (or built-in listing) this page comes from, for collision messages

    @property
    def path(self) -> str:
        return output_path(self.target)


def template_dirs(root: Path, theme_dir: Path) -> list[Path]:
    """A user's own ``templates/`` folder first, so it overrides any theme template."""
    user = root / "templates"
    return [user, theme_dir / "templates"] if user.is_dir() else [theme_dir / "templates"]


def environment(dirs: list[Path], urls: Urls, strings: Strings) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(url=urls.to, absolute_url=urls.absolute, t=strings.get, lang=strings.language)
    return env


def plan(site: Site, views: Views) -> tuple[list[PlannedPage], list[Diagnostic]]:
    """Every output page; two things on one output path is an error naming both."""
    pages = [
        PlannedPage("", "home.html", views.home, "the home page"),
        PlannedPage("articles/", "articles.html", views.articles, "the article list"),
        PlannedPage("topics/", "topics.html", views.topics, "the topic list"),
        PlannedPage("timeline/", "timeline.html", views.timeline, "the timeline"),
        PlannedPage("404.html", "404.html", dict, "the 404 page"),
        PlannedPage("feed.xml", "feed.xml", views.feed, "the feed"),
        PlannedPage("sitemap.xml", "sitemap.xml", dict, "the sitemap"),
        PlannedPage("robots.txt", "robots.txt", dict, "robots.txt"),
    ]
    for article in site.articles:
        pages.append(
            PlannedPage(Urls.article(article.slug), "article.html", _bind(views.article, article), article.origin.path)
        )
    for topic in site.topics:
        pages.append(PlannedPage(Urls.topic(topic.slug), "topic.html", _bind(views.topic, topic), topic.origin.path))
    for free in site.pages:
        pages.append(PlannedPage(Urls.page(free.slug), "page.html", _bind(views.page, free), free.origin.path))
    problems: list[Diagnostic] = []
    seen: dict[str, PlannedPage] = {}
    for planned in pages:
        first = seen.setdefault(planned.path, planned)
        if first is not planned:
            where = Location(planned.origin, 1) if "/" in planned.origin else Location(first.origin, 1)
            other = first.origin if where.path == planned.origin else planned.origin
            message = f"two things on one URL /{planned.target}: this file and {other}"
            problems.append(Diagnostic(where, message, "rename one of them"))
    return [p for p in pages if seen[p.path] is p], problems


def _bind(function: Callable[[Any], View], value: Any) -> Callable[[], View]:
    return lambda: function(value)


def render(env: jinja2.Environment, pages: list[PlannedPage], common: View, root: Path) -> dict[str, bytes]:
    """Every planned page → its bytes; template problems as diagnostics at the template's line."""
    out: dict[str, bytes] = {}
    problems: list[Diagnostic] = []
    sitemap = [p.target for p in pages if p.target.endswith("/") or p.target == ""]
    for page in pages:
        try:
            template = env.get_template(page.template)
            context = {**common, **page.view(), "page_url": page.target, "sitemap": sitemap}
            out[page.path] = template.render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                Diagnostic(_template_location(exc.filename, exc.lineno, root), f"template syntax error: {exc.message}")
            )
            break
        except jinja2.TemplateNotFound as exc:
            problems.append(
                Diagnostic(Location("themes", 0), f"template '{exc.name}' not found (needed for /{page.target})")
            )
        except (jinja2.TemplateError, DossierError, LookupError, TypeError, ValueError, AttributeError) as exc:
            problems.append(
                Diagnostic(_runtime_location(exc, root), f"template error: {exc} (while rendering /{page.target})")
            )
    if problems:
        raise ContentErrors(problems)
    return out


def _template_location(filename: str | None, line: int | None, root: Path) -> Location:
    if not filename:
        return Location("templates", line or 0)
    path = Path(filename)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else filename
    return Location(rel, line or 0)


def _runtime_location(exc: BaseException, root: Path) -> Location:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".txt"))]
    if frames:
        return _template_location(frames[-1].filename, frames[-1].lineno, root)
    return Location("templates", 0)
