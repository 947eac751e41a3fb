"""Re-anchoring notes after a change of their article's text (dossier/link/reanchor.py): real
edits of the shipped article (a word changed, a sentence moved, a paragraph split, a passage
deleted) give the right passage or an honest orphan; a note whose passage is unchanged is
never moved; a candidate is always the text's own characters, in whole words."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

import pytest
from conftest import REPO
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dossier.commands.reanchor import plan_moves
from dossier.link import htmltext, reanchor
from dossier.link.annotations import is_orphan
from dossier.link.site import anchor_article
from dossier.model import Annotation, Article
from dossier.source import loader
from dossier.source.markup import Markdown

SLUG = "irak-fin-de-la-coalition"


@functools.cache
def shipped() -> tuple[Article, tuple[Annotation, ...]]:
    records, problems = loader.load(REPO)
    assert not problems
    article = next(a for a in records.articles if a.slug == SLUG)
    return article, tuple(n for n in records.annotations if n.article == SLUG)


def note(slug: str) -> Annotation:
    return next(n for n in shipped()[1] if n.slug == slug)


@functools.cache
def text_of(body: str) -> str:
    """The article's whitespace-normalized text, as the build anchors notes in it."""
    return htmltext.build(Markdown().render(body).html).text


def edited(*changes: tuple[str, str]) -> str:
    """The shipped article's body with each ``(old, new)`` made once (``old`` must be there once)."""
    body = shipped()[0].body
    for old, new in changes:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    return body


def orphans(body: str) -> set[str]:
    """The shipped notes the build's anchoring no longer finds in ``body``."""
    article, notes = shipped()
    _, problems = anchor_article(Markdown().render(body), replace(article, body=body), None, notes)
    return {n.slug for n in notes for p in problems if is_orphan(p) and p.location.path == n.origin.path}


# -- real edits of the shipped article -------------------------------------------------


def test_the_shipped_notes_all_find_their_passage() -> None:
    assert orphans(shipped()[0].body) == set()


def test_a_word_changed_in_the_passage() -> None:
    body = edited(("plus d'un mois", "plus de deux mois"))
    assert orphans(body) == {"arret-des-attaques"}
    found = reanchor.reanchor(text_of(body), note("arret-des-attaques"))
    assert found.best is not None and found.applicable
    assert found.best.quote == "Ces attaques ont cessé depuis plus de deux mois"
    assert (found.best.prefix, found.best.suffix) == ("", "")  # unique as it is
    assert 0.85 < found.best.score < 1


@pytest.mark.parametrize(
    ("change", "slug", "passage"),
    [
        (
            ("rare allié de Téhéran", "rare allié à la fois de Téhéran"),
            "allie-teheran-washington",
            "rare allié à la fois de Téhéran et de Washington",
        ),
        (
            ("formée en 2014 pour aider", "formée en septembre 2014 pour aider"),
            "coalition-2014",
            "formée en septembre 2014 pour aider à combattre l'État islamique",
        ),
    ],
)
def test_words_inserted_near_the_start_are_taken_in_and_the_first_words_kept(
    change: tuple[str, str], slug: str, passage: str
) -> None:
    """The closest match alone would start after the inserted words ("la fois de Téhéran"),
    losing the quote's first words; the candidate keeps every word of the quote."""
    found = reanchor.reanchor(text_of(edited(change)), note(slug))
    assert found.best is not None and found.best.quote == passage


def test_a_first_word_changed_keeps_the_words_around_it() -> None:
    body = edited(("rare allié de Téhéran", "rare partenaire de Téhéran"))
    found = reanchor.reanchor(text_of(body), note("allie-teheran-washington"))
    assert found.best is not None and found.applicable
    assert found.best.quote == "rare partenaire de Téhéran et de Washington"


def test_a_sentence_moved_away_from_its_prefix() -> None:
    sentence = "Ces attaques ont cessé depuis plus d'un mois afin de laisser un peu de répit aux négociations.\n\n"
    body = edited((sentence, ""), ("Les États-Unis ont envahi", sentence + "Les États-Unis ont envahi"))
    text = text_of(body)
    moved = replace(note("arret-des-attaques"), prefix="d'Israël à Gaza.")  # the words before it, before the move
    _, problems = anchor_article(Markdown().render(body), replace(shipped()[0], body=body), None, [moved])
    assert [p.message for p in problems] == [f"quote not found with this prefix/suffix in article '{SLUG}'"]
    found = reanchor.reanchor(text, moved)
    assert found.best is not None and found.applicable
    assert found.best.quote == "Ces attaques ont cessé depuis plus d'un mois"
    assert found.best.start == text.index("Ces attaques ont cessé")  # where it is now
    assert (found.best.prefix, found.best.suffix) == ("", "")


def test_a_paragraph_split_inside_a_passage_leaves_every_note_where_it_was() -> None:
    body = edited(("formée en 2014 pour aider à", "formée en 2014 pour aider\n\nà"))
    assert body.count("\n\nà combattre l'État islamique") == 1
    assert orphans(body) == set()
    article, notes = shipped()
    done = Markdown().render(body)
    assert plan_moves(done, replace(article, body=body), notes) == ([], [])  # nothing to move


def test_a_passage_deleted_is_an_honest_orphan() -> None:
    sentence = (
        "Les États-Unis ont envahi l'Irak en 2003, renversant le président Saddam Hussein"
        " avant de quitter le pays en 2011.\n\n"
    )
    body = edited((sentence, ""))
    assert orphans(body) == {"invasion-2003", "retour-2014"}
    for slug in orphans(body):
        found = reanchor.reanchor(text_of(body), note(slug))
        assert found.best is None, found  # nothing near: no passage named as a candidate
        assert reanchor.hint(found) == "no passage comes close: anchor the note again by hand, or delete it"


