"""An editor's first day, as the README tells it.

Every command is typed as the README prints it and run as a process from the root of a fresh
copy of the repository (its tracked files, as they are in the working tree), with relative
paths and default options: only ``python`` is replaced, by this suite's interpreter (the
``.venv/bin/python`` of the README). No test here passes ``--root``, except the ones about
``--root``. Every command run is checked for what a user must never see: a traceback, an exit
code other than 0, 1 or 2, an error line not in the ``path:line: error: ...`` form.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from browser import chromium, free_port
from conftest import REPO
from playwright.sync_api import Browser, Page

PYTHON = sys.executable
DOSSIER = Path(sys.executable).parent / "dossier"  # the console script of `pip install -e .`
ARTICLE = "content/articles/irak-fin-de-la-coalition.md"
ARTICLE_SLUG = "irak-fin-de-la-coalition"
SEED = "seeds/000_d2c93f48316b947f.txt"
ERROR = re.compile(r"^(?P<path>[^\s:]+)(?::(?P<line>\d+))?: error: \S.*$")  # no line: the file as a whole
SUMMARY = re.compile(r"^\d+ errors?\b")  # the count after the diagnostics ("2 errors, 1 warning")
TIMEOUT = 240  # seconds before a hung command fails its test (a guard, not a measure)

NEW_KIND_NAMES = ("article", "annotation", "event", "topic", "page")
NEW_SEED = "seeds/reuters-2024-04-02.txt"
NEW_SEED_TEXT = (
    "date 2024-04-02\n"
    "Les délégations irakienne et américaine se sont retrouvées mardi à Bagdad pour un deuxième cycle "
    "de discussions sur l'avenir de la coalition.\n"
    "\n"
    "Les discussions doivent reprendre en mai, selon un responsable irakien.\n"
)


# -- a fresh copy of the repository ----------------------------------------------------------


def repository_files() -> list[str]:
    """The repository's files, as the working tree being committed has them now: the tracked
    ones and the new ones not ignored (no ``.venv``, ``_site`` or ``.dossier-cache``)."""

    def listed(*options: str) -> set[str]:
        out = subprocess.run(["git", "ls-files", "-z", *options], cwd=REPO, capture_output=True, check=True).stdout
        return {name for name in out.decode().split("\0") if name}

    tracked = listed()
    names = tracked | {n for n in listed("--others", "--exclude-standard") if not n.startswith(".")}
    return sorted(names)


def copy_repository(target: Path) -> Path:
    for name in repository_files():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(REPO / name, path)  # new mtimes, like a clone
        except FileNotFoundError:
            continue  # deleted in the working tree: not part of what is being committed
        shutil.copymode(REPO / name, path)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "dossier")


# -- running a command as typed --------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Done:
    command: str
    code: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if ERROR.match(line)]

    def __repr__(self) -> str:  # what a failed assertion shows: the command and all it printed
        return f"\n$ {self.command}\n[exit {self.code}]\n{self.out}{self.err}"


def environment() -> dict[str, str]:
    """The user's environment: nothing that points Python elsewhere."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


def argv(command: str) -> list[str]:
    words = shlex.split(command)
    replace = {"python": PYTHON, "python3": PYTHON, "dossier": str(DOSSIER)}
    assert words[0] in replace, f"not a command of the README: {command}"
    return [replace[words[0]], *words[1:]]


def assert_like_a_tool(command: str, code: int, output: str) -> None:
    """What a user must never see, whatever the command and whatever went wrong."""
    assert "Traceback" not in output, f"$ {command}\n{output}"
    assert code in (0, 1, 2), f"$ {command}\n[exit {code}]\n{output}"
    for line in output.splitlines():
        if "error:" in line:
            fine = ERROR.match(line) or line.startswith("error: ") or SUMMARY.match(line)
            assert fine, f"$ {command}: not a diagnostic line: {line!r}"


