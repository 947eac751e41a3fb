"""The workbench's endpoints in the preview: the only requests of ``serve`` that write.

- ``GET /_dossier/workbench/notes?page=/articles/SLUG/``: what the page's script needs (the
  server's token, the article's notes with their files' texts and digests, the kinds, the
  topics, the UI strings). A page of another site cannot read it: no CORS header is ever
  sent, and a request a browser marks as cross-site (``Sec-Fetch-Site``) is refused.
- ``POST /_dossier/workbench/locate|create|edit``: a selection placed (nothing written), a
  note written, a note rewritten. Each one must come from this machine (loopback), carry the
  server's token in ``X-Dossier-Token``, say the preview's own ``Origin``, be JSON
  (``Content-Type: application/json``, which a page of another site cannot send without a
  preflight, never answered) of at most :data:`MAX_BODY` bytes (above it, a JSON 413), with
  exactly the documented fields. ``Host`` is checked before any route, as for every request of the preview.

The token is made per server (:func:`secrets.token_urlsafe`) and never written into a page:
the rendered pages' bytes are the same from one server to the next.
"""

from __future__ import annotations

import hmac
import http.client
import ipaddress
import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tornado import httputil, ioloop, web

from dossier.commands import orphans, workbench
from dossier.errors import ContentErrors, format_all
from dossier.model import NOTE_KINDS
from dossier.publish.i18n import Strings
from dossier.source.content import Content
from dossier.text.slugs import is_slug

PATH = "/_dossier/workbench/"
TOKEN_HEADER = "X-Dossier-Token"
MAX_BODY = 512 * 1024
# The whole server's limit, above the endpoints' own: a request a little too large reaches its
# handler, which answers 413 in JSON (the form shows it); far larger, Tornado refuses it unread.
SERVER_MAX = 4 * MAX_BODY
STRINGS_PREFIX = "workbench_"
_ARTICLE_PAGE = re.compile(r"/articles/([^/]+)/(?:index\.html)?")


def article_of(page: str) -> str | None:
    """The slug of the article whose page is at ``page`` (a URL path of the preview), if it is one."""
    match = _ARTICLE_PAGE.fullmatch(page)
    return match.group(1) if match and is_slug(match.group(1)) else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Desk:
    """What the endpoints work with: the project, the server's token, and the server's content
    as its engine last read it (under the server's lock, which a rebuild holds)."""

    root: Path
    token: str
    lock: threading.Lock
    records: Callable[[], Content]
    strings: Callable[[], Strings | None]
    own_origin: Callable[[httputil.HTTPServerRequest], bool]  # the request's Origin is the preview's
    written: Callable[[Path], None] = lambda path: None  # told each file written, once the answer is given


def routes(desk: Desk) -> list[tuple[str, type[web.RequestHandler], dict[str, Any]]]:
    return [
        (PATH + "notes", _Notes, {"desk": desk}),
        (PATH + "(locate|create|edit|reanchor)", _Write, {"desk": desk}),
    ]


