from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Run

from dossier import config
from dossier.errors import UsageError
from dossier.source.fields import FieldError


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
        "site.yml:2: error: 'latest_articles': expected a whole number, not 'beaucoup' (hint: e.g. 1)",
        "site.yml:3: error: 'language': expected a single value, not a list"
        " (hint: write one value on the line, e.g. 'key: value')",
        "site.yml:1: error: missing required setting 'title' (hint: add a line 'title: ...')",
    ]


def test_missing_or_not_a_mapping(tmp_path: Path) -> None:
    assert config.load(tmp_path)[1][0].message == "no site.yml"
    _, problems = load(tmp_path, "- a\n")
    assert problems == ["site.yml:1: error: site.yml must be a mapping of keys to values, not a list"]


SECRET = "secret-hors-du-projet-4242"


def test_settings_are_read_only_from_inside_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(f"title: {SECRET}\n", encoding="utf-8")
    (root / "site.yml").symlink_to(outside)
    loaded, problems = config.load(root)
    assert loaded is None
    assert [p.format() for p in problems] == [
        "site.yml: error: symbolic link leads outside the project (hint: copy the file into the project instead)"
    ]
    (root / "site.yml").unlink()
    (root / "site.yml").symlink_to(tmp_path / "nowhere.yml")
    assert [p.format() for p in config.load(root)[1]] == [
        "site.yml: error: broken symbolic link (hint: remove it or make it point to a file of the project)"
    ]
    (root / "site.yml").unlink()
    os.mkfifo(root / "site.yml")  # would block the build if it were read
    assert [p.message for p in config.load(root)[1]] == ["not a regular file"]
    (root / "site.yml").unlink()
    (root / "config" / "site.yml").write_text("title: Dossier lié\n", encoding="utf-8")
    (root / "site.yml").symlink_to(Path("config") / "site.yml")  # inside the project: read
    loaded, problems = config.load(root)
    assert problems == [] and loaded is not None and loaded.settings.title == "Dossier lié"


def test_build_and_check_refuse_settings_linked_outside(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree()
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(f"title: {SECRET}\n", encoding="utf-8")
    (root / "site.yml").unlink()
    (root / "site.yml").symlink_to(outside)
    expected = [
        "site.yml: error: symbolic link leads outside the project (hint: copy the file into the project instead)"
    ]
    for result in (run("build", "--root", root, "--no-search"), run("check", "--root", root)):
        assert result.code == 1 and result.errors == expected
        assert SECRET not in result.out + result.err
    assert not (root / "_site").exists()


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
        "https://example.org/../",
        "/a/./b/",
        "https://évil.example/",
    ],
)
def test_bad_base_url(value: str) -> None:
    with pytest.raises(FieldError) as refused:
        config.base_url(value)
    assert refused.value.hint  # every refusal says what to write instead


def test_a_host_that_is_not_ascii_is_given_in_its_ascii_form() -> None:
    with pytest.raises(FieldError) as refused:
        config.base_url("https://évil.example/")
    assert refused.value.hint == "write the host as xn--vil-9la.example"


# -- the command line's overrides ---------------------------------------------------------


def test_overrides_apply_over_site_yml(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("title: Dossier\nbase_url: /local/\n", encoding="utf-8")
    overrides = config.Overrides(base_url="https://example.org/dossier", drafts=True)
    loaded, problems = config.load(tmp_path, overrides)
    assert problems == [] and loaded is not None
    assert loaded.settings.base_url == "https://example.org/dossier/"  # checked and written as site.yml's would be
    assert loaded.settings.title == "Dossier"
    assert loaded.overrides == overrides  # the build says a host-less --base-url at --base-url, not at site.yml
    assert loaded.lines == {"title": 1, "base_url": 2}


def test_without_overrides_the_settings_are_site_yml_s(tmp_path: Path) -> None:
    (tmp_path / "site.yml").write_text("title: Dossier\nbase_url: /local/\n", encoding="utf-8")
    loaded, _ = config.load(tmp_path)
    assert loaded is not None
    assert loaded.settings.base_url == "/local/"
    assert loaded.overrides == config.Overrides(base_url=None, drafts=False)


@pytest.mark.parametrize("value", ["ftp://x", "notaurl", "//evil.example/", "https://example.org/a b/"])
def test_a_bad_base_url_override_is_refused_as_it_is_made(value: str) -> None:
    with pytest.raises(UsageError) as refused:
        config.Overrides(base_url=value)
    assert str(refused.value).startswith(f"--base-url: '{value}' is not a base URL")


def test_overrides_are_checked_without_loading_yaml() -> None:
    """A build with nothing to do checks its overrides, and must not pay for the YAML reader."""
    code = (
        "import sys; from dossier import config; config.Overrides(base_url='/x/', drafts=True); "
        "print(sorted(m for m in ('yaml', 'dossier.source.fields', 'dossier.model') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_publisher_is_a_name_with_a_url_and_a_logo(tmp_path: Path) -> None:
    text = "title: D\npublisher:\n  name: Le Quotidien\n  url: https://lequotidien.example/\n  logo: /static/logo.png\n"
    loaded, problems = load(tmp_path, text)
    assert problems == [] and loaded is not None
    expected = config.Publisher("Le Quotidien", "https://lequotidien.example/", "/static/logo.png")
    assert loaded.settings.publisher == expected
    assert load(tmp_path, "title: D\npublisher: {name: Le Quotidien}\n")[0] is not None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Le Quotidien", "'publisher': the publisher is a mapping with name"),
        ("{url: https://x.example/}", "'publisher': a publisher without its name"),
        ("{name: Q, site: https://x.example/}", "'publisher': unknown key 'site' in a publisher"),
        ("{name: Q, url: lequotidien.example}", "'publisher': the publisher's url 'lequotidien.example' is not an"),
        ("{name: Q, logo: logo.png}", "'publisher': the publisher's logo 'logo.png' is no URL and no path on the site"),
    ],
)
def test_a_publisher_that_cannot_be_used_is_said_at_its_line(tmp_path: Path, value: str, message: str) -> None:
    loaded, problems = load(tmp_path, f"title: D\npublisher: {value}\n")
    assert loaded is None and len(problems) == 1
    assert problems[0].startswith(f"site.yml:2: error: {message}") and "(hint: " in problems[0]


