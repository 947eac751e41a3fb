"""``rename KIND OLD NEW``: the file (or its ``slug:`` line), its aliases and every reference, in one step."""

from __future__ import annotations

import difflib
import errno
import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run
from test_journeys import copy_repository, typed

from dossier.commands import rename, writing

ARTICLE = "irak-fin-de-la-coalition"
NEW = "fin-de-la-coalition-en-irak"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(("_site", ".dossier-cache", "themes"))
    }


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    """The lines removed and added between two versions of a file."""
    diff = difflib.ndiff(before.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True))
    return [line for line in diff if line.startswith(("- ", "+ "))]


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], str]:
    """A copy of the repository where the README's rename was typed, with the files as they were before."""
    root = copy_repository(tmp_path_factory.mktemp("rename") / "dossier")
    about = root / "content" / "pages" / "a-propos.md"
    about.write_text(
        about.read_text(encoding="utf-8")
        + f"\nLire [la dépêche](../articles/{ARTICLE}.md#note-1), [son adresse](/articles/{ARTICLE}/)"
        f" et [une autre](/articles/{ARTICLE}-bis/).\n\n[r]: <../articles/{ARTICLE}.md>\n",
        encoding="utf-8",
    )
    before = _snapshot(root)
    done = typed(f"python build.py rename article {ARTICLE} {NEW}", root)
    assert done.code == 0, done.err
    return root, before, done.out


def test_the_file_is_renamed_and_its_former_url_becomes_an_alias(renamed: tuple[Path, dict[str, bytes], str]) -> None:
    root, before, out = renamed
    old, new = f"content/articles/{ARTICLE}.md", f"content/articles/{NEW}.md"
    assert not (root / old).exists()
    changed = _changed_lines(before[old], (root / new).read_bytes())
    assert changed == [f'+ aliases: ["/articles/{ARTICLE}/"]\n']
    assert f"{old} → {new}: renamed; /articles/{ARTICLE}/ added to its aliases" in out.splitlines()


def test_every_reference_follows_and_nothing_else_changes(renamed: tuple[Path, dict[str, bytes], str]) -> None:
    root, before, out = renamed
    after = _snapshot(root)
    changed = {path for path in before.keys() & after.keys() if before[path] != after[path]}
    notes = {
        p for p in before if p.startswith("content/annotations/") and f"article: {ARTICLE}\n".encode() in before[p]
    }
    events = {p for p in before if p.startswith("content/timeline/") and ARTICLE.encode() in before[p]}
    assert notes and events
    assert changed == notes | events | {"content/pages/a-propos.md"}
    for path in notes | events:
        lines = _changed_lines(before[path], after[path])
        assert len(lines) == 2 and lines[0].replace(ARTICLE, NEW)[1:] == lines[1][1:], (path, lines)
    about = _changed_lines(before["content/pages/a-propos.md"], after["content/pages/a-propos.md"])
    assert about[1::2] == [
        f"+ Lire [la dépêche](../articles/{NEW}.md#note-1), [son adresse](/articles/{NEW}/)"
        f" et [une autre](/articles/{ARTICLE}-bis/).\n",
        f"+ [r]: <../articles/{NEW}.md>\n",
    ]
    lines = out.splitlines()
    assert len(lines) == len(changed) + 2  # one per file (the renamed one too), and the count
    assert lines[-1] == f"renamed article '{ARTICLE}' to '{NEW}': {len(changed) + 1} files changed"
    assert "content/pages/a-propos.md: 3 links" in lines
    assert f"content/annotations/retour-2014.md: article '{ARTICLE}' → '{NEW}'" in lines


