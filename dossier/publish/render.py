"""The Jinja environment and the rendering of planned pages to bytes."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import jinja2

from dossier.errors import ContentErrors, Diagnostic, DossierError, Location
from dossier.incremental import parallel
from dossier.incremental import spool as spooling
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


def render(
    env: jinja2.Environment,
    pages: Sequence[PlannedPage],
    common: View,
    root: Path,
    previous: Mapping[str, tuple[object, ...]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    spool: Path | None = None,
) -> Mapping[str, bytes]:
    """The bytes of every page whose inputs differ from ``previous`` (path → inputs).

    Template problems are diagnostics at the template's line, naming the page; a syntax
    error is reported once, at the first page that meets it. ``jobs`` processes share the
    rendering; the result does not depend on their number. With a ``spool`` folder, the
    pages are written there as they are rendered, and read from there when asked for.
    """
    previous = previous or {}
    fragments.forget(env)
    todo = [page for page in pages if previous.get(page.path) != page.inputs]

    broken: dict[str, Rendered] = {}  # templates that do not compile: said once, not parsed again

    def one(page: PlannedPage) -> Rendered:
        known = broken.get(page.template)
        if known is not None:
            return known
        rendered = _render_one(env, page, common, root)
        if rendered[2]:
            broken[page.template] = rendered
        if spool is not None and rendered[0] is not None:
            spooling.put(spool, page.path, rendered[0])
            return b"", rendered[1], rendered[2]  # in the spool
        return rendered

    if jobs > 1:  # compiled once here, before the workers are forked, rather than once in each of them
        for name in sorted({page.template for page in todo if page.template}):
            with contextlib.suppress(jinja2.TemplateError):
                env.get_template(name)
    count = [len(pages) - len(todo)]

    def advance(more: int) -> None:
        count[0] += more
        if progress is not None:
            progress(count[0], len(pages))

    out: dict[str, bytes] = {}
    spooled: list[str] = []
    problems: list[Diagnostic] = []
    try:
        results = parallel.map_items(one, todo, jobs, advance)
    finally:
        fragments.forget(env)  # the pieces of a large site are megabytes: not kept between builds
    for page, (data, problem, fatal) in zip(todo, results, strict=True):
        if data is not None and spool is not None:
            spooled.append(page.path)
        elif data is not None:
            out[page.path] = data
        if problem is not None:
            problems.append(problem)
            if fatal:
                break
    if problems:
        raise ContentErrors(problems)
    return spooling.Spooled(spool, spooled) if spool is not None else out


Rendered = tuple[bytes | None, Diagnostic | None, bool]  # bytes, or a problem (and whether it stops the build)


def _render_one(env: jinja2.Environment, page: PlannedPage, common: View, root: Path) -> Rendered:
    """A page's bytes, or the problem its template has.

    An exception raised while the template's own code runs (a frame of a template file in its
    traceback) is the theme author's: a template error at that template's line. Any other,
    such as one raised while the page's view is made, is the engine's bug and propagates.
    """
    if not page.template:  # data, not a page: compact JSON (the C encoder), keys in the view's order
        data = json.dumps(page.view(), ensure_ascii=False, separators=(",", ":"))
        return (data + "\n").encode("utf-8"), None, False
    view = page.view()
    try:
        template = env.get_template(page.template)
        context = {**common, **view, "page_url": page.target}
        return template.render(context).encode("utf-8"), None, False
    except jinja2.TemplateSyntaxError as exc:
        location = _template_location(exc.filename, exc.lineno, root)
        return None, Diagnostic(location, f"template syntax error: {exc.message}"), True
    except templatefiles.RefusedTemplate as exc:
        return None, exc.diagnostic, False
    except jinja2.TemplateNotFound as exc:
        message = f"template '{exc.name}' not found (needed for /{page.target})"
        return None, Diagnostic(Location("themes", 0), message), False
    except (jinja2.TemplateError, DossierError, LookupError, TypeError, ValueError, AttributeError) as exc:
        where = _template_frame(exc, env)
        if where is None:
            raise
        message = f"template error: {exc} (while rendering /{page.target})"
        return None, Diagnostic(_template_location(where.filename, where.lineno, root), message), False


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
