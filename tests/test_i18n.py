from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Run

from dossier.errors import ContentErrors, DossierError
from dossier.model import PartialDate
from dossier.publish import i18n

THEME = REPO / "dossier" / "themes" / "default"


@pytest.mark.parametrize(
    ("language", "date", "label"),
    [
        ("fr", "2014", "2014"),
        ("fr", "2024-03", "mars 2024"),
        ("fr", "2024-03-15", "15 mars 2024"),
        ("fr", "2003-02", "février 2003"),
        ("fr", "2024-01-01", "1er janvier 2024"),  # French writes the first of a month "1er"
        ("fr", "2024-03-01", "1er mars 2024"),
        ("fr", "2024-03-02", "2 mars 2024"),  # every other day a plain number
        ("fr", "2024-03-11", "11 mars 2024"),
        ("fr", "2024-03-21", "21 mars 2024"),
        ("fr", "2024-01", "janvier 2024"),  # a month has no day
        ("en", "2024-03", "March 2024"),
        ("en", "2024-03-15", "March 15, 2024"),
        ("en", "2024-01-01", "January 1, 2024"),
    ],
)
def test_dates_at_their_precision(language: str, date: str, label: str) -> None:
    assert i18n.load(THEME, language, REPO).date(PartialDate.parse(date)) == label


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("fr", "fr_FR"),  # the language's likeliest country (CLDR)
        ("en", "en_US"),
        ("ar", "ar_EG"),
        ("en-GB", "en_GB"),  # the tag's own country
        ("pt-BR", "pt_BR"),
        ("zh-Hant", "zh_TW"),  # the likeliest country of the language in that script
        ("sr-Latn", "sr_RS"),
        ("eo", "eo"),  # CLDR's likeliest region is the world (001): no country made up
        ("es-419", "es"),  # Latin America is a region, not a country
    ],
)
def test_og_locale_is_language_underscore_country(tag: str, locale: str) -> None:
    assert i18n.og_locale(tag) == locale


def test_the_sites_og_locale_is_its_languages() -> None:
    assert i18n.load(THEME, "fr", REPO).og_locale == "fr_FR"
    assert i18n.load(THEME, "en", REPO).og_locale == "en_US"


def test_the_first_day_of_a_month_is_written_as_the_language_strings_say(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "de.yml").write_text('date_first_day: "1"\n')
    (tmp_path / "i18n" / "es.yml").write_text('date_first_day: "1.º"\n')
    (tmp_path / "i18n" / "it.yml").write_text('nav_home: "Home"\n')  # no rule: CLDR's own pattern
    first, second = PartialDate.parse("2024-01-01"), PartialDate.parse("2024-01-02")
    german = i18n.load(tmp_path, "de", tmp_path)
    assert (german.date(first), german.date(second)) == ("1. Januar 2024", "2. Januar 2024")  # the "." is CLDR's
    assert i18n.load(tmp_path, "es", tmp_path).date(first) == "1.º de enero de 2024"  # quoted letters stay literal
    assert i18n.load(tmp_path, "it", tmp_path).date(first) == "1 gennaio 2024"


@pytest.mark.parametrize(
    ("language", "first", "last", "ends"),
    [
        ("fr", "2024-03", "2024-11", ("mars", "novembre 2024")),  # "de mars à novembre 2024"
        ("fr", "2023-11", "2024-02", ("novembre 2023", "février 2024")),
        ("fr", "2014", "2024", ("2014", "2024")),
        ("fr", "2024-03", "2024-03", ("mars 2024", "mars 2024")),
        ("fr", "2024-03-01", "2024-03-15", ("1er mars 2024", "15 mars 2024")),  # days: each whole
        ("en", "2024-03", "2024-11", ("March", "November 2024")),  # "from March to November 2024"
        ("en", "2023-11", "2024-02", ("November 2023", "February 2024")),
        ("en", "2014", "2024", ("2014", "2024")),
    ],
)
def test_a_period_names_its_year_once_when_both_ends_share_it(
    language: str, first: str, last: str, ends: tuple[str, str]
) -> None:
    strings = i18n.load(THEME, language, REPO)
    assert strings.period(PartialDate.parse(first), PartialDate.parse(last)) == ends


SECRET = "secret-hors-du-projet-4242"
OUTSIDE = "symbolic link leads outside the project (hint: copy the file into the project instead)"


def _strings_linked_outside(root: Path, elsewhere: Path) -> tuple[Path, Path]:
    """The theme's French strings made a link to a copy outside the project, with a secret in it."""
    strings = root / "themes" / "default" / "i18n" / "fr.yml"
    outside = elsewhere / "fr.yml"
    outside.write_text(f"# {SECRET}\n" + strings.read_text(encoding="utf-8"), encoding="utf-8")
    strings.unlink()
    strings.symlink_to(outside)
    return strings, outside


def test_strings_are_read_only_from_inside_the_project(tmp_path: Path, tree: Callable[..., Path]) -> None:
    root = tree()
    strings, outside = _strings_linked_outside(root, tmp_path)
    with pytest.raises(ContentErrors) as caught:
        i18n.load(root / "themes" / "default", "fr", root)
    assert [p.format() for p in caught.value.diagnostics] == [f"themes/default/i18n/fr.yml: error: {OUTSIDE}"]
    assert SECRET not in str(caught.value)
    strings.unlink()
    (root / "shared").mkdir()
    (root / "shared" / "fr.yml").write_bytes(outside.read_bytes())
    strings.symlink_to(Path("..") / ".." / ".." / "shared" / "fr.yml")  # inside the project: read
    assert i18n.load(root / "themes" / "default", "fr", root).get("nav_home") == "Accueil"


