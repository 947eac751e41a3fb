"""Markdown → safe HTML, one converter reused for every document.

Every conversion goes through the sanitizer (:mod:`dossier.source.sanitize`): there is no way to
get unsanitized HTML out of this module. :meth:`Markdown.render` also says what was removed,
at which line of the text, so that the link phase can warn the editor at the right place.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension, extra, toc

from dossier.errors import Diagnostic, Location, Severity
from dossier.source import sanitize
from dossier.text import characters, headings

EXTENSIONS = (*extra.extensions, "sane_lists")  # Markdown Extra's parts, and lists as written
BACKLINK = "Jump back to footnote {number} in the text"  # Python-Markdown's own back-link title


def _backlink(title: str) -> str:
    """A UI string with ``{number}`` as Python-Markdown's ``BACKLINK_TITLE`` (``{}``, other braces doubled)."""
    return "{}".join(part.replace("{", "{{").replace("}", "}}") for part in title.split("{number}"))


def extensions(backlink: str = BACKLINK) -> list[Extension]:
    """The extensions, made here: named, Python-Markdown would look each name up among every
    installed package's entry points, a scan that costs more than the conversion of a note.

    ``backlink`` is the title of a footnote's link back to the text (``{number}``: the footnote's).
    """
    settings = {"footnotes": {"BACKLINK_TITLE": _backlink(backlink)}}
    return [
        importlib.import_module(f"markdown.extensions.{name}").makeExtension(**settings.get(name, {}))
        for name in EXTENSIONS
    ]


class _HeadingIds(toc.TocTreeprocessor):
    """Python-Markdown's ``toc``, run on a text with headings only: most texts (notes) have none,
    and it would make their (unused) table of contents all the same."""

    def run(self, doc: Element) -> None:
        if any(isinstance(el.tag, str) and self.header_rgx.match(el.tag) for el in doc.iter()):
            super().run(doc)


class _Headings(toc.TocExtension):
    """Every heading gets an id (:mod:`dossier.text.headings`); no ``[TOC]`` marker, no permalink:
    the text stays as written."""

    TreeProcessorClass = _HeadingIds


TOO_DEEP = "the Markdown converter cannot follow this text: it nests or chains too many structures"
TOO_DEEP_HINT = "split long definition lists, lists and quotes with paragraphs of text"


@dataclass(frozen=True)
class Removed:
    """Something the sanitizer took out: its line in the Markdown text (1-based) and what it was;
    or, with ``error``, a character no output may carry (:mod:`dossier.text.characters`)."""

    line: int
    message: str
    unsafe: bool
    error: bool = False
    hint: str = ""  # for an error: what to do (the default speaks of a forbidden character)

    def diagnostic(self, body: Location) -> Diagnostic:
        """The warning (or error) for a text whose first line is ``body``."""
        where = Location(body.path, max(body.line, 1) + self.line - 1)
        if self.error:
            return Diagnostic(where, self.message, self.hint or "remove it: feeds and pages cannot carry it")
        if self.unsafe:
            message, hint = f"unsafe HTML removed: {self.message}", "content cannot run scripts"
        else:
            message, hint = f"HTML removed: {self.message}", "only plain layout HTML is kept"
        return Diagnostic(where, message, hint, Severity.WARNING)


@dataclass(frozen=True)
class Converted:
    """A document's sanitized HTML and what the sanitizer removed from it."""

    html: str
    removed: tuple[Removed, ...] = ()

    def warnings(self, body: Location) -> list[Diagnostic]:
        """One warning per removal (an error per forbidden character), for a text whose first line is at ``body``."""
        return [r.diagnostic(body) for r in self.removed]


def _line_of(text: str, needles: tuple[str, ...], cursor: int) -> tuple[int, int]:
    """The 1-based line of the first needle found from ``cursor`` (then from the start), and its offset."""
    for start in (cursor, 0):
        for needle in needles:
            found = re.compile(re.escape(needle), re.IGNORECASE).search(text, start)
            if found:
                return text.count("\n", 0, found.start()) + 1, found.start()
    return text.count("\n", 0, cursor) + 1, cursor


class Markdown:
    """A reusable converter (Python-Markdown instances are cheap to reset, costly to build).

    ``backlink`` is the title of a footnote's link back to the text, in the site's language
    (the theme's ``footnote_back``; ``{number}`` is the footnote's number).
    """

    def __init__(self, backlink: str = BACKLINK) -> None:
        self._slugs = headings.Slugs()
        self._extensions = [*extensions(backlink), _Headings(marker="", slugify=self._slugs)]
        self._md = markdown.Markdown(extensions=self._extensions, output_format="html")

    def render(self, text: str) -> Converted:
        """Markdown → sanitized HTML, with every removal placed at its line of ``text``."""
        self._md.reset()
        self._slugs.reset(text)
        try:
            raw = self._md.convert(text)
        except RecursionError:  # a structure the limits let through but the converter recurses on
            self._md = markdown.Markdown(extensions=self._extensions, output_format="html")  # its state is torn
            return Converted("", (Removed(1, TOO_DEEP, False, error=True, hint=TOO_DEEP_HINT),))
        html = sanitize.clean(raw)
        found = sanitize.removals(raw, html)
        forbidden = characters.find(text, html)
        if not found and not forbidden:
            return Converted(html)
        removed = [Removed(f.line, f.message, False, error=True) for f in forbidden]
        cursor = 0
        for removal in found:
            line, cursor = _line_of(text, removal.needles, cursor)
            removed.append(Removed(line, removal.message, removal.unsafe))
        return Converted(html, tuple(removed))

    def convert(self, text: str) -> str:
        """Markdown → sanitized HTML."""
        return self.render(text).html
