"""The package is the product: its wheel, installed in a fresh venv, starts a dossier anywhere.

The wheel and the sdist are built here from a copy of the sources (``pyproject-build
--no-isolation``: isolation would download setuptools, and the tests have no network). The
fresh venv lives outside the repository; the wheel goes in with ``pip --no-index --no-deps``,
and the libraries it needs come from the test environment through one ``.pth`` file that
names its ``site-packages`` folder: a plain path line, so the test environment's editable
install of the repository (an import hook, activated only by its own ``.pth`` in a site
folder) is not: the ``dossier`` the venv imports is the wheel's, which the test asserts.
Every command is typed as a user types it, from the folder, with relative paths.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from sitecheck import broken_links, pages
from test_journeys import Served
from test_workflow import actionlint

from dossier import __version__

RELEASE = REPO / ".github" / "workflows" / "release.yml"
SOURCES = ("pyproject.toml", "README.md", "MANIFEST.in", "dossier", "LICENSE")
BIN = Path(sys.executable).parent
DEADLINE = 60.0  # seconds a served page may take to show a change (a bound, never a measure)


@dataclass(frozen=True)
class Dist:
    folder: Path  # dist/: the sdist and the wheel
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [BIN / "pyproject-build", "--no-isolation", "--outdir", out, "."],
        cwd=source,
        capture_output=True,
        text=True,
        env=_environment(),
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return Dist(out, wheel, sdist)


def _environment(path: Path | None = None) -> dict[str, str]:
    """The user's environment (nothing pointing Python elsewhere), with ``path`` first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["PATH"] = os.pathsep.join(p for p in (str(path) if path else "", str(BIN), env.get("PATH", "")) if p)
    return env


def _libraries(venv: Path) -> None:
    """The test environment's libraries, for a venv that cannot download them: one path line."""
    [site] = (venv / "lib").glob("python3*/site-packages")
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh place outside the repository, where the README's ``mkdir mon-dossier`` is typed."""
    place = tmp_path_factory.mktemp("newsroom")
    (place / "mon-dossier").mkdir()
    return place


@pytest.fixture(scope="module")
def venv(dist: Dist, newsroom: Path) -> Path:
    """``python3 -m venv .venv`` in the new dossier's folder, as the README says, with the wheel
    installed (not editable; offline: see the module's doc); its bin/."""
    folder = newsroom / "mon-dossier" / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", folder], check=True)
    _libraries(folder)
    python = folder / "bin" / "python"
    before = subprocess.run([python, "-c", "import dossier"], cwd=newsroom, capture_output=True, text=True)
    assert "No module named 'dossier'" in before.stderr  # the repository is not reachable from the venv
    install = [sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--no-deps", "-I"]
    done = subprocess.run([*install, dist.wheel], capture_output=True, text=True, env=_environment())
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "bin"


def _run(command: str, cwd: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    """``command`` typed in ``cwd``, the venv's commands first on PATH."""
    done = subprocess.run(command, shell=True, cwd=cwd, env=_environment(bin_dir), capture_output=True, text=True)
    assert "Traceback" not in done.stderr, f"$ {command}\n{done.stderr}"
    return done


# -- the wheel ---------------------------------------------------------------------------


def test_the_wheel_holds_the_engine_its_theme_and_the_starter_and_nothing_else(dist: Dist) -> None:
    names = zipfile.ZipFile(dist.wheel).namelist()
    info = f"dossier_ssg-{__version__}.dist-info/"  # the name to pip install: dossier-ssg
    assert all(name.startswith(("dossier/", info)) for name in names), names
    theme = "dossier/themes/default/"
    for rel in ("templates/base.html", "templates/article.html", "static/style.css", "i18n/fr.yml", "i18n/en.yml"):
        assert theme + rel in names
    for rel in ("pages.yml", "requirements.txt", "gitignore", "fr/example.yml", "en/seed.txt", "en/README.md"):
        assert "dossier/starter/" + rel in names
    assert "dossier/dev/dev.js" in names
    packaged = {name.removeprefix("dossier/").split("/")[0] for name in names if name.startswith("dossier/")}
    assert not packaged & {"tests", "bench", "content", "seeds", "golden", "catalogue"}
    assert not [n for n in names if re.search(r"(^|/)(test_|conftest|bench)|irak", n)]
    assert info + "licenses/LICENSE" in names
    entry = zipfile.ZipFile(dist.wheel).read(info + "entry_points.txt").decode()
    assert "dossier = dossier.cli:run" in entry
    size = dist.wheel.stat().st_size
    print(f"\nwheel: {dist.wheel.name}, {size} bytes, {len(names)} files")


def test_the_sdist_leaves_the_tests_the_benchmarks_and_the_demonstration_out(dist: Dist) -> None:
    import tarfile

    with tarfile.open(dist.sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    assert "dossier/themes/default/templates/base.html" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "content/", "seeds/", "themes/"))]


