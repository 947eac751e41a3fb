"""``new KIND``: files written from arguments load without diagnostics; bad requests write nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run


def note(run: Callable[..., Run], root: Path, quote: str) -> Run:
    """``new annotation`` on the test article's passage ``quote``."""
    return run("new", "annotation", "--root", root, "--article", "un-article", "--quote", quote, "--text", "Note.")


def test_new_files_build(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    made = [
        run("new", "topic", "--root", root, "--label", "États-Unis", "--keywords", "Washington, américain"),
        run("new", "article", "--root", root, "--title", "Deuxième article", "--date", "2024-04", "--topics", "irak",
            "--text", "Un texte *court* sur Bagdad."),
        run("new", "annotation", "--root", root, "--article", "un-article", "--quote", "entre les Etats-Unis et",
            "--kind", "chiffre", "--topics", "États-Unis", "--text", "Une note."),
        run("new", "event", "--root", root, "--title", "Invasion", "--date", "2003-03-20", "--end", "2011-12",
            "--articles", "un-article"),
        run("new", "page", "--root", root, "--title", "Méthode"),
    ]  # fmt: skip
    assert [r.out.strip() for r in made] == [
        "content/topics/etats-unis.md",
        "content/articles/deuxieme-article.md",
        "content/annotations/entre-les-etats-unis-et.md",
        "content/timeline/invasion.md",
        "content/pages/methode.md",
    ]
    assert all(r.code == 0 for r in made)
    assert (root / "content/topics/etats-unis.md").read_text() == (
        '---\nlabel: "États-Unis"\nkeywords: ["Washington", "américain"]\n---\n\n'
    )
    check = run("check", "--root", root)
    assert check.code == 0 and check.errors == []
    assert run("build", "--root", root).code == 0
    assert "Une note." in (root / "_site/articles/un-article/index.html").read_text()


def test_an_article_without_text_is_a_draft(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    assert run("new", "article", "--root", root, "--title", "Sans texte", "--date", "2024").code == 0
    assert "draft: true" in (root / "content/articles/sans-texte.md").read_text()
    assert run("check", "--root", root).code == 0


def test_refusals_write_nothing(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    before = sorted(p.relative_to(root) for p in (root / "content").rglob("*"))
    absent = note(run, root, "ont entame en janvier")
    assert absent.errors == [
        "content/annotations/ont-entame-en-janvier.md:3: error: quote not found in article 'un-article'"
        ' (hint: best candidate (score 0.95): "ont entamé en janvier")'
    ]
    twice = note(run, root, "discussions")
    assert "quote found 2 times" in twice.errors[0]
    unknown = run("new", "annotation", "--root", root, "--article", "autre", "--quote", "x", "--text", "Note.")
    assert unknown.errors == [
        "content/annotations/x.md:2: error: unknown article 'autre' (hint: no article has this slug)"
    ]
    bad_date = run("new", "event", "--root", root, "--title", "E", "--date", "2024-02-30")
    assert bad_date.errors == [
        "content/timeline/e.md:3: error: 'date': day 30 does not exist in 2024-02 (it has 29 days)"
    ]
    topic = run("new", "article", "--root", root, "--title", "A", "--date", "2024", "--topics", "Iraq")
    assert topic.errors == ["content/articles/a.md:4: error: unknown topic 'Iraq' (hint: did you mean 'irak'?)"]
    exists = run("new", "topic", "--root", root, "--label", "Irak")
    assert exists.errors == [
        "content/topics/irak.md: error: exists already: not replaced (hint: choose another --slug)"
    ]
    assert all(r.code == 1 for r in (absent, twice, unknown, bad_date, topic, exists))
    assert sorted(p.relative_to(root) for p in (root / "content").rglob("*")) == before


def test_a_note_is_checked_by_the_builds_own_anchoring(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    """Overlaps with the article's other notes are refused, as the next check would refuse them."""
    root = tree(
        {
            "content/annotations/coalition.md": (
                '---\narticle: un-article\nquote: "fin de la coalition"\nkind: contexte\n---\nNote.\n'
            )
        }
    )
    before = sorted(p.relative_to(root) for p in (root / "content").rglob("*"))
    overlap = note(run, root, "la fin de la")
    assert overlap.code == 1
    assert len(overlap.errors) == 1 and "passage overlaps the passage of note" in overlap.errors[0]
    assert overlap.err.splitlines()[-1] == "1 error: nothing written"
    assert sorted(p.relative_to(root) for p in (root / "content").rglob("*")) == before
    beside = note(run, root, "entamé en janvier")
    assert beside.code == 0, beside.err
    assert run("check", "--root", root).code == 0


def test_new_refuses_what_the_next_check_would_refuse(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    before = sorted(p.relative_to(root) for p in (root / "content").rglob("*"))
    span = run("new", "event", "--root", root, "--title", "E", "--date", "2024-05", "--end", "2024-01")
    assert span.errors == [
        "content/timeline/e.md:4: error: end 2024-01 is before the start 2024-05"
        " (hint: swap 'date' and 'end', or fix the year)"
    ]
    kind = run("new", "annotation", "--root", root, "--article", "un-article", "--quote", "janvier",
               "--kind", "definition", "--text", "Note.")  # fmt: skip
    assert kind.errors == [
        "content/annotations/janvier.md:4: error: 'kind': unknown kind 'definition': expected one of contexte,"
        " définition, chiffre, vérification, correction (hint: did you mean 'définition'?)"
    ]
    empty = run("new", "annotation", "--root", root, "--article", "un-article", "--quote", "janvier")
    assert empty.code == 2 and empty.err.startswith("error: new annotation needs --text")
    assert sorted(p.relative_to(root) for p in (root / "content").rglob("*")) == before


def test_a_notes_made_slug_that_is_taken_gets_a_number(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/annotations/janvier.md": "---\narticle: autre\nquote: x\nkind: contexte\n---\nN.\n"})
    (root / "content/annotations/janvier.md").unlink()
    first = run("new", "annotation", "--root", root, "--article", "un-article", "--quote", "janvier", "--text", "N.")
    assert first.out.strip() == "content/annotations/janvier.md"
    (root / "content/articles/autre.md").write_text(
        "---\ntitle: Autre\ndate: 2024\n---\nDepuis janvier.\n", encoding="utf-8"
    )
    second = run("new", "annotation", "--root", root, "--article", "autre", "--quote", "janvier", "--text", "N.")
    assert second.out.strip() == "content/annotations/janvier-2.md"
    chosen = run("new", "event", "--root", root, "--title", "Autre", "--date", "2024-05", "--slug", "autre")
    again = run("new", "event", "--root", root, "--title", "Autre", "--date", "2024-05", "--end", "2024-01")
    assert chosen.code == 0
    assert again.errors == [  # every problem at once, the name taken among them
        "content/timeline/autre.md: error: exists already: not replaced (hint: choose another --slug)",
        "content/timeline/autre.md:4: error: end 2024-01 is before the start 2024-05"
        " (hint: swap 'date' and 'end', or fix the year)",
    ]


def test_a_text_that_is_only_a_comment_is_empty(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "content/annotations/vide.md": (
                "---\narticle: un-article\nquote: janvier\nkind: contexte\n---\n<!-- à écrire -->\n"
            ),
            "content/pages/brouillon.md": "---\ntitle: Brouillon\ndraft: true\n---\n<!-- à écrire -->\n",
        }
    )
    result = run("check", "--root", root)
    assert result.errors == [
        "content/annotations/vide.md:6: error: the text after the front matter is only an HTML comment (hint: write it)"
    ]
    page = run("new", "page", "--root", root, "--title", "Méthode")
    assert page.code == 0 and "draft: true" in (root / "content/pages/methode.md").read_text(encoding="utf-8")


def test_a_slug_is_a_name_never_a_path(tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path) -> None:
    root = tree()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for slug in ("../../../../../../tmp/pwn", "../evil", "a/b", "Élysée"):
        result = run("new", "topic", "--root", root, "--label", "X", "--slug", slug)
        assert result.code == 2
        assert result.err.startswith(f"error: --slug {slug}: not a slug (hint: ")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_page_on_a_url_the_build_uses_is_refused(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    result = run("new", "page", "--root", root, "--title", "Index", "--slug", "pagefind", "--text", "T.")
    assert result.code == 1
    assert [line.split(": error: ")[1] for line in result.errors] == [
        "the URL /pagefind/ is taken by the search index, which the build writes there (hint: choose another --slug)"
    ]
    assert not (root / "content/pages/pagefind.md").exists()


def test_a_folder_that_cannot_be_read_is_its_error_not_a_traceback_nor_an_unknown_article(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from conftest import refuse_listing

    root = tree()
    refuse_listing(monkeypatch, root / "content" / "articles")  # the note's article cannot be read
    done = note(run, root, "la coalition")
    assert (done.code, done.errors) == (1, [
        "content/articles: error: cannot read this folder: Permission denied (hint: check its owner and permissions"
        " (chmod u+rx content/articles): every file in it is read)"
    ])  # fmt: skip
    monkeypatch.undo()
    real = Path.exists
    annotations = root / "content" / "annotations"

    def exists(self: Path, **kwargs: bool) -> bool:
        if self.parent == annotations:  # a folder without the right to look into it
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, **kwargs)

    monkeypatch.setattr(Path, "exists", exists)
    done = note(run, root, "la coalition")
    assert done.code == 1 and done.errors[0].startswith("content/annotations: error: cannot read this folder")
    monkeypatch.undo()
    assert not (annotations / "la-coalition.md").exists()  # nothing written
