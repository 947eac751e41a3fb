from __future__ import annotations

from typing import Any

from dossier.model import EarlierSeed, ImageRef, PartialDate
from dossier.source import fields as f
from dossier.source.fields import Field, coerce
from dossier.source.frontmatter import split

TABLE = (
    Field("title", f.text, required=True),
    Field("date", f.date, required=True),
    Field("topics", f.texts),
    Field("draft", f.boolean),
)


def entries(text: str):  # type: ignore[no-untyped-def]
    doc, problems = split("a.md", "---\n" + text + "---\n")
    assert not problems and doc is not None
    return doc.entries


def test_implicit_yaml_types_do_not_leak() -> None:
    for raw in ("2024", "'2024-03'", "2024-03", "2024-03-05"):
        result = coerce("a.md", entries(f"title: NO\ndate: {raw}\n"), TABLE)
        assert result.problems == []
        assert result.values["title"] == "NO"
        assert result.values["date"] == PartialDate.parse(raw.strip("'"))


def test_text_field_keeps_what_was_typed() -> None:
    for raw in ("on", "1e3", "yes", "0x10", "1_000", "~"):
        result = coerce("a.md", entries(f"title: T\ndate: 2024\ntopics: [{raw}]\n"), TABLE)
        assert result.values.get("topics", ()) == ((raw,) if raw != "~" else ())


def test_unknown_missing_and_wrong_types() -> None:
    result = coerce("a.md", entries("titel: T\ndate: [2024]\ndraft: maybe\n"), TABLE)
    assert sorted(d.format() for d in result.problems) == [
        "a.md:1: error: missing required field 'title' (hint: add a line 'title: ...')",
        "a.md:2: error: unknown field 'titel' (hint: did you mean 'title'?)",
        "a.md:3: error: 'date': expected a single value, not a list"
        " (hint: write one value on the line, e.g. 'key: value')",
        "a.md:4: error: 'draft': expected true or false, not 'maybe' (hint: true or false)",
    ]


def test_single_value_is_a_one_item_list() -> None:
    result = coerce("a.md", entries("title: T\ndate: 2024\ntopics: irak\n"), TABLE)
    assert result.values["topics"] == ("irak",)


def test_every_equally_close_field_is_offered() -> None:
    table = (*TABLE, Field("sources", f.text), Field("sourced", f.text))
    result = coerce("a.md", entries("title: T\ndate: 2024\nsourcez: x\n"), table)
    assert [d.hint for d in result.problems] == ["did you mean 'sources' or 'sourced'?"]


def test_a_value_error_may_carry_a_hint() -> None:
    def kind(node: object) -> str:
        raise f.FieldError("unknown kind 'x'", "did you mean 'y'?")

    result = coerce("a.md", entries("title: T\ndate: 2024\nsource: x\n"), (*TABLE, Field("source", kind)))
    assert [d.format() for d in result.problems] == [
        "a.md:4: error: 'source': unknown kind 'x' (hint: did you mean 'y'?)"
    ]


def test_earlier_seeds_in_flow_or_block_style() -> None:
    table = (Field("earlier_seeds", f.earlier_seeds),)
    flow = coerce("a.md", entries('earlier_seeds: [{seed: seeds/a.txt, sha256: "ab"}]\n'), table)
    block = coerce("a.md", entries("earlier_seeds:\n  - seed: seeds/a.txt\n    sha256: ab\n"), table)
    assert flow.problems == block.problems == []
    assert flow.values == block.values == {"earlier_seeds": (EarlierSeed("seeds/a.txt", "ab"),)}
    assert coerce("a.md", entries("earlier_seeds:\n"), table).values == {"earlier_seeds": ()}
    nested = coerce("a.md", entries("earlier_seeds: [[seeds/a.txt]]\n"), table)
    assert [d.message for d in nested.problems] == [
        "'earlier_seeds': each earlier seed is a mapping with seed and sha256"
    ]


def test_an_image_is_a_mapping_with_src_and_alt_and_maybe_a_caption_and_a_credit() -> None:
    table = (Field("image", f.image),)
    block = coerce("a.md", entries("image:\n  src: ../media/a.png\n  alt: Une carte\n  credit: AFP\n"), table)
    assert block.problems == [] and block.values["image"] == ImageRef("../media/a.png", "Une carte", "", "AFP")
    flow = coerce("a.md", entries('image: {src: ../media/a.png, alt: "x", caption: "Légende"}\n'), table)
    assert flow.values["image"] == ImageRef("../media/a.png", "x", "Légende")
    wrong = {
        "image: ../media/a.png\n": "'image': expected a mapping with src, alt and optionally caption and credit",
        "image: {alt: x}\n": "'image': an image without its src",
        "image: {src: a.png}\n": "'image': an image without alt text",
        "image: {src: a.png, alt: ''}\n": "'image': an image without alt text",
        "image: {src: a.png, alt: x, credits: y}\n": "'image': unknown key 'credits' in an image",
    }
    for text, message in wrong.items():
        problems = coerce("a.md", entries(text), table).problems
        assert [p.message for p in problems] == [message], text


def test_every_problem_of_an_image_is_said_at_once_each_at_its_line() -> None:
    table = (Field("image", f.image),)
    text = "image:\n  src: ../media/a.png\n  credti: AFP\n  captoin: x\n"  # no alt either (line 1 is ---)
    problems = coerce("a.md", entries(text), table).problems
    assert [(p.location.line, p.message) for p in problems] == [
        (4, "'image': unknown key 'credti' in an image"),
        (5, "'image': unknown key 'captoin' in an image"),
        (2, "'image': an image without alt text"),
    ]
    typo = coerce("a.md", entries("image:\n  src: ../media/a.png\n  atl: Une carte\n"), table).problems
    assert [(p.location.line, p.message, p.hint) for p in typo] == [  # not also "without alt text": the same slip
        (4, "'image': unknown key 'atl' in an image", "did you mean 'alt'?")
    ]


def test_every_problem_of_a_mapping_of_texts_is_said_at_once() -> None:
    def publisher(node: Any) -> dict[str, str]:
        return f.texts_by_key(node, ("name", "url", "logo"), "publisher", "e.g. {name: X}", required=1)

    text = "publisher:\n  nmae: Le Monde\n  lgoo: x.png\n  url: [a]\n"
    problems = coerce("a.md", entries(text), (Field("publisher", publisher),)).problems
    assert [(p.location.line, p.message) for p in problems] == [
        (3, "'publisher': unknown key 'nmae' in a publisher"),
        (4, "'publisher': unknown key 'lgoo' in a publisher"),
        (5, "'publisher': url: " + str(_text_error("[a]"))),
    ]


def _text_error(value: str) -> Exception:
    try:
        f.text(entries(f"x: {value}\n")[0].node)
    except f.FieldError as exc:
        return exc
    raise AssertionError("a text")


def test_an_alt_that_is_no_text_is_said_once() -> None:
    table = (Field("image", f.image),)
    problems = coerce("a.md", entries("image:\n  src: ../media/a.png\n  alt: [x]\n"), table).problems
    assert [(p.location.line, p.message.split(":")[1].strip()) for p in problems] == [(4, "alt")]
