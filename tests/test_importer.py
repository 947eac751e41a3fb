from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Run, refuse_listing
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.commands import importer, writing
from dossier.link import htmltext
from dossier.source import seeds
from dossier.source.markup import Markdown

SEED = REPO / "seeds" / "000_d2c93f48316b947f.txt"
EXPECTED = Path(__file__).parent / "golden-import" / "content" / "articles"
MD = Markdown()


def rendered_paragraphs(markdown: str) -> list[str]:
    return [t for t in htmltext.block_texts(htmltext.build(MD.convert(markdown))) if t]


def seed_paragraphs(seed: seeds.Seed) -> list[str]:
    return [htmltext.normalize_space(p.text) for p in seed.paragraphs]


def test_rendered_text_equals_the_seed_text() -> None:
    seed, problems = seeds.parse("seeds/s.txt", SEED.read_bytes())
    assert problems == [] and seed is not None
    assert rendered_paragraphs(importer.to_markdown(seed)) == seed_paragraphs(seed)


SPECIAL = "*_`#<>&[]()!{}|\\-+=.:;~^1234567890 \n"
LINES = st.text(alphabet=st.sampled_from(list(SPECIAL) + list("abcdéÉ«»\"'")), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES.filter(lambda s: s.strip()), min_size=1, max_size=5))
def test_any_wire_text_renders_to_itself_line_by_line(paragraphs: list[str]) -> None:
    raw = "date 2024\n" + "\n\n".join(p.strip("\n").replace("\n\n", "\n") for p in paragraphs)
    seed, problems = seeds.parse("s.txt", raw.encode())
    assert seed is not None, problems
    assert rendered_paragraphs(importer.to_markdown(seed)) == seed_paragraphs(seed)
    lines = [[htmltext.normalize_space(line) for line in p.text.split("\n")] for p in seed.paragraphs]
    assert rendered_lines(importer.to_markdown(seed)) == lines  # the wire's line breaks show on the page


@pytest.mark.parametrize(
    ("first", "title", "slug"),
    [
        (
            "WASHINGTON (AP) — The talks on the future of the coalition resumed on Tuesday.",
            "The talks on the future of the coalition resumed on Tuesday",
            "the-talks-on-the-future-of-the-coalition-resumed-on-tuesday",
        ),
        (
            "BAGDAD, 5 janvier (Reuters) - Les discussions reprennent.",
            "Les discussions reprennent",
            "les-discussions-reprennent",
        ),
        ("PARIS, 3 mars (AFP) - Le ministre est arrivé.", "Le ministre est arrivé", "le-ministre-est-arrive"),
        ("LONDRES (Reuters) \u2013 La réunion est reportée.", "La réunion est reportée", "la-reunion-est-reportee"),
        ("Les discussions (AFP) reprennent.", "Les discussions (AFP) reprennent", "les-discussions-afp-reprennent"),
        (
            "Les discussions reprennent-elles ? Oui.",
            "Les discussions reprennent-elles ?",
            "les-discussions-reprennent-elles",
        ),
        ("Les discussions reprennent ! Enfin.", "Les discussions reprennent !", "les-discussions-reprennent"),
        ("Les discussions reprennent… Enfin.", "Les discussions reprennent…", "les-discussions-reprennent"),
    ],
)
def test_the_default_title_and_slug_skip_the_dateline_the_text_keeps_it(first: str, title: str, slug: str) -> None:
    seed, _ = seeds.parse("seeds/s.txt", f"date 2024\n{first}\n\nSuite.\n".encode())
    assert seed is not None
    assert importer.provisional_title(seed) == title
    assert importer.slug_for(importer.provisional_title(seed)) == slug
    made = importer.draft(seed, [])
    assert made.slug == slug
    assert made.text.split("---\n", 2)[2].startswith(importer.escape_line(first))  # provenance: the wire as sent


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("un deux trois quatre", 12, "un deux…"),
        (
            "la fin de la coalition militaire dirigée par les Etats-Unis",
            55,
            "la fin de la coalition militaire dirigée…",
        ),
        ("the end of the coalition led by the United States", 42, "the end of the coalition led…"),
        ("les forces de l'Irak et d'autres", 28, "les forces de l'Irak…"),
        ("Il a déclaré à Reuters", 16, "Il a déclaré…"),
    ],
)
def test_a_cut_title_never_ends_on_an_article_or_a_preposition(text: str, limit: int, expected: str) -> None:
    assert importer.cut(text, limit) == expected


def test_a_slug_is_cut_at_a_word_and_never_ends_on_an_article_or_a_preposition() -> None:
    title = "Les discussions entre les Etats-Unis et l'Irak sur la fin de la coalition militaire dirigée…"
    assert importer.slug_for(title) == "les-discussions-entre-les-etats-unis-et-l-irak-sur-la-fin"
    assert importer.slug_for("Retour à l'Irak") == "retour-a-l-irak"
    assert importer.slug_for("Les négociations avec l'") == "les-negociations"
    assert importer.slug_for("…") == "article"
    assert len(importer.slug_for("x" * 80)) == importer.SLUG_LENGTH


