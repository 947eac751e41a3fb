"""Internal links in Markdown bodies: resolved to their URL under ``base_url``, and checked.

An editor links as in any Markdown editor, so that GitHub's preview of the file follows the link
too: a relative path to a content file (``other-article.md``, ``../topics/irak.md#x``). A site
path (``/articles/slug/``, ``/timeline/#event-x``) is accepted as well. Each becomes the URL of
its page under the site's base path; a link to a file, a slug or an anchor the site does not have
is an error at the body's line, with a "did you mean". External links, links within the page
(``#x``) and other relative links are left as written.
"""

from __future__ import annotations

import html as htmlmod
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from dossier.errors import Diagnostic, Location
from dossier.project import CONTENT
from dossier.text.didyoumean import did_you_mean

_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ID = re.compile(r'\sid="([^"]*)"')
_CHECKED = re.compile(r"^(articles|topics)/([^/]+)/$")  # a record's page, checked against the records
# what a body that may hold an internal link contains: a Markdown link or reference to a site
# path, a .md file, or a raw HTML link to a site path
_MENTION = re.compile(r"\]\(\s*<?/|\]:\s*<?/|\.md\b|href\s*=\s*[\"']?/")

# What a site publishes at its root besides the pages of ``content/pages/`` (a link to anything
# else there is broken); tests/test_links.py checks it against a built site.
SECTIONS = frozenset({"articles", "topics", "timeline", "search", "static", "pagefind"})
FILES = frozenset({"feed.xml", "annotations.xml", "sitemap.xml", "robots.txt", "timeline.json", "404.html"})

FILE_HINT = "link to a file under content/ by its path from this file, as GitHub's preview follows it"
ANCHOR_HINT = "link to a note (#note-N), an event (#event-slug) or a heading of the page"


def base_path(base_url: str) -> str:
    """The path of ``base_url`` (``https://host/sub/`` → ``/sub/``), as the publish layer's ``Urls`` does."""
    return urlsplit(base_url).path or "/"


def mentions(text: str) -> bool:
    """Whether the Markdown ``text`` may hold an internal link (a cheap, generous test)."""
    return bool(_MENTION.search(text))


def page_ids(html: str) -> frozenset[str]:
    """The ids defined in ``html``."""
    return frozenset(_ID.findall(html)) if ' id="' in html else frozenset()


@dataclass(frozen=True)
class Known:
    """What internal links may point to.

    ``files``: content file path (from the project root) → its target (``articles/x/``,
    ``timeline/#event-y``); ``anchors``: a page's target → the ids on it (pages not listed
    are not checked for anchors); ``records``: ``"articles"``/``"topics"``/``"pages"`` → their slugs;
    ``aliases``: a former path of a page (``articles/old/``, from its ``aliases:``) → the page's target
    now (``articles/new/``): a link to it goes to the page's current URL, not through its redirect.
    """

    files: Mapping[str, str]
    anchors: Mapping[str, frozenset[str]]
    records: Mapping[str, frozenset[str]]
    aliases: Mapping[str, str] = field(default_factory=dict)
    unreadable: frozenset[str] = frozenset()
    """content files that gave no record (their own errors are said): a link to one is not said broken too"""
    own_ids: Mapping[str, str] = field(default_factory=dict)
    """a note's or an event's file → the namespace of its text's ids on the page that shows it
    (``note_n_``): ``../annotations/n.md#le-texte`` names the note's heading, not the page's"""
    prefixes: Mapping[str, str] = field(default_factory=dict)
    """a page's target → the namespace of its text's ids (``page_a-propos_``, :mod:`dossier.text.ids`): a
    link may name an id as the editor wrote it in the text (``#carte`` for ``page_a-propos_carte``)"""


@dataclass(frozen=True)
class Resolved:
    """A link's target below the base path, or why there is none (``message`` and ``hint``)."""

    target: str = ""
    message: str = ""
    hint: str = ""


