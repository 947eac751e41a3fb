from __future__ import annotations

import re

from dossier import htmltext
from dossier.annotations import Anchored, AnchoredArticle, anchor, locate, nearest_passage, unannotated
from dossier.htmltext import TextMap
from dossier.markup import Markdown
from dossier.model import Annotation, Origin, frozen_map

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


def test_absent_quote_gives_nearest_passage() -> None:
    _, problems = anchor(html(), [note("ont entame en janvier")])
    assert [p.format() for p in problems] == [
        "content/annotations/n.md:3: error: quote not found in article 'a'"
        ' (hint: nearest passage: "ont entamé en janvier")'
    ]


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
        '<a class="note-ref" href="#note-1" aria-describedby="note-1">1</a> '
        '<mark class="passage" id="passage-2" data-note="2">hier</mark>'
        '<a class="note-ref" href="#note-2" aria-describedby="note-2">2</a>.</p>'
    )
    assert re.search(r"<a [^>]*>(?:(?!</a>).)*<a ", block) is None


def test_a_passage_across_a_link_end_keeps_its_number_after_the_passage() -> None:
    textmap = htmltext.build(Markdown().convert("Voir [le rapport](https://example.org/r) publié hier.\n"))
    result, problems = anchor(textmap, [note("rapport publié")])
    assert problems == []
    assert result.blocks[0].html.endswith(
        '<mark class="passage" data-note="1"> publié</mark><a class="note-ref" href="#note-1"'
        ' aria-describedby="note-1">1</a> hier.</p>'
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
