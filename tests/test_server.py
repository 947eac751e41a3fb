"""The development server, for real: a subprocess on a loopback port and Debian's Chromium."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import socket as sockets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import chromium, free_port
from conftest import REPO
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from dossier.commands.serve import Names, _stylesheet_url, bind
from dossier.errors import UsageError

Server = tuple[Path, str, "subprocess.Popen[str]"]


def start(root: Path, *extra: str, port: int | None = None, group: bool = False) -> tuple[str, subprocess.Popen[str]]:
    """``serve`` in a subprocess, once it answers; ``group``: in its own process group, as a
    terminal's Ctrl-C reaches every process of the command."""
    port = port or free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(port), *extra]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, start_new_session=group)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return url, process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(process.stderr.read() if process.stderr else "server did not start") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C, and what the server printed; it must stop as the README says."""
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    log = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in log, log
    assert log.rstrip().splitlines()[-1] == "stopped", log
    return log


@pytest.fixture
def server(tree: Callable[..., Path]) -> Iterator[Server]:
    root = tree()
    url, process = start(root)
    yield root, url, process
    if process.poll() is None:
        process.kill()
        process.wait()


def eventually(check: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(what)
        time.sleep(0.1)


def fetch(url: str, path: str = "/", host: str | None = None) -> tuple[int, str]:
    """One GET through http.client, with the Host header given (None: no Host header at all)."""
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def page_text(url: str, path: str) -> str:
    try:
        with urllib.request.urlopen(url + path.lstrip("/"), timeout=5) as response:
            return str(response.read().decode())
    except OSError:
        return ""


async def live_reload(url: str, origin: str | None, host: str | None = None) -> WebSocketClientConnection:
    """A live-reload connection as a page's livereload.js makes it, handshake included."""
    headers = {} if origin is None else {"Origin": origin}
    if host is not None:
        headers["Host"] = host
    request = HTTPRequest("ws" + url[4:] + "livereload", headers=headers, request_timeout=10, connect_timeout=10)
    connection = await websocket_connect(request)
    connection.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    assert json.loads(await connection.read_message() or "{}")["command"] == "hello"
    connection.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
    connection.write_message(json.dumps({"command": "hello", "protocols": []}))  # answered once "info" is in
    assert json.loads(await connection.read_message() or "{}")["command"] == "hello"
    return connection


async def next_message(connection: WebSocketClientConnection) -> dict[str, object]:
    message = await asyncio.wait_for(connection.read_message(), 15)
    assert isinstance(message, str)
    parsed = json.loads(message)
    assert isinstance(parsed, dict)
    return parsed


def test_live_reload_error_overlay_and_recovery(server: Server) -> None:
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


def test_serve_includes_drafts_and_uses_a_local_base_url(server: Server) -> None:
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

    from dossier.commands.serve import _Collector

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


def test_a_file_the_workbench_wrote_is_built_at_once_and_once(tree: Callable[..., Path]) -> None:
    from dossier.commands.serve import DevServer

    root = tree()
    logs: list[str] = []
    server = DevServer(root, "127.0.0.1", 8000, log=logs.append)
    assert server.rebuild()
    note = root / "content" / "annotations" / "neuve.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("---\narticle: un-article\nquote: la coalition\nkind: contexte\n---\nÉcrite.\n", encoding="utf-8")
    server.hand_over(note)  # as the workbench does once it has answered: no wait for the watcher
    eventually(lambda: any(line.startswith("rebuilt") for line in logs), "the handed-over file was never built")
    assert "Écrite." in (server.out / "articles" / "un-article" / "index.html").read_text(encoding="utf-8")
    assert server.runner.engine.patched == 1
    server.on_burst({note})  # the watcher's report of that very write: nothing left to do, no second reload
    assert sum(line.startswith("rebuilt") for line in logs) == 1
    note.write_text(note.read_text(encoding="utf-8").replace("Écrite.", "Récrite."), encoding="utf-8")
    server.on_burst({note})  # the editor's own save of it afterwards is built as any other
    assert sum(line.startswith("rebuilt") for line in logs) == 2
    assert "Récrite." in (server.out / "articles" / "un-article" / "index.html").read_text(encoding="utf-8")


