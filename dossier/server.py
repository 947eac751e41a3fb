"""The development server: build, serve on loopback, rebuild on change, reload open pages.

- Changes are *events* (inotify through watchdog), not polling: a burst of saves is
  gathered until the files have been quiet for a moment, then rebuilt once.
- One :class:`~dossier.builder.Builder` lives as long as the server, so a rebuild parses
  only the files that changed and renders only the pages whose inputs changed; the output
  folder is updated in place, file by file, only where bytes differ.
- Open pages reload through the livereload protocol (the ``livereload`` package's
  WebSocket handler and client). A failed rebuild keeps the last good pages served and
  shows the diagnostics over every open page; fixing the file removes them.
"""

from __future__ import annotations

import errno
import json
import shutil
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, ioloop, netutil, web
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import output, overlay
from .builder import Builder
from .config import SETTINGS_FILE
from .errors import ContentErrors, Diagnostic, DossierError, Location, UsageError, format_all, summary
from .options import Options

QUIET_SECONDS = 0.05  # a burst of saves ends after this much silence
LONGEST_WAIT = 0.5  # ... or after this long, whatever happens
DEV_FOLDER = "_dossier"


class _NoPolling:
    """livereload's watcher protocol, answered with "nothing to do": we push reloads ourselves."""

    _tasks: ClassVar[dict[str, None]] = {"events": None}
    filepath: str | None = None

    def start(self, callback: Callable[[], None]) -> bool:
        return True

    def examine(self) -> tuple[None, None]:
        return None, None


class _Files(web.StaticFileHandler):
    """The output folder, never cached, with the site's own 404 page."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        page = Path(self.root) / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


def ignored(path: str) -> bool:
    name = Path(path).name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


class _Collector(FileSystemEventHandler):
    """Gathers changed paths until the burst is over, then hands them over at once."""

    def __init__(self, root: Path, on_burst: Callable[[set[Path]], None]) -> None:
        self.root = root
        self.on_burst = on_burst
        self.pending: set[Path] = set()
        self.first = self.last = 0.0
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopped = False
        threading.Thread(target=self._loop, name="dossier-debounce", daemon=True).start()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        paths = [_text(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if event.is_directory:
            paths = [str(self.root / "content")]  # a folder moved or removed: rescan
        paths = [p for p in paths if not ignored(p)]
        if not paths:
            return
        with self.lock:
            now = time.monotonic()
            if not self.pending:
                self.first = now
            self.last = now
            self.pending.update(Path(p) for p in paths)
        self.wake.set()

    def _loop(self) -> None:
        while not self.stopped:
            self.wake.wait()
            with self.lock:
                now = time.monotonic()
                quiet, waited = now - self.last, now - self.first
                if not self.pending:
                    self.wake.clear()
                    continue
                if quiet < QUIET_SECONDS and waited < LONGEST_WAIT:
                    ready = None
                else:
                    ready, self.pending = self.pending, set()
                    self.wake.clear()
            if ready is None:
                time.sleep(min(QUIET_SECONDS - quiet, LONGEST_WAIT - waited, QUIET_SECONDS))
            else:
                self.on_burst(ready)


def check_port(port: int) -> None:
    """Refuses a port number no socket can have (0 asks the system for a free port)."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a port number", "a number from 1 to 65535, e.g. --port 8000")


