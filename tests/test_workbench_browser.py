"""The workbench in Chromium, against ``python build.py serve`` typed from the root of a copy of
the project: a passage selected with the mouse becomes a note, a note is edited from its page,
and nothing but the preview's own pages can write."""

from __future__ import annotations

import http.client
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import chromium, free_port
from playwright.sync_api import Browser, Page
from test_journeys import Served, copy_repository, serving, typed

from dossier.commands.workbench_http import MAX_BODY, PATH, SERVER_MAX, TOKEN_HEADER

ARTICLE = """\
---
title: "L'atelier de l'éditeur"
date: 2024-03
topics: [irak]
---
Hier, le ministre a parlé de la réforme. Aujourd'hui encore, le ministre a parlé longuement du budget.

Le Parlement examinera le texte en mai, selon un responsable.

Les syndicats ont annoncé une grève pour le mois de juin.

Les négociateurs se retrouveront à Genève avant la fin de l'été.
"""

NOTE = """\
---
# écrite à la main : ce commentaire et ces guillemets restent
article: atelier
quote: 'Le Parlement examinera le texte'
kind: contexte
topics: [irak]
---
Le vote est prévu *avant* l'été.
"""

NOTES = "content/annotations"
CONNECTED = "document.addEventListener('LiveReloadConnect', () => { window.__liveReloadConnected = true; });"


@dataclass(frozen=True)
class Preview:
    root: Path
    url: str
    server: Served

    def article(self) -> str:
        return self.url + "articles/atelier/"

    def notes(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((self.root / NOTES).iterdir())}


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = copy_repository(tmp_path_factory.mktemp("workbench") / "dossier")
    (root / "content/articles/atelier.md").write_text(ARTICLE, encoding="utf-8")
    (root / NOTES / "atelier-parlement.md").write_text(NOTE, encoding="utf-8")
    shutil.copytree(root / "dossier/themes/default", root / "themes/default")  # the project's own copy, to retouch
    with serving(root) as (server, url):
        yield Preview(root, url, server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, preview: Preview) -> Iterator[Page]:
    page = browser.new_page()
    page.add_init_script(CONNECTED)
    page.goto(preview.article())
    page.wait_for_selector("html[data-workbench=ready]")
    page.wait_for_function("() => window.__liveReloadConnected === true")
    yield page
    page.close()


FIND = """([needle, nth]) => {
  const text = document.querySelector('article .text');
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('aside.notes, a.note-ref, .dossier-wb')) continue;
    nodes.push([node, all.length]);
    all += node.data;
  }
  let at = -1;
  for (let seen = 0; seen <= nth; seen++) { at = all.indexOf(needle, at + 1); if (at < 0) return null; }
  const point = (i) => { const [node, from] = nodes.filter(([, from]) => from <= i).pop(); return [node, i - from]; };
  const box = (i) => {
    const range = document.createRange();
    range.setStart(...point(i)); range.setEnd(...point(i)); range.setEnd(point(i)[0], point(i)[1] + 1);
    return range.getBoundingClientRect();
  };
  point(at)[0].parentElement.scrollIntoView({block: 'center'});
  const first = box(at), last = box(at + needle.length - 1);
  return [first.left + 1, (first.top + first.bottom) / 2, last.right - 1, (last.top + last.bottom) / 2];
}"""


def select(page: Page, needle: str, nth: int = 0) -> None:
    """Drags the mouse over the ``nth`` occurrence of ``needle`` in the article's text."""
    box = page.evaluate(FIND, [needle, nth])
    assert box, needle
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()
    assert page.evaluate(SELECTED) == needle


SELECTED = """() => {
  const copy = getSelection().getRangeAt(0).cloneContents();
  copy.querySelectorAll('a.note-ref, aside.notes, .dossier-wb').forEach((e) => e.remove());
  return copy.textContent;
}"""  # what the mouse selected, note numbers (and the workbench's button) left out


def open_form(page: Page, needle: str, nth: int = 0) -> None:
    select(page, needle, nth)
    page.get_by_role("button", name="Annoter").click()
    page.get_by_role("dialog", name="Annoter ce passage").wait_for()


def save_and_reload(page: Page) -> None:
    with page.expect_navigation(timeout=30_000):  # the site rebuilt, live reload reloads the page
        page.get_by_role("dialog").get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("html[data-workbench=ready]")