# -- a preview only its own pages can talk to ----------------------------------------


def test_a_request_naming_another_host_gets_nothing_of_the_site(server: Server) -> None:
    _, url, process = server
    port = url.rstrip("/").rsplit(":", 1)[1]
    for own in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        status, body = fetch(url, "/articles/un-article/", own)
        assert status == 200 and "Un article" in body, own
    forged = [
        f"evil.example:{port}",  # DNS rebinding: another site's name, resolved to this machine
        "evil.example",
        f"127.0.0.1:{int(port) + 1}",  # another port
        "127.0.0.1",
        f"localhost.evil.example:{port}",
        f"user@127.0.0.1:{port}",
        f"127.0.0.1:{port}, evil.example",
        None,  # no Host at all
    ]
    for host in forged:
        for path in ("/articles/un-article/", "/feed.xml", "/_dossier/status.json", "/livereload.js", "/nope/"):
            status, body = fetch(url, path, host)
            assert status in (400, 403), (host, path)  # 400: a Host tornado itself finds malformed
            assert "Un article" not in body and "Page introuvable" not in body and "<" not in body
            assert status == 400 or body.startswith("403 Forbidden: this preview answers only to its own address")
    stop(process)


def test_the_names_a_preview_answers_to() -> None:
    loopback = Names.of("127.0.0.1", 8000)
    assert loopback.allows("localhost:8000") and loopback.allows("[0:0:0:0:0:0:0:1]:8000")
    assert not loopback.allows("localhost:8001") and not loopback.allows("localhost")
    assert not loopback.allows("127.0.0.2:8000", "127.0.0.2")  # only serving everywhere takes the local address
    assert not loopback.allows("[::1]x:8000") and not loopback.allows("") and not loopback.allows(None)
    given = Names.of("192.0.2.7", 80)
    assert given.allows("192.0.2.7") and given.allows("192.0.2.7:80") and not given.allows("192.0.2.8")
    everywhere = Names.of("0.0.0.0", 8000)
    assert everywhere.allows("192.0.2.9:8000", "192.0.2.9")  # the address the phone reached
    assert everywhere.allows("192.0.2.9:8000", "::ffff:192.0.2.9")
    assert not everywhere.allows("evil.example:8000", "192.0.2.9")
    assert everywhere.allows_origin("http://localhost:8000") and everywhere.allows_origin("http://[::1]:8000")
    for origin in ("https://localhost:8000", "http://evil.example:8000", "null", "", None, "http://localhost:8000/x"):
        assert not everywhere.allows_origin(origin), origin


def test_serving_on_every_interface_answers_to_the_machines_own_address(tree: Callable[..., Path]) -> None:
    url, process = start(tree(), "--host", "0.0.0.0")
    port = int(url.rstrip("/").rsplit(":", 1)[1])

    def get(address: str, host: str) -> int:
        connection = http.client.HTTPConnection(address, port, timeout=10)
        connection.request("GET", "/", headers={"Host": host})
        status = connection.getresponse().status
        connection.close()
        return status

    # 127.0.0.2 is an address of this machine that no list names: reached at it, it answers to it
    assert get("127.0.0.2", f"127.0.0.2:{port}") == 200
    assert get("127.0.0.2", f"127.0.0.3:{port}") == 403
    assert get("127.0.0.1", f"evil.example:{port}") == 403
    stop(process)


