from __future__ import annotations

from dossier.text.folding import fold, fold_text


def test_quotes_apostrophes_and_french_spaces_fold_to_what_a_keyboard_types() -> None:
    assert fold_text("l\u2019Irak") == "l'Irak"
    assert fold_text("« non ! »") == '"non!"'
    assert fold_text("«non»") == '"non"'
    assert fold_text("“oui” ou „ja“") == '"oui" ou "ja"'
    assert fold_text('dit "non" : fin ; bon ?') == 'dit "non": fin; bon?'


def test_soft_hyphens_vanish_and_accents_compose() -> None:
    assert fold_text("co\u00adalition") == "coalition"
    assert fold_text("e\u0301te\u0301") == "été"
    assert fold_text("e\u00ad\u0301") == "é"


def test_a_text_that_needs_no_folding_maps_to_itself() -> None:
    folded = fold("Le texte tel quel.")
    assert folded.text == "Le texte tel quel."
    assert folded.source_span(3, 8) == (3, 8)


def test_matches_map_back_to_the_texts_own_characters() -> None:
    text = "Il dit « non » à l\u2019armée de la co\u00adalition pre\u0301sente."
    folded = fold(text)
    for typed, passage in [
        ('"non"', "« non »"),
        ("dit", "dit"),
        ("l'armée", "l\u2019armée"),
        ("coalition", "co\u00adalition"),
        ("présente", "pre\u0301sente"),
        ("non", "non"),
    ]:
        start = folded.text.index(fold_text(typed))
        span = folded.source_span(start, start + len(fold_text(typed)))
        assert span is not None and text[span[0] : span[1]] == passage


def test_a_match_never_cuts_a_letter_from_its_accent() -> None:
    folded = fold("pre\u0301sident")  # é written as e + U+0301: one group
    assert folded.text == "président"
    assert folded.source_span(0, 3) == (0, 4)  # "pré" takes the accent with its letter
    assert folded.source_span(2, 5) == (2, 6)
    folded = fold("\u1100\u1161 et")  # Hangul jamo composing across letters: the word is one group
    assert folded.text == "\uac00 et"
    assert folded.source_span(0, 1) == (0, 2)
    assert folded.source_span(1, 4) == (2, 5)


def test_a_bound_inside_a_group_is_refused() -> None:
    folded = fold("q\u0301e\u0301")  # q + U+0301 has no composed form: one group of two characters
    assert folded.text == "q\u0301\u00e9"
    assert folded.source_span(0, 1) is None  # "q" without its accent
    assert folded.source_span(1, 3) is None
    assert folded.source_span(0, 2) == (0, 2)
    assert folded.source_span(2, 3) == (2, 4)
    folded = fold("\u1100\u1161b")  # jamo composing across letters: the whole word is one group
    assert folded.text == "\uac00b"
    assert folded.source_span(0, 1) is None
    assert folded.source_span(0, 2) == (0, 3)