def _loopback(request: httputil.HTTPServerRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.remote_ip or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


class _Endpoint(web.RequestHandler):
    def initialize(self, desk: Desk) -> None:
        self.desk = desk

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def answer(self, status: int, body: dict[str, object]) -> None:
        self.set_status(status)
        self.finish(json.dumps(body, ensure_ascii=False))

    def refuse(self, status: int, why: str) -> None:
        self.answer(status, {"ok": False, "refused": why})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(json.dumps({"ok": False, "refused": http.client.responses.get(status_code, "error")}))

    def log_exception(self, *args: Any) -> None:  # a refusal is the answer, not news for the terminal
        pass


class _Notes(_Endpoint):
    def prepare(self) -> None:
        site = self.request.headers.get("Sec-Fetch-Site")
        if not _loopback(self.request):
            self.refuse(403, "the workbench answers this machine only")
        elif site not in (None, "same-origin", "none") or (
            "Origin" in self.request.headers and not self.desk.own_origin(self.request)
        ):
            self.refuse(403, "the workbench answers the preview's own pages only")

    async def get(self) -> None:
        slug = article_of(self.get_query_argument("page", "") or "")
        body = await ioloop.IOLoop.current().run_in_executor(None, self._page, slug)
        self.answer(200, body)

    def _page(self, slug: str | None) -> dict[str, object]:
        desk = self.desk
        with desk.lock:
            records = desk.records()
            article = _article_page(desk.root, records, slug) if slug else {"article": None, "notes": [], "orphans": []}
        strings = desk.strings()
        known = dict(strings.strings) if strings is not None else {}
        texts = {k: v for k, v in known.items() if k.startswith(STRINGS_PREFIX)}
        return {
            "token": desk.token,
            **article,
            "kinds": [{"value": k, "label": known.get(f"kind_{k}", k)} for k in NOTE_KINDS],
            "topics": [{"slug": t.slug, "label": t.label} for t in sorted(records.topics, key=lambda t: t.slug)],
            "strings": texts,
            "language": strings.language if strings is not None else "en",
        }


def _article_page(root: Path, records: Content, slug: str) -> dict[str, object]:
    """What the workbench shows on article ``slug``'s page: its notes, and those that lost their passage."""
    known = any(a.slug == slug for a in records.articles)
    return {
        "article": slug if known else None,
        "notes": [asdict(n) for n in workbench.notes_of(root, records, slug)],
        "orphans": [asdict(o) for o in orphans.orphans_of(root, records, slug)],
    }


Action = Callable[[Path, Content, object], dict[str, object]]


def _locate(root: Path, records: Content, data: object) -> dict[str, object]:
    placed = workbench.check_place(root, records, workbench.selection_of(data))
    return {"ok": True, **asdict(placed)}


def _create(root: Path, records: Content, data: object) -> dict[str, object]:
    return {"ok": True, "path": workbench.create_note(root, records, workbench.new_note_of(data))}


def _edit(root: Path, records: Content, data: object) -> dict[str, object]:
    return {"ok": True, "path": workbench.edit_note(root, records, workbench.note_edit_of(data))}


def _reanchor(root: Path, records: Content, data: object) -> dict[str, object]:
    return {"ok": True, "path": orphans.move(root, records, orphans.move_of(data))}


ACTIONS: dict[str, Action] = {"locate": _locate, "create": _create, "edit": _edit, "reanchor": _reanchor}


class _Write(_Endpoint):
    def prepare(self) -> None:
        request = self.request
        media = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        token = request.headers.get(TOKEN_HEADER, "")
        if not _loopback(request):
            self.refuse(403, "the workbench answers this machine only")
        elif not self.desk.own_origin(request):
            self.refuse(403, "the workbench answers the preview's own pages only")
        elif not hmac.compare_digest(token.encode(), self.desk.token.encode()):
            self.refuse(403, "missing or wrong token: reload the page")
        elif media != "application/json":
            self.refuse(415, "the workbench takes JSON only")
        elif len(request.body) > MAX_BODY:
            self.refuse(413, "request too large")

    async def post(self, action: str) -> None:
        try:
            data = json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError):
            self.refuse(400, "the request is not JSON")
            return
        status, body = await ioloop.IOLoop.current().run_in_executor(None, self._run, ACTIONS[action], data)
        self.answer(status, body)
        if status == 200 and action != "locate":
            self.desk.written(self.desk.root / str(body["path"]))

    def _run(self, action: Action, data: object) -> tuple[int, dict[str, object]]:
        desk = self.desk
        try:
            with desk.lock:
                return 200, action(desk.root, desk.records(), data)
        except workbench.BadRequest as exc:
            return 400, {"ok": False, "refused": str(exc)}
        except ContentErrors as exc:
            return 422, {"ok": False, "errors": format_all(exc.diagnostics)}