def test_the_live_reload_websocket_refuses_other_origins(server: Server) -> None:
    _, url, process = server
    port = url.rstrip("/").rsplit(":", 1)[1]

    async def refused(origin: str | None, host: str | None = None) -> int:
        with pytest.raises(HTTPClientError) as error:
            await live_reload(url, origin, host)
        return error.value.code

    async def talk() -> None:
        assert await refused("http://evil.example") == 403
        assert await refused(f"http://evil.example:{port}") == 403
        assert await refused(f"http://127.0.0.1:{int(port) + 1}") == 403  # another site on this machine
        assert await refused("null") == 403
        assert await refused(None) == 403  # a browser always says its page's origin
        assert await refused(f"http://evil.example:{port}", f"evil.example:{port}") == 403  # rebinding
        own = await live_reload(url, f"http://localhost:{port}")
        own.write_message("not json")  # ignored, and the connection stays
        own.write_message("[1, 2]")
        own.write_message(json.dumps({"command": "hello", "protocols": []}))
        assert (await next_message(own))["command"] == "hello"
        own.close()

    asyncio.run(talk())
    log = stop(process)
    assert "WARNING" not in log and "403" not in log  # refusals are not logged as server faults


def test_reload_messages_carry_site_paths_never_file_paths(server: Server) -> None:
    root, url, process = server
    css = root / "themes" / "default" / "static" / "style.css"
    article = root / "content" / "articles" / "un-article.md"

    async def talk() -> list[dict[str, object]]:
        connection = await live_reload(url, url.rstrip("/"))
        css.write_text(css.read_text(encoding="utf-8") + "\nbody { color: #123456; }\n", encoding="utf-8")
        messages = [await next_message(connection)]
        article.write_text(article.read_text(encoding="utf-8").replace("entamé", "repris"), encoding="utf-8")
        messages.append(await next_message(connection))
        connection.close()
        return messages

    stylesheet, page = asyncio.run(talk())
    assert stylesheet["command"] == "reload" and stylesheet["path"] == "/static/style.css"
    assert page["command"] == "reload" and page["path"] == "*"
    for message in (stylesheet, page):
        assert str(root) not in json.dumps(message) and "themes" not in json.dumps(message)
    assert "#123456" in page_text(url, "/static/style.css")
    stop(process)


def test_the_projects_own_static_folder_is_watched_and_published_over_the_themes(server: Server) -> None:
    root, url, process = server
    theirs = page_text(url, "/static/style.css")
    static = root / "static"
    static.mkdir()  # created while serving: watched from then on
    (static / "style.css").write_text("body { color: #654321; }\n", encoding="utf-8")
    eventually(lambda: "#654321" in page_text(url, "/static/style.css"), "static/ created: not published")

    async def talk() -> dict[str, object]:
        connection = await live_reload(url, url.rstrip("/"))
        (static / "style.css").write_text("body { color: #abcdef; }\n", encoding="utf-8")
        message = await next_message(connection)
        connection.close()
        return message

    message = asyncio.run(talk())
    assert message["command"] == "reload" and message["path"] == "/static/style.css"  # reloaded in place
    assert "#abcdef" in page_text(url, "/static/style.css")
    (static / "style.css").unlink()
    eventually(lambda: page_text(url, "/static/style.css") == theirs, "static/style.css removed: the theme's not back")
    stop(process)


def test_stylesheet_url_only_for_a_stylesheet_alone(tmp_path: Path) -> None:
    style, script = tmp_path / "t" / "static" / "style.css", tmp_path / "t" / "static" / "notes.js"
    copies = {"static/style.css": style, "static/notes.js": script}
    assert _stylesheet_url({style}, copies) == "/static/style.css"
    assert _stylesheet_url({script}, copies) == "*"
    assert _stylesheet_url({style, tmp_path / "content" / "a.md"}, copies) == "*"
    assert _stylesheet_url({tmp_path / "elsewhere.css"}, copies) == "*"


# -- one preview per project; folders that come and go ---------------------------------


