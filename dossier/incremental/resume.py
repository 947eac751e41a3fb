"""A build that resumes from the last one: what ``.dossier-cache/build/`` holds, and what it allows.

Two files per set of build options (:func:`dossier.incremental.store.path_for`):

- ``<name>.quick``: the stat signature of every file the last successful build read, taken
  before it started, and of every file it left in the output folder. When both still hold,
  the output is the answer and nothing is done: no parsing, not even loading the engine.
  The walks that tell (input tree, output folder, and the spare folder a change will update)
  are made by a process forked ahead (:mod:`dossier.incremental.prefetch`); meanwhile this one starts
  loading the memory below, and stops as soon as the walk shows that nothing changed.
- ``<name>.pickle``: the engine's memo (:class:`dossier.incremental.memo.Memo`) and the output
  folder as written. The next build starts from it (:meth:`Resume.start`, given to the engine
  as it is made; :meth:`Resume.save` after the build): files whose bytes are the same are not
  parsed again, Markdown is not converted again, notes are not anchored again, and a page
  whose inputs are the same, and whose file in the output folder is still the one written,
  is neither rendered nor written again: it is linked into the new output as it is. So is a
  static file (a theme's or the project's, or an image's encoded file in ``.dossier-cache/media/``) whose output
  file is still the one written and whose source has the stat signature it had when it was copied.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dossier import stops
from dossier.errors import Diagnostic
from dossier.incremental import journal, store
from dossier.incremental.prefetch import Prefetch
from dossier.options import Options
from dossier.project import (  # resume does not load config's parser
    CONTENT,
    MEDIA,
    PACKAGED_THEMES,
    SEEDS,
    SETTINGS_FILE,
    STATIC,
    TEMPLATES,
    THEMES,
)
from dossier.publish import output, shards
from dossier.source import discovery
from dossier.source.signatures import Signature, signature, tree

if TYPE_CHECKING:
    from dossier.incremental.memo import Memo
    from dossier.source.content import Kind
    from dossier.source.loader import Discover, Signatures

Outputs = dict[str, Signature | None]  # every file of the output folder → its stat signature
Copied = dict[str, tuple[str, Signature]]  # a static file of the output → its source (path, signature) when copied
SPARE = ".previous"  # the previous output, kept to be updated (marked; a ".spare" of older versions is left alone)


class Built(Protocol):
    """What resume reads of a build's result (:class:`dossier.engine.Result`, a layer above, has it)."""

    @property
    def files(self) -> Mapping[str, bytes]: ...  # the pages rendered this time
    @property
    def paths(self) -> frozenset[str]: ...  # every page of the site
    @property
    def copies(self) -> Mapping[str, Path]: ...  # static files: output path → source
    @property
    def warnings(self) -> Sequence[Diagnostic]: ...


@dataclass(frozen=True)
class Saved:
    memo: Memo
    out: str
    outputs: Outputs
    token: str  # names this base for its journal
    copied: Copied  # the sources of the static files in ``outputs``


@dataclass(frozen=True)
class Journal:
    token: str  # the base it applies to
    segments: tuple[journal.Changes, ...]
    outputs: Outputs
    copied: Copied


@dataclass(frozen=True)
class Unchanged:
    inputs: Inputs
    outputs: Outputs
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class NothingToDo:
    """A build that had nothing to do: how many files the output has, and the warnings it had."""

    files: int
    warnings: list[Diagnostic]


Inputs = tuple[tuple[str, Signature], ...]  # every input file (absolute path) → its stat signature
Discovered = tuple[list[tuple[str, str]], list[Diagnostic]]  # content files (kind's folder, path), stray files


@dataclass(frozen=True)
class Start:
    """What a build resumes from, given to the engine as it is made."""

    memo: Memo | None  # the last build's memo, less the pages whose output file changed (None: none known)
    kept: Outputs | None  # the output files still as the last build wrote them (None: no last build known)
    seen: Signatures  # every input file's signature, taken before anything was read
    discover: Discover  # the content files as they were when the build started
    spool: Path | None  # where the pages rendered are left (None: in memory)


MEDIA_FOLDER = f"{CONTENT}/{MEDIA}"  # the images: not content files, read by source/media


