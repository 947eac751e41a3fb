"""ASCII, stable slugs: ``États-Unis`` → ``etats-unis``.

The contract, checked by property tests:

- :func:`slugify` returns either ``''`` or a valid slug (:func:`is_slug`): lower-case ASCII
  letters and digits in words joined by single hyphens, so never ``.``, ``/`` or ``..``;
- it is idempotent: ``slugify(slugify(x)) == slugify(x)``;
- it is never empty for a text with at least one ASCII letter or digit (accented and many
  other letters are transliterated: ``Œuvre`` → ``oeuvre``);
- ``''`` means "no slug" (``..``, ``…``, a text of punctuation): callers treat it as invalid.

HTML character references are text like any other (``&amp;`` → ``amp``), never decoded.
"""

from __future__ import annotations

import re

from slugify import slugify as _slugify

SLUG_LENGTH = 60  # the longest slug the commands make from a title (import, new)
_VALID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; ``''`` when nothing is left."""
    return str(
        _slugify(
            text,
            entities=False,
            decimal=False,
            hexadecimal=False,
            lowercase=True,
            separator="-",
            replacements=[["'", "-"], ["\u2019", "-"]],
        )
    )


def is_slug(text: str) -> bool:
    return bool(_VALID.match(text))
