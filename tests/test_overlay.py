"""The live preview's error overlay speaks the site's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

from dossier.commands import overlay
from dossier.commands.serve import DEV_FOLDER, DevServer
from dossier.errors import Diagnostic, Location, Severity
from dossier.publish import i18n

THEME = REPO / "dossier" / "themes" / "default"
HERE = Location("content/articles/a.md", 3)
TWO_ERRORS_ONE_WARNING = [
    Diagnostic(HERE, "one"),
    Diagnostic(HERE, "two"),
    Diagnostic(HERE, "three", severity=Severity.WARNING),
]


@pytest.mark.parametrize(
    ("language", "problems", "title"),
    [
        ("fr", TWO_ERRORS_ONE_WARNING, "La construction a échoué\u00a0: 2 erreurs, 1 avertissement"),
        ("fr", TWO_ERRORS_ONE_WARNING[:1], "La construction a échoué\u00a0: 1 erreur"),
        ("en", TWO_ERRORS_ONE_WARNING, "Build failed: 2 errors, 1 warning"),
        ("en", TWO_ERRORS_ONE_WARNING[:1], "Build failed: 1 error"),
    ],
)
def test_the_texts_come_from_the_theme_strings(language: str, problems: list[Diagnostic], title: str) -> None:
    strings = i18n.load(THEME, language, REPO)
    texts = overlay.texts(strings, problems)
    assert (texts.language, texts.title, texts.note) == (language, title, strings.get("dev_last_good"))


def test_before_any_strings_could_be_read_the_texts_are_english() -> None:
    texts = overlay.texts(None, TWO_ERRORS_ONE_WARNING[:1])
    assert (texts.language, texts.title) == ("en", "Build failed: 1 error")


BROKEN = "---\ntitle: [\n---\nTexte.\n"


@pytest.mark.parametrize(
    ("language", "title"),
    [("fr", "La construction a échoué\u00a0: 1 erreur"), ("en", "Build failed: 1 error")],
)
def test_a_failed_rebuild_tells_the_pages_in_the_site_language(
    tree: Callable[..., Path], language: str, title: str
) -> None:
    """status.json (read by dev/dev.js) and the page shown when no build ever succeeded."""
    root = tree({"site.yml": f'title: "Dossier"\nlanguage: {language}\nbase_url: /\n', "content/articles/b.md": BROKEN})
    server = DevServer(root, "127.0.0.1", 8000, log=lambda line: None)
    assert not server.rebuild()
    folder = server.out / DEV_FOLDER
    status = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    assert (status["ok"], status["language"], status["title"]) == (False, language, title)
    assert status["note"] == i18n.load(THEME, language, REPO).get("dev_last_good")
    page = (server.out / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page and f"<h1>{title}</h1>" in page
    script = (folder / "dev.js").read_text(encoding="utf-8")
    assert "status.title" in script and "status.note" in script and "Build failed" not in script
