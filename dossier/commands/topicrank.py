"""Which declared topics a wire text is about, most relevant first (the topics ``import`` suggests).

A topic is *mentioned* where its label or one of its keywords (of any language: the seed's
language is not known) occurs as whole words, ignoring case and accents; overlapping words of
one topic (``coalition`` in ``coalition internationale``) are one mention. Each mention in
the first paragraph, which gives the title, weighs :data:`LEAD_WEIGHT`; any other weighs 1.

A topic mentioned in fewer than :data:`MIN_PARAGRAPHS` paragraphs is still suggested, but
after every topic that runs through the text: a name dropped in one sentence (``Biden``) must
not become the article's first topic, which the page shows as its kicker. Ties go to the topic
mentioned first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dossier.model import Topic
from dossier.text.didyoumean import plain

LEAD_WEIGHT = 3
MIN_PARAGRAPHS = 2


@dataclass(frozen=True)
class Relevance:
    slug: str
    score: int  # mentions, weighted by where they are
    paragraphs: int  # how many paragraphs mention the topic
    first: tuple[int, int]  # (paragraph, offset) of its first mention

    def key(self) -> tuple[bool, int, tuple[int, int], str]:
        return (self.paragraphs < MIN_PARAGRAPHS, -self.score, self.first, self.slug)


def _pattern(topic: Topic) -> re.Pattern[str] | None:
    words = {plain(w.strip()) for w in (topic.label, *topic.keywords.words()) if w.strip()}
    if not words:
        return None
    longest_first = sorted(words, key=lambda w: (-len(w), w))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in longest_first) + r")(?!\w)")


def relevance(paragraphs: Sequence[str], topic: Topic) -> Relevance | None:
    """How much ``paragraphs`` are about ``topic`` (None: not mentioned)."""
    pattern = _pattern(topic)
    if pattern is None:
        return None
    score, mentioned, first = 0, 0, None
    for index, text in enumerate(paragraphs):
        starts = [m.start() for m in pattern.finditer(plain(text))]  # longest word first, never overlapping
        if starts:
            first = first or (index, starts[0])
            mentioned += 1
            score += len(starts) * (LEAD_WEIGHT if index == 0 else 1)
    if first is None:
        return None
    return Relevance(topic.slug, score, mentioned, first)


def rank(paragraphs: Sequence[str], topics: Sequence[Topic]) -> tuple[str, ...]:
    """The slugs of the topics mentioned in ``paragraphs``, most relevant first."""
    found = [r for r in (relevance(paragraphs, t) for t in topics) if r is not None]
    return tuple(r.slug for r in sorted(found, key=Relevance.key))
