"""The commands' pipeline: a clean build into the output folder, or a check that writes nothing.

Every problem of a phase is collected; the build stops before writing anything if there is
one, so the last good output stays.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import output
from .errors import Diagnostic, DossierError
from .options import Options
from .resume import Kept, Outputs, Resume

if TYPE_CHECKING:
    from .builder import Builder

__all__ = ["Options", "Summary", "build", "check", "progress_printer"]


def progress_printer(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """Prints rendering progress for builds of a thousand pages or more, twice a second at most."""
    out = stream or sys.stderr
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if total >= 1000 and (now - last[0] >= 0.5 or done == total):
            last[0] = now
            print(f"rendering {done}/{total} pages", file=out, flush=True)

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
            f" ({c.pages} pages) in {self.seconds:.2f} s"
        )


_retained: list[object] = []  # the last builder, so that its memory is freed by the process's end, not here


def build(options: Options, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Produce the whole site, index it for search (unless ``options.search`` is off) and swap it in.

    With ``options.cache``, the build starts from what the last one left (:mod:`dossier.resume`):
    when no input changed and the output is as written, nothing is done; otherwise only what
    changed is parsed, converted, anchored and rendered, and the other files of the output
    are kept as they are.
    """
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # millions of objects that last the whole build and hardly a cycle: nothing to collect
    try:
        return _run(options, progress, started)
    finally:
        if collecting:
            gc.enable()


def _run(options: Options, progress: Callable[[int, int], None] | None, started: float) -> Summary:
    root = options.root
    out = options.out if options.out is not None else root / "_site"
    protected = [root / "content", root / "themes", root / "seeds", root / "templates"]
    output.check_target(out, root, protected)
    output.clean_leftovers(Path(os.path.realpath(out)))  # what a killed build left beside the output
    resume = Resume(options, out) if options.cache else None
    try:
        quick = resume.unchanged() if resume is not None else None
        if quick is not None:
            counts = output.Counts(0, quick.files, 0, 0)
            return Summary(out.absolute(), counts, quick.warnings, time.perf_counter() - started, root)
        from .builder import Builder

        builder = Builder(options, progress)
        kept = resume.prime(builder) if resume is not None else None
        if resume is not None:
            builder.spool, builder.seen, builder.discover = resume.spool(), dict(resume.inputs), resume.discovered
        try:
            return _build(builder, resume, kept, out, started)
        finally:
            if builder.spool is not None:
                shutil.rmtree(builder.spool, ignore_errors=True)
    finally:
        if resume is not None:
            resume.close()


def _build(builder: Builder, resume: Resume | None, kept: Outputs | None, out: Path, started: float) -> Summary:
    from . import search

    options = builder.options
    result = builder.produce()
    found = resume.outputs() if resume is not None else {}
    plan = Kept.plan(Path(os.path.realpath(out)), kept, found, result, options.search, search.FOLDER)
    if plan.nothing:
        counts = output.Counts(0, len(plan.kept) + len(result.copies), 0, 0)  # the output stays as it is
    else:
        indexer = search.index if options.search and not plan.index_kept else None
        try:
            spare = resume.spare() if resume is not None else None
            listed = resume.listings() if resume is not None else None
            counts = output.write(out, result.files, result.copies, indexer, plan.kept, spare, listed)
        except OSError as exc:
            raise DossierError(f"cannot write the output folder '{out}': {exc.strerror or exc}") from None
    if resume is not None:
        resume.save(builder, result, counts, kept, plan)
    _retained[:] = [builder]
    return Summary(out.absolute(), counts, result.warnings, time.perf_counter() - started, options.root)


def check(options: Options) -> list[Diagnostic]:
    """Validate everything a build would, write nothing; returns the warnings."""
    from .builder import Builder

    return Builder(options).produce().warnings
