"""What a build is asked to do (kept apart from the builder, so that reading it costs nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Options:
    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    dev: bool = False  # pages load the development server's script (live reload, error overlay)
    search: bool = True  # `build` indexes the written site with Pagefind (dossier/search.py)
    cache: bool = False  # `build` starts from, and leaves, what .dossier-cache/build/ holds
    jobs: int = 1  # processes that convert Markdown and render pages
