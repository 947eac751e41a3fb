from __future__ import annotations

import difflib
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run

from bench.huge import article
from dossier.link import annotations as anchoring
from dossier.link import htmltext
from dossier.link.annotations import (
    HINT_CANDIDATES,
    Anchored,
    AnchoredArticle,
    Finder,
    Locator,
    Work,
    anchor,
    locate,
    nearest_passage,
    occurrences,
    unannotated,
)
from dossier.link.htmltext import TextMap
from dossier.model import Annotation, Origin, frozen_map
from dossier.source.markup import Markdown

TEXT = """\
Les discussions entre les *Etats-Unis* et l'Irak sur la fin de la coalition.

Washington et Bagdad ont entamé en janvier des discussions, a déclaré à Reuters
un responsable. Les discussions reprendront en **mai & juin**.
"""


def note(quote: str, prefix: str = "", suffix: str = "", slug: str = "n") -> Annotation:
    origin = Origin(f"content/annotations/{slug}.md", frozen_map({"quote": 3}))
    return Annotation(slug, "a", quote, "contexte", "Note.", origin, prefix, suffix)


def html() -> TextMap:
    return htmltext.build(Markdown().convert(TEXT))


def test_plain_quote_is_marked_and_numbered() -> None:
    result, problems = anchor(html(), [note("ont entamé en janvier")])
    assert problems == []
    assert result.notes[0].number == 1
    assert result.notes[0].block == 1
    assert result.blocks[1].notes == (1,)
    assert '<mark class="passage" id="passage-1" data-note="1">ont entamé en janvier</mark>' in result.blocks[1].html
    assert '<a class="note-ref" href="#note-1"' in result.blocks[1].html


def test_quote_across_emphasis_and_line_break() -> None:
    result, problems = anchor(
        html(), [note("entre les Etats-Unis et l'Irak"), note("à Reuters un responsable", slug="m")]
    )
    assert problems == []
    first = result.blocks[0].html
    assert '<mark class="passage" id="passage-1" data-note="1">entre les </mark><em>' in first
    assert '<em><mark class="passage" data-note="1">Etats-Unis</mark></em>' in first
    assert '</em><mark class="passage" data-note="1"> et l\'Irak</mark>' in first
    assert 'data-note="2">à Reuters\nun responsable</mark>' in result.blocks[1].html


def test_entities_are_matched_as_text() -> None:
    result, problems = anchor(html(), [note("en mai & juin")])
    assert problems == []
    assert (
        '<strong><mark class="passage" data-note="1">mai &amp; juin</mark><a class="note-ref"' in result.blocks[1].html
    )


def test_numbers_follow_reading_order() -> None:
    result, _ = anchor(html(), [note("un responsable", slug="late"), note("la coalition", slug="early")])
    assert [(a.note.slug, a.number) for a in result.notes] == [("early", 1), ("late", 2)]


def test_absent_quote_gives_its_best_candidate() -> None:
    _, problems = anchor(html(), [note("ont entame en janvier")])
    assert [p.format() for p in problems] == [
        "content/annotations/n.md:3: error: quote not found in article 'a'"
        ' (hint: best candidate (score 0.95): "ont entamé en janvier";'
        " `dossier reanchor --write` moves the note there)"
    ]


def test_absent_quote_without_a_candidate_gives_the_nearest_passage() -> None:
    _, problems = anchor(html(), [note("ont entame en janvier", slug="n1"), note("xyzzy plugh", slug="n2")])
    assert problems[1].hint == 'nearest passage: "de la"'  # nothing within 5 errors of an 11-letter quote


def test_ambiguous_quote_and_its_disambiguation() -> None:
    _, problems = anchor(html(), [note("Les discussions")])
    assert problems[0].message == "quote found 2 times in article 'a'"
    assert "add a prefix or suffix" in problems[0].hint
    result, problems = anchor(html(), [note("Les discussions", suffix="reprendront")])
    assert problems == []
    assert result.notes[0].block == 1
    result, problems = anchor(html(), [note("discussions", prefix="un responsable. Les")])
    assert problems == [] and result.notes[0].block == 1


def test_overlapping_passages_are_refused() -> None:
    _, problems = anchor(html(), [note("ont entamé en", slug="a1"), note("entamé en janvier", slug="a2")])
    assert [p.message for p in problems] == ["passage overlaps the passage of note 'a1' (content/annotations/a1.md)"]


