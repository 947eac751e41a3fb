"""The development server, for real: a subprocess on a loopback port and Debian's Chromium."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import chromium, free_port
from conftest import REPO


@pytest.fixture
def server(tree: Callable[..., Path]) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    root = tree()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(process.stderr.read() if process.stderr else "server did not start") from None
            time.sleep(0.1)
    yield root, url, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_live_reload_error_overlay_and_recovery(server: tuple[Path, str, subprocess.Popen[str]]) -> None:
    root, url, process = server
    article = root / "content" / "articles" / "un-article.md"
    original = article.read_text(encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(url + "articles/un-article/")
        page.wait_for_function("() => typeof window.LiveReload !== 'undefined'")
        time.sleep(0.3)  # let the WebSocket handshake finish

        article.write_text(original.replace("ont entamé en janvier", "ont repris en avril"), encoding="utf-8")
        page.wait_for_function("() => document.body.innerText.includes('ont repris en avril')", timeout=10_000)

        article.write_text(original.replace('title: "Un article"', 'title: "Un article'), encoding="utf-8")
        overlay = page.locator("#dossier-errors")
        overlay.wait_for(timeout=10_000)
        assert "content/articles/un-article.md:" in overlay.inner_text()
        assert "invalid YAML" in overlay.inner_text()
        assert page.locator("#dossier-errors-title").inner_text() == "La construction a échoué\u00a0: 1 erreur"
        assert "Corrigez le fichier" in overlay.inner_text()  # the site's language (fr), from the theme's strings
        assert page.locator("h1").first.inner_text() == "Un article"  # the last good page stays

        article.write_text(original, encoding="utf-8")
        page.wait_for_function(
            "() => !document.getElementById('dossier-errors') && document.body.innerText.includes('ont entamé')",
            timeout=10_000,
        )
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    log = process.stderr.read() if process.stderr else ""
    assert "build failed" in log and "invalid YAML" in log and "Traceback" not in log
    assert log.rstrip().endswith("stopped")


def test_serve_includes_drafts_and_uses_a_local_base_url(server: tuple[Path, str, subprocess.Popen[str]]) -> None:
    root, url, _ = server
    with urllib.request.urlopen(url + "feed.xml") as response:
        assert url.encode() + b"articles/un-article/" in response.read()
    draft = "---\ntitle: Brouillon\ndate: 2024-04\ndraft: true\n---\nTexte.\n"
    (root / "content" / "articles" / "brouillon.md").write_text(draft, encoding="utf-8")
    draft_page = "---\ntitle: Méthode\ndraft: true\n---\nComment.\n"
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "methode.md").write_text(draft_page, encoding="utf-8")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "articles/brouillon/") as response:
                assert '<span class="badge">Brouillon</span>' in response.read().decode()
            with urllib.request.urlopen(url + "methode/") as response:
                assert '<span class="badge">Brouillon</span>' in response.read().decode()
                break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("the draft was not built")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url + "nope/")
    assert missing.value.code == 404
    assert "Page introuvable" in missing.value.read().decode()


def test_a_burst_of_saves_gives_one_rebuild(tmp_path: Path) -> None:
    from watchdog.events import FileCreatedEvent, FileModifiedEvent

    from dossier.server import _Collector

    bursts: list[set[Path]] = []
    collector = _Collector(tmp_path, bursts.append)
    for i in range(20):
        collector.on_any_event(FileModifiedEvent(str(tmp_path / "content" / "articles" / f"a{i % 3}.md")))
        collector.on_any_event(FileCreatedEvent(str(tmp_path / "content" / "articles" / ".a.md.swp")))
        time.sleep(0.005)
    deadline = time.monotonic() + 5
    while not bursts and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    collector.stopped = True
    assert bursts == [{tmp_path / "content" / "articles" / f"a{i}.md" for i in range(3)}]
