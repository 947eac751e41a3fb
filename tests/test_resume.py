"""Builds that resume from .dossier-cache/ give, after every kind of change, the bytes of a clean build."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from conftest import refuse_listing

from bench.generate import generate
from dossier.commands import build as build_command
from dossier.errors import ContentErrors
from dossier.incremental import journal, store
from dossier.incremental.prefetch import Prefetch
from dossier.options import Options
from dossier.publish import output


def files(folder: Path) -> dict[str, bytes]:
    """The files of the site (the output's marker aside: no file of the site, not counted)."""
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    found.pop(output.MARKER, None)
    return found


def build(root: Path, out: Path, cache: bool = True, jobs: int = 1) -> build_command.Summary:
    return build_command.build(Options(root=root, out=out, search=False, cache=cache, jobs=jobs))


@pytest.fixture(params=["base", "journal"])
def saving(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs twice: saving the whole memory each time, and saving small journal segments."""
    monkeypatch.setattr(journal, "MAX_SHARE", 0.0 if request.param == "base" else 1.0)
    monkeypatch.setattr(journal, "MAX_SEGMENTS", 0 if request.param == "base" else 1000)
    return str(request.param)


@pytest.fixture
def project(tmp_path: Path, saving: str) -> Path:
    root = tmp_path / "project"
    generate(root, articles=14, notes_per_article=2, events=6, topic_count=5)
    return root


@pytest.fixture(params=["walked first", "walked while loading"])
def walk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with the input tree walked before the memory is needed, and walked while
    it loads (the load starts, then stops if nothing changed, or goes on)."""
    if request.param == "walked while loading":
        real = Prefetch.ready
        asked: dict[int, int] = {}

        def late(self: Prefetch, name: str) -> bool:
            asked[id(self)] = asked.get(id(self), 0) + 1
            return asked[id(self)] > 2 and real(self, name)

        monkeypatch.setattr(Prefetch, "ready", late)
    return str(request.param)


class Checker:
    """Builds ``root`` with the cache, and a clean build beside it, and compares them."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root, self.out, self.clean = root, tmp / "site", tmp / "clean"
        self.cached_builds = 0

    def check(self, step: str) -> build_command.Summary:
        summary = build(self.root, self.out)
        shutil.rmtree(self.clean, ignore_errors=True)
        build(self.root, self.clean, cache=False)
        got, want = files(self.out), files(self.clean)
        assert sorted(got) == sorted(want), f"after {step}: not the same files"
        differing = [rel for rel in want if got[rel] != want[rel]]
        assert not differing, f"after {step}: differs from a clean build: {differing[:5]}"
        return summary


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_change_gives_the_clean_build(project: Path, tmp_path: Path, walk: str) -> None:
    checker = Checker(project, tmp_path)
    first = checker.check("a first build")
    assert first.counts.written > 0
    assert checker.check("nothing").counts.written == 0

    articles = sorted((project / "content" / "articles").glob("*.md"))
    notes = sorted((project / "content" / "annotations").glob("*.md"))
    theme = project / "themes" / "default"
    steps: list[tuple[str, Callable[[], None]]] = [
        ("touching every file", lambda: [os.utime(p) for p in project.rglob("*.md")] and None),
        ("an article's text", lambda: _edit(articles[0], "\n\n", "\n\nUne phrase ajoutée au texte.\n\n")),
        ("an article's title", lambda: _edit(articles[1], "title: ", "title: Nouveau titre, ")),
        ("a note's text", lambda: _edit(notes[0], "Voir *aussi*", "Voir **encore**")),
        ("a template", lambda: _edit(theme / "templates" / "base.html", "</body>", "<!-- changed --></body>")),
        ("a setting", lambda: _edit(project / "site.yml", "Dossier de banc", "Dossier d'essai")),
        ("a UI string", lambda: _edit(theme / "i18n" / "fr.yml", '"\n', ' (modifié)"\n')),
        ("a static file", lambda: (theme / "static" / "extra.css").write_text("p{}", encoding="utf-8")),
        ("a static file's bytes, its size kept", lambda: _edit(theme / "static" / "extra.css", "p{}", "a{}")),
        ("the project's static file over the theme's", lambda: _write(project / "static" / "style.css", "b{}")),
        ("the project's static file's bytes, its size kept", lambda: _edit(project / "static" / "style.css", "b", "i")),
        ("the project's static file removed", lambda: (project / "static" / "style.css").unlink()),
        ("a deleted note", lambda: notes[1].unlink()),
        ("a renamed note", lambda: notes[2].rename(notes[2].with_name("renommee.md"))),
        ("a deleted article", lambda: _delete_article(project, articles[3])),
        ("a renamed article", lambda: _rename_article(project, articles[4], "article-renomme")),
        ("a new topic", lambda: _new_topic(project)),
    ]
    for step, change in steps:
        change()
        summary = checker.check(step)
        if step == "touching every file":  # same bytes: nothing to write
            assert summary.counts.written == 0
        else:
            assert summary.counts.written > 0, f"{step}: nothing written"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _delete_article(root: Path, article: Path) -> None:
    for note in (root / "content" / "annotations").glob(f"{article.stem}-*.md"):
        note.unlink()
    for event in (root / "content" / "timeline").glob("*.md"):
        _drop_citation(event, article.stem)
    article.unlink()


def _rename_article(root: Path, article: Path, slug: str) -> None:
    for note in (root / "content" / "annotations").glob(f"{article.stem}-*.md"):
        _edit(note, f"article: {article.stem}", f"article: {slug}")
    for event in (root / "content" / "timeline").glob("*.md"):
        _drop_citation(event, article.stem)
    article.rename(article.with_name(f"{slug}.md"))


def _drop_citation(event: Path, slug: str) -> None:
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace(f"articles: [{slug}]", "articles: []"), encoding="utf-8")


def _new_topic(root: Path) -> None:
    (root / "content" / "topics" / "nouveau-theme.md").write_text(
        "---\nlabel: Nouveau thème\n---\nUn thème de plus.\n", encoding="utf-8"
    )


def test_a_tampered_output_is_repaired(project: Path, tmp_path: Path) -> None:
    checker = Checker(project, tmp_path)
    checker.check("a first build")
    out = checker.out
    article = next((out / "articles").rglob("index.html"))
    article.unlink()
    (out / "index.html").write_text("changed by hand", encoding="utf-8")
    (out / "stray.html").write_text("not from the build", encoding="utf-8")
    assert checker.check("a tampered output").counts.written > 0
    shutil.rmtree(out)
    assert checker.check("a deleted output").counts.written > 0


@pytest.mark.parametrize("damage", ["flipped", "truncated", "empty", "garbage"])
def test_a_damaged_cache_is_a_cold_build(project: Path, tmp_path: Path, damage: str) -> None:
    checker = Checker(project, tmp_path)
    checker.check("a first build")
    _edit(sorted((project / "content" / "articles").glob("*.md"))[0], "\n\n", "\n\nUn ajout.\n\n")
    for cache in sorted((project / store.FOLDER).iterdir()):
        data = cache.read_bytes()
        if damage == "flipped":
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0x5A]) + data[middle + 1 :]
        elif damage == "truncated":
            data = data[: len(data) * 2 // 3]
        elif damage == "empty":
            data = b""
        else:
            data = os.urandom(len(data))
        cache.write_bytes(data)
    assert store.load(cache, store.engine_key()) is None
    checker.check(f"a {damage} cache")


def test_another_engine_does_not_read_the_cache(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checker = Checker(project, tmp_path)
    checker.check("a first build")
    monkeypatch.setattr(store, "__version__", "999.0")
    loaded: list[object] = []
    real_load = store.load
    monkeypatch.setattr(store, "load", lambda path, key: loaded.append(real_load(path, key)) or loaded[-1])
    summary = checker.check("another engine version")
    assert loaded and all(value is None for value in loaded)
    assert summary.counts.pages > 0  # every page rendered again


def test_an_error_leaves_the_output_and_the_cache_usable(project: Path, tmp_path: Path) -> None:
    checker = Checker(project, tmp_path)
    checker.check("a first build")
    before = files(checker.out)
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("title: ", "title: [", 1), encoding="utf-8")
    with pytest.raises(ContentErrors):
        build(project, checker.out)
    assert files(checker.out) == before
    article.write_text(good.replace("\n\n", "\n\nCorrigé.\n\n", 1), encoding="utf-8")
    checker.check("a fixed error")


def test_small_changes_are_saved_as_a_journal(project: Path, tmp_path: Path, saving: str) -> None:
    out = tmp_path / "site"
    build(project, out)
    base = next((project / store.FOLDER).glob("*.pickle"))
    written = base.stat().st_mtime_ns
    note = sorted((project / "content" / "annotations").glob("*.md"))[0]
    for word in ("encore", "toujours", "enfin"):
        _edit(note, "Voir *", f"Voir *{word} ")
        build(project, out)
    journals = list((project / store.FOLDER).glob("*.journal"))
    if saving == "journal":
        assert base.stat().st_mtime_ns == written and len(journals) == 1
        found = store.load(journals[0], store.engine_key())
        assert len(found.segments) == 3
        assert all(0 < segment.size() < 30 for segment in found.segments)
    else:
        assert base.stat().st_mtime_ns != written and not journals


def test_resumed_builds_render_only_what_changed(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = build(project, out)
    note = sorted((project / "content" / "annotations").glob("*.md"))[0]
    _edit(note, "Voir *aussi*", "Voir *encore*")
    second = build(project, out)
    assert 0 < second.counts.pages < first.counts.pages / 4
    assert second.counts.unchanged > second.counts.written


def test_an_unchanged_project_is_not_built_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk: str
) -> None:
    from dossier import engine

    out = tmp_path / "site"
    build(project, out)
    note = sorted((project / "content" / "annotations").glob("*.md"))[0]
    _edit(note, "Voir *", "Voir *encore ")
    build(project, out)  # a resumed build leaves a quick check as good as a cold one's
    made: list[object] = []
    real = engine.Engine.__init__
    monkeypatch.setattr(engine.Engine, "__init__", lambda self, *a, **k: made.append(self) or real(self, *a, **k))
    summary = build(project, out)
    assert made == [] and summary.counts.written == 0 and summary.counts.unchanged == len(files(out))
    os.utime(note)  # the same bytes, a new time: looked at again, nothing written
    assert build(project, out).counts.written == 0 and len(made) == 1


def test_a_memory_load_stops_when_asked(tmp_path: Path) -> None:
    where = tmp_path / "memory.pickle"
    store.save(where, b"k" * 32, [str(i) * 50 for i in range(200_000)])
    assert store.load(where, b"k" * 32) is not None
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(store.Interrupted):
        store.load(where, b"k" * 32, stop)
    assert len(asked) == 4


def test_an_editors_swap_file_is_not_an_input(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build ignores hidden files, backups and swap files in content/: saving one builds nothing."""
    from dossier import engine

    out = tmp_path / "site"
    build(project, out)
    made: list[object] = []
    real = engine.Engine.__init__
    monkeypatch.setattr(engine.Engine, "__init__", lambda self, *a, **k: made.append(self) or real(self, *a, **k))
    articles = project / "content" / "articles"
    (articles / ".premier.md.swp").write_bytes(b"\x00swap")
    (articles / "premier.md~").write_text("sauvegarde", encoding="utf-8")
    summary = build(project, out)
    assert made == [] and summary.counts.written == 0


class _System:
    """Pickles as a call of ``os.system(command)``: what a planted cache file would carry."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, ...]:
        return os.system, (self.command,)


def _planted(marker: Path) -> bytes:
    """A cache file with the right header (magic, this engine's key, length, CRC-32) around a
    payload that creates ``marker`` when unpickled as a plain pickle."""
    payload = pickle.dumps(_System(f"touch '{marker}'"), protocol=pickle.HIGHEST_PROTOCOL)
    pickle.loads(payload)  # it really runs code when read as a pickle
    assert marker.exists()
    marker.unlink()
    key = store.engine_key()
    return store.HEADER.pack(store.MAGIC, key, len(payload), zlib.crc32(payload)) + payload


@pytest.mark.parametrize("planted", [".pickle", ".quick", ".journal"])
def test_a_planted_cache_file_runs_nothing(project: Path, tmp_path: Path, planted: str) -> None:
    """A file of .dossier-cache/build/ restored from elsewhere (CI) that would run code: a cold build."""
    checker = Checker(project, tmp_path)
    first = checker.check("a first build")
    marker = tmp_path / "marker"
    base = next((project / store.FOLDER).glob("*.pickle"))
    base.with_suffix(planted).write_bytes(_planted(marker))
    _edit(sorted((project / "content" / "articles").glob("*.md"))[0], "\n\n", "\n\nUn ajout.\n\n")
    summary = checker.check(f"a planted {planted} file")
    assert not marker.exists()
    if planted == ".pickle":  # no memory: every page rendered again
        assert summary.counts.pages == first.counts.pages


def _plant_compiled_templates(folder: Path, templates: Path, marker: Path, pattern: str) -> int:
    """Jinja bytecode cache files, as Jinja names them (``pattern``), for every template of
    ``templates``, with the templates' checksums, whose code creates ``marker``."""
    folder.mkdir(parents=True, exist_ok=True)
    compiler = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(folder), pattern=pattern),
    )
    cache = compiler.bytecode_cache
    assert cache is not None
    code = compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec")
    names = compiler.list_templates()
    for name in names:
        source, filename, _ = compiler.loader.get_source(compiler, name)  # type: ignore[union-attr]
        bucket = cache.get_bucket(compiler, name, filename, source)
        bucket.code = code
        cache.set_bucket(bucket)
    with pytest.raises(KeyError):  # a Jinja reading them runs the code (then finds no template in it)
        compiler.get_template(names[0])
    assert marker.exists()
    marker.unlink()
    return len(names)


def test_planted_compiled_templates_run_nothing(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled templates are code: never read from .dossier-cache/ (which CI restores), nor
    from a user cache folder that others may write to."""
    marker = tmp_path / "marker"
    templates = project / "themes" / "default" / "templates"
    planted = _plant_compiled_templates(
        project / ".dossier-cache" / "templates", templates, marker, "__jinja2_%s.cache"
    )
    assert planted > 3
    shared = tmp_path / "shared-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    (shared / "dossier" / "templates").mkdir(parents=True)
    (shared / "dossier" / "templates").chmod(0o777)  # anyone may write there: not used
    key = store.engine_key().hex()[:24]
    _plant_compiled_templates(shared / "dossier" / "templates", templates, marker, f"{key}-%s.cache")
    Checker(project, tmp_path).check("planted compiled templates")
    assert not marker.exists()


def test_a_planted_cache_is_one_quiet_cold_build_on_the_command_line(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    command = [sys.executable, "-m", "dossier", "build", "--out", str(tmp_path / "site")]
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    base = next((project / store.FOLDER).glob("*.pickle"))
    for suffix in (".pickle", ".quick", ".journal"):
        base.with_suffix(suffix).write_bytes(_planted(marker))
    old = b"DOSSIER\x01" + base.read_bytes()[8:]  # the format before this one, say from an older release
    _edit(sorted((project / "content" / "articles").glob("*.md"))[0], "\n\n", "\n\nUn ajout.\n\n")
    for planted in (None, old):
        if planted is not None:
            base.write_bytes(planted)
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr and "error" not in done.stderr, done.stderr
        assert not marker.exists()


def test_a_leftover_named_after_an_impossible_process_is_left_alone(project: Path, tmp_path: Path) -> None:
    """Folders named after a pid no process can have (planted, or from another machine) are
    neither judged leftovers nor a traceback: the build goes on beside them."""
    out = tmp_path / "public" / "_site"
    build(project, out)
    pid = "9" * 30
    [saved] = (project / ".dossier-cache" / "build").glob("*.pickle")
    planted = [saved.with_name(f"{saved.stem}.spool-{pid}"), out.parent / f"{output.staging_prefix(out)}{pid}"]
    for folder in planted:
        folder.mkdir()
        output.mark(folder)
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    summary = build(project, out)
    assert summary.counts.pages > 0
    assert all(folder.is_dir() for folder in planted)
    build(project, tmp_path / "clean", cache=False)
    assert files(out) == files(tmp_path / "clean")


@pytest.mark.parametrize("folder", ["content/annotations", "content/pages/vide", "content/media/vide", "seeds/vide"])
def test_a_folder_made_unreadable_is_the_same_error_resumed_as_cold_and_the_site_stays(
    folder: str, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk: str
) -> None:
    """An empty folder too: the input tree then lists the same files, and only the walk's error
    says that the build is not the last one again (a build does not read seeds/: it is no error)."""
    (project / folder).mkdir(parents=True, exist_ok=True)
    out = tmp_path / "site"
    build(project, out)
    before = files(out)
    refuse_listing(monkeypatch, project / folder)
    if folder.startswith("seeds/"):
        assert build(project, out).counts.written == 0 and files(out) == before
        return
    said = []
    for cache in (True, False):
        with pytest.raises(ContentErrors) as raised:
            build(project, out, cache=cache)
        said.append([d.format() for d in raised.value.diagnostics])
        assert files(out) == before
    assert (
        said[0]
        == said[1]
        == [
            f"{folder}: error: cannot read this folder: Permission denied"
            f" (hint: check its owner and permissions (chmod u+rx {folder}): every file in it is read)"
        ]
    )