def test_locate_and_nearest() -> None:
    assert locate("a b a b", "a b") == [0, 4]
    assert locate("a b a b", "a", suffix="b a") == [0]
    assert nearest_passage("le chat dort sur le tapis", "chien dort") == "chat dort"


def test_a_passage_in_a_link_gets_its_number_after_the_link() -> None:
    """The note's number is a link: it never goes inside a link of the text (no nested links)."""
    textmap = htmltext.build(Markdown().convert("Voir [le rapport de *mars* publié](https://example.org/r) hier.\n"))
    result, problems = anchor(textmap, [note("rapport de mars"), note("hier", slug="m")])
    assert problems == []
    block = result.blocks[0].html
    assert block == (
        '<p>Voir <a href="https://example.org/r">le '
        '<mark class="passage" id="passage-1" data-note="1">rapport de </mark>'
        '<em><mark class="passage" data-note="1">mars</mark></em> publié</a>'
        '<a class="note-ref" href="#note-1" data-n="1" aria-labelledby="note-1"></a> '
        '<mark class="passage" id="passage-2" data-note="2">hier</mark>'
        '<a class="note-ref" href="#note-2" data-n="2" aria-labelledby="note-2"></a>.</p>'
    )
    assert re.search(r"<a [^>]*>(?:(?!</a>).)*<a ", block) is None


def test_a_passage_across_a_link_end_keeps_its_number_after_the_passage() -> None:
    textmap = htmltext.build(Markdown().convert("Voir [le rapport](https://example.org/r) publié hier.\n"))
    result, problems = anchor(textmap, [note("rapport publié")])
    assert problems == []
    assert result.blocks[0].html.endswith(
        '<mark class="passage" data-note="1"> publié</mark><a class="note-ref" href="#note-1"'
        ' data-n="1" aria-labelledby="note-1"></a> hier.</p>'
    )


def test_an_article_without_notes_has_the_blocks_the_full_anchoring_gives() -> None:
    html = (
        '<p>Le <em>Premier</em> ministre&nbsp;: « non » &amp; <a href="/x">lien</a>.</p>\n'
        "<!-- commentaire -->\n<ul>\n<li>un</li>\n<li>deux<br>trois</li>\n</ul>\n"
        "<blockquote>\n<p>Citation.</p>\n</blockquote>\n<hr>\n<p>Fin.</p>"
    )
    full, problems = anchor(htmltext.build(html), [])
    fast = unannotated(html)
    assert not problems
    assert fast.blocks == full.blocks and len(fast.blocks) == 5
    assert fast.notes == () and fast.text == ""


def test_blocks_come_back_as_made_with_their_notes() -> None:
    pieces = ["<p>Un é.</p>", "", "<ul><li>deux</li></ul>", "<p>Trois 😀.</p>"]
    first, second = note("Un", slug="a"), note("Trois", slug="b")
    notes = (Anchored(first, 1, 0, 2, 0), Anchored(second, 2, 10, 15, 3))
    article = AnchoredArticle.of(pieces, notes, "Un é. deux Trois 😀.")
    assert [b.html for b in article.blocks] == pieces
    assert [b.notes for b in article.blocks] == [(1,), (), (), (2,)]
    assert article.html == "".join(pieces)
    assert AnchoredArticle.of([]).blocks == ()


# -- quotes as editors type them ------------------------------------------------------

TYPOGRAPHY = (
    "<p>Le ministre&nbsp;: «&nbsp;Nous partirons&nbsp;!&nbsp;» L\u2019armée quittera l\u2019Irak "
    "d\u2019ici “septembre”, a dit le pre\u0301sident de la co\u00adalition.</p>"
    "<p>Il a ajouté\u202f: «\u202fjamais\u202f».</p>"
)


def typography() -> TextMap:
    return htmltext.build(TYPOGRAPHY)


