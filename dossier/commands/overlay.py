"""The texts of the live preview's error overlay, in the site's language.

When a rebuild fails, ``serve`` shows the diagnostics over every open page (``dev/dev.js``),
under a title and a note taken from the theme's UI strings (``dev_failed``, ``dev_errors``,
``dev_warnings``, ``dev_last_good``), counted in the language's plural forms. The
diagnostics themselves stay as the terminal prints them. Before any UI strings could be read
(a broken ``site.yml`` or strings file on the first build), the texts are English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dossier.errors import Diagnostic, DossierError, Severity
from dossier.publish.i18n import Strings


@dataclass(frozen=True)
class Texts:
    language: str
    title: str  # "Build failed: 2 errors, 1 warning"
    note: str  # what the page under the overlay is, and what to do


def _english(errors: int, warnings: int) -> Texts:
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    note = "The page below is the last good build. Fix the file and save: this page reloads by itself."
    return Texts("en", "Build failed: " + ", ".join(parts), note)


def texts(strings: Strings | None, problems: Sequence[Diagnostic]) -> Texts:
    """The overlay's title and note for a failed build with ``problems``, in the strings' language."""
    errors = sum(1 for d in problems if d.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if strings is None:
        return _english(errors, warnings)
    try:
        parts = [strings.get("dev_errors", count=errors)]
        if warnings:
            parts.append(strings.get("dev_warnings", count=warnings))
        title = strings.get("dev_failed", problems=", ".join(parts))
        return Texts(strings.language, title, strings.get("dev_last_good"))
    except DossierError:  # a theme's strings without the overlay's: the build reports nothing about them
        return _english(errors, warnings)
