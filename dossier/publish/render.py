"""The Jinja environment and the rendering of planned pages to bytes."""

from __future__ import annotations

import contextlib
import json
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from dossier.errors import ContentErrors, Diagnostic, DossierError, Location
from dossier.project import TEMPLATES
from dossier.publish import fragments, templatefiles
from dossier.publish.i18n import Strings
from dossier.publish.pages import PlannedPage
from dossier.publish.urls import Urls
from dossier.publish.views import View
from dossier.text import languages


def template_dirs(root: Path, theme_dir: Path) -> list[Path]:
    """A user's own ``templates/`` folder first, so it overrides any theme template."""
    user = root / TEMPLATES
    return [user, theme_dir / TEMPLATES] if user.is_dir() else [theme_dir / TEMPLATES]


def environment(
    dirs: list[Path],
    urls: Urls,
    strings: Strings,
    compiled: jinja2.BytecodeCache | None = None,
    root: Path | None = None,
) -> jinja2.Environment:
    """``compiled``: where compiled templates are kept between builds (a template is compiled
    again when its source changed); by default none. Templates are read only if they resolve
    inside ``root`` (the project; by default the folder that holds all of ``dirs``)."""
    env = jinja2.Environment(
        bytecode_cache=compiled,
        loader=templatefiles.ProjectLoader(dirs, root or Path(os.path.commonpath([os.path.abspath(d) for d in dirs]))),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # an environment is made for one set of templates (the engine keys it by their digest)
        extensions=[fragments.Fragments],
    )
    env.globals.update(
        url=urls.to,
        absolute_url=urls.absolute,
        t=strings.get,
        plurals=strings.plurals,
        lang=strings.language,
        direction=languages.direction,  # rtl or ltr: a page or a part in another language says its direction
    )
    return env


@dataclass(frozen=True)
class RenderedPage:
    """A page's bytes, or the problem that kept it from rendering (and whether it stops the build)."""

    data: bytes | None
    problem: Diagnostic | None = None
    fatal: bool = False


RenderMany = Callable[
    [Callable[[PlannedPage], RenderedPage], Sequence[PlannedPage], Callable[[int], None]], Sequence[RenderedPage]
]
"""Renders many pages at once (the function on each page, results in order; the last argument is told
how many more are done as they come in): over several processes, say."""

PageStore = Callable[[str, bytes], None]
"""Takes a page's bytes (output path, bytes) in the process that rendered it, to keep them out of memory."""


def _render_here(
    function: Callable[[PlannedPage], RenderedPage], pages: Sequence[PlannedPage], done: Callable[[int], None]
) -> list[RenderedPage]:
    out = []
    for page in pages:
        out.append(function(page))
        done(1)
    return out


def render(
    env: jinja2.Environment,
    pages: Sequence[PlannedPage],
    common: View,
    root: Path,
    progress: Callable[[int, int], None] | None = None,
    render_many: RenderMany | None = None,
    store: PageStore | None = None,
    skipped: int = 0,
) -> dict[str, bytes]:
    """The bytes of ``pages``.

    Template problems are diagnostics at the template's line, naming the page; a syntax
    error is reported once, at the first page that meets it. ``render_many`` shares the
    rendering out (the result does not depend on how). With ``store``, each page's bytes
    are handed to it as they are rendered, and the result maps the page's path to ``b""``.
    ``progress(done, total)`` counts ``skipped`` more pages (of the site, not rendered this
    time) as done from the start.
    """
    fragments.forget(env)
    todo = list(pages)

    broken: dict[str, RenderedPage] = {}  # templates that do not compile: said once, not parsed again

    def one(page: PlannedPage) -> RenderedPage:
        known = broken.get(page.template)
        if known is not None:
            return known
        rendered = render_page(env, page, common, root)
        if rendered.fatal:
            broken[page.template] = rendered
        if store is not None and rendered.data is not None:
            store(page.path, rendered.data)
            return RenderedPage(b"")
        return rendered

    if render_many is not None:  # compiled once here, before any worker is forked, rather than once in each
        _compile(env, todo)
    count, total = [skipped], skipped + len(todo)

    def advance(more: int) -> None:
        count[0] += more
        if progress is not None:
            progress(count[0], total)

    try:
        results = (render_many or _render_here)(one, todo, advance)
    finally:
        fragments.forget(env)  # the pieces of a large site are megabytes: not kept between builds
    return _pages(todo, results)