def bind(host: str, port: int) -> list[socket.socket]:
    """The listening sockets, taken before anything is built: a busy port or a bad host is one
    usage error, not a traceback after a whole build."""
    check_port(port)
    try:
        return netutil.bind_sockets(port, address=host)
    except socket.gaierror:
        raise UsageError(f"--host {host}: unknown host", "--host 127.0.0.1 (this machine only)") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is already in use on {host}", f"stop the other server, or use --port {port % 65535 + 1}"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(
                f"--host {host}: not an address of this machine",
                "--host 127.0.0.1 (this machine only), or --host 0.0.0.0 (every network interface)",
            ) from None
        if exc.errno == errno.EACCES:
            raise UsageError(
                f"port {port} needs administrator rights", "use a port above 1023, e.g. --port 8000"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def site_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class DevServer:
    def __init__(
        self,
        root: Path,
        host: str,
        port: int,
        log: Callable[[str], None] | None = None,
        sockets: list[socket.socket] | None = None,
    ) -> None:
        """``sockets``: already bound by :func:`bind` (``port`` is then the one they listen on)."""
        self.root = root.absolute()
        self.sockets = sockets
        if sockets:
            port = sockets[0].getsockname()[1]
        self.host, self.port = host, port
        self.out = self.root / ".dossier-cache" / "serve"
        self.builds = 0  # builds made, success or failure, written into status.json
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        options = Options(self.root, self.out, base_url=site_url(host, port), drafts=True, dev=True, search=False)
        self.builder = Builder(options)
        self.lock = threading.Lock()
        self.loop: ioloop.IOLoop | None = None
        self.diagnostics: list[Diagnostic] = []
        self.paths: set[str] | None = None  # the files of the last good build in the served folder

    # -- building -----------------------------------------------------------------

    def rebuild(self, changed: set[Path] | None = None) -> bool:
        """One (incremental) build into the served folder; False when it failed."""
        with self.lock:
            started = time.perf_counter()
            try:
                result = self.builder.produce(changed)
                counts = output.sync(self.out, result.files, result.copies, result.paths, self.paths, DEV_FOLDER)
                self.builder.accept(result)
                self.paths = set(result.paths) | set(result.copies)
                problems, ok = result.warnings, True
            except ContentErrors as exc:
                problems, ok = list(exc.diagnostics), False
            except DossierError as exc:
                problems, ok = [Diagnostic(Location(SETTINGS_FILE, 0), str(exc))], False
            elapsed = (time.perf_counter() - started) * 1000
            self.diagnostics = problems
            self._write_status(ok, problems)
            for line in format_all(problems):
                self.log(line)
            if ok:
                self.log(
                    f"rebuilt in {elapsed:.0f} ms: {counts.written} written, {counts.unchanged} unchanged,"
                    f" {counts.removed} removed ({counts.pages} pages rendered)"
                )
            else:
                self.log(f"build failed in {elapsed:.0f} ms: {summary(problems)}; still serving the last good pages")
            return ok

    def _write_status(self, ok: bool, problems: list[Diagnostic]) -> None:
        folder = self.out / DEV_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        lines = format_all(d for d in problems if not ok or d.severity.value == "error")
        self.builds += 1  # a page that connects after a build it missed reloads (dev.js)
        texts = overlay.texts(self.builder.strings, problems)  # the overlay's texts, in the site's language
        status = {
            "ok": ok,
            "lines": lines if not ok else [],
            "summary": summary(problems) if not ok else "",
            "build": self.builds,
            "language": texts.language,
            "title": texts.title if not ok else "",
            "note": texts.note if not ok else "",
        }
        (folder / "status.json").write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        for name in ("dev.js", "dev.css"):
            data = resources.files("dossier").joinpath("dev", name).read_bytes()
            target = folder / name
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
        if not ok and not (self.out / "index.html").is_file():
            (self.out / "index.html").write_text(_failure_page(lines, texts), encoding="utf-8")

    def on_burst(self, changed: set[Path]) -> None:
        self.rebuild(changed)
        if self.loop is not None:
            path = next(iter(changed)).as_posix() if len(changed) == 1 else "*"
            self.loop.add_callback(LiveReloadHandler.reload_waiters, path if path.endswith(".css") else "*")

    # -- serving ------------------------------------------------------------------

    def application(self) -> web.Application:
        LiveReloadHandler.watcher = _NoPolling()
        LiveReloadHandler.live_css = True
        LiveReloadHandler._last_reload_time = time.time()
        return web.Application(
            [
                (r"/livereload", LiveReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler),
                (r"/(.*)", _Files, {"path": str(self.out), "default_filename": "index.html"}),
            ]
        )

    def watch(self) -> Any:
        observer = Observer()
        handler = _Collector(self.root, self.on_burst)
        for name in ("content", "themes", "templates", "seeds"):
            if (self.root / name).is_dir():
                observer.schedule(handler, str(self.root / name), recursive=True)
        observer.schedule(_OnlySettings(handler), str(self.root), recursive=False)
        observer.start()
        return observer

    def serve(self, open_browser: bool = False) -> int:
        """Build, serve and watch until Ctrl-C, which stops the server at any moment with one line."""
        sockets = self.sockets if self.sockets is not None else bind(self.host, self.port)
        observer: Any = None
        try:
            if self.out.exists():
                shutil.rmtree(self.out)
            self.rebuild()
            self.loop = ioloop.IOLoop.current()
            httpserver.HTTPServer(self.application()).add_sockets(sockets)
            observer = self.watch()
            url = site_url(self.host, self.port)
            self.log(f"serving {url} (watching content/, themes/, templates/, seeds/, site.yml; Ctrl-C to stop)")
            if open_browser:
                threading.Timer(0.5, webbrowser.open, [url]).start()
            self.loop.start()
        except KeyboardInterrupt:
            self.log("stopped")
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)
            for sock in sockets:
                sock.close()
        return 0


class _OnlySettings(FileSystemEventHandler):
    def __init__(self, inner: _Collector) -> None:
        self.inner = inner

    def on_any_event(self, event: FileSystemEvent) -> None:
        names = {Path(_text(p)).name for p in (event.src_path, getattr(event, "dest_path", "")) if p}
        if "site.yml" in names:
            self.inner.on_any_event(event)


def _text(path: str | bytes) -> str:
    return path if isinstance(path, str) else path.decode()


def _failure_page(lines: list[str], texts: overlay.Texts) -> str:
    items = "".join(f"<li>{_escape(line)}</li>" for line in lines)
    title = _escape(texts.title)
    return (
        f'<!DOCTYPE html><html lang="{_escape(texts.language)}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<script src="/{DEV_FOLDER}/dev.js" defer></script></head>'
        f"<body><h1>{title}</h1><ul>{items}</ul></body></html>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
