"""The engine: one pipeline (load → link → index and plan → render) for build, check and serve.

``Engine(options, memo)`` runs the pure phases through the gates of :mod:`dossier.incremental.memo`,
starting from ``memo`` (what an earlier build computed, or nothing); after a build,
:attr:`Engine.memo` is what to keep for the next one. A clean build is a new engine's first
:meth:`Engine.produce`; the development server keeps one engine and calls it again with the
paths that changed, so that only changed files are parsed and only pages whose inputs
changed are rendered. Both give the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from dossier import __version__, config
from dossier.errors import ContentErrors, Diagnostic, DossierError, Location, Severity
from dossier.incremental import imagecache, pages_on_disk, parallel, patch
from dossier.incremental.compiled import bytecode_cache
from dossier.incremental.memo import IndexGate, LinkGate, Memo, PageInputs
from dossier.link.annotations import is_orphan
from dossier.link.site import AnchorJob, AnchorOutcome, Site, anchor_job, link
from dossier.options import Options
from dossier.project import ANNOTATIONS, ARTICLES, CONTENT, PACKAGED_THEMES, TEMPLATES, THEMES
from dossier.publish import i18n, images, output, pages, render, staticfiles, templatefiles
from dossier.publish.urls import Urls
from dossier.publish.views import Labels, View, Views
from dossier.source import content, discovery, loader, media
from dossier.source.markup import BACKLINK, Converted, Markdown
from dossier.source.signatures import Signature, signature
from dossier.text import collation


@dataclass(frozen=True)
class Result:
    """What a build produced: the pages rendered this time, and every path of the site."""

    files: Mapping[str, bytes]  # rendered this time (all of them for a first build)
    paths: frozenset[str]  # every page path of the site
    copies: dict[str, Path]  # static files: output path → source
    warnings: list[Diagnostic]
    inputs: dict[str, tuple[object, ...]]
    key: tuple[object, ...]
    pages: int  # pages planned
    last: patch.Last | None = None  # what an editor's next small change can be patched onto


@dataclass(frozen=True)
class _Context:
    """What the last whole build rendered with, for patched builds."""

    env: jinja2.Environment
    common: View
    extra: tuple[Diagnostic, ...]  # warnings that are not about content
    copies: dict[str, Path]
    theme: Path
    dirs: list[Path]
    templates: object  # the templates' digest


@dataclass(frozen=True)
class Rendered:
    """What every page was last rendered with (the engine's key) and from (each page's inputs)."""

    key: tuple[object, ...] = ()
    inputs: PageInputs = field(default_factory=dict)


_markdown: dict[str, Markdown] = {}  # one converter per process (per footnote back-link title)

FOOTNOTE_BACK = "footnote_back"  # the UI string of a footnote's back-link title


def _convert(footnote: str, text: str) -> Converted:
    md = _markdown.get(footnote)
    if md is None:
        md = _markdown[footnote] = Markdown(footnote)
    return md.render(text)


def _parse(footnote: str, job: loader.ParseJob) -> tuple[loader.Parsed | None, Converted | None]:
    """One content file parsed, and its text converted (the link phase would convert it anyway)."""
    parsed = loader.parse(*job)
    record = parsed.loaded.record if parsed is not None else None
    return parsed, (_convert(footnote, record.body) if record is not None else None)


def theme_dir(root: Path, loaded: config.LoadedSettings) -> Path:
    """The folder of the theme ``site.yml`` names: the project's ``themes/<name>/`` when it has
    one (a folder with ``templates/``), else the package's own theme of that name."""
    name = loaded.settings.theme
    places = (root / THEMES, Path(PACKAGED_THEMES))
    where = Location(config.SETTINGS_FILE, loaded.lines.get("theme", 1))
    if name and "/" not in name and not name.startswith("."):
        own = root / THEMES / name
        _readable(root, (root / THEMES, own, own / TEMPLATES))
        if os.path.lexists(own) and not (own / TEMPLATES).is_dir():
            message = f"theme '{name}': {THEMES}/{name}/ has no {TEMPLATES}/ folder"
            hint = (
                f"a theme is whole ({TEMPLATES}/, static/, i18n/); to change a few templates, put them in {TEMPLATES}/"
            )
            raise ContentErrors([Diagnostic(where, message, hint)])
        for place in places:
            if (place / name / TEMPLATES).is_dir():
                return place / name
    themes = sorted({p.name for place in places for p in place.glob("*") if (p / TEMPLATES).is_dir()})
    hint = "available themes: " + ", ".join(themes) if themes else "create themes/<name>/templates/"
    raise ContentErrors([Diagnostic(where, f"theme '{name}' does not exist", hint)])


