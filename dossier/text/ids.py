"""Ids from content, made unique on every page.

A document's ids (a footnote's ``fn:1`` and ``fnref:1``, an attribute list's ``{#id}``, a raw
``id=""`` the sanitizer keeps) are prefixed with the document's own namespace,
``<kind>_<slug>_`` (``note_isis_fn:1``), and the links inside the document to them follow.
Slugs never hold ``_`` and the templates' own ids (``note-1``, ``passage-1``, ``main``,
``event-x``) never do, so a prefixed id cannot be another document's nor the page's. A
document written twice on one page (a note as a card and in the end notes) is written the
second time under another kind (:func:`rename`). Within a document, an empty id, one with a
space (both invalid in HTML) and a repeated one are dropped.

The HTML is the sanitizer's output (nh3 writes every attribute as ``name="value"``, with ``"``
escaped inside), so a tag is recognised exactly; text never holds a raw ``<``.
"""

from __future__ import annotations

import re

_TAG = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>"]+(?:="[^"]*")?)*\s*/?>')
_ATTRIBUTE = re.compile(r'(\s)(id|href|headers)="([^"]*)"')
_INVALID = re.compile(r"^$|\s")


def prefix(kind: str, slug: str) -> str:
    """The namespace of a document's ids: ``note_isis_``."""
    return f"{kind}_{slug}_"


def _defined(html: str) -> set[str]:
    return {
        found.group(3)
        for tag in _TAG.finditer(html)
        for found in _ATTRIBUTE.finditer(tag.group())
        if found.group(2) == "id"
    }


def namespace(html: str, namespace: str) -> str:
    """``html`` with its ids, and its links to them, under ``namespace``."""
    if ' id="' not in html:
        return html
    defined = _defined(html)
    seen: set[str] = set()

    def attribute(found: re.Match[str]) -> str:
        space, name, value = found.groups()
        if name == "id":
            if _INVALID.search(value) or value in seen:
                return ""
            seen.add(value)
            return f'{space}id="{namespace}{value}"'
        if name == "href":
            if value.startswith("#") and value[1:] in defined:
                return f'{space}href="#{namespace}{value[1:]}"'
            return found.group()
        cells = " ".join(namespace + cell if cell in defined else cell for cell in value.split())
        return f'{space}headers="{cells}"'

    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group()), html)


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
