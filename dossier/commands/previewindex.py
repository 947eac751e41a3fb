"""The preview's search index: made in the background, after the page reload, from what each build changed.

``serve`` writes its pages and reloads the open ones at once; the search index follows in a
thread of its own: only the shards whose pages were written or removed are indexed again
(:mod:`dossier.publish.shards`), all of them when the number of shards changed. Until it is
done, the manifest says that the index is stale (``"stale": true`` in ``pagefind/shards.json``),
marked before the pages reload: the search page says that its results may lag the pages, and
reloads once the index has caught up. A save made while it indexes is indexed next.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from dossier.errors import DossierError
from dossier.publish import search, shards


class PreviewIndex:
    def __init__(self, site: Path, log: Callable[[str], None]) -> None:
        """``site``: the served folder; ``log``: told when an index fails (the next save tries again)."""
        self.site = site
        self.folder = site / search.FOLDER
        self.log = log
        self.lock = threading.Lock()  # pending, pages, and the manifest's writes
        self.pending: set[str] = set()  # the shards to index again
        self.pages: list[str] = []  # the site's HTML pages, as the last build left them
        self.count = 0  # the number of shards of the pages as marked (0: none yet)
        self.wake = threading.Event()
        self.stopped = False
        self.made = 0  # indexes made (for tests)
        self.thread: threading.Thread | None = None

    def changed(self, paths: Iterable[str], touched: Iterable[str]) -> None:
        """After a build, before the pages reload: ``paths``, every file of the site; ``touched``, the
        files the build wrote or removed. Their shards are marked to index again, and the index stale."""
        pages = shards.html(paths)
        count = shards.count_for(len(pages))
        with self.lock:
            self.pages = pages
            if count != self.count:  # every shard is new: all of them to make
                self.count = count
                self.pending = set(shards.group(pages, count))
            else:
                self.pending |= {shards.shard_of(page, count) for page in shards.html(touched)}
            if self.pending:
                search.mark_stale(self.folder)

    def start(self) -> None:
        """Index what is pending, in the background (after the pages were told to reload)."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, name="dossier-search", daemon=True)
            self.thread.start()
        self.wake.set()

    def stop(self) -> None:
        self.stopped = True
        self.wake.set()

    def _loop(self) -> None:
        while not self.stopped:
            self.wake.wait()
            self.wake.clear()
            while not self.stopped and self._once():
                pass

    def _once(self) -> bool:
        """Index the shards pending now; whether there were any."""
        with self.lock:
            todo, self.pending = self.pending, set()
            pages = list(self.pages)
        if not todo:
            return False
        try:
            search.index(self.site, todo, pages, manifest=False)
        except (DossierError, OSError) as exc:  # a page removed meanwhile, say: a later save indexes again
            with self.lock:
                self.pending |= todo
            if not self.stopped:
                self.log(f"warning: the preview's search index was not updated: {exc}")
            return False
        with self.lock:
            search.write_manifest(self.folder, self.count, stale=bool(self.pending))
            self.made += 1  # after the manifest: an index counted made is one the search page can read
        return True
