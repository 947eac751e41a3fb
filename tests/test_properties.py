"""Property-based tests (Hypothesis): partial dates, slugs, front-matter loading, anchoring.

The contracts checked here:

- a :class:`PartialDate` printed and parsed again is itself; dates are totally ordered, a
  date comes before the more precise dates it contains (``2024`` < ``2024-03`` <
  ``2024-03-15``), the order agrees with the calendar and with the ISO text;
- :func:`slugify` gives ``''`` or a valid ASCII slug, is idempotent, never gives ``..``, and
  is non-empty for a text with an ASCII letter or digit (see :mod:`dossier.text.slugs`);
- loading any bytes as any kind of content file gives a record or diagnostics, never an
  exception;
- a quote taken from any paragraph of a generated article (with emphasis, links and line
  breaks in it) is found, at its place, and marked exactly, its number never inside a link;
- any passage of an article printed with curly apostrophes, guillemets, no-break spaces, soft
  hyphens and accents in NFC or NFD, retyped with straight quotes, other spaces and the other
  normalization form, anchors on the same characters; a passage unique as written stays unique
  beside a retyped twin.
"""

from __future__ import annotations

import html
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dossier.link import htmltext
from dossier.link.annotations import anchor
from dossier.link.htmltext import normalize_space
from dossier.model import Annotation, Origin, PartialDate
from dossier.source import content
from dossier.source.markup import Markdown
from dossier.text.folding import fold_text
from dossier.text.slugs import is_slug, slugify

# -- partial dates -----------------------------------------------------------------


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    last = PartialDate(year, month).last_day().day
    return PartialDate(year, month, draw(st.integers(1, last)))


@given(partial_dates())
def test_parse_of_iso_is_identity(date: PartialDate) -> None:
    assert PartialDate.parse(date.iso()) == date
    assert PartialDate.parse(str(date)).precision == date.precision


@given(partial_dates(), partial_dates(), partial_dates())
def test_order_is_total_and_transitive(a: PartialDate, b: PartialDate, c: PartialDate) -> None:
    assert [a < b, a == b, a > b].count(True) == 1
    if a <= b and b <= c:
        assert a <= c


@given(partial_dates(), partial_dates())
def test_order_agrees_with_precision_calendar_and_text(a: PartialDate, b: PartialDate) -> None:
    contains = a.year == b.year and (not a.month or (a.month == b.month and not a.day))
    if contains and a != b:
        assert a < b and a.precision < b.precision
    if a < b:
        assert a.first_day() <= b.first_day()
    assert (a < b) == (a.iso() < b.iso())


@given(st.text(max_size=20))
def test_parse_accepts_or_raises_value_error(text: str) -> None:
    try:
        date = PartialDate.parse(text)
    except ValueError:
        return
    assert date.iso() == text.strip()


# -- slugs ---------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.text())
def test_slug_contract(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or is_slug(slug)
    assert slug.isascii() and ".." not in slug and "/" not in slug
    assert slugify(slug) == slug
    if any(c.isascii() and c.isalnum() for c in text):
        assert slug


@given(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True))
def test_a_slug_is_its_own_slug(slug: str) -> None:
    assert is_slug(slug) and slugify(slug) == slug


# -- loading any file ------------------------------------------------------------------

FIELD_NAMES = sorted({f.name for kind in content.KINDS for f in kind.table})
YAMLISH = st.sampled_from(
    [
        *(f"{n}: " for n in FIELD_NAMES),
        *("\n", " ", "  ", "- ", ":", '"', "'", "[", "]", "{", "}", ",", "#", "&a ", "*a", "[" * 400),
        *("!!python/object ", "!x ", "|\n  ", ">\n  ", "2024", "2024-03-15", "10:00:00+01:00", "yes", "~", "é"),
        *("\t", "\\x07", "\\0", "\x07", "\r\n", "\ufeff", "---\n", "...\n", "texte", "../..", "contexte", "irak"),
    ]
)


def front_matter_files() -> st.SearchStrategy[bytes]:
    structured = st.builds(
        lambda head, body: ("---\n" + head + "\n---\n" + body).encode("utf-8", "surrogatepass"),
        st.lists(YAMLISH, max_size=25).map("".join),
        st.text(max_size=60),
    )
    return st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode), structured)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=front_matter_files(), kind=st.sampled_from(content.KINDS))
