"""The development server: build, serve on loopback, rebuild on change, reload open pages.

- Changes are *events* (inotify through watchdog), not polling: a burst of saves is
  gathered until the files have been quiet for a moment, then rebuilt once.
- Builds go through the one orchestration of every command (:mod:`dossier.commands.runner`),
  whose engine lives as long as the server, so a rebuild parses only the files that changed
  and renders only the pages whose inputs changed; the served folder is updated in place,
  file by file, only where bytes differ.
- Open pages reload through the livereload protocol (the ``livereload`` package's
  WebSocket handler and client). A failed rebuild keeps the last good pages served and
  shows the diagnostics over every open page; fixing the file removes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import ipaddress
import json
import os
import re
import signal
import socket
import stat
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, httputil, ioloop, iostream, netutil, web, websocket
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from dossier import stops
from dossier.commands import build, overlay, workbench_http
from dossier.commands.previewindex import PreviewIndex
from dossier.commands.runner import Runner
from dossier.config import SETTINGS_FILE, Overrides
from dossier.engine import Result
from dossier.errors import ContentErrors, Diagnostic, DossierError, Location, UsageError, format_all, summary
from dossier.options import Options
from dossier.project import CACHE, CONTENT, PACKAGED_THEMES, SEEDS, STATIC, TEMPLATES, THEMES
from dossier.publish import output, search

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

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """A refused or missing path is the answer, not news for the terminal (no request log)."""
        if not isinstance(value, web.HTTPError):
            super().log_exception(typ, value, tb)

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

    def __init__(
        self, root: Path, on_burst: Callable[[set[Path]], None], on_fault: Callable[[str], None] | None = None
    ) -> None:
        self.root = root
        self.on_burst = on_burst
        self.on_fault = on_fault
        self.pending: set[Path] = set()
        self.first = self.last = 0.0
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopped = False
        threading.Thread(target=self._loop, name="dossier-debounce", daemon=True).start()

    def stop(self) -> None:
        """No burst is handed over after this (one being handled ends on its own)."""
        self.stopped = True
        self.wake.set()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        paths = [_text(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if event.is_directory:
            paths = [str(self.root / CONTENT)]  # a folder moved or removed: rescan
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
            if self.stopped:
                return
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
            elif not self.stopped:
                try:
                    self.on_burst(ready)
                except Exception:  # a bug of ours: said, and the next save is watched still
                    if not self.stopped and self.on_fault is not None:
                        self.on_fault(traceback.format_exc())


def check_port(port: int) -> None:
    """Refuses a port number no socket can have (0 asks the system for a free port)."""
    if not 0 <= port <= 65535:
        raise UsageError(
            f"--port {port}: not a port number", "a number from 1 to 65535, e.g. --port 8000, or 0 for any free port"
        )


def bind(host: str, port: int) -> list[socket.socket]:
    """The listening sockets, taken before anything is built: a busy port or a bad host is one
    usage error, not a traceback after a whole build."""
    check_port(port)
    if not host.strip():  # tornado would listen on every interface: drafts on the network, unasked
        raise UsageError("--host is empty", "--host 127.0.0.1 (this machine only), or --host 0.0.0.0 (every interface)")
    try:
        return netutil.bind_sockets(port, address=host)
    except socket.gaierror:
        raise UsageError(f"--host {host}: unknown host", "--host 127.0.0.1 (this machine only)") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            free = _free_port(host, port)
            other = f"--port {free}" if free else "--port 0 (any free port)"
            raise UsageError(
                f"port {port} is already in use on {host}", f"stop the other server, or use {other}"
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


def _free_port(host: str, port: int, tries: int = 20) -> int:
    """The first port after ``port`` that ``host`` can listen on now (0: none of the next ``tries``)."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        try:
            for sock in netutil.bind_sockets(candidate, address=host):
                sock.close()
        except OSError:
            continue
        return candidate
    return 0


