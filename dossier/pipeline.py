"""The pipeline as a few plain functions: load → link → plan → render → write.

Every problem of a phase is collected; the build stops before writing anything if there is
one, so the last good output stays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config, content, i18n, output, render, seeds
from .errors import ContentErrors, Diagnostic, DossierError, Location, Severity
from .site import Site, link
from .urls import Urls
from .views import Views


@dataclass(frozen=True)
class Options:
    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False


@dataclass(frozen=True)
class Result:
    files: dict[str, bytes]
    copies: dict[str, Path]
    warnings: list[Diagnostic] = field(default_factory=list)


def theme_dir(root: Path, loaded: config.LoadedSettings) -> Path:
    name = loaded.settings.theme
    path = root / "themes" / name
    if not name or "/" in name or name.startswith(".") or not (path / "templates").is_dir():
        themes = sorted(p.name for p in (root / "themes").glob("*") if (p / "templates").is_dir())
        hint = "available themes: " + ", ".join(themes) if themes else "create themes/<name>/templates/"
        where = Location(config.SETTINGS_FILE, loaded.lines.get("theme", 1))
        raise ContentErrors([Diagnostic(where, f"theme '{name}' does not exist", hint)])
    return path


def load_site(options: Options) -> tuple[Site, config.LoadedSettings, list[Diagnostic]]:
    """Settings and content → a linked site; raises :class:`ContentErrors` on any error."""
    root = options.root
    loaded, problems = config.load(root)
    records, more = content.load(root)
    problems += more
    if loaded is None:
        raise ContentErrors(problems)
    if options.base_url is not None:
        try:
            loaded = config.LoadedSettings(loaded.settings.with_base_url(options.base_url), loaded.lines)
        except ValueError as exc:
            raise DossierError(f"--base-url: {exc}") from None
    found, more = seeds.for_articles(root, records.articles)
    problems += more
    site, more = link(loaded.settings, records, found, drafts=options.drafts)
    problems += more
    if any(p.severity is Severity.ERROR for p in problems):
        raise ContentErrors(problems)
    return site, loaded, problems


def produce(options: Options) -> Result:
    """Everything the build would write, in memory; nothing touches the output folder."""
    root = options.root
    site, loaded, warnings = load_site(options)
    theme = theme_dir(root, loaded)
    try:
        strings = i18n.load(theme, site.settings.language, root)
    except DossierError as exc:
        if isinstance(exc, ContentErrors):
            raise
        where = Location(config.SETTINGS_FILE, loaded.lines.get("language", 1))
        raise ContentErrors([Diagnostic(where, str(exc))]) from None
    urls = Urls(site.settings.base_url)
    views = Views(site, strings, urls)
    pages, problems = render.plan(site, views)
    if problems:
        raise ContentErrors(problems)
    env = render.environment(render.template_dirs(root, theme), urls, strings)
    files = render.render(env, pages, views.common(), root)
    static = theme / "static"
    copies = {
        "static/" + p.relative_to(static).as_posix(): p
        for p in sorted(static.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }
    if not urls.has_host:
        warnings.append(
            Diagnostic(
                Location(config.SETTINGS_FILE, loaded.lines.get("base_url", 1)),
                "base_url has no host: the feed and sitemap use relative URLs",
                "set base_url, or pass --base-url https://host/path/ to publish",
                Severity.WARNING,
            )
        )
    return Result(files, copies, warnings)


def build(options: Options) -> tuple[int, list[Diagnostic], float]:
    """Produce the site and swap it into the output folder; returns (files, warnings, seconds)."""
    started = time.perf_counter()
    root = options.root
    out = options.out if options.out is not None else root / "_site"
    output.check_target(out, root, [root / "content", root / "themes", root / "seeds", root / "templates"])
    result = produce(options)
    count = output.write(out, result.files, result.copies)
    return count, result.warnings, time.perf_counter() - started


def check(options: Options) -> list[Diagnostic]:
    """Validate everything a build would, write nothing; returns the warnings."""
    return produce(options).warnings
