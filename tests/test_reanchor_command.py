"""``python build.py reanchor [--write]`` as a user types it, from the root of a copy of the
project whose wire copy changed; and in ``serve``, an orphaned note as a warning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run
from test_journeys import SEED, copy_repository, files_of, typed

from dossier.commands import orphans, reanchor
from dossier.commands.runner import Runner, nothing
from dossier.config import Overrides
from dossier.errors import ContentErrors, Severity
from dossier.link.annotations import is_orphan
from dossier.link.reanchor import THRESHOLD
from dossier.options import Options
from dossier.source import loader

SLUG = "irak-fin-de-la-coalition"
WORD = ("plus d'un mois", "plus de deux mois")  # note arret-des-attaques
FIRST_WORD = ("rare allié de Téhéran", "rare partenaire de Téhéran")  # note allie-teheran-washington
REWRITTEN = ("pour combattre ISIS", "pour lutter contre l'EI")  # note isis-definition


def new_wire_copy(project: Path, *changes: tuple[str, str]) -> None:
    """The agency's corrected dispatch: the seed changed, and its article updated from it."""
    seed = project / SEED
    text = seed.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    seed.write_text(text, encoding="utf-8")
    assert typed(f"python build.py import --update {SEED}", project).code == 0


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "dossier")


def test_reanchor_lists_then_writes_the_notes_that_can_be_moved(project: Path) -> None:
    new_wire_copy(project, WORD, FIRST_WORD)
    note = project / "content/annotations/arret-des-attaques.md"
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))  # an editor's line endings are kept
    before = files_of(project / "content")

    listed = typed("python build.py reanchor", project)
    assert listed.code == 1, listed
    hint = "`python build.py reanchor --write` moves the note there"
    assert listed.errors == [
        f"content/annotations/allie-teheran-washington.md:3: error: quote not found in article '{SLUG}'"
        f' (hint: best candidate (score 0.79): "rare partenaire de Téhéran et de Washington"; {hint})',
        f"content/annotations/arret-des-attaques.md:3: error: quote not found in article '{SLUG}'"
        f' (hint: best candidate (score 0.89): "Ces attaques ont cessé depuis plus de deux mois"; {hint})',
    ]
    assert listed.err.splitlines()[-1] == "2 errors: nothing written; --write moves 2 notes"
    assert files_of(project / "content") == before  # without --write, nothing is written

    written = typed("python build.py reanchor --write", project)
    assert written.code == 0, written
    assert written.out.splitlines() == [
        'content/annotations/allie-teheran-washington.md:3: note: moved to "rare partenaire de Téhéran et de'
        ' Washington" (score 0.79)',
        'content/annotations/arret-des-attaques.md:3: note: moved to "Ces attaques ont cessé depuis plus de deux'
        ' mois" (score 0.89)',
        "2 notes moved",
    ]
    after = files_of(project / "content")
    changed = {path for path in after if after[path] != before[path]}
    assert changed == {"annotations/allie-teheran-washington.md", "annotations/arret-des-attaques.md"}
    assert after["annotations/arret-des-attaques.md"] == before["annotations/arret-des-attaques.md"].replace(
        b'quote: "Ces attaques ont cess\xc3\xa9 depuis plus d\'un mois"\r\n',
        b'quote: "Ces attaques ont cess\xc3\xa9 depuis plus de deux mois"\r\n',
    )
    assert after["annotations/allie-teheran-washington.md"] == before[
        "annotations/allie-teheran-washington.md"
    ].replace("rare allié de".encode(), b"rare partenaire de")
    assert typed("python build.py check", project).code == 0

    again = typed("python build.py reanchor --write", project)  # every note finds its passage: nothing touched
    assert (again.code, again.out, again.errors) == (0, "every note finds its passage\n", [])
    assert files_of(project / "content") == after


