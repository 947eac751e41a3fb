"""The build's memory saved as a base and a journal of small changes.

Writing the whole memory of a large dossier takes seconds; after a small edit, only what
changed is written: the entries of the builder's caches that are not the very objects the
base (plus the journal so far) gave, and the inputs of the pages rendered again. Reading
applies the journal's segments, in order, onto the base. Past a size, the next save writes a
new base and drops the journal.

Applying a journal gives caches whose entries are equal to the ones the builder had (some
objects that were one are now equal copies); every cache checks identity first and equality
after, or works again, so nothing can come out different, only a little slower.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dossier.engine import Memory

MAX_SEGMENTS = 40
MAX_SHARE = 0.03  # a journal segment larger than this share of the pages or files: write a new base


@dataclass(frozen=True)
class Changes:
    """One build's changes to the memory (None: the entry is gone)."""

    files: dict[str, Any]
    converted: dict[str, Any]
    resolved: dict[str, Any]
    anchored: dict[str, Any]
    notes: dict[str, Any]
    inputs: dict[str, Any]
    seeds: dict[str, Any]
    key: tuple[object, ...]
    labels: tuple[tuple[str, str], ...]
    footnote: str  # the back-link title the conversions were made with (see LinkCache.use_footnote)

    def size(self) -> int:
        return sum(map(len, (self.files, self.converted, self.resolved, self.anchored, self.notes, self.inputs)))


@dataclass(frozen=True)
class Snapshot:
    """The memory's entries as read (references, so that their identity means something)."""

    files: dict[str, Any]
    converted: dict[str, Any]
    resolved: dict[str, Any]
    anchored: dict[str, Any]
    notes: dict[str, Any]
    inputs: dict[str, Any]

    @classmethod
    def of(cls, memory: Memory) -> Snapshot:
        link = memory.link
        return cls(
            dict(memory.files.files),
            dict(link.converted),
            dict(link.resolved),
            dict(link.anchored),
            dict(memory.index.notes),
            dict(memory.inputs),
        )


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {key: value for key, value in new.items() if old.get(key) is not value}
    changed.update((key, None) for key in old.keys() - new.keys())
    return changed


def changes(snapshot: Snapshot, memory: Memory, rendered: set[str]) -> Changes:
    """What ``memory`` has that ``snapshot`` had not; of page inputs, those of ``rendered`` pages."""
    link = memory.link
    inputs: dict[str, Any] = {path: memory.inputs[path] for path in rendered if path in memory.inputs}
    inputs.update((path, None) for path in snapshot.inputs.keys() - memory.inputs.keys())
    return Changes(
        _diff(snapshot.files, memory.files.files),
        _diff(snapshot.converted, link.converted),
        _diff(snapshot.resolved, link.resolved),
        _diff(snapshot.anchored, link.anchored),
        _diff(snapshot.notes, memory.index.notes),
        inputs,
        dict(memory.files.seeds),
        memory.key,
        link.labels,
        link.footnote,
    )


def _apply(target: dict[str, Any], changed: Mapping[str, Any]) -> None:
    for key, value in changed.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def apply(memory: Memory, segments: Sequence[Changes]) -> Memory:
    """``memory`` with the segments applied in order (its dictionaries are changed in place)."""
    from dossier.engine import Memory

    if not segments:
        return memory
    files, link = memory.files, memory.link
    link.converted, link.resolved = dict(link.converted), dict(link.resolved)
    link.anchored = dict(link.anchored)
    memory.index.notes = dict(memory.index.notes)
    inputs = dict(memory.inputs)
    for segment in segments:
        _apply(files.files, segment.files)
        files.seeds = dict(segment.seeds)
        _apply(link.converted, segment.converted)
        _apply(link.resolved, segment.resolved)
        _apply(link.anchored, segment.anchored)
        _apply(memory.index.notes, segment.notes)
        _apply(inputs, segment.inputs)
    files.reset()
    last = segments[-1]
    link.labels, link.footnote = last.labels, last.footnote
    link.ordered, link.entries = ([], ()), ((), ())  # worked out again from the records
    return Memory(files, link, memory.index, last.key, inputs)


def small(segment: Changes, memory: Memory, segments: int) -> bool:
    """Whether one more journal segment is worth it, rather than a new base."""
    scale = max(len(memory.inputs), len(memory.files.files), 1)
    return segments < MAX_SEGMENTS and segment.size() <= MAX_SHARE * scale