# -- the journey of a new dossier ----------------------------------------------------------

SEED = """\
date 2025-03-05
VILLEDOC, 5 mars (Agence Exemple) - Les travaux de la passerelle commenceront en juin,
a annoncé mercredi la mairie de Villedoc.

Le chantier doit durer dix-huit mois.
"""


INIT = 'dossier init . --title "Le dossier de la passerelle"'  # typed in mon-dossier/, as the README says


@pytest.fixture(scope="module")
def started(venv: Path, newsroom: Path) -> Path:
    """``dossier init`` in the new folder that holds the venv, from the installed wheel."""
    folder = newsroom / "mon-dossier"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert INIT in readme and "mkdir mon-dossier && cd mon-dossier" in readme
    done = _run(INIT, folder, venv)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("next: dossier serve")
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [".github", ".gitignore", ".venv"]
    return folder


def test_the_venv_imports_the_wheel_and_runs_as_a_program(venv: Path, tmp_path: Path) -> None:
    where = _run('python -c "import dossier; print(dossier.__file__)"', tmp_path, venv)
    path = Path(where.stdout.strip())
    assert path.is_relative_to(venv.parent) and not path.is_relative_to(REPO)
    assert _run("dossier --version", tmp_path, venv).stdout.strip() == f"dossier {__version__}"
    assert _run("python -m dossier --version", tmp_path, venv).stdout.strip() == f"dossier {__version__}"
    outside = _run("dossier build", tmp_path, venv)
    assert outside.returncode == 2 and "no dossier here" in outside.stderr


@pytest.mark.parametrize("program", ["dossier", "python -m dossier"])
def test_a_hint_names_the_program_as_the_editor_typed_it(started: Path, venv: Path, program: str) -> None:
    """A dossier made by init has no build.py: a hint that gives a command to type gives the one typed."""
    done = _run(f"{program} import seeds/a.txt seeds/b.txt --update-of un-article", started, venv)
    assert done.returncode == 2
    assert done.stderr.endswith(f"(hint: {program} import seeds/NEW.txt --update-of SLUG, one new version at a time)\n")


def test_a_new_dossier_imports_a_seed_takes_a_note_and_builds_under_its_base_url(started: Path, venv: Path) -> None:
    (started / "seeds" / "travaux.txt").write_text(SEED, encoding="utf-8")
    imported = _run("dossier import seeds/travaux.txt", started, venv)
    assert imported.returncode == 0, imported.stderr
    [article] = re.findall(r"^(content/articles/\S+\.md): created from seeds/travaux\.txt", imported.stdout, re.M)
    slug = Path(article).stem
    text = (started / article).read_text(encoding="utf-8")
    (started / article).write_text(re.sub(r"(?m)^draft: true.*\n", "", text), encoding="utf-8")  # checked: published
    note = _run(
        f'dossier new annotation --article {slug} --quote "Le chantier doit durer dix-huit mois." '
        '--text "Jusqu\'à la fin de 2026."',
        started,
        venv,
    )
    assert note.returncode == 0, note.stderr
    assert note.stdout.strip().startswith("content/annotations/")
    built = _run("dossier build --base-url https://example.org/x/", started, venv)
    assert built.returncode == 0, built.stderr
    out = started / "_site"
    assert broken_links(out, "/x/") == []
    assert len(pages(out)) >= 10
    page = (out / "articles" / slug / "index.html").read_text(encoding="utf-8")
    assert "la fin de 2026." in page
    assert 'href="/x/static/style.css"' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Le dossier de la passerelle" in home and '<html lang="fr"' in home
    assert (out / "pagefind" / "shards.json").is_file() and list((out / "pagefind").glob("*/pagefind.js"))
    [script] = venv.parent.glob("lib/python3*/site-packages/dossier/themes/default/static/timeline.js")
    script.write_text(script.read_text(encoding="utf-8") + "\n/* the packaged theme, changed */\n", encoding="utf-8")
    again = _run("dossier build --base-url https://example.org/x/", started, venv)  # not "nothing changed"
    assert again.returncode == 0, again.stderr
    assert (out / "static" / "timeline.js").read_text(encoding="utf-8") == script.read_text(encoding="utf-8")