def test_a_note_too_far_from_any_passage_is_listed_and_left_as_it_was(project: Path) -> None:
    new_wire_copy(project, WORD, REWRITTEN)
    before = files_of(project / "content")
    done = typed("python build.py reanchor --write", project)
    assert done.code == 1, done
    assert done.out.splitlines() == [
        'content/annotations/arret-des-attaques.md:3: note: moved to "Ces attaques ont cessé depuis plus de deux'
        ' mois" (score 0.89)'
    ]
    assert done.errors == [
        f"content/annotations/isis-definition.md:3: error: quote not found in article '{SLUG}'"
        ' (hint: best candidate (score 0.32): "pour aider à combattre";'
        " too far from the quote to move the note without you)"
    ]
    assert done.err.splitlines()[-1] == "1 error: 1 note moved"
    after = files_of(project / "content")
    assert after["annotations/isis-definition.md"] == before["annotations/isis-definition.md"]
    assert {p for p in after if after[p] != before[p]} == {"annotations/arret-des-attaques.md"}
    check = typed("python build.py check", project)
    assert check.code == 1 and check.errors == done.errors  # the build's hint is the command's


def test_a_quote_now_found_twice_is_listed_as_check_lists_it_and_left_to_the_editor(project: Path) -> None:
    """Which of two passages a note means is the editor's to say: listed, never chosen."""
    added = ("pose plus de problèmes", "pose plus de problèmes (la commission militaire mixte n'y change rien)")
    new_wire_copy(project, added)
    before = files_of(project / "content")
    checked = typed("python build.py check", project)
    done = typed("python build.py reanchor --write", project)
    assert done.code == 1 and checked.code == 1, done
    ambiguous = [line for line in checked.errors if "commission-militaire-mixte.md" in line]
    assert len(ambiguous) == 1 and "found 2 times" in ambiguous[0], checked.errors
    assert done.errors == ambiguous
    assert files_of(project / "content") == before


def test_a_candidate_overlapping_another_note_is_not_written(project: Path) -> None:
    """The passage left to a note would overlap another note's: said, and nothing written."""
    new_wire_copy(project, WORD)
    other = project / "content/annotations/zz-chevauchement.md"
    other.write_text(
        f'---\narticle: {SLUG}\nquote: "depuis plus de deux mois afin de laisser"\nkind: contexte\n---\nUne note.\n',
        encoding="utf-8",
    )
    before = files_of(project / "content")
    done = typed("python build.py reanchor --write", project)
    assert done.code == 1, done
    assert done.out == ""
    assert done.errors == [
        f"content/annotations/arret-des-attaques.md:3: error: quote not found in article '{SLUG}'"
        ' (hint: best candidate (score 0.89): "Ces attaques ont cessé depuis plus de deux mois"; not moved: it would'
        " overlap the passage of note 'zz-chevauchement' (content/annotations/zz-chevauchement.md))"
    ]
    check = typed("python build.py check", project)  # the build says it too, in its own words
    assert (
        f"content/annotations/arret-des-attaques.md:3: error: quote not found in article '{SLUG}'"
        ' (hint: best candidate (score 0.89): "Ces attaques ont cessé depuis plus de deux mois"; not moved:'
        " it would overlap the passage of note 'zz-chevauchement' (content/annotations/zz-chevauchement.md))"
    ) in check.errors
    assert files_of(project / "content") == before


def test_reanchor_help_and_usage(project: Path) -> None:
    helped = typed("python build.py reanchor --help", project)
    assert helped.code == 0 and "--write" in helped.out and f"at least {THRESHOLD:.2f}" in helped.out
    wrong = typed("python build.py reanchor --wirte", project)
    assert wrong.code == 2 and "usage:" in wrong.err
    before = files_of(project)
    for cwd, command in (
        (project, "python build.py reanchor"),
        (project.parent, "python dossier/build.py reanchor --root dossier"),
    ):
        done = typed(command, cwd)
        assert (done.code, done.out, done.err) == (0, "every note finds its passage\n", ""), done
    assert files_of(project) == before


# -- serve: an orphaned note is a warning, build and check keep it an error -----------------


def orphaned(tree: Callable[..., Path]) -> Path:
    return tree(
        {
            "content/annotations/absente.md": (
                '---\narticle: un-article\nquote: "ont entame en janvier"\nkind: contexte\n---\nUne note.\n'
            ),
            "content/annotations/presente.md": (
                '---\narticle: un-article\nquote: "la fin de la coalition"\nkind: contexte\n---\nUne autre.\n'
            ),
        }
    )


