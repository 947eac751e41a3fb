"""\"Did you mean\" hints: every candidate equally close to what was typed, not just one."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

PREFIX = 4
"""Typed text this long or longer that begins candidates offers those candidates (``MOST`` at most)."""
MOST = 5
CUTOFF = 0.6
"""How alike (difflib's ratio) a candidate must be to be offered, as :func:`difflib.get_close_matches`."""


def plain(text: str) -> str:
    """``text`` without case or accents, compatibility forms unfolded: ``Définition`` and
    ``definition`` are alike (also how ``import`` matches a topic's words in a wire)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def closest(typed: str, candidates: Iterable[str], cutoff: float = CUTOFF) -> list[str]:
    """The candidates closest to ``typed``, in their order, without repeats.

    A candidate equal to ``typed`` but for case and accents comes alone (``definition`` →
    ``définition``); else the candidates that begin with it (``le-premier-ministre`` →
    ``le-premier-ministre-irakien-...``); else every candidate tied at the best difflib ratio (at least ``cutoff``),
    compared without case and accents (``irac`` → ``irak`` and ``iran``).
    """
    unique = list(dict.fromkeys(candidates))
    key = plain(typed)
    same = [c for c in unique if plain(c) == key]
    if same:
        return same
    if len(key) >= PREFIX:  # the start of a longer name (a slug typed from its first words)
        longer = [c for c in unique if plain(c).startswith(key)]
        if longer:
            return longer[:MOST]
    return _best_ratio(key, unique, cutoff)


def _best_ratio(key: str, candidates: list[str], cutoff: float) -> list[str]:
    """Every candidate tied at the best difflib ratio to ``key`` (at least ``cutoff``), without case and accents."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    best, tied = cutoff, []
    for candidate in candidates:
        matcher.set_seq1(plain(candidate))
        if matcher.real_quick_ratio() < best or matcher.quick_ratio() < best:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, tied = ratio, [candidate]
        elif ratio == best:
            tied.append(candidate)
    return tied


def did_you_mean(typed: str, candidates: Iterable[str], cutoff: float = CUTOFF) -> str:
    """``did you mean 'irak' or 'iran'?``, or ``''`` when no candidate is close."""
    return did_you_mean_one_of(closest(typed, candidates, cutoff))


def did_you_mean_one_of(names: list[str]) -> str:
    """``did you mean 'a', 'b' or 'c'?`` for ``names`` (``''`` for none)."""
    if not names:
        return ""
    quoted = [f"'{name}'" for name in names]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"did you mean {listed}?"