def test_a_second_serve_in_the_project_refuses_and_leaves_the_first_alone(server: Server) -> None:
    root, url, process = server
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(free_port())]
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert second.returncode == 2
    assert second.stderr.splitlines() == [
        f"error: another serve is running in this project at {url} "
        "(hint: open its page, or stop it (Ctrl-C in its terminal) before starting another)"
    ]
    assert "Un article" in page_text(url, "/articles/un-article/")  # the first one's folder is intact
    assert (root / ".dossier-cache" / "serve" / "articles" / "un-article" / "index.html").is_file()
    stop(process)
    url, again = start(root)  # the lock went with the first one
    stop(again)


def serve_once(root: Path) -> subprocess.CompletedProcess[str]:
    """``serve`` run as typed, for a case where it refuses to start."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_a_cache_folder_that_is_a_file_is_one_line(tree: Callable[..., Path]) -> None:
    root = tree()
    (root / ".dossier-cache").write_text("not a folder", encoding="utf-8")
    result = serve_once(root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: '.dossier-cache' is a file, not a folder: dossier keeps its cache and the preview there"
        " (hint: move that file away or delete it; the next command makes the folder)"
    ]
    assert (root / ".dossier-cache").read_text(encoding="utf-8") == "not a folder"


def test_content_replaced_and_templates_created_while_serving_are_built(server: Server) -> None:
    root, url, process = server
    content, old = root / "content", root / "content.old"
    fresh = root.parent / "content.new"
    shutil.copytree(content, fresh)
    article = fresh / "articles" / "un-article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("entamé", "remplacé"), encoding="utf-8")
    content.rename(old)
    fresh.rename(content)  # a new folder at the same name
    eventually(lambda: "ont remplacé" in page_text(url, "/articles/un-article/"), "content/ replaced: not rebuilt")

    stale = old / "articles" / "un-article.md"  # the old folder is watched no more
    stale.write_text(stale.read_text(encoding="utf-8").replace("entamé", "vieilli"), encoding="utf-8")

    templates = root / "templates"
    templates.mkdir()
    base = (root / "themes" / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</body>", '<p id="mine">gabarit</p></body>'), encoding="utf-8")
    eventually(lambda: 'id="mine"' in page_text(url, "/articles/un-article/"), "templates/ created: not rebuilt")
    assert "vieilli" not in page_text(url, "/articles/un-article/")

    shutil.rmtree(content)
    old.rename(content)  # removed, then back under its name
    eventually(lambda: "ont vieilli" in page_text(url, "/articles/un-article/"), "content/ back: not rebuilt")
    stop(process)


# -- Ctrl-C at any moment -----------------------------------------------------------------


def interrupt(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C as a terminal sends it: to every process of the command."""
    os.killpg(process.pid, signal.SIGINT)
    code = process.wait(timeout=30)
    return code, process.stderr.read() if process.stderr else ""


def assert_stopped(code: int, log: str) -> None:
    assert code == 0, log
    assert "Traceback" not in log and "Exception" not in log, log
    assert log.rstrip().splitlines()[-1] == "stopped", log


