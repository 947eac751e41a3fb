"""Images: a relative path to a file of ``content/media/`` resolved, checked, and written as a
responsive ``<picture>``.

An editor shows an image as in any Markdown editor, by its path from the file
(``![Carte des bases](../media/carte.png)``), and names one in front matter the same way
(an article's ``image``, an event's ``media``, a topic's ``image``). Each becomes a
``<picture>``: its widths in WebP, then in the original's format for the browsers without it,
with ``srcset``/``sizes``, ``width``/``height`` (the page keeps the image's room before it
loads: no layout shift) and lazy loading unless it is at the top of the page. An image that
is not in the library, and one without ``alt`` text, is an error at its line; a file of the
library that was refused (too large, animated, an SVG with a script...) has its own error, said
once at its path: its uses say nothing more.
"""

from __future__ import annotations

import html as htmlmod
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from dossier.errors import Diagnostic, Location
from dossier.link.links import Body
from dossier.model import Article, Event, ImageRef, Topic
from dossier.source.media import FOLDER, Library, MediaFile, Variant, variants
from dossier.text.didyoumean import did_you_mean

_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
_MENTION = re.compile(r"!\[|<img\b", re.IGNORECASE)
SIZES = "(min-width: 48rem) 40rem, 100vw"
"""How wide an image is shown: the text's column on a wide screen, the screen's width on a phone."""

MISSING_HINT = f"put the image in {FOLDER}/ and link it by its path from this file, e.g. ../media/carte.png"
ALT_HINT = "describe what the image shows for readers who cannot see it: ![Carte des bases](../media/carte.png)"


def mentions(text: str) -> bool:
    """Whether the Markdown ``text`` may show an image (a cheap, generous test)."""
    return bool(_MENTION.search(text))


def resolve(src: str, folder: str, library: Library) -> MediaFile | str | None:
    """The image ``src`` (written in a file of ``folder``) names, or the message saying it is
    missing; None for a file of the library that was refused (its own error says why)."""
    wanted = posixpath.normpath(posixpath.join(folder, unquote(src.partition("#")[0])))
    found = library.images.get(wanted)
    if found is not None:
        return found
    if wanted in library.refused:
        return None
    return f"image '{src}' not found: no file {wanted}"


def missing_hint(src: str, folder: str, media: Mapping[str, MediaFile]) -> str:
    """A "did you mean" among the library's images (as written from ``folder``), or how to show one."""
    return did_you_mean(src, sorted(posixpath.relpath(p, folder or ".") for p in media)) or MISSING_HINT


def _srcset(base: str, found: Iterable[Variant]) -> str:
    return ", ".join(f"{base}{v.path} {v.width}w" for v in found)


def picture(image: MediaFile, base: str, alt: str, eager: bool = False, title: str = "") -> str:
    """The markup of ``image`` under the base path ``base``, described by ``alt`` (plain text);
    ``eager``: at the top of the page, loaded at once; ``title``: a Markdown image's title
    (``![Carte](../media/carte.png "Les bases en 2024")``), the ``<img>``'s, as CommonMark gives it."""
    made = variants(image)
    largest = made[-1]
    loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
    text = f'alt="{htmlmod.escape(alt, quote=True)}"'
    if title:
        text += f' title="{htmlmod.escape(title, quote=True)}"'
    size = f'width="{largest.width}" height="{largest.height}"'
    if image.kind == "svg":
        return f'<img src="{base}{largest.path}" {text} {size} {loading} decoding="async">'
    modern = [v for v in made if v.suffix == "webp"]
    fallback = [v for v in made if v.suffix != "webp"]
    middle = fallback[min(1, len(fallback) - 1)]
    return (
        f'<picture><source type="image/webp" srcset="{_srcset(base, modern)}" sizes="{SIZES}">'
        f'<img src="{base}{middle.path}" srcset="{_srcset(base, fallback)}" sizes="{SIZES}" '
        f'{text} {size} {loading} decoding="async"></picture>'
    )


def _line(text: str, needle: str, cursor: int) -> tuple[int, int]:
    """The 1-based line of ``needle`` in ``text`` from ``cursor`` (then from the start), and its offset."""
    for start in (cursor, 0):
        found = text.find(needle, start) if needle else -1
        if found >= 0:
            return text.count("\n", 0, found) + 1, found
    return text.count("\n", 0, cursor) + 1, cursor


class Pictures:
    """Writes the images of bodies' HTML as ``<picture>`` under ``base``, collecting the errors
    and the images shown."""

    def __init__(self, library: Library, base: str) -> None:
        self.library, self.base = library, base
        self.problems: list[Diagnostic] = []
        self.found = False  # whether any body showed an image

    def rewrite(self, html: str, body: Body) -> str:
        return self.rewrite_all([html], body)[0] if "<img" in html else html

    def rewrite_all(self, pieces: Iterable[str], body: Body) -> list[str]:
        """Each piece of one body's HTML, in order, with its images written as pictures."""
        cursor = 0

        def one(tag: re.Match[str]) -> str:
            nonlocal cursor
            attributes = {name: htmlmod.unescape(value) for name, value in _ATTRIBUTE.findall(tag.group(0))}
            src, alt = attributes.get("src", ""), attributes.get("alt", "").strip()
            title = attributes.get("title", "").strip()
            if not src:  # another site's image, taken out by the sanitizer (which said so)
                return tag.group(0)
            self.found = True
            line, cursor = _line(body.text, src, cursor)
            where = Location(body.body.path, max(body.body.line, 1) + line - 1)
            found = resolve(src, body.folder, self.library)
            if not alt:
                self.problems.append(Diagnostic(where, f"image '{src}' has no alt text", ALT_HINT))
            if isinstance(found, str):
                self.problems.append(Diagnostic(where, found, missing_hint(src, body.folder, self.library.images)))
            return (
                tag.group(0) if found is None or isinstance(found, str) else picture(found, self.base, alt, title=title)
            )

        return [_IMG.sub(one, piece) if "<img" in piece else piece for piece in pieces]


@dataclass(frozen=True)
class Figure:
    """An image named in front matter, found in the library: what the page shows with it."""

    ref: ImageRef
    file: MediaFile


def figures(
    records: Iterable[tuple[str, Article | Event | Topic]], library: Library
) -> tuple[dict[tuple[str, str], Figure], list[Diagnostic]]:
    """The image of each record that names one (``(kind, slug)`` → figure: an article's and a
    topic's ``image``, an event's ``media``), each path resolved from the record's file; an image
    not in the library is an error at its field's line, one refused has its own error only."""
    found: dict[tuple[str, str], Figure] = {}
    problems: list[Diagnostic] = []
    for kind, record in records:
        field = "media" if isinstance(record, Event) else "image"
        ref = record.media if isinstance(record, Event) else record.image
        if ref is None:
            continue
        folder = posixpath.dirname(record.origin.path)
        image = resolve(ref.src, folder, library)
        if isinstance(image, str):
            where = record.origin.at(field)
            problems.append(Diagnostic(where, f"'{field}': {image}", missing_hint(ref.src, folder, library.images)))
        elif image is not None:
            found[(kind, record.slug)] = Figure(ref, image)
    return found, problems