def test_the_renamed_project_builds_and_the_former_url_redirects(renamed: tuple[Path, dict[str, bytes], str]) -> None:
    root, _, _ = renamed
    about = root / "content" / "pages" / "a-propos.md"  # the link to an article that does not exist, made here
    about.write_text(about.read_text(encoding="utf-8").replace(f"/articles/{ARTICLE}-bis/", "/timeline/"))
    done = typed("python build.py build --base-url https://example.org/x/", root)
    assert done.code == 0, done.err
    redirect = (root / "_site" / "articles" / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert f'content="0; url=/x/articles/{NEW}/"' in redirect
    assert f'<link rel="canonical" href="https://example.org/x/articles/{NEW}/">' in redirect
    assert (root / "_site" / "articles" / NEW / "index.html").is_file()


def test_renamed_back_the_former_url_is_its_own_again(renamed: tuple[Path, dict[str, bytes], str]) -> None:
    root, before, _ = renamed
    done = typed(f"python build.py rename article {NEW} {ARTICLE}", root)
    assert done.code == 0, done.err
    article = f"content/articles/{ARTICLE}.md"
    assert _changed_lines(before[article], (root / article).read_bytes()) == [f'+ aliases: ["/articles/{NEW}/"]\n']
    assert (
        f"content/articles/{NEW}.md → {article}: renamed; /articles/{NEW}/ added to its aliases;"
        f" /articles/{ARTICLE}/ taken out of its aliases"
    ) in done.out.splitlines()


# -- the other kinds, in a small tree ----------------------------------------------------------------


def _article(more: str = "", text: str = "Washington et Bagdad ont entamé en janvier des discussions.") -> str:
    return f'---\ntitle: "Un article"\ndate: 2024-03\ntopics: [irak]\n{more}---\n{text}\n'


def test_a_topic_renamed_is_followed_in_every_topics_list(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "content/articles/un-article.md": _article(
                text="Voir [le sujet](../topics/irak.md) et [lui](/topics/irak/)."
            ),
            "content/timeline/e.md": '---\ntitle: "Un fait"\ndate: 2024\ntopics: ["irak", irak-bis]\n---\n',
            "content/topics/irak-bis.md": '---\nlabel: "Irak (suite)"\n---\n',
        }
    )
    done = run("rename", "topic", "irak", "iraq", "--root", root)
    assert done.code == 0, done.err
    assert (root / "content/timeline/e.md").read_text().splitlines()[3] == 'topics: ["iraq", irak-bis]'
    article = (root / "content/articles/un-article.md").read_text()
    assert "topics: [iraq]\n" in article
    assert "Voir [le sujet](../topics/iraq.md) et [lui](/topics/iraq/)." in article
    assert (
        root / "content/topics/iraq.md"
    ).read_text() == '---\nlabel: "Irak"\naliases: ["/topics/irak/"]\n---\nL\'Irak.\n'
    assert run("build", "--root", root, "-q", "--no-search").code == 0
    assert 'url=/topics/iraq/"' in (root / "_site/topics/irak/index.html").read_text()
    late = run("new", "event", "--root", root, "--title", "Plus tard", "--date", "2025", "--topics", "irak")
    assert late.errors == [  # a file written afterwards with the former slug: said, never followed
        "content/timeline/plus-tard.md:4: error: topic 'irak' was renamed 'iraq'"
        " (hint: write 'iraq': content/topics/iraq.md lists /topics/irak/ in its aliases)"
    ]


