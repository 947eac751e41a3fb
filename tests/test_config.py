from __future__ import annotations

from pathlib import Path

import pytest

from dossier import config
from dossier.fields import FieldError


def load(tmp_path: Path, text: str) -> tuple[config.LoadedSettings | None, list[str]]:
    (tmp_path / "site.yml").write_text(text, encoding="utf-8")
    loaded, problems = config.load(tmp_path)
    return loaded, [p.format() for p in problems]


def test_defaults_and_lines(tmp_path: Path) -> None:
    loaded, problems = load(tmp_path, "# settings\ntitle: Dossier\nbase_url: https://example.org/sub\n")
    assert problems == []
    assert loaded is not None
    assert loaded.settings.language == "fr"
    assert loaded.settings.base_url == "https://example.org/sub/"
    assert loaded.lines == {"title": 2, "base_url": 3}


def test_every_problem_at_once(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "titl: x\nlatest_articles: beaucoup\nlanguage: [fr]\n")
    assert problems == [
        "site.yml:1: error: unknown setting 'titl' (hint: did you mean 'title'?)",
        "site.yml:2: error: 'latest_articles': expected a whole number, not 'beaucoup'",
        "site.yml:3: error: 'language': expected a single value, not a list",
        "site.yml:1: error: missing required setting 'title'",
    ]


def test_missing_or_not_a_mapping(tmp_path: Path) -> None:
    assert config.load(tmp_path)[1][0].message == "no site.yml"
    _, problems = load(tmp_path, "- a\n")
    assert problems == ["site.yml:1: error: site.yml must be a mapping of keys to values, not a list"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/", "/"),
        ("/dossier", "/dossier/"),
        ("https://org.github.io/repo/", "https://org.github.io/repo/"),
        ("http://localhost:8000", "http://localhost:8000/"),
        ("https://example.org:65535/a%20b/", "https://example.org:65535/a%20b/"),
    ],
)
def test_base_url(value: str, expected: str) -> None:
    assert config.base_url(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "dossier/",
        "ftp://x/",
        "https://",
        "https://x/?q=1",
        "//evil.example/",
        "/\\evil.example/",
        "https://example.org:99999/",
        "https://example.org:0/",
        "https://example.org:http/",
        "https://ex ample.org/",
        "/mon dossier/",
        "https://user:secret@example.org/",
        "https://:8080/",
        "/a\tb/",
        "http://[::1/",
        "https://[zz]/",
    ],
)
def test_bad_base_url(value: str) -> None:
    with pytest.raises(FieldError):
        config.base_url(value)
