from __future__ import annotations

from yaml.nodes import ScalarNode

from dossier.source.frontmatter import compose, decode, split


def test_split_keeps_line_numbers() -> None:
    doc, problems = split("a.md", "---\ntitle: T\n\ndate: 2024\n---\n\nBody\n")
    assert problems == []
    assert doc is not None
    assert [(e.key, e.line) for e in doc.entries] == [("title", 2), ("date", 4)]
    assert doc.body_line == 6
    assert doc.body.strip() == "Body"


def test_values_stay_as_typed() -> None:
    doc, _ = split("a.md", "---\na: NO\nb: on\nc: 1e3\nd: 2024\ne: 2024-03-05\nf: '007'\n---\n")
    assert doc is not None
    values = {e.key: e.node.value for e in doc.entries if isinstance(e.node, ScalarNode)}
    assert values == {"a": "NO", "b": "on", "c": "1e3", "d": "2024", "e": "2024-03-05", "f": "007"}


def test_no_front_matter() -> None:
    _, problems = split("a.md", "title: x\n")
    assert [p.format() for p in problems] == [
        "a.md:1: error: no front matter: the file must start with a '---' line"
        " (hint: add a YAML block between two '---' lines at the top)"
    ]


def test_not_closed() -> None:
    _, problems = split("a.md", "---\ntitle: x\n")
    assert problems[0].message == "front matter is not closed"


def test_yaml_error_line() -> None:
    _, problems = split("a.md", "---\ntitle: x\ndate: [2024\n---\n")
    assert problems[0].location.line in (3, 4)
    assert problems[0].message.startswith("invalid YAML:")


def test_duplicated_key() -> None:
    _, problems = split("a.md", "---\ntitle: x\ntitle: y\n---\n")
    assert problems[0].format() == "a.md:3: error: duplicated key 'title' (first at line 2)"


def test_list_instead_of_mapping() -> None:
    _, problems = split("a.md", "---\n- a\n- b\n---\n")
    assert problems[0].format() == "a.md:2: error: front matter must be a mapping of keys to values, not a list"


def test_tags_and_aliases_refused() -> None:
    _, problems = split("a.md", "---\ntitle: !!python/object:os.system x\n---\n")
    assert problems[0].message == "YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"
    _, problems = split("a.md", "---\na: &x [1, 2]\nb: [*x, *x]\n---\n")
    assert problems[0].format() == "a.md:3: error: invalid YAML: YAML aliases (*name) are not allowed here"


def test_decode_bom_crlf_and_bad_bytes() -> None:
    text, problems = decode("a.md", "\ufeff---\r\ntitle: x\r\n---\r\n".encode())
    assert problems == [] and text == "---\ntitle: x\n---\n"
    text, problems = decode("a.md", b"---\ntitle: caf\xe9\n")
    assert text is None
    assert problems[0].format().startswith("a.md:2: error: file is not UTF-8")
    _, problems = decode("a.png", b"\x89PNG\r\n\x00\x00")
    assert problems[0].message == "binary file (contains NUL bytes)"


def test_an_escaped_lone_surrogate_is_an_error_at_its_line() -> None:
    """PyYAML turns "\\ud800" into a character UTF-8 cannot write: refused at the input."""
    node, problems = compose("a.md", 'title: ok\nsummary: "A\\ud800"\n', first_line=2)
    assert node is None
    assert [p.format() for p in problems] == [
        "a.md:3: error: invalid YAML: the escape '\\ud800' is half of a UTF-16 surrogate pair, not a character"
        " (hint: write the character itself, or remove the escape)"
    ]


def test_an_escaped_surrogate_pair_is_told_its_character() -> None:
    _, problems = compose("a.md", 'topics: [irak, "\\ud83d\\ude00"]\n"k\\udc00": 1\n', first_line=2)
    assert [p.hint for p in problems] == ["write the character itself, or its escape \\U0001F600"]
    assert problems[0].location.line == 2
