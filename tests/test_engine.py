"""The engine: ``Engine(options, memo)`` builds from what an earlier build computed, and
``engine.memo`` is what to keep after a build: the next engine started from it renders only
the pages whose inputs changed, and gives the bytes a clean build gives."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import ARTICLE, SITE_YML, TOPIC, Run, write_tree

from bench.generate import generate
from dossier.engine import Engine
from dossier.incremental import store
from dossier.incremental.memo import Memo
from dossier.options import Options
from dossier.project import PACKAGED_THEMES


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_new_engine_renders_every_page_and_knows_them_after(tree: Callable[..., Path]) -> None:
    engine = Engine(Options(tree(), search=False))
    result = engine.produce()
    assert result.files and set(result.files) == set(result.paths)
    assert engine.memo.inputs == {}  # not accepted yet: nothing is known as written
    engine.accept(result)
    assert engine.memo.inputs == result.inputs and engine.memo.key == result.key


def test_an_engine_started_from_a_memo_renders_nothing_that_did_not_change(tree: Callable[..., Path]) -> None:
    options = Options(tree(), search=False)
    first = Engine(options)
    first.accept(first.produce())
    second = Engine(options, first.memo)
    assert second.produce().files == {}
    assert second.files.reads == 0  # no file parsed again


def test_an_engine_started_from_a_saved_memo_renders_what_changed_as_a_clean_build(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=3)
    options = Options(root, search=False)
    first = Engine(options)
    first.accept(first.produce())
    where = tmp_path / "memo.pickle"
    store.save(where, b"k" * 32, first.memo)
    memo = store.load(where, b"k" * 32)
    assert isinstance(memo, Memo)
    article = sorted((root / "content" / "articles").glob("*.md"))[0]
    _edit(article, "\n\n", "\n\nUn paragraphe de plus.\n\n")
    resumed = Engine(options, memo.without_pages(["404.html"])).produce()
    clean = Engine(options).produce()
    assert "404.html" in resumed.files  # known as missing: rendered again
    assert 0 < len(resumed.files) < len(clean.files)
    assert {path: resumed.files[path] for path in resumed.files} == {path: clean.files[path] for path in resumed.files}
    assert resumed.inputs == clean.inputs


def test_the_memo_to_keep_leaves_out_the_articles_converted_texts(tree: Callable[..., Path]) -> None:
    engine = Engine(Options(tree(), search=False))
    engine.accept(engine.produce())
    kept = engine.memo
    bodies = {entry.article.body for entry in kept.link.anchored.values()}
    assert bodies and not bodies & set(kept.link.converted)
    assert bodies <= set(engine.link_memo.converted)  # the engine itself keeps them for a note's edit


def test_an_engine_takes_the_memo_of_another_folder_as_its_own(tree: Callable[..., Path], tmp_path: Path) -> None:
    options = Options(tree(), search=False)
    first = Engine(options)
    first.accept(first.produce())
    moved = Engine(Options(Path(tmp_path / "elsewhere"), search=False), first.memo)
    assert moved.files.root == (tmp_path / "elsewhere").absolute() and moved.files is first.memo.files


def test_a_patched_build_gives_the_bytes_of_a_clean_one(tmp_path: Path) -> None:
    root = tmp_path / "dossier"
    generate(root, articles=20, notes_per_article=2, events=4, topic_count=3)
    options = Options(root, search=False)
    engine = Engine(options)
    engine.accept(engine.produce())
    note = sorted((root / "content" / "annotations").glob("*.md"))[0]
    note.write_text(note.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    patched = engine.produce({note})
    assert engine.patched == 1 and patched.files
    clean = Engine(options).produce()
    assert {path: patched.files[path] for path in patched.files} == {path: clean.files[path] for path in patched.files}
    assert patched.inputs.keys() == clean.inputs.keys()
    engine.accept(patched)
    kept = engine.memo
    after = Engine(options, kept)
    site, _, _ = after.load()  # the memo after a patch is as good as after a build: nothing anchored again
    assert all(site.anchored[slug] is entry.anchored for slug, entry in kept.link.anchored.items())
    assert Engine(options, kept).produce().files == {}


# -- the theme: the project's themes/<name>/ first, then the package's ------------------------

PACKAGED = Path(PACKAGED_THEMES) / "default"


def _small(root: Path) -> Path:
    """A small valid dossier with no theme of its own."""
    return write_tree(
        root, {"site.yml": SITE_YML, "content/articles/un-article.md": ARTICLE, "content/topics/irak.md": TOPIC}
    )


def test_a_project_without_themes_is_built_with_the_packaged_theme(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = _small(tmp_path / "p")
    assert run("build", "--root", root, "--no-search").code == 0
    for rel in ("static/style.css", "static/notes.js"):
        assert (root / "_site" / rel).read_bytes() == (PACKAGED / rel).read_bytes()
    assert sorted(p.name for p in root.iterdir()) == [".dossier-cache", "_site", "content", "site.yml"]


def test_the_projects_own_theme_and_templates_come_first(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = _small(tmp_path / "p")
    shutil.copytree(PACKAGED, root / "themes" / "default")
    (root / "themes" / "default" / "static" / "style.css").write_text("body { color: teal }\n")
    base = (PACKAGED / "templates" / "404.html").read_text(encoding="utf-8")
    write_tree(root, {"templates/404.html": base.replace("</div>", "<p>notre 404</p></div>", 1)})
    assert run("build", "--root", root, "--no-search").code == 0
    assert (root / "_site" / "static" / "style.css").read_text() == "body { color: teal }\n"
    assert "<p>notre 404</p>" in (root / "_site" / "404.html").read_text(encoding="utf-8")
    assert (PACKAGED / "static" / "style.css").read_text() != "body { color: teal }\n"


def test_a_theme_of_the_project_without_templates_is_said(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = _small(tmp_path / "p")
    write_tree(root, {"themes/default/static/style.css": "body {}\n"})  # a stylesheet alone: not a theme
    result = run("build", "--root", root)
    assert result.code == 1
    assert result.errors == [
        "site.yml:1: error: theme 'default': themes/default/ has no templates/ folder (hint: a theme is whole"
        " (templates/, static/, i18n/); to change a few templates, put them in templates/)"
    ]