def site_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


# -- who may talk to the preview ----------------------------------------------------

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ALL_INTERFACES = ("0.0.0.0", "::", "")
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?")


def _canonical(name: str) -> str:
    """A host name lower-cased, an IP address in its one written form (``[::1]`` → ``::1``)."""
    bare = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        address = ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return bare.lower()
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def machine_addresses() -> frozenset[str]:
    """This machine's own addresses, with the standard library only: those its name resolves to,
    and those of the routes to the outside world (a UDP socket "connected" to a documentation
    address sends nothing, and its local address is the interface's). The address a request
    actually came in on is accepted besides (see :class:`Names`), so an interface neither finds
    still works for whoever reaches it by its address."""
    found: set[str] = set()
    try:
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None):
            found.add(_canonical(str(sockaddr[0])))
    except (OSError, UnicodeError):
        pass
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                found.add(_canonical(str(udp.getsockname()[0])))
        except OSError:
            pass
    return frozenset(found)


@dataclass(frozen=True)
class Names:
    """The names the preview answers to, in a request's ``Host`` header and a WebSocket's ``Origin``:
    the loopback names, the address given to ``--host`` and, when serving on every interface, the
    machine's own addresses; always with the served port. A page of another site that gets its
    name resolved to this machine (DNS rebinding) sends its own name, and is refused."""

    hosts: frozenset[str]
    port: int
    every_interface: bool  # the address a connection came in on is the machine's own too

    @classmethod
    def of(cls, host: str, port: int) -> Names:
        everywhere = host in ALL_INTERFACES
        hosts = {*LOOPBACK_NAMES, *(() if everywhere else (_canonical(host),))}
        if everywhere:
            hosts |= machine_addresses()
        return cls(frozenset(hosts), port, everywhere)

    def allows(self, authority: str | None, local_address: str | None = None) -> bool:
        """Whether ``authority`` (``host[:port]``, as in a Host header) names this preview."""
        match = _HOST.fullmatch(authority or "")
        if match is None:
            return False
        name, port = _canonical(match.group(1)), int(match.group(2) or 80)
        if port != self.port:
            return False
        if name in self.hosts:
            return True
        return self.every_interface and local_address is not None and name == _canonical(local_address)

    def allows_origin(self, origin: str | None, local_address: str | None = None) -> bool:
        """Whether a WebSocket's ``Origin`` is a page of this preview (a browser always sends one)."""
        if not origin:
            return False
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme == "http" and not parts.path and self.allows(parts.netloc, local_address)


def _local_address(request: httputil.HTTPServerRequest) -> str | None:
    """The address of this machine the request's connection came in on."""
    stream = getattr(request.connection, "stream", None)
    try:
        return str(stream.socket.getsockname()[0]) if stream is not None and stream.socket else None
    except OSError:
        return None


class _Refused(web.RequestHandler):
    """The answer to a request that does not name this preview: nothing of the site."""

    def initialize(self, why: str) -> None:
        self.why = why

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(self.why + "\n")

    def log_exception(self, *args: Any) -> None:  # a refusal is not an error of the server
        pass


class _Preview(web.Application):
    """The preview's routes, behind a check of the Host header of every request (WebSocket
    upgrades included), before any route is looked at."""

    def __init__(self, handlers: list[Any], names: Names, url: str) -> None:
        super().__init__(handlers, log_function=_quiet)
        self.names, self.url = names, url

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> Any:
        if not self.names.allows(request.headers.get("Host"), _local_address(request)):
            why = f"403 Forbidden: this preview answers only to its own address, {self.url}"
            return self.get_handler_delegate(request, _Refused, {"why": why})
        return super().find_handler(request, **kwargs)


def _quiet(handler: web.RequestHandler) -> None:
    """No access log: the terminal shows builds, not requests."""