def inputs(root: Path) -> tuple[Inputs, Discovered]:
    """Every file a build reads (site.yml, the content files, seeds/, themes/, templates/,
    static/, the package's themes) with its signature, and the content files as
    :func:`dossier.source.discovery.walk` finds them: one walk."""
    found: list[tuple[str, Signature]] = []
    settings = signature(root / SETTINGS_FILE)
    if settings is not None:
        found.append((SETTINGS_FILE, settings))
    files, problems = discovery.walk(root, signed=True)
    found += [(path, sig) for _, path, sig in files if sig is not None]
    for folder in (SEEDS, THEMES, TEMPLATES, STATIC, MEDIA_FOLDER):
        found += tree(os.fspath(root / folder))
    found += tree(PACKAGED_THEMES)  # the package's own themes: edited in a checkout of the engine
    return tuple(found), ([(kind, path) for kind, path, _ in files], problems)


def still(found: Outputs, outputs: Outputs) -> Outputs:
    """Those of ``outputs`` (as written) that are in ``found`` (as listed now) as they were written."""
    return {rel: sig for rel, sig in outputs.items() if sig is not None and found.get(rel) == sig}


def _remove(spool: Path | None) -> None:
    """A build's spool folder, once the build is over."""
    if spool is not None:
        shutil.rmtree(spool, ignore_errors=True)


