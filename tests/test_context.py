"""The shortest context that makes a passage unique (dossier/link/context.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dossier.link.annotations import Locator
from dossier.link.context import unique_context

TEXT = "le chat dort. le chat mange. un chien dort."


def _at(passage: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(passage, start + 1)
    return start, start + len(passage)


def test_a_unique_passage_needs_no_context() -> None:
    assert unique_context(TEXT, *_at("chien")) == ("", "")


def test_a_repeated_passage_gets_the_fewest_words_that_tell_it_apart() -> None:
    assert unique_context(TEXT, *_at("chat")) == ("", "dort.")
    assert unique_context(TEXT, *_at("chat", 1)) == ("", "mange.")
    assert unique_context(TEXT, *_at("dort.", 1)) == ("chien", "")
    assert unique_context(TEXT, *_at("le", 1)) == ("dort.", "")


def test_a_passage_inside_a_word_takes_the_rest_of_the_word() -> None:
    text = "abc abd abc"
    assert unique_context(text, 4, 6) == ("", "d")
    assert unique_context(text, 8, 10) == ("abd", "")


def test_a_passage_repeated_with_its_whole_context_has_none() -> None:
    copy = " ".join(["x"] * 13 + ["un", "même"] + ["x"] * 13)
    text = f"{copy} {copy}"
    assert unique_context(text, text.index("un"), text.index("un") + 2) is None
    assert unique_context("a a", 0, 1) == ("", "a")


@given(st.lists(st.sampled_from(["le", "chat", "dort", "mange", "la"]), min_size=1, max_size=30), st.data())
def test_the_context_found_makes_the_build_find_that_passage_alone(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    start = len(" ".join(words[:first])) + (1 if first else 0)
    end = len(" ".join(words[: last + 1]))
    context = unique_context(text, start, end)
    if context is not None:
        assert Locator(text).spans(text[start:end], *context) == [(start, end)]
    else:  # only when even twelve words on each side repeat
        assert len(words) > 12