def test_a_passage_selected_with_the_mouse_becomes_a_note_beside_it(page: Page, preview: Preview) -> None:
    open_form(page, "une grève pour le mois de juin")
    dialog = page.get_by_role("dialog")
    page.wait_for_function("() => document.querySelector('dialog input').value !== ''")
    assert dialog.get_by_label("Nom du fichier").input_value() == "une-greve-pour-le-mois-de-juin"
    dialog.get_by_label("Type de note").select_option("chiffre")
    dialog.get_by_label("Thèmes").select_option(["irak", "syrie"])
    dialog.get_by_label("Texte de la note (Markdown)").fill("Une grève *nationale*, la troisième de l'année.")
    save_and_reload(page)

    written = preview.root / NOTES / "une-greve-pour-le-mois-de-juin.md"
    assert (
        written.read_bytes()
        == (
            '---\narticle: "atelier"\nquote: "une grève pour le mois de juin"\nkind: "chiffre"\n'
            'topics: ["irak", "syrie"]\n---\nUne grève *nationale*, la troisième de l\'année.\n'
        ).encode()
    )
    note = page.locator(".notes .note", has_text="la troisième de l'année")
    assert note.is_visible()
    number = note.get_attribute("id", timeout=5000)
    assert page.locator(f"mark.passage[data-note='{number.split('-')[1] if number else ''}']").inner_text() == (
        "une grève pour le mois de juin"
    )


def test_a_passage_found_twice_is_written_with_the_context_that_makes_it_unique(page: Page, preview: Preview) -> None:
    open_form(page, "le ministre a parlé", nth=1)
    page.wait_for_function("() => document.querySelector('dialog input').value !== ''")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Nom du fichier").fill("le-ministre-encore")
    dialog.get_by_label("Texte de la note (Markdown)").fill("La seconde fois.")
    save_and_reload(page)

    assert (preview.root / NOTES / "le-ministre-encore.md").read_bytes() == (
        '---\narticle: "atelier"\nquote: "le ministre a parlé"\nsuffix: "longuement"\nkind: "contexte"\n---\n'
        "La seconde fois.\n"
    ).encode()
    note = page.locator(".notes .note", has_text="La seconde fois.")
    number = (note.get_attribute("id") or "").split("-")[1]
    before = page.evaluate(
        "(n) => { const r = document.createRange(); const p = document.getElementById('passage-' + n);"
        " r.setStart(p.closest('p'), 0); r.setEndBefore(p); return r.toString(); }",
        number,
    )
    assert before.endswith("Aujourd'hui encore, "), before  # the second occurrence, as selected


def test_an_overlapping_selection_is_refused_in_the_form_and_nothing_is_written(page: Page, preview: Preview) -> None:
    before = preview.notes()
    open_form(page, "examinera le texte en mai")
    problems = page.get_by_role("dialog").get_by_role("alert")
    problems.get_by_text("passage overlaps the passage of note 'atelier-parlement'", exact=False).wait_for()
    assert "Rien n'a été écrit" in problems.inner_text()
    page.get_by_role("dialog").get_by_label("Texte de la note (Markdown)").fill("Une note.")
    page.get_by_role("dialog").get_by_role("button", name="Enregistrer").click()
    problems.get_by_text("overlaps", exact=False).wait_for()
    assert preview.notes() == before


def test_a_file_that_exists_and_an_empty_text_are_errors_in_the_form(page: Page, preview: Preview) -> None:
    before = preview.notes()
    open_form(page, "se retrouveront à Genève")
    dialog = page.get_by_role("dialog")
    page.wait_for_function("() => document.querySelector('dialog input').value !== ''")
    dialog.get_by_role("button", name="Enregistrer").click()
    dialog.get_by_role("alert").get_by_text("empty", exact=False).wait_for()
    dialog.get_by_label("Texte de la note (Markdown)").fill("Une note.")
    dialog.get_by_label("Nom du fichier").fill("atelier-parlement")
    dialog.get_by_role("button", name="Enregistrer").click()
    taken = "exists already: not replaced (hint: choose another file name)"  # the form's words, not --slug
    dialog.get_by_role("alert").get_by_text(taken, exact=False).wait_for()
    assert preview.notes() == before