@pytest.mark.parametrize("after", [0.0, 0.1, 0.5, 1.0])
def test_ctrl_c_at_any_moment_stops_with_one_line(tree: Callable[..., Path], after: float) -> None:
    """From the moment the server holds the project (its lock file written: the first build
    starts), however far it got."""
    root = tree()
    lock = root / ".dossier-cache" / "serve.lock"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        eventually(lambda: lock.is_file() and lock.read_text(encoding="utf-8").startswith("http://"), "no lock")
        time.sleep(after)
        assert_stopped(*interrupt(process))
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("moment", ["after a rebuild", "during a rebuild", "with a page connected"])
def test_ctrl_c_while_serving_stops_with_one_line(tree: Callable[..., Path], moment: str) -> None:
    root = tree()
    article = root / "content" / "articles" / "un-article.md"
    url, process = start(root, group=True)
    try:
        if moment == "with a page connected":
            with chromium() as browser:
                page = browser.new_page()
                page.goto(url + "articles/un-article/")
                page.wait_for_function("() => typeof window.LiveReload !== 'undefined'")
                time.sleep(0.3)  # let the WebSocket handshake finish
                assert_stopped(*interrupt(process))
            return
        article.write_text(article.read_text(encoding="utf-8") + "\nUn ajout.\n", encoding="utf-8")
        if moment == "after a rebuild":
            eventually(lambda: "Un ajout" in page_text(url, "/articles/un-article/"), "not rebuilt")
        else:
            time.sleep(0.06)  # the burst ends after 50 ms of quiet: about when the rebuild starts
        assert_stopped(*interrupt(process))
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("group", [True, False], ids=["its-group", "its-process"])
@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [(signal.SIGHUP, 129, "hung up"), (signal.SIGTERM, 143, "terminated")],
    ids=["sighup", "sigterm"],
)
def test_a_hang_up_or_sigterm_stops_the_server_in_one_line(
    tree: Callable[..., Path], group: bool, signum: signal.Signals, code: int, line: str
) -> None:
    """SIGHUP (the terminal closed; it may come twice, from the system and from the shell) stops
    the server as SIGTERM does, with a page's connection open: one line, exit 128 + the signal's
    number, the project free for the next one."""
    root = tree()
    url, process = start(root, group=True)
    try:
        with urllib.request.urlopen(url, timeout=5):  # a page being loaded as the signal comes
            for _ in range(2):
                (os.killpg if group else os.kill)(process.pid, signum)
        assert process.wait(timeout=30) == code
        log = process.stderr.read() if process.stderr else ""
        assert "Traceback" not in log and "Exception" not in log, log
        assert log.rstrip().splitlines()[-1] == line, log
    finally:
        if process.poll() is None:
            process.kill()
    _, again = start(root)  # the next serve of the project starts
    stop(again)


def test_a_busy_port_suggests_one_that_is_free() -> None:
    """The hint names a port that can be taken now, not merely the next number."""
    held: list[sockets.socket] = []
    try:
        while len(held) < 2:  # two busy ports in a row
            first = sockets.socket()
            first.bind(("127.0.0.1", 0))
            second = sockets.socket()
            try:
                second.bind(("127.0.0.1", first.getsockname()[1] + 1))
            except OSError:
                first.close()
                second.close()
                continue
            held = [first, second]
        for sock in held:
            sock.listen()
        port = held[0].getsockname()[1]
        with pytest.raises(UsageError) as refused:
            bind("127.0.0.1", port)
        found = re.search(r"use --port (\d+)\)", str(refused.value))
        assert found, refused.value
        suggested = int(found[1])
        assert suggested > port + 1
        for sock in bind("127.0.0.1", suggested):
            sock.close()
    finally:
        for sock in held:
            sock.close()


def test_files_dossier_did_not_write_in_the_preview_folder_are_kept(tree: Callable[..., Path]) -> None:
    root = tree()
    mine = root / ".dossier-cache" / "serve" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("mes notes", encoding="utf-8")
    result = serve_once(root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: '.dossier-cache/serve' holds files dossier did not write: not replaced"
        " (hint: move them elsewhere, or delete the folder)"
    ]
    assert mine.read_text(encoding="utf-8") == "mes notes"


def test_an_empty_host_is_refused_not_every_interface() -> None:
    with pytest.raises(UsageError, match="--host is empty"):
        bind("", 0)
    with pytest.raises(UsageError, match="--host is empty"):
        bind("  ", 0)


def test_a_refused_path_is_answered_not_logged(server: Server) -> None:
    _, url, process = server
    host = url.split("//")[1].rstrip("/")
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/%2e%2e/%2e%2e/etc/passwd")
    answer = connection.getresponse()
    assert answer.status in (403, 404) and b"root:" not in answer.read()
    connection.close()
    log = stop(process)
    assert "passwd" not in log and "GET" not in log, log