def test_any_file_gives_a_record_or_diagnostics(data: bytes, kind: content.Kind) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "content" / kind.folder / "fichier.md"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        record, problems = content.load_file(root, kind, path)
    assert (record is None) == bool(problems)
    for problem in problems:
        assert problem.location.path == f"content/{kind.folder}/fichier.md"
        assert "\n" not in problem.format()


# -- anchoring -----------------------------------------------------------------------

WORDS = st.text(alphabet="abcdeéèàôç", min_size=1, max_size=7)
STYLES = ("{}", "*{}*", "**{}**", "[{}](https://example.org/)", "<span>{}</span>", "_{}_")


@dataclass(frozen=True)
class Generated:
    paragraphs: list[list[str]]  # the words of each paragraph
    markdown: str


@st.composite
def articles(draw: st.DrawFn) -> Generated:
    paragraphs: list[list[str]] = []
    sources: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        words = draw(st.lists(WORDS, min_size=1, max_size=12))
        pieces: list[str] = []
        index = 0
        while index < len(words):
            size = draw(st.integers(1, min(3, len(words) - index)))
            span = " ".join(words[index : index + size])
            pieces.append(draw(st.sampled_from(STYLES)).format(span))
            index += size
        separators = draw(st.lists(st.sampled_from([" ", "\n", "  "]), min_size=len(pieces), max_size=len(pieces)))
        sources.append("".join(p + s for p, s in zip(pieces, separators, strict=True)).strip())
        paragraphs.append(words)
    return Generated(paragraphs, "\n\n".join(sources) + "\n")


MD = Markdown()


def marked_text(block_html: str) -> str:
    """The text inside the passage marks of a block, tags removed."""
    inside = re.findall(r"<mark [^>]*>(.*?)</mark>", block_html, re.S)
    return normalize_space(html.unescape(re.sub(r"<[^>]*>", "", "".join(inside))))


@settings(max_examples=150, deadline=None)
@given(articles(), st.data())
def test_a_quote_from_any_paragraph_is_found_in_place(article: Generated, data: st.DataObject) -> None:
    textmap = htmltext.build(MD.convert(article.markdown))
    words = [w for paragraph in article.paragraphs for w in paragraph]
    assert textmap.text == " ".join(words)
    number = data.draw(st.integers(0, len(article.paragraphs) - 1))
    paragraph = article.paragraphs[number]
    first = data.draw(st.integers(0, len(paragraph) - 1))
    last = data.draw(st.integers(first + 1, len(paragraph)))
    before = [w for p in article.paragraphs[:number] for w in p] + paragraph[:first]
    after = paragraph[last:] + [w for p in article.paragraphs[number + 1 :] for w in p]
    quote = " ".join(paragraph[first:last])
    start = len(" ".join(before)) + (1 if before else 0)
    note = Annotation(
        "n", "a", quote, "contexte", "Note.", Origin("content/annotations/n.md"), " ".join(before), " ".join(after)
    )
    result, problems = anchor(textmap, [note])
    assert problems == []
    [placed] = result.notes
    assert (placed.start, placed.end, placed.block) == (start, start + len(quote), number)
    assert textmap.text[placed.start : placed.end] == quote
    assert marked_text(result.blocks[number].html) == quote
    assert not nested_links(result.blocks[number].html)
    assert result.blocks[number].html.count('class="note-ref"') == 1


def nested_links(block_html: str) -> bool:
    """Whether a link opens inside another (invalid HTML: the note's number in a link of the text)."""
    depth = 0
    for tag in re.findall(r"</?a[\s>]", block_html):
        depth += -1 if tag.startswith("</") else 1
        if depth > 1:
            return True
    return False


