"""The versions of a dispatch: the words each new seed added and removed, and how the page shows them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from browser import chromium
from conftest import REPO, Run
from test_search import _build, _serve
from test_site import copy_project

from dossier.commands import build as build_command
from dossier.commands import importer
from dossier.errors import ContentErrors
from dossier.link import versions
from dossier.link.versions import ADDED, REMOVED, SAME, Excerpt, Piece
from dossier.options import Options
from dossier.publish import output
from dossier.source import seeds

VNU = REPO / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SEED = "seeds/000_d2c93f48316b947f.txt"
SLUG = "irak-fin-de-la-coalition"
ADDED_PARAGRAPH = (
    "Le Premier ministre irakien Mohammed Chia al-Soudani doit se rendre à Washington en avril, a indiqué son bureau."
)


def seed(text: str, path: str = "seeds/s.txt") -> seeds.Seed:
    parsed, problems = seeds.parse(path, text.encode())
    assert parsed is not None, problems
    return parsed


def shown(excerpt: Excerpt) -> str:
    """An excerpt as a reader sees it: removed words [-like this-], added ones {+like this+};
    a paragraph added starts with "¶+ ", a paragraph removed with "¶- "."""
    marks = {SAME: "{}", REMOVED: "[-{}-]", ADDED: "{{+{}+}}"}
    text = " ".join(marks[p.kind].format(p.text) for p in excerpt.pieces)
    label = {SAME: "", ADDED: "¶+ ", REMOVED: "¶- "}[excerpt.paragraph]
    return label + ("" if excerpt.starts else "… ") + text + ("" if excerpt.ends else " …")


WORDS = " ".join(f"w{i}" for i in range(40))  # forty distinct words: context is easy to see


def test_a_corrected_word_is_shown_removed_and_added_with_a_few_words_around_it() -> None:
    old = seed(f"date 2024-03\n{WORDS}\n")
    new = seed(f"date 2024-03-06\n{WORDS.replace('w20', 'W20')}\n", "seeds/v2.txt")
    change = versions.compare(old, new)
    assert (change.added, change.removed, change.cut) == (1, 1, False)
    assert [shown(e) for e in change.excerpts] == [
        "… w14 w15 w16 w17 w18 w19 [-w20-] {+W20+} w21 w22 w23 w24 w25 w26 …"
    ]
    assert (change.seed, change.date.iso(), change.previous.iso()) == ("seeds/v2.txt", "2024-03-06", "2024-03")


def test_an_added_paragraph_is_shown_whole_as_a_new_paragraph_without_the_one_before() -> None:
    old = seed(f"date 2024-03\n{WORDS}\n")
    new = seed(f"date 2024-03-06\n{WORDS}\n\nUn paragraphe de plus.\n")
    change = versions.compare(old, new)
    assert (change.added, change.removed) == (4, 0)
    assert [shown(e) for e in change.excerpts] == ["¶+ {+Un paragraphe de plus.+}"]


def test_a_word_changed_before_an_added_paragraph_is_shown_in_its_paragraph_only() -> None:
    """The reviewer's case: the last paragraph edited and one added after it. The edit is an
    excerpt of its paragraph, the new paragraph another; its last word is not shown changed."""
    last = "le sentiment que leur présence pose plus de problèmes qu'elle n'apporte de solutions."
    old = seed(f"date 2024-03\nLe premier paragraphe reste.\n\n{last}\n")
    added = "Le Pentagone n'a pas souhaité commenter."
    edited = last.replace("le sentiment", "l'impression")
    new = seed(f"date 2024-03-06\nLe premier paragraphe reste.\n\n{edited}\n\n{added}\n")
    change = versions.compare(old, new)
    assert [shown(e) for e in change.excerpts] == [
        "[-le sentiment-] {+l'impression+} que leur présence pose plus de …",
        f"¶+ {{+{added}+}}",
    ]
    assert (change.added, change.removed) == (7, 2)
    only_added = versions.compare(old, seed(f"date 2024-03-06\nLe premier paragraphe reste.\n\n{last}\n\n{added}\n"))
    assert [shown(e) for e in only_added.excerpts] == [f"¶+ {{+{added}+}}"]


def test_the_context_of_a_change_stays_inside_its_paragraph() -> None:
    before, after = "militia leader in Baghdad.", "The coalition was formed in 2014 to fight the Islamic State in Iraq."
    old = seed(f"date 2024\nA drone strike killed a {before}\n\n{after}\n")
    new = seed(f"date 2024\nA drone strike killed a senior {before}\n\n{after}\n")
    assert [shown(e) for e in versions.compare(old, new).excerpts] == [
        "A drone strike killed a {+senior+} militia leader in Baghdad."
    ]
    new = seed(f"date 2024\n{before.replace('Baghdad', 'Bagdad')}\n\n{after.replace('2014', '2015')}\n")
    old = seed(f"date 2024\n{before}\n\n{after}\n")
    assert [shown(e) for e in versions.compare(old, new).excerpts] == [
        "militia leader in [-Baghdad.-] {+Bagdad.+}",
        "The coalition was formed in [-2014-] {+2015+} to fight the Islamic State in …",
    ]


def test_a_removed_paragraph_and_a_rewritten_one_are_shown_whole() -> None:
    first, second, third = "Le premier reste.", "Le second est retiré.", "Le troisième reste aussi."
    old = seed(f"date 2024\n{first}\n\n{second}\n\n{third}\n")
    gone = versions.compare(old, seed(f"date 2024\n{first}\n\n{third}\n"))
    assert [shown(e) for e in gone.excerpts] == [f"¶- [-{second}-]"]
    assert (gone.added, gone.removed) == (0, 4)
    rewritten = versions.compare(old, seed(f"date 2024\n{first}\n\nTout autre chose ici.\n\n{third}\n"))
    assert [shown(e) for e in rewritten.excerpts] == [f"¶- [-{second}-]", "¶+ {+Tout autre chose ici.+}"]


def test_an_edited_paragraph_is_matched_with_the_new_paragraph_most_like_it() -> None:
    """A new paragraph inserted before an edited one: the edit is found in the right paragraph."""
    long = " ".join(f"w{i}" for i in range(12))
    old = seed(f"date 2024\nAvant.\n\n{long}\n")
    new = seed(f"date 2024\nAvant.\n\nw0 w1 un ajout.\n\n{long.replace('w11', 'W11')}\n")
    assert [shown(e) for e in versions.compare(old, new).excerpts] == [
        "¶+ {+w0 w1 un ajout.+}",
        "… w5 w6 w7 w8 w9 w10 [-w11-] {+W11+}",
    ]


def test_changes_close_together_share_an_excerpt_and_far_ones_do_not() -> None:
    old = seed(f"date 2024\n{WORDS}\n")
    close = versions.compare(old, seed(f"date 2024\n{WORDS.replace('w10 ', '').replace('w15', 'X')}\n"))
    assert [shown(e) for e in close.excerpts] == [
        "… w4 w5 w6 w7 w8 w9 [-w10-] w11 w12 w13 w14 [-w15-] {+X+} w16 w17 w18 w19 w20 w21 …"
    ]
    far = versions.compare(old, seed(f"date 2024\n{WORDS.replace('w2 ', '').replace('w37', 'X')}\n"))
    assert [shown(e) for e in far.excerpts] == [
        "w0 w1 [-w2-] w3 w4 w5 w6 w7 w8 …",
        "… w31 w32 w33 w34 w35 w36 [-w37-] {+X+} w38 w39",
    ]


def test_paragraphs_are_compared_one_to_one_and_line_breaks_are_not_changes() -> None:
    first, second = "Le premier paragraphe reste le même.", "Le second aussi, mot pour mot."
    old = seed(f"date 2024\n{first}\n\n{second}\n")
    same_words = versions.compare(old, seed(f"date 2024\n{first.replace(' reste', chr(10) + 'reste')}\n\n{second}\n"))
    assert (same_words.added, same_words.removed, same_words.excerpts) == (0, 0, ())
    inserted = versions.compare(old, seed(f"date 2024\n{first}\n\nUn nouveau.\n\n{second}\n"))
    assert [shown(e) for e in inserted.excerpts] == ["¶+ {+Un nouveau.+}"]


def test_a_huge_rewrite_is_cut_and_says_so() -> None:
    old = seed("date 2024\n" + " ".join(f"a{i}" for i in range(1000)) + "\n")
    new = seed("date 2024\n" + " ".join(f"b{i}" for i in range(1000)) + "\n")
    change = versions.compare(old, new)
    assert (change.added, change.removed, change.cut) == (1000, 1000, True)
    [excerpt] = change.excerpts
    changed = [p for p in excerpt.pieces if p.kind != SAME]
    assert sum(len(p.text.removesuffix(" …").split()) for p in changed) == versions.MAX_SHOWN
    assert changed[-1].text.endswith(" …") and not excerpt.ends


def test_capped_stops_at_the_limit_between_excerpts() -> None:
    excerpts = [Excerpt((Piece(SAME, "a"), Piece(ADDED, "b c")), False, False) for _ in range(3)]
    assert versions.capped(excerpts, limit=4) == (tuple(excerpts[:2]), True)
    assert versions.capped(excerpts, limit=6) == (tuple(excerpts), False)


def test_history_lists_the_changes_newest_first_and_dates_the_current_version() -> None:
    chain = (
        seed("date 2024-03\nUn deux trois\n", "seeds/v1.txt"),
        seed("date 2024-03-05\nUn deux trois quatre\n", "seeds/v2.txt"),
        seed("date 2024-03-06\nUn deux trois quatre cinq\n", "seeds/v3.txt"),
    )
    made = versions.history(chain)
    assert made.updated.iso() == "2024-03-06"
    assert [(c.seed, c.previous.iso(), c.added) for c in made.changes] == [
        ("seeds/v3.txt", "2024-03-05", 1),
        ("seeds/v2.txt", "2024-03", 1),
    ]


# -- a dossier with a dispatch in two versions ---------------------------------------------


def second_version(root: Path) -> str:
    """A longer version of the shipped seed: newer date header, a word corrected, a paragraph added."""
    text = (root / SEED).read_text(encoding="utf-8")
    text = text.replace("date 2024-03", "date 2024-03-06", 1).replace("répit aux négociations", "répit aux pourparlers")
    rel = "seeds/reuters-2024-03-06.txt"
    (root / rel).write_text(text.rstrip("\n") + f"\n\n{ADDED_PARAGRAPH}\n", encoding="utf-8")
    return rel


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped dossier with its article updated to a second version, built."""
    root = copy_project(tmp_path_factory.mktemp("versions"))
    outcome = importer.run(root, [second_version(root)], update_of=SLUG)
    assert outcome.problems == () and [i.action for i in outcome.imported] == ["new version"]
    build_command.build(Options(root=root, search=False, cache=False))
    return root