class Resume:
    def __init__(self, options: Options, out: Path) -> None:
        self.options = options
        self.out = Path(os.path.realpath(out))
        root = options.root.absolute()
        overrides = options.overrides
        settings = (str(self.out), overrides.base_url, overrides.drafts, options.dev, options.search)
        self.where = store.path_for(root, *settings)
        self.key = store.engine_key()
        self.prefetch = Prefetch(  # the walks, made while the build memory loads (in the order needed)
            [
                ("inputs", functools.partial(inputs, root)),
                ("out", functools.partial(output.existing_signed, self.out)),
                ("spare", functools.partial(output.existing_signed, self.where.with_suffix(SPARE))),
            ]
        )
        self._walked: tuple[Inputs, Discovered] | None = None
        self._outputs: Outputs | None = None
        self._early: object = None  # the build memory, when loaded while the input tree was walked
        self.saved: Saved | None = None
        self.segments: tuple[journal.Changes, ...] = ()
        self.snapshot: journal.Snapshot | None = None
        self.written: Outputs | None = None  # the files the last build wrote (once :meth:`start` read them)
        self.copied: Copied = {}  # the sources of its static files, as they were copied

    def discovered(self) -> tuple[list[tuple[Kind, str]], list[Diagnostic]]:
        """The content files as they were when the build started (``content.discover_files``)."""
        from dossier.source.content import KIND_BY_FOLDER

        found, problems = self._walk()[1]
        return [(KIND_BY_FOLDER[folder], path) for folder, path in found], problems

    @property
    def inputs(self) -> Inputs:
        """Every input file's signature, taken before anything was read (see :func:`inputs`)."""
        return self._walk()[0]

    def _walk(self) -> tuple[Inputs, Discovered]:
        if self._walked is None:
            self._walked = self.prefetch.get("inputs")
        return self._walked

    def outputs(self) -> Outputs:
        """Every file of the output folder, with its signature, when the build started."""
        if self._outputs is None:
            self._outputs = self.prefetch.get("out")
        return self._outputs

    def listings(self) -> tuple[Outputs, Outputs]:
        """The files of the output folder and of the spare one, with their signatures, when the build started."""
        return self.outputs(), self.prefetch.get("spare")

    def close(self) -> None:
        self.prefetch.close()

    def spare(self) -> Path | None:
        """Where the previous output is kept for the next build to update (same file system only)."""
        spare = self.where.with_suffix(SPARE)
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            same = os.stat(spare.parent).st_dev == os.stat(self.out.parent).st_dev
        except OSError:
            return None
        if os.path.lexists(spare) and (spare.is_symlink() or not output.is_ours(spare)):
            return None  # not a folder dossier wrote (a link, or one without the marker): never touched
        return spare if same else None

    def _spool(self) -> Path | None:
        """A new folder for the pages this build renders (removing those of builds that died)."""
        if self.spare() is None:
            return None
        for old in self.where.parent.glob(self.where.stem + ".spool-*"):
            pid = old.name.rpartition("-")[2]
            if pid.isdigit() and output.owner_gone(int(pid)):
                output.remove_leftover(old)  # only a folder dossier made (marked, or empty)
        folder = self.where.with_suffix(f".spool-{os.getpid()}")
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            return None  # something else has that name: left as it is, and the pages are written beside the output
        output.mark(folder)  # it may become the output, and a leftover of it is known as dossier's
        return folder

    def unchanged(self) -> NothingToDo | None:
        """The last build's outcome when no input changed and its output is as it left it."""
        quick = store.load(self.where.with_suffix(".quick"), self.key)
        if not isinstance(quick, Unchanged):
            return None
        if not self.prefetch.ready("inputs"):  # meanwhile, load the memory a change would need
            with contextlib.suppress(store.Interrupted):  # stopped: nothing changed, no memory needed
                self._early = store.load(self.where, self.key, self._same_inputs(quick))
        if quick.inputs != self.inputs or self._walk()[1][1]:  # a stray file, a folder unreadable: said by a build
            return None
        outputs = self.outputs()
        if len(still(outputs, quick.outputs)) != len(quick.outputs) or set(outputs) != set(quick.outputs):
            return None
        return NothingToDo(len(quick.outputs), list(quick.warnings))

    def _same_inputs(self, quick: Unchanged) -> Callable[[], bool]:
        """Asked as the memory loads: whether the input tree, once walked, showed nothing changed."""
        answer: list[bool] = []

        def same() -> bool:
            if not answer:
                if not self.prefetch.ready("inputs"):
                    return False
                answer.append(self.inputs == quick.inputs)
            return answer[0]

        return same

    @contextlib.contextmanager
    def start(self) -> Iterator[Start]:
        """What the build starts from (after :meth:`unchanged` said it must be made); its spool
        folder is removed when the build is over."""
        memo, kept = self._memo()
        spool = stops.made(self._spool, _remove)  # made and known to remove, or not made
        try:
            yield Start(memo, kept, dict(self.inputs), self.discovered, spool)
        finally:
            stops.finish(functools.partial(_remove, spool))

    def _memo(self) -> tuple[Memo | None, Outputs | None]:
        """The last build's memo, less the pages whose output file is not as written, and the
        output files that are (None, None: no last build known for this output folder)."""
        saved = self._early if self._early is not None else store.load(self.where, self.key)
        self._early = None
        if not isinstance(saved, Saved) or saved.out != str(self.out):
            return None, None
        memory, outputs, self.copied = saved.memo, saved.outputs, saved.copied
        found = store.load(self.where.with_suffix(".journal"), self.key)
        if isinstance(found, Journal) and found.token == saved.token:
            memory = journal.apply(memory, found.segments)
            self.segments, outputs, self.copied = found.segments, found.outputs, found.copied
        self.saved, self.snapshot = saved, journal.Snapshot.of(memory)
        self.written = dict(outputs)
        kept = still(self.outputs(), outputs)
        return memory.without_pages(set(memory.inputs) - set(kept)), kept  # the others are rendered again

    def save(self, memo: Memo, result: Built, counts: output.Counts, kept: Outputs | None, plan: OutputPlan) -> None:
        """Leave ``memo`` (the engine's memo once it accepted ``result``: a new base, or one more
        journal segment) and the quick check.

        ``kept``: the output files still as written before this build; ``plan``: what it kept.
        """
        outputs = self._left(counts, kept, plan)
        copied = {rel: source for rel, source in plan.sources.items() if outputs.get(rel) is not None}
        files, again = memo.files, copied != self.copied
        if self.saved is None or result.files or counts.removed or files.reads or files.rehashed or again:
            self._save_memo(memo, set(result.files), outputs, copied)
        quick = Unchanged(self.inputs, outputs, tuple(result.warnings))
        store.save(self.where.with_suffix(".quick"), self.key, quick)

    def _left(self, counts: output.Counts, kept: Outputs | None, plan: OutputPlan) -> Outputs:
        """The output folder as this build left it: what was kept, each the very file (inode, time)
        it was, and what was written."""
        known = kept or {}  # None: no last build known, so nothing was kept (and the output was written whole)
        if plan.nothing:
            return dict(known)
        base = os.fspath(self.out) + os.sep
        outputs = {rel: known[rel] for rel in sorted(plan.kept) if rel in known}
        outputs.update((rel, signature(base + rel)) for rel in sorted(counts.fresh))
        return outputs

    def _save_memo(self, memo: Memo, rendered: set[str], outputs: Outputs, copied: Copied) -> None:
        """One more journal segment when the change is small, else a new base."""
        segment = journal.changes(self.snapshot, memo, rendered) if self.snapshot else None
        if self.saved is not None and segment is not None and journal.small(segment, memo, len(self.segments)):
            found = Journal(self.saved.token, (*self.segments, segment), outputs, copied)
            store.save(self.where.with_suffix(".journal"), self.key, found)
        else:
            store.save(self.where, self.key, Saved(memo, str(self.out), outputs, uuid.uuid4().hex, copied))
            self.where.with_suffix(".journal").unlink(missing_ok=True)


