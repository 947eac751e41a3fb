"""The workbench's logic: a selection placed in its article, a note written, a note edited."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.commands import workbench
from dossier.commands.workbench import BadRequest, NewNote, NoteEdit, Selection
from dossier.errors import ContentErrors, Location, format_all
from dossier.source import content, loader

ARTICLE = """\
---
title: "Atelier"
date: 2024-03
topics: [irak]
---
Hier, le ministre a parlé. Aujourd'hui encore, le ministre a parlé longuement de la réforme.

L\u2019opposition n\u2019a rien dit.
"""

NOTE = """\
---
# une note écrite à la main
article: atelier
quote: 'Aujourd''hui encore'
kind: contexte
topics: [Irak]
---
Le texte de la note.

Un second paragraphe.
"""

WHERE = Location("content/articles/atelier.md", 6)


@pytest.fixture
def root(tree: Callable[..., Path]) -> Path:
    return tree({"content/articles/atelier.md": ARTICLE, "content/annotations/a-la-main.md": NOTE})


def records(root: Path) -> content.Content:
    return loader.load(root)[0]


def notes_folder(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "content" / "annotations").iterdir())}


def new(exact: str, before: str = "", after: str = "", **fields: object) -> NewNote:
    values: dict[str, object] = {"kind": "contexte", "topics": [], "text": "Une note.", "slug": "la-note", **fields}
    return workbench.new_note_of({"article": "atelier", "exact": exact, "before": before, "after": after, **values})


# -- finding a selection ----------------------------------------------------------------


def test_a_passage_found_once_is_that_passage() -> None:
    text = "Hier, le ministre a parlé."
    assert workbench.find_selection(text, Selection("a", "ministre", "", ""), WHERE) == (9, 17)


def test_two_occurrences_are_told_apart_by_the_text_around_the_selection() -> None:
    text = "Hier, le ministre a parlé. Aujourd'hui encore, le ministre a parlé longuement."
    second = Selection("a", "le ministre a parlé", "Aujourd'hui encore,", "longuement.")
    first = Selection("a", "le ministre a parlé", "Hier,", ". Aujourd'hui")
    assert workbench.find_selection(text, second, WHERE) == (47, 66)
    assert workbench.find_selection(text, first, WHERE) == (6, 25)


def test_two_occurrences_that_nothing_tells_apart_are_refused_never_one_picked() -> None:
    text = "Il a dit oui. Il a dit oui."
    with pytest.raises(ContentErrors) as caught:
        workbench.find_selection(text, Selection("a", "Il a dit oui.", "", ""), WHERE)
    assert "found 2 times" in caught.value.diagnostics[0].message


def test_a_selection_not_in_the_text_or_empty_is_refused() -> None:
    for exact in ("absent", "  "):
        with pytest.raises(ContentErrors):
            workbench.find_selection("Hier, le ministre a parlé.", Selection("a", exact, "", ""), WHERE)


def test_the_quote_is_the_articles_own_characters_whatever_the_page_sent(root: Path) -> None:
    # the page (or a copy-paste) says ' where the article has a typographic apostrophe, and spaces differ
    placed = workbench.place(root, records(root), Selection("atelier", "L'opposition  n'a\nrien", "", ""))
    assert placed.quote == "L\u2019opposition n\u2019a rien"
    assert (placed.prefix, placed.suffix) == ("", "")
    assert placed.slug == "l-opposition-n-a-rien"


def test_a_repeated_passage_gets_the_shortest_context_that_makes_it_unique(root: Path) -> None:
    placed = workbench.place(root, records(root), Selection("atelier", "le ministre a parlé", "encore,", "longuement"))
    assert (placed.quote, placed.prefix, placed.suffix) == ("le ministre a parlé", "", "longuement")
    placed = workbench.place(root, records(root), Selection("atelier", "le ministre a parlé", "Hier,", "."))
    assert (placed.quote, placed.prefix, placed.suffix) == ("le ministre a parlé", "", ".")


def test_the_default_file_name_is_one_no_note_has(root: Path) -> None:
    (root / "content" / "annotations" / "l-opposition-n-a-rien.md").write_text("x", encoding="utf-8")
    placed = workbench.place(root, records(root), Selection("atelier", "L\u2019opposition n\u2019a rien", "", ""))
    assert placed.slug == "l-opposition-n-a-rien-2"


def test_an_overlap_is_said_when_the_passage_is_placed_before_anything_is_typed(root: Path) -> None:
    with pytest.raises(ContentErrors) as caught:
        workbench.check_place(root, records(root), Selection("atelier", "encore, le ministre", "", ""))
    assert "overlaps the passage of note 'a-la-main'" in caught.value.diagnostics[0].message


# -- writing a new note -----------------------------------------------------------------


def test_a_new_note_is_written_as_new_annotation_writes_it(root: Path, run: Callable[..., Run]) -> None:
    note = new("le ministre a parlé", "encore,", "longuement", kind="chiffre", topics=["irak"], text="Deux fois.\n")
    assert workbench.create_note(root, records(root), note) == "content/annotations/la-note.md"
    assert (root / "content" / "annotations" / "la-note.md").read_bytes() == (
        b'---\narticle: "atelier"\nquote: "le ministre a parl\xc3\xa9"\nsuffix: "longuement"\n'
        b'kind: "chiffre"\ntopics: ["irak"]\n---\nDeux fois.\n'
    )
    assert run("check", "--root", root).code == 0


@pytest.mark.parametrize(
    ("case", "note", "said"),
    [
        ("overlap", new("encore, le ministre"), "overlaps the passage of note 'a-la-main'"),
        (  # the hint in the words of the form, not of the command line (``new``'s --slug)
            "exists",
            new("L\u2019opposition", slug="a-la-main"),
            "exists already: not replaced (hint: choose another file name)",
        ),
        ("empty text", new("L\u2019opposition", text=" \n"), "empty"),
        ("path", new("L\u2019opposition", slug="../x"), "not a slug"),
        ("unknown topic", new("L\u2019opposition", topics=["mars"]), "mars"),
        ("unknown kind", new("L\u2019opposition", kind="rumeur"), "rumeur"),
        (
            "unknown article",
            NewNote(Selection("absent", "L\u2019opposition", "", ""), "contexte", (), "x", "x"),
            "unknown article",
        ),
    ],
)
def test_a_note_the_build_would_refuse_is_refused_and_nothing_is_written(
    root: Path, case: str, note: NewNote, said: str
) -> None:
    before = notes_folder(root)
    with pytest.raises(ContentErrors) as caught:
        workbench.create_note(root, records(root), note)
    assert any(said in line for line in format_all(caught.value.diagnostics)), caught.value.diagnostics
    assert notes_folder(root) == before
    assert not (root / "content" / "x.md").exists()


def test_notes_are_written_only_under_content_annotations_never_through_a_link(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = root / "content" / "annotations"
    for name in os.listdir(folder):
        (folder / name).rename(elsewhere / name)
    folder.rmdir()
    folder.symlink_to(elsewhere)
    with pytest.raises(ContentErrors) as caught:
        workbench.create_note(root, records(root), new("L\u2019opposition"))
    assert "symbolic link" in caught.value.diagnostics[0].message
    assert sorted(os.listdir(elsewhere)) == ["a-la-main.md"]
    for rel in ("content/articles/x.md", "content/annotations/../x.md", "content/annotations"):
        with pytest.raises(ContentErrors):
            workbench.confined(root, rel)


FULL = {"article": "atelier", "exact": "x", "before": "", "after": "", "kind": "contexte"}
FULL |= {"topics": [], "text": "x", "slug": "x"}


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"article": "atelier", "exact": "x", "before": "", "after": ""},  # fields of a note missing
        {**FULL, "path": "/etc/passwd"},
        {**FULL, "exact": 1},
        {**FULL, "topics": [3]},
        {**FULL, "exact": "x" * 30_000},
    ],
)
def test_only_the_documented_fields_are_taken(data: object) -> None:
    with pytest.raises(BadRequest):
        workbench.new_note_of(data)


# -- editing a note ---------------------------------------------------------------------


def shown(root: Path) -> workbench.Shown:
    (note,) = workbench.notes_of(root, records(root), "atelier")
    return note


def edit(note: workbench.Shown, **fields: object) -> NoteEdit:
    values: dict[str, object] = {"kind": note.kind, "topics": list(note.topics), "text": note.text, **fields}
    return workbench.note_edit_of({"note": note.slug, "sha256": note.sha256, **values})


def test_the_page_is_given_each_note_with_its_id_text_and_digest(root: Path) -> None:
    note = shown(root)
    assert (note.slug, note.path, note.id, note.kind, note.topics) == (
        "a-la-main",
        "content/annotations/a-la-main.md",
        "note-1",
        "contexte",
        ("Irak",),
    )
    assert note.text == "Le texte de la note.\n\nUn second paragraphe."
    assert note.sha256 == workbench.digest((root / note.path).read_bytes())


def test_editing_the_text_keeps_every_other_line_byte_for_byte(root: Path, run: Callable[..., Run]) -> None:
    note = shown(root)
    workbench.edit_note(root, records(root), edit(note, text="Un texte\r\nnouveau."))
    assert (root / note.path).read_text(encoding="utf-8") == NOTE.split("Le texte")[0] + "Un texte\nnouveau.\n"
    assert run("check", "--root", root).code == 0


def test_editing_the_kind_and_topics_rewrites_their_lines_only(root: Path) -> None:
    note = shown(root)
    workbench.edit_note(root, records(root), edit(note, kind="chiffre"))
    assert (root / note.path).read_text(encoding="utf-8") == NOTE.replace("kind: contexte", "kind: chiffre")
    note = shown(root)
    workbench.edit_note(root, records(root), edit(note, topics=[]))
    assert "topics" not in (root / note.path).read_text(encoding="utf-8")
    note = shown(root)
    workbench.edit_note(root, records(root), edit(note, topics=["irak"]))
    assert 'kind: chiffre\ntopics: ["irak"]\n---' in (root / note.path).read_text(encoding="utf-8")


def test_an_unchanged_note_is_not_written(root: Path) -> None:
    note = shown(root)
    path = root / note.path
    os.utime(path, (1, 1))
    workbench.edit_note(root, records(root), edit(note))
    assert path.stat().st_mtime == 1 and path.read_text(encoding="utf-8") == NOTE


def test_a_file_changed_since_the_page_showed_it_is_not_replaced(root: Path) -> None:
    note = shown(root)
    path = root / note.path
    path.write_text(NOTE + "Ajouté dans l'éditeur.\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        workbench.edit_note(root, records(root), edit(note, text="Écrasé ?"))
    assert "changed on disk since the page showed it" in caught.value.diagnostics[0].message
    assert path.read_text(encoding="utf-8").endswith("Ajouté dans l'éditeur.\n")


@pytest.mark.parametrize(
    ("fields", "said"),
    [({"text": "  "}, "empty"), ({"kind": "rumeur"}, "rumeur"), ({"topics": ["mars"]}, "mars")],
)
def test_an_edit_the_build_would_refuse_writes_nothing(root: Path, fields: dict[str, object], said: str) -> None:
    note = shown(root)
    with pytest.raises(ContentErrors) as caught:
        workbench.edit_note(root, records(root), edit(note, **fields))
    assert any(said in line for line in format_all(caught.value.diagnostics)), caught.value.diagnostics
    assert (root / note.path).read_text(encoding="utf-8") == NOTE


def test_an_unknown_note_is_refused(root: Path) -> None:
    note = shown(root)
    with pytest.raises(ContentErrors):
        workbench.edit_note(root, records(root), NoteEdit("../../site", note.sha256, "contexte", (), "x"))
