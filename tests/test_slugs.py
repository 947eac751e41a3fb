from __future__ import annotations

import pytest

from dossier.text.slugs import is_slug, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("États-Unis", "etats-unis"),
        ("Irak", "irak"),
        ("l'État islamique", "l-etat-islamique"),
        ("Élection présidentielle américaine 2024", "election-presidentielle-americaine-2024"),
        ("Œuvre  à   Noël", "oeuvre-a-noel"),
        ("aujourd\u2019hui", "aujourd-hui"),
        ("..", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert slugify(slug) == slug


@pytest.mark.parametrize("text", ["etats-unis", "a", "2024", "a-b-c"])
def test_valid(text: str) -> None:
    assert is_slug(text)


@pytest.mark.parametrize("text", ["États-Unis", "Irak", "a--b", "-a", "a-", "..", "", "a/b", "a_b"])
def test_invalid(text: str) -> None:
    assert not is_slug(text)
