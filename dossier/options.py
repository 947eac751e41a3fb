"""What a build is asked to do (kept apart from the engine, so that reading it costs nothing).

What the site is comes from :mod:`dossier.config` (``site.yml``, and the command line's
:class:`~dossier.config.Overrides` over it); these are how a command builds it: where to,
over how many processes, from what cache, with or without the search index and the
development server's script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dossier.config import Overrides


@dataclass(frozen=True)
class Options:
    root: Path
    out: Path | None = None
    overrides: Overrides = field(default_factory=Overrides)  # --base-url, --drafts (checked when they were given)
    dev: bool = False  # pages load the development server's script (live reload, error overlay)
    search: bool = True  # `build` indexes the written site with Pagefind (dossier/publish/search.py)
    cache: bool = False  # `build` starts from, and leaves, what .dossier-cache/build/ holds
    jobs: int = 1  # processes that convert Markdown and render pages
    images: bool = True  # the images of content/media/ are encoded for the site (`check` writes nothing: off)
