"""The commands' pipeline: a clean build into the output folder, or a check that writes nothing.

Every problem of a phase is collected; the build stops before writing anything if there is
one, so the last good output stays.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import output, search
from .builder import Builder, Options, progress_printer
from .errors import Diagnostic, DossierError

__all__ = ["Options", "Summary", "build", "check", "progress_printer"]


@dataclass(frozen=True)
class Summary:
    out: Path
    counts: output.Counts
    warnings: list[Diagnostic]
    seconds: float

    def line(self) -> str:
        c = self.counts
        out = self.out.relative_to(Path.cwd()) if self.out.is_relative_to(Path.cwd()) else self.out
        return (
            f"{out}: {c.written} written, {c.unchanged} unchanged, {c.removed} removed"
            f" ({c.pages} pages) in {self.seconds:.2f} s"
        )


def build(options: Options, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Produce the whole site, index it for search (unless ``options.search`` is off) and swap it in."""
    started = time.perf_counter()
    root = options.root
    out = options.out if options.out is not None else root / "_site"
    protected = [root / "content", root / "themes", root / "seeds", root / "templates"]
    output.check_target(out, root, protected)
    builder = Builder(options, progress)
    result = builder.produce()
    try:
        counts = output.write(out, result.files, result.copies, search.index if options.search else None)
    except OSError as exc:
        raise DossierError(f"cannot write the output folder '{out}': {exc.strerror or exc}") from None
    return Summary(out.absolute(), counts, result.warnings, time.perf_counter() - started)


def check(options: Options) -> list[Diagnostic]:
    """Validate everything a build would, write nothing; returns the warnings."""
    return Builder(options).produce().warnings
