"""The article's text as a browser reads it, and its passages (dossier.publish.pagetext)."""

from __future__ import annotations

from dossier.publish.pagetext import BLOCK_END, CONTEXT, context, page_text


def test_the_text_is_the_blocks_text_each_ended_by_a_line_break() -> None:
    blocks = ["<p>Un &amp; deux&nbsp;: <em>trois</em></p>", "<ul>\n<li>quatre</li>\n</ul>"]
    text = page_text(blocks)
    assert text.text == "Un & deux\u00a0: trois" + BLOCK_END + "\nquatre\n" + BLOCK_END
    assert text.passages == {}


def test_a_passage_runs_from_its_first_mark_to_its_last() -> None:
    blocks = [
        '<p>Voir <a href="x">le <mark class="passage" id="passage-1" data-note="1">rapport de </mark>'
        '<em><mark class="passage" data-note="1">mars</mark></em></a><a class="note-ref" data-n="1"></a> hier.</p>',
        '<p><mark class="passage" id="passage-2" data-note="2">fin.</mark></p>',
        '<p><mark class="passage" id="passage-3" data-note="3">Et la</mark></p>',
        '<p><mark class="passage" data-note="3">suite</mark> <mark>à soi</mark></p>',
    ]
    text = page_text(blocks)
    assert {n: text.text[s:e] for n, (s, e) in text.passages.items()} == {
        1: "rapport de mars",
        2: "fin.",
        3: "Et la\nsuite",  # across a paragraph break, as the page reads it
    }
    assert "1" not in text.text  # the note's number is no text


def test_the_newline_after_a_pre_tag_is_not_text() -> None:
    assert page_text(["<pre><code>x</code></pre>", "<pre>\ny\n</pre>"]).text == "x\ny\n\n"


def test_code_points_count_an_astral_character_once() -> None:
    text = page_text(['<p>\U0001d538 <mark class="passage" data-note="1">b</mark></p>'])
    assert text.passages == {1: (2, 3)}


def test_the_context_holds_at_most_32_utf16_units() -> None:
    plain = "a" * 40 + "PASSAGE" + "b" * 40
    assert context(plain, 40, 47) == ("a" * CONTEXT, "b" * CONTEXT)
    astral = "\U0001d538" * 20 + "X" + "\U0001d539" * 20
    before, after = context(astral, 20, 21)
    assert (before, after) == ("\U0001d538" * 16, "\U0001d539" * 16)
    assert context("X", 0, 1) == ("", "")