def test_the_keyboard_selects_reaches_the_button_and_works_the_form(page: Page, preview: Preview) -> None:
    before = preview.notes()
    box = page.evaluate(FIND, ["selon", 0])  # in a paragraph with a note: its number, toggle and button
    page.mouse.dblclick((box[0] + box[2]) / 2, box[1])  # a word, then extended from the keyboard
    for _ in " un responsable":
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate(SELECTED).strip() == "selon un responsable"
    page.get_by_role("button", name="Annoter").wait_for()
    page.keyboard.press("Tab")  # the button comes next after the selection, before the note's controls
    assert page.evaluate("() => document.activeElement.textContent") == "Annoter"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Annoter ce passage")
    dialog.wait_for()
    assert page.evaluate("() => document.activeElement.labels[0].textContent") == "Texte de la note (Markdown)"
    for label in ("Type de note", "Thèmes", "Texte de la note (Markdown)", "Nom du fichier"):
        assert dialog.get_by_label(label).count() == 1, label
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert preview.notes() == before


def test_a_rebuild_waits_while_a_form_is_open_and_reloads_once_it_is_closed(page: Page, preview: Preview) -> None:
    assert page.evaluate("() => window.LiveReload.hasPlugin('dossier-workbench')")
    open_form(page, "avant la fin de l'été")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Texte de la note (Markdown)").fill("Un brouillon.")
    page.evaluate("() => { window.__samePage = true; }")
    style = preview.root / "themes/default/static/style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\n/* retouche */\n", encoding="utf-8")
    page.wait_for_selector("link[rel=stylesheet][href*='livereload=']", state="attached", timeout=30_000)
    assert dialog.get_by_label("Texte de la note (Markdown)").input_value() == "Un brouillon."  # in place
    topic = preview.root / "content/topics/irak.md"
    topic.write_text(topic.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    dialog.get_by_text("la page se rechargera quand ce formulaire sera fermé").wait_for(timeout=30_000)
    assert page.evaluate("() => window.__samePage") is True  # not reloaded: the draft is there
    assert dialog.get_by_label("Texte de la note (Markdown)").input_value() == "Un brouillon."
    with page.expect_navigation(timeout=30_000):
        dialog.get_by_role("button", name="Annuler").click()
    page.wait_for_selector("html[data-workbench=ready]")


TEXT_BOXES = """() => {
  const overlaps = [];
  let checked = 0, folded = 0;
  for (const edit of document.querySelectorAll('.dossier-wb-edit')) {
    const b = edit.getBoundingClientRect();
    if (!b.width) continue; // a note not shown at this width
    checked += 1;
    const note = edit.closest('.note');
    if (note.classList.contains('is-folded')) folded += 1;
    const walker = document.createTreeWalker(note, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('button') || !node.data.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width && r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom) {
          overlaps.push([note.id, node.data.slice(0, 30)]);
        }
      }
    }
  }
  return {checked, folded, overlaps};
}"""


def test_the_edit_button_hides_none_of_its_notes_text_at_any_width(browser: Browser, preview: Preview) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(preview.url + "articles/irak-fin-de-la-coalition/")  # margin notes, some folded
        page.wait_for_selector("html[data-workbench=ready]")
        wide = page.evaluate(TEXT_BOXES)
        folded = page.locator(".note.is-folded")
        assert folded.count() > 3 and wide["folded"] == 0, wide  # a folded note's line is its words'
        assert wide["checked"] > 0 and wide["overlaps"] == [], wide
        first = page.locator(f"#{folded.first.get_attribute('id')}")
        first.locator(".note-toggle").click()  # unfolded: its button shows, over none of its words
        first.locator(".dossier-wb-edit").wait_for()
        unfolded = page.evaluate(TEXT_BOXES)
        assert unfolded["checked"] == wide["checked"] + 1 and unfolded["overlaps"] == [], unfolded
        page.set_viewport_size({"width": 390, "height": 800})
        page.locator("mark.passage").first.click()  # a phone: the note opens under its paragraph
        page.locator(".note.is-open .dossier-wb-edit").wait_for()
        narrow = page.evaluate(TEXT_BOXES)
        assert narrow["checked"] == 1 and narrow["overlaps"] == [], narrow
    finally:
        page.close()


COLOURS = """() => Object.fromEntries(['dialog', 'dialog select', 'dialog textarea', 'dialog button'].map((s) => {
  const style = getComputedStyle(document.querySelector(s));
  const light = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number); return (r + g + b) / 3 > 127; };
  return [s, [light(style.backgroundColor), light(style.color)]];
}))"""


def test_the_form_takes_the_pages_colour_scheme_throughout(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Modifier la note")).first.click()
    page.get_by_role("dialog").wait_for()
    for scheme, light in (("dark", False), ("light", True)):
        page.emulate_media(color_scheme=scheme)
        colours = page.evaluate(COLOURS)
        assert all(pair == [light, not light] for pair in colours.values()), (scheme, colours)  # [background, text]
    page.keyboard.press("Escape")


def test_a_note_is_edited_from_its_page_every_other_line_kept(page: Page, preview: Preview) -> None:
    page.get_by_role("button", name=re.compile(r"^Modifier la note \d+$")).first.wait_for()
    card = page.locator(".notes .note", has_text="Le vote est prévu")
    card.get_by_role("button", name=re.compile(r"^Modifier la note")).click()
    dialog = page.get_by_role("dialog")
    text = dialog.get_by_label("Texte de la note (Markdown)")
    assert text.input_value() == "Le vote est prévu *avant* l'été."
    assert dialog.get_by_label("Type de note").input_value() == "contexte"
    text.fill("Le vote est prévu *après* l'été.\n\nSelon deux élus.")
    save_and_reload(page)

    assert (preview.root / NOTES / "atelier-parlement.md").read_text(encoding="utf-8") == NOTE.replace(
        "Le vote est prévu *avant* l'été.", "Le vote est prévu *après* l'été.\n\nSelon deux élus."
    )
    assert page.locator(".notes .note", has_text="Selon deux élus.").is_visible()


def test_an_orphaned_note_is_listed_with_its_candidate_and_re_anchored_there(page: Page, preview: Preview) -> None:
    orphan = preview.root / NOTES / "hier-reforme.md"
    text = '---\narticle: atelier\nquote: "Hier, le ministre a parlé de sa réforme"\nkind: contexte\n---\nSa réforme.\n'
    with page.expect_navigation(timeout=30_000):  # saved in an editor: the preview rebuilds, a warning
        orphan.write_text(text, encoding="utf-8")
    page.wait_for_selector("html[data-workbench=ready]")
    panel = page.get_by_role("region", name="Notes dont le passage est introuvable (1)")
    item = panel.get_by_role("listitem").filter(has_text="content/annotations/hier-reforme.md")
    assert "Hier, le ministre a parlé de la réforme" in item.inner_text()
    assert page.locator(".notes .note", has_text="Sa réforme.").count() == 0  # not shown while lost
    with page.expect_navigation(timeout=30_000):
        item.get_by_role("button", name="Réancrer la note hier-reforme ici").click()
    page.wait_for_selector("html[data-workbench=ready]")

    assert orphan.read_text(encoding="utf-8") == text.replace("de sa réforme", "de la réforme")
    assert page.get_by_role("region", name=re.compile("introuvable")).count() == 0
    assert page.locator(".notes .note", has_text="Sa réforme.").is_visible()


# -- who may write ----------------------------------------------------------------------


def token_of(preview: Preview) -> str:
    status, body = request(preview, "GET", PATH + "notes?page=/articles/atelier/", {})
    assert status == 200
    token = json.loads(body)["token"]
    assert isinstance(token, str) and len(token) >= 32
    return token


def request(preview: Preview, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, str]:
    port = int(preview.url.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        for name, value in {"Host": f"127.0.0.1:{port}", **headers}.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        answer = response.read().decode()
        assert not response.getheader("Access-Control-Allow-Origin")
        return response.status, answer
    finally:
        connection.close()


def announced_only(preview: Preview, length: int, headers: dict[str, str]) -> int:
    """The status of a POST that announces ``length`` bytes of body and sends none of them."""
    port = int(preview.url.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", PATH + "create", skip_host=True)
        for name, value in {"Host": f"127.0.0.1:{port}", "Content-Length": str(length), **headers}.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def note_request(slug: str = "ecrit-de-dehors", **more: object) -> bytes:
    fields = {"article": "atelier", "exact": "avant la fin de l'été", "before": "", "after": "", "kind": "contexte"}
    return json.dumps({**fields, "topics": [], "text": "Du dehors.", "slug": slug, **more}).encode()


def test_only_the_previews_own_pages_with_the_token_may_write(preview: Preview) -> None:
    token = token_of(preview)
    own = preview.url.rstrip("/")
    good = {"Content-Type": "application/json", TOKEN_HEADER: token, "Origin": own}
    before = preview.notes()
    refused = {
        "no token": ({**good, TOKEN_HEADER: ""}, note_request(), 403),
        "wrong token": ({**good, TOKEN_HEADER: token[:-1] + ("A" if token[-1] != "A" else "B")}, note_request(), 403),
        "no origin": ({k: v for k, v in good.items() if k != "Origin"}, note_request(), 403),
        "other origin": ({**good, "Origin": "http://127.0.0.1:1"}, note_request(), 403),
        "other site": ({**good, "Origin": "http://evil.example"}, note_request(), 403),
        "other host": ({**good, "Host": "evil.example"}, note_request(), 403),
        "form post": ({**good, "Content-Type": "text/plain"}, note_request(), 415),
        "unknown field": (good, note_request(path="content/x.md"), 400),
        "not json": (good, b"article=atelier", 400),
        "path slug": (good, note_request(slug="../x"), 422),
    }
    for case, (headers, body, status) in refused.items():
        got, answer = request(preview, "POST", PATH + "create", headers, body)
        assert got == status, (case, got, answer)
    assert "not a slug" in request(preview, "POST", PATH + "create", good, note_request(slug="../x"))[1]
    large = request(preview, "POST", PATH + "create", good, note_request(text="x" * MAX_BODY))
    assert large == (413, '{"ok": false, "refused": "request too large"}')  # what the form shows
    assert announced_only(preview, SERVER_MAX + 1, good) == 400  # far larger: refused unread, before any handler
    assert preview.notes() == before
    assert not (preview.root / "content" / "x.md").exists()
    cross = {"Sec-Fetch-Site": "cross-site"}
    assert request(preview, "GET", PATH + "notes?page=/articles/atelier/", cross)[0] == 403
    assert request(preview, "OPTIONS", PATH + "create", {"Origin": "http://evil.example"})[0] != 200


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><title>another site</title><p>another site</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


ATTACKS = """async ([base, token, body]) => {
  const tried = {};
  const attempt = async (name, request) => {
    try { const r = await request(); tried[name] = r.type === 'opaque' ? 'opaque' : await r.text(); }
    catch (e) { tried[name] = 'failed'; }
  };
  const json = {'Content-Type': 'application/json'};
  await attempt('token read', () => fetch(base + 'notes?page=/articles/atelier/'));
  await attempt('json without token', () => fetch(base + 'create', {method: 'POST', headers: json, body}));
  await attempt('json with token', () => fetch(base + 'create',
    {method: 'POST', headers: {...json, 'X-Dossier-Token': token}, body}));
  await attempt('simple post', () => fetch(base + 'create', {method: 'POST', mode: 'no-cors', body,
    headers: {'Content-Type': 'text/plain'}}));
  await attempt('beacon', async () => { navigator.sendBeacon(base + 'create', body); return {type: 'opaque'}; });
  return tried;
}"""


def test_a_page_of_another_origin_cannot_write_even_with_the_token(browser: Browser, preview: Preview) -> None:
    token = token_of(preview)
    other = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Page)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    before = preview.notes()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        tried = page.evaluate(ATTACKS, [preview.url + PATH.lstrip("/"), token, note_request().decode()])
        page.wait_for_timeout(300)  # the beacon, sent in the background
    finally:
        page.close()
        other.shutdown()
        other.server_close()
    assert tried["token read"] == "failed"  # no CORS: the token is not readable
    assert tried["json without token"] == "failed" and tried["json with token"] == "failed"  # preflight refused
    assert tried["simple post"] == "opaque"  # sent, refused (Origin, Content-Type), unreadable
    assert preview.notes() == before


def test_the_published_build_has_no_trace_of_the_workbench(preview: Preview) -> None:
    token = token_of(preview)
    done = typed("python build.py build", preview.root)
    assert done.code == 0, done
    site = preview.root / "_site"
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for trace in (b"workbench", b"_dossier", b"dev.js", TOKEN_HEADER.encode(), token.encode()):
                assert trace not in data, (path, trace)
