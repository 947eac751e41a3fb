"""ASCII, stable slugs: ``États-Unis`` → ``etats-unis``."""

from __future__ import annotations

import re

from slugify import slugify as _slugify

_VALID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; ``''`` when nothing is left."""
    return str(_slugify(text, lowercase=True, separator="-", replacements=[["'", "-"], ["\u2019", "-"]]))


def is_slug(text: str) -> bool:
    return bool(_VALID.match(text))