def _compile(env: jinja2.Environment, pages: Sequence[PlannedPage]) -> None:
    """Compile the templates of ``pages`` (those that do not compile are said when a page meets them)."""
    for name in sorted({page.template for page in pages if page.template}):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)


def _pages(todo: Sequence[PlannedPage], results: Sequence[RenderedPage]) -> dict[str, bytes]:
    """Each page's bytes by its path; :class:`ContentErrors` with the problems met (up to a fatal one)."""
    out: dict[str, bytes] = {}
    problems: list[Diagnostic] = []
    for page, rendered in zip(todo, results, strict=True):
        if rendered.data is not None:
            out[page.path] = rendered.data
        if rendered.problem is not None:
            problems.append(rendered.problem)
            if rendered.fatal:
                break
    if problems:
        raise ContentErrors(problems)
    return out


def render_page(env: jinja2.Environment, page: PlannedPage, common: View, root: Path) -> RenderedPage:
    """One page's bytes, or the problem its template has.

    An exception raised while the template's own code runs (a frame of a template file in its
    traceback) is the theme author's: a template error at that template's line. Any other,
    such as one raised while the page's view is made, is the engine's bug and propagates.
    """
    if not page.template:  # data, not a page: compact JSON (the C encoder), keys in the view's order
        data = json.dumps(page.view(), ensure_ascii=False, separators=(",", ":"))
        return RenderedPage((data + "\n").encode("utf-8"))
    view = page.view()
    try:
        template = env.get_template(page.template)
        context = {**common, **view, "page_url": page.target}
        return RenderedPage(template.render(context).encode("utf-8"))
    except jinja2.TemplateSyntaxError as exc:
        location = _template_location(exc.filename, exc.lineno, root)
        return RenderedPage(None, Diagnostic(location, f"template syntax error: {exc.message}"), True)
    except templatefiles.RefusedTemplate as exc:
        return RenderedPage(None, exc.diagnostic)
    except jinja2.TemplateNotFound as exc:
        message = f"template '{exc.name}' not found (needed for /{page.target})"
        return RenderedPage(None, Diagnostic(Location("themes", 0), message))
    except (jinja2.TemplateError, DossierError, LookupError, TypeError, ValueError, AttributeError) as exc:
        where = _template_frame(exc, env)
        if where is None:
            raise
        message = f"template error: {exc} (while rendering /{page.target})"
        return RenderedPage(None, Diagnostic(_template_location(where.filename, where.lineno, root), message))


def _template_location(filename: str | None, line: int | None, root: Path) -> Location:
    if not filename:
        return Location("templates", line or 0)
    path = Path(filename)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else filename
    return Location(rel, line or 0)


def _template_frame(exc: BaseException, env: jinja2.Environment) -> traceback.FrameSummary | None:
    """The innermost frame of ``exc``'s traceback that is in a template file (Jinja gives the
    frames of a template's code the template's file and line), or None: the exception was
    not raised while a template's code ran."""
    folders = tuple(os.path.join(os.path.abspath(folder), "") for folder in _template_folders(env))
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename).startswith(folders)]
    return frames[-1] if frames else None


def _template_folders(env: jinja2.Environment) -> list[str]:
    """The folders the environment reads its templates from."""
    loader = env.loader
    return list(loader.searchpath) if isinstance(loader, jinja2.FileSystemLoader) else []
