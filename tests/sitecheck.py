"""Helpers that read a built site: its pages, their links and their ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class PageLinks:
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src") and not (tag == "link" and ("rel", "canonical") in attrs):
                self.page.links.append(value)
            if name == "id":
                self.page.ids.add(value)


def read(path: Path) -> PageLinks:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.page


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def resolve(out: Path, base_path: str, url: str) -> Path | None:
    """The file of ``out`` an internal URL points to (None when it escapes ``base_path``)."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path) :]
    target = out / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def broken_links(out: Path, base_path: str, host: str = "https://example.org") -> list[str]:
    """Every internal link of every page of ``out`` (served under ``base_path`` at ``host``)
    that finds no file, or no element with its fragment's id, as ``page: link``."""
    broken: list[str] = []
    for page in pages(out):
        for link in read(page).links:
            if link.startswith(("https://", "http://", "mailto:")) and not link.startswith(host + "/"):
                continue
            link = link.removeprefix(host)
            if link.startswith("#"):
                link = base_path + page.relative_to(out).as_posix() + link
            target = resolve(out, base_path, link)
            where = page.relative_to(out)
            if target is None or not target.is_file():
                broken.append(f"{where}: {link}")
            elif "#" in link and target.suffix == ".html":
                fragment = link.split("#", 1)[1]
                if fragment not in read(target).ids:
                    broken.append(f"{where}: {link} (no id '{fragment}')")
    return broken