def _fragment_checked(href: str, page: str, fragment: str, known: Known) -> Resolved:
    ids = known.anchors.get(page)
    if not fragment or ids is None or fragment in ids:
        return Resolved(page + (f"#{fragment}" if fragment else ""))
    prefix = known.prefixes.get(page, "")
    if prefix and prefix + fragment in ids:  # an id of the page's text, as its editor wrote it
        return Resolved(f"{page}#{prefix}{fragment}")
    named = sorted({i.removeprefix(prefix) for i in ids} if prefix else ids)
    hint = did_you_mean(fragment, named) or ANCHOR_HINT
    return Resolved(message=f"broken link '{href}': /{page} has no anchor '#{fragment}'", hint=hint)


def _root_checked(href: str, page: str, known: Known) -> Resolved | None:
    """Why the site path ``page`` is broken when its first segment is nothing the site publishes, else None."""
    first = page.split("/", 1)[0]
    pages = known.records.get("pages", frozenset())
    if not first or first in SECTIONS or first in FILES or first in pages or first == "index.html":
        return None
    hint = did_you_mean(first, sorted(pages | SECTIONS)) or "link to a page by its path from the site's root"
    return Resolved(message=f"broken link '{href}': the site has no page /{first}", hint=hint)


def _unreadable(known: Known, kind: str, slug: str) -> bool:
    """Whether the file of the ``kind`` record ``slug`` gave no record (its own errors are said)."""
    return any(p.startswith(f"{CONTENT}/{kind}/") and posixpath.basename(p) == f"{slug}.md" for p in known.unreadable)


def _site_path(href: str, path: str, fragment: str, known: Known) -> Resolved:
    page = path.lstrip("/")
    page = known.aliases.get(page, page)
    unknown = _root_checked(href, page, known)
    if unknown is not None:
        return unknown
    checked = _CHECKED.match(page)
    if checked and not checked.group(2).isdigit():
        kind, slug = checked.groups()
        slugs = known.records.get(kind, frozenset())
        if slug not in slugs and _unreadable(known, kind, slug):
            return Resolved(page)  # its file has errors of its own, which are said
        if slug not in slugs:
            hint = did_you_mean(slug, sorted(slugs)) or f"no published {kind[:-1]} has this slug"
            return Resolved(message=f"broken link '{href}': no {kind[:-1]} '{slug}'", hint=hint)
    return _fragment_checked(href, page, fragment, known)


def _file(href: str, path: str, fragment: str, folder: str, known: Known) -> Resolved | None:
    wanted = posixpath.normpath(posixpath.join(folder, unquote(path)))
    target = known.files.get(wanted)
    if target is None and wanted in known.unreadable:
        return None  # a file with errors of its own, which are said
    if target is None:
        near = did_you_mean(path, sorted(posixpath.relpath(f, folder or ".") for f in known.files))
        return Resolved(message=f"broken link '{href}': no published content file {wanted}", hint=near or FILE_HINT)
    page, _, own = target.partition("#")
    prefix = known.own_ids.get(wanted)
    if fragment and prefix is not None:
        return _own_fragment(href, page, fragment, prefix, known)
    return _fragment_checked(href, page, fragment or own, known)


def _own_fragment(href: str, page: str, fragment: str, prefix: str, known: Known) -> Resolved:
    """A fragment of a link to a note's or an event's file: an id of its own text (a heading, one
    its editor wrote), else an id of the page that shows it (``#note-3``)."""
    ids = known.anchors.get(page)
    if ids is None or prefix + fragment in ids:
        return Resolved(f"{page}#{prefix}{fragment}")
    if fragment in ids:
        return Resolved(f"{page}#{fragment}")
    named = sorted(i.removeprefix(prefix) for i in ids if i.startswith(prefix))
    if not named:  # a text without ids: the fragment was meant for the page
        return _fragment_checked(href, page, fragment, known)
    hint = did_you_mean(fragment, named) or f"its ids: {', '.join(named)}"
    return Resolved(message=f"broken link '{href}': /{page} has no anchor '#{fragment}' in that text", hint=hint)