def test_a_record_with_a_slug_line_keeps_its_file(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    page = '---\ntitle: "À propos"\nslug: apropos  # son adresse\n---\nTexte.\n'
    root = tree({"content/pages/a-propos.md": page, "site.yml": 'title: "D"\nintro: "Voir [ici](/apropos/)."\n'})
    done = run("rename", "page", "apropos", "a-propos", "--root", root)
    assert done.code == 0, done.err
    assert (root / "content/pages/a-propos.md").read_text() == (
        '---\ntitle: "À propos"\nslug: a-propos  # son adresse\naliases: ["/apropos/"]\n---\nTexte.\n'
    )
    assert (root / "site.yml").read_text() == 'title: "D"\nintro: "Voir [ici](/a-propos/)."\n'
    assert done.out.splitlines() == [
        "content/pages/a-propos.md: slug 'apropos' → 'a-propos'; /apropos/ added to its aliases",
        "site.yml: 1 link in the intro",
        "renamed page 'apropos' to 'a-propos': 2 files changed",
    ]


def test_an_event_renamed_has_its_links_followed_and_no_alias(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree(
        {
            "content/articles/un-article.md": _article(
                text="Voir [l'accord](../timeline/sofa.md) et [la frise](/timeline/#event-sofa)."
            ),
            "content/timeline/sofa.md": '---\ntitle: "Accord"\ndate: 2008\r\n---\r\nUn accord.\r\n',
        }
    )
    done = run("rename", "event", "sofa", "accord-sofa", "--root", root)
    assert done.code == 0, done.err
    assert (
        root / "content/timeline/accord-sofa.md"
    ).read_bytes() == b'---\ntitle: "Accord"\ndate: 2008\r\n---\r\nUn accord.\r\n'
    assert (
        "[l'accord](../timeline/accord-sofa.md) et [la frise](/timeline/#event-accord-sofa)."
        in (root / "content/articles/un-article.md").read_text()
    )
    assert run("build", "--root", root, "-q", "--no-search").code == 0


def test_a_quoted_reference_and_crlf_line_endings_are_kept(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    note = '---\r\narticle: "un-article" # la dépêche\r\nquote: "en janvier"\r\nkind: contexte\r\n---\r\nUne note.\r\n'
    root = tree({"content/annotations/n.md": note})
    assert run("rename", "article", "un-article", "une-depeche", "--root", root).code == 0
    assert (root / "content/annotations/n.md").read_bytes() == note.replace('"un-article"', '"une-depeche"').encode()
    assert run("check", "--root", root).code == 0


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        ("", 'aliases: ["/articles/un-article/"]\n'),
        ("aliases: [/articles/vieux/]  # 2023\n", "aliases: [/articles/vieux/, /articles/un-article/]  # 2023\n"),
        (
            "aliases: ['/articles/a/', \"/b.html\"]\n",
            'aliases: [\'/articles/a/\', "/b.html", "/articles/un-article/"]\n',
        ),
        ("aliases: /articles/vieux/\n", "aliases: [/articles/vieux/, /articles/un-article/]\n"),
        (
            "aliases:\n  - '/articles/a/'\n  - /articles/b/  # la première\n# fin\n",
            "aliases:\n  - '/articles/a/'\n  - /articles/b/  # la première\n  - /articles/un-article/\n# fin\n",
        ),
        (
            'aliases:\r\n- "/articles/a/"\r\n',
            'aliases:\r\n- "/articles/a/"\r\n- "/articles/un-article/"\r\n',
        ),
        # renamed to a former slug: only that URL leaves the list, written as it was
        (
            "aliases: [/articles/a/, /articles/une-depeche/, /articles/b/]\n",
            "aliases: [/articles/a/, /articles/b/, /articles/un-article/]\n",
        ),
        ("aliases: ['/articles/une-depeche/', /articles/a/]\n", "aliases: [/articles/a/, /articles/un-article/]\n"),
        ('aliases: ["/articles/une-depeche/"]\n', 'aliases: ["/articles/un-article/"]\n'),
        (
            "aliases:\n  - /articles/a/\n  - /articles/une-depeche/  # avant\n",
            "aliases:\n  - /articles/a/\n  - /articles/un-article/\n",
        ),
    ],
    ids=[
        *("none-yet", "flow-plain", "flow-quoted", "one-value", "block", "block-crlf"),
        *("back-flow-middle", "back-flow-first", "back-flow-only", "back-block"),
    ],
)
def test_the_aliases_listed_stay_as_written_and_the_former_url_is_added_alike(
    tree: Callable[..., Path], run: Callable[..., Run], aliases: str, expected: str
) -> None:
    root = tree({"content/articles/un-article.md": _article(aliases)})
    done = run("rename", "article", "un-article", "une-depeche", "--root", root)
    assert done.code == 0, done.err
    assert (root / "content/articles/une-depeche.md").read_bytes() == _article(expected).encode()
    assert run("check", "--root", root).code == 0


# -- refusals: one line, exit 1, nothing written -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("article", "un-articel", "x"),
            "content/articles: error: no article 'un-articel' (hint: did you mean 'un-article'?)",
        ),
        (
            ("article", "un-article", "Un Article"),
            "content/articles/un-article.md: error: 'Un Article' is not a slug (lower-case ASCII letters, digits and"
            " hyphens) (hint: did you mean 'un-article'?)",
        ),
        (
            ("article", "un-article", "un-article"),
            "content/articles/un-article.md: error: the article is already 'un-article' (hint: give another slug)",
        ),
        (
            ("article", "un-article", "autre"),
            "content/articles/un-article.md: error: 'autre' is taken: content/articles/autre.md has that slug"
            " (hint: choose another slug)",
        ),
        (
            ("article", "un-article", "vieux"),
            "content/articles/un-article.md: error: 'vieux' is taken: content/articles/autre.md lists /articles/vieux/"
            " in its aliases (hint: choose another slug)",
        ),
        (
            ("page", "a-propos", "topics"),
            "content/pages/a-propos.md: error: 'topics' is taken: the build writes /topics/ itself"
            " (hint: choose another slug)",
        ),
        (
            ("topic", "irak", "notes"),
            "content/topics/irak.md: error: 'notes' is taken: content/topics/notes.md exists"
            " (hint: choose another slug)",
        ),
    ],
)
def test_a_rename_that_cannot_be_is_refused_and_nothing_is_written(
    tree: Callable[..., Path], run: Callable[..., Run], args: tuple[str, ...], expected: str
) -> None:
    root = tree(
        {
            "content/articles/autre.md": _article("slug: autre\naliases: [/articles/vieux/]\n"),
            "content/pages/a-propos.md": '---\ntitle: "À propos"\n---\nTexte.\n',
            "content/topics/notes.md": '---\nlabel: "Remarques"\nslug: remarques\n---\n',  # named otherwise
        }
    )
    if args[0] != "topic":
        (root / "content/topics/notes.md").unlink()
    before = _snapshot(root)
    done = run("rename", *args, "--root", root)
    assert done.code == 1
    assert done.err.splitlines() == [expected, "1 error: nothing written"]
    assert _snapshot(root) == before


