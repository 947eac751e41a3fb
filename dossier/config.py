"""``site.yml`` plus the command line's overrides → the typed, validated settings a build uses.

Unknown keys of ``site.yml`` are errors at their line; an override (:class:`Overrides`) is
checked as it is made, before anything is read, and a bad one is a usage error. Importing this
module loads no YAML: a build with nothing to do checks its overrides and stops; the YAML
reader and the field parsers load with the first :func:`load`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from dossier.errors import Diagnostic, FieldError, Location, UsageError
from dossier.project import SETTINGS_FILE as SETTINGS_FILE  # said here too: the settings' module
from dossier.source.discovery import unsafe_path

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from yaml.nodes import Node

    from dossier.source.fields import Field
    from dossier.source.frontmatter import Entry

_NOT_IN_URL = re.compile(r'[\x00-\x20\x7f-\x9f"<>\\^`{|}]')  # spaces, controls, and what a URL must escape


_EXPECTED = "expected https://host/path/ or /path/"


def base_url(value: str) -> str:
    """An absolute http(s) URL with a host (and a valid port), or a path from the domain root
    (``/`` for local work), always ending with ``/``."""
    value = value.strip()
    bad = _NOT_IN_URL.search(value)
    if bad:
        what = "a space" if bad.group().isspace() else f"character {bad.group()!r}"
        raise FieldError(f"'{value}' is not a base URL: it holds {what}", "a URL has no spaces; in a path, write %20")
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # a bracketed host that is no IPv6 address
        raise FieldError(f"'{value}' is not a base URL: {exc}", _EXPECTED) from None
    if parts.scheme:
        _check_absolute(value, parts)
    elif value.startswith("//"):
        raise FieldError(f"'{value}' is not a base URL: '//' starts another site's address", _EXPECTED)
    elif not value.startswith("/") or parts.query or parts.fragment:
        raise FieldError(f"'{value}' is not a base URL", _EXPECTED)
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        raise FieldError(
            f"'{value}' is not a base URL: '.' or '..' in its path", "write the path itself, e.g. /dossier/"
        )
    return value if value.endswith("/") else value + "/"


def _check_absolute(value: str, parts: SplitResult) -> None:
    """An http(s) URL: an ASCII host name, no user name or password, a valid port, no query or fragment."""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FieldError(f"'{value}' is not a base URL", _EXPECTED)
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise FieldError(
            f"'{value}' is not a base URL: it needs a host name and no user name or password",
            "e.g. https://org.github.io/repo/",
        )
    try:
        port = parts.port  # urlsplit checks the port when asked for it
    except ValueError:
        port = 0
    if port == 0:
        raise FieldError(
            f"'{value}' is not a base URL: its port is not a number from 1 to 65535",
            "e.g. https://host:8080/path/, or no port",
        )
    if parts.query or parts.fragment:
        raise FieldError(f"'{value}' must not have a query or fragment", "remove what follows '?' or '#'")
    if not parts.hostname.isascii():
        raise FieldError(
            f"'{value}' is not a base URL: its host is not ASCII", f"write the host as {_ascii_form(parts.hostname)}"
        )


def _ascii_form(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return "its ASCII form (punycode)"


@dataclass(frozen=True)
class Publisher:
    """Who publishes the dossier (``publisher:`` of ``site.yml``), as search engines and social sites read it."""

    name: str
    url: str = ""  # its home page (an absolute URL)
    logo: str = ""  # its logo: an absolute URL, or the path of a file the site publishes (/static/favicon.svg)


PUBLISHER_EXAMPLE = (
    "e.g. {name: Le Quotidien, url: https://lequotidien.example, logo: https://lequotidien.example/logo.png}"
)


def _publisher_url(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FieldError(f"the publisher's url '{url}' is not an absolute URL", PUBLISHER_EXAMPLE)


def _publisher_logo(logo: str) -> None:
    if not (logo.startswith("/") or urlsplit(logo).scheme in ("http", "https")):
        raise FieldError(f"the publisher's logo '{logo}' is no URL and no path on the site", PUBLISHER_EXAMPLE)


@dataclass(frozen=True)
class Editors:
    """The dossier's editorial team: the ``creator`` of its notes' annotations."""

    name: str
    url: str = ""  # its page: an absolute http(s) URL, or a path on the site


_EDITORS_EXAMPLE = "e.g. editors: {name: La rédaction, url: https://example.org/redaction/}"


def editors(node: Node) -> Editors:
    """``{name: ..., url: ...}``: a name, and optionally a page (absolute, or a path from the site's root)."""
    from yaml.nodes import MappingNode

    from dossier.source import fields as f

    if not isinstance(node, MappingNode):
        raise FieldError("expected a mapping with a name and an optional url", _EDITORS_EXAMPLE)
    values, problems = f.keyed_texts(
        node, ("name", "url"), lambda key: f"unknown key '{key}' in editors", _EDITORS_EXAMPLE, {"url": _editors_url}
    )
    if not values.get("name"):
        problems.empty("name", "editors without a name", _EDITORS_EXAMPLE)
    if problems.found:
        raise FieldError.together(problems.found)
    url = values.get("url", "")
    return Editors(values["name"], _editors_url(url) if url else "")


def _editors_url(url: str) -> str:
    """The editors' page as the site links it (an absolute address, or a path from the site's root)."""
    try:
        return base_url(url).removesuffix("/") + ("/" if url.endswith("/") else "")
    except FieldError:
        raise FieldError(
            f"editors' url '{url}' is not an address", "an https:// address or a path of the site, e.g. /a-propos/"
        ) from None


@dataclass(frozen=True)
class Settings:
    title: str
    subtitle: str = ""
    description: str = ""
    intro: str = ""
    language: str = "fr"
    base_url: str = "/"
    theme: str = "default"
    author: str = ""
    license: str = ""
    latest_articles: int = 5
    publisher: Publisher | None = None
    editors: Editors | None = None  # the notes' author in the open data; else ``author``, if given

    @property
    def team(self) -> Editors | None:
        """Who writes the notes: ``editors``, else ``author`` (a name alone), else nobody named."""
        return self.editors or (Editors(self.author) if self.author else None)


@dataclass(frozen=True)
class Overrides:
    """What the command line sets over ``site.yml``, checked as it is made (before anything is read)."""

    base_url: str | None = None  # --base-url, as given
    drafts: bool = False  # --drafts: content marked 'draft: true' is built too

    def __post_init__(self) -> None:
        if self.base_url is not None:
            try:
                base_url(self.base_url)
            except FieldError as exc:
                raise UsageError(f"--base-url: {exc}") from None

    def apply(self, settings: Settings) -> Settings:
        """``settings`` with what the command line sets over them."""
        return settings if self.base_url is None else replace(settings, base_url=base_url(self.base_url))


@functools.cache
def table() -> tuple[Field, ...]:
    """The settings of ``site.yml``: each one's parser, and whether it must be given (made at the
    first call: the parsers are YAML's)."""
    from dossier.source import fields as f
    from dossier.source.fields import Field
    from dossier.text import languages

    def url(node: Node) -> str:
        return base_url(f.text(node))

    def language(node: Node) -> str:
        value = f.text(node)
        tag = languages.normalised(value)
        if tag is None:
            raise FieldError(f"'{value}' is not a language tag dossier knows", languages.near(value))
        return tag

    def publisher(node: Node) -> Publisher:
        checks = {"url": _publisher_url, "logo": _publisher_logo}
        values = f.texts_by_key(node, ("name", "url", "logo"), "publisher", PUBLISHER_EXAMPLE, 1, checks=checks)
        return Publisher(values["name"], values.get("url", ""), values.get("logo", ""))

    return (
        Field("title", f.text, required=True),
        Field("subtitle", f.text),
        Field("description", f.text),
        Field("intro", f.text),
        Field("language", language),
        Field("base_url", url),
        Field("theme", f.text),
        Field("author", f.text),
        Field("license", f.text),
        Field("latest_articles", f.integer),
        Field("publisher", publisher),
        Field("editors", editors),
    )


@dataclass(frozen=True)
class LoadedSettings:
    """The settings a build uses, and where each was given."""

    settings: Settings  # site.yml's, with the overrides applied
    lines: dict[str, int]  # setting → its line in site.yml
    overrides: Overrides  # what the command line set over site.yml


def load(root: Path, overrides: Overrides = Overrides()) -> tuple[LoadedSettings | None, list[Diagnostic]]:
    """``site.yml`` read and checked, ``overrides`` applied; None and every problem when it cannot be used."""
    from dossier.source import fields as f  # the YAML reader and the parsers: see the module's doc
    from dossier.source import limits
    from dossier.source.frontmatter import compose, decode, mapping_entries

    path = root / SETTINGS_FILE
    refused = unsafe_path(root, path)  # a link out of the project, or a named pipe, is not read
    if refused is not None:
        return None, [refused]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Diagnostic(Location(SETTINGS_FILE, 0), "no site.yml", "create one with at least 'title:'")]
    except OSError as exc:
        return None, [Diagnostic(Location(SETTINGS_FILE, 0), f"cannot read file: {exc.strerror}")]
    text, problems = decode(SETTINGS_FILE, data)
    if text is None:
        return None, problems
    node, problems = compose(SETTINGS_FILE, text)
    if problems:
        return None, problems
    if node is None:
        return None, [Diagnostic(Location(SETTINGS_FILE, 1), "site.yml is empty", "add at least 'title:'")]
    entries, problems = mapping_entries(SETTINGS_FILE, node, 1, "site.yml")
    if not entries and problems:
        return None, problems
    coerced = f.coerce(SETTINGS_FILE, entries, table(), noun="setting")
    problems += coerced.problems
    if coerced.values.get("latest_articles", 1) < 1:
        problems.append(
            Diagnostic(
                Location(SETTINGS_FILE, coerced.lines["latest_articles"]), "'latest_articles' must be at least 1"
            )
        )
    lines = _text_lines(entries, coerced.lines)
    if coerced.values.get("intro"):  # Markdown, measured as a content file's text is
        problems += limits.check_body(SETTINGS_FILE, coerced.values["intro"], lines["intro"])
    if problems:
        return None, problems
    return LoadedSettings(overrides.apply(Settings(**coerced.values)), lines, overrides), []


def _text_lines(entries: Sequence[Entry], lines: Mapping[str, int]) -> dict[str, int]:
    """The line of each setting, that of ``intro`` its text's first: the line after its key when
    it is a block (``intro: |``), so that a problem of its Markdown is said at its own line."""
    from yaml.nodes import ScalarNode

    found = dict(lines)
    for entry in entries:
        if entry.key == "intro" and isinstance(entry.node, ScalarNode) and entry.node.style in ("|", ">"):
            raw = str(entry.node.value)
            found["intro"] = entry.line + 1 + raw[: len(raw) - len(raw.lstrip())].count("\n")  # blank lines dropped
    return found
