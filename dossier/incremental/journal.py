"""The build's memo saved as a base and a journal of small changes.

Writing the whole memo of a large dossier takes seconds; after a small edit, only what
changed is written: the entries of the memo's tables that are not the very objects the
base (plus the journal so far) gave, and the inputs of the pages rendered again. Reading
applies the journal's segments, in order, onto the base. Past a size, the next save writes a
new base and drops the journal.

Applying a journal gives tables whose entries are equal to the ones the engine had (some
objects that were one are now equal copies); every gate checks identity first and equality
after, or works again, so nothing can come out different, only a little slower.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Sized
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the memo's classes load with the memo (a build with nothing to do loads neither)
    from dossier.incremental.memo import IndexedNotes, Memo
    from dossier.link.site import AnchoredEntry, ResolvedRecord
    from dossier.source.loader import KnownFile, KnownSeed
    from dossier.source.markup import Converted


MAX_SEGMENTS = 40
MAX_SHARE = 0.03  # a journal segment larger than this share of the pages or files: write a new base


@dataclass(frozen=True)
class Changes:
    """One build's changes to the memo (None: the entry is gone)."""

    files: dict[str, KnownFile | None]  # content file path → what it gave
    converted: dict[str, Converted | None]  # Markdown text → sanitized HTML
    resolved: dict[str, ResolvedRecord | None]  # file path → its record resolved
    anchored: dict[str, AnchoredEntry | None]  # article slug → its anchoring
    notes: dict[str, IndexedNotes | None]  # article slug → its notes as listed
    inputs: dict[str, tuple[object, ...] | None]  # page path → its inputs when rendered
    seeds: dict[str, KnownSeed]  # seed path → what it gave (whole: seeds are few)
    key: tuple[object, ...]
    labels: tuple[tuple[str, str], ...]
    footnote: str  # the back-link title the conversions were made with (see memo.LinkGate)

    def size(self) -> int:
        tables: tuple[Sized, ...] = (self.files, self.converted, self.resolved, self.anchored, self.notes, self.inputs)
        return sum(len(table) for table in tables)


@dataclass(frozen=True)
class Snapshot:
    """The memo's entries as read (references, so that their identity means something)."""

    files: dict[str, KnownFile]
    converted: dict[str, Converted]
    resolved: dict[str, ResolvedRecord]
    anchored: dict[str, AnchoredEntry]
    notes: dict[str, IndexedNotes]
    inputs: dict[str, tuple[object, ...]]

    @classmethod
    def of(cls, memo: Memo) -> Snapshot:
        link = memo.link
        return cls(
            dict(memo.files.files),
            dict(link.converted),
            dict(link.resolved),
            dict(link.anchored),
            dict(memo.index.notes),
            dict(memo.inputs),
        )


V = TypeVar("V")


def _diff(old: Mapping[str, V], new: Mapping[str, V]) -> dict[str, V | None]:
    changed: dict[str, V | None] = {key: value for key, value in new.items() if old.get(key) is not value}
    changed.update((key, None) for key in old.keys() - new.keys())
    return changed


def changes(snapshot: Snapshot, memo: Memo, rendered: set[str]) -> Changes:
    """What ``memo`` has that ``snapshot`` had not; of page inputs, those of ``rendered`` pages."""
    link = memo.link
    inputs: dict[str, tuple[object, ...] | None] = {path: memo.inputs[path] for path in rendered if path in memo.inputs}
    inputs.update((path, None) for path in snapshot.inputs.keys() - memo.inputs.keys())
    return Changes(
        _diff(snapshot.files, memo.files.files),
        _diff(snapshot.converted, link.converted),
        _diff(snapshot.resolved, link.resolved),
        _diff(snapshot.anchored, link.anchored),
        _diff(snapshot.notes, memo.index.notes),
        inputs,
        dict(memo.files.seeds),
        memo.key,
        link.labels,
        link.footnote,
    )


def _apply(target: dict[str, V], changed: Mapping[str, V | None]) -> None:
    for key, value in changed.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def apply(memo: Memo, segments: Sequence[Changes]) -> Memo:
    """``memo`` with the segments applied in order (its file cache is changed in place)."""
    if not segments:
        return memo
    from dossier.incremental.memo import OrderedArticles, TimelineMade

    files, link, index = memo.files, memo.link, memo.index
    converted, resolved, anchored = dict(link.converted), dict(link.resolved), dict(link.anchored)
    notes = dict(index.notes)
    inputs = dict(memo.inputs)
    for segment in segments:
        _apply(files.files, segment.files)
        files.seeds = dict(segment.seeds)
        _apply(converted, segment.converted)
        _apply(resolved, segment.resolved)
        _apply(anchored, segment.anchored)
        _apply(notes, segment.notes)
        _apply(inputs, segment.inputs)
    files.reset()
    last = segments[-1]
    link = replace(  # the articles' order and the timeline are worked out again from the records
        link,
        converted=converted,
        resolved=resolved,
        anchored=anchored,
        labels=last.labels,
        footnote=last.footnote,
        ordered=OrderedArticles(),
        entries=TimelineMade(),
    )
    return replace(memo, link=link, index=replace(index, notes=notes), key=last.key, inputs=inputs)


def small(segment: Changes, memo: Memo, segments: int) -> bool:
    """Whether one more journal segment is worth it, rather than a new base."""
    scale = max(len(memo.inputs), len(memo.files.files), 1)
    return segments < MAX_SEGMENTS and segment.size() <= MAX_SHARE * scale
