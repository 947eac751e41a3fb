"""A dossier project on disk: the names of its files and folders, each said once here.

This module imports nothing of the package (only ``os`` and ``sys``, loaded by every Python process), so
that the lightest modules (the lock, the resume of a build) may name a project's files without
loading the rest of the package.
"""

from __future__ import annotations

import os
import sys

SETTINGS_FILE = "site.yml"  # the project's settings; a folder that has one is a dossier project
CONTENT = "content"  # the content, one folder per kind (CONTENT_FOLDERS)
THEMES = "themes"  # themes/<name>/, each with templates/, static/ and i18n/
PACKAGED_THEMES = os.path.join(os.path.dirname(os.path.realpath(__file__)), THEMES)
"""The themes that ship in the package (``default``): a theme's name is looked up in the
project's ``themes/`` first, then here."""
TEMPLATES = "templates"  # the project's own templates, which override the theme's; and a theme's
STATIC = "static"  # the project's own static files, published under /static/ over the theme's; and a theme's
SEEDS = "seeds"  # the agency dispatches that articles are imported from
CACHE = ".dossier-cache"  # what the commands keep between runs: the build's memory, the locks, the preview
OUTPUT = "_site"  # where the site is written unless the command line says otherwise

ARTICLES = "articles"
ANNOTATIONS = "annotations"
TIMELINE = "timeline"
TOPICS = "topics"
PAGES = "pages"
CONTENT_FOLDERS = (ARTICLES, ANNOTATIONS, TIMELINE, TOPICS, PAGES)  # in content/: one per kind, in order
MEDIA = "media"  # content/media/: the images every article may show (not a kind: no Markdown in it)

SOURCES = (CONTENT, THEMES, SEEDS, TEMPLATES, STATIC, CACHE)
"""The folders a build reads or keeps (besides the settings file): no build may write into them."""


def command() -> str:
    """The program as the editor runs it, for the hints that give a command to type: ``python
    build.py`` from a project that has that script (the demonstration dossier), ``python -m dossier``,
    or the installed ``dossier`` (a project made by ``dossier init``)."""
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) == "build.py":
        return "python build.py"
    if os.path.basename(program) == "__main__.py" and os.path.dirname(program) == os.path.dirname(__file__):
        return "python -m dossier"
    return "dossier"
