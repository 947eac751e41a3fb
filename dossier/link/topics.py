"""The topic vocabulary: references checked against it, and the topic → content index."""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dossier.errors import Diagnostic, Location
from dossier.model import Topic
from dossier.project import CONTENT, TOPICS
from dossier.text.didyoumean import closest, did_you_mean_one_of
from dossier.text.slugs import slugify

_FOLDER = f"{CONTENT}/{TOPICS}/"


@dataclass(frozen=True)
class Vocabulary:
    """Declared topics by slug; a reference may be the slug or the exact label."""

    topics: Mapping[str, Topic]
    failed: frozenset[str] = frozenset()
    """the slugs of topic files that gave no topic (their own errors say why): a reference to one
    is not said unknown too"""

    @classmethod
    def of(cls, topics: Sequence[Topic], unreadable: Iterable[str] = ()) -> Vocabulary:
        """The vocabulary of ``topics``; ``unreadable``: the content files that gave no record."""
        failed = frozenset(
            posixpath.splitext(posixpath.basename(path))[0] for path in unreadable if path.startswith(_FOLDER)
        )
        return cls({t.slug: t for t in sorted(topics, key=lambda t: t.slug)}, failed - {t.slug for t in topics})

    def clashes(self) -> list[Diagnostic]:
        """Two topics with one label: an error at the label of each but the first (by file path),
        since a reference by label could not say which it means."""
        first: dict[str, Topic] = {}
        problems: list[Diagnostic] = []
        for topic in sorted(self.topics.values(), key=lambda t: t.origin.path):
            other = first.setdefault(unicodedata.normalize("NFC", topic.label), topic)  # é typed either way
            if other is not topic:
                message = f"two topics with the label '{topic.label}': this file and {other.origin.path}"
                problems.append(Diagnostic(topic.origin.at("label"), message, "give each topic its own label"))
            owner = self.topics.get(topic.label)
            if owner is not None and owner is not topic:  # a reference by this label would mean the other
                message = f"the label '{topic.label}' is the slug of the topic {owner.origin.path}"
                problems.append(Diagnostic(topic.origin.at("label"), message, "give this topic another label"))
        return problems

    def resolve(self, reference: str) -> str | None:
        if reference in self.topics:
            return reference
        for topic in self.topics.values():
            if reference == topic.label:
                return topic.slug
        return None

    def suggest(self, reference: str) -> str:
        """Every declared topic as close as the closest to ``reference``, by slug or label."""
        key = slugify(reference) or reference
        if key in self.topics:
            return f"did you mean '{key}'?"
        names: dict[str, str] = {}  # a slug or a label → its topic's slug
        for topic in self.topics.values():
            names.setdefault(topic.slug, topic.slug)
            names.setdefault(topic.label, topic.slug)
        close = closest(key, names) or closest(reference, names)
        if close:
            return did_you_mean_one_of(list(dict.fromkeys(names[name] for name in close)))
        if not self.topics:
            return "declare it in content/topics/"
        return "declared topics: " + ", ".join(self.topics) + "; or declare it in content/topics/"

    def renamed(self, reference: str) -> Topic | None:
        """The topic that had the slug ``reference`` (``/topics/<reference>/`` in its aliases), if none has it now."""
        if reference in self.topics:
            return None
        former = f"/topics/{reference}/"
        return next((t for t in self.topics.values() if former in t.aliases), None)

    def unknown(self, reference: str, where: Location) -> Diagnostic:
        """The error for ``reference``, which no topic has: a former slug is said renamed, never
        followed silently (the reference is to be updated); anything else gets the closest topics."""
        now = self.renamed(reference)
        if now is not None:
            hint = f"write '{now.slug}': {now.origin.path} lists /topics/{reference}/ in its aliases"
            return Diagnostic(where, f"topic '{reference}' was renamed '{now.slug}'", hint)
        return Diagnostic(where, f"unknown topic '{reference}'", self.suggest(reference))

    def check(self, references: Sequence[str], where: Location) -> tuple[tuple[str, ...], list[Diagnostic]]:
        """References → slugs (in order, without repeats), unknown ones as errors at ``where``."""
        slugs: list[str] = []
        problems: list[Diagnostic] = []
        for reference in references:
            slug = self.resolve(reference)
            if slug is None:
                if reference not in self.failed:  # a topic whose file has errors of its own: not said twice
                    problems.append(self.unknown(reference, where))
            elif slug not in slugs:
                slugs.append(slug)
        return tuple(slugs), problems