def resolve(href: str, folder: str, known: Known) -> Resolved | None:
    """The target of ``href`` written in a file of ``folder`` (from the project root); None for a
    link left as written (external, within the page, or relative to something else than a ``.md`` file)."""
    if not href or href.startswith(("#", "//")) or _SCHEME.match(href):
        return None
    path, _, fragment = href.partition("#")
    if path.startswith("/"):
        return _site_path(href, path, fragment, known)
    if path.endswith(".md"):
        return _file(href, path, fragment, folder, known)
    return _unpublished(href, path, folder)


def _unpublished(href: str, path: str, folder: str) -> Resolved | None:
    """An error for a relative link to a file of the project that is no page (``../media/carte.png``,
    ``../../site.yml``): as written, it would name a URL the site does not have; None for the others."""
    wanted = posixpath.normpath(posixpath.join(folder, unquote(path)))
    if not posixpath.splitext(path)[1] or wanted.startswith(".."):
        return None  # a folder-like path (../slug/), or one out of the project: left as written
    if wanted.startswith(f"{CONTENT}/media/"):
        hint = f"show an image with ![alt]({path}); a link goes to a page, by its .md file"
    else:
        hint = "link to a page by its .md file, or to another site by its full URL"
    return Resolved(message=f"broken link '{href}': {wanted} is not published at this address", hint=hint)


def _line(text: str, href: str, cursor: int) -> tuple[int, int]:
    """The 1-based line of ``href`` in ``text`` from ``cursor`` (then from the start), and the offset
    after it: where it is written as a link (``](href``, ``[x]: href``, ``<href>``) first, anywhere else
    only when the Markdown spells it otherwise."""
    written = re.compile(r"(?:\]\(\s*<?|^ {0,3}\[[^\]]+\]:\s*<?)" + re.escape(href), re.MULTILINE)
    for start in (cursor, 0):
        found = written.search(text, start)
        if found:
            return text.count("\n", 0, found.end()) + 1, found.end()
    for start in (cursor, 0):
        at = text.find(href, start)
        if at >= 0:
            return text.count("\n", 0, at) + 1, at + len(href)
    return 1, cursor


@dataclass(frozen=True)
class Body:
    """A Markdown body: its text, where it starts (``body``), and the folder its links are relative to."""

    text: str
    body: Location
    folder: str

    @classmethod
    def of(cls, text: str, body: Location) -> Body:
        return cls(text, body, posixpath.dirname(body.path))


class Rewriter:
    """Rewrites the internal links of bodies' HTML to their URLs under ``base``, collecting the errors."""

    def __init__(self, known: Known, base: str) -> None:
        self.known, self.base = known, base
        self.problems: list[Diagnostic] = []
        self.linked: set[str] = set()  # the pages internal links point to (``articles/x/``), broken or not

    def rewrite(self, html: str, body: Body) -> str:
        """``html`` (converted from ``body``) with its internal links rewritten."""
        return self.rewrite_all([html], body)[0]

    def rewrite_all(self, pieces: Iterable[str], body: Body) -> list[str]:
        """Each piece of one body's HTML, in order, with its internal links rewritten."""
        cursor = 0

        def one(found: re.Match[str]) -> str:
            nonlocal cursor
            href = htmlmod.unescape(found.group(2))
            done = resolve(href, body.folder, self.known)
            if done is None:
                return found.group(0)
            if done.message:
                line, cursor = _line(body.text, href, cursor)
                where = Location(body.body.path, max(body.body.line, 1) + line - 1)
                self.problems.append(Diagnostic(where, done.message, done.hint))
                return found.group(0)
            self.linked.add(done.target.partition("#")[0])
            url = htmlmod.escape(self.base + done.target, quote=True)
            return f"{found.group(1)}{url}{found.group(3)}"

        return [_HREF.sub(one, piece) if "href=" in piece else piece for piece in pieces]
