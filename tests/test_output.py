from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.errors import DossierError
from dossier.publish import output


def test_write_swaps_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    output.write(out, {"a/index.html": b"one", "old.html": b"x"}, {})
    output.write(out, {"a/index.html": b"two"}, {})
    assert (out / "a" / "index.html").read_bytes() == b"two"
    assert not (out / "old.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_leftover_staging_is_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    leftover = tmp_path / "._site.staging-99999"  # a build that died: marked at once, so known as dossier's
    leftover.mkdir()
    output.mark(leftover)
    (leftover / "half.html").write_text("half")
    empty = tmp_path / "._site.staging-99998"  # made, then the build died before marking it
    empty.mkdir()
    output.write(out, {"index.html": b"new"}, {})
    assert not leftover.exists() and not empty.exists()


def test_only_what_dossier_made_is_removed_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    mine = tmp_path / "._site.staging-99999"  # no marker, files in it: not dossier's, whatever its name
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    output.mark(elsewhere)
    link = tmp_path / "._site.staging-99997"  # a link, even to a marked folder, is kept (its target too)
    link.symlink_to(elsewhere)
    running = tmp_path / "._site.staging-1"  # process 1 runs: another build's staging folder
    running.mkdir()
    output.mark(running)
    named = tmp_path / "._site.staging-notes"  # not a process number: not a name dossier makes
    named.mkdir()
    output.mark(named)
    output.write(out, {"index.html": b"new"}, {})
    assert (mine / "notes.txt").read_text() == "mine"
    assert link.is_symlink() and (elsewhere / "keep.txt").read_text() == "keep"
    assert running.is_dir() and named.is_dir()


def test_the_output_carries_the_marker_and_it_is_no_file_of_the_site(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    counts = output.write(out, {"index.html": b"one", "a/b.html": b"b"}, {})
    assert output.is_ours(out)
    assert (out / output.MARKER).read_bytes() == output.MARKER_TEXT
    assert output.existing(out) == {"index.html", "a/b.html"}
    assert (counts.written, counts.removed) == (2, 0)
    again = output.write(out, {"index.html": b"one"}, {})
    assert (again.unchanged, again.removed) == (1, 1)
    assert output.is_ours(out)


def test_a_marker_must_be_a_regular_file_that_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / output.MARKER).write_text("something else")
    assert not output.is_ours(folder)
    (folder / output.MARKER).unlink()
    marked = tmp_path / "marked"
    marked.mkdir()
    output.mark(marked)
    (folder / output.MARKER).symlink_to(marked / output.MARKER)
    assert not output.is_ours(folder)
    (folder / output.MARKER).unlink()
    (folder / output.MARKER).mkdir()
    assert not output.is_ours(folder)


def test_check_owner(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    output.check_owner(root / "_site", root)  # absent
    (root / "_site").mkdir()
    output.check_owner(root / "_site", root)  # empty
    output.mark(root / "_site")
    (root / "_site" / "index.html").write_text("x")
    output.check_owner(root / "_site", root)  # written by dossier

    mine = root / "public"
    mine.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (mine / name).write_text(name)
    with pytest.raises(DossierError) as refused:
        output.check_owner(mine, root)
    assert str(refused.value).startswith(
        "output folder 'public' holds files dossier did not write ('a.txt', 'b.txt', 'c.txt' and 1 more):"
        " refusing to replace it (hint: "
    )
    assert "--replace-output" in str(refused.value)
    output.check_owner(mine, root, replace=True)  # confirmed

    (root / "file").write_text("x")
    with pytest.raises(DossierError, match="'file' is a file: refusing to replace it"):
        output.check_owner(root / "file", root, replace=True)


def test_an_output_from_before_the_marker_is_recognised(tmp_path: Path) -> None:
    old = tmp_path / "_site"
    (old / "static").mkdir(parents=True)
    (old / "index.html").write_text("<!DOCTYPE html>")
    with pytest.raises(DossierError) as refused:
        output.check_owner(old, tmp_path)
    message = str(refused.value)
    assert f"output folder '_site' has no '{output.MARKER}' file: it looks like a site built by an older" in message
    assert "delete it yourself, or build once with --replace-output" in message


def test_check_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    root = home / "work" / "p"
    sources = [root / "content", root / ".dossier-cache"]
    for folder in sources:
        folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    output.check_target(root / "_site", root, sources)
    output.check_target(home / "work" / "site", root, sources)
    (root / ".git").mkdir()
    (tmp_path / "other" / ".git").mkdir(parents=True)
    (tmp_path / "project2").mkdir()
    (tmp_path / "project2" / "site.yml").write_text("title: x\n")
    refused = {
        root: "is the project or holds it",
        home / "work": "is the project or holds it",
        home: "is the project or holds it",
        root / "content": "overlaps the project's 'content'",
        root / "content" / "x": "overlaps the project's 'content'",
        root / ".dossier-cache" / "serve": "overlaps the project's '.dossier-cache'",
        root / ".git": "is a git repository's '.git' folder, or inside one",
        root / ".git" / "refs": "is a git repository's '.git' folder, or inside one",
        tmp_path / "other": "is a git repository",
        tmp_path / "project2": "is a dossier project",
        tmp_path / "project2" / "content": "is inside the dossier project",
        tmp_path / "project2" / "content" / "articles": "is inside the dossier project",
        tmp_path / "project2" / "themes" / "default": "is inside the dossier project",
        tmp_path / "project2" / ".dossier-cache": "is inside the dossier project",
        tmp_path / "project2" / "static": "is inside the dossier project",
    }
    for bad, reason in refused.items():
        with pytest.raises(DossierError, match="refusing to write there") as caught:
            output.check_target(bad, root, sources)
        assert reason in str(caught.value), bad
        assert "--replace-output does not change this" in str(caught.value)
    output.check_target(tmp_path / "project2" / "_site", root, sources)  # another dossier's own output
    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere" / "me"))
    with pytest.raises(DossierError, match="is your home folder or holds it"):
        output.check_target(tmp_path / "elsewhere", root, sources)


def test_a_confirmed_replacement_is_not_kept_as_the_spare(tmp_path: Path) -> None:
    out, spare = tmp_path / "public", tmp_path / "cache" / "x.previous"
    spare.parent.mkdir()
    out.mkdir()
    (out / "notes.txt").write_text("the user's, replaced as confirmed")
    output.write(out, {"index.html": b"one"}, {}, spare=spare)
    assert output.existing(out) == {"index.html"} and output.is_ours(out)
    assert not spare.exists()  # removed at once, never kept to be emptied by a later build
    output.write(out, {"index.html": b"two"}, {}, spare=spare)
    assert output.is_ours(spare) and (spare / "index.html").read_bytes() == b"one"  # the previous output, marked


def test_a_spare_folder_without_the_marker_is_neither_used_nor_removed(tmp_path: Path) -> None:
    out, spare = tmp_path / "_site", tmp_path / "cache" / "x.previous"
    output.write(out, {"index.html": b"one"}, {})
    spare.mkdir(parents=True)
    (spare / "notes.txt").write_text("not dossier's")
    output.write(out, {"index.html": b"two", "new.html": b"n"}, {}, spare=spare)
    assert output.existing(out) == {"index.html", "new.html"}
    assert output.existing(spare) == {"notes.txt"}
    link = tmp_path / "cache" / "y.previous"
    link.symlink_to(spare)
    output.write(out, {"index.html": b"three"}, {}, spare=link)
    assert link.is_symlink() and output.existing(spare) == {"notes.txt"}
    assert (out / "index.html").read_bytes() == b"three"


def test_failed_build_leaves_previous_output(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    assert run("build", "--root", root).code == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "content" / "articles" / "un-article.md").write_text("---\ntitle: x\n---\n")
    assert run("build", "--root", root).code == 1
    after = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    assert after == before


def test_an_output_folder_behind_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "public"
    link.symlink_to(real)
    output.write(link, {"index.html": b"one"}, {})
    output.write(link, {"index.html": b"two"}, {})
    assert link.is_symlink() and (real / "index.html").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "real"]


def test_a_write_error_is_reported_without_traceback(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    (root / "_site").write_text("a file where the output folder should be")
    result = run("build", "--root", root)
    assert result.code == 1
    assert result.err.startswith("error: ")
    assert "Traceback" not in result.err


# -- the output folder through the command line ------------------------------------------


def site_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("cache", [True, False], ids=["cached", "no-cache"])
def test_a_folder_of_the_users_is_refused_and_kept(
    tree: Callable[..., Path], run: Callable[..., Run], cache: bool
) -> None:
    root = tree()
    mine = root.parent / "documents"
    mine.mkdir()
    (mine / "thesis.odt").write_bytes(b"two years of work")
    options = () if cache else ("--no-cache",)
    for _ in range(2):  # a second build does not delete it either (nothing was kept aside)
        result = run("build", "--root", root, "--out", mine, *options)
        assert result.code == 1
        assert result.err.splitlines() == [
            f"error: output folder '{mine}' holds files dossier did not write ('thesis.odt'): refusing to replace"
            " it (hint: give an absent or empty folder with --out, delete this one yourself, or build with"
            " --replace-output to replace it whole, its files deleted)"
        ]
    assert site_of(mine) == {"thesis.odt": b"two years of work"}
    assert sorted(p.name for p in root.parent.iterdir()) == ["documents", "project"]
    cached = root / ".dossier-cache" / "build"
    assert not cached.exists() or not any(p.name.endswith(".previous") for p in cached.iterdir())


def test_replace_output_replaces_a_folder_once_confirmed(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    public = root / "public"
    public.mkdir()
    (public / "old.txt").write_text("replace me")
    assert run("build", "--root", root, "--out", public, "--replace-output", "-q").code == 0
    assert "old.txt" not in site_of(public) and (public / "index.html").is_file()
    assert output.is_ours(public)
    (root / "content" / "articles" / "un-article.md").write_text(
        (root / "content" / "articles" / "un-article.md").read_text().replace("Un article", "Un autre")
    )
    assert run("build", "--root", root, "--out", public, "-q").code == 0  # ours now: no flag needed
    assert "Un autre" in (public / "index.html").read_text()
    for cache in (root / ".dossier-cache" / "build").glob("*.previous"):
        assert "old.txt" not in site_of(cache)  # the replaced files went at once


def test_a_site_from_before_the_marker_says_so(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    assert run("build", "--root", root, "-q").code == 0
    (root / "_site" / output.MARKER).unlink()  # as an older dossier left it
    before = site_of(root / "_site")
    result = run("build", "--root", root)
    assert result.code == 1
    assert result.err.startswith(f"error: output folder '_site' has no '{output.MARKER}' file: it looks like a site")
    assert site_of(root / "_site") == before
    assert run("build", "--root", root, "--replace-output", "-q").code == 0
    assert output.is_ours(root / "_site")


def _spooled(folder: Path, pages: dict[str, bytes]) -> output.PagesOnDisk:
    folder.mkdir()
    output.mark(folder)
    for rel, data in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return output.PagesOnDisk(folder, pages)


def test_spooled_pages_read_from_their_folder(tmp_path: Path) -> None:
    spooled = _spooled(tmp_path / "spool", {"a/index.html": b"A", "b.xml": b"B"})
    assert dict(spooled) == {"a/index.html": b"A", "b.xml": b"B"} and len(spooled) == 2
    with pytest.raises(KeyError):
        spooled["c.html"]


def test_a_spool_folder_that_holds_the_pages_becomes_the_output(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    spooled = _spooled(tmp_path / "spool", {"a/index.html": b"A"})
    inode = (tmp_path / "spool" / "a" / "index.html").stat().st_ino
    output.write(out, spooled, {})
    assert (out / "a" / "index.html").read_bytes() == b"A" and (out / "a" / "index.html").stat().st_ino == inode
    assert not (tmp_path / "spool").exists()  # the very folder, renamed: no page moved or copied


def test_spooled_pages_are_moved_into_a_spare_folder_brought_up_to_date(tmp_path: Path) -> None:
    out, spare = tmp_path / "_site", tmp_path / "spare"
    output.write(out, {"a/index.html": b"old", "gone.html": b"x"}, {}, spare=spare)
    output.write(out, {"a/index.html": b"older"}, {}, spare=spare)  # the first output is the spare now
    spooled = _spooled(tmp_path / "spool", {"a/index.html": b"new"})
    counts = output.write(out, spooled, {}, spare=spare)
    assert (out / "a" / "index.html").read_bytes() == b"new" and not (out / "gone.html").exists()
    assert not (tmp_path / "spool" / "a" / "index.html").exists()  # moved, not copied
    assert counts.written == 1 and counts.pages == 1


@pytest.mark.parametrize("with_spare", [False, True])
def test_a_static_file_named_kept_is_linked_from_the_output_not_copied(
    tmp_path: Path, with_spare: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, spare = tmp_path / "_site", (tmp_path / "spare" if with_spare else None)
    source, other = tmp_path / "photo.webp", tmp_path / "style.css"
    source.write_bytes(b"RIFF image")
    other.write_bytes(b"body {}")
    copies = {"media/photo.webp": source, "static/style.css": other}
    output.write(out, {"index.html": b"one"}, copies, spare=spare)
    kept = (out / "media/photo.webp").stat()
    copied: list[Path] = []
    real = shutil.copyfile
    monkeypatch.setattr(shutil, "copyfile", lambda src, dst: copied.append(Path(src)) or real(src, dst))
    for page in (b"two", b"three"):  # with a spare: linked into it once, then left where it is
        copied.clear()
        counts = output.write(out, {"index.html": page}, copies, kept=["media/photo.webp"], spare=spare)
        now = (out / "media/photo.webp").stat()
        assert (now.st_ino, now.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)  # the very file
        assert copied == [other]
        assert counts.fresh == {"index.html", "static/style.css"}
        assert (counts.written, counts.unchanged) == (1, 2)
    assert (out / "media/photo.webp").read_bytes() == b"RIFF image" and (out / "index.html").read_bytes() == b"three"


def test_the_preview_s_sync_reads_no_copy_again_whose_source_and_file_are_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "cache"
    sources.mkdir()
    copies = {f"media/{i}.webp": sources / f"{i}.webp" for i in range(3)}
    for i, source in enumerate(copies.values()):
        source.write_bytes(b"image %d" % i)
    out, copied = tmp_path / "_site", {}
    pages = {"index.html": b"<p>accueil</p>"}
    first = output.sync(out, pages, copies, list(pages), None, (), copied)
    assert first.written == 4 and set(copied) == set(copies)

    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    again = output.sync(out, {}, copies, list(pages), list(pages) + list(copies), (), copied)
    assert read == [] and again.written == 0  # nothing read: each source and file as it was

    copies["media/1.webp"].write_bytes(b"image 1, new")  # the source changed
    (out / "media" / "2.webp").write_bytes(b"tampered")  # the served file changed
    third = output.sync(out, {}, copies, list(pages), list(pages) + list(copies), (), copied)
    assert sorted(read) == ["1.webp", "2.webp"] and third.written == 2
    assert [(out / rel).read_bytes() for rel in sorted(copies)] == [b"image 0", b"image 1, new", b"image 2"]

    del copies["media/0.webp"]
    output.sync(out, {}, copies, list(pages), [*pages, "media/0.webp", *copies], (), copied)
    assert set(copied) == set(copies) and not (out / "media" / "0.webp").exists()


def test_a_leftover_removal_stopped_midway_leaves_a_folder_still_known_as_dossier_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = tmp_path / "serve"
    for name in ("_dossier", "articles", "topics", "zz"):  # the marker sorts among them
        (served / name).mkdir(parents=True)
        (served / name / "index.html").write_text("x")
    (served / "feed.xml").write_text("x")
    output.mark(served)
    real, calls = shutil.rmtree, []

    def stopped(path: object, *args: object, **kwargs: object) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C as the preview starts
        real(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(shutil, "rmtree", stopped)
    with pytest.raises(KeyboardInterrupt):
        output.remove_leftover(served)
    assert output.is_ours(served)  # not "files dossier did not write" at the next start
    monkeypatch.setattr(shutil, "rmtree", real)
    assert output.remove_leftover(served) and not served.exists()


def test_an_output_folder_that_may_not_be_moved_keeps_the_old_site_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(FileNotFoundError):  # a failure that is no "unsupported" is said, never a fallback
        output._exchange(tmp_path / "absent", tmp_path / "missing")
    out = tmp_path / "_site"
    output.write(out, {"index.html": b"old"}, {})
    refused = PermissionError(13, "Permission denied", str(out))  # a read-only folder, another user's
    monkeypatch.setattr(output, "_exchange", lambda a, b: (_ for _ in ()).throw(refused))
    with pytest.raises(PermissionError):
        output.write(out, {"index.html": b"new"}, {})
    assert (out / "index.html").read_bytes() == b"old"  # not published behind an error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]  # no staging folder, no old one left
