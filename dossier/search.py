"""Full-text search: index the written site with Pagefind, into its ``pagefind/`` folder.

Pagefind (the ``pagefind[bin]`` package ships its binary) reads the rendered pages: what the
templates mark with ``data-pagefind-body`` (an article's text and notes, the timeline, topic
pages, free pages, the home page), minus ``data-pagefind-ignore``. It picks the stemmer from
``<html lang>``, so a French dossier gets French stemming. The search page's script loads the
index from ``pagefind/`` at run time. The index is built into the staging folder, before the
site is swapped in, so it is published with the pages it indexes or not at all.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from .errors import DossierError

FOLDER = "pagefind"  # where the index goes in the site; templates link to it
TIMEOUT = 600.0  # seconds; Pagefind indexes thousands of pages in a few seconds


def executable() -> Path:
    """The Pagefind binary of the ``pagefind-bin`` package."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        raise DossierError(
            "cannot index the site for search: Pagefind is not installed"
            " (hint: pip install 'pagefind[bin]', or build with --no-search)"
        ) from None
    try:
        return Path(pagefind_bin.get_executable())
    except FileNotFoundError as exc:
        raise DossierError(f"cannot index the site for search: {exc} (hint: build with --no-search)") from None


def _die_with_the_build() -> None:
    """In the child: be killed when the build is (Linux), never left writing into a staging folder."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def index(site: Path) -> None:
    """Write the search index of the site in the folder ``site`` into ``site/pagefind/``."""
    site = site.resolve()
    if (site / FOLDER).exists():
        raise DossierError(
            f"cannot index the site for search: the site already has '{FOLDER}/', where the index goes"
            " (hint: rename the page or static file that uses it, or build with --no-search)"
        )
    # Only the arguments configure Pagefind: no PAGEFIND_* variable, and no pagefind.yml
    # read from the working directory (the site itself holds none).
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    command = [str(executable()), "--site", ".", "--output-subdir", FOLDER, "--quiet"]
    try:
        done = subprocess.run(
            command,
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            preexec_fn=_die_with_the_build if sys.platform == "linux" else None,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DossierError(f"cannot index the site for search: {exc}") from None
    if done.returncode != 0 or not (site / FOLDER / "pagefind.js").is_file():
        details = " ".join((done.stderr or done.stdout).split())[-500:]
        raise DossierError(f"search indexing failed (Pagefind exited with {done.returncode}): {details}")
