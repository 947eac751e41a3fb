"""``aliases:``: the former site paths of a page (``/articles/old-slug/``), each given a redirect page.

An alias is a path from the site's root, without the base URL, as the page was published
before (its former slug, or another site's URL scheme): ``/`` and segments of URL-safe ASCII
(letters, digits, ``.``, ``_``, ``~``, ``-``), ending in ``/`` (a folder, whose ``index.html``
redirects) or ``.html`` (that file). Checked here, one file alone; whether the build already
writes something at that path is the plan's to say (:mod:`dossier.publish.redirects`).
"""

from __future__ import annotations

import re
import sys

from yaml.nodes import Node

from dossier.errors import FieldError
from dossier.source import fields as f

_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_EXAMPLE = "a path from the site's root, without the base URL, e.g. /articles/old-slug/"


def alias(value: str) -> str:
    """``value`` when it is a site path an alias may be (see the module), else :class:`FieldError`."""
    if "://" in value or value.startswith("//"):
        raise FieldError(f"alias '{value}' is a URL, not a site path", _EXAMPLE)
    if not value.startswith("/") or value == "/":
        raise FieldError(f"alias '{value}' does not start with '/' and name a page", _EXAMPLE)
    if not (value.endswith("/") or value.endswith(".html")):
        raise FieldError(f"alias '{value}' ends neither in '/' nor in '.html'", f"write '{value}/'")
    segments = value.strip("/").split("/")
    for segment in segments:
        if segment in (".", "..") or not _SEGMENT.fullmatch(segment):
            raise FieldError(
                f"alias '{value}' has the part '{segment}'",
                "use ASCII letters, digits, '.', '_', '~' and '-' between the slashes",
            )
    return sys.intern(value)


def aliases(node: Node) -> tuple[str, ...]:
    """A list of site paths (a single one counts as a one-item list), each once."""
    found: list[str] = []
    for value in f.texts(node):
        checked = alias(value)
        if checked in found:
            raise FieldError(f"alias '{value}' is given twice", "list each former path once")
        found.append(checked)
    return tuple(found)


def target(path: str) -> str:
    """The alias ``path`` as the plan names pages (``/articles/x/`` → ``articles/x/``)."""
    return path.lstrip("/")
