from __future__ import annotations

from dossier.errors import Diagnostic, Location


def test_a_diagnostic_is_one_line_whatever_it_quotes() -> None:
    quoted = "'(\n!' is not a date"
    problem = Diagnostic(Location("content/articles/a.md", 2), f"'date': {quoted}", "a\u2028b\rc")
    line = problem.format()
    assert line.splitlines() == [line]
    assert line == ("content/articles/a.md:2: error: 'date': '(\\n!' is not a date (hint: a\\u2028b\\rc)")


def test_an_ordinary_diagnostic_is_written_as_it_is() -> None:
    problem = Diagnostic(Location("site.yml", 3), "« titre » : vide", "écrivez-en un")
    assert problem.format() == "site.yml:3: error: « titre » : vide (hint: écrivez-en un)"