@dataclass(frozen=True)
class OutputPlan:
    """What a build keeps of the output folder as it is."""

    kept: frozenset[str]  # files linked into the new output unchanged (pages, static files, the index's)
    index_kept: bool  # the search index stays as it is (no shard to index again)
    nothing: bool  # nothing to write at all: the output stays as it is
    shards: frozenset[str] | None = None  # the search index's shards to index again (None: all of them)
    sources: Copied = field(default_factory=dict)  # the static files' sources, signed before the write

    @classmethod
    def of(
        cls,
        out: Path,
        still: Outputs | None,
        found: Outputs,
        result: Built,
        search: bool,
        index_folder: str,
        written: Outputs | None = None,
        copied: Copied | None = None,
    ) -> OutputPlan:
        """``still``: the files of ``out`` as the last build wrote them (None: no last build known);
        ``found``: the files of ``out`` as listed when this build started; ``written``: the files
        the last build wrote (by default ``still``); ``copied``: the sources its static files were
        copied from. A static file whose output file is still as written, and whose source is the
        same file with the same signature, is kept: its bytes are those a copy would give."""
        sources = _sources(result.copies)  # signed before anything is copied: a later change is seen next time
        if still is None:
            return cls(frozenset(), False, False, None, sources)
        before = still if written is None else written
        none = _IndexPlan(set(), frozenset(), True)  # no index: nothing of it to keep or make
        index = _IndexPlan.of(out, still, before, result, index_folder) if search else none
        copied = copied or {}
        static = {rel for rel, source in sources.items() if rel in still and copied.get(rel) == source}
        kept = (set(result.paths) - set(result.files)) | index.kept | static
        nothing = not result.files and index.whole and _same_files(out, still, found, result, index.kept | static)
        return cls(frozenset(kept), search and index.whole, nothing, index.shards if search else None, sources)


@dataclass(frozen=True)
class _IndexPlan:
    """What a build keeps of the search index: the shards none of whose pages changed, each
    still as the last build wrote it (:mod:`dossier.publish.shards`)."""

    kept: set[str]  # the index's files that stay
    shards: frozenset[str]  # the shards to index again
    whole: bool  # nothing to index again, and the manifest is as written: the index stays

    @classmethod
    def of(cls, out: Path, still: Outputs, written: Outputs, result: Built, folder: str) -> _IndexPlan:
        pages = shards.html(set(result.paths) | set(result.copies))
        count = shards.count_for(len(pages))
        before = set(shards.html(written))
        changed = set(pages).symmetric_difference(before) | _rewritten(out, result)
        manifest = f"{folder}/{shards.MANIFEST}"
        empty = shards.empty_in((out / manifest).read_bytes()) if manifest in still else set()
        made = _shards_made(still, written, folder)
        todo = shards.changed(count, changed, made | empty)
        kept = {rel for rel in still if rel.startswith(folder + "/") and rel.split("/")[1] in made - todo}
        whole = not todo and manifest in still
        if whole:
            kept.add(manifest)
        return cls(kept, frozenset(todo), whole)


def _same_files(out: Path, still: Outputs, found: Outputs, result: Built, kept: set[str]) -> bool:
    """Whether the output folder holds the site's files as written (``kept``: those of the search
    index, and the static files known to be the copies of their sources)."""
    copies = result.copies.items()
    static = all(rel in kept or (rel in still and output.same_file(out / rel, source)) for rel, source in copies)
    return static and set(result.paths) | set(result.copies) | kept == set(still) == set(found)


def _sources(copies: Mapping[str, Path]) -> Copied:
    """Each static file's source (its path, and its stat signature now), those that can be read."""
    sources: Copied = {}
    for rel, source in copies.items():
        path = os.fspath(source)
        sig = signature(path)
        if sig is not None:
            sources[rel] = (path, sig)
    return sources


def _rewritten(out: Path, result: Built) -> set[str]:
    """The HTML pages rendered (or copied) this time whose bytes are not those of ``out``'s."""
    files = result.files
    pages = {rel for rel in files if rel.endswith(".html") and not output.same_bytes(out / rel, files[rel])}
    copies = result.copies.items()
    return pages | {rel for rel, source in copies if rel.endswith(".html") and not output.same_file(out / rel, source)}


def _shards_made(still: Outputs, written: Outputs, folder: str) -> set[str]:
    """The index's shards (folder names) the last build wrote, every file of each still as written."""
    made: dict[str, bool] = {}
    for rel in written:
        parts = rel.split("/")
        if len(parts) > 2 and parts[0] == folder:
            made[parts[1]] = made.get(parts[1], True) and rel in still
    return {shard for shard, whole in made.items() if whole}
