"""Bad or unusual input that a catalogue folder cannot hold: encodings that must build,
symbolic links, special files, refused output folders, and very large content."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ARTICLE, SITE_YML, Run

NOTE = '---\narticle: un-article\nquote: "entamé en janvier"\nkind: contexte\n---\nUne note.\n'


def test_utf8_with_a_bom_builds(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "site.yml": b"\xef\xbb\xbf" + SITE_YML.encode(),
            "content/articles/un-article.md": b"\xef\xbb\xbf" + ARTICLE.encode(),
            "content/annotations/n.md": b"\xef\xbb\xbf" + NOTE.encode(),
        }
    )
    result = run("build", "--root", root)
    assert result.code == 0, result.err
    page = (root / "_site" / "articles" / "un-article" / "index.html").read_text("utf-8")
    assert "\ufeff" not in page
    assert "<title>Un article — Dossier de test</title>" in page
    assert 'data-note="1">entamé en janvier</mark>' in page


def test_crlf_and_cr_line_endings_build(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "site.yml": SITE_YML.replace("\n", "\r\n").encode(),
            "content/articles/un-article.md": ARTICLE.replace("\n", "\r\n").encode(),
            "content/annotations/n.md": NOTE.replace("\n", "\r").encode(),
        }
    )
    result = run("build", "--root", root)
    assert result.code == 0, result.err
    page = (root / "_site" / "articles" / "un-article" / "index.html").read_bytes()
    assert b"\r" not in page
    assert 'data-note="1">entamé en janvier</mark>'.encode() in page


def test_crlf_keeps_line_numbers(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    bad = "---\r\ntitle: Un article\r\ndate: 2024-03\r\nsumary: x\r\n---\r\nTexte.\r\n"
    result = run("build", "--root", tree({"content/articles/un-article.md": bad.encode()}))
    assert result.errors == [
        "content/articles/un-article.md:4: error: unknown field 'sumary' (hint: did you mean 'summary'?)"
    ]


def outside_file(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text("---\ntitle: Secret\ndate: 2024\n---\nMOT DE PASSE\n")
    return secret


def test_a_content_link_leading_outside_is_refused(
    tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path
) -> None:
    root = tree()
    (root / "content" / "articles" / "secret.md").symlink_to(outside_file(tmp_path))
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "dehors").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = run("build", "--root", root)
    assert result.code == 1
    hint = " (hint: copy the file into the project instead)"
    assert result.errors == [
        f"content/articles/secret.md: error: symbolic link leads outside the project{hint}",
        f"content/pages/dehors: error: symbolic link leads outside the project{hint}",
    ]
    assert not (root / "_site").exists()


def test_a_content_folder_linked_outside_is_refused(
    tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path
) -> None:
    root = tree()
    outside_file(tmp_path)
    (root / "content" / "pages").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = run("build", "--root", root)
    assert result.errors == [
        "content/pages/secret.md: error: symbolic link leads outside the project"
        " (hint: copy the file into the project instead)"
    ]


def test_a_link_inside_the_project_is_followed(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"docs/a-propos.md": "---\ntitle: À propos\n---\nQui nous sommes.\n"})
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "a-propos.md").symlink_to(Path("..") / ".." / "docs" / "a-propos.md")
    assert run("build", "--root", root).code == 0
    assert "Qui nous sommes." in (root / "_site" / "a-propos" / "index.html").read_text()


def test_broken_and_looping_links_are_errors(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    articles = root / "content" / "articles"
    (articles / "perdu.md").symlink_to(articles / "nulle-part.md")
    (articles / "boucle.md").symlink_to(articles / "boucle.md")
    result = run("build", "--root", root)
    hint = " (hint: remove it or make it point to a file of the project)"
    assert result.errors == [
        f"content/articles/boucle.md: error: broken symbolic link{hint}",
        f"content/articles/perdu.md: error: broken symbolic link{hint}",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_blocking(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    os.mkfifo(root / "content" / "articles" / "tuyau.md")
    started = time.monotonic()
    result = run("build", "--root", root)
    assert time.monotonic() - started < 30
    assert result.errors == [
        "content/articles/tuyau.md: error: not a regular file (hint: content files are plain text files)"
    ]


def test_a_seed_link_leading_outside_is_refused(
    tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path
) -> None:
    article = "---\ntitle: Un article\ndate: 2024-03\nseed: seeds/depeche.txt\n---\nTexte.\n"
    root = tree({"content/articles/un-article.md": article})
    (root / "seeds").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("date 2024-03\nTexte.\n")
    (root / "seeds" / "depeche.txt").symlink_to(outside)
    result = run("build", "--root", root)
    assert result.errors == [
        "content/articles/un-article.md:4: error: seed 'seeds/depeche.txt': the seed path leads outside the project"
    ]
    (root / "seeds" / "depeche.txt").unlink()
    (root / "seeds" / "depeche.txt").symlink_to(root / "seeds" / "depeche.txt")
    result = run("build", "--root", root)
    assert result.errors == [
        "content/articles/un-article.md:4: error: seed 'seeds/depeche.txt': the seed path is a broken symbolic link"
    ]


def test_yaml_tags_are_never_run(tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path) -> None:
    witness = tmp_path / "pwned"
    payloads = [
        f'!!python/object/apply:os.system ["touch {witness}"]',
        f'!!python/object/new:subprocess.Popen [["touch", "{witness}"]]',
        "!!python/name:os.system ''",
    ]
    for payload in payloads:
        root = tree({"content/articles/un-article.md": ARTICLE.replace('"Un article"', payload)})
        result = run("build", "--root", root)
        assert result.code == 1
        assert "is not allowed (hint: remove the tag)" in result.errors[0]
    assert not witness.exists()


def test_output_folders_that_are_the_project_are_refused(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    real = root.resolve()

    def refused(out: Path | str, reason: str) -> str:
        return (
            f"error: output folder '{out}' {reason}: refusing to write there"
            " (hint: give the site a folder of its own, e.g. --out _site; --replace-output does not change this)"
        )

    expected = {
        root: refused(real, "is the project or holds it"),
        root.parent: refused(real.parent, "is the project or holds it"),
        root / "content": refused("content", "overlaps the project's 'content'"),
        root / "content" / "articles": refused("content/articles", "overlaps the project's 'content'"),
        root / "themes": refused("themes", "overlaps the project's 'themes'"),
        root / ".dossier-cache": refused(".dossier-cache", "overlaps the project's '.dossier-cache'"),
        root / ".git": refused(".git", "is a git repository's '.git' folder, or inside one"),
    }
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    for out, message in expected.items():
        result = run("build", "--root", root, "--out", out)
        assert (result.code, result.err.splitlines()) == (1, [message])
        assert "Traceback" not in result.err
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_an_output_link_to_the_project_is_refused(
    tree: Callable[..., Path], run: Callable[..., Run], tmp_path: Path
) -> None:
    root = tree()
    link = tmp_path / "public"
    link.symlink_to(root, target_is_directory=True)
    result = run("build", "--root", root, "--out", link)
    assert result.code == 1 and "is the project or holds it: refusing" in result.err


# -- size ------------------------------------------------------------------------------


def test_a_5_mb_article_builds(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    words = ["Washington", "et", "Bagdad", "ont", "entamé", "en", "janvier", "des", "discussions", "sur", "la", "fin"]
    paragraphs: list[str] = []
    size = 0
    while size < 5 * 1024 * 1024:
        text = " ".join(words[(len(paragraphs) + k) % len(words)] for k in range(60))
        paragraphs.append(f"{text} (paragraphe {len(paragraphs)}).")
        size += len(paragraphs[-1].encode()) + 2
    body = "\n\n".join(paragraphs)
    last = f"(paragraphe {len(paragraphs) - 1})"
    note = f'---\narticle: gros\nquote: "{last}"\nkind: contexte\n---\nLa fin.\n'
    root = tree(
        {
            "content/articles/gros.md": f"---\ntitle: Gros\ndate: 2024-03\ntopics: [irak]\n---\n{body}\n",
            "content/annotations/fin.md": note,
        }
    )
    started = time.monotonic()
    result = run("build", "--root", root, "-q")
    assert result.code == 0, result.err
    page = (root / "_site" / "articles" / "gros" / "index.html").read_text("utf-8")
    assert len(page) > 5 * 1024 * 1024
    assert f'data-note="1">{last}</mark>' in page
    print(f"5 MB article: {time.monotonic() - started:.1f} s")


def test_10000_notes_on_one_article_build(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    count = 10_000
    body = "\n\n".join(f"Le paragraphe {i} cite la phrase numéro {i} du texte." for i in range(count))
    files: dict[str, str | bytes] = {"content/articles/notes.md": f"---\ntitle: Notes\ndate: 2024-03\n---\n{body}\n"}
    for i in range(count):
        files[f"content/annotations/n{i}.md"] = (
            f'---\narticle: notes\nquote: "phrase numéro {i} du"\nkind: contexte\n---\nNote {i}.\n'
        )
    root = tree(files)
    started = time.monotonic()
    result = run("build", "--root", root, "-q")
    assert result.code == 0, result.err
    page = (root / "_site" / "articles" / "notes" / "index.html").read_text("utf-8")
    assert page.count('<mark class="passage" id="passage-') == count
    assert f'id="passage-{count}" data-note="{count}">phrase numéro {count - 1} du</mark>' in page
    print(f"10,000 notes: {time.monotonic() - started:.1f} s")
