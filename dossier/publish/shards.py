"""The search index in shards: which shard a page goes in, and the manifest the search page reads.

A site of many pages is indexed in several Pagefind bundles, ``pagefind/<shard>/``, so that
a build re-indexes only the shards whose pages changed; the search page merges them
(Pagefind's ``mergeIndex``). A page's shard depends on its path alone (a stable hash), and
the number of shards on the number of pages alone (a power of two, about
:data:`PAGES_PER_SHARD` pages each): the same site always gets the same shards, whichever
builds led to it. ``pagefind/shards.json`` lists, for each language Pagefind found, the
shards holding pages in it, sorted: the search page starts one Pagefind instance per
language on the first of its shards and merges the others into it (a merged index is
searched with its instance's stemming, so only shards of one language are merged together).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

PAGES_PER_SHARD = 100  # pages a shard (100 to 200): one edit indexes its shard again in a few tenths of a second
MOST = 64  # shards; the search page fetches two small files per shard as it starts
MANIFEST = "shards.json"
_NAME = re.compile(r"(\d{2,})-of-(\d{2,})")


def count_for(pages: int) -> int:
    """How many shards a site of ``pages`` HTML pages has: the largest power of two with at least
    :data:`PAGES_PER_SHARD` pages a shard, at most :data:`MOST` (one for a small site)."""
    count = 1
    while count * 2 <= MOST and count * 2 * PAGES_PER_SHARD <= pages:
        count *= 2
    return count


def name(number: int, count: int) -> str:
    """The folder of shard ``number`` of ``count`` (``03-of-16``): shards of another count never share a name."""
    return f"{number:02d}-of-{count:02d}"


def is_shard(folder: str) -> bool:
    """Whether ``folder`` (a name in ``pagefind/``) is the name of a shard."""
    return _NAME.fullmatch(folder) is not None


def shard_of(page: str, count: int) -> str:
    """The shard of the page at ``page`` (its path in the site, ``articles/x/index.html``)."""
    digest = hashlib.blake2b(page.encode("utf-8"), digest_size=8).digest()
    return name(int.from_bytes(digest, "big") % count, count)


def group(pages: Iterable[str], count: int | None = None) -> dict[str, list[str]]:
    """The HTML pages of a site (paths in it) by shard, each list sorted; ``count``: by default
    :func:`count_for` the number of pages."""
    found = sorted(set(pages))
    count = count_for(len(found)) if count is None else count
    shards: dict[str, list[str]] = {}
    for page in found:
        shards.setdefault(shard_of(page, count), []).append(page)
    return shards


def html(paths: Iterable[str]) -> list[str]:
    """The HTML pages among a site's file paths, as Pagefind would find them (``**/*.html``), sorted."""
    return sorted(p for p in paths if p.endswith(".html"))


def changed(count: int, pages: Iterable[str], present: Iterable[str]) -> set[str]:
    """The shards to index again: those of ``pages`` (added, removed or changed since the index
    was made) and those of ``count`` not ``present`` as they were made (folder names)."""
    ours = {shard_of(page, count) for page in pages}
    gone = {name(number, count) for number in range(count)} - set(present)
    return ours | gone


def manifest(folder: Path, count: int, stale: bool = False) -> bytes:
    """The manifest of the shards in ``folder`` (the index's folder): each language, with the
    shards that hold pages in it, sorted, and the shards of ``count`` that have no page to index
    (``empty``: the next build knows them as made); ``stale``: the preview is indexing its latest pages."""
    languages: dict[str, list[str]] = {}
    shards = sorted(entry.name for entry in os.scandir(folder) if entry.is_dir() and is_shard(entry.name))
    for shard in shards:
        entry = json.loads((folder / shard / "pagefind-entry.json").read_text("utf-8"))
        for language in sorted(entry.get("languages", {})):
            languages.setdefault(language, []).append(shard)
    empty = sorted({name(number, count) for number in range(count)} - set(shards))
    return dump(languages, empty, stale)


def dump(languages: Mapping[str, list[str]], empty: list[str], stale: bool = False) -> bytes:
    """The manifest's bytes: each language with its shards, and the shards without pages."""
    data: dict[str, object] = {"languages": dict(sorted(languages.items())), "empty": empty}
    if stale:
        data["stale"] = True
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def empty_in(manifest: bytes) -> set[str]:
    """The shards a manifest says have no page to index (none if it cannot be read)."""
    try:
        data = json.loads(manifest)
    except ValueError:
        return set()
    listed = data.get("empty", []) if isinstance(data, dict) else []
    return {shard for shard in listed if isinstance(shard, str) and is_shard(shard)}