def test_in_serve_an_orphaned_note_is_a_warning_and_the_page_is_built(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = orphaned(tree)
    runner = Runner(Options(root, root / "_preview", Overrides(drafts=True), dev=True, search=False))
    result, _ = runner.run(nothing)
    [warning] = [w for w in result.warnings if w.location.path == "content/annotations/absente.md"]
    assert warning.severity is Severity.WARNING
    assert warning.format() == (
        "content/annotations/absente.md:3: warning: quote not found in article 'un-article'"
        ' (hint: best candidate (score 0.95): "ont entamé en janvier"; `dossier reanchor --write` moves'
        " the note there)"
    )
    page = result.files["articles/un-article/index.html"].decode()
    assert 'data-note="1"' in page and 'data-note="2"' not in page  # the page, without the orphan
    [found] = orphans.orphans_of(root, loader.load(root)[0], "un-article")  # what the preview's panel shows
    assert (found.slug, found.candidate) == ("absente", "ont entamé en janvier")

    built = run("build", "--root", root)
    assert built.code == 1 and built.errors == [warning.format().replace(": warning: ", ": error: ")]
    assert run("check", "--root", root).code == 1
    with pytest.raises(ContentErrors):
        Runner(Options(root, root / "_preview", Overrides(drafts=True), search=False)).run(nothing)


def test_in_serve_fixing_the_orphan_gives_what_a_clean_build_gives(tree: Callable[..., Path]) -> None:
    root = orphaned(tree)
    options = Options(root, root / "_preview", Overrides(drafts=True), dev=True, search=False)
    runner = Runner(options)
    first, _ = runner.run(nothing)
    assert any(is_orphan(w) for w in first.warnings)
    note = root / "content/annotations/absente.md"
    note.write_text(note.read_text(encoding="utf-8").replace("entame", "entamé"), encoding="utf-8")
    again, _ = runner.run(nothing, {note})
    clean, _ = Runner(options).run(nothing)
    assert not any(is_orphan(w) for w in again.warnings)
    assert [w.format() for w in again.warnings] == [w.format() for w in clean.warnings]
    assert again.inputs == clean.inputs
    page = "articles/un-article/index.html"
    assert again.files[page] == clean.files[page]
    assert 'data-note="2"' in clean.files[page].decode()


def test_content_that_cannot_be_read_is_said_first_and_nothing_is_written(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = orphaned(tree)
    broken = root / "content/annotations/cassee.md"
    broken.write_text('---\narticle: un-article\nquote: "ont entamé\n---\nUne note.\n', encoding="utf-8")
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    done = run("reanchor", "--root", root, "--write")
    assert done.code == 1
    assert [line.split(": error: ")[0] for line in done.errors] == ["content/annotations/cassee.md:3"]
    assert done.err.splitlines()[-1] == "1 error: nothing written: fix these first"
    assert {p: p.read_bytes() for p in (root / "content").rglob("*.md")} == before


def test_a_candidate_an_editor_chose_is_moved_with_the_same_checks(tree: Callable[..., Path]) -> None:
    """What the preview's "re-anchor here" calls: one note, its candidate even below the
    threshold, once the build's anchoring finds it there alone."""
    root = orphaned(tree)
    weak = root / "content/annotations/faible.md"
    weak.write_text(
        '---\narticle: un-article\nquote: "Bagdad a commencé en janvier"\nkind: contexte\n---\nN.\n', encoding="utf-8"
    )
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}

    listed = reanchor.run(root)
    [hint] = [p.hint for p in listed.problems if p.location.path == "content/annotations/faible.md"]
    assert hint == (
        'best candidate (score 0.68): "Bagdad ont entamé en janvier";'
        " too far from the quote to move the note without you"
    )

    chosen = reanchor.run(root, write=True, only=frozenset({"content/annotations/faible.md"}), insist=True)
    assert [m.line() for m in chosen.moved] == [
        'content/annotations/faible.md:3: note: moved to "Bagdad ont entamé en janvier" (score 0.68)'
    ]
    assert chosen.problems == ()  # the other orphan is not this call's business
    after = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    assert {p.name for p in after if after[p] != before[p]} == {"faible.md"}
    assert after[weak] == before[weak].replace("a commencé".encode(), b"ont entam\xc3\xa9")

    absente = root / "content/annotations/absente.md"  # its candidate overlaps faible's passage now
    refused = reanchor.run(root, write=True, only=frozenset({"content/annotations/absente.md"}), insist=True)
    assert refused.moved == ()
    assert [p.hint for p in refused.problems] == [
        'best candidate (score 0.95): "ont entamé en janvier"; not moved: it would'
        " overlap the passage of note 'faible' (content/annotations/faible.md)"
    ]
    assert absente.read_bytes() == before[absente]
