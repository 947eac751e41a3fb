"""The theme's UI strings (``i18n/<language>.yml``), with plural forms, and dates localized through Babel.

A string that depends on a number has one form per CLDR plural category, ``<key>_one``,
``<key>_other`` (and ``_zero``, ``_two``, ``_few``, ``_many`` where the language needs
them): ``get(key, count=n)`` takes the form Babel's CLDR rules choose for ``n`` in the
language ("0 élément" in French, "0 items" in English), falling back to ``_other`` when the
file has no form for that category, and writes ``{count}`` as the language writes numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from .errors import ContentErrors, Diagnostic, DossierError, Location
from .frontmatter import compose, decode, mapping_entries
from .model import PartialDate, Precision


@dataclass(frozen=True)
class Strings:
    language: str
    strings: Mapping[str, str]
    locale: Locale

    def get(self, key: str, **values: object) -> str:
        """The string ``key`` with ``values``; a plural string takes the form ``count`` asks for."""
        text = self.strings.get(key)
        if text is None:
            count = values.get("count")
            if isinstance(count, _NUMBERS) and not isinstance(count, bool) and self.is_plural(key):
                return self.count(key, count, **values)
            raise DossierError(f"no UI string '{key}' for language '{self.language}'")
        return text.format(**values) if values else text

    def is_plural(self, key: str) -> bool:
        """Whether ``key`` is a string with plural forms (``<key>_other`` and its siblings)."""
        return f"{key}_other" in self.strings

    def count(self, key: str, n: int | float | Decimal, **values: object) -> str:
        """The plural form of ``key`` that CLDR's rules choose for ``n``, ``{count}`` written in the language."""
        if not self.is_plural(key):
            raise DossierError(f"no UI string '{key}_other' for language '{self.language}'")
        category, number = _number(n, self.locale)
        form = self.strings.get(f"{key}_{category}") or self.strings[f"{key}_other"]
        return form.format(**{**values, "count": number})

    def plurals(self, key: str) -> dict[str, str]:
        """Each plural category of the language → the form of ``key`` for it (for scripts that count)."""
        if not self.is_plural(key):
            raise DossierError(f"no UI string '{key}_other' for language '{self.language}'")
        return {tag: self.strings.get(f"{key}_{tag}", self.strings[f"{key}_other"]) for tag in _tags(self.locale)}

    @property
    def og_locale(self) -> str:
        """The language with its likeliest territory, as Open Graph wants it (``fr_FR``)."""
        likely = Locale.parse(get_global("likely_subtags").get(str(self.locale), str(self.locale)))
        return f"{likely.language}_{likely.territory}" if likely.territory else likely.language

    def date(self, value: PartialDate) -> str:
        return _date(value, self.locale)


_NUMBERS = (int, float, Decimal)  # what a count may be
_CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories, in CLDR's order


@lru_cache(maxsize=64)
def _tags(locale: Locale) -> tuple[str, ...]:
    """The plural categories ``locale`` uses, in CLDR's order (``other`` always)."""
    used = set(locale.plural_form.tags) | {"other"}
    return tuple(tag for tag in _CATEGORIES if tag in used)


@lru_cache(maxsize=4096)
def _number(n: int | float | Decimal, locale: Locale) -> tuple[str, str]:
    """The plural category of ``n`` in ``locale`` and ``n`` as the locale writes it; memoized."""
    return locale.plural_form(n), str(format_decimal(n, locale=locale))


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