def test_build_and_check_refuse_strings_linked_outside(
    tmp_path: Path, tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree()
    _strings_linked_outside(root, tmp_path)
    for result in (run("build", "--root", root, "--no-search"), run("check", "--root", root)):
        assert result.code == 1 and result.errors == [f"themes/default/i18n/fr.yml: error: {OUTSIDE}"]
        assert SECRET not in result.out + result.err
    assert not (root / "_site").exists()


def test_both_languages_have_the_same_strings() -> None:
    fr = i18n.load(THEME, "fr", REPO).strings
    en = i18n.load(THEME, "en", REPO).strings
    assert set(fr) == set(en)


def test_missing_string_is_an_error() -> None:
    with pytest.raises(DossierError, match="no UI string 'nope'"):
        i18n.load(THEME, "fr", REPO).get("nope")


@pytest.mark.parametrize(
    ("language", "count", "text"),
    [
        ("fr", 0, "0 élément"),  # French: 0 is singular
        ("fr", 1, "1 élément"),
        ("fr", 2, "2 éléments"),
        ("fr", 1.5, "1,5 élément"),  # and so is anything under 2
        ("fr", 1_000_000, "1\u202f000\u202f000 éléments"),  # "many": the file's "other" form
        ("en", 0, "0 items"),
        ("en", 1, "1 item"),
        ("en", 2, "2 items"),
        ("en", 1.5, "1.5 items"),
        ("en", 1000, "1,000 items"),
    ],
)
def test_plural_forms_follow_cldr(language: str, count: float, text: str) -> None:
    strings = i18n.load(THEME, language, REPO)
    assert strings.get("items_count", count=count) == text
    assert strings.count("items_count", count) == text


def test_a_count_in_a_sentence() -> None:
    fr = i18n.load(THEME, "fr", REPO)
    assert fr.get("search_count", count=0, query="x") == "0 résultat pour «\u00a0x\u00a0»"
    assert fr.get("search_count", count=3, query="x") == "3 résultats pour «\u00a0x\u00a0»"


def test_scripts_get_a_form_for_each_category_of_the_language() -> None:
    fr = i18n.load(THEME, "fr", REPO).plurals("timeline_shown")
    assert fr == {
        "one": "{count} entrée affichée",
        "many": "{count} entrées affichées",
        "other": "{count} entrées affichées",
    }
    assert list(i18n.load(THEME, "en", REPO).plurals("timeline_shown")) == ["one", "other"]


def test_a_plural_string_needs_its_count() -> None:
    strings = i18n.load(THEME, "fr", REPO)
    with pytest.raises(DossierError, match="no UI string 'items_count'"):
        strings.get("items_count")
    with pytest.raises(DossierError, match="no UI string 'nope_other'"):
        strings.plurals("nope")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_plural_string_has_its_other_form(language: str) -> None:
    strings = i18n.load(THEME, language, REPO).strings
    categories = ("zero", "one", "two", "few", "many")
    plural = {key.rsplit("_", 1)[0] for key in strings if key.rsplit("_", 1)[-1] in categories}
    assert plural and all(f"{key}_other" in strings for key in plural)
    assert all("{count}" in strings[f"{key}_other"] for key in plural)


COUNTED = {
    "content/topics/iran.md": '---\nlabel: "Iran"\n---\nL\'Iran.\n',  # nothing on it
    "content/topics/syrie.md": '---\nlabel: "Syrie"\n---\nLa Syrie.\n',
    "content/timeline/retrait.md": "---\ntitle: Retrait\ndate: 2014\ntopics: [irak, syrie]\n---\nRetrait.\n",
}


@pytest.mark.parametrize(
    ("language", "counts"),
    [("fr", ["2 éléments", "0 élément", "1 élément"]), ("en", ["2 items", "0 items", "1 item"])],
)
def test_the_built_site_counts_in_its_language(
    tree: Callable[..., Path], run: Callable[..., Run], language: str, counts: list[str]
) -> None:
    site = f'title: "Dossier"\nlanguage: {language}\nbase_url: /\n'
    root = tree({**COUNTED, "site.yml": site})
    assert run("build", "--root", root, "--no-search").code == 0
    page = (root / "_site" / "topics" / "index.html").read_text()
    assert re.findall(r'<span class="meta">([^<]+)</span>', page) == counts  # Irak, Iran, Syrie
    timeline = (root / "_site" / "timeline" / "index.html").read_text()
    shown = i18n.load(THEME, language, REPO).plurals("timeline_shown")
    attributes = re.findall(r'data-shown-(\w+)="([^"]+)"', timeline)
    assert attributes == list(shown.items()) and len(attributes) == (3 if language == "fr" else 2)


NEW_YEAR = {"content/timeline/nouvel-an.md": "---\ntitle: Nouvel an\ndate: 2024-01-01\ntopics: [irak]\n---\nLe 1er.\n"}


@pytest.mark.parametrize(("language", "label"), [("fr", "1er janvier 2024"), ("en", "January 1, 2024")])
def test_the_built_site_writes_the_first_of_a_month_in_its_language(
    tree: Callable[..., Path], run: Callable[..., Run], language: str, label: str
) -> None:
    root = tree({**NEW_YEAR, "site.yml": f'title: "Dossier"\nlanguage: {language}\nbase_url: /\n'})
    assert run("build", "--root", root, "--no-search").code == 0
    time = f'<time datetime="2024-01-01">{label}</time>'  # the attribute stays ISO
    for page in ("timeline/index.html", "topics/irak/index.html"):
        assert time in (root / "_site" / page).read_text(), page
    data = json.loads((root / "_site" / "timeline.json").read_text())
    [event] = [e for e in data["events"] if e["text"]["headline"] == "Nouvel an"]
    assert event["start_date"]["display_date"] == label