def page(root: Path) -> str:
    return (root / "_site" / "articles" / SLUG / "index.html").read_text(encoding="utf-8")


def test_the_page_says_when_the_text_was_updated_from_the_seeds_date(updated: Path) -> None:
    html = page(updated)
    assert 'Mis à jour le <time datetime="2024-03-06">6 mars 2024</time>' in html
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert (jsonld["temporalCoverage"], jsonld["dateModified"]) == ("2024-03", "2024-03-06")
    assert jsonld["isBasedOn"]["datePublished"] == "2024-03-06"  # the dispatch it is based on: its latest version


def test_the_versions_section_lists_the_words_added_and_removed(updated: Path) -> None:
    html = page(updated)
    section = html[html.index('<section class="versions"') :]
    section = section[: section.index("</section>")]
    assert '<h2 id="versions">Versions</h2>' in section
    assert "6 mars 2024 (version précédente\u00a0: mars 2024) — 19 mots ajoutés, 1 mot retiré" in section
    hidden = '<span class="visually-hidden">'
    assert re.search(f"répit aux <del>{hidden}retiré\u00a0: </span>négociations.</del> <ins>{hidden}ajouté", section)
    assert re.search(
        f'<li class="version-paragraph"><span class="version-label">Nouveau paragraphe\u00a0:</span> '
        f"<ins>{hidden}ajouté\u00a0: </span>{re.escape(ADDED_PARAGRAPH)}</ins></li>",
        section,
    )  # a paragraph of its own, said so, and the corrected word in its paragraph only:
    assert re.search(
        "<li>… [^<]* répit aux <del>[^/]*/span>négociations.</del> <ins>[^/]*/span>pourparlers.</ins></li>", section
    )
    assert section.count("<del>") == 1 and section.count("<ins>") == 2  # excerpts, not the text twice
    assert "data-pagefind-ignore" in section.split(">", 1)[0]  # the removed words are not searched