class _Page:
    """An open page's live-reload connection, as the server holds it."""

    def __init__(self, fault: BaseException | None = None) -> None:
        self.fault = fault
        self.sent: list[str | dict[str, object]] = []

    def write_message(self, message: str | dict[str, object]) -> None:
        if self.fault is not None:
            raise self.fault
        self.sent.append(message)


def test_a_ctrl_c_while_pages_are_told_to_reload_stops_the_server() -> None:
    """livereload's own sending swallowed every exception (a bare ``except``): a Ctrl-C that came
    as a page was written to was printed as a traceback, and the server ran on."""
    from tornado.websocket import WebSocketClosedError

    from dossier.commands.serve import LiveReloadHandler, _LiveReload

    gone, open_page = _Page(WebSocketClosedError()), _Page()
    LiveReloadHandler.waiters.update({gone, open_page})
    try:
        _LiveReload.reload_waiters("*")
        assert [m["command"] for m in open_page.sent if isinstance(m, dict)] == ["reload"]
        assert gone not in LiveReloadHandler.waiters  # a page gone is forgotten
        stopping = _Page(KeyboardInterrupt())
        LiveReloadHandler.waiters.add(stopping)
        with pytest.raises(KeyboardInterrupt):
            _LiveReload.reload_waiters("*")
        with pytest.raises(KeyboardInterrupt):
            _LiveReload.send_message(stopping, {"command": "hello"})  # type: ignore[arg-type]
        _LiveReload.send_message(gone, {"command": "hello"})  # type: ignore[arg-type]  # nothing said
    finally:
        LiveReloadHandler.waiters.clear()


def test_a_full_disk_in_the_preview_is_one_line_and_the_server_goes_on(
    tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from dossier.commands.serve import DevServer
    from dossier.publish import output

    root = tree()
    logs: list[str] = []
    server = DevServer(root, "127.0.0.1", 8000, log=logs.append)
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(output, "sync", lambda *args, **kwargs: (_ for _ in ()).throw(full))
    monkeypatch.setattr(Path, "write_text", lambda *args, **kwargs: (_ for _ in ()).throw(full))
    assert not server.rebuild()  # no traceback: each fault said in one line
    assert logs[-3:] == [
        "error: cannot write the preview's status for open pages: No space left on device"
        " (hint: free some disk space; the next save builds again)",
        ".dossier-cache/serve: error: cannot build: No space left on device",
        "build failed in " + logs[-1].split("build failed in ")[1],
    ]
    monkeypatch.undo()
    assert server.rebuild()  # the next save, with room again


def test_a_preview_of_a_thousand_pages_or_more_prints_its_progress(tmp_path: Path) -> None:
    from bench.generate import generate
    from dossier.commands.serve import DevServer

    root = tmp_path / "project"
    generate(root, articles=400, notes_per_article=1, events=10, topic_count=6)
    logs: list[str] = []
    server = DevServer(root, "127.0.0.1", 8000, log=logs.append)
    assert server.rebuild()
    progress = [line for line in logs if line.startswith("rendering ")]
    assert progress and re.fullmatch(r"rendering (\d+)/\1 pages", progress[-1]), logs
    assert int(progress[-1].split("/")[1].split()[0]) >= 1000
    assert logs.index(progress[-1]) < len(logs) - 1 and logs[-1].startswith("built in ")


def test_a_preview_whose_first_build_failed_is_replaced_by_the_next_serve(tree: Callable[..., Path]) -> None:
    from dossier.commands.serve import DevServer
    from dossier.publish import output

    root = tree()
    with (root / "site.yml").open("a", encoding="utf-8") as settings:
        settings.write("bogus: 1\n")
    logs: list[str] = []
    server = DevServer(root, "127.0.0.1", 8000, log=logs.append)
    assert not server.rebuild()
    assert logs[-1].endswith("; serving the errors")  # no good pages yet
    assert output.is_ours(server.out)  # the errors page is dossier's: the next serve may replace it
    assert output.remove_leftover(server.out)
