"""The limits that keep one content file from hanging or crashing the build.

Pathological inputs are generated here; each test states its bound as a size, and shows that
the work grows no faster than the text by counting steps at two sizes (never by timing).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from conftest import Run

from bench.generate import generate
from bench.huge import article
from dossier.source import limits
from dossier.source.limits import bracket_span, check_body, depth, html_depth, splits, tag_span
from dossier.source.markup import Markdown

HEAD = '---\ntitle: "Un article"\ndate: 2024-03\ntopics: [irak]\n---\n'


def messages(body: str) -> list[str]:
    return [p.format() for p in check_body("a.md", body, 6)]


def test_nesting_is_counted_from_markers_and_indentation() -> None:
    assert depth("Un paragraphe.") == 0
    assert depth("- un - deux") == 1
    assert depth("- - - x") == 3
    assert depth("        - x") == 3
    assert depth("> > - x") == 3
    assert depth(">>>> x") == 4
    assert depth("- - - - - - -") == 0  # a horizontal rule


@pytest.mark.parametrize(
    ("body", "line", "level"),
    [
        ("Intro.\n\n" + "- " * 500 + "x\n", 8, 500),
        ("Intro.\n\n" + "".join("    " * i + "- a\n" for i in range(600)), 8 + 32, 33),
        ("Intro.\n\n" + "".join("> " * i + "a\n" for i in range(1, 601)), 8 + 32, 33),
        ("Intro.\n\n" + ">" * 600 + " a\n", 8, 600),
    ],
    ids=["dashes-on-one-line", "600-nested-lists", "600-nested-quotes", "600-quotes-on-one-line"],
)
def test_deep_nesting_is_one_error_at_its_first_line(body: str, line: int, level: int) -> None:
    [problem] = messages(body)
    assert problem.startswith(f"a.md:{line}: error: lists or block quotes nested {level} levels deep (limit: 32)")


def test_nesting_at_the_limit_converts(tmp_path: Path) -> None:
    body = "".join("    " * i + "- a\n" for i in range(32))
    assert messages(body) == []
    assert Markdown().convert(body).count("<ul>") == 32


@pytest.mark.parametrize("unit", ["<span>", "[", "*", "_", "`", "&amp;", "\\*"])
def test_dense_inline_markup_is_refused(unit: str) -> None:
    problems = messages("Intro.\n\nUn " + unit * 100_000 + " fin.\n")
    [dense] = [p for p in problems if "too much inline markup" in p]
    assert dense.startswith("a.md:8: error: too much inline markup in one paragraph: ")
    assert "(limit: 1,000)" in dense


def test_markup_is_counted_per_paragraph_and_list_item() -> None:
    links = "\n".join(f"- [source {i}](https://example.org/{i}) *le {i}*" for i in range(2_000))
    assert messages("Sources :\n\n" + links + "\n") == []
    paragraphs = "\n\n".join("Voir [ceci](https://example.org/) et *cela* " * 50 for _ in range(100))
    assert messages(paragraphs) == []


def test_bracket_span() -> None:
    assert bracket_span("a [b] c") == 2
    assert bracket_span("[a [b] c]") == 8 + 2
    assert bracket_span("[a](b) x") == 2 + 2
    assert bracket_span("x [ y") == 3  # left open: to the end
    assert bracket_span("[a](b") == 2 + 2
    assert bracket_span("(a) [b]") == 2  # a parenthesis alone is not scanned


def test_brackets_left_open_are_refused() -> None:
    [problem] = messages("Intro.\n\n" + "[" * 20 + " des mots" * 60 + "\n")
    assert problem.startswith("a.md:8: error: brackets left open or nested too deep: they span ")
    assert messages("Intro.\n\nUn intervalle [0, 1) puis [1, 2) et " + "des mots " * 10 + "\n") == []


def test_tag_span() -> None:
    assert tag_span("a <b> c") == (3, 2)
    assert tag_span("x <a y") == (4, 2)
    assert tag_span("<!-- a > b --> c") == (14, 0)
    assert tag_span("a < b, 3 <4") == (0, 0)  # not a tag: no scan


def test_tags_left_open_are_refused_at_the_first() -> None:
    body = "Intro.\n\n" + "Le seuil <!-- est franchi.\n\n" * 200
    [problem] = messages(body)
    assert problem.startswith("a.md:8: error: tags left open: ")


def test_splits_count_the_lines_that_cut_a_block() -> None:
    lines = ["Un titre", "===", "# Titre", "texte", "> citation", "> suite", "texte", "***", "", "# seul"]
    assert list(splits(lines)) == [(0, 4), (9, 1)]  # underline, heading, quote, rule; then a heading alone


@pytest.mark.parametrize("unit", ["# Titre\n", "Titre\n===\n", "texte\n---\n", "texte\n***\n", "texte\n> citation\n"])
def test_headings_rules_and_quotes_packed_in_one_block_are_refused(unit: str) -> None:
    problem = messages("Intro.\n\n" + unit * 5_000)[0]
    assert problem.startswith("a.md:8: error: 5,000 headings, rules or quotes in one block of lines (limit: 100)")
    assert messages("Intro.\n\n" + (unit + "\n") * 5_000) == []  # each in its own block


def test_html_depth() -> None:
    assert html_depth("<div><p>a<div>b</div></div>") == (2, 9)
    assert html_depth("<p>a<p>b<br><img src=x><li>c") == (0, 0)  # closed by the next one, or void
    assert html_depth("</div></div><span>") == (1, 12)


def test_html_left_open_is_refused_at_its_deepest() -> None:
    [problem] = messages("Intro.\n\n" + "<div>\n\n" * 10_000)
    assert problem.startswith("a.md:136: error: HTML elements nested 10,000 deep (limit: 64)")
    assert messages("Intro.\n\n" + "<div>\n\n</div>\n\n" * 10_000) == []


def test_a_file_over_the_size_limit_is_refused_unread(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10_000)
    text = HEAD + "Des mots. " * 2_000
    root = tree({"content/articles/gros.md": text})
    result = run("check", "--root", root)
    assert result.code == 1
    assert result.errors == [
        f"content/articles/gros.md:1: error: file is too large: {len(text.encode()):,} bytes (limit: 10,000)"
        " (hint: split it into several files)"
    ]


def test_the_shipped_dossier_and_the_bench_generator_are_within_the_limits(tmp_path: Path) -> None:
    generate(tmp_path, 200)
    roots = [Path(__file__).parent.parent / "content", tmp_path]
    files = [f for root in roots for f in root.rglob("*.md")]
    assert len(files) > 200
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert check_body(str(file), text, 1) == [], file


@contextmanager
def counting(modules: tuple[str, ...]) -> Iterator[list[int]]:
    """Counts the lines of Python run in ``modules`` (Python-Markdown, the HTML parser...)."""
    count = [0]

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            count[0] += 1
        return local

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        name = frame.f_globals.get("__name__", "")
        return local if name.startswith(modules) else None

    sys.settrace(trace)
    try:
        yield count
    finally:
        sys.settrace(None)


def steps(body: str) -> int:
    markdown = Markdown()
    with counting(("markdown", "html.parser", "_markupbase", "dossier.source.limits")) as count:
        assert check_body("a.md", body, 1) == []
        markdown.convert(body)
    return count[0]


# The worst that passes the limits, for a size n (in paragraphs or characters).
AT_THE_LIMIT: dict[str, Callable[[int], str]] = {
    "markup in long paragraphs": lambda n: "<span>x</span> *a* [b] " * 140 + "des mots " * (20 * n) + "\n",
    "brackets left open": lambda n: "\n\n".join("[" * 4 + " des mots" * 20 for _ in range(n)),
    "a tag left open": lambda n: "<a " + "\n\n".join("des mots " * 20 for _ in range(n)),
    "splits at the limit": lambda n: "\n\n".join("titre\n---\n" * 100 for _ in range(n)),
    "html at the limit": lambda n: "<div>\n\n" * 63 + "\n\n".join("<span>des</span> mots" * 20 for _ in range(n)),
    "nesting at the limit": lambda n: "\n\n".join("".join("    " * i + "- a\n" for i in range(32)) for _ in range(n)),
    "realistic": lambda n: article(2_000 * n),
}


@pytest.mark.parametrize("family", AT_THE_LIMIT)
def test_work_within_the_limits_grows_linearly(family: str) -> None:
    """Bound: n = 25 and 4n = 100 units (paragraphs, or 500 words); the steps may grow 5-fold at most."""
    make = AT_THE_LIMIT[family]
    small, large = steps(make(25)), steps(make(100))
    assert large < 5 * small, (small, large)


def test_a_5_mb_article_of_realistic_text_builds(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    """Bound: one article of 5,000,000 characters (paragraphs, emphasis, links, lists, quotes)."""
    body = article(5_000_000)
    assert len(body) >= 5_000_000
    root = tree({"content/articles/gros.md": HEAD + body})
    result = run("build", "--root", root)
    assert result.code == 0, result.err
    page = (root / "_site" / "articles" / "gros" / "index.html").read_text(encoding="utf-8")
    assert "(paragraphe 1)." in page and page.count("<li>") > 1_000


def test_the_site_intro_is_measured_too(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    """Bound: an intro of 100,000 '[' (Markdown like any content file's text)."""
    root = tree({"site.yml": 'title: "T"\nlanguage: fr\nbase_url: /\nintro: "Un ' + "[" * 100_000 + '"\n'})
    result = run("check", "--root", root)
    assert result.code == 1
    [error] = result.errors
    assert error.startswith("site.yml:4: error: too much inline markup in one paragraph: 100,000 of the characters")


@pytest.mark.parametrize("start", ["- ", "> ", "| ", "# ", "1) "])
def test_lines_that_look_like_items_inside_a_paragraph_are_one_text(start: str) -> None:
    """Python-Markdown reads "- x" or "> x" after a paragraph's line as part of it: measured whole."""
    body = "Intro.\n\nUn paragraphe\n" + "".join(f"{start}[un [deux] *trois*\n" for _ in range(400))
    assert any("a.md:8: error: too much inline markup in one paragraph" in p for p in messages(body))


def test_paragraphs_are_cut_at_items_and_rows_only_when_they_start_one() -> None:
    lines = ["- a", "- b", "  suite", "", "| a |", "| b |", "", "texte", "- c", "> d"]
    assert list(limits.paragraphs(lines)) == [(0, 1), (1, 3), (4, 5), (5, 6), (7, 10)]


REFUSED: dict[str, Callable[[int], str]] = {
    "dashes on one line": lambda n: "- " * (100 * n) + "x\n",
    "nested lists": lambda n: "".join("    " * i + "- a\n" for i in range(40)) * n,
    "brackets": lambda n: "Un " + "[" * (1_000 * n) + "\n",
    "tags left open": lambda n: "Le seuil <a est franchi.\n\n" * (10 * n),
    "headings in one block": lambda n: "# Titre\n" * (100 * n),
    "html left open": lambda n: "<div>\n\n" * (100 * n),
}


@pytest.mark.parametrize("family", REFUSED)
def test_measuring_a_refused_text_is_linear(family: str) -> None:
    """Bound: n = 25 and 4n = 100 units of each pathological text; the steps of the measure
    may grow 5-fold at most."""
    make = REFUSED[family]
    counts = []
    for size in (25, 100):
        body = make(size)
        with counting(("dossier.source.limits",)) as count:
            assert check_body("a.md", body, 1) != []
        counts.append(count[0])
    assert counts[1] < 5 * counts[0], counts