def typed(command: str, cwd: Path, timeout: float = TIMEOUT, bound: bool = False) -> Done:
    """Runs ``command`` as the user types it, from ``cwd``; ``bound``: held by the permissions
    of files and folders, as a user is (see :func:`bound_by_permissions`)."""
    result = subprocess.run(
        [*bound_by_permissions(), *argv(command)] if bound else argv(command),
        cwd=cwd,
        env=environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    done = Done(command, result.returncode, result.stdout, result.stderr)
    assert_like_a_tool(command, done.code, done.out + done.err)
    return done


def bound_by_permissions() -> list[str]:
    """What a command is run through so that a folder's permissions stop it (``chmod 000``): as
    root (CI runs the suite in a container, as root), which they do not stop, without the
    capabilities that override them (``setpriv``, of util-linux); as any other user, nothing."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("run as root without setpriv (util-linux): permissions cannot be made to stop a command")
    powers = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--bounding-set={powers}", f"--inh-caps={powers}", "--"]


@contextlib.contextmanager
def unreadable(*folders: Path) -> Iterator[None]:
    """``folders`` with mode 000 (no one but root may list or enter them), then as they were."""
    modes = [folder.stat().st_mode for folder in folders]
    try:
        for folder in folders:
            folder.chmod(0)
        yield
    finally:
        for folder, mode in zip(folders, modes, strict=True):
            folder.chmod(mode)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes (the interpreter's bytecode aside)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def front_matter(path: Path) -> dict[str, object]:
    """The front matter as the text typed (YAML's base loader: every value a string)."""
    _, head, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.load(head, Loader=yaml.BaseLoader)
    assert isinstance(data, dict)
    return data


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# -- the set-up command's build, check, build for Pages -------------------------------------


def test_the_first_build_writes_the_site_and_says_so_in_one_line(project: Path) -> None:
    done = typed("python build.py", project)
    assert done.code == 0, done
    assert (project / "_site" / "index.html").is_file()
    assert len(done.out.splitlines()) == 1 and done.out.startswith("_site: "), done
    assert not done.errors, done

    again = typed("python build.py", project)  # nothing changed: still one line, still the same site
    assert again.code == 0 and len(again.out.splitlines()) == 1, again
    assert (project / "_site" / "index.html").is_file()

    installed = typed("dossier check", project)  # "the dossier command is the same program"
    assert installed.code == 0 and installed.out.startswith("ok: no errors"), installed


def test_a_local_build_of_the_shipped_dossier_prints_nothing_but_its_summary(project: Path) -> None:
    """The shipped ``base_url: /`` is the local-work setting: no warning on every build."""
    done = typed("python build.py", project)
    assert done.code == 0, done
    assert done.err == "", done


def test_check_reports_and_writes_nothing(project: Path) -> None:
    before = files_of(project)
    done = typed("python build.py check", project)
    assert done.code == 0, done
    assert done.out.startswith("ok: no errors"), done
    assert files_of(project) == before
    assert not (project / "_site").exists()


def test_every_command_has_its_help(project: Path) -> None:
    before = files_of(project)
    for command in ("build", "check", "serve", "new", "import", "rename", *(f"new {kind}" for kind in NEW_KIND_NAMES)):
        done = typed(f"python build.py {command} --help", project)
        assert done.code == 0 and done.out.startswith("usage: "), done
    assert files_of(project) == before


def test_build_options_as_the_readme_lists_them(project: Path) -> None:
    done = typed("python build.py build --out public --no-search --no-cache --jobs 1 -q", project)
    assert done.code == 0, done
    assert done.out == "" and not done.errors, done  # -q: only problems
    assert (project / "public" / "index.html").is_file()
    assert not (project / "public" / "pagefind").exists()  # --no-search
    assert not (project / "_site").exists()
    assert not (project / ".dossier-cache" / "build").exists()  # --no-cache writes no cache
    default = typed("python build.py build --out other --no-search", project)  # the default --jobs, cached
    assert default.code == 0, default
    assert files_of(project / "public") == files_of(project / "other")  # whatever the processes


def test_the_output_folder_is_the_builds_or_it_is_refused(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True, capture_output=True)
    repository = files_of(project / ".git")
    for command in ("python build.py build --out .git", "python build.py build --out .git --replace-output"):
        done = typed(command, project)
        assert done.code == 1, done
        assert done.err == (
            "error: output folder '.git' is a git repository's '.git' folder, or inside one: refusing to write there"
            " (hint: give the site a folder of its own, e.g. --out _site; --replace-output does not change this)\n"
        ), done
        assert files_of(project / ".git") == repository

    notes = project / "notes"
    notes.mkdir()
    (notes / "idées.txt").write_text("à garder", encoding="utf-8")
    for _ in range(2):  # refused, and again: nothing of it was set aside to be deleted later
        done = typed("python build.py build --out notes", project)
        assert done.code == 1, done
        assert done.err.startswith("error: output folder 'notes' holds files dossier did not write ('idées.txt')"), done
        assert "--replace-output" in done.err and len(done.err.splitlines()) == 1, done
        assert files_of(notes) == {"idées.txt": "à garder".encode()}

    done = typed("python build.py build --out notes --replace-output -q", project)  # confirmed
    assert done.code == 0, done
    assert (notes / "index.html").is_file() and not (notes / "idées.txt").exists()
    assert typed("python build.py build --out notes -q", project).code == 0  # dossier's now: no flag


def test_a_site_built_before_the_marker_is_said_to_be_one(project: Path) -> None:
    assert typed("python build.py -q", project).code == 0
    (project / "_site" / ".dossier-output").unlink()  # as a build from before the marker left it
    site = files_of(project / "_site")
    done = typed("python build.py", project)
    assert done.code == 1, done
    assert "it looks like a site built by an older dossier" in done.err, done
    assert "build once with --replace-output" in done.err, done
    assert files_of(project / "_site") == site
    assert typed("python build.py --replace-output -q", project).code == 0
    assert typed("python build.py -q", project).code == 0


def test_a_build_for_a_project_site_links_everything_under_its_path(project: Path) -> None:
    done = typed("python build.py build --base-url https://example.github.io/dossier/", project)
    assert done.code == 0, done
    assert "base_url" not in done.err, done  # it has a host: no warning about one
    site = project / "_site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'\s(?:href|src|action)="([^"]*)"', html):
            if url.startswith(("#", "mailto:")):
                continue
            if url.startswith("https://example.github.io"):
                assert url.startswith("https://example.github.io/dossier/"), (page, url)
            elif "://" not in url:
                assert url.startswith("/dossier/"), (page.relative_to(site), url)
    for data in ("sitemap.xml", "feed.xml", "annotations.xml"):
        text = (site / data).read_text(encoding="utf-8")
        urls = re.findall(r"<loc>([^<]*)</loc>|<link[^>]*href=\"([^\"]*)\"", text)
        found = [u for pair in urls for u in pair if u and "example.github.io" in u]
        assert found and all(u.startswith("https://example.github.io/dossier/") for u in found), (data, found)
    assert (site / "articles" / ARTICLE_SLUG / "index.html").is_file()


def test_mistakes_are_lines_at_their_place_and_the_site_stays(project: Path) -> None:
    assert typed("python build.py", project).code == 0
    site = files_of(project / "_site")
    note = project / "content/annotations/invasion-2003.md"
    note.write_text(note.read_text(encoding="utf-8").replace("kind: contexte", "kind: definition"), encoding="utf-8")
    event = project / "content/timeline/accord-sofa.md"
    text = event.read_text(encoding="utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("date:"))
    event.write_text(text.replace(date_line, "date: 2008-02-30"), encoding="utf-8")
    expected = [
        f"content/annotations/invasion-2003.md:{line_of(note, 'kind:')}",
        f"content/timeline/accord-sofa.md:{line_of(event, 'date:')}",
    ]
    for command in ("python build.py", "python build.py check", "python build.py build --base-url /dossier/"):
        done = typed(command, project)
        assert done.code == 1, done
        assert [line.split(": error: ")[0] for line in done.errors] == expected, done
        assert "définition" in done.err  # the kind meant, as a hint
        assert done.err.splitlines()[-1].startswith("2 errors"), done
        assert files_of(project / "_site") == site


def cannot_read(folder: str) -> str:
    hint = f"check its owner and permissions (chmod u+rx {folder}): every file in it is read"
    return f"{folder}: error: cannot read this folder: Permission denied (hint: {hint})"


def test_a_folder_that_cannot_be_read_stops_the_build_and_the_site_stays(project: Path) -> None:
    assert typed("python build.py", project).code == 0  # readable: the site, and the cache the next build resumes
    site = files_of(project / "_site")
    for folder in ("content/annotations", "content/media", "content"):
        (project / folder).mkdir(exist_ok=True)
        with unreadable(project / folder):
            for command in ("python build.py", "python build.py build --no-cache", "python build.py check"):
                done = typed(command, project, bound=True)  # resumed, cold, and in memory
                assert done.code == 1, done
                assert done.errors == [cannot_read(folder)], done
                assert done.err.splitlines()[-1].startswith("1 error"), done
                assert files_of(project / "_site") == site
    again = typed("python build.py", project, bound=True)
    assert again.code == 0 and files_of(project / "_site") == site, again


def test_import_of_seeds_that_cannot_be_read_says_so(project: Path) -> None:
    (project / NEW_SEED).write_text(NEW_SEED_TEXT, encoding="utf-8")
    before = files_of(project / "content")
    with unreadable(project / "seeds"):
        done = typed("python build.py import", project, bound=True)
    assert done.code == 1 and done.out == "", done  # not "nothing to import: every seed has an article"
    assert done.errors == [cannot_read("seeds")], done
    with unreadable(project / "content/articles"):  # every seed would seem new: imported twice
        done = typed("python build.py import", project, bound=True)
    assert done.code == 1 and done.errors == [cannot_read("content/articles")], done
    assert files_of(project / "content") == before


def test_a_project_folder_that_cannot_be_read_is_one_line_for_every_command(project: Path, tmp_path: Path) -> None:
    locked = tmp_path / "verrouillé"
    shutil.copytree(project / "content", locked / "content")
    shutil.copy(project / "site.yml", locked / "site.yml")
    commands = [
        "build",
        "check",
        "serve --port 0",
        "import",
        "new article --title Titre --date 2024-04",
        "rename article irak-fin-de-la-coalition irak",
        "reanchor",
    ]
    with unreadable(locked):
        for command in commands:
            done = typed(f"python build.py {command} --root ../verrouillé", project, bound=True)
            assert done.code == 2 and done.out == "", done  # as a --root that is no project
            assert done.err == (
                f"error: --root ../verrouillé: cannot read the project folder {locked}: Permission denied"
                " (hint: check its owner and permissions (chmod u+rx): every command reads the project's files)\n"
            ), done


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the file's browser tests."""
    with chromium() as launched:
        yield launched


def _watched(page: Page) -> list[str]:
    """What went wrong while the page was used: failed requests, error statuses, console errors."""
    problems: list[str] = []
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    return problems


def test_the_built_folder_served_as_the_readme_says_reads_and_searches(project: Path, browser: Browser) -> None:
    assert typed("python build.py", project).code == 0
    port = free_port()
    command = f"python3 -m http.server -d _site {port}"
    process = subprocess.Popen(
        argv(command), cwd=project, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + TIMEOUT
        while True:  # wait for it to answer (a guard, not a measure)
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the folder is not served"
                time.sleep(0.1)
        page = browser.new_page()
        problems = _watched(page)
        page.goto(url)
        page.locator(f'a[href$="/articles/{ARTICLE_SLUG}/"]').first.click()
        page.wait_for_url(f"{url}articles/{ARTICLE_SLUG}/")
        assert "coalition" in page.locator("h1").first.inner_text()
        page.locator("#site-search-q").fill("combattu")  # README: "combattu" finds "combattre"
        page.locator("#site-search-q").press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q=combattu$"))
        page.locator('#search[data-state="done"]').wait_for(timeout=60_000)
        results = page.locator(".search-result a")
        assert results.count() >= 1
        assert any(f"/articles/{ARTICLE_SLUG}/" in (a.get_attribute("href") or "") for a in results.all())
        assert page.locator(".search-result mark").count() >= 1  # the words found, highlighted
        assert problems == []
        page.close()
    finally:
        process.terminate()
        process.wait()


# -- --root: however it is spelt, the same project ------------------------------------------

ROOT_COMMANDS = (
    "import",
    'new topic --label "Kurdistan irakien" --keywords Kurdistan,Erbil --text "La région autonome du nord."',
    "check",
    "build",
)


def _root_spellings(project: Path) -> dict[str, tuple[Path, str, str]]:
    """name: (working directory, how build.py is reached, the --root given)."""
    outside = project.parent
    link = outside / "le dossier"  # a symlinked folder, with a space in its name
    if not link.exists():
        link.symlink_to(project, target_is_directory=True)
    q = shlex.quote
    return {
        "dot": (project, "build.py", "."),
        "dotdot-from-content": (project / "content", "../build.py", ".."),
        "absolute-from-elsewhere": (outside, q(str(project / "build.py")), q(str(project))),
        "symlink-relative": (outside, q("le dossier/build.py"), q("le dossier")),
        "symlink-absolute-from-root": (Path("/"), q(str(link / "build.py")), q(str(link))),
    }


def _journey(cwd: Path, script: str, root: str | None) -> list[tuple[int, str, str]]:
    outcomes = []
    for command in ROOT_COMMANDS:
        typed_command = f"python {script} {command}" + (f" --root {root}" if root is not None else "")
        done = typed(typed_command, cwd)
        # every path printed is named from the project folder, wherever the command was typed
        out = re.sub(r"^_site: (.*) in [0-9.]+ m?s$", r"_site: \1 in T", done.out.strip())
        outcomes.append((done.code, out, done.err))
    return outcomes


@dataclass(frozen=True)
class Reference:
    outcomes: list[tuple[int, str, str]]
    content: dict[str, bytes]
    site: dict[str, bytes]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The journey of the --root tests typed without --root, from the project's folder."""
    root = copy_repository(tmp_path_factory.mktemp("reference") / "dossier")
    (root / NEW_SEED).write_text(NEW_SEED_TEXT, encoding="utf-8")
    outcomes = _journey(root, "build.py", None)
    assert [code for code, _, _ in outcomes] == [0, 0, 0, 0], outcomes
    return Reference(outcomes, files_of(root / "content"), files_of(root / "_site"))


@pytest.mark.parametrize(
    "spelling",
    ["dot", "dotdot-from-content", "absolute-from-elsewhere", "symlink-relative", "symlink-absolute-from-root"],
)
def test_every_spelling_of_root_is_the_same_project(spelling: str, project: Path, reference: Reference) -> None:
    (project / NEW_SEED).write_text(NEW_SEED_TEXT, encoding="utf-8")
    cwd, script, root = _root_spellings(project)[spelling]
    assert _journey(cwd, script, root) == reference.outcomes
    assert files_of(project / "content") == reference.content
    assert files_of(project / "_site") == reference.site  # byte for byte
    assert cwd == project or not (cwd / "_site").exists()


# -- import ----------------------------------------------------------------------------------


def _new_articles(project: Path, before: dict[str, bytes]) -> list[str]:
    return sorted(set(files_of(project / "content" / "articles")) - set(before))


def test_import_turns_a_new_seed_into_a_draft_article(project: Path) -> None:
    (project / NEW_SEED).write_text(NEW_SEED_TEXT, encoding="utf-8")
    before = files_of(project / "content" / "articles")
    done = typed("python build.py import", project)
    assert done.code == 0, done
    [name] = _new_articles(project, before)
    path = f"content/articles/{name}"
    lines = done.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), done
    fields = front_matter(project / path)
    assert fields["seed"] == NEW_SEED
    assert fields["seed_sha256"] == hashlib.sha256((project / NEW_SEED).read_bytes()).hexdigest()
    assert fields["date"] == "2024-04-02" and fields["draft"] == "true"

    assert typed("python build.py check", project).code == 0
    built = typed("python build.py build --drafts", project)
    assert built.code == 0, built
    page = project / "_site" / "articles" / Path(name).stem / "index.html"
    assert "deuxième cycle de discussions" in page.read_text(encoding="utf-8")


BAD_SEEDS: dict[str, bytes] = {
    "seeds/vide.txt": b"",
    "seeds/latin1.txt": "date 2024-03\nLes négociations reprennent.\n".encode("latin-1"),
    "seeds/sans-date.txt": "BAGDAD - Les négociations reprennent.\n".encode(),
    "seeds/date-impossible.txt": "date 2024-02-30\nLes négociations reprennent.\n".encode(),
}


def test_import_of_a_batch_imports_the_good_seeds_and_reports_each_bad_one(project: Path) -> None:
    (project / NEW_SEED).write_text(NEW_SEED_TEXT, encoding="utf-8")
    for name, data in BAD_SEEDS.items():
        (project / name).write_bytes(data)
    before = files_of(project / "content" / "articles")
    done = typed("python build.py import", project)
    assert done.code == 1, done
    assert sorted(line.split(":")[0] for line in done.errors) == sorted(BAD_SEEDS), done
    assert done.err.splitlines()[-1].startswith("4 errors"), done
    [name] = _new_articles(project, before)
    assert front_matter(project / "content" / "articles" / name)["seed"] == NEW_SEED
    assert f"content/articles/{name}" in done.out, done


def test_import_again_does_nothing(project: Path) -> None:
    shipped = typed(f"python build.py import {SEED}", project)  # the shipped seed, edited article
    before = files_of(project / "content" / "articles")
    assert shipped.code == 0, shipped
    assert len(shipped.out.splitlines()) == 1 and ARTICLE in shipped.out, shipped
    assert files_of(project / "content" / "articles") == before

    (project / NEW_SEED).write_text(NEW_SEED_TEXT, encoding="utf-8")
    assert typed("python build.py import", project).code == 0
    [name] = _new_articles(project, before)
    article = project / "content" / "articles" / name
    edited = re.sub(r"(?m)^title: .*$", 'title: "Deuxième cycle de discussions à Bagdad"', article.read_text("utf-8"))
    edited = re.sub(r"(?m)^draft: .*\n", "", edited)  # the editor has checked the draft
    article.write_text(edited, encoding="utf-8")
    after_edit = files_of(project / "content")

    for command in ("python build.py import", f"python build.py import {NEW_SEED}", f"python build.py import {SEED}"):
        done = typed(command, project)
        assert done.code == 0, done
        assert files_of(project / "content") == after_edit, done
    assert typed("python build.py check", project).code == 0


def test_import_update_of_a_changed_seed_keeps_the_editors_work(project: Path) -> None:
    article, seed = project / ARTICLE, project / SEED
    editorial = front_matter(article)
    text = seed.read_text(encoding="utf-8")
    assert text.count("un peu de répit aux négociations") == 1
    seed.write_text(text.replace("un peu de répit aux négociations", "un peu de répit aux pourparlers"), "utf-8")

    stale = typed("python build.py check", project)  # the build sees it, and says what to run
    assert stale.code == 1 and stale.errors, stale
    assert "--update" in stale.err and "--force" not in stale.err, stale

    done = typed(f"python build.py import --update {SEED}", project)
    assert done.code == 0, done
    assert ARTICLE in done.out, done
    updated = front_matter(article)
    assert updated["seed_sha256"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    assert {k: v for k, v in updated.items() if k != "seed_sha256"} == {
        k: v for k, v in editorial.items() if k != "seed_sha256"
    }
    assert "un peu de répit aux pourparlers" in article.read_text(encoding="utf-8")
    assert typed("python build.py check", project).code == 0

    content = files_of(project / "content")
    again = typed(f"python build.py import --update {SEED}", project)  # unchanged now: nothing to do
    assert again.code == 0, again
    assert files_of(project / "content") == content


# -- new -------------------------------------------------------------------------------------

NEW_KINDS = {
    "article": (
        'new article --title "Bagdad et Washington reprennent les discussions" --date 2024-04-02'
        ' --topics irak,etats-unis --source Reuters --text "Les délégations se sont retrouvées mardi à Bagdad."',
        "content/articles/bagdad-et-washington-reprennent-les-discussions.md",
        "articles/bagdad-et-washington-reprennent-les-discussions/index.html",
        "Les délégations se sont retrouvées mardi à Bagdad.",
    ),
    "annotation": (
        f'new annotation --article {ARTICLE_SLUG} --quote "une vacance du pouvoir" --kind contexte'
        ' --text "Le départ des troupes laisserait la sécurité aux seules forces irakiennes."',
        "content/annotations/",
        f"articles/{ARTICLE_SLUG}/index.html",
        "Le départ des troupes laisserait la sécurité aux seules forces irakiennes.",
    ),
    "event": (
        'new event --title "Reprise des discussions à Bagdad" --date 2024-04-02 --topics irak'
        ' --text "Deuxième cycle de la commission militaire mixte."',
        "content/timeline/reprise-des-discussions-a-bagdad.md",
        "timeline/index.html",
        "Deuxième cycle de la commission militaire mixte.",
    ),
    "span": (
        'new event --title "Négociations sur la coalition" --date 2024-01 --end 2024-09 --topics irak'
        ' --text "Les discussions de la commission militaire mixte."',
        "content/timeline/negociations-sur-la-coalition.md",
        "timeline/index.html",
        "Les discussions de la commission militaire mixte.",
    ),
    "topic": (
        'new topic --label "Kurdistan irakien" --keywords Kurdistan,Erbil --text "La région autonome du nord."',
        "content/topics/kurdistan-irakien.md",
        "topics/kurdistan-irakien/index.html",
        "La région autonome du nord.",
    ),
    "page": (
        'new page --title "Méthode" --summary "Comment ce dossier est fait"'
        ' --text "Chaque note cite le passage qu\u2019elle explique."',
        "content/pages/methode.md",
        "methode/index.html",
        "Chaque note cite le passage qu\u2019elle explique.",
    ),
}


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_new_writes_a_file_the_build_accepts_and_shows(kind: str, project: Path) -> None:
    arguments, path, page, text = NEW_KINDS[kind]
    before = files_of(project / "content")
    done = typed(f"python build.py {arguments}", project)
    assert done.code == 0, done
    written = sorted(set(files_of(project / "content")) - set(before))
    assert [f"content/{name}" for name in written] == [done.out.strip()], done
    assert done.out.strip().startswith(path) and done.out.strip().endswith(".md"), done
    checked = typed("python build.py check", project)
    assert checked.code == 0 and not checked.errors, checked
    built = typed("python build.py", project)
    assert built.code == 0, built
    assert text in (project / "_site" / page).read_text(encoding="utf-8")

    content = files_of(project / "content")
    again = typed(f"python build.py {arguments}", project)  # never replaces a file
    assert again.code == 1 and again.errors, again
    assert files_of(project / "content") == content


REFUSED_NOTES = {
    # "rare allié de Téhéran et de Washington" is the passage of allie-teheran-washington.md
    "overlapping": ("rare allié de Téhéran", "allie-teheran-washington"),
    "not-in-the-article": ("la fin de la coalition américaine", "not found"),
}


@pytest.mark.parametrize("case", REFUSED_NOTES)
def test_new_annotation_the_build_would_refuse_is_refused_and_nothing_is_written(case: str, project: Path) -> None:
    quote, said = REFUSED_NOTES[case]
    before = files_of(project)
    done = typed(
        f'python build.py new annotation --article {ARTICLE_SLUG} --quote "{quote}" --text "Une note."', project
    )
    assert done.code == 1, done
    assert done.errors and said in done.err, done
    assert done.out == "", done
    assert files_of(project) == before
    assert typed("python build.py check", project).code == 0


def test_new_annotation_of_a_passage_found_twice_is_placed_by_its_context(project: Path) -> None:
    quote = f'python build.py new annotation --article {ARTICLE_SLUG} --quote "Je ne pense pas"'
    before = files_of(project)
    twice = typed(f'{quote} --text "Une note."', project)
    assert twice.code == 1 and twice.errors and "suffix" in twice.err, twice  # how to choose
    assert files_of(project) == before
    placed = typed(f'{quote} --suffix "non plus" --text "Une note."', project)
    assert placed.code == 0, placed
    assert (project / placed.out.strip()).is_file()
    assert typed("python build.py check", project).code == 0


def test_new_annotation_date_is_when_the_note_was_written(project: Path) -> None:
    """``--date`` becomes the note's ``date``: on its card and its open-data annotation's ``created``;
    a date the calendar has not is refused like the field itself, nothing written."""
    command = (
        f'python build.py new annotation --article {ARTICLE_SLUG} --quote "une vacance du pouvoir"'
        ' --text "Le départ des troupes laisserait la sécurité aux seules forces irakiennes." --date'
    )
    before = files_of(project)
    bad = typed(f"{command} 2024-13-06", project)
    assert bad.code == 1 and bad.out == "", bad
    assert bad.errors == [
        "content/annotations/une-vacance-du-pouvoir.md:5: error: 'date': month 13 does not exist"
        " (hint: the day the note was written, e.g. date: 2024-03-06; or no date at all)"
    ], bad
    assert files_of(project) == before
    empty = typed(f'{command} ""', project)
    assert empty.code == 2 and empty.err.strip() == (
        "error: --date: no date given (hint: the day the note was written, e.g. --date 2024-03-06; or no --date)"
    ), empty
    assert files_of(project) == before
    done = typed(f'{command} " 2024-03-06 "', project)  # as pasted: the spaces are not the date's
    assert done.code == 0 and done.out.strip() == "content/annotations/une-vacance-du-pouvoir.md", done
    assert 'date: "2024-03-06"' in (project / done.out.strip()).read_text(encoding="utf-8").split("---")[1]
    assert typed("python build.py", project).code == 0
    page = (project / f"_site/articles/{ARTICLE_SLUG}/index.html").read_text(encoding="utf-8")
    assert '<span class="note-date"><time datetime="2024-03-06">6 mars 2024</time></span>' in page
    notes = json.loads((project / f"_site/articles/{ARTICLE_SLUG}/annotations.jsonld").read_text(encoding="utf-8"))
    created = [n["created"] for n in notes["first"]["items"] if "une vacance du pouvoir" in str(n["target"])]
    assert created == ["2024-03-06T00:00:00Z"]


# -- serve -----------------------------------------------------------------------------------


@dataclass
class Served:
    """A ``serve`` process and the lines it printed, read as they come."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    closed: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = TIMEOUT) -> str:
        """The first line matching ``pattern`` among those printed after the first ``after``."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: self.closed or any(re.search(pattern, line) for line in self.lines[after:]), timeout
            )
            match = [line for line in self.lines[after:] if re.search(pattern, line)]
            assert found and match, "\n".join(self.lines)
            return match[0]

    def log(self) -> str:
        with self.changed:
            return "\n".join(self.lines)


@contextlib.contextmanager
def serving(project: Path) -> Iterator[tuple[Served, str]]:
    """``python build.py serve --port N`` typed in ``project``, until the block ends: the server and its URL."""
    port = free_port()
    command = f"python build.py serve --port {port}"
    process = subprocess.Popen(
        argv(command),
        cwd=project,
        env=environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Served(process)
    try:
        line = server.wait_for(r"^serving ")
        url = re.search(r"http://\S+/", line)
        assert url and f":{port}/" in url.group(0), line
        yield server, url.group(0)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Served, str]]:
    with serving(project) as running:
        yield running


CONNECTED = "document.addEventListener('LiveReloadConnect', () => { window.__liveReloadConnected = true; });"


def test_serve_reloads_on_save_shows_errors_and_stops_on_ctrl_c(
    project: Path, served: tuple[Served, str], browser: Browser
) -> None:
    server, url = served
    article = project / ARTICLE
    original = article.read_text(encoding="utf-8")
    title_line = next(line for line in original.splitlines() if line.startswith("title: "))
    retitled = original.replace(title_line, 'title: "Bagdad et Washington négocient le départ de la coalition"')
    broken = original.replace(title_line, 'title: "Bagdad et Washington négocient le départ de la coalition')
    heading = "() => (document.querySelector('h1') || {innerText: ''}).innerText"

    page = browser.new_page()
    try:
        page.add_init_script(CONNECTED)  # runs again on every reload
        home = page.goto(url)
        assert home is not None and home.ok
        page.locator(f'a[href$="/articles/{ARTICLE_SLUG}/"]').first.click()
        page.wait_for_url(f"{url}articles/{ARTICLE_SLUG}/")
        page.wait_for_function("() => window.__liveReloadConnected === true")

        article.write_text(retitled, encoding="utf-8")  # an editor saves a change
        page.wait_for_function(f"() => ({heading})().includes('négocient le départ')", timeout=60_000)
        page.wait_for_function("() => window.__liveReloadConnected === true")

        article.write_text(broken, encoding="utf-8")  # then a mistake
        overlay = page.locator("#dossier-errors")
        overlay.wait_for(timeout=60_000)
        assert re.search(rf"{re.escape(ARTICLE)}:\d+: error: ", overlay.inner_text()), overlay.inner_text()
        assert "négocient le départ" in page.locator("h1").first.inner_text()  # the last good page stays
        page.wait_for_function("() => window.__liveReloadConnected === true")

        article.write_text(retitled, encoding="utf-8")  # fixed
        page.wait_for_function(
            f"() => !document.getElementById('dossier-errors') && ({heading})().includes('négocient le départ')",
            timeout=60_000,
        )

        printed = len(server.lines)  # a new file, from another terminal, while it serves
        made = typed('python build.py new page --title "Méthode" --text "Chaque note cite son passage."', project)
        assert made.code == 0, made
        server.wait_for(r"^rebuilt ", after=printed)
        tab = browser.new_page()  # the open page reloads by itself meanwhile
        shown = tab.goto(f"{url}methode/")
        assert shown is not None and shown.ok
        assert "Chaque note cite son passage." in tab.locator("main").inner_text()
        tab.close()
    finally:
        page.close()

    assert re.search(rf"(?m)^{re.escape(ARTICLE)}:\d+: error: ", server.log()), server.log()
    printed = len(server.lines)
    server.process.send_signal(signal.SIGINT)  # Ctrl-C
    code = server.process.wait(timeout=60)
    server.reader.join(timeout=60)
    assert_like_a_tool("python build.py serve", code, server.log())
    assert code == 0, server.log()
    assert len(server.lines[printed:]) == 1, server.lines[printed:]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield int(busy.getsockname()[1])


SERVE_MISTAKES = {
    "port-in-use": ("python build.py serve --port {busy}", ["{busy}", "--port"]),
    "negative-port": ("python build.py serve --port -1", ["-1", "--port"]),
    "port-too-large": ("python build.py serve --port 99999", ["99999", "--port"]),
    "unassignable-host": ("python build.py serve --host 192.0.2.1", ["192.0.2.1", "--host"]),
}


@pytest.mark.parametrize("case", SERVE_MISTAKES)
def test_serve_that_cannot_listen_says_why_in_one_line_before_building(
    case: str, project: Path, busy_port: int
) -> None:
    command, said = SERVE_MISTAKES[case]
    done = typed(command.format(busy=busy_port), project, timeout=120)
    assert done.code == 2, done
    lines = done.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done
    assert "hint:" in lines[0], done
    for words in said:
        assert words.format(busy=busy_port) in lines[0], done
    assert not (project / ".dossier-cache" / "serve").exists()
    assert not (project / "_site").exists()
