"""The shortest context that makes a passage unique: the ``prefix`` and ``suffix`` a note
needs so that the build's anchoring finds its quote at that place and nowhere else."""

from __future__ import annotations

from dossier.link.annotations import Locator

MAX_WORDS = 12
"""At most this many words of context on each side; a passage that needs more (a repeated
paragraph) has none that makes it unique."""


def _words_before(text: str, start: int, count: int) -> str:
    """The ``count`` words that end at ``start`` (the first may be a word's end when ``start``
    is inside a word), without the spaces next to the passage."""
    at = start
    for _ in range(count):
        space = text.rfind(" ", 0, at - 1 if at > 0 and text[at - 1] == " " else at)
        at = space + 1 if space >= 0 else 0
        if at == 0:
            break
    return text[at:start].strip(" ")


def _words_after(text: str, end: int, count: int) -> str:
    at = end
    while at < len(text) and text[at] == " ":
        at += 1
    for _ in range(count):
        space = text.find(" ", at + 1)
        at = space if space >= 0 else len(text)
    return text[end:at].strip(" ")


def unique_context(text: str, start: int, end: int) -> tuple[str, str] | None:
    """The shortest ``(prefix, suffix)``, in whole words, with which ``text[start:end]`` is found
    by the build's anchoring at ``start`` alone (``("", "")`` when the quote is unique); None
    when no context of up to :data:`MAX_WORDS` words on each side is enough.

    ``text`` is an article's whitespace-normalized text (:attr:`TextMap.text`).
    """
    locator = Locator(text)
    quote = text[start:end]
    here = [(start, end)]
    for total in range(2 * MAX_WORDS + 1):
        for before in range(max(0, total - MAX_WORDS), min(total, MAX_WORDS) + 1):
            prefix, suffix = _words_before(text, start, before), _words_after(text, end, total - before)
            if locator.spans(quote, prefix, suffix) == here:
                return prefix, suffix
    return None
