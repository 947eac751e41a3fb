"""Content files read and parsed again only when they changed on disk.

The cache keys each file by its stat signature (mtime in ns, size, inode). A refresh is
either full (walk ``content/``) or limited to the paths a watcher reported; any path it
cannot classify makes it fall back to a full refresh.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import content, seeds
from .content import KIND_BY_FOLDER, Content, Kind
from .errors import Diagnostic
from .model import Article, Record
from .seeds import Seed

Signature = tuple[int, int, int]


def signature(path: Path) -> Signature | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True)
class Loaded:
    signature: Signature
    record: Record | None
    problems: tuple[Diagnostic, ...]


class FileCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, tuple[Kind, Loaded]] = {}  # absolute path → what it gave
        self._order: list[str] | None = []  # the keys of ``files``, sorted; None when to be sorted
        self.stray: list[Diagnostic] = []
        self.seeds: dict[str, tuple[Signature | None, Seed | None, list[Diagnostic]]] = {}
        self.reads = 0  # files parsed since the cache was made (for tests and benchmarks)

    def _load(self, kind: Kind, path: Path) -> None:
        key = str(path)
        sig = signature(path)
        if sig is None:
            if self.files.pop(key, None) is not None:
                self._order = None
            return
        known = self.files.get(key)
        if known is not None and known[1].signature == sig:
            return
        record, problems = content.load_file(self.root, kind, path)
        self.reads += 1
        if known is None:
            self._order = None
        self.files[key] = (kind, Loaded(sig, record, tuple(problems)))

    def _kind_of(self, path: Path) -> Kind | None:
        """The kind of a content Markdown file, or None when the path is anything else."""
        try:
            parts = path.relative_to(self.root / "content").parts
        except ValueError:
            return None
        if len(parts) < 2 or path.suffix != ".md" or any(p.startswith((".", "#")) or p.endswith("~") for p in parts):
            return None
        return KIND_BY_FOLDER.get(parts[0])

    def refresh(self, changed: Iterable[Path] | None = None) -> tuple[Content, list[Diagnostic]]:
        """Bring the cache up to date; ``changed`` limits the work to those paths when it can."""
        paths = None if changed is None else [Path(os.path.abspath(p)) for p in changed]
        if paths is not None and all(self._kind_of(p) is not None and not p.is_dir() for p in paths):
            for path in paths:
                kind = self._kind_of(path)
                assert kind is not None
                self._load(kind, path)
        else:
            found, self.stray = content.discover(self.root)
            wanted = {os.path.abspath(p): (kind, p) for kind, p in found}
            for key in list(self.files):
                if key not in wanted:
                    del self.files[key]
                    self._order = None
            for kind, path in wanted.values():
                self._load(kind, Path(os.path.abspath(path)))
        return self.content()

    def content(self) -> tuple[Content, list[Diagnostic]]:
        groups: dict[str, list[Record]] = {kind.folder: [] for kind in content.KINDS}
        problems = list(self.stray)
        if self._order is None:
            self._order = sorted(self.files)
        for key in self._order:
            kind, loaded = self.files[key]
            if loaded.problems:
                problems.extend(loaded.problems)
            if loaded.record is not None:
                groups[kind.folder].append(loaded.record)
        return Content(*(tuple(groups[kind.folder]) for kind in content.KINDS)), problems  # type: ignore[arg-type]

    def seeds_for(self, articles: Iterable[Article]) -> tuple[dict[str, Seed], list[Diagnostic]]:
        """The seeds the articles name, read again only when their file changed."""
        found: dict[str, Seed] = {}
        problems: list[Diagnostic] = []
        for article in articles:
            if not article.seed or article.seed in found:
                continue
            sig = signature(self.root / article.seed) if seeds.safe_path(self.root, article.seed) is None else None
            known = self.seeds.get(article.seed)
            if sig is None or known is None or known[0] != sig:
                result, more = seeds.for_articles(self.root, [article])
                known = (sig, result.get(article.seed), more)
                self.seeds[article.seed] = known
            problems.extend(known[2])
            if known[1] is not None:
                found[article.seed] = known[1]
        return found, problems
