from __future__ import annotations

from dossier.model import NOTE_KINDS
from dossier.text.didyoumean import closest, did_you_mean, plain


def test_every_equally_close_candidate_is_offered() -> None:
    assert closest("irac", ["etats-unis", "irak", "iran", "syrie"]) == ["irak", "iran"]
    assert did_you_mean("irac", ["etats-unis", "irak", "iran", "syrie"]) == "did you mean 'irak' or 'iran'?"
    assert did_you_mean("abcd", ["abce", "abcf", "abcg"]) == "did you mean 'abce', 'abcf' or 'abcg'?"


def test_the_closest_alone_when_one_is_closer() -> None:
    assert closest("summry", ["summary", "sum", "title"]) == ["summary"]
    assert closest("iraq", ["irak", "iraqi"]) == ["iraqi"]


def test_a_match_but_for_accents_and_case_comes_alone() -> None:
    assert closest("definition", NOTE_KINDS) == ["définition"]
    assert closest("VERIFICATION", NOTE_KINDS) == ["vérification"]
    assert closest("Irak", ["irak", "iran"]) == ["irak"]


def test_nothing_close_gives_nothing() -> None:
    assert closest("analyse", NOTE_KINDS) == []
    assert did_you_mean("climat", ["irak", "iran"]) == ""


def test_candidates_come_once_in_their_order() -> None:
    assert closest("irac", ["iran", "irak", "iran"]) == ["iran", "irak"]


def test_plain_drops_case_and_accents() -> None:
    assert plain("États-Unis") == "etats-unis"
    assert plain("Ve\u0301rification") == "verification"


def test_the_start_of_a_longer_name_offers_it() -> None:
    slugs = ["le-premier-ministre-irakien-a-bagdad", "le-president", "irak"]
    assert closest("le-premier-ministre", slugs) == ["le-premier-ministre-irakien-a-bagdad"]
    assert closest("ira", ["irak", "iran"]) == ["irak", "iran"]  # too short for a prefix: by likeness
