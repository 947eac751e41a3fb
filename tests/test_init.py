"""``dossier init DIR``: a new dossier that builds at once, or a clear refusal with nothing written.

The commands are typed as a user types them, as processes, from the folder, with relative
paths (``tests/test_wheel.py`` does it again with the installed wheel, outside the repository).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from sitecheck import broken_links

from dossier import __version__, config
from dossier.commands import init
from dossier.errors import ContentErrors

FILES = [
    ".github/workflows/pages.yml",
    ".gitignore",
    "README.md",
    "content/annotations/premier-projet-abandonne.md",
    "content/articles/passerelle-sur-la-doce.md",
    "content/pages/a-propos.md",
    "content/timeline/abandon-du-premier-projet.md",
    "content/topics/amenagement.md",
    "requirements.txt",
    "seeds/exemple-depeche.txt",
    "site.yml",
]


DOSSIER = Path(sys.executable).parent / "dossier"  # the console script of `pip install -e .`


def dossier(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``dossier ...`` typed in ``cwd``: the console script, importing this checkout's package."""
    words = shlex.split(command)
    assert words[0] == "dossier", command
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = str(REPO)  # before the editable install's finder: this checkout's code
    done = subprocess.run([DOSSIER, *words[1:]], cwd=cwd, env=env, capture_output=True, text=True)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_new_french_dossier_builds_at_once_with_one_example_of_each_kind(tmp_path: Path) -> None:
    done = dossier('dossier init mon-dossier --title "Passerelle : le dossier"', tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "mon-dossier: a new dossier, 11 files: site.yml, content/ (one example of each kind), seeds/, README.md,"
        " requirements.txt, .github/workflows/pages.yml",
        "next: cd mon-dossier && dossier serve  (README.md: the everyday commands, publishing, upgrading)",
    ]
    root = tmp_path / "mon-dossier"
    assert files(root) == FILES
    assert [p.name for p in tmp_path.iterdir()] == ["mon-dossier"]  # no staging folder left
    loaded, problems = config.load(root)
    assert problems == [] and loaded is not None
    assert (loaded.settings.title, loaded.settings.language, loaded.settings.base_url) == (
        "Passerelle : le dossier",
        "fr",
        "/",
    )
    assert f"dossier-ssg=={__version__}" in (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    checked = dossier("dossier check", root)
    assert (checked.returncode, checked.stderr) == (0, "")
    built = dossier("dossier build --base-url https://example.org/x/", root)
    assert built.returncode == 0, built.stderr
    assert broken_links(root / "_site", "/x/") == []
    article = (root / "_site" / "articles" / "passerelle-sur-la-doce" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Villedoc vote la construction d&#39;une passerelle sur la Doce</h1>" in article
    assert "Une note de la rédaction, ancrée à ce passage" in article  # the note, anchored in the example's text
    passage = '<mark class="passage" id="passage-1" data-note="1">un premier projet avait été abandonné en 2014'
    assert passage in article
    text = (root / "content" / "articles" / "passerelle-sur-la-doce.md").read_text(encoding="utf-8")
    assert "draft" not in text and "provisional" not in text  # published, its fields the example's
    assert "seed_sha256: " in text and "seed: seeds/exemple-depeche.txt" in text  # imported from the seed
    topic = (root / "_site" / "topics" / "amenagement" / "index.html").read_text(encoding="utf-8")
    assert "Abandon du premier projet de passerelle" in topic  # the event, under its topic


def test_an_english_dossier_has_english_examples_and_interface(tmp_path: Path) -> None:
    done = dossier("dossier init my-dossier --language en --base-url https://example.org/news/", tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "my-dossier"
    assert "seeds/example-dispatch.txt" in files(root)
    settings = yaml.safe_load((root / "site.yml").read_text(encoding="utf-8"))
    assert (settings["title"], settings["language"], settings["base_url"]) == (
        "My dossier",
        "en",
        "https://example.org/news/",
    )
    assert "## Everyday commands" in (root / "README.md").read_text(encoding="utf-8")
    built = dossier("dossier build", root)
    assert built.returncode == 0, built.stderr
    home = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in home and "My dossier" in home
    about = (root / "_site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "About this dossier" in about


def test_init_in_the_current_folder_that_holds_only_a_repository_and_a_venv(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".venv").mkdir()
    done = dossier("dossier init .", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("next: dossier serve")
    assert files(tmp_path) == sorted([*FILES, ".git/HEAD"])
    assert (tmp_path / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


def test_a_folder_that_holds_anything_else_is_refused_with_nothing_written(tmp_path: Path) -> None:
    folder = tmp_path / "mon-dossier"
    folder.mkdir()
    (folder / "notes.txt").write_text("mes notes\n")
    done = dossier("dossier init mon-dossier", tmp_path)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = (
        "error: mon-dossier: not empty: holds notes.txt (hint: give a new folder, or an empty one"
        " (it may hold .git and .venv): nothing of yours is replaced)"
    )
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (1, "", [line])
    assert " ".join(line.removeprefix("error: ").replace("mon-dossier", "DIR").split()) in " ".join(readme.split())
    assert files(folder) == ["notes.txt"] and [p.name for p in tmp_path.iterdir()] == ["mon-dossier"]


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("dossier init taken", 1, "error: taken: not a folder (hint: give the name of a new folder)"),
        (
            "dossier init nowhere/new",
            1,
            "error: nowhere: no such folder (hint: create it first, or give another place)",
        ),
        ("dossier init taken/new", 1, "error: taken: not a folder (hint: give a place inside a folder)"),
        ("dossier init new --base-url 'a b'", 2, "error: --base-url: 'a b' is not a base URL: it holds a space"),
        ("dossier init new --title ''", 2, "error: --title: "),
    ],
)
def test_mistakes_are_one_line_and_write_nothing(tmp_path: Path, command: str, code: int, message: str) -> None:
    (tmp_path / "taken").write_text("a file\n")
    done = dossier(command, tmp_path)
    assert done.returncode == code
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_the_language_is_fr_or_en(tmp_path: Path) -> None:
    done = dossier("dossier init new --language de", tmp_path)
    assert done.returncode == 2 and "invalid choice: 'de'" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_example_note_goes_through_the_checks_of_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A note whose quote is not in the example's article is refused as ``new`` refuses it:
    the error at its path and line, and nothing left, neither the folder nor its staging."""
    real = init.Example.of("fr")
    wrong = {**real.note, "quote": "une phrase que la dépêche ne contient pas"}
    monkeypatch.setattr(
        init.Example, "of", classmethod(lambda cls, language: init.Example(**{**vars(real), "note": wrong}))
    )
    with pytest.raises(ContentErrors) as caught:
        init.run(tmp_path / "mon-dossier")
    [problem] = caught.value.diagnostics
    assert problem.location.path == "content/annotations/premier-projet-abandonne.md"
    assert "quote" in problem.format()
    assert list(tmp_path.iterdir()) == []


def test_every_language_has_the_same_example_fields_and_its_own_files() -> None:
    shapes = {}
    for language in init.LANGUAGES:
        example = init.Example.of(language)
        shapes[language] = {
            name: sorted(value) if isinstance(value, dict) else "" for name, value in vars(example).items()
        }
        starter = REPO / "dossier" / "starter" / language
        assert sorted(p.name for p in starter.iterdir()) == ["README.md", "example.yml", "seed.txt", "site.yml"]
        assert example.note["quote"] in (starter / "seed.txt").read_text(encoding="utf-8")
    assert shapes["fr"] == shapes["en"]


def test_the_editors_readme_names_only_real_commands() -> None:
    for language in init.LANGUAGES:
        readme = (REPO / "dossier" / "starter" / language / "README.md").read_text(encoding="utf-8")
        used = set(re.findall(r"`dossier ([a-z]+)", readme))
        assert used and used <= {"serve", "import", "new", "check", "build"}, used


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from dossier.errors import DossierError

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(init, "_write", full)
    with pytest.raises(DossierError) as caught:
        init.run(tmp_path / "mon-dossier")
    assert str(caught.value).endswith("mon-dossier: cannot write the new dossier: No space left on device")
    assert list(tmp_path.iterdir()) == []  # not even the folder it made


def test_a_place_that_cannot_be_read_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from dossier.errors import DossierError

    def refused(*args: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(init, "_refuse_taken", refused)  # a folder on the way that may not be looked into
    with pytest.raises(DossierError) as caught:
        init.run(tmp_path / "q" / "new")
    assert str(caught.value).endswith("new: cannot read this folder: Permission denied (hint: check its owner and"
                                      " permissions, or give another place)")  # fmt: skip