def test_a_passage_rewritten_beyond_recognition_is_not_moved() -> None:
    body = edited(("pour combattre ISIS", "pour lutter contre l'EI"))
    found = reanchor.reanchor(text_of(body), note("isis-definition"))
    assert found.best is not None and not found.applicable
    assert found.best.score < reanchor.THRESHOLD
    assert reanchor.hint(found).endswith("too far from the quote to move the note without you")


def test_a_passage_found_twice_is_not_unique() -> None:
    text = "Le chat dort sur le tapis. Le chien mange. Le chat dort sur le tapis."
    found = reanchor.reanchor(text, orphan("Le chat dort sur le tapi rouge"))
    assert found.best is not None and not found.unique and not found.applicable
    assert "other passages come as close" in reanchor.hint(found)


def test_a_candidate_needing_context_gets_the_shortest_that_makes_it_unique() -> None:
    text = "Le chat dort. Le chien mange vite. Le chat dort. Le chien mange lentement."
    found = reanchor.reanchor(text, orphan("Le chien mange tres vite", suffix="vite."))
    assert found.best is not None and found.best.quote == "Le chien mange vite"
    found = reanchor.reanchor(text, orphan("Le chien mangeait", suffix="lentement"))
    assert found.best is not None and found.best.quote == "Le chien mange"
    assert (found.best.prefix, found.best.suffix) == ("", "lentement.")
    assert found.applicable


def orphan(quote: str, prefix: str = "", suffix: str = "") -> Annotation:
    return replace(note("arret-des-attaques"), quote=quote, prefix=prefix, suffix=suffix)


# -- never moved, never cut, never another character ----------------------------------

WORD = re.compile(r"\w+")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_note_whose_passage_is_unchanged_is_never_moved(data: st.DataObject) -> None:
    """Words of the article changed, removed or added anywhere outside a note's passage: the
    build still finds it, and its best candidate is its own passage, unique, scoring 1."""
    article, notes = shipped()
    body = article.body
    kept = data.draw(st.sampled_from(notes), label="note")
    passage = body.index(kept.quote)
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        words = [m for m in WORD.finditer(body) if m.end() < passage or m.start() > passage + len(kept.quote)]
        word = data.draw(st.sampled_from(words), label="word")
        new = data.draw(st.sampled_from(["", "nouveau", "mot changé", word.group() + "s", "Gaza"]), label="new")
        body = body[: word.start()] + new + body[word.end() :]
        if word.start() < passage:
            passage += len(new) - len(word.group())
    assert body[passage : passage + len(kept.quote)] == kept.quote
    assume(body.count(kept.quote) == 1)
    assert kept.slug not in orphans(body)
    text = text_of(body)
    found = reanchor.reanchor(text, kept)
    assert found.best is not None and found.best.score == 1.0 and found.unique
    assert found.best.start == text.index(kept.quote) and found.best.quote == kept.quote
    done = Markdown().render(body)
    moved, _ = plan_moves(done, replace(article, body=body), notes)
    assert kept.slug not in {m.note.slug for m in moved}  # the command never touches it


letters = st.sampled_from([*"aeiouéèàçnrst '«»\u2019\u0301\u00a0", "œ", "Étape", "l\u2019État", "  "])


@settings(max_examples=200, deadline=None)
@given(st.lists(letters, min_size=1, max_size=80).map("".join), st.lists(letters, min_size=1, max_size=20).map("".join))
def test_a_candidate_is_the_texts_own_characters_in_whole_words(raw: str, quote: str) -> None:
    text = htmltext.normalize_space(raw)
    found = reanchor.reanchor(text, orphan(quote))
    if found.best is None:
        return
    best = found.best
    assert best.quote == text[best.start : best.end] and best.quote.strip() == best.quote != ""
    for position in (best.start, best.end):
        assert not (0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum())
    assert 0 <= best.score <= 1


# -- bounded ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("a" * 1_000_000, "a" * 1_000 + "b"),  # a best match ending at every one of a million places
        ("ab " * 300_000, "ab " * 600 + "x"),  # one passage repeated 300,000 times: no context is looked for
        ("mot " * 50_000, "x" * (reanchor.MAX_QUOTE + 1)),  # past the longest quote searched
    ],
)
def test_hostile_texts_are_searched_a_bounded_number_of_times(
    text: str, quote: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: the approximate searches over the whole text, at most ROUNDS."""
    calls: list[int] = []
    align = reanchor.edlib.align

    def counted(query: bytes, target: bytes, **options: object) -> dict[str, object]:
        if len(target) >= len(text) // 2:
            calls.append(len(target))
        return dict(align(query, target, **options))

    monkeypatch.setattr(reanchor.edlib, "align", counted)
    found = reanchor.reanchor(text, orphan(quote))
    assert len(calls) <= reanchor.ROUNDS
    assert found.best is None or not found.unique


def test_a_200_kb_near_miss_is_found() -> None:
    words = [f"mot{n % 97}x{n}" for n in range(20_000)]
    text = " ".join(words)
    assert len(text) > 200_000
    quote = " ".join(words[10_000:10_012]).replace("x10005", "y10005")
    found = reanchor.reanchor(text, orphan(quote))
    assert found.best is not None and found.applicable
    assert found.best.quote == " ".join(words[10_000:10_012])
