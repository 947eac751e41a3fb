"""The allowlist every rendered Markdown document goes through, and a report of what it removed.

Markdown may carry raw HTML for layout, so the HTML that Python-Markdown produces is passed
through nh3 (the Rust *ammonia* sanitizer, which parses it as a browser would) with an
allowlist of tags, attributes, URL schemes and style properties. Whatever is not on the list
goes: ``<script>``, ``<iframe>``, ``<object>`` and the like with their content, ``on*``
handlers, ``javascript:``/``data:`` URLs, styles with ``url()`` or ``expression()``, images
from other sites. Text is never lost: an element that is not allowed but harmless (``<font>``)
keeps its text.

nh3 does not say what it removed, so :func:`removals` reads the same HTML with the same
tables and lists every removal, with words to find it in the Markdown source by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
    ]
)
"""Elements kept (everything Python-Markdown's ``extra`` produces, and plain layout)."""

DROPPED_WITH_CONTENT = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "svg",
        "math",
        "textarea",
        "select",
        "xmp",
        "plaintext",
        "title",
        "canvas",
    ]
)
"""Elements removed together with everything inside them."""

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "style"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope", "abbr"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
    "details": frozenset({"open"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

STYLE_PROPERTIES = frozenset(
    [
        "text-align",
        "vertical-align",
        "font-weight",
        "font-style",
        "text-decoration",
        "color",
        "background-color",
        "white-space",
        "width",
    ]
)
_STYLE_VALUE = re.compile(r"^[#\w\s.,%+-]+$")
_STYLE_DANGER = re.compile(r"expression|url\s*\(|javascript:|vbscript:|behavior|binding|@import|[\\<>]|/\*", re.I)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_VOID = frozenset({"embed", "frame", "plaintext"})


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = []
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if colon:
            pairs.append((name.strip().lower(), value.strip()))
        elif part.strip():
            pairs.append((part.strip().lower(), ""))
    return pairs


def clean_style(style: str) -> str | None:
    """The allowed declarations of a ``style`` attribute, or None to drop the attribute."""
    if _STYLE_DANGER.search(style):
        return None
    kept = [f"{n}: {v}" for n, v in _declarations(style) if n in STYLE_PROPERTIES and _STYLE_VALUE.match(v)]
    return "; ".join(kept) or None


def _scheme(url: str) -> str:
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", url))
    return match.group(1).lower() if match else ""


def is_site_url(url: str) -> bool:
    """A URL on this site: no scheme and no host (``//host``, or ``/\\host`` as browsers read it)."""
    url = _IGNORED_IN_URL.sub("", url).replace("\\", "/")
    return not _scheme(url) and not url.startswith("//")


def _filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return clean_style(value)
    if element == "img" and attribute == "src" and not is_site_url(value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={"*": set(GLOBAL_ATTRIBUTES), **{tag: set(names) for tag, names in ATTRIBUTES.items()}},
    attribute_filter=_filter,
    strip_comments=True,
    link_rel=None,
    url_schemes=set(URL_SCHEMES),
)


def clean(html: str) -> str:
    """The HTML with everything not on the allowlist removed (a fragment, serialized by nh3)."""
    return _CLEANER.clean(html)


def untouched(raw: str, cleaned: str) -> bool:
    """Whether :func:`clean` gave ``raw`` back as it was: then it removed nothing. nh3 writes
    a no-break space as ``&nbsp;``."""
    return len(cleaned) >= len(raw) and cleaned.replace("&nbsp;", "\xa0") == raw


@dataclass(frozen=True)
class Removal:
    """One thing the sanitizer takes out: what, whether it could run code, and how to find it."""

    message: str
    unsafe: bool
    needles: tuple[str, ...]  # texts to look for in the source, most precise first


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Removal] = []
        self.dropping: list[str] = []  # open elements removed with their content

    def _add(self, message: str, unsafe: bool, *needles: str) -> None:
        self.found.append(Removal(message, unsafe, tuple(n for n in needles if n)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self._add(f"<{tag}> element and its content", True, f"<{tag}")
            if tag not in _VOID:
                self.dropping.append(tag)
            return
        if tag not in TAGS:
            unsafe = any(name.startswith("on") for name, _ in attrs) or tag in ("base", "meta", "link", "form")
            self._add(f"<{tag}> tag (its text is kept)", unsafe, f"<{tag}")
            return
        allowed = GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, frozenset())
        for name, raw in attrs:
            self._attribute(tag, name, raw or "", allowed)

    def _attribute(self, tag: str, name: str, value: str, allowed: frozenset[str]) -> None:
        if name.startswith("on"):
            self._add(f"event handler '{name}' on <{tag}>", True, name, f"<{tag}")
        elif name not in allowed:
            self._add(f"attribute '{name}' on <{tag}>", False, name, f"<{tag}")
        elif name == "style":
            self._style(tag, value)
        elif name in URL_ATTRIBUTES:
            scheme = _scheme(value)
            if scheme and scheme not in URL_SCHEMES:
                self._add(f"{scheme}: URL in '{name}' of <{tag}>", True, value[:40], f"{scheme}:", name)
            elif tag == "img" and name == "src" and not is_site_url(value):
                self._add("image from another site (only the site's own images are shown)", False, value[:40])

    def _style(self, tag: str, value: str) -> None:
        if _STYLE_DANGER.search(value):
            self._add(f"style with url(), expression() or escapes on <{tag}>", True, value[:40], "style")
            return
        for name, declared in _declarations(value):
            if name not in STYLE_PROPERTIES or not _STYLE_VALUE.match(declared):
                self._add(f"style '{name}: {declared}' on <{tag}>", False, name, "style")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping and tag == self.dropping[-1]:
            self.dropping.pop()


def removals(html: str, cleaned: str | None = None) -> list[Removal]:
    """What :func:`clean` removes from ``html``, in document order (``cleaned``: what it gave,
    when already made; if that is ``html`` as it was, nothing was removed and nothing is scanned)."""
    if cleaned is not None and untouched(html, cleaned):
        return []
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
