from __future__ import annotations

import pytest
from conftest import REPO

from dossier import i18n
from dossier.errors import DossierError
from dossier.model import PartialDate

THEME = REPO / "themes" / "default"


@pytest.mark.parametrize(
    ("language", "date", "label"),
    [
        ("fr", "2014", "2014"),
        ("fr", "2024-03", "mars 2024"),
        ("fr", "2024-03-15", "15 mars 2024"),
        ("fr", "2003-02", "février 2003"),
        ("en", "2024-03", "March 2024"),
        ("en", "2024-03-15", "March 15, 2024"),
    ],
)
def test_dates_at_their_precision(language: str, date: str, label: str) -> None:
    assert i18n.load(THEME, language, REPO).date(PartialDate.parse(date)) == label


def test_both_languages_have_the_same_strings() -> None:
    fr = i18n.load(THEME, "fr", REPO).strings
    en = i18n.load(THEME, "en", REPO).strings
    assert set(fr) == set(en)


def test_missing_string_is_an_error() -> None:
    with pytest.raises(DossierError, match="no UI string 'nope'"):
        i18n.load(THEME, "fr", REPO).get("nope")
