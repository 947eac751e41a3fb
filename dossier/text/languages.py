"""Language tags: what a content file's ``lang`` accepts.

A BCP 47 tag (``en``, ``en-GB``, ``pt-BR``) whose language CLDR, through Babel, knows: the same
data the build formats dates and plurals with. The tag is kept as written, its case normalised
(``EN-gb`` → ``en-GB``).
"""

from __future__ import annotations

import functools
import re

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

from dossier.text.didyoumean import closest, did_you_mean

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|[0-9]{3}))?$")
HINT = "a language tag such as fr, en or en-GB"


@functools.cache
def known() -> frozenset[str]:
    """The languages CLDR has data for (``fr``, ``en``, ``haw``…)."""
    return frozenset(identifier.split("_", 1)[0] for identifier in locale_identifiers())


@functools.cache
def _regions() -> frozenset[str]:
    """The regions CLDR names (``GB``, ``BR``, ``419``)."""
    return frozenset(Locale.parse("en").territories)


def normalised(tag: str) -> str | None:
    """``tag`` with its usual case (``en-GB``), or None when it is no tag of a known language."""
    found = _TAG.match(tag.strip())
    if found is None or found.group(1).lower() not in known():
        return None
    language, script, region = found.groups()
    if region and region.upper() not in _regions():
        return None
    parts = [language.lower(), script.title() if script else "", region.upper() if region else ""]
    return "-".join(p for p in parts if p)


@functools.cache
def _names() -> dict[str, str]:
    """Each known language's name in English and in French (``english``, ``anglais``) → its code."""
    names: dict[str, str] = {}
    for where in ("en", "fr"):
        for code, name in Locale.parse(where).languages.items():
            if code in known():
                names.setdefault(name.casefold(), code)
    return names


def near(tag: str) -> str:
    """A hint for a tag that is not known: the language whose name it is nearest (``englsh`` → ``en``),
    else the codes it is nearest (two letters or more), else how a tag is written."""
    typed = tag.strip().lower()
    hyphenated = normalised(typed.replace("_", "-"))
    if hyphenated is not None:  # en_GB, a locale name
        return f"did you mean '{hyphenated}'?"
    names = _names()
    by_name = dict.fromkeys(names[n] for n in closest(typed, names)) if len(typed) > 3 else {}
    if len(by_name) == 1:
        return f"did you mean '{next(iter(by_name))}'?"
    codes = did_you_mean(typed.split("-", 1)[0], sorted(known())) if len(typed) >= 2 else ""
    return codes or HINT


@functools.cache
def direction(tag: str) -> str:
    """``rtl`` for a language written from right to left (``ar``, ``fa``, ``he``), else ``ltr``."""
    try:
        order = Locale.parse(tag.replace("-", "_")).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"
