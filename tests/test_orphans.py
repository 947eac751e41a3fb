"""The preview's orphaned notes (dossier/commands/orphans.py): listed with the passage most like
their quote, and moved there when the editor asks, only as the page showed them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.commands import orphans
from dossier.commands.workbench import BadRequest
from dossier.errors import ContentErrors
from dossier.source import content, loader

ARTICLE = """\
---
title: "Atelier"
date: 2024-03
topics: [irak]
---
Le Parlement examinera le texte en mai, selon un responsable du gouvernement.

Les syndicats ont annoncé une grève pour le mois de juin.
"""

MOVED = """\
---
# écrite à la main
article: atelier
quote: "Le Parlement examinera le projet"
kind: contexte
---
Le vote est prévu avant l'été.
"""

GONE = """\
---
article: atelier
quote: "des négociations à Genève avant l'automne"
kind: contexte
---
Une note sur un passage supprimé.
"""


@pytest.fixture
def root(tree: Callable[..., Path]) -> Path:
    return tree(
        {
            "content/articles/atelier.md": ARTICLE,
            "content/annotations/parlement.md": MOVED,
            "content/annotations/geneve.md": GONE,
        }
    )


def records(root: Path) -> content.Content:
    return loader.load(root)[0]


def test_each_orphan_is_listed_with_its_candidate_or_the_reason_it_has_none(root: Path) -> None:
    found = orphans.orphans_of(root, records(root), "atelier")
    assert [(o.slug, o.candidate, o.prefix, o.suffix) for o in found] == [
        ("geneve", "", "", ""),
        ("parlement", "Le Parlement examinera le texte", "", ""),
    ]
    geneve, parlement = found
    assert geneve.score == 0 and geneve.hint.startswith("nearest passage: ")
    assert 0.7 <= parlement.score < 1 and parlement.quote == "Le Parlement examinera le projet"
    assert parlement.sha256 == orphans.digest((root / parlement.path).read_bytes())


def test_a_note_that_finds_its_passage_is_no_orphan(root: Path) -> None:
    (root / "content/annotations/geneve.md").unlink()
    fixed = MOVED.replace("le projet", "le texte")
    (root / "content/annotations/parlement.md").write_text(fixed, encoding="utf-8")
    assert orphans.orphans_of(root, records(root), "atelier") == []


def _move(orphan: orphans.Orphan, **changes: str) -> orphans.Move:
    fields = {"note": orphan.slug, "sha256": orphan.sha256, "quote": orphan.candidate}
    fields |= {"prefix": orphan.prefix, "suffix": orphan.suffix, **changes}
    return orphans.move_of(fields)


def test_re_anchoring_here_rewrites_the_quote_only_and_the_build_then_finds_it(
    root: Path, run: Callable[..., Run]
) -> None:
    parlement = orphans.orphans_of(root, records(root), "atelier")[1]
    assert orphans.move(root, records(root), _move(parlement)) == "content/annotations/parlement.md"
    assert (root / parlement.path).read_text(encoding="utf-8") == MOVED.replace("le projet", "le texte")
    (root / "content/annotations/geneve.md").unlink()
    assert run("check", "--root", root).code == 0


def test_a_file_changed_since_the_panel_showed_it_is_not_replaced(root: Path) -> None:
    parlement = orphans.orphans_of(root, records(root), "atelier")[1]
    path = root / parlement.path
    path.write_text(MOVED + "\nAjouté dans l'éditeur.\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(ContentErrors, match="changed on disk"):
        orphans.move(root, records(root), _move(parlement))
    assert path.read_bytes() == before


def test_a_candidate_other_than_the_one_the_build_finds_now_is_refused(root: Path) -> None:
    parlement = orphans.orphans_of(root, records(root), "atelier")[1]
    before = (root / parlement.path).read_bytes()
    with pytest.raises(ContentErrors, match="changed since the page showed"):
        orphans.move(root, records(root), _move(parlement, quote="Les syndicats ont annoncé une grève"))
    assert (root / parlement.path).read_bytes() == before


def test_an_orphan_without_candidate_and_a_note_in_place_are_not_moved(root: Path) -> None:
    geneve = orphans.orphans_of(root, records(root), "atelier")[0]
    with pytest.raises(ContentErrors, match="quote not found"):
        orphans.move(root, records(root), _move(geneve, quote="Les syndicats"))
    with pytest.raises(BadRequest, match="unknown note"):
        orphans.move(root, records(root), _move(geneve, note="nulle-part"))


@pytest.mark.parametrize(
    "data", [{}, {"note": "x"}, {"note": "x", "sha256": "", "quote": "", "prefix": "", "suffix": "", "path": "../x"}]
)
def test_only_the_documented_fields_are_taken(data: object) -> None:
    with pytest.raises(BadRequest):
        orphans.move_of(data)