@settings(max_examples=100, deadline=None)
@given(articles(), st.data())
def test_a_unique_quote_needs_no_prefix(article: Generated, data: st.DataObject) -> None:
    numbered = [[f"{w}{i}x{j}" for j, w in enumerate(p)] for i, p in enumerate(article.paragraphs)]
    markdown = "\n\n".join(" ".join(p) for p in numbered)
    textmap = htmltext.build(MD.convert(markdown))
    number = data.draw(st.integers(0, len(numbered) - 1))
    first = data.draw(st.integers(0, len(numbered[number]) - 1))
    quote = " ".join(numbered[number][first : first + data.draw(st.integers(1, 4))])
    assume(textmap.text.count(quote) == 1)
    result, problems = anchor(textmap, [Annotation("n", "a", quote, "contexte", "N.", Origin("n.md"))])
    assert problems == [] and result.notes[0].block == number
    assert textmap.text[result.notes[0].start : result.notes[0].end] == quote


# -- quotes as editors type them ------------------------------------------------------

NBSP, NNBSP, SHY = "\u00a0", "\u202f", "\u00ad"
SPACES = st.sampled_from([" ", NBSP, NNBSP])


@st.composite
def typographic_words(draw: st.DrawFn) -> str:
    """A word as an article prints it: curly apostrophes, soft hyphens, accents in NFC or NFD."""
    letters = draw(st.lists(st.sampled_from("abcdeéèôç"), min_size=1, max_size=6))
    word = ""
    for index, letter in enumerate(letters):
        if index and draw(st.integers(0, 5)) == 0:
            word += draw(st.sampled_from(["\u2019", "'", SHY]))
        word += unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), letter)
    return word


@st.composite
def typographic_items(draw: st.DrawFn) -> str:
    """A word, a quoted word (« », “ ”, „ “, " "), or French punctuation after its no-break space."""
    word = draw(typographic_words())
    shape = draw(st.integers(0, 6))
    if shape == 0:
        space = draw(SPACES)
        return f"«{space}{word}{space}»"
    if shape == 1:
        opening, closing = draw(st.sampled_from(["\u201c\u201d", "\u201e\u201c", '""']))
        return f"{opening}{word}{closing}"
    if shape == 2:
        return draw(st.sampled_from(["!", ":", "?", ";"]))
    return word


GAPPED = re.compile(r"(\u00ab\s|\s\u00bb|\s[!?;:])")  # where French typography puts a no-break space


def retyped(data: st.DataObject, text: str) -> str:
    """``text`` as an editor may type it: straight quotes (without the guillemets' spaces),
    any spaces, no space before ``! ? ; :``, no soft hyphen, NFC or NFD."""
    out = []
    for piece in GAPPED.split(text):
        if GAPPED.fullmatch(piece):
            mark = piece.strip()
            spaced = [f"{mark}{space}" if mark == "\u00ab" else f"{space}{mark}" for space in (" ", NBSP, NNBSP)]
            out.append(data.draw(st.sampled_from([*spaced, mark, '"' if mark in "\u00ab\u00bb" else mark])))
            continue
        for char in piece:
            if char in "\u2019'":
                char = data.draw(st.sampled_from(["\u2019", "'"]))
            elif char in "\u201c\u201d\u201e":
                char = data.draw(st.sampled_from([char, '"']))
            elif char in f" {NBSP}{NNBSP}":
                char = data.draw(SPACES)
            elif char == SHY:
                char = data.draw(st.sampled_from([SHY, ""]))
            out.append(char)
    return unicodedata.normalize(data.draw(st.sampled_from(["NFC", "NFD"])), "".join(out))


def typographic_article(data: st.DataObject) -> tuple[htmltext.TextMap, list[str]]:
    """An article of paragraphs of items, and its items as they are in its text."""
    paragraphs = data.draw(st.lists(st.lists(typographic_items(), min_size=1, max_size=8), min_size=1, max_size=3))
    fragment = "".join(
        "<p>" + "".join(item + data.draw(SPACES) for item in items[:-1]) + items[-1] + "</p>\n" for items in paragraphs
    )
    textmap = htmltext.build(fragment)
    items = [normalize_space(item) for paragraph in paragraphs for item in paragraph]
    assert textmap.text == " ".join(items)
    return textmap, items


def span_of(items: list[str], first: int, last: int) -> tuple[int, int]:
    start = len(" ".join(items[:first])) + (1 if first else 0)
    return start, start + len(" ".join(items[first:last]))


