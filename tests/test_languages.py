"""Language tags (``dossier/text/languages.py``): what ``lang`` accepts, and the hint for a typo."""

from __future__ import annotations

import pytest

from dossier.text import languages


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("en", "en"), ("EN-gb", "en-GB"), ("pt-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), ("haw", "haw")],
)
def test_a_tag_of_a_known_language_is_kept_with_its_usual_case(typed: str, tag: str) -> None:
    assert languages.normalised(typed) == tag


@pytest.mark.parametrize("typed", ["xx", "english", "en_GB", "e", "en-", "fr-FRA-x", "fr-XX", ""])
def test_anything_else_is_no_tag(typed: str) -> None:
    assert languages.normalised(typed) is None


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("englsh", "did you mean 'en'?"),  # a language's name, in English
        ("anglais", "did you mean 'en'?"),  # or in French
        ("allemand", "did you mean 'de'?"),
        ("en_GB", "did you mean 'en-GB'?"),  # a locale's name
        ("eng", "did you mean 'en'?"),  # near a code
        ("e", languages.HINT),  # too short to guess
        ("xx", languages.HINT),
    ],
)
def test_the_hint_names_the_language_meant(typed: str, hint: str) -> None:
    assert languages.near(typed) == hint


@pytest.mark.parametrize(
    ("tag", "way"), [("ar", "rtl"), ("fa-IR", "rtl"), ("he", "rtl"), ("fr", "ltr"), ("en-GB", "ltr")]
)
def test_a_language_written_from_right_to_left_says_so(tag: str, way: str) -> None:
    assert languages.direction(tag) == way
