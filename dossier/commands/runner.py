"""The one orchestration of build, check and serve: the engine made with everything it needs,
run, and its result handed to the command's writer.

- ``build`` makes a runner from what the last build left (:meth:`dossier.incremental.resume.Resume.start`),
  runs it once with the writer of the output folder, then leaves the runner's :meth:`Runner.memo`
  for the next build (:meth:`~dossier.incremental.resume.Resume.save`);
- ``check`` runs it once with a writer that writes nothing;
- ``serve`` keeps one runner, hence one engine, for as long as it serves, and runs it for the
  first build and for every burst of changes, with the writer of the served folder.

The engine remembers a result only once its writer has written it: a writer that fails (a full
disk) leaves the next run to render those pages again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from dossier.engine import Engine, Result
from dossier.incremental.memo import Memo
from dossier.options import Options

if TYPE_CHECKING:
    from dossier.incremental.resume import Start

Wrote = TypeVar("Wrote")  # what a writer says it wrote


class Runner:
    def __init__(
        self, options: Options, progress: Callable[[int, int], None] | None = None, start: Start | None = None
    ) -> None:
        """``progress(done, total)`` is told as pages are rendered; ``start``: what the last build left."""
        if start is None:
            self.engine = Engine(options, progress=progress)
        else:
            self.engine = Engine(options, start.memo, progress, start.seen, start.discover, start.spool)

    def run(self, write: Callable[[Result], Wrote], changed: Iterable[Path] | None = None) -> tuple[Result, Wrote]:
        """One build (of what ``changed`` touched, when known), written by ``write``; what it wrote too.

        Raises :class:`~dossier.errors.ContentErrors` when the content has errors (nothing is written)."""
        result = self.engine.produce(changed)
        written = write(result)
        self.engine.accept(result)
        return result, written

    def memo(self) -> Memo:
        """What the engine knows after the last run, for the next process's build."""
        return self.engine.memo


def nothing(result: Result) -> None:
    """The writer of ``check``: everything was produced in memory, nothing is written."""