def test_the_editorial_team_is_a_name_and_a_page(tmp_path: Path) -> None:
    loaded, problems = load(tmp_path, "title: D\neditors: {name: La rédaction, url: https://example.org/equipe}\n")
    assert problems == [] and loaded is not None
    assert loaded.settings.team == config.Editors("La rédaction", "https://example.org/equipe")
    loaded, _ = load(tmp_path, "title: D\neditors:\n  name: La rédaction\n  url: /a-propos/\n")
    assert loaded is not None and loaded.settings.team == config.Editors("La rédaction", "/a-propos/")
    loaded, _ = load(tmp_path, "title: D\nauthor: Rédaction\n")  # no editors: the author, by name alone
    assert loaded is not None and loaded.settings.team == config.Editors("Rédaction")
    loaded, _ = load(tmp_path, "title: D\n")
    assert loaded is not None and loaded.settings.team is None


def test_a_bad_editorial_team_is_said_at_its_line(tmp_path: Path) -> None:
    hint = "(hint: e.g. editors: {name: La rédaction, url: https://example.org/redaction/})"
    cases = {
        "editors: La rédaction": f"'editors': expected a mapping with a name and an optional url {hint}",
        "editors: {nme: La rédaction}": "'editors': unknown key 'nme' in editors (hint: did you mean 'name'?)",
        "editors: {url: /equipe/}": f"'editors': editors without a name {hint}",
        "editors: {name: R, url: 'ftp://x/'}": (
            "'editors': editors' url 'ftp://x/' is not an address"
            " (hint: an https:// address or a path of the site, e.g. /a-propos/)"
        ),
    }
    for line, message in cases.items():
        _, problems = load(tmp_path, f"title: D\n{line}\n")
        assert problems == [f"site.yml:2: error: {message}"], line


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("fr_XX", "a language tag such as fr, en or en-GB"),
        ("francais", "did you mean 'fr'?"),
        ("en_GB", "did you mean 'en-GB'?"),
    ],
)
def test_a_language_dossier_does_not_know_is_said_at_its_line_with_the_one_meant(
    tmp_path: Path, value: str, hint: str
) -> None:
    loaded, problems = load(tmp_path, f"title: D\nlanguage: {value}\n")
    assert loaded is None
    assert problems == [f"site.yml:2: error: 'language': '{value}' is not a language tag dossier knows (hint: {hint})"]


def test_every_problem_of_the_publisher_and_the_editors_is_said_at_once_each_at_its_line(tmp_path: Path) -> None:
    text = (
        "title: D\n"
        "publisher:\n"
        "  name: Le Quotidien\n"
        "  url: lequotidien.example\n"
        "  logo: logo.png\n"
        "  site: https://x.example/\n"
        "editors:\n"
        "  nme: La rédaction\n"
        "  url: 'ftp://x/'\n"
    )
    loaded, problems = load(tmp_path, text)
    assert loaded is None
    assert [p.partition(" (hint: ")[0] for p in problems] == [
        "site.yml:4: error: 'publisher': the publisher's url 'lequotidien.example' is not an absolute URL",
        "site.yml:5: error: 'publisher': the publisher's logo 'logo.png' is no URL and no path on the site",
        "site.yml:6: error: 'publisher': unknown key 'site' in a publisher",
        "site.yml:8: error: 'editors': unknown key 'nme' in editors",
        "site.yml:9: error: 'editors': editors' url 'ftp://x/' is not an address",
    ]


@pytest.mark.parametrize(
    ("intro", "line"),
    [
        ('intro: "Voir [x](content/articles/nulle-part.md)."\n', 2),  # on the key's line
        ("intro: |\n  Bonjour.\n\n  Voir [x](content/articles/nulle-part.md).\n", 5),  # a block: from the next line
        ("intro: |\n\n  Voir [x](content/articles/nulle-part.md).\n", 4),  # its blank first line counted
    ],
)
def test_a_problem_of_the_intro_s_markdown_is_said_at_its_own_line(
    tree: Callable[..., Path], run: Callable[..., Run], intro: str, line: int
) -> None:
    root = tree({"site.yml": "title: D\n" + intro})
    assert [e.partition(": error: ")[0] for e in run("check", "--root", root).errors] == [f"site.yml:{line}"]


def test_a_key_given_twice_or_a_name_given_empty_in_a_mapping_is_said_at_its_line(tmp_path: Path) -> None:
    text = (
        "title: D\n"
        "publisher:\n"
        '  url: "https://x.example/"\n'
        '  name: ""\n'
        '  url: "https://y.example/"\n'
        "editors:\n"
        "  name: La rédaction\n"
        "  name: L'équipe\n"
    )
    loaded, problems = load(tmp_path, text)
    assert loaded is None
    assert sorted(p.partition(" (hint: ")[0] for p in problems) == [  # sorted by line, as a command says them
        "site.yml:4: error: 'publisher': a publisher without its name",
        "site.yml:5: error: 'publisher': duplicated key 'url'",
        "site.yml:8: error: 'editors': duplicated key 'name'",
    ]