class _LiveReload(LiveReloadHandler):  # type: ignore[misc]
    """livereload's WebSocket, for the preview's own pages only: a page of another site (or a
    client that says no origin) is refused before the upgrade."""

    def prepare(self) -> None:
        app = self.application
        assert isinstance(app, _Preview)
        if not app.names.allows_origin(self.request.headers.get("Origin"), _local_address(self.request)):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("403 Forbidden: the live-reload connection is for this preview's own pages\n")

    def check_origin(self, origin: str) -> bool:
        app = self.application
        return isinstance(app, _Preview) and app.names.allows_origin(origin, _local_address(self.request))

    def send_message(self, message: str | dict[str, Any]) -> None:
        """A message to the page, as livereload sends it, less its bare ``except``: that one also
        swallowed a Ctrl-C that came while a message was written (the server then ran on, a
        traceback printed). Only a page gone is passed over."""
        with contextlib.suppress(websocket.WebSocketClosedError, iostream.StreamClosedError):
            self.write_message(message if isinstance(message, str) else json.dumps(message))

    @classmethod
    def reload_waiters(cls, path: str | None = None) -> None:
        """Every open page told to reload ``path`` (a stylesheet's URL path, or "*" for the page),
        as livereload does, less its bare ``except`` (see :meth:`send_message`)."""
        message = {"command": "reload", "path": path or "*", "liveCSS": cls.live_css, "liveImg": True}
        LiveReloadHandler._last_reload_time = time.time()
        for waiter in list(cls.waiters):
            try:
                waiter.write_message(message)
            except (websocket.WebSocketClosedError, iostream.StreamClosedError):
                cls.waiters.discard(waiter)

    def on_message(self, message: str | bytes) -> None:
        """The livereload handshake; anything that is not a JSON object is ignored."""
        try:
            parsed = json.loads(message)
        except ValueError:
            return
        if isinstance(parsed, dict) and isinstance(parsed.get("command"), str):
            super().on_message(message)


# -- one preview per project --------------------------------------------------------

LOCK_FILE = "serve.lock"


