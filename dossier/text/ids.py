"""Ids from content, made unique on every page.

A document's ids (a footnote's ``fn:1`` and ``fnref:1``, an attribute list's ``{#id}``, a raw
``id=""`` the sanitizer keeps) are prefixed with the document's own namespace,
``<kind>_<slug>_`` (``note_isis_fn:1``), and the links inside the document to them follow.
Slugs never hold ``_`` and the templates' own ids (``note-1``, ``passage-1``, ``main``,
``event-x``) never do, so a prefixed id cannot be another document's nor the page's. A
document written twice on one page (a note as a card and in the end notes) is written the
second time under another kind (:func:`rename`). Within a document, an empty id, one with a
space (both invalid in HTML) and a repeated one are dropped.

The headings of a page's own text (an article's, a topic's, a free page's) are the exception:
their ids (:mod:`dossier.text.headings`: slugs, never ``_``, never a template's) stay as they
are, for links to name them (``/a-propos/#methode``).

The HTML is the sanitizer's output (nh3 writes every attribute as ``name="value"``, with ``"``
escaped inside), so a tag is recognised exactly; text never holds a raw ``<``.
"""

from __future__ import annotations

import re

from dossier.text import headings

_TAG = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>"]+(?:="[^"]*")?)*\s*/?>')
_ATTRIBUTE = re.compile(r'(\s)(id|href|headers)="([^"]*)"')
_INVALID = re.compile(r"^$|\s")


def prefix(kind: str, slug: str) -> str:
    """The namespace of a document's ids: ``note_isis_``."""
    return f"{kind}_{slug}_"


_HEADING = re.compile(r"<h[1-6][\s/>]", re.IGNORECASE)


def _defined(html: str) -> set[str]:
    return {
        found.group(3)
        for tag in _TAG.finditer(html)
        for found in _ATTRIBUTE.finditer(tag.group())
        if found.group(2) == "id"
    }


def _bare(html: str) -> set[str]:
    """The ids of the headings of ``html`` that stay as they are (:func:`dossier.text.headings.bare`)."""
    return {
        found.group(3)
        for tag in _TAG.finditer(html)
        if _HEADING.match(tag.group())
        for found in _ATTRIBUTE.finditer(tag.group())
        if found.group(2) == "id" and headings.bare(found.group(3))
    }


class _Namespacer:
    """Rewrites the ids of one document, and its links to them, tag by tag."""

    def __init__(self, html: str, namespace: str, own: bool) -> None:
        self.namespace = namespace
        self.defined = _defined(html)
        self.bare = _bare(html) if own else set()
        self.seen: set[str] = set()

    def tag(self, found: re.Match[str]) -> str:
        heading = bool(self.bare) and bool(_HEADING.match(found.group()))
        return _ATTRIBUTE.sub(lambda attribute: self.attribute(attribute, heading), found.group())

    def attribute(self, found: re.Match[str], heading: bool) -> str:
        space, name, value = found.groups()
        if name == "id":
            if _INVALID.search(value):
                return ""
            made = value if heading and value in self.bare else self.namespace + value
            if made in self.seen:
                return ""
            self.seen.add(made)
            return f'{space}id="{made}"'
        if name == "href":
            target = value[1:]
            if value.startswith("#") and target in self.defined and target not in self.bare:
                return f'{space}href="#{self.namespace}{target}"'
            return found.group()
        cells = " ".join(self.namespace + cell if cell in self.defined else cell for cell in value.split())
        return f'{space}headers="{cells}"'


def namespace(html: str, namespace: str, own: bool = False) -> str:
    """``html`` with its ids, and its links to them, under ``namespace``; with ``own`` (the text
    of the page it is on: an article's, a topic's, a free page's), its headings' ids stay as they
    are when they can (:func:`dossier.text.headings.bare`)."""
    if ' id="' not in html:
        return html
    return _TAG.sub(_Namespacer(html, namespace, own).tag, html)


def rename(html: str, old: str, new: str) -> str:
    """``html`` whose ids were put under namespace ``old`` by :func:`namespace`, under ``new``."""
    if f' id="{old}' not in html:
        return html

    def attribute(found: re.Match[str]) -> str:
        space, name, value = found.groups()
        mark = "#" if name == "href" else ""
        if name == "headers":
            cells = " ".join(new + cell[len(old) :] if cell.startswith(old) else cell for cell in value.split())
            return f'{space}headers="{cells}"'
        if value.startswith(mark + old):
            return f'{space}{name}="{mark}{new}{value[len(mark) + len(old) :]}"'
        return found.group()

    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group()), html)