def test_provisional_title_is_the_first_sentence() -> None:
    assert importer.first_sentence("Une phrase. Une autre.") == "Une phrase."
    assert importer.first_sentence("M. 3.5 millions de dollars. Fin.") == "M. 3.5 millions de dollars."


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ("Les discussions reprennent.", "Les discussions reprennent"),
        ("Le ministre est arrivé .", "Le ministre est arrivé"),
        ("Reprendront-elles ?", "Reprendront-elles ?"),
        ("Elles reprennent !", "Elles reprennent !"),
        ("Elles reprennent…", "Elles reprennent…"),
        ("Elles reprennent...", "Elles reprennent..."),  # an ellipsis typed as three stops
        ("Talks with the U.S.", "Talks with the U.S."),  # the stop is the abbreviation's
        ("3.5 millions de dollars", "3.5 millions de dollars"),
        (".", "."),  # a title is never empty
    ],
)
def test_a_title_has_no_final_full_stop(sentence: str, title: str) -> None:
    assert importer.without_full_stop(sentence) == title


def fresh_tree(tmp_path: Path) -> Path:
    root = tmp_path / "fresh"
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "content" / "topics", root / "content" / "topics")
    shutil.copytree(REPO / "dossier" / "themes", root / "themes")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    return root


def test_import_into_a_fresh_tree(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    result = run("import", "--root", root)
    assert result.code == 0, result.err
    [written] = sorted((root / "content" / "articles").glob("*.md"))
    assert result.out.startswith(f"content/articles/{written.name}: created from seeds/000_d2c93f48316b947f.txt")
    expected = EXPECTED / written.name
    assert written.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    # a draft: built only with --drafts, and its text passes the provenance check
    assert run("check", "--root", root, "--drafts").code == 0
    assert run("build", "--root", root).code == 0
    assert not (root / "_site" / "articles" / written.stem).exists()
    assert run("build", "--root", root, "--drafts").code == 0
    page = (root / "_site" / "articles" / written.stem / "index.html").read_text(encoding="utf-8")
    assert "Texte d&#39;agence intégral" in page


SEED_REL = "seeds/000_d2c93f48316b947f.txt"


def imported(root: Path, run: Callable[..., Run]) -> Path:
    assert run("import", "--root", root).code == 0
    [written] = (root / "content" / "articles").glob("*.md")
    return written


def test_import_again_does_nothing_and_says_so(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    written = imported(root, run)
    written.write_text(written.read_text().replace("draft: true", "draft: false"))
    edited = written.read_bytes()
    again = run("import", "--root", root)
    assert again.code == 0 and again.out == "nothing to import: every seed has an article\n"
    for args in (["000_d2c93f48316b947f.txt"], [SEED_REL, "--update"], ["--update"]):
        named = run("import", "--root", root, *args)
        assert named.code == 0 and named.err == ""
        assert (
            named.out
            == f"content/articles/{written.name}: unchanged ({SEED_REL} has not changed since it was imported)\n"
        )
    assert written.read_bytes() == edited
    assert len(list((root / "content" / "articles").glob("*.md"))) == 1


EDITED_FRONT_MATTER = """\
---
# checked by the desk, 12 March
title: "Irak : la fin de la coalition attendra la présidentielle américaine"
source: Reuters  # wire
date: 2024-03
topics: [irak, coalition-internationale]
summary: 'Un résumé écrit par la rédaction.'
seed_sha256: OLD  # the seed as imported
seed: seeds/000_d2c93f48316b947f.txt
draft: false
---
"""


def edit_front_matter(article: Path) -> str:
    """The editor's front matter, in their own order and with their comments, on the article."""
    old_hash = re.search(r"(?m)^seed_sha256: (\w+)", article.read_text()).group(1)  # type: ignore[union-attr]
    front = EDITED_FRONT_MATTER.replace("OLD", old_hash)
    body = article.read_text().split("---\n", 2)[2]
    article.write_text(front + body, encoding="utf-8")
    return front


def change_seed(root: Path) -> tuple[str, str]:
    path = root / SEED_REL
    text = path.read_text(encoding="utf-8").replace(
        "un peu de répit aux négociations", "un peu de répit aux pourparlers"
    )
    path.write_text(text, encoding="utf-8")
    return text, hashlib.sha256(path.read_bytes()).hexdigest()


def test_update_replaces_the_text_and_the_hash_and_keeps_every_editorial_line(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = fresh_tree(tmp_path)
    article = imported(root, run)
    front = edit_front_matter(article)
    note = f'---\narticle: {article.stem}\nquote: "un peu de répit"\nkind: contexte\n---\nUne note.\n'
    (root / "content" / "annotations").mkdir()
    (root / "content" / "annotations" / "repit.md").write_text(note, encoding="utf-8")
    _, new_hash = change_seed(root)

    stale = run("check", "--root", root, "--drafts")  # the build's own hint names the command
    assert stale.code == 1
    assert f"import --update {SEED_REL}" in stale.err and "--force" not in stale.err

    refused = run("import", "--root", root, SEED_REL)  # without --update: said, nothing written
    assert refused.code == 1 and refused.out == ""
    assert refused.errors == [
        f"content/articles/{article.name}:8: error: the seed {SEED_REL} has changed since it was imported"
        f" (its SHA-256 differs) (hint: dossier import --update {SEED_REL} replaces the text and seed_sha256, and keeps"
        " every other field)"
    ]
    assert article.read_text(encoding="utf-8").startswith(front)

    done = run("import", "--root", root, SEED_REL, "--update")
    assert done.code == 0, done.err
    assert done.out == (
        f"content/articles/{article.name}: updated: text and seed_sha256 from {SEED_REL};"
        " 1 note to check: run dossier check\n"
    )
    old_hash = re.search(r"seed_sha256: (\w+)", front).group(1)  # type: ignore[union-attr]
    text = article.read_text(encoding="utf-8")
    assert text.startswith(front.replace(old_hash, new_hash))  # every other byte of the front matter kept
    seed, _ = seeds.read(root, SEED_REL)
    assert seed is not None
    assert text == front.replace(old_hash, new_hash) + importer.to_markdown(seed)
    assert run("check", "--root", root).code == 0  # not a draft any more: built, and its note still anchors
    again = run("import", "--root", root, SEED_REL, "--update")
    assert again.code == 0 and "unchanged" in again.out and article.read_text(encoding="utf-8") == text


def test_update_keeps_line_endings_and_brings_back_a_removed_hash(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    article = imported(root, run)
    lines = article.read_text(encoding="utf-8").split("\n")
    lines = [line for line in lines if not line.startswith("seed_sha256:")]
    article.write_bytes("\r\n".join(lines).encode())
    seed = root / SEED_REL
    seed.write_bytes(seed.read_bytes().replace(b"date 2024-03", b"date 2024-04", 1))
    new_hash = hashlib.sha256(seed.read_bytes()).hexdigest()
    assert run("import", "--root", root, SEED_REL).code == 1  # no hash: it cannot tell, and says to update
    done = run("import", "--root", root, SEED_REL, "--update")
    assert done.code == 0, done.err
    assert done.out.endswith("; run dossier check --drafts (the seed is dated 2024-04: the article's date is kept)\n")
    assert b"\r\ndate: 2024-03\r\n" in article.read_bytes()
    data = article.read_bytes().decode()
    assert "\n" not in data.replace("\r\n", "")
    assert f"seed: {SEED_REL}\r\nseed_sha256: {new_hash}\r\ndraft: true" in data
    assert run("check", "--root", root, "--drafts").code == 0


def test_force_is_gone_and_says_to_use_update(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    forced = run("import", "--root", root, SEED_REL, "--force")
    assert forced.code == 2 and "--update" in forced.err
    assert not (root / "content" / "articles").exists()


def test_a_batch_imports_the_good_seeds_and_reports_every_bad_one(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    (root / "seeds" / "sans-date.txt").write_text("\nUn texte sans date.\n")
    (root / "seeds" / "vide.txt").write_text("")
    (root / "seeds" / "latin1.txt").write_bytes("date 2024\nT\xe9h\xe9ran\n".encode("latin-1"))
    (root / "seeds" / "date-impossible.txt").write_text("Agence\n\ndate 2024-02-30\nTexte.\n")
    result = run("import", "--root", root)
    assert result.code == 1
    assert result.errors == [
        "seeds/date-impossible.txt:1: error: no date header (hint: a seed starts with its date, 'date 2024-03'"
        " (or YYYY, YYYY-MM-DD), on a line of its own or before its first words)",
        "seeds/latin1.txt:2: error: file is not UTF-8 (byte 0xe9 at offset 11) (hint: save the file as UTF-8)",
        "seeds/sans-date.txt:2: error: no date header (hint: a seed starts with its date, 'date 2024-03'"
        " (or YYYY, YYYY-MM-DD), on a line of its own or before its first words)",
        "seeds/vide.txt:1: error: empty seed"
        " (hint: a seed is the dispatch as received: its date header ('date 2024-03'), then its text)",
    ]
    assert result.err.splitlines()[-1].startswith("4 errors")
    [written] = (root / "content" / "articles").glob("*.md")
    assert (
        result.out
        == f"content/articles/{written.name}: created from {SEED_REL} (a draft: check its title, summary and topics)\n"
    )
    outside = run("import", "--root", root, "../x.txt")
    assert outside.errors == [
        "../x.txt: error: the seed is outside the project (hint: copy it into seeds/ (a dossier keeps its seeds),"
        " then import seeds/x.txt)"
    ]


def test_a_seed_path_through_its_folder_is_that_seed_and_a_folder_is_said_to_be_one(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = fresh_tree(tmp_path)
    folder = run("import", "--root", root, "seeds")
    assert folder.code == 1 and folder.errors == [
        "seeds: error: a folder, not a seed file"
        " (hint: name its files, or run import without a seed: every file of seeds/ without an article)"
    ]
    assert not list((root / "content" / "articles").glob("*.md"))
    roundabout = run("import", "--root", root, "./seeds/../" + SEED_REL)
    assert roundabout.code == 0, roundabout.err
    assert f"created from {SEED_REL} " in roundabout.out


def test_slug_names_the_new_article(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    (root / "seeds" / "b.txt").write_text("date 2024-04\nBAGDAD (Reuters) - Un autre texte.\n")
    for args, message in [
        (["--slug", "Irak fin"], "--slug 'Irak fin' is not a valid slug (hint: --slug irak-fin)"),
        (["--slug", "x"], "--slug names one article: give exactly one SEED"),
        ([SEED_REL, "seeds/b.txt", "--slug", "x"], "--slug names one article: give exactly one SEED"),
    ]:
        refused = run("import", "--root", root, *args)
        assert refused.code == 2 and refused.err == f"error: {message}\n"
    done = run("import", "--root", root, SEED_REL, "--slug", "irak-fin-de-la-coalition")
    assert done.code == 0 and done.out.startswith("content/articles/irak-fin-de-la-coalition.md: created")
    taken = run("import", "--root", root, "seeds/b.txt", "--slug", "irak-fin-de-la-coalition")
    assert taken.code == 2
    assert taken.err == (
        "error: --slug irak-fin-de-la-coalition: content/articles/irak-fin-de-la-coalition.md already exists"
        " (hint: choose another slug)\n"
    )
    missing = run("import", "--root", root, "seeds/absent.txt", "--slug", "autre")
    assert missing.code == 1 and missing.errors == [
        "seeds/absent.txt: error: no such seed file"
        " (hint: a seed is looked for from the working folder, the project's and seeds/)"
    ]
    other = run("import", "--root", root, SEED_REL, "--slug", "autre")
    assert other.code == 2 and "already has an article, content/articles/irak-fin-de-la-coalition.md" in other.err
    assert sorted(p.name for p in (root / "content" / "articles").glob("*.md")) == ["irak-fin-de-la-coalition.md"]


def test_an_article_naming_its_seed_another_way_is_still_its_article(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    article = imported(root, run)
    article.write_text(article.read_text().replace(f"seed: {SEED_REL}", f"seed: ./{SEED_REL}"))
    again = run("import", "--root", root, SEED_REL)
    assert again.code == 0 and again.out.startswith(f"content/articles/{article.name}: unchanged")
    assert [p.name for p in (root / "content" / "articles").glob("*.md")] == [article.name]


def rendered_lines(markdown: str) -> list[list[str]]:
    """Each rendered paragraph's lines: its text cut at the ``<br>`` the page shows."""
    html = MD.convert(markdown)
    return [
        [htmltext.normalize_space(htmltext.build(piece).text) for piece in re.split(r"<br\s*/?>", paragraph)]
        for paragraph in re.findall(r"<p>(.*?)</p>", html, flags=re.DOTALL)
    ]


def test_a_note_anchors_across_a_line_break_of_the_wire(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    wire = "date 2024-03-05\nBAGDAD, 5 mars (Reuters) -\nLes discussions reprennent\nce mardi.\n"
    root = tree({"seeds/ligne.txt": wire})
    assert run("import", "--root", root, "seeds/ligne.txt").code == 0
    (article,) = (root / "content/articles").glob("les-discussions*.md")
    assert "Les discussions reprennent<br>\nce mardi." in article.read_text(encoding="utf-8")
    made = run(
        "new", "annotation", "--root", root, "--article", article.stem, "--quote", "reprennent ce mardi", "--text", "N."
    )
    assert made.code == 0, made.err
    built = run("build", "--root", root, "--drafts", "--no-search")
    assert built.code == 0, built.err
    page = (root / "_site/articles" / article.stem / "index.html").read_text(encoding="utf-8")
    assert re.search(r"reprennent<br>\s*ce mardi", re.sub(r"<[^b/][^>]*>|</(?!p)[^>]*>", "", page))


def test_a_plain_import_says_which_seeds_changed(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"seeds/a.txt": "date 2024\nPremier.\n", "seeds/b.txt": "date 2024\nSecond.\n"})
    assert run("import", "--root", root).code == 0
    again = run("import", "--root", root)
    assert (again.code, again.out, again.err) == (0, "nothing to import: every seed has an article\n", "")
    (root / "seeds/b.txt").write_text("date 2024\nSecond, corrigé.\n", encoding="utf-8")
    changed = run("import", "--root", root)
    assert changed.code == 1
    assert [line.split(": error: ")[1] for line in changed.errors] == [
        "the seed seeds/b.txt has changed since it was imported (its SHA-256 differs)"
        " (hint: dossier import --update seeds/b.txt replaces the text and seed_sha256, and keeps every other field)"
    ]


def test_the_same_wire_under_a_second_name_is_not_a_second_article(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"seeds/a.txt": "date 2024\nUn texte.\n", "seeds/copie.txt": "date 2024\nUn texte.\n"})
    result = run("import", "--root", root)
    assert result.code == 1
    assert (
        result.out
        == "content/articles/un-texte.md: created from seeds/a.txt (a draft: check its title, summary and topics)\n"
    )
    assert result.errors == [
        "seeds/copie.txt: error: the same text as seeds/a.txt, imported as content/articles/un-texte.md:"
        " not imported again (hint: delete the copy, or import it with --slug SLUG to make a second article of it)"
    ]
    second = run("import", "--root", root, "seeds/copie.txt", "--slug", "copie")
    assert second.code == 0


def test_a_seed_typed_from_a_folder_of_the_project(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree({"seeds/a.txt": "date 2024\nUn texte.\n"})
    monkeypatch.chdir(root / "content")
    result = run("import", "--root", "..", "../seeds/a.txt")
    assert result.code == 0, result.err
    assert result.out.startswith("content/articles/un-texte.md: created from seeds/a.txt")


# -- a new version of a dispatch: import NEW --update-of SLUG ---------------------------------

SHIPPED = "content/articles/irak-fin-de-la-coalition.md"
SHIPPED_SLUG = "irak-fin-de-la-coalition"
NEW_VERSION = "seeds/reuters-2024-03-06.txt"
ADDED_PARAGRAPH = "Le Premier ministre irakien doit se rendre à Washington en avril, a indiqué son bureau."
REPIT = f'---\narticle: {SHIPPED_SLUG}\nquote: "un peu de répit aux négociations"\nkind: contexte\n---\nUne note.\n'


def write_new_version(root: Path, date: str = "2024-03-06", rel: str = NEW_VERSION) -> str:
    """A longer version of the shipped seed: its own date header, a word corrected, a paragraph added."""
    text = (root / SEED_REL).read_text(encoding="utf-8")
    assert text.lstrip().startswith("date 2024-03 ")
    text = text.replace("date 2024-03", f"date {date}", 1).replace("répit aux négociations", "répit aux pourparlers")
    (root / rel).write_text(text.rstrip("\n") + f"\n\n{ADDED_PARAGRAPH}\n", encoding="utf-8")
    return hashlib.sha256((root / rel).read_bytes()).hexdigest()


def test_a_new_version_of_a_dispatch_as_typed(tmp_path: Path) -> None:
    from test_journeys import copy_repository, files_of, line_of, typed

    project = copy_repository(tmp_path / "dossier")
    article = project / SHIPPED
    before = article.read_text(encoding="utf-8")
    (project / "content/annotations/repit.md").write_text(REPIT, encoding="utf-8")
    assert typed("python build.py check", project).code == 0
    new_hash = write_new_version(project)

    done = typed(f"python build.py import {NEW_VERSION} --update-of {SHIPPED_SLUG}", project)
    assert done.code == 0, done
    assert done.out == (
        f"{SHIPPED}: new version from {NEW_VERSION} (dated 2024-03-06): text, seed and seed_sha256 replaced,"
        f" {SEED_REL} added to earlier_seeds; 17 notes point into the article: run python build.py check,"
        " which reports those whose passage changed ('python build.py reanchor --write' re-anchors them)\n"
    )
    head = before.split("\n---\n", 1)[0]
    old_hash = re.search(r"(?m)^seed_sha256: (\w+)$", head).group(1)  # type: ignore[union-attr]
    expected_head = head.replace(f"seed: {SEED_REL}", f"seed: {NEW_VERSION}").replace(
        f"seed_sha256: {old_hash}",
        f'seed_sha256: {new_hash}\nearlier_seeds: [{{seed: "{SEED_REL}", sha256: "{old_hash}"}}]',
    )
    new_seed, _ = seeds.read(project, NEW_VERSION)
    assert new_seed is not None
    assert article.read_text(encoding="utf-8") == expected_head + "\n---\n" + importer.to_markdown(new_seed)
    for kept in ("title:", "summary:", "topics:", "date: 2024-03", "source: Reuters"):  # editorial lines kept
        assert [line for line in before.splitlines() if line.startswith(kept)] == [
            line for line in article.read_text(encoding="utf-8").splitlines() if line.startswith(kept)
        ]

    stale = typed("python build.py check", project)  # the note on the corrected words, and only it
    assert stale.code == 1
    assert stale.errors == [
        f"content/annotations/repit.md:3: error: quote not found in article '{SHIPPED_SLUG}'"
        ' (hint: best candidate (score 0.69): "un peu de répit aux pourparlers";'
        " too far from the quote to move the note without you)"
    ]
    (project / "content/annotations/repit.md").write_text(REPIT.replace("négociations", "pourparlers"))
    built = typed("python build.py build --no-search", project)
    assert built.code == 0, built
    page = (project / "_site/articles" / SHIPPED_SLUG / "index.html").read_text(encoding="utf-8")
    assert 'Mis à jour le <time datetime="2024-03-06">6 mars 2024</time>' in page
    versions = page[page.index('<section class="versions"') :]
    assert re.search(r"<del><span [^>]*>retiré\u00a0: </span>négociations\.</del>", versions)
    assert re.search(r"<ins><span [^>]*>ajouté\u00a0: </span>pourparlers\.</ins>", versions)
    assert f"</span>{ADDED_PARAGRAPH}</ins>" in versions

    again = typed("python build.py import", project)  # the earlier seed is not a new article
    assert (again.code, again.out) == (0, "nothing to import: every seed has an article\n")

    earlier = project / SEED_REL
    earlier.write_text(earlier.read_text(encoding="utf-8").replace("Bagdad", "Bagdad,", 1), encoding="utf-8")
    tampered = typed("python build.py check", project)
    assert tampered.code == 1
    line = line_of(article, "earlier_seeds:")
    assert [e.split(" (hint: ")[0] for e in tampered.errors] == [
        f"{SHIPPED}:{line}: error: the earlier seed {SEED_REL} has changed since the article was updated from it"
        " (its SHA-256 differs)"
    ]
    assert "restore the file" in tampered.err

    tree = files_of(project)
    for command, error in [
        (
            f"python build.py import {NEW_VERSION} --update-of irak-fin-de-la-coalitio",
            f"{NEW_VERSION}:1: error: --update-of irak-fin-de-la-coalitio: no such article"
            f" (hint: did you mean '{SHIPPED_SLUG}'?)",
        ),
        (
            f"python build.py import {NEW_VERSION} --update-of {SHIPPED_SLUG}",
            f"{SHIPPED}:6: error: {NEW_VERSION} is already the article's seed (hint: a new version of a dispatch is"
            f" a new seed file, e.g. seeds/reuters-2024-03-06-v2.txt; a seed changed in place:"
            f" python build.py import --update {NEW_VERSION})",
        ),
    ]:
        refused = typed(command, project)
        assert (refused.code, refused.out, refused.errors) == (1, "", [error]), refused
    assert files_of(project) == tree  # nothing written


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped dossier."""
    root = tmp_path / "shipped"
    for name in ("content", "themes", "seeds"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    return root


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_new_version_is_refused_for_an_older_date_a_copy_or_another_articles_seed(
    shipped: Path, run: Callable[..., Run]
) -> None:
    write_new_version(shipped, date="2024-02-28", rel="seeds/older.txt")
    shutil.copy(shipped / SEED_REL, shipped / "seeds/copie.txt")
    unchanged = tree_bytes(shipped)
    older = run("import", "--root", shipped, "seeds/older.txt", "--update-of", SHIPPED_SLUG)
    assert (older.code, older.out) == (1, "")
    assert older.errors == [
        f"seeds/older.txt:1: error: dated 2024-02-28, before the article's seed {SEED_REL} (2024-03)"
        " (hint: a new version is dated on or after the one it replaces (a month or a year is any of its days):"
        " check its date header)"
    ]
    copy = run("import", "--root", shipped, "seeds/copie.txt", "--update-of", SHIPPED_SLUG)
    assert copy.errors == [
        "seeds/copie.txt:1: error: the same text as a version the article already has: nothing new in seeds/copie.txt"
        " (hint: delete seeds/copie.txt: a new version is the agency's updated text, saved as a new seed file)"
    ]
    article = shipped / SHIPPED
    (shipped / "content/articles/autre.md").write_text(
        article.read_text(encoding="utf-8").replace(f"seed: {SEED_REL}", "seed: seeds/older.txt")
    )
    unchanged = tree_bytes(shipped)
    taken = run("import", "--root", shipped, "seeds/older.txt", "--update-of", SHIPPED_SLUG)
    assert taken.errors == [
        "seeds/older.txt:1: error: seeds/older.txt is already a seed of content/articles/autre.md"
        " (hint: a seed belongs to one article: delete content/articles/autre.md if it was imported by mistake)"
    ]
    assert tree_bytes(shipped) == unchanged


def test_a_version_dated_to_the_month_follows_one_dated_to_a_day_of_that_month(
    shipped: Path, run: Callable[..., Run]
) -> None:
    """Dates are compared at the coarser precision: only a version clearly earlier is refused."""
    write_new_version(shipped)  # dated 2024-03-06
    assert run("import", "--root", shipped, NEW_VERSION, "--update-of", SHIPPED_SLUG).code == 0
    text = (shipped / NEW_VERSION).read_text(encoding="utf-8").replace("son bureau", "ses services")
    (shipped / "seeds/mois.txt").write_text(text.replace("date 2024-03-06", "date 2024-03", 1), encoding="utf-8")
    (shipped / "seeds/fevrier.txt").write_text(text.replace("date 2024-03-06", "date 2024-02", 1), encoding="utf-8")
    unchanged = tree_bytes(shipped)
    earlier = run("import", "--root", shipped, "seeds/fevrier.txt", "--update-of", SHIPPED_SLUG)
    assert earlier.errors == [
        f"seeds/fevrier.txt:1: error: dated 2024-02, before the article's seed {NEW_VERSION} (2024-03-06)"
        " (hint: a new version is dated on or after the one it replaces (a month or a year is any of its days):"
        " check its date header)"
    ]
    assert tree_bytes(shipped) == unchanged
    month = run("import", "--root", shipped, "seeds/mois.txt", "--update-of", SHIPPED_SLUG)
    assert (month.code, month.err) == (0, ""), month.err
    assert "\nseed: seeds/mois.txt\n" in (shipped / SHIPPED).read_text(encoding="utf-8")
    assert run("check", "--root", shipped).code == 0


def test_a_new_version_needs_one_seed_and_no_other_mode(shipped: Path, run: Callable[..., Run]) -> None:
    write_new_version(shipped)
    for args, message in [
        ([NEW_VERSION, "--update", "--update-of", SHIPPED_SLUG], "--update-of and --update cannot be given together"),
        ([NEW_VERSION, "--slug", "x", "--update-of", SHIPPED_SLUG], "--update-of and --slug cannot be given together"),
        (["--update-of", SHIPPED_SLUG], "--update-of names one article: give exactly one SEED, its new version"),
    ]:
        refused = run("import", "--root", shipped, *args)
        assert refused.code == 2 and refused.err.startswith(f"error: {message}"), refused.err
        assert "(hint: " in refused.err.splitlines()[0], refused.err


def test_a_seed_changed_since_it_was_imported_is_updated_before_it_gets_a_new_version(
    shipped: Path, run: Callable[..., Run]
) -> None:
    write_new_version(shipped)
    current = shipped / SEED_REL
    current.write_text(current.read_text(encoding="utf-8").replace("Bagdad", "Bagdad,", 1), encoding="utf-8")
    refused = run("import", "--root", shipped, NEW_VERSION, "--update-of", SHIPPED_SLUG)
    assert refused.code == 1
    assert refused.errors == [
        f"{SHIPPED}:7: error: the seed {SEED_REL} has changed since it was imported (its SHA-256 differs)"
        f" (hint: dossier import --update {SEED_REL} first, or restore it:"
        " an earlier version is kept as it was imported)"
    ]


def test_versions_pile_up_oldest_first_and_a_third_one_keeps_the_list(shipped: Path, run: Callable[..., Run]) -> None:
    first_hash = hashlib.sha256((shipped / SEED_REL).read_bytes()).hexdigest()
    second_hash = write_new_version(shipped)
    assert run("import", "--root", shipped, NEW_VERSION, "--update-of", SHIPPED_SLUG).code == 0
    third = (shipped / NEW_VERSION).read_text(encoding="utf-8").replace("2024-03-06", "2024-03-07", 1)
    (shipped / "seeds/reuters-2024-03-07.txt").write_text(third + "\nUne ligne de plus.\n", encoding="utf-8")
    done = run("import", "--root", shipped, "seeds/reuters-2024-03-07.txt", "--update-of", SHIPPED_SLUG)
    assert done.code == 0, done.err
    text = (shipped / SHIPPED).read_text(encoding="utf-8")
    assert (
        f'earlier_seeds: [{{seed: "{SEED_REL}", sha256: "{first_hash}"}},'
        f' {{seed: "{NEW_VERSION}", sha256: "{second_hash}"}}]\n'
    ) in text
    assert text.count("earlier_seeds:") == 1 and "\nseed: seeds/reuters-2024-03-07.txt\n" in text
    assert text.endswith("Une ligne de plus.\n")
    assert run("check", "--root", shipped).code == 0  # provenance: the text is the third version's, the others kept
    plain = run("import", "--root", shipped, NEW_VERSION)
    assert plain.out == f"{SHIPPED}: unchanged ({NEW_VERSION} is an earlier version of its text)\n"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES])
def test_a_full_disk_stops_the_import_once_with_what_was_imported_before(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    root = fresh_tree(tmp_path)
    for n in range(1, 6):
        (root / "seeds" / f"00{n}_wire.txt").write_text(f"date 2024-03-0{n}\nDépêche numéro {n} sur l'Irak.\n")
    created: list[Path] = []
    real = writing.create_file

    def create(path: Path, data: bytes) -> None:
        if len(created) == 2:
            raise OSError(code, os.strerror(code))
        real(path, data)
        created.append(path)

    monkeypatch.setattr(writing, "create_file", create)
    result = run("import", "--root", root)
    assert result.code == 1
    [error] = result.errors
    assert error.startswith(
        f"seeds/002_wire.txt: error: cannot write its article: {os.strerror(code)};"
        " the import stopped there, 3 seeds not tried (hint: "
    )
    assert error.endswith(", then import again: the seeds imported are not imported twice)")
    assert [line.split(": created from ")[1].split(" ")[0] for line in result.out.splitlines()] == [
        "seeds/000_d2c93f48316b947f.txt",
        "seeds/001_wire.txt",
    ]
    monkeypatch.undo()
    again = run("import", "--root", root)
    assert again.code == 0, again.err
    assert len(again.out.splitlines()) == 4 and len(list((root / "content" / "articles").glob("*.md"))) == 6


def test_a_seeds_folder_that_cannot_be_read_is_an_error_not_nothing_to_import(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = fresh_tree(tmp_path)
    refuse_listing(monkeypatch, root / "seeds")
    result = run("import", "--root", root)
    assert result.code == 1 and result.out == ""
    assert result.errors == [
        "seeds: error: cannot read this folder: Permission denied"
        " (hint: check its owner and permissions (chmod u+rx seeds): every file in it is read)"
    ]
    assert not (root / "content" / "articles").exists()


def test_a_folder_of_seeds_that_cannot_be_read_is_said_and_the_other_seeds_are_imported(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = fresh_tree(tmp_path)
    (root / "seeds" / "archives").mkdir()
    (root / "seeds" / "archives" / "ancienne.txt").write_text("date 2023\nUne dépêche.\n", encoding="utf-8")
    refuse_listing(monkeypatch, root / "seeds" / "archives")
    result = run("import", "--root", root)
    assert result.code == 1
    assert [line.split(": error: ")[0] for line in result.errors] == ["seeds/archives"]
    assert f"created from {SEED_REL} " in result.out  # as a batch does with a bad seed


@pytest.mark.parametrize("folder", ["content/articles", "content"])
def test_articles_that_cannot_be_read_stop_the_import_that_would_write_them_again(
    folder: str, tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = fresh_tree(tmp_path)
    assert run("import", "--root", root).code == 0
    articles = sorted(p.name for p in (root / "content" / "articles").iterdir())
    refuse_listing(monkeypatch, root / folder)
    result = run("import", "--root", root)
    assert result.code == 1 and result.out == ""
    assert [line.split(": error: ")[0] for line in result.errors] == [folder]
    assert sorted(p.name for p in (root / "content" / "articles").iterdir()) == articles  # none written twice


def test_notes_that_cannot_be_read_stop_an_update_not_the_import_of_a_new_article(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update says how many notes point into the text it replaces: unread, it would say none. A new
    article has no note yet: its import writes the same file whatever the notes hold."""
    root = fresh_tree(tmp_path)
    article = imported(root, run)
    (root / "content" / "annotations").mkdir()
    note = f'---\narticle: {article.stem}\nquote: "un peu de répit"\nkind: contexte\n---\nUne note.\n'
    (root / "content" / "annotations" / "repit.md").write_text(note, encoding="utf-8")
    write_new_version(root)
    change_seed(root)
    before = sorted((p.name, p.read_bytes()) for p in (root / "content" / "articles").iterdir())
    refuse_listing(monkeypatch, root / "content" / "annotations")
    hint = "check its owner and permissions (chmod u+rx content/annotations): every file in it is read"
    for args in ([SEED_REL, "--update"], ["--update"], [NEW_VERSION, "--update-of", article.stem]):
        refused = run("import", "--root", root, *args)
        assert (refused.code, refused.out) == (1, ""), args
        assert refused.errors == [
            f"content/annotations: error: cannot read this folder: Permission denied (hint: {hint})"
        ], args
        assert sorted((p.name, p.read_bytes()) for p in (root / "content" / "articles").iterdir()) == before
    created = run("import", "--root", root, NEW_VERSION)
    assert (created.code, created.err) == (0, ""), created
    assert created.out.startswith("content/articles/") and f": created from {NEW_VERSION} " in created.out
    monkeypatch.undo()
    done = run("import", "--root", root, SEED_REL, "--update")
    assert done.code == 0 and "; 1 note to check: run dossier check" in done.out, done