def hold_project(root: Path, url: str) -> int:
    """Takes ``.dossier-cache/serve.lock`` for the server's life (the system releases it when the
    process ends, however it ends), so that a second ``serve`` in the project says so instead of
    wiping the first one's folder. The file holds the first one's address, for that message.
    Returns the lock's file descriptor, to close when the server stops."""
    cache = root / CACHE
    try:
        cache.mkdir(exist_ok=True)
    except FileExistsError:
        pass  # a file of that name: said below
    except OSError as exc:
        raise DossierError(f"cannot make the cache folder '{CACHE}': {exc.strerror or exc}") from None
    if not cache.is_dir():
        raise DossierError(
            f"'{CACHE}' is a file, not a folder: dossier keeps its cache and the preview there"
            " (hint: move that file away or delete it; the next command makes the folder)"
        )
    try:
        fd = os.open(cache / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise DossierError(
            f"cannot open the lock file '{CACHE}/{LOCK_FILE}': {exc.strerror or exc}"
            " (hint: it must be a regular file of the project's; delete it, the next serve makes it)"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            other = os.pread(fd, 200, 0).decode("ascii", "replace").strip()
        except OSError:
            other = ""
        os.close(fd)
        where = f" at {other}" if re.fullmatch(r"http://[\w.:\[\]-]+/", other) else ""
        raise UsageError(
            f"another serve is running in this project{where}",
            "open its page, or stop it (Ctrl-C in its terminal) before starting another",
        ) from None
    except OSError:
        pass  # a file system without locks: go on, as before locks
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, (url + "\n").encode(), 0)
    return fd


# -- what is watched ----------------------------------------------------------------

WATCHED = (CONTENT, THEMES, TEMPLATES, STATIC, SEEDS)


class _Watches:
    """A recursive watch on each of content/, themes/, templates/, static/, seeds/ that exists, on the
    folder now at that name: one created, removed, renamed or replaced (a new folder at the same
    name) while serving is watched anew. The project's root is watched alone (not its subfolders)
    for these names and site.yml, so such a change reaches the server as an event. The package's
    own themes are watched too."""

    def __init__(self, observer: BaseObserver, root: Path, handler: FileSystemEventHandler) -> None:
        self.observer, self.root, self.handler = observer, root, handler
        self.current: dict[str, tuple[ObservedWatch, tuple[int, int]]] = {}
        self.lock = threading.Lock()
        observer.schedule(_AtRoot(root, handler), str(root), recursive=False)
        if os.path.isdir(PACKAGED_THEMES):  # the package's own themes (edited in a checkout of the engine)
            observer.schedule(handler, PACKAGED_THEMES, recursive=True)

    def refresh(self) -> bool:
        """Watches the folders now at the watched names; True when any changed since the last call."""
        changed = False
        with self.lock:
            for name in WATCHED:
                path = self.root / name
                try:
                    info = path.stat()
                    identity: tuple[int, int] | None = (
                        (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None
                    )
                except OSError:
                    identity = None
                old = self.current.get(name)
                if (old[1] if old else None) == identity:
                    continue
                changed = True
                if old is not None:
                    del self.current[name]
                    with contextlib.suppress(KeyError, OSError):  # the watch may have ended with its folder
                        self.observer.unschedule(old[0])
                if identity is not None:
                    try:
                        watch = self.observer.schedule(self.handler, str(path), recursive=True)
                    except OSError:
                        continue  # gone again already: the root's watch says when it is back
                    self.current[name] = (watch, identity)
        return changed


class _AtRoot(FileSystemEventHandler):
    """Events of the project's root itself: site.yml, and the watched folders appearing or going."""

    def __init__(self, root: Path, inner: FileSystemEventHandler) -> None:
        self.root, self.inner = root, inner

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [Path(_text(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if any(p.parent == self.root and p.name in (*WATCHED, SETTINGS_FILE) for p in paths):
            self.inner.on_any_event(event)


DEV_FILES = ("dev.js", "dev.css", "workbench.js", "workbench.css")


def _copy_dev_files(folder: Path) -> None:
    """The preview's scripts and stylesheets, written when they differ."""
    for name in DEV_FILES:
        data = resources.files("dossier").joinpath("dev", name).read_bytes()
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)


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
        self.names = Names.of(host, port)
        self.url = site_url("127.0.0.1" if host in ALL_INTERFACES else host, port)
        self.out = self.root / CACHE / "serve"
        self.builds = 0  # builds made, success or failure, written into status.json
        self._print = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.printing = threading.Lock()
        self.stopping = False  # once set, no thread prints: "stopped" is the last line
        overrides = Overrides(base_url=self.url, drafts=True)
        self.runner = Runner(Options(self.root, self.out, overrides, dev=True), build.progress_printer(say=self.log))
        self.search = PreviewIndex(self.out, self.log)  # indexed in the background, after the reload
        self.lock = threading.Lock()
        self.loop: ioloop.IOLoop | None = None
        self.diagnostics: list[Diagnostic] = []
        self.paths: set[str] | None = None  # the files of the last good build in the served folder
        self.reload_path = "*"  # what the last build asks open pages to reload: "*", or a stylesheet's URL path
        self.copied: dict[str, tuple[bytes, bytes]] = {}  # the static files synced, by signatures (output.sync)
        self.watches: _Watches | None = None
        self.token = workbench_http.new_token()  # the workbench's writes carry it (never in a page's bytes)
        self.handing = threading.Lock()
        self.handed: set[Path] = set()  # files the workbench wrote and handed over to a rebuild at once

    def log(self, line: str) -> None:
        with self.printing:
            if not self.stopping:
                self._print(line)

    def stop(self, line: str = "stopped") -> None:
        """The last line printed; other threads are silent from now on."""
        with self.printing:
            if not self.stopping:
                self.stopping = True
                self._print(line)

    # -- building -----------------------------------------------------------------

    def rebuild(self, changed: set[Path] | None = None) -> bool:
        """One (incremental) build into the served folder; False when it failed."""
        with self.lock:
            started = time.perf_counter()
            again = self.builds > 0  # the first build is "built", the others "rebuilt"
            problems, counts = self._build(changed)
            ok = counts is not None
            elapsed = (time.perf_counter() - started) * 1000
            self.diagnostics = problems
            try:
                self._write_status(ok, problems)
            except OSError as exc:  # a full disk: said, and the next save writes it again
                self.log(
                    f"error: cannot write the preview's status for open pages: {exc.strerror or exc}"
                    " (hint: free some disk space; the next save builds again)"
                )
            for line in format_all(problems):
                self.log(line)
            if counts is not None:
                self.log(
                    f"{'rebuilt' if again else 'built'} in {elapsed:.0f} ms: {counts.written} written,"
                    f" {counts.unchanged} unchanged, {counts.removed} removed"
                    f" ({counts.pages} page{'s' if counts.pages != 1 else ''} rendered)"
                )
            else:
                serving = "still serving the last good pages" if self.paths is not None else "serving the errors"
                self.log(f"build failed in {elapsed:.0f} ms: {summary(problems)}; {serving}")
            return ok

    def _build(self, changed: set[Path] | None) -> tuple[list[Diagnostic], output.Counts | None]:
        """The build's problems, and what it wrote (None when it failed)."""
        self.reload_path = "*"
        try:
            result, counts = self.runner.run(self._sync, changed)
        except ContentErrors as exc:
            return list(exc.diagnostics), None
        except DossierError as exc:
            return [Diagnostic(Location(SETTINGS_FILE, 0), str(exc))], None
        except OSError as exc:  # a full disk, a folder made unreadable: said, and the next save retries
            where = (
                exc.filename if isinstance(exc.filename, str) else str(self.out)
            )  # no file named: the folder written
            relative = os.path.relpath(where, self.root) if os.path.isabs(where) else where
            return [Diagnostic(Location(Path(relative).as_posix(), 0), f"cannot build: {exc.strerror or exc}")], None
        old = self.paths
        self.paths = set(result.paths) | set(result.copies)
        touched = counts.fresh | (old - self.paths if old is not None else set())
        self.search.changed(self.paths, touched)  # the index said stale before the pages reload
        if changed is not None and not result.files:
            self.reload_path = _stylesheet_url(changed, result.copies)
        return result.warnings, counts

    def _sync(self, result: Result) -> output.Counts:
        """The writer of the served folder: only the files whose bytes changed are written."""
        keep = (DEV_FOLDER, search.FOLDER)  # the index is the preview's own (commands/previewindex)
        return output.sync(self.out, result.files, result.copies, result.paths, self.paths, keep, self.copied)

    def _write_status(self, ok: bool, problems: list[Diagnostic]) -> None:
        """What the pages' script reads after each build (status.json), and the script itself."""
        folder = self.out / DEV_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        output.mark(self.out)  # a folder of dossier's, even before a first good build: the next serve replaces it
        lines = format_all(d for d in problems if not ok or d.severity.value == "error")
        self.builds += 1  # a page that connects after a build it missed reloads (dev.js)
        texts = overlay.texts(self.runner.engine.strings, problems)  # the overlay's texts, in the site's language
        status: dict[str, object] = {"ok": ok, "lines": [], "summary": "", "build": self.builds}
        status |= {"language": texts.language, "title": "", "note": ""}
        if not ok:  # what the overlay shows
            status |= {"lines": lines, "summary": summary(problems), "title": texts.title, "note": texts.note}
        (folder / "status.json").write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        _copy_dev_files(folder)
        if not ok and not (self.out / "index.html").is_file():
            (self.out / "index.html").write_text(_failure_page(lines, texts), encoding="utf-8")

    def hand_over(self, path: Path) -> None:
        """A file the workbench just wrote: rebuilt at once, in a thread of its own, rather than
        after the watcher's quiet time; the watcher's report of it, then, finds nothing to do."""
        with self.handing:
            self.handed.add(Path(os.path.abspath(path)))
        threading.Thread(target=self._handed, args=(path,), name="dossier-handed", daemon=True).start()

    def _handed(self, path: Path) -> None:
        try:
            self.on_burst({path})
        except Exception:  # a bug of ours: said, as the watcher's thread says it
            if not self.stopping:
                self._fault(traceback.format_exc())

    def _built_already(self, changed: set[Path]) -> bool:
        """Whether ``changed`` are only files the workbench handed over, built as they are now
        (by the hand-over or the watcher, whichever came first): the other has nothing to do."""
        paths = {Path(os.path.abspath(path)) for path in changed}
        with self.handing:
            if not paths <= self.handed:
                return False
        with self.lock:
            files = self.runner.engine.files
            done = not any(files.stale(str(path)) for path in paths)
        if done:
            with self.handing:
                self.handed -= paths
        return done

    def on_burst(self, changed: set[Path]) -> None:
        if changed and self._built_already(changed):
            return
        if self.watches is not None and self.watches.refresh():
            self.rebuild()  # a watched folder appeared, went or was replaced: everything is read again
        else:
            self.rebuild(changed)
        loop = self.loop
        if loop is not None and not self.stopping:
            # the browser is told site paths only: a stylesheet's URL path, or "*"
            with contextlib.suppress(RuntimeError):  # the loop closed as the server stopped
                loop.add_callback(_LiveReload.reload_waiters, self.reload_path)
        if not self.stopping:
            self.search.start()  # after the reload: the index never delays it

    # -- serving ------------------------------------------------------------------

    def application(self) -> web.Application:
        LiveReloadHandler.watcher = _NoPolling()
        LiveReloadHandler.live_css = True
        LiveReloadHandler._last_reload_time = time.time()
        desk = workbench_http.Desk(
            self.root,
            self.token,
            self.lock,
            lambda: self.runner.engine.files.content()[0],
            lambda: self.runner.engine.strings,
            lambda request: self.names.allows_origin(request.headers.get("Origin"), _local_address(request)),
            self.hand_over,
        )
        return _Preview(
            [
                (r"/livereload", _LiveReload),
                (r"/livereload.js", LiveReloadJSHandler),
                *workbench_http.routes(desk),
                (r"/(.*)", _Files, {"path": str(self.out), "default_filename": "index.html"}),
            ],
            self.names,
            self.url,
        )

    def serve(self, open_browser: bool = False) -> int:
        """Build, serve and watch until Ctrl-C, which stops the server at any moment with one line."""
        sockets = self.sockets if self.sockets is not None else bind(self.host, self.port)
        observer: BaseObserver | None = None
        collector: _Collector | None = None
        timer: threading.Timer | None = None
        held: int | None = None
        try:
            held = hold_project(self.root, self.url)  # before anything is built or removed
            try:
                if os.path.lexists(self.out) and not output.remove_leftover(self.out):
                    raise DossierError(
                        f"'{self.out.relative_to(self.root)}' holds files dossier did not write: not replaced"
                        " (hint: move them elsewhere, or delete the folder)"
                    )
                observer = Observer()  # watching before the first build: a save made during it is seen
                collector = _Collector(self.root, self.on_burst, self._fault)
                self.watches = _Watches(observer, self.root, collector)
                self.watches.refresh()
                observer.start()
                self.rebuild()
                self.loop = ioloop.IOLoop.current()
                httpserver.HTTPServer(self.application(), max_body_size=workbench_http.SERVER_MAX).add_sockets(sockets)
                others = sorted(a for a in self.names.hosts if self.names.every_interface and _reachable(a))
                also = "".join(f", {site_url(a, self.port)}" for a in others)
                watched = "content/, themes/, templates/, static/, seeds/, site.yml"
                self.log(f"serving {self.url}{also} (watching {watched}; Ctrl-C to stop)")
                self.search.start()
                if open_browser:
                    timer = threading.Timer(0.5, webbrowser.open, [self.url])
                    timer.daemon = True
                    timer.start()
                _serve_until_stopped(self.loop)
            except KeyboardInterrupt:
                self.stop()
        finally:
            self._close(observer, collector, timer, sockets, held)
        return 0

    def _close(
        self,
        observer: BaseObserver | None,
        collector: _Collector | None,
        timer: threading.Timer | None,
        sockets: Iterable[socket.socket],
        held: int | None,
    ) -> None:
        """Everything the server started, stopped without a word (a second Ctrl-C, SIGTERM or SIGHUP
        included: a closed terminal may send it twice)."""
        main = threading.current_thread() is threading.main_thread()
        previous = {number: signal.signal(number, signal.SIG_IGN) for number in stops.STOPS} if main else {}
        try:
            self.stopping = True
            self.search.stop()
            if timer is not None:
                timer.cancel()
            if collector is not None:
                collector.stop()
            if observer is not None:
                observer.stop()
                if observer.is_alive():
                    observer.join(timeout=5)
            for sock in sockets:
                sock.close()
            if held is not None:
                os.close(held)
        finally:
            for number, handler in previous.items():
                if handler is not None:  # None: not a handler Python knows, nothing to put back
                    signal.signal(number, handler)

    def _fault(self, trace: str) -> None:
        for line in trace.rstrip().splitlines():
            self.log(line)
        self.log("error: the rebuild stopped on a fault of dossier (hint: report it; the next save builds again)")


_ENDS = (signal.SIGTERM, signal.SIGHUP)  # stops that end the server as they end any command


def _serve_until_stopped(loop: ioloop.IOLoop) -> None:
    """``loop`` run until it is stopped; SIGTERM or SIGHUP (the terminal closed) stops it, then is
    raised here, by the program's own handler. Raised by that handler inside the loop, in a request's
    callback, the stop would be caught and logged by asyncio, and the server would go on: the loop's
    own signal handling (which wakes it whichever thread got the signal) stops it between callbacks.
    A signal ignored from the start (``nohup``) stays ignored; Ctrl-C stops the loop as before."""
    previous = {number: signal.getsignal(number) for number in _ENDS}
    main = threading.current_thread() is threading.main_thread()
    own = [number for number in _ENDS if main and callable(previous[number])]
    caught: list[int] = []
    events: asyncio.AbstractEventLoop = loop.asyncio_loop  # type: ignore[attr-defined]

    def stopping(number: int) -> None:
        caught.append(number)
        loop.stop()

    for number in own:
        events.add_signal_handler(number, stopping, number)
    try:
        loop.start()
    finally:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, own)  # one more, meanwhile, goes to the program's handler
        try:
            for number in own:
                events.remove_signal_handler(number)
                signal.signal(number, previous[number])
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if caught:
        signal.raise_signal(caught[0])


def _reachable(address: str) -> bool:
    """Whether an address of this machine is one another machine can reach (for the serving line)."""
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _stylesheet_url(changed: Iterable[Path], copies: dict[str, Path]) -> str:
    """The URL path of the stylesheet a burst changed, when it changed nothing else ("*" otherwise):
    open pages then reload that stylesheet in place. Never a path of the file system."""
    sources = {Path(os.path.abspath(source)): rel for rel, source in copies.items()}
    urls = {sources.get(Path(os.path.abspath(path))) for path in changed}
    if len(urls) == 1:
        (rel,) = urls
        if rel is not None and rel.endswith(".css"):
            return "/" + rel
    return "*"


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
