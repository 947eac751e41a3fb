"""How fast the development server follows an editor: rebuild work, save-to-disk, memory.

    python bench/serve.py [--articles 5000] [--notes-per-article 4] [--events 500] [--runs 15] [--tree DIR]
                          [--workbench]

Generates the dossier (bench/generate.py) unless --tree holds one already, starts
``build.py serve`` on a free loopback port, waits for the first build, then saves one
annotation, then one article, ``--runs`` times each, and measures:

- rebuild work: what the server logs for each rebuild, from the change being handed over
  by the watcher to the files written ("rebuilt in N ms");
- save to disk: from just before the file is written to the moment the served page on disk
  shows the change (detection, debounce and rebuild included);
- the server's resident memory at rest (VmRSS of the process, after the first build and
  after the runs);
- with ``--workbench`` (instead of the above), in Debian's Chromium (Playwright): a passage
  of an article selected with the mouse, the workbench's form opened and filled, then from
  the click on its save button to the server's answer (the note checked and written), and to
  the new note visible on the reloaded page (the watcher, the rebuild, live reload and the
  page's load included); each run's note is deleted afterwards, the site rebuilt, before the
  next run. Then the same for the article's first note edited from its page.

Prints medians with min-max and quartiles.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def spread(values: list[float]) -> str:
    if len(values) < 2:
        return f"{values[0]:.0f}" if values else "-"
    q = statistics.quantiles(values, n=4)
    return (
        f"median {statistics.median(values):6.1f}  min {min(values):6.1f}  max {max(values):6.1f}"
        f"  q1 {q[0]:6.1f}  q3 {q[2]:6.1f}"
    )


class Server:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(self.port)]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("serving "):
                self.ready.set()

    def rebuild_times(self, since: int) -> list[float]:
        found = [re.match(r"rebuilt in (\d+) ms", line) for line in self.lines[since:]]
        return [float(m.group(1)) for m in found if m]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_for(path: Path, needle: bytes, timeout: float = 30.0) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if needle in path.read_bytes():
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.002)
    raise TimeoutError(f"{path} never showed {needle!r}")


def measure(server: Server, runs: int, source: Path, page: Path, edit: str) -> tuple[list[float], list[float]]:
    saves: list[float] = []
    works: list[float] = []
    original = source.read_text(encoding="utf-8")
    for run in range(runs):
        marker = f"Repère{run}x{time.time_ns() % 100000}"
        text = original.replace("Voir *aussi*", f"Voir *{marker}*") if edit == "note" else original + f"\n{marker}.\n"
        since = len(server.lines)
        started = time.perf_counter()
        source.write_text(text, encoding="utf-8")
        done = wait_for(page, marker.encode())
        saves.append((done - started) * 1000)
        deadline = time.monotonic() + 10
        while not server.rebuild_times(since) and time.monotonic() < deadline:
            time.sleep(0.005)
        works.extend(server.rebuild_times(since)[:1])
        time.sleep(0.3)  # let the editor's burst end: each run is one save
    source.write_text(original, encoding="utf-8")
    time.sleep(0.5)
    return works, saves


PASSAGE = """() => {
  // the first run of plain text of a paragraph (no note, link or emphasis), its first words
  const text = document.querySelector('article .text');
  for (const p of text.querySelectorAll('.block > p')) {
    for (const node of p.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || node.data.trim().length < 60) continue;
      const start = node.data.search(/\\S/);
      const end = node.data.lastIndexOf(' ', start + 45);
      node.parentElement.scrollIntoView({block: 'center'});
      const range = document.createRange();
      range.setStart(node, start); range.setEnd(node, start + 1);
      const a = range.getBoundingClientRect();
      range.setStart(node, end - 1); range.setEnd(node, end);
      const b = range.getBoundingClientRect();
      return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
    }
  }
  return null;
}"""
CONNECTED = "document.addEventListener('LiveReloadConnect', () => { window.__liveReloadConnected = true; });"


@dataclass
class Saves:
    """Figures of saves from the workbench's form (ms)."""

    answers: list[float] = field(default_factory=list)  # submit → the server's answer
    visible: list[float] = field(default_factory=list)  # submit → the note on the reloaded page
    steps: list[tuple[float, ...]] = field(default_factory=list)  # → page on disk, → reload asked, rebuild work

    def print(self, what: str) -> None:
        print(f"workbench, {what}, save to the server's answer (ms):  {spread(self.answers)}")
        for position, step in enumerate(("save to the page on disk", "save to the reload asked", "rebuild work")):
            values = [run[position] for run in self.steps if len(run) > position]
            print(f"workbench, {what}, {step} (ms):{' ' * (25 - len(step))}{spread(values)}")
        print(f"workbench, {what}, save to the note on the page (ms): {spread(self.visible)}")
        each = ", ".join("/".join(f"{x:.0f}" for x in step) for step in self.steps)
        print(f"  each run, to page on disk / to reload asked / rebuild work (ms): {each}")


