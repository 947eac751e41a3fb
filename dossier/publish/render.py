"""The Jinja environment and the rendering of planned pages to bytes."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from dossier.errors import ContentErrors, Diagnostic, DossierError, Location
from dossier.publish import fragments, templatefiles
from dossier.publish.i18n import Strings
from dossier.publish.pages import PlannedPage
from dossier.publish.urls import Urls
from dossier.publish.views import View


def template_dirs(root: Path, theme_dir: Path) -> list[Path]:
    """A user's own ``templates/`` folder first, so it overrides any theme template."""
    user = root / "templates"
    return [user, theme_dir / "templates"] if user.is_dir() else [theme_dir / "templates"]


def compiled_folder() -> Path | None:
    """Where compiled templates are kept between builds: the user's own cache folder
    (``$XDG_CACHE_HOME/dossier/templates``, by default ``~/.cache/dossier/templates``).

    Compiled templates are code (Jinja's bytecode cache is a marshalled code object), so they
    are never kept in the project's ``.dossier-cache/``, which CI restores from elsewhere: only
    in a real folder (not a link) that belongs to the user and that no one else may enter
    (0700). Anything else, and templates are compiled at each build (None).
    """
    try:
        configured = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(configured) if os.path.isabs(configured) else Path.home() / ".cache"
        folder = base / "dossier" / "templates"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except (OSError, RuntimeError):  # no home folder, or none that can be written
        return None
    private = stat.S_ISDIR(found.st_mode) and not found.st_mode & 0o077
    return folder if private and found.st_uid == os.getuid() else None


def environment(
    dirs: list[Path],
    urls: Urls,
    strings: Strings,
    compiled: tuple[Path, str] | None = None,
    root: Path | None = None,
) -> jinja2.Environment:
    """``compiled``: a folder where compiled templates are kept between builds (see
    :func:`compiled_folder`), and the engine's key, which names its files: a template is
    compiled again when its source, or the engine that compiles it, changed. Templates are
    read only if they resolve inside ``root`` (the project; by default the folder that holds
    all of ``dirs``)."""
    cache = None
    if compiled is not None:
        folder, key = compiled
        cache = jinja2.FileSystemBytecodeCache(str(folder), pattern=f"{key}-%s.cache")
    env = jinja2.Environment(
        bytecode_cache=cache,
        loader=templatefiles.ProjectLoader(dirs, root or Path(os.path.commonpath([os.path.abspath(d) for d in dirs]))),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # an environment is made for one set of templates (the builder keys it by their digest)
        extensions=[fragments.Fragments],
    )
    env.globals.update(
        url=urls.to, absolute_url=urls.absolute, t=strings.get, plurals=strings.plurals, lang=strings.language
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
    previous: Mapping[str, tuple[object, ...]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    render_many: RenderMany | None = None,
    store: PageStore | None = None,
) -> dict[str, bytes]:
    """The bytes of every page whose inputs differ from ``previous`` (path → inputs).

    Template problems are diagnostics at the template's line, naming the page; a syntax
    error is reported once, at the first page that meets it. ``render_many`` shares the
    rendering out (the result does not depend on how). With ``store``, each page's bytes
    are handed to it as they are rendered, and the result maps the page's path to ``b""``.
    """
    previous = previous or {}
    fragments.forget(env)
    todo = [page for page in pages if previous.get(page.path) != page.inputs]

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
    count = [len(pages) - len(todo)]

    def advance(more: int) -> None:
        count[0] += more
        if progress is not None:
            progress(count[0], len(pages))

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