def test_the_new_dossier_is_served_and_the_packaged_theme_is_watched(started: Path, venv: Path) -> None:
    process = subprocess.Popen(
        ["dossier", "serve", "--port", "0"],
        cwd=started,
        env=_environment(venv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Served(process)
    try:
        line = server.wait_for(r"^serving ")
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        url = match.group(0)
        home = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
        assert "Le dossier de la passerelle" in home
        about = urllib.request.urlopen(url + "a-propos/", timeout=30).read().decode("utf-8")
        assert "dossier init" in about
        [style] = venv.parent.glob("lib/python3*/site-packages/dossier/themes/default/static/style.css")
        style.write_text(style.read_text(encoding="utf-8") + "\n/* edited in the venv */\n", encoding="utf-8")
        assert _eventually(url + "static/style.css", "/* edited in the venv */")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        server.wait_for(r"^stopped$")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _eventually(url: str, text: str) -> bool:
    """Whether ``url`` serves ``text`` before :data:`DEADLINE` (polled)."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if text in urllib.request.urlopen(url, timeout=30).read().decode("utf-8"):
            return True
        time.sleep(0.1)
    return False


# -- the workflows ---------------------------------------------------------------------------


def test_the_new_dossiers_workflow_passes_actionlint_pins_this_version_and_runs_no_test(started: Path) -> None:
    workflow = started / ".github" / "workflows" / "pages.yml"
    result = actionlint(workflow, cwd=started)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = [step for job in data["jobs"].values() for step in job["steps"]]
    words = " ".join(f"{s.get('name', '')} {s.get('run', '')} {s.get('uses', '')}" for s in steps).lower()
    assert not re.search(r"\b(test|tests|pytest)\b", words)
    assert set(data["jobs"]) == {"build", "deploy"}
    runs = [s["run"] for s in steps if "run" in s]
    assert "python -m pip install -r requirements.txt" in runs
    assert any("dossier build --base-url" in run for run in runs)
    uses = {s["uses"].split("@")[0] for s in steps if "uses" in s}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    assert f"dossier-ssg=={__version__}" in (started / "requirements.txt").read_text(encoding="utf-8").splitlines()


def _release_steps() -> list[dict[str, str]]:
    data = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    return [step for job in data["jobs"].values() for step in job["steps"]]


def test_the_release_workflow_builds_checks_and_publishes_with_trusted_publishing() -> None:
    result = actionlint(RELEASE)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    data = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    assert data[True]["push"]["tags"] == ["v*"]  # YAML reads the key "on" as true
    publish = data["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"} and publish["needs"] == ["dist"]
    [step] = [s for s in publish["steps"] if "pypa/gh-action-pypi-publish" in s.get("uses", "")]
    assert "with" not in step  # no token, no password: trusted publishing
    runs = " ".join(s.get("run", "") for s in _release_steps())
    assert "pyproject-build" in runs and "twine check" in runs and 'dossier" init' in runs


def test_the_release_check_steps_pass_on_the_built_distributions(dist: Dist, tmp_path: Path) -> None:
    """The steps after the build, run as written on this dist/: twine, the clean venv, init and build.

    pip is told by its own environment variables to stay offline (no index, no dependencies);
    once the wheel is in, the clean venv gets the libraries as the fresh venv does (:func:`_libraries`)."""
    work = tmp_path / "work"
    shutil.copytree(dist.folder, work / "dist")
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {**_environment(), "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1", "RUNNER_TEMP": str(runner)}
    steps = {s.get("name"): s["run"] for s in _release_steps() if "run" in s}

    def step(name: str) -> None:
        done = subprocess.run(["bash", "-e", "-c", steps[name]], cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{name}\n{done.stdout}\n{done.stderr}"

    step("Check the distributions")
    step("Install the wheel in a clean venv")
    _libraries(runner / "clean")
    step("Start a dossier with it and build it")
    home = runner / "example" / "_site" / "index.html"
    assert "Release check" in home.read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/check/">' in home.read_text(encoding="utf-8")


def test_the_release_tag_step_accepts_the_packages_version_only(tmp_path: Path) -> None:
    [step] = [s for s in _release_steps() if s.get("name") == "The tag is the package's version"]
    (tmp_path / "dossier").mkdir()
    shutil.copy(REPO / "dossier" / "__init__.py", tmp_path / "dossier" / "__init__.py")
    for tag, code in ((f"v{__version__}", 0), ("v0.0.0-not-this", 1)):
        env = {**_environment(), "TAG": tag}
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == code, done.stdout + done.stderr