def test_a_quote_typed_with_straight_quotes_anchors_on_the_articles_characters() -> None:
    textmap = typography()
    typed = [
        ("L'armée quittera l'Irak", "L\u2019armée quittera l\u2019Irak"),
        ('ministre: "Nous partirons!"', "ministre : « Nous partirons ! »"),
        ('d\'ici "septembre"', "d\u2019ici “septembre”"),
        ("le président de la coalition", "le pre\u0301sident de la co\u00adalition"),  # NFC typed, NFD text
        ("ajouté\u00a0: \u00ab\u00a0jamais\u00a0\u00bb", "ajouté : « jamais »"),  # no-break spaces typed
    ]
    for quote, passage in typed:
        result, problems = anchor(textmap, [note(quote)])
        assert problems == [], quote
        placed = result.notes[0]
        assert textmap.text[placed.start : placed.end] == passage
        assert locate(textmap.text, quote) == [placed.start]


def test_a_folded_passage_is_marked_on_the_articles_own_characters() -> None:
    result, problems = anchor(typography(), [note("l'Irak")])
    assert problems == []
    assert '<mark class="passage" id="passage-1" data-note="1">l\u2019Irak</mark>' in result.blocks[0].html


def test_prefix_and_suffix_are_folded_too() -> None:
    textmap = htmltext.build("<p>Il dit «\u202foui\u202f» puis «\u202foui\u202f» à l\u2019ONU.</p>")
    result, problems = anchor(textmap, [note('"oui"', suffix="à l'ONU")])
    assert problems == []
    assert textmap.text[result.notes[0].start : result.notes[0].end] == "« oui »"
    assert result.notes[0].start == textmap.text.rindex("«")
    assert locate(textmap.text, '"oui"', prefix="Il dit") == [textmap.text.index("«")]


def test_an_exact_match_wins_over_folded_ones() -> None:
    """Folding never makes a passage ambiguous that is unique as written."""
    textmap = htmltext.build("<p>L\u2019Irak et l'Irak, puis L\u2019Irak encore.</p>")
    result, problems = anchor(textmap, [note("l'Irak")])
    assert problems == []
    assert result.notes[0].start == textmap.text.index("l'Irak")
    # no exact match: every folded one counts
    _, problems = anchor(textmap, [note("L'Irak")])
    assert [p.message for p in problems] == ["quote found 2 times in article 'a'"]
    # the exact quote with its exact suffix wins over a folded quote with that suffix
    result, problems = anchor(textmap, [note("Irak", suffix="encore")])
    assert problems == [] and result.notes[0].start == textmap.text.rindex("Irak")


def test_a_folded_quote_never_cuts_a_letter_from_its_accent() -> None:
    textmap = htmltext.build("<p>Une arme\u0301e et une arme.</p>")  # é written as e + U+0301
    assert locate(textmap.text, "arme") == [textmap.text.rindex("arme")]
    assert locate(textmap.text, "Une armée et") == [0]


def test_a_quote_ruled_out_by_its_prefix_says_where_it_is() -> None:
    _, problems = anchor(html(), [note("Les discussions", prefix="Alors")])
    assert [p.format() for p in problems] == [
        "content/annotations/n.md:3: error: quote not found with this prefix/suffix in article 'a'"
        ' (hint: without them it is found 2 times: suffix "entre les Etats-Unis et"'
        ' / prefix "à Reuters un responsable." or suffix "reprendront en mai &")'
    ]
    _, problems = anchor(html(), [note("la coalition", suffix="hier")])
    assert problems[0].hint == (
        'without them it is found once: prefix "sur la fin de" or suffix ". Washington et Bagdad ont";'
        " `dossier reanchor --write` moves the note there"
    )


def test_an_ambiguous_quote_shows_every_occurrence() -> None:
    text = "<p>" + " ".join(f"Le mot {n} puis le mot." for n in ("un", "deux", "trois")) + "</p>"
    _, problems = anchor(htmltext.build(text), [note("le mot")])
    assert problems[0].message == "quote found 3 times in article 'a'"
    assert problems[0].hint == (
        'add a prefix or suffix to choose one: prefix "Le mot un puis" or suffix ". Le mot deux puis"'
        ' / prefix "Le mot deux puis" or suffix ". Le mot trois puis"'
        ' / prefix "Le mot trois puis" or suffix "."'
    )


def test_a_very_ambiguous_quote_shows_ten_occurrences_and_says_so() -> None:
    text = "<p>" + " ".join(f"Le mot {n}." for n in range(57)) + "</p>"
    _, problems = anchor(htmltext.build(text), [note("mot")])
    assert problems[0].message == "quote found 57 times in article 'a'"
    assert problems[0].hint.count(" / ") == 9
    assert problems[0].hint.endswith('prefix "Le mot 8. Le" or suffix "9. Le mot 10."; 10 of 57 shown')