def test_the_feed_entry_is_updated_at_the_latest_version_and_published_at_the_first(updated: Path) -> None:
    feed = feedparser.parse((updated / "_site" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    entry = next(e for e in feed.entries if e.link.rstrip("/").endswith(SLUG))
    assert (entry.published, entry.updated) == ("2024-03-01T00:00:00Z", "2024-03-06T00:00:00Z")


def test_the_page_with_versions_is_valid_html(updated: Path) -> None:
    """The W3C Nu Html Checker over the updated article's page, as tests/test_site.py runs it."""
    assert VNU.is_file(), "run .ci/setup (npm install in tests/tools) to get the Nu Html Checker"
    target = updated / "_site" / "articles" / SLUG / "index.html"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_versions_section_is_as_wide_as_the_text_column(updated: Path, tmp_path: Path) -> None:
    """In Chromium, on a wide screen (notes in the margin) and a phone: the section's box is the
    text column's, never past it into the notes' margin."""
    root = tmp_path / "served"
    shutil.copytree(updated, root, ignore=shutil.ignore_patterns("_site", ".dossier-cache"))
    box = "s => { const b = document.querySelector(s).getBoundingClientRect(); return [b.left, b.right]; }"
    for served in _serve(_build(root, "--no-search")):
        with chromium() as browser:
            for width in (1280, 1024, 390):
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto(served.url + f"articles/{SLUG}/", wait_until="load")
                section, column = page.evaluate(box, ".versions"), page.evaluate(box, ".text .block > p")
                context.close()
                assert section == pytest.approx(column, abs=0.5), f"at {width} px: {section} is not {column}"


def test_the_english_theme_says_it_in_english(updated: Path, tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "en"
    shutil.copytree(updated, root, ignore=shutil.ignore_patterns("_site", ".dossier-cache"))
    settings = root / "site.yml"
    settings.write_text(re.sub(r"(?m)^language: fr$", "language: en", settings.read_text(encoding="utf-8")))
    assert "language: en" in settings.read_text(encoding="utf-8")
    assert run("build", "--root", root, "-q", "--no-search").code == 0
    html = page(root)
    assert 'Updated <time datetime="2024-03-06">March 6, 2024</time>' in html
    assert "March 6, 2024 (previous version: March 2024) — 19 words added, 1 word removed" in html
    assert '<span class="version-label">New paragraph:</span> <ins>' in html


def files(folder: Path) -> dict[str, bytes]:
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    found.pop(output.MARKER, None)
    return found


def test_builds_from_the_cache_equal_clean_ones_through_an_update(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    out, clean = tmp_path / "site", tmp_path / "clean"

    def same_as_clean(step: str) -> build_command.Summary:
        summary = build_command.build(Options(root=root, out=out, search=False))
        shutil.rmtree(clean, ignore_errors=True)
        build_command.build(Options(root=root, out=clean, search=False, cache=False))
        assert files(out) == files(clean), step
        return summary

    same_as_clean("before the update")
    assert importer.run(root, [second_version(root)], update_of=SLUG).problems == ()
    same_as_clean("after the update")
    assert "Mis à jour le" in (out / "articles" / SLUG / "index.html").read_text(encoding="utf-8")
    third = (root / "seeds/reuters-2024-03-06.txt").read_text(encoding="utf-8").replace("2024-03-06", "2024-03-07", 1)
    (root / "seeds/reuters-2024-03-07.txt").write_text(third.replace("son bureau", "ses services"), encoding="utf-8")
    assert importer.run(root, ["seeds/reuters-2024-03-07.txt"], update_of=SLUG).problems == ()
    same_as_clean("after a third version")
    assert "ses services" in (out / "articles" / SLUG / "index.html").read_text(encoding="utf-8")
    note = root / "content" / "annotations" / "coalition-2014.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    resumed = same_as_clean("after a note's edit")
    assert resumed.counts.unchanged > 0  # resumed from the cache, which holds the versions
    earlier = root / SEED
    kept = earlier.read_bytes()
    earlier.write_bytes(kept.replace(b"Washington", b"Washington D.C.", 1))
    with pytest.raises(ContentErrors) as refused:
        build_command.build(Options(root=root, out=out, search=False))
    assert [d.message for d in refused.value.diagnostics] == [
        f"the earlier seed {SEED} has changed since the article was updated from it (its SHA-256 differs)"
    ]
    earlier.write_bytes(kept)
    same_as_clean("after the earlier seed is restored")