def draw_span(data: st.DataObject, items: list[str]) -> tuple[int, int]:
    """A passage of whole items, drawn: its start and end in the article's text."""
    first = data.draw(st.integers(0, len(items) - 1))
    last = data.draw(st.integers(first + 1, len(items)))
    return span_of(items, first, last)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_passage_retyped_anchors_on_the_same_characters(data: st.DataObject) -> None:
    textmap, items = typographic_article(data)
    start, end = draw_span(data, items)
    text = textmap.text
    typed = Annotation(
        "n",
        "a",
        retyped(data, text[start:end]),
        "contexte",
        "Note.",
        Origin("content/annotations/n.md"),
        retyped(data, text[:start]),
        retyped(data, text[end:]),
    )
    result, problems = anchor(textmap, [typed])
    assert problems == []
    assert (result.notes[0].start, result.notes[0].end) == (start, end)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_passage_retyped_without_context_anchors_when_it_is_the_only_one(data: st.DataObject) -> None:
    textmap, items = typographic_article(data)
    start, end = draw_span(data, items)
    folded = fold_text(textmap.text)
    assume(len(re.findall(f"(?={re.escape(fold_text(textmap.text[start:end]))})", folded)) == 1)
    quote = retyped(data, textmap.text[start:end])
    result, problems = anchor(textmap, [Annotation("n", "a", quote, "contexte", "N.", Origin("n.md"))])
    assert problems == []
    assert (result.notes[0].start, result.notes[0].end) == (start, end)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_an_exactly_unique_passage_stays_unique_beside_its_retyped_twin(data: st.DataObject) -> None:
    textmap, items = typographic_article(data)
    start, end = draw_span(data, items)
    passage = textmap.text[start:end]
    twin = retyped(data, passage)
    assume(normalize_space(twin) != passage)
    article = htmltext.build(f"<p>{html.escape(textmap.text, quote=False)}</p><p>{html.escape(twin, quote=False)}</p>")
    assume(len(re.findall(f"(?={re.escape(passage)})", article.text)) == 1)  # overlapping ones count too
    result, problems = anchor(article, [Annotation("n", "a", passage, "contexte", "N.", Origin("n.md"))])
    assert problems == []
    assert (result.notes[0].start, result.notes[0].end) == (start, end)


# -- the text map against a plain model ---------------------------------------------

HTML_PIECES = st.sampled_from(
    [
        *("a", "b", "é", " ", "  ", "\n", "\t", "&amp;", "&nbsp;", "&#32;", "&#x41;", "&eacute;", "&foo;", "&lt;"),
        *("<p>", "</p>", "<em>", "</em>", "<br>", "<hr />", "<!-- c -->", "<ul>", "<li>", "</li>", "</ul>", "\u00a0"),
    ]
)


def model_units(fragment: str) -> tuple[str, list[tuple[int, int, int]]]:
    """The normalized text and (token, raw start, raw end) per character, one character at a time."""
    chars: list[str] = []
    units: list[tuple[int, int, int]] = []
    pending: tuple[int, int, int] | None = None
    tokens = [t for t in re.split(r"(<!--.*?-->|<[^>]*>)", fragment, flags=re.S) if t]
    for index, token in enumerate(tokens):
        if token.startswith("<"):
            continue
        position = 0
        pieces: list[tuple[int, int, str]] = []
        for match in re.finditer(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", token):
            pieces += [(i, i + 1, token[i]) for i in range(position, match.start())]
            pieces += [(match.start(), match.end(), c) for c in html.unescape(match.group(0))]
            position = match.end()
        pieces += [(i, i + 1, token[i]) for i in range(position, len(token))]
        for start, end, char in pieces:
            if char.isspace():
                if chars and pending is None:
                    pending = (index, start, end)
                continue
            if pending is not None:
                chars.append(" ")
                units.append(pending)
                pending = None
            chars.append(char)
            units.append((index, start, end))
    return "".join(chars), units


@settings(max_examples=300)
@given(st.lists(HTML_PIECES, max_size=30).map("".join))
def test_text_map_matches_the_plain_model(fragment: str) -> None:
    textmap = htmltext.build(fragment)
    text, units = model_units(fragment)
    assert textmap.text == text
    assert [(u.token, u.start, u.end) for u in textmap.units] == units
    assert len(textmap.units) == len(text)