def test_a_project_with_errors_is_not_renamed(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/annotations/n.md": "---\narticle: un-article\n"})
    before = _snapshot(root)
    done = run("rename", "article", "un-article", "autre", "--root", root)
    assert done.code == 1 and "nothing written: fix these first" in done.err
    assert _snapshot(root) == before


_NOTE = '---\narticle: un-article\nquote: "en janvier"\nkind: contexte\n---\nUne note.\n'


def _with_notes(tree: Callable[..., Path]) -> Path:
    return tree({f"content/annotations/{name}.md": _NOTE for name in "abc"})


def _everything(root: Path) -> dict[str, bytes]:
    """Every file of the content, hidden ones too (what a write left beside the files)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "content").rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("failing", [2, 3, 5], ids=["second-write", "third-write", "old-name-removed"])
def test_a_write_that_fails_puts_back_every_file_written(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    root = _with_notes(tree)
    before = _everything(root)
    writes: list[Path] = []

    def full(real: Callable[..., None]) -> Callable[..., None]:
        def write(path: Path, *data: bytes) -> None:
            if not path.name.startswith("."):  # not the temporary files of a write
                writes.append(path)
            if writes and writes[-1] == path and len(writes) == failing:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(path, *data)

        return write

    monkeypatch.setattr(writing, "create_file", full(writing.create_file))
    monkeypatch.setattr(writing, "replace_file", full(writing.replace_file))
    monkeypatch.setattr(Path, "unlink", full(Path.unlink))
    done = run("rename", "article", "un-article", "autre", "--root", root)
    monkeypatch.undo()
    what = writes[failing - 1].relative_to(root).as_posix()
    assert (done.code, done.err) == (
        1,
        f"error: cannot write {what}: No space left on device; nothing renamed, every file is as it was"
        " (hint: rename again once the cause is gone)\n",
    )
    assert _everything(root) == before
    assert run("rename", "article", "un-article", "autre", "--root", root).code == 0  # once the cause is gone


def test_a_stop_during_the_writes_comes_once_the_rename_is_whole(
    tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _with_notes(tree)
    real = writing.create_file

    def create(path: Path, data: bytes) -> None:
        real(path, data)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # Ctrl-C at the first write, to this thread

    monkeypatch.setattr(writing, "create_file", create)
    with pytest.raises(KeyboardInterrupt):
        rename.run(root, "article", "un-article", "autre")
    monkeypatch.undo()
    files = _everything(root)
    assert "content/articles/un-article.md" not in files and "content/articles/autre.md" in files
    assert [name for name in files if name.startswith("content/annotations/")] == [
        f"content/annotations/{name}.md" for name in "abc"
    ]
    assert all(b"article: autre\n" in files[f"content/annotations/{name}.md"] for name in "abc")


def test_the_link_retargeting_leaves_other_links_alone() -> None:
    from dossier.model import Article, Origin, PartialDate

    record = Article("old", "T", PartialDate(2024), "x", Origin("content/articles/old.md"))
    moving = rename.Renaming("article", "old", "new", record, "content/articles/old.md", "content/articles/new.md")
    folder = "content/articles"
    for kept in ("https://e.org/articles/old/", "#note-1", "/articles/old-bis/", "older.md", "../old.md", "/old/"):
        assert moving.link(kept, folder) == kept
    assert moving.link("old.md#note-2", folder) == "new.md#note-2"
    assert moving.link("./old.md", folder) == "new.md"
    assert moving.link("../articles/old.md", "content/pages") == "../articles/new.md"
    assert moving.link("content/articles/old.md", "") == "content/articles/new.md"  # from site.yml
    assert moving.link("/articles/old/annotations.jsonld", folder) == "/articles/new/annotations.jsonld"
    assert moving.link("/timeline/2024/#article-old", folder) == "/timeline/2024/#article-new"
    assert rename.site_path("event", "x") == ""  # an event has no page: no alias


def test_an_article_renamed_by_hand_is_said_with_how_to_rename_it_and_the_hint_works(tmp_path: Path) -> None:
    """``mv`` on an article's file: each note naming it says how to rename it; done as said, the site builds."""
    root = copy_repository(tmp_path / "dossier")
    (root / f"content/articles/{ARTICLE}.md").rename(root / "content/articles/retrait-americain.md")
    checked = typed("python build.py check", root)
    notes = [line for line in checked.errors if line.startswith("content/annotations/")]
    assert checked.code == 1 and notes, checked
    hint = (
        "content/articles/retrait-americain.md, which no note names, holds the passages quoted by the notes on"
        f" '{ARTICLE}': if it was renamed by hand, move it back to content/articles/{ARTICLE}.md and run"
        f" `python build.py rename article {ARTICLE} retrait-americain`: it renames the file and every reference"
        " to it, and redirects the former URL"
    )
    assert all(line.endswith(f"error: unknown article '{ARTICLE}' (hint: {hint})") for line in checked.errors)
    said = re.search(r"move it back to (\S+) and run `([^`]+)`", checked.errors[0])
    assert said is not None
    (root / "content/articles/retrait-americain.md").rename(root / said.group(1))
    done = typed(said.group(2), root)
    assert done.code == 0, done
    built = typed("python build.py", root)
    assert built.code == 0 and not built.errors, built
    assert (root / "_site/articles/retrait-americain/index.html").is_file()
    assert (root / f"_site/articles/{ARTICLE}/index.html").is_file()  # the former URL: its redirect


def test_a_name_close_to_the_former_one_gets_the_same_hint_not_a_did_you_mean(tmp_path: Path) -> None:
    """``did you mean 'la-coalition'?`` would have the editor change every note and lose the redirect."""
    root = copy_repository(tmp_path / "dossier")
    (root / f"content/articles/{ARTICLE}.md").rename(root / "content/articles/la-coalition.md")
    checked = typed("python build.py check", root)
    assert checked.code == 1 and checked.errors, checked
    assert all(f"`python build.py rename article {ARTICLE} la-coalition`" in line for line in checked.errors)


def test_the_readme_example_of_an_article_renamed_by_hand_is_what_check_says(
    tree: Callable[..., Path], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import REPO

    monkeypatch.setattr("sys.argv", ["build.py"])  # the README's commands are typed `python build.py ...`

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("A file renamed by hand") :]
    said = re.search(r"```\n(content/annotations/janvier\.md:2: error: [^\n]+)\n```", section)
    assert said is not None
    root = tree({"content/annotations/janvier.md": "---\narticle: a\nquote: en janvier\nkind: contexte\n---\nN.\n"})
    (root / "content/articles/un-article.md").rename(root / "content/articles/b.md")
    assert run("check", "--root", root).errors == [said.group(1)]


def test_the_readme_example_is_what_the_command_prints(tmp_path: Path) -> None:
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Renaming an article") :]
    command = re.search(r"```sh\n(python build\.py rename [^\n]+)\n```", section)
    printed = re.search(r"```\n(content/[^`]+)```", section)
    assert command and printed
    root = copy_repository(tmp_path / "dossier")
    done = typed(command.group(1), root)
    assert done.code == 0, done.err
    shown = [line for line in printed.group(1).splitlines() if line != "..."]
    assert shown and all(line in done.out.splitlines() for line in shown), done.out
    assert done.out.splitlines()[-1] == shown[-1]
