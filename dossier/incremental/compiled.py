"""Compiled templates kept between builds, in a private folder of the user's (never the project's)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jinja2


def compiled_folder() -> Path | None:
    """Where compiled templates are kept between builds: the user's own cache folder
    (``$XDG_CACHE_HOME/dossier/templates``, by default ``~/.cache/dossier/templates``).

    Compiled templates are code (Jinja's bytecode cache is a marshalled code object), so they
    are never kept in the project's ``.dossier-cache/``, which CI restores from elsewhere: only
    in a real folder (not a link) that belongs to the user and that no one else may enter
    (0700). Anything else, and templates are compiled at each build (None).
    """
    try:
        configured = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(configured) if os.path.isabs(configured) else Path.home() / ".cache"
        folder = base / "dossier" / "templates"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except (OSError, RuntimeError):  # no home folder, or none that can be written
        return None
    private = stat.S_ISDIR(found.st_mode) and not found.st_mode & 0o077
    return folder if private and found.st_uid == os.getuid() else None


def bytecode_cache(key: str) -> jinja2.BytecodeCache | None:
    """Jinja's bytecode cache in :func:`compiled_folder`, its files named by ``key`` (the engine's:
    a template is compiled again when the engine that compiles it changed); None without the folder."""
    folder = compiled_folder()
    if folder is None:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder), pattern=f"{key}-%s.cache")
