"""Editing a content file's fields in place (dossier/commands/fieldedit.py)."""

from __future__ import annotations

import pytest

from dossier.commands.fieldedit import edited, list_edited, yaml_value
from dossier.errors import ContentErrors
from dossier.source.frontmatter import split

NOTE = (
    "---\r\n"
    "article: a\r\n"
    'quote: "x y"  # as the wire has it\r\n'
    "topics:\r\n"
    "  - b\r\n"
    "  - c\r\n"
    "# a comment of the editor\r\n"
    "kind: contexte\r\n"
    "---\r\n"
    "\r\n"
    "Body\r\n"
    "more\r\n"
)


def _values(text: str) -> dict[str, str | list[str]]:
    document, problems = split("n.md", text)
    assert document is not None and not problems
    out: dict[str, str | list[str]] = {}
    for entry in document.entries:
        value = entry.node.value
        out[entry.key] = [item.value for item in value] if isinstance(value, list) else value
    return out


def test_a_changed_field_keeps_every_other_line_and_the_line_endings() -> None:
    text = edited("n.md", NOTE, {"quote": "z « w »"})
    assert text == NOTE.replace('"x y"', '"z « w »"')


def test_new_fields_go_after_the_field_named_and_a_block_list_becomes_one_line() -> None:
    text = edited("n.md", NOTE, {"topics": ["d"], "prefix": "p", "suffix": "s"}, after="quote")
    assert text.splitlines() == [
        "---",
        "article: a",
        'quote: "x y"  # as the wire has it',
        'prefix: "p"',
        'suffix: "s"',
        'topics: ["d"]',
        "# a comment of the editor",
        "kind: contexte",
        "---",
        "",
        "Body",
        "more",
    ]
    assert _values(text) == {
        "article": "a",
        "quote": "x y",
        "prefix": "p",
        "suffix": "s",
        "topics": ["d"],
        "kind": "contexte",
    }


def test_none_removes_a_field_and_a_new_field_without_place_goes_last() -> None:
    text = edited("n.md", NOTE, {"topics": None, "prefix": "p"})
    assert list(_values(text)) == ["article", "quote", "kind", "prefix"]
    assert "# a comment of the editor" in text


def test_the_body_is_replaced_only_when_given_keeping_the_blank_line_after_the_front_matter() -> None:
    assert edited("n.md", NOTE, {}).endswith("---\r\n\r\nBody\r\nmore\r\n")
    assert edited("n.md", NOTE, {}, body="Un\nautre\n").endswith("---\r\n\r\nUn\r\nautre\r\n")


def test_a_folded_value_is_replaced_whole() -> None:
    text = "---\narticle: a\nquote: >-\n  long\n  folded\nkind: k\n---\nB"
    assert edited("n.md", text, {"quote": "q"}) == '---\narticle: a\nquote: "q"\nkind: k\n---\nB'


@pytest.mark.parametrize(
    "value",
    [
        "« guillemets » et 'apostrophes'",
        'un "mot"',
        "NO",
        "2024",
        ": deux points",
        "# pas un commentaire",
        "l\u2019été\u00a0!",
    ],
)
def test_every_value_reads_back_as_the_text_written(value: str) -> None:
    assert _values(edited("n.md", NOTE, {"quote": value}))["quote"] == value


def test_mappings_and_lists_are_flow_yaml() -> None:
    assert yaml_value([{"seed": "seeds/a.txt", "sha256": "ab"}]) == '[{seed: "seeds/a.txt", sha256: "ab"}]'
    assert yaml_value(True) == "true"


def test_a_file_without_front_matter_is_an_error() -> None:
    with pytest.raises(ContentErrors):
        edited("n.md", "no front matter\n", {"quote": "x"})


def test_a_plain_value_stays_plain_when_it_reads_back_the_same_and_is_quoted_otherwise() -> None:
    text = "---\nseed: seeds/a.txt\nkind: contexte\nquote: 'x'\n---\n"
    assert edited("n.md", text, {"seed": "seeds/b-v2.txt"}) == text.replace("a.txt", "b-v2.txt")
    assert edited("n.md", text, {"kind": "yes: no"}).splitlines()[2] == 'kind: "yes: no"'
    assert edited("n.md", text, {"kind": " lead"}).splitlines()[2] == 'kind: " lead"'
    assert edited("n.md", text, {"quote": "y"}).splitlines()[3] == 'quote: "y"'


@pytest.mark.parametrize(
    ("field", "values", "expected"),
    [
        ("k: [a, 'b', c]  # n\n", ["a", "c", "d"], "k: [a, c, d]  # n\n"),
        ("k: [a, 'b', c]\n", ["b", "c"], "k: ['b', c]\n"),
        ("k: [a,\n   b]\n", ["a", "b", "x,y"], 'k: [a,\n   b,\n   "x,y"]\n'),
        ("k: 'a'\n", ["a", "b"], "k: ['a', 'b']\n"),
        ('k:\n  - a\n  # n\n  - "b"\n', ["b", "c"], 'k:\n  # n\n  - "b"\n  - "c"\n'),
        ("k:\n  -\n    a\n", ["a", "b"], 'k: ["a", "b"]\n'),  # an item under its dash: written anew
        ("k:  # n\n", ["a"], 'k: ["a"]  # n\n'),
        ("k: [a]\n", [], ""),
    ],
    ids=["flow", "flow-first-gone", "flow-lines", "one-value", "block", "block-dash-alone", "empty", "emptied"],
)
def test_a_list_keeps_its_items_as_written_and_adds_after_the_last(
    field: str, values: list[str], expected: str
) -> None:
    text = f"---\nt: x\n{field}z: y\n---\nB\n"
    edited_text = list_edited("n.md", text, "k", values)
    assert edited_text == f"---\nt: x\n{expected}z: y\n---\nB\n"
    assert _values(edited_text).get("k", []) == values
