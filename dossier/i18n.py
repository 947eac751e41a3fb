"""The theme's UI strings (``i18n/<language>.yml``) and dates localized through Babel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton

from .errors import ContentErrors, Diagnostic, DossierError, Location
from .frontmatter import compose, decode, mapping_entries
from .model import PartialDate, Precision


@dataclass(frozen=True)
class Strings:
    language: str
    strings: Mapping[str, str]
    locale: Locale

    def get(self, key: str, **values: object) -> str:
        try:
            text = self.strings[key]
        except KeyError:
            raise DossierError(f"no UI string '{key}' for language '{self.language}'") from None
        return text.format(**values) if values else text

    @property
    def og_locale(self) -> str:
        """The language with its likeliest territory, as Open Graph wants it (``fr_FR``)."""
        likely = Locale.parse(get_global("likely_subtags").get(str(self.locale), str(self.locale)))
        return f"{likely.language}_{likely.territory}" if likely.territory else likely.language

    def date(self, value: PartialDate) -> str:
        return _date(value, self.locale)


@lru_cache(maxsize=65536)
def _date(value: PartialDate, locale: Locale) -> str:
    """A partial date at its precision, in the locale (Babel's CLDR patterns); memoized."""
    day = value.first_day()
    if value.precision is Precision.DAY:
        return str(format_date(day, "long", locale=locale))
    if value.precision is Precision.MONTH:
        return str(format_skeleton("yMMMM", day, locale=locale))
    return str(value.year)


def load(theme_dir: Path, language: str, root: Path) -> Strings:
    """The strings of ``language`` in the theme; every problem as a :class:`ContentErrors`."""
    path = theme_dir / "i18n" / f"{language}.yml"
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise DossierError(f"unknown language '{language}'") from None
    if not path.is_file():
        raise DossierError(f"theme has no UI strings for language '{language}' ({rel} is missing)")
    text, problems = decode(rel, path.read_bytes())
    node = None
    if text is not None:
        node, problems = compose(rel, text)
    entries, more = mapping_entries(rel, node, 1, "a strings file")
    problems += more
    strings: dict[str, str] = {}
    for entry in entries:
        value = entry.node.value
        if not isinstance(value, str):
            problems.append(Diagnostic(Location(rel, entry.line), f"'{entry.key}' must be a single text"))
            continue
        strings[entry.key] = value
    if problems:
        raise ContentErrors(problems)
    return Strings(language, strings, locale)