class Bench:
    """Chromium on an article page of the preview, saving notes from the workbench's form."""

    def __init__(self, server: Server, root: Path, slug: str, page: Any) -> None:
        self.server, self.root, self.page = server, root, page
        self.url = f"http://127.0.0.1:{server.port}/articles/{slug}/"
        self.served = root / ".dossier-cache" / "serve" / "articles" / slug / "index.html"
        self.navigations: list[float] = []  # when the page asks for its next load
        page.add_init_script(CONNECTED)
        page.on(
            "request", lambda r: self.navigations.append(time.perf_counter()) if r.is_navigation_request() else None
        )

    def open(self) -> None:
        self.page.goto(self.url)
        self.page.wait_for_selector("html[data-workbench=ready]")
        self.page.wait_for_function("() => window.__liveReloadConnected === true")

    def save(self, action: str, marker: str, saves: Saves) -> dict[str, Any]:
        page = self.page
        before = len(self.server.lines)
        with page.expect_response(lambda r: r.url.endswith(f"/workbench/{action}")) as answered:
            started = time.perf_counter()
            page.get_by_role("dialog").get_by_role("button", name="Enregistrer").click()
        saves.answers.append((time.perf_counter() - started) * 1000)
        answer: dict[str, Any] = answered.value.json()
        on_disk = wait_for(self.served, marker.encode())
        page.locator(".notes .note", has_text=marker).wait_for(timeout=30_000)
        saves.visible.append((time.perf_counter() - started) * 1000)
        reload = next((t for t in self.navigations if t > started), started)
        saves.steps.append(
            ((on_disk - started) * 1000, (reload - started) * 1000, *self.server.rebuild_times(before)[:1])
        )
        return answer

    def new_note(self, run: int, saves: Saves) -> None:
        page = self.page
        self.open()
        box = page.evaluate(PASSAGE)
        page.mouse.move(box[0], box[1])
        page.mouse.down()
        page.mouse.move(box[2], box[3], steps=5)
        page.mouse.up()
        page.get_by_role("button", name="Annoter").click()
        page.wait_for_function("() => document.querySelector('dialog input').value !== ''")
        marker = f"Repère{run}x{time.time_ns() % 100000}"
        page.get_by_role("dialog").get_by_label("Texte de la note (Markdown)").fill(f"Une note, {marker}.")
        path = self.save("create", marker, saves)["path"]
        since = len(self.server.lines)
        (self.root / path).unlink()  # the next run annotates the same passage
        deadline = time.monotonic() + 30
        while not self.server.rebuild_times(since) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)

    def edit_note(self, run: int, saves: Saves) -> None:
        page = self.page
        self.open()
        page.get_by_role("button", name="Modifier la note 1", exact=True).click()
        marker = f"Repère{run}x{time.time_ns() % 100000}"
        page.get_by_role("dialog").get_by_label("Texte de la note (Markdown)").fill(f"Une note modifiée, {marker}.")
        self.save("edit", marker, saves)
        time.sleep(0.3)


def measure_workbench(server: Server, root: Path, slug: str, runs: int) -> tuple[Saves, Saves]:
    """Notes written, then notes edited, from the workbench's form, ``runs`` times each."""
    from playwright.sync_api import sync_playwright

    written, edited = Saves(), Saves()
    note = root / "content" / "annotations" / f"{slug}-0.md"
    original = note.read_bytes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            bench = Bench(server, root, slug, browser.new_page(viewport={"width": 1280, "height": 900}))
            for run in range(runs):
                bench.new_note(run, written)
            for run in range(runs):
                bench.edit_note(run, edited)
        finally:
            browser.close()
            note.write_bytes(original)
    return written, edited


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--notes-per-article", type=int, default=4)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tree", type=Path, help="a generated dossier to reuse (made if missing)")
    parser.add_argument("--workbench", action="store_true", help="measure saving a note from the preview only")
    args = parser.parse_args(argv)
    root = args.tree or Path(tempfile.mkdtemp(prefix="dossier-bench-")) / "dossier"
    if not (root / "site.yml").exists():
        started = time.perf_counter()
        generate(root, args.articles, args.notes_per_article, args.events)
        print(f"generated {root} in {time.perf_counter() - started:.1f} s", flush=True)
    files = sum(1 for _ in (root / "content").rglob("*.md"))
    print(f"tree: {files} content files ({args.articles} articles, {args.notes_per_article}/article notes,"
          f" {args.events} events, 60 topics)", flush=True)  # fmt: skip

    started = time.perf_counter()
    server = Server(root)
    if not server.ready.wait(timeout=1800):
        print("\n".join(server.lines[-20:]))
        server.stop()
        return 1
    print(f"first build and start: {time.perf_counter() - started:.1f} s ({server.lines[0]})", flush=True)
    time.sleep(2)
    rest = rss_mb(server.process.pid)
    served = root / ".dossier-cache" / "serve"
    slug = "article-00042"
    page = served / "articles" / slug / "index.html"
    if args.workbench:
        try:
            written, edited = measure_workbench(server, root, slug, args.runs)
        finally:
            server.stop()
        print()
        written.print("a new note")
        edited.print("a note edited")
        return 0
    try:
        note = root / "content" / "annotations" / f"{slug}-0.md"
        note_work, note_save = measure(server, args.runs, note, page, "note")
        article = root / "content" / "articles" / f"{slug}.md"
        article_work, article_save = measure(server, args.runs, article, page, "article")
        time.sleep(2)
        after = rss_mb(server.process.pid)
    finally:
        server.stop()
    print()
    print(f"rebuild work, one annotation saved (ms): {spread(note_work)}")
    print(f"rebuild work, one article saved (ms):    {spread(article_work)}")
    print(f"save to disk, annotation (ms):           {spread(note_save)}")
    print(f"save to disk, article (ms):              {spread(article_save)}")
    print(f"server memory at rest: {rest:.0f} MB after the first build, {after:.0f} MB after {2 * args.runs} rebuilds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
