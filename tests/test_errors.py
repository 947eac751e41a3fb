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


def test_a_line_break_in_a_file_name_stays_on_one_line() -> None:
    found = Diagnostic(Location("content/articles/a\nb.md", 3), "unknown topic 'x'", "declare it")
    assert found.format() == "content/articles/a\\nb.md:3: error: unknown topic 'x' (hint: declare it)"
    assert str(Location("a\rb.md")) == "a\\rb.md"
