"""The theme's UI strings (``i18n/<language>.yml``), with plural forms, and dates localized through Babel.

A string that depends on a number has one form per CLDR plural category, ``<key>_one``,
``<key>_other`` (and ``_zero``, ``_two``, ``_few``, ``_many`` where the language needs
them): ``get(key, count=n)`` takes the form Babel's CLDR rules choose for ``n`` in the
language ("0 élément" in French, "0 items" in English), falling back to ``_other`` when the
file has no form for that category, and writes ``{count}`` as the language writes numbers.

Dates follow Babel's CLDR patterns, with one rule CLDR lacks that lives with the language's
strings: ``date_first_day`` is how the first day of a month is written in a date ("1er" in
French: "1er janvier 2024"; "1" in English), every other day being a plain number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton, tokenize_pattern, untokenize_pattern
from babel.numbers import format_decimal

from dossier.errors import ContentErrors, Diagnostic, DossierError, Location
from dossier.model import PartialDate, Precision
from dossier.source.discovery import unsafe_path
from dossier.source.frontmatter import compose, decode, mapping_entries

FOLDER = "i18n"  # in a theme: a strings file per language, i18n/<language>.yml


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
        """The site's language as Open Graph wants it (``fr_FR``): see :func:`og_locale`."""
        return og_locale(str(self.locale))

    def date(self, value: PartialDate) -> str:
        """``value`` at its precision, as the language writes it (the 1st of a month as ``date_first_day`` says)."""
        return _date(value, self.locale, self.strings.get("date_first_day", ""))

    def period(self, first: PartialDate, last: PartialDate) -> tuple[str, str]:
        """The two ends of a period, for a sentence ("de {first} à {last}"): the first without
        its year when both are months of one year ("de mars à novembre 2024", "from March to
        November 2024"); otherwise each as :meth:`date` writes it ("de 2014 à 2024")."""
        same_year = first.year == last.year and first != last
        if same_year and first.precision is Precision.MONTH and last.precision is Precision.MONTH:
            return _month(first, self.locale), self.date(last)
        return self.date(first), self.date(last)


def og_locale(tag: str) -> str:
    """A language tag (``en``, ``en-GB``, ``sr-Latn``) as Open Graph's ``og:locale`` wants it,
    ``language_TERRITORY`` with a two-letter country (Facebook's ``ll_CC``): the tag's own country,
    else the likeliest for the language in CLDR (``en`` → ``en_US``, ``fr`` → ``fr_FR``). A language
    no country is likeliest for (Esperanto: CLDR says the world, ``001``) or a tag with a region that
    is no country (``es-419``) has no such form: the language alone (``eo``), never a made-up country."""
    locale = Locale.parse(tag.replace("-", "_"))
    territory = locale.territory
    if territory is None:
        likely = get_global("likely_subtags")
        keys = (str(locale), f"{locale.language}_{locale.script}" if locale.script else "", locale.language)
        found = next((likely[k] for k in keys if k in likely), locale.language)
        territory = Locale.parse(found).territory
    return f"{locale.language}_{territory}" if territory and territory.isalpha() else locale.language


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
def _date(value: PartialDate, locale: Locale, first_day: str = "") -> str:
    """A partial date at its precision, in the locale (Babel's CLDR patterns), the first day of
    a month written ``first_day`` when it is given; memoized."""
    day = value.first_day()
    if value.precision is Precision.DAY:
        if first_day and day.day == 1:
            return str(format_date(day, _first_day_pattern(locale, first_day), locale=locale))
        return str(format_date(day, "long", locale=locale))
    if value.precision is Precision.MONTH:
        return str(format_skeleton("yMMMM", day, locale=locale))
    return str(value.year)


@lru_cache(maxsize=64)
def _first_day_pattern(locale: Locale, first_day: str) -> str:
    """The locale's long date pattern with its day field written ``first_day`` ("'1er' MMMM y")."""
    tokens = tokenize_pattern(locale.date_formats["long"].pattern)
    day = [("chars", first_day) if kind == "field" and value[0] == "d" else (kind, value) for kind, value in tokens]
    return str(untokenize_pattern(day))


def _month(value: PartialDate, locale: Locale) -> str:
    """The month's name alone, as the locale names it outside a date ("mars", "March")."""
    return str(format_date(value.first_day(), "LLLL", locale=locale))


def load(theme_dir: Path, language: str, root: Path) -> Strings:
    """The strings of ``language`` in the theme; every problem as a :class:`ContentErrors`."""
    path = theme_dir / FOLDER / f"{language}.yml"
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise DossierError(f"unknown language '{language}'") from None
    refused = unsafe_path(root, path) if path.is_relative_to(root) else None
    if refused is not None:  # a link out of the project, or a named pipe, is not read
        raise ContentErrors([refused])
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
