"""The order of the labels the site shows: the Unicode Collation Algorithm, through ``pyuca``.

``États-Unis`` sorts between ``Coalition`` and ``Groupes``, ``Irak`` before ``Iran``,
``œuvre`` with ``oeuvre``, and a lower-case word just before its capitalized twin.
``pyuca`` implements the UCA with its default table (DUCET), which is CLDR's root
collation: French and English add no tailoring to it, so it is their order. A language
whose CLDR collation is tailored (Swedish, Spanish...) gets the root order here.

The table takes a fifth of a second to load: it is loaded once per process, on the first
key that is not known, and keys are kept (:func:`keys` and :func:`learn` let a build hand
the keys it made to the next build, which then usually never loads the table).
Every order also breaks ties (labels equal to the algorithm) with a stable second key, so
that two builds give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

Key = tuple[int, ...]
T = TypeVar("T")

_collator: list[Any] = []  # the one pyuca Collator of this process, once loaded
_keys: dict[str, Key] = {}  # text → its sort key (the same for every language: see above)


def _table() -> Any:
    if not _collator:
        from pyuca import Collator

        _collator.append(Collator())
    return _collator[0]


def key(text: str, language: str = "fr") -> Key:
    """The collation key of ``text`` in ``language`` (root collation: the same for every language)."""
    found = _keys.get(text)
    if found is None:
        found = _keys[text] = tuple(_table().sort_key(text))
    return found


def sort_key(language: str) -> Callable[[str], Key]:
    """The collation key function of ``language``."""
    return lambda text: key(text, language)


def ordered(items: Iterable[T], label: Callable[[T], str], tie: Callable[[T], str], language: str) -> list[T]:
    """``items`` in the collation order of their ``label``, equal labels ordered by ``tie`` (a slug)."""
    return sorted(items, key=lambda item: (key(label(item), language), tie(item)))


def ordered_texts(texts: Iterable[str], language: str) -> list[str]:
    """Texts in collation order; texts the algorithm finds equal are ordered by code point."""
    return sorted(texts, key=lambda text: (key(text, language), text))


def keys(texts: Iterable[str], language: str) -> dict[str, Key]:
    """The keys of ``texts``, to hand to a later build (see :func:`learn`)."""
    return {text: key(text, language) for text in texts}


def learn(keys: Mapping[str, Key]) -> None:
    """Take keys made by an earlier build (by this same code: the build cache is keyed by it)."""
    _keys.update(keys)
