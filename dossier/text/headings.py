"""The ids of a text's headings: ``## Méthode de travail`` → ``id="methode-de-travail"``.

A heading's id is the slug of its text (:func:`dossier.text.slugs.slugify`: ASCII, accents
dropped), unique within the text (a second ``## Sources`` is ``sources-2``), and never an id
the page's template or the build writes (:data:`TEMPLATE_IDS`, ``note-3``, ``passage-3``...):
a heading that would take one gets a suffix (``## Contenu`` stays ``contenu``, ``## Content``
is ``content-2``). A heading whose text gives no slug (``## …``) is a ``section``.

On its own page (an article's, a topic's, a free page's), a heading keeps this id as it is,
for a link to name (``/a-propos/#methode-de-travail``): :func:`bare`. Every other id of a text
is namespaced (:mod:`dossier.text.ids`).
"""

from __future__ import annotations

import re

from dossier.text.slugs import is_slug, slugify

ON_EVERY_PAGE = frozenset({"content", "site-search-q"})
"""The ids of the frame every page is written in (``base.html``)."""

ON_PAGE = {
    "article": frozenset({"endnotes", "versions", "related"}),
    "topic": frozenset({"topic-articles", "topic-notes", "topic-events", "topic-years", "chart-title"}),
    "page": frozenset(),
}
"""The ids a page's template may write besides its text's, by the kind of record the page shows
(some of them only when the page has what they head: ``topic-events`` on a topic with events)."""

TEMPLATE_IDS = ON_EVERY_PAGE.union(
    *ON_PAGE.values(),
    {"latest", "teaser", "topics", "latest-articles", "article-years", "timeline-years", "timeline-topic"},
    {"search", "search-q"},
)
"""Every id the default theme's templates write literally (tests/test_headings.py checks them)."""

_NUMBERED = re.compile(r"^(?:note|endnote|passage|year)-[0-9]+$")  # the build's ids: note-3, year-2024...
FALLBACK = "section"
_WRITTEN = re.compile(r"""\bid\s*=\s*["']([^"'\s]+)["']|\{:?[^}\n]*?#([^\s}#.]+)[^}\n]*\}""")
"""An id written in a text: an HTML attribute, or Markdown's ``{#x}`` / ``{: #x .class}`` (attr_list)."""


def taken(value: str) -> bool:
    """Whether ``value`` is an id a template or the build may write on a page."""
    return value in TEMPLATE_IDS or bool(_NUMBERED.match(value))


def bare(value: str) -> bool:
    """Whether a heading's id ``value`` stays as it is on its page (a slug no template takes)."""
    return is_slug(value) and not taken(value)


class Slugs:
    """The ids of one text's headings, made one after another (Python-Markdown's ``toc``
    calls it with each heading's text); :meth:`reset` before the next text."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def reset(self, text: str = "") -> None:
        """Before the next ``text``: the ids its editor wrote (``<h2 id="x">``, ``{#x}``) are taken,
        so that a heading never gets one of them (Python-Markdown would add ``_1``, or the page's
        second ``id="x"`` would be dropped)."""
        self.used.clear()
        if "id" in text or "#" in text:
            self.used.update(found.group(1) or found.group(2) for found in _WRITTEN.finditer(text))

    def __call__(self, text: str, separator: str = "-") -> str:
        base = slugify(text) or FALLBACK
        slug, number = base, 1
        while slug in self.used or taken(slug):
            number += 1
            slug = f"{base}-{number}"
        self.used.add(slug)
        return slug