def _readable(root: Path, folders: Iterable[Path]) -> None:
    """Raises the error of the first of ``folders`` that is there but cannot be listed: a
    project's theme is never taken for absent (and the package's used instead) for that."""
    for folder in folders:
        problems: list[Diagnostic] = []
        discovery.listing(root, folder, problems)
        if problems:
            raise ContentErrors(problems)


def _orphans_warned(problems: list[Diagnostic]) -> list[Diagnostic]:
    """``problems`` with each orphaned note (its quote not found) a warning: the preview renders
    its article without it, and shows where it may go (``build`` and ``check`` keep it an error)."""
    return [replace(p, severity=Severity.WARNING) if is_orphan(p) else p for p in problems]


def changed_pages(plan: Sequence[pages.PlannedPage], written: PageInputs) -> list[pages.PlannedPage]:
    """The pages of ``plan`` whose inputs differ from those of the pages as written (path → inputs)."""
    return [page for page in plan if written.get(page.path) != page.inputs]


class Engine:
    """The pipeline, with what it keeps from one build to the next.

    ``memo``: what an earlier build computed (by default nothing); ``progress(done, total)``
    is told how rendering goes; ``seen``: the input files' signatures, taken before the build
    read any; ``discover``: the content files, when listed ahead; ``spool``: a folder where
    whole builds leave the pages they render (in memory without it).
    """

    def __init__(
        self,
        options: Options,
        memo: Memo | None = None,
        progress: Callable[[int, int], None] | None = None,
        seen: loader.Signatures | None = None,
        discover: loader.Discover | None = None,
        spool: Path | None = None,
    ) -> None:
        self.options = options
        self.root = options.root.absolute()
        memo = memo if memo is not None else Memo.empty(self.root)
        self.files = memo.files
        self.files.root = self.root
        self.files.reads = self.files.rehashed = 0
        self.link_memo, self.index_memo = memo.link, memo.index
        self.rendered = Rendered(memo.key, dict(memo.inputs))
        self.labels: Labels = ()
        self.progress = progress
        self.seen = seen
        self.discover = discover
        self.spool = spool
        self._env: tuple[tuple[object, ...], jinja2.Environment] | None = None
        self._settings: tuple[Signature | None, tuple[config.LoadedSettings | None, list[Diagnostic]]] | None = None
        self._i18n: tuple[tuple[Path, Signature | None], i18n.Strings] | None = None
        self._last: patch.Last | None = None
        self.patched = 0  # builds made by patching the last one (for tests and benchmarks)
        self._context: _Context | None = None
        self._media = media.Library()  # the images of content/media/, as the last build read them
        self._measured: dict[str, tuple[Signature, media.MediaFile]] = {}
        self._images: imagecache.ImageCache | None = None

    @property
    def encoded(self) -> int:
        """Images encoded by this engine's builds (for tests and benchmarks)."""
        return self._images.encoded if self._images is not None else 0

    @property
    def memo(self) -> Memo:
        """What is worth keeping for the next build: an article's converted text is left out (its
        anchored text is kept; should one of its notes change, it is converted again, in milliseconds)."""
        link = self.link_memo
        bodies = {entry.article.body for entry in link.anchored.values()}
        converted = {text: done for text, done in link.converted.items() if text not in bodies}
        kept = replace(link, converted=converted)
        return Memo(self.files, kept, self.index_memo, self.rendered.key, self.rendered.inputs)

    def _strings(self, theme: Path, language: str) -> i18n.Strings:
        """The theme's UI strings, read again only when their file changed."""
        path = theme / i18n.FOLDER / f"{language}.yml"
        sig = signature(path)
        if self._i18n is None or self._i18n[0] != (path, sig) or sig is None:
            self._i18n = ((path, sig), i18n.load(theme, language, self.root))
        return self._i18n[1]

    @property
    def strings(self) -> i18n.Strings | None:
        """The UI strings the last build read (None before any could be read)."""
        return self._i18n[1] if self._i18n is not None else None

    def _footnote(self, loaded: config.LoadedSettings) -> str:
        """The footnotes' back-link title in the site's language (the theme's ``footnote_back``).

        Python-Markdown's own when the theme or its strings cannot be read: the build then says why.
        """
        try:
            strings = self._strings(theme_dir(self.root, loaded), loaded.settings.language)
        except DossierError:
            return BACKLINK
        return strings.strings.get(FOOTNOTE_BACK, BACKLINK)

    def _i18n_changed(self) -> bool:
        assert self._i18n is not None
        path, sig = self._i18n[0]
        return sig is None or signature(path) != sig

    def load(self, changed: Iterable[Path] | None = None) -> tuple[Site, config.LoadedSettings, list[Diagnostic]]:
        """Settings and content → a linked site; raises :class:`ContentErrors` on any error."""
        loaded, problems = self._read_settings()
        footnote = self._footnote(loaded) if loaded is not None else self.link_memo.footnote
        jobs = self.options.jobs
        gate = LinkGate(self.link_memo, footnote, self._anchor_many if jobs > 1 else None)
        parse_many = functools.partial(self._parse_many, gate) if jobs > 1 else None
        records, more = self.files.refresh(changed, parse_many, self.seen, self.discover)
        problems += more
        if loaded is None:
            raise ContentErrors(problems)
        found, more = self.files.seeds_for(records.articles)
        problems += more
        problems += self._scan_media()
        if jobs > 1:
            self._convert_beforehand(gate, records, loaded.settings.intro)
        intro_line = loaded.lines.get("intro", 1)
        site, more = link(loaded.settings, records, found, loaded.overrides.drafts, intro_line, gate, self._media)
        self.link_memo = gate.memo(site)
        problems += more
        if self.options.dev:  # the preview's workbench lists them, with where each may go (commands/orphans)
            problems = _orphans_warned(problems)
        if any(p.severity is Severity.ERROR for p in problems):
            raise ContentErrors(problems)
        return site, loaded, problems

    def _scan_media(self) -> list[Diagnostic]:
        """The images of ``content/media/`` (an image read again only when its signature changed;
        with the build cache, what the last build learnt of them is read first, and kept)."""
        if self.options.cache and not self._measured:
            self._measured = dict(imagecache.load_measured(imagecache.folder(self.root)))
        before = self._measured
        found, signatures, problems = media.scan(self.root, before)
        self._media = found
        self._measured = {rel: (signatures[rel], image) for rel, image in found.images.items()}
        if self.options.cache and self._measured != before:
            with contextlib.suppress(OSError):  # not kept: the next build reads the images again
                imagecache.save_measured(imagecache.folder(self.root), self._measured)
        return problems

    def _media_copies(self) -> dict[str, Path]:
        """The files the site publishes for its images (site path → encoded file), encoded when
        missing from the cache (``.dossier-cache/media/``; a folder of this process's with ``--no-cache``)."""
        keep = self.options.cache or self.options.dev
        if not self.options.images or not (self._media.images or keep):  # check writes nothing
            return {}
        if self._images is None:  # with no image left, the cache is still pruned (its entries all unused)
            self._images = imagecache.ImageCache(imagecache.folder(self.root) if keep else None)
        many = self._encode_many if self.options.jobs > 1 else None
        return self._images.files(self.root, self._media.images, many)

    def _encode_many(self, jobs: Sequence[imagecache.Job]) -> list[list[bytes]]:
        return parallel.map_items(images.encode_file, jobs, self.options.jobs)

    def _read_settings(self) -> tuple[config.LoadedSettings | None, list[Diagnostic]]:
        """The settings (read again only when their file changed), and their problems."""
        sig = signature(self.root / config.SETTINGS_FILE)
        if self._settings is None or self._settings[0] != sig or sig is None:
            self._settings = (sig, config.load(self.root, self.options.overrides))
        loaded, problems = self._settings[1]
        return loaded, list(problems)

    def _anchor_many(self, jobs: Sequence[AnchorJob]) -> list[AnchorOutcome]:
        return parallel.map_items(anchor_job, jobs, self.options.jobs)

    def _render_many(
        self,
        function: Callable[[pages.PlannedPage], render.RenderedPage],
        items: Sequence[pages.PlannedPage],
        done: Callable[[int], None],
    ) -> list[render.RenderedPage]:
        return parallel.map_items(function, items, self.options.jobs, done)

    def _parse_many(self, gate: LinkGate, jobs: list[loader.ParseJob]) -> list[loader.Parsed | None]:
        """Files parsed over several processes, their texts converted on the way."""
        out = []
        parse = functools.partial(_parse, gate.footnote)
        for parsed, converted in parallel.map_items(parse, jobs, self.options.jobs):
            out.append(parsed)
            if parsed is not None and parsed.loaded.record is not None and converted is not None:
                gate.add(parsed.loaded.record.body, converted)
        return out

    def _convert_beforehand(self, gate: LinkGate, records: content.Content, intro: str) -> None:
        """Convert, over several processes, the Markdown the link phase will need and not find."""
        texts = gate.texts_to_convert(records, intro)
        convert = functools.partial(_convert, gate.footnote)
        for text, done in zip(texts, parallel.map_items(convert, texts, self.options.jobs), strict=True):
            gate.add(text, done)

    def produce(self, changed: Iterable[Path] | None = None) -> Result:
        """Everything the build would write, in memory; pages whose inputs did not change are left out.

        ``changed`` (the paths a watcher saw change) lets the engine re-read only those files,
        and patch the last build when they are only edits to articles' text and notes written,
        edited or deleted.
        """
        paths = None if changed is None else {Path(p).absolute() for p in changed}
        last, self._last = self._last, None  # patch only onto a build that was written (accept gives it back)
        if paths and last is not None:
            patched = self._patched(paths, last)
            if patched is not None:
                self.patched += 1
                return patched
        return self._whole(paths)

    def _whole(self, paths: set[Path] | None) -> Result:
        content_paths = None if paths is None else {p for p in paths if p.is_relative_to(self.root / CONTENT)}
        root = self.root
        site, loaded, warnings = self.load(content_paths)
        site_warnings = tuple(warnings)
        theme = theme_dir(root, loaded)
        strings = self._site_strings(theme, loaded)
        urls = Urls(site.settings.base_url)
        views = Views(strings, urls, site.settings)
        labels = tuple((t.slug, t.label) for t in sorted(site.topics, key=lambda t: t.slug))
        if labels != self.labels:
            self.labels = labels
        gate = IndexGate.whole(self.index_memo)
        idx = pages.index(site, self.labels, gate)
        plan, problems = pages.plan(site, views, idx, gate)
        self.index_memo = gate.memo(site)
        if problems:
            raise ContentErrors(problems)
        dirs = render.template_dirs(root, theme)
        sources = collation.ordered_texts({a.source for a in site.articles if a.source}, site.settings.language)
        common = views.common(site.settings, site.pages, sources, search=self.options.search, dev=self.options.dev)
        templates = templatefiles.digest(root, dirs)
        key = self._render_key(site.settings, strings, dirs, templates, common)
        previous = self.rendered.inputs if key == self.rendered.key else {}
        env = self._environment(dirs, urls, strings, key)
        files = self._render(env, plan, common, previous)
        static = staticfiles.published(root, theme)
        _check_logo(loaded, static)
        copies = {**static, **self._media_copies()}
        extra = self._base_url_warnings(urls, loaded)
        inputs = {p.path: p.inputs for p in plan}
        positions = {p.path: i for i, p in enumerate(plan)}
        last = patch.Last(site, idx, views, tuple(plan), positions, site_warnings, pages.timeline_items(site, idx))
        self._context = _Context(env, common, tuple(extra), copies, theme, dirs, templates)
        return Result(files, frozenset(inputs), copies, [*warnings, *extra], inputs, key, len(plan), last)

    def _site_strings(self, theme: Path, loaded: config.LoadedSettings) -> i18n.Strings:
        """The theme's UI strings in the site's language; a problem with them is said at ``language``."""
        try:
            strings = self._strings(theme, loaded.settings.language)
            strings.get(FOOTNOTE_BACK, number=1)  # every theme's strings name it: footnotes use it
        except DossierError as exc:
            if isinstance(exc, ContentErrors):
                raise
            where = Location(config.SETTINGS_FILE, loaded.lines.get("language", 1))
            raise ContentErrors([Diagnostic(where, str(exc))]) from None
        return strings

    def _render_key(
        self,
        settings: config.Settings,
        strings: i18n.Strings,
        dirs: list[Path],
        templates: object,
        common: View,
    ) -> tuple[object, ...]:
        """What every page is rendered with: a page is rendered again when it changes."""
        return (
            __version__,
            settings,
            tuple(sorted(strings.strings.items())),
            tuple(map(str, dirs)),
            templates,
            repr(common),
            self.options.overrides.drafts,
        )

    def _base_url_warnings(self, urls: Urls, loaded: config.LoadedSettings) -> list[Diagnostic]:
        """A base URL with a path and no host: fine for local work, not to publish."""
        if urls.has_host or urls.base_path == "/":  # "/" is for local work; a subpath is meant to be published
            return []
        given = loaded.overrides.base_url is not None  # on the command line: said there, not at site.yml
        where = Location("--base-url") if given else Location(config.SETTINGS_FILE, loaded.lines.get("base_url", 1))
        return [
            Diagnostic(
                where,
                f"{'--base-url' if given else 'base_url'} {urls.base_url} has no host:"
                " the feed, sitemap and canonical links use relative URLs",
                f"to publish, give the full URL: --base-url https://host{urls.base_path}",
                Severity.WARNING,
            )
        ]

    def _same_setup(self, context: _Context) -> bool:
        """Whether the settings, the UI strings and the templates are those the last build used."""
        settings = self._settings
        if settings is None or settings[0] != signature(self.root / config.SETTINGS_FILE):
            return False
        if self._i18n is None or self._i18n_changed():
            return False
        try:
            return templatefiles.digest(self.root, context.dirs) == context.templates
        except ContentErrors:  # a template refused: the whole build says so
            return False

    def _patch(self, last: patch.Last, paths: set[Path]) -> patch.Patched | None:
        """The files at ``paths`` read again and, when they are only edits (notes written or
        deleted included), the last build patched with them."""
        if not self.files.reload(paths):
            return None
        known = self.files.files  # the last build had no error: only these files can have one
        if any((file := known.get(os.path.abspath(p))) is not None and file.loaded.problems for p in paths):
            return None  # a problem, even a warning (its record is then no change to patch): the whole build says it
        return patch.patch(last, self.files.changes, self.link_memo, self.index_memo)

    def _patched(self, paths: set[Path], last: patch.Last) -> Result | None:
        """The last build patched with edits to articles' text and notes written, edited or
        deleted, when that is all there is."""
        context = self._context
        if context is None:
            return None
        folders = {self.root / CONTENT / ARTICLES, self.root / CONTENT / ANNOTATIONS}
        if not all(p.suffix == ".md" and any(p.is_relative_to(f) for f in folders) for p in paths):
            return None
        if not self._same_setup(context):
            return None
        if any(is_orphan(w) for w in last.warnings):  # the whole build says which notes are orphans now
            return None
        patched = self._patch(last, paths)
        if patched is None:
            return None
        self.link_memo, self.index_memo = patched.link, patched.index
        plan, warnings = patched.plan, patched.warnings
        todo = changed_pages(patched.replanned, self.rendered.inputs)  # the others are the pages as rendered
        files = render.render(
            context.env, todo, context.common, self.root, self.progress, skipped=len(plan) - len(todo)
        )
        inputs = {**self.rendered.inputs, **{p.path: p.inputs for p in patched.replanned}}
        result_last = replace(last, site=patched.site, idx=patched.idx, plan=tuple(plan), warnings=tuple(warnings))
        return Result(
            files,
            frozenset(inputs),
            context.copies,
            [*warnings, *context.extra],
            inputs,
            self.rendered.key,
            len(plan),
            result_last,
        )

    def accept(self, result: Result) -> None:
        """Remember ``result`` as written: the next build renders only what differs from it; the
        image cache loses the entries no build used for a month (:meth:`imagecache.ImageCache.prune`)."""
        self.rendered = Rendered(result.key, result.inputs)
        self._last = result.last
        if self._images is not None and (self.options.cache or self.options.dev):  # not --no-cache's own folder
            self._images.prune()

    def _render(
        self, env: jinja2.Environment, plan: Sequence[pages.PlannedPage], common: View, previous: PageInputs
    ) -> Mapping[str, bytes]:
        """The pages whose inputs changed, rendered (over several processes, with ``options.jobs``);
        into the spool folder when there is one."""
        render_many = self._render_many if self.options.jobs > 1 else None
        folder = self.spool
        store = functools.partial(pages_on_disk.put, folder) if folder is not None else None
        todo = changed_pages(plan, previous)
        skipped = len(plan) - len(todo)
        files = render.render(env, todo, common, self.root, self.progress, render_many, store, skipped)
        return output.PagesOnDisk(folder, files) if folder is not None else files

    def _environment(
        self, dirs: list[Path], urls: Urls, strings: i18n.Strings, key: tuple[object, ...]
    ) -> jinja2.Environment:
        if self._env is None or self._env[0] != key:
            from dossier.incremental.store import engine_key

            compiled = bytecode_cache(engine_key().hex()[:24]) if self.options.cache else None
            self._env = (key, render.environment(dirs, urls, strings, compiled, self.root))
        return self._env[1]


def _check_logo(loaded: config.LoadedSettings, static: Mapping[str, Path]) -> None:
    """The publisher's logo, when it is one of the site's static files (``/static/...``), is one it publishes."""
    publisher = loaded.settings.publisher
    logo = publisher.logo if publisher is not None else ""
    if logo.startswith(f"/{staticfiles.FOLDER}/") and logo[1:] not in static:
        hint = f"put the file in the project's {staticfiles.FOLDER}/ folder ({logo[1:]}), or give its URL"
        where = Location(config.SETTINGS_FILE, loaded.lines.get("publisher", 1))
        raise ContentErrors([Diagnostic(where, f"the publisher's logo {logo} is no file the site publishes", hint)])
