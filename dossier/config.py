"""``site.yml`` → a typed, validated :class:`Settings`; unknown keys are errors at their line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from yaml.nodes import Node

from . import fields as f
from .errors import Diagnostic, Location
from .fields import Field, FieldError
from .frontmatter import compose, decode, mapping_entries

SETTINGS_FILE = "site.yml"


def base_url(value: str) -> str:
    """An absolute http(s) URL or a path from the domain root, always ending with ``/``."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FieldError(f"'{value}' is not a base URL: expected https://host/path/ or /path/")
        if parts.query or parts.fragment:
            raise FieldError(f"'{value}' must not have a query or fragment")
    elif not value.startswith("/"):
        raise FieldError(f"'{value}' is not a base URL: expected https://host/path/ or /path/")
    return value if value.endswith("/") else value + "/"


def _base_url(node: Node) -> str:
    return base_url(f.text(node))


def _language(node: Node) -> str:
    value = f.text(node)
    if not value.replace("_", "").replace("-", "").isalpha():
        raise FieldError(f"'{value}' is not a language code such as fr or en")
    return value


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

    def with_base_url(self, url: str) -> Settings:
        return replace(self, base_url=base_url(url))


TABLE: tuple[Field, ...] = (
    Field("title", f.text, required=True),
    Field("subtitle", f.text),
    Field("description", f.text),
    Field("intro", f.text),
    Field("language", _language),
    Field("base_url", _base_url),
    Field("theme", f.text),
    Field("author", f.text),
    Field("license", f.text),
    Field("latest_articles", f.integer),
)


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    lines: dict[str, int]


def load(root: Path) -> tuple[LoadedSettings | None, list[Diagnostic]]:
    path = root / SETTINGS_FILE
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
    coerced = f.coerce(SETTINGS_FILE, entries, TABLE, noun="setting")
    problems += coerced.problems
    if coerced.values.get("latest_articles", 1) < 1:
        problems.append(
            Diagnostic(
                Location(SETTINGS_FILE, coerced.lines["latest_articles"]), "'latest_articles' must be at least 1"
            )
        )
    if problems:
        return None, problems
    return LoadedSettings(Settings(**coerced.values), coerced.lines), []
