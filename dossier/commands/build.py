"""The build and check commands: the site built into the output folder, or checked and not written.

Both run the engine through :mod:`dossier.commands.runner`. Every problem of a phase is
collected; the build stops before writing anything if there is one, so the last good output stays.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dossier.commands import lock
from dossier.errors import Diagnostic, DossierError, Location, Severity
from dossier.incremental.resume import OutputPlan, Outputs, Resume
from dossier.options import Options
from dossier.project import OUTPUT, PACKAGED_THEMES, SOURCES
from dossier.publish import output, shards

if TYPE_CHECKING:
    from dossier.commands.runner import Runner
    from dossier.engine import Result

__all__ = ["Summary", "build", "check", "progress_printer"]


def progress_printer(
    stream: TextIO | None = None, say: Callable[[str], None] | None = None
) -> Callable[[int, int], None]:
    """Prints rendering progress for builds of a thousand pages or more, twice a second at most:
    on ``stream`` (standard error by default), or through ``say`` (the preview's own log)."""
    out = stream or sys.stderr
    line = say or (lambda text: print(text, file=out, flush=True))
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if total >= 1000 and (now - last[0] >= 0.5 or done == total):
            last[0] = now
            line(f"rendering {done}/{total} pages")

    return show


@dataclass(frozen=True)
class Summary:
    out: Path
    counts: output.Counts
    warnings: list[Diagnostic]
    seconds: float

    root: Path  # the project folder: the output is named from it, as every path printed is

    def line(self) -> str:
        c = self.counts
        out = self.out.relative_to(self.root) if self.out.is_relative_to(self.root) else self.out
        return (
            f"{out}: {c.written} written, {c.unchanged} unchanged, {c.removed} removed"
            f" ({c.pages} page{'s' if c.pages != 1 else ''}) in {self.seconds:.2f} s"
        )


_retained: list[object] = []  # the last runner (and engine), so that its memory is freed by the process's end, not here


def build(
    options: Options,
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
    waiting: Callable[[str], None] | None = None,
) -> Summary:
    """Produce the whole site, index it for search (unless ``options.search`` is off) and swap it in.

    The output folder must be the build's (:func:`dossier.publish.output.check_owner`), or ``replace``
    (the user confirmed that its files go); some folders are never (:func:`dossier.publish.output.check_target`).
    One build at a time in a project (:mod:`dossier.commands.lock`): ``waiting(line)`` is told when this
    one waits for another.

    With ``options.cache``, the build starts from what the last one left (:mod:`dossier.incremental.resume`):
    when no input changed and the output is as written, nothing is done; otherwise only what
    changed is parsed, converted, anchored and rendered, and the other files of the output
    are kept as they are.
    """
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # millions of objects that last the whole build and hardly a cycle: nothing to collect
    try:
        return _run(options, progress, started, replace, waiting or _say)
    except OSError as exc:  # a full disk, a folder that cannot be written: one line
        raise DossierError(fault(exc, options.root)) from None
    finally:
        if collecting:
            gc.enable()


def _say(line: str) -> None:
    """A line on standard error as a stop unwinds the build: nothing raised if the terminal is gone (SIGHUP)."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


WARNING = Severity.WARNING
_HINTS = {
    errno.ENOSPC: "free some space on that disk, then build again",
    errno.EDQUOT: "free some space (your disk quota is used up), then build again",
    errno.EACCES: "check the permissions of that folder",
    errno.EPERM: "check the permissions of that folder",
    errno.EROFS: "that file system is read-only: give another output folder with --out",
    errno.EFBIG: "a file is larger than this process may write (ulimit -f)",
}


def fault(exc: OSError, root: Path) -> str:
    """One line for a file-system fault: where, what, and what to do."""
    where = exc.filename
    shown = ""
    if isinstance(where, str | bytes | os.PathLike):
        path = Path(os.fsdecode(where))
        shown = f" '{path.relative_to(root) if path.is_relative_to(root) else path}'"
    hint = _HINTS.get(exc.errno or 0, "")
    verb = "cannot write" if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG) else "cannot use"
    return f"{verb}{shown}: {exc.strerror or exc}" + (f" (hint: {hint})" if hint else "")


def sources(root: Path) -> list[Path]:
    """The folders of the project a build reads or keeps (site.yml's is the project itself), and
    the package's own themes, which it reads too."""
    return [*(root / name for name in SOURCES), Path(PACKAGED_THEMES)]


def _run(
    options: Options,
    progress: Callable[[int, int], None] | None,
    started: float,
    replace: bool,
    waiting: Callable[[str], None],
) -> Summary:
    root = options.root
    out = options.out if options.out is not None else root / OUTPUT
    output.check_target(out, root, sources(root))
    with lock.held(root, waiting):
        output.check_owner(out, root, replace)
        summary = _locked(options, progress, started, out)
        real = Path(os.path.realpath(out))
        if replace and real.is_dir():  # confirmed, and the site as written even where nothing was to be done
            output.mark(real)
        return summary


def _locked(options: Options, progress: Callable[[int, int], None] | None, started: float, out: Path) -> Summary:
    root = options.root
    output.clean_leftovers(Path(os.path.realpath(out)))  # what a killed build left beside the output
    resume = Resume(options, out) if options.cache else None
    try:
        quick = resume.unchanged() if resume is not None else None
        if quick is not None:
            counts = output.Counts(0, quick.files, 0, 0)
            return Summary(out.absolute(), counts, quick.warnings, time.perf_counter() - started, root)
        from dossier.commands.runner import Runner  # the engine loads only when there is something to build

        if resume is None:
            return _build(Runner(options, progress), OutputFolder(out, options), started)
        with resume.start() as start:
            return _build(Runner(options, progress, start), OutputFolder(out, options, resume, start.kept), started)
    finally:
        if resume is not None:
            resume.close()


@dataclass(frozen=True)
class Written:
    """What the writer of the output folder did."""

    counts: output.Counts
    plan: OutputPlan  # what was kept of the output folder as it was


@dataclass(frozen=True)
class OutputFolder:
    """The writer of ``build``: the site swapped into the output folder, only what changed written
    when the last build is known (``resume``, ``kept``: the output files still as it wrote them)."""

    out: Path
    options: Options
    resume: Resume | None = None
    kept: Outputs | None = None

    def __call__(self, result: Result) -> Written:
        from dossier.publish import search

        found = self.resume.outputs() if self.resume is not None else {}
        out = Path(os.path.realpath(self.out))
        written = self.resume.written if self.resume is not None else None
        copied = self.resume.copied if self.resume is not None else None
        plan = OutputPlan.of(out, self.kept, found, result, self.options.search, search.FOLDER, written, copied)
        if plan.nothing:
            return Written(output.Counts(0, len(plan.kept | set(result.copies)), 0, 0), plan)  # the output stays
        indexer = None
        if self.options.search and not plan.index_kept:  # the shards whose pages changed (all without a last build)
            pages = shards.html(set(result.paths) | set(result.copies))
            indexer = functools.partial(search.index, rebuild=plan.shards, found=pages)
        return Written(self._write(result, plan, indexer), plan)

    def _write(
        self, result: Result, plan: OutputPlan, indexer: Callable[[Path], Iterable[str] | None] | None
    ) -> output.Counts:
        resume, out = self.resume, self.out
        try:
            spare = resume.spare() if resume is not None else None
            listed = resume.listings() if resume is not None else None
            return output.write(out, result.files, result.copies, indexer, plan.kept, spare, listed)
        except OSError as exc:
            root = self.options.root
            shown = out.relative_to(root) if out.is_relative_to(root) else out
            hint = _HINTS.get(exc.errno or 0, "check that every folder on its way is a folder: give another --out")
            line = f"cannot write the output folder '{shown}': {exc.strerror or exc}"
            raise DossierError(line + (f" (hint: {hint})" if hint else "")) from None


def _build(runner: Runner, writer: OutputFolder, started: float) -> Summary:
    result, written = runner.run(writer)
    warnings, resume = result.warnings, writer.resume
    root = writer.options.root
    if resume is not None:
        try:
            resume.save(runner.memo(), result, written.counts, writer.kept, written.plan)
        except OSError as exc:  # the site is written; only the next build's head start is lost
            cache = Location(lock.FOLDER, 0)
            reason = exc.strerror or str(exc)
            hint = "the next build starts from scratch; " + _HINTS.get(exc.errno or 0, "check that folder")
            warnings = [*warnings, Diagnostic(cache, f"the build cache was not written: {reason}", hint, WARNING)]
        except BaseException:  # Ctrl-C or SIGTERM: the site is in place all the same, say so before the stop's line
            out = writer.out.absolute()
            shown = out.relative_to(root.absolute()) if out.is_relative_to(root.absolute()) else out
            said = "stopped while the build cache was saved (the next build does more work)"
            _say(f"the new site is in place in {shown}/; {said}")
            raise
    _retained[:] = [runner]
    return Summary(writer.out.absolute(), written.counts, warnings, time.perf_counter() - started, root)


def check(options: Options) -> list[Diagnostic]:
    """Validate everything a build would, write nothing; returns the warnings."""
    from dossier.commands.runner import Runner, nothing

    result, _ = Runner(dataclasses.replace(options, images=False)).run(nothing)
    return result.warnings