def test_folded_quotes_with_many_notes_use_the_index() -> None:
    """Past the index's threshold, folded quotes are found through an index of the folded text."""
    words = [f"m\u2019{n}" for n in range(2 * Finder.THRESHOLD + 10)]
    textmap = htmltext.build("<p>" + " ".join(words) + "</p>")
    notes = [note(f"m'{n} m'{n + 1}", slug=f"n{n}") for n in range(0, len(words) - 1, 2)]
    locator = Locator(textmap.text, len(notes))
    result, problems = anchor(textmap, notes)
    assert problems == []
    assert [textmap.text[a.start : a.end] for a in result.notes] == [
        f"{words[n]} {words[n + 1]}" for n in range(0, len(words) - 1, 2)
    ]
    assert locator.typed("m'3 m'4") == [(textmap.text.index("m\u20193 "), textmap.text.index(" m\u20195"))]
    assert locator.folded(len(notes))[1]._index is not None


def test_the_exported_selector_keeps_the_articles_characters(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    article = (
        "---\ntitle: Un article\ndate: 2024-03\ntopics: [irak]\n---\n"
        "Le ministre a dit\u00a0: «\u00a0l\u2019Irak décidera\u00a0».\n"
    )
    annotation = '---\narticle: un-article\nquote: "l\'Irak décidera"\nkind: contexte\n---\nUne note.\n'
    root = tree({"content/articles/un-article.md": article, "content/annotations/n.md": annotation})
    result = run("build", "--root", root, "--no-search")
    assert result.code == 0, result.err
    page = root / "_site" / "articles" / "un-article"
    [item] = json.loads((page / "annotations.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    # the page's own characters (no-break spaces, the apostrophe), and its line break after the paragraph
    prefix = "Le ministre a dit\u00a0: «\u00a0"
    assert item["target"]["selector"] == [
        {"type": "TextQuoteSelector", "exact": "l\u2019Irak décidera", "prefix": prefix, "suffix": "\u00a0».\n"},
        {"type": "TextPositionSelector", "start": len(prefix), "end": len(prefix) + len("l\u2019Irak décidera")},
    ]
    assert 'data-note="1">l\u2019Irak décidera</mark>' in (page / "index.html").read_text(encoding="utf-8")


# Linear anchoring: pathological inputs generated here, bounds stated as sizes, work counted.


class Counting(str):
    """A text that counts the characters its searches may compare (a search from ``start``
    that finds a needle at ``found`` compares at most ``found - start + len(needle)``)."""

    steps = 0

    def find(self, sub: str, start: Any = 0, end: Any = None) -> int:
        found = str.find(self, sub, start)
        Counting.steps += (found if found >= 0 else len(self)) - int(start) + len(sub)
        return found

    def startswith(self, prefix: Any, start: Any = 0, end: Any = None) -> bool:
        Counting.steps += len(prefix)
        return str.startswith(self, prefix, start)


def search_steps(text_length: int, quote_length: int, many_notes: int = 0) -> int:
    Counting.steps = 0
    locator = Locator(Counting("a" * text_length), many_notes)
    assert locator.spans("a" * quote_length, prefix="b") == []
    assert locator.spans("a" * quote_length, suffix="b") == []
    assert len(locator.spans("a" * quote_length)) == text_length - quote_length + 1
    return Counting.steps


def test_overlapping_matches_and_a_prefix_never_found_cost_one_pass() -> None:
    """Bound: a text of 100,000 then 400,000 characters, a quote of 500 then 2,000, found at
    every position; the characters compared may grow 5-fold at most (N*M would be 16-fold)."""
    small, large = search_steps(100_000, 500), search_steps(400_000, 2_000)
    assert large < 5 * small, (small, large)


def test_the_index_falls_back_to_one_pass_for_a_common_needle() -> None:
    """Bound: as above, with enough notes for the K-gram index."""
    notes = Finder.THRESHOLD
    small, large = search_steps(50_000, 500, notes), search_steps(200_000, 2_000, notes)
    assert large < 5 * small, (small, large)


def test_occurrences_finds_overlapping_ones() -> None:
    assert occurrences("aaaa", "aa") == [0, 1, 2]
    assert occurrences("abababa", "aba") == [0, 2, 4]
    assert occurrences("abaabab", "abab") == [3]
    assert occurrences("xyz", "q") == []


def test_a_prefix_or_suffix_is_found_with_or_without_a_space() -> None:
    assert locate("le chat dort, lechat dort", "chat", prefix="le") == [3, 16]
    assert locate("le chat dort, le chatdort", "chat", suffix="dort") == [3, 17]
    assert locate("un chat, le chat", "chat", prefix="le") == [12]


def generated_text(words: int) -> str:
    textmap = htmltext.build(Markdown().convert(article(words * 7)))
    return textmap.text


def test_the_hint_search_is_linear_and_compares_a_bounded_number_of_passages() -> None:
    """Bound: an article of 30,000 then 120,000 words, a near-miss quote of 12 words; the
    characters scored may grow 5-fold at most, and at most 64 passages are compared in full."""
    quote = "le gouvernemant et la comission ont annoncé un acord sur le retrait des troupes"
    small, large = Work(), Work()
    nearest_passage(generated_text(30_000), quote, small)
    nearest_passage(generated_text(120_000), quote, large)
    assert large.scored < 5 * small.scored, (small, large)
    assert 0 < large.compared <= HINT_CANDIDATES


def exhaustive_nearest(text: str, quote: str) -> str:
    """The hint as every run of words compared in full would give it (quadratic)."""
    words = text.split(" ")
    size = max(len(quote.split(" ")), 1)
    best, best_ratio = "", 0.0
    for index in range(max(len(words) - size + 1, 1)):
        window = " ".join(words[index : index + size])
        ratio = difflib.SequenceMatcher(None, window, quote, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best


def test_the_hint_is_the_one_a_full_search_gives_for_near_misses() -> None:
    """Quotes as editors get them wrong (a typo, an accent dropped, a word left out): the
    bounded search finds the passage every comparison would."""
    rng = random.Random(3)
    text = generated_text(800)
    words = text.split(" ")
    for _ in range(25):
        start = rng.randrange(len(words) - 12)
        passage = words[start : start + rng.randint(4, 10)]
        slip = rng.randrange(len(passage))
        mistake = rng.choice(["typo", "accent", "drop"])
        if mistake == "typo" and len(passage[slip]) > 3:
            passage[slip] = passage[slip][:2] + "x" + passage[slip][3:]
        elif mistake == "drop" and len(passage) > 4:
            del passage[slip]
        else:
            passage = [w.replace("é", "e").replace("è", "e").replace("à", "a") for w in passage]
        quote = " ".join(passage)
        assert nearest_passage(text, quote) == exhaustive_nearest(text, quote), quote


def test_hints_past_the_budget_say_the_search_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anchoring, "HINT_WORDS", 10)
    _, problems = anchor(html(), [note("ont entame en janvier", slug="n1"), note("des discusions", slug="n2")])
    assert [p.hint for p in problems] == [
        'best candidate (score 0.95): "ont entamé en janvier"; `dossier reanchor --write` moves the note there',
        anchoring.HINT_STOPPED,
    ]


def test_a_hint_quotes_at_most_a_bounded_context() -> None:
    """Bound: a text of 1,000,000 characters without a space; the hint stays under 3,000."""
    textmap = htmltext.build("<p>" + "a" * 1_000_000 + "</p>")
    _, problems = anchor(textmap, [note("a" * 1_000, prefix="b")])
    assert problems[0].message == "quote not found with this prefix/suffix in article 'a'"
    assert problems[0].hint.startswith("without them it is found 999001 times: suffix ")
    assert len(problems[0].format()) < 3_000


def test_a_long_near_miss_is_hinted_without_comparing_long_texts_and_printed_short() -> None:
    words = [f"mot{n % 97}x{n}" for n in range(4_000)]
    text = " ".join(words)
    quote = " ".join(words[1_000:1_200]).replace("x1100", "y1100")  # 200 words, one changed
    work = anchoring.Work()
    nearest = anchoring.nearest_passage(text, quote, work)
    assert work.compared == 0  # past HINT_QUOTE characters: chosen by shared trigrams alone
    assert nearest.startswith("mot30x1000 ")
    shown = anchoring._shortened(nearest)
    assert len(shown) <= anchoring.HINT_SHOWN + 3 and " … " in shown
