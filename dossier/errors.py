"""Source locations, diagnostics and the one formatter every message goes through.

Exception tree::

    DossierError                 a problem the user must fix; never shown as a traceback
     ├── UsageError              a command line that cannot be carried out (exit 2)
     └── ContentErrors           one or more diagnostics collected over a whole phase
    FieldError (a ValueError)    a value that does not fit its field, said at its line by the phase that read it

A phase does not raise at the first problem: it returns the :class:`Diagnostic` values it found
with its result (a list, warnings among them), and the caller raises :class:`ContentErrors` with
all of them once an error is among them, so that the user sees every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # where str.splitlines cuts


def _one_line(text: str) -> str:
    return _BREAKS.sub(lambda found: repr(found.group())[1:-1], text)


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: a path relative to the project root and a 1-based line (0: no line)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        path = _one_line(self.path)  # a file name may hold a line break: the diagnostic stays one line
        return f"{path}:{self.line}" if self.line else path


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """One line, whatever the message quotes: a line break in a value is shown as its escape."""
        text = f"{self.location}: {self.severity.value}: {_one_line(self.message)}"
        if self.hint:
            text += f" (hint: {_one_line(self.hint)})"
        return text

    def sort_key(self) -> tuple[str, int, str]:
        return (self.location.path, self.location.line, self.message)


class DossierError(Exception):
    """A problem the user must fix, reported without a traceback."""


class UsageError(DossierError):
    """A command line that cannot be carried out as given (a busy port, a bad host...): exit 2."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(f"{message} (hint: {hint})" if hint else message)


class FieldError(ValueError):
    """A value that does not fit its field; the message says what was expected, the hint how to fix it.

    ``at``: where in the value, when it is not at the field's own line (a key of a mapping): the
    line of that part in its YAML document, counted from 0. :meth:`together` makes one error of
    every problem found in one value, so that they are all said at once."""

    def __init__(self, message: str, hint: str = "", at: int | None = None) -> None:
        super().__init__(message)
        self.hint = hint
        self.at = at
        self.others: tuple[FieldError, ...] = ()

    @classmethod
    def together(cls, problems: Sequence[FieldError]) -> FieldError:
        first = problems[0]
        first.others = tuple(problems[1:])
        return first

    def every(self) -> tuple[FieldError, ...]:
        return (self, *self.others)


class ContentErrors(DossierError):
    """Raised at the end of a phase that collected errors."""

    def __init__(self, diagnostics: Iterable[Diagnostic], outcome: str = "") -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        self.outcome = outcome  # what the command did about it, said after the count ("nothing written")
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def format_all(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """Every diagnostic as one line, sorted by file and line."""
    return [d.format() for d in sorted(diagnostics, key=Diagnostic.sort_key)]


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    errors = sum(1 for d in items if d.severity is Severity.ERROR)
    warnings = len(items) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)
