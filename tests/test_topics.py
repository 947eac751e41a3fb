from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Run

from dossier.errors import Location
from dossier.link.topics import Vocabulary
from dossier.model import Origin, Topic, frozen_map

VOCABULARY = Vocabulary.of(
    [Topic("irak", "Irak", "", Origin("t/irak.md")), Topic("etats-unis", "États-Unis", "", Origin("t/eu.md"))]
)
WHERE = Location("a.md", 4)


def test_slugs_and_labels_resolve() -> None:
    slugs, problems = VOCABULARY.check(["irak", "États-Unis", "irak"], WHERE)
    assert slugs == ("irak", "etats-unis")
    assert problems == []


def test_unknown_topics_get_a_hint() -> None:
    _, problems = VOCABULARY.check(["Iraq", "Etats-Unis", "Irak ", "climat"], WHERE)
    assert [(p.message, p.hint) for p in problems] == [
        ("unknown topic 'Iraq'", "did you mean 'irak'?"),
        ("unknown topic 'Etats-Unis'", "did you mean 'etats-unis'?"),
        ("unknown topic 'Irak '", "did you mean 'irak'?"),
        ("unknown topic 'climat'", "declared topics: etats-unis, irak; or declare it in content/topics/"),
    ]
    assert all(p.location == WHERE for p in problems)


def test_a_former_slug_of_a_topic_is_said_renamed_never_followed() -> None:
    """``rename topic irak iraq`` leaves /topics/irak/ in the topic's aliases: a reference still
    naming 'irak' is an error saying what to write (as a note naming an article's former slug)."""
    iraq = Topic("iraq", "Irak", "", Origin("content/topics/iraq.md"), aliases=("/topics/irak/",))
    vocabulary = Vocabulary.of([iraq, Topic("iran", "Iran", "", Origin("content/topics/iran.md"))])
    slugs, problems = vocabulary.check(["irak", "Irak", "irac"], WHERE)
    assert slugs == ("iraq",)  # by its label, which did not change
    assert [p.format() for p in problems] == [
        "a.md:4: error: topic 'irak' was renamed 'iraq'"
        " (hint: write 'iraq': content/topics/iraq.md lists /topics/irak/ in its aliases)",
        "a.md:4: error: unknown topic 'irac' (hint: did you mean 'iran' or 'iraq'?)",
    ]


def test_every_equally_close_topic_is_offered() -> None:
    vocabulary = Vocabulary.of(
        [Topic(slug, label, "", Origin(f"t/{slug}.md")) for slug, label in [("iran", "Iran"), ("irak", "Irak")]]
    )
    _, problems = vocabulary.check(["irac", "Iraq", "IRAN"], WHERE)
    assert [p.hint for p in problems] == [
        "did you mean 'irak' or 'iran'?",
        "did you mean 'irak' or 'iran'?",
        "did you mean 'iran'?",
    ]


def test_two_topics_with_one_label_is_an_error_at_the_second() -> None:
    lines = (("label",), (2,))
    vocabulary = Vocabulary.of(
        [
            Topic("irak", "Irak", "", Origin("content/topics/irak.md", lines)),
            Topic("iraq", "Irak", "", Origin("content/topics/iraq.md", lines)),
            Topic("iran", "Iran", "", Origin("content/topics/iran.md", lines)),
        ]
    )
    assert [d.format() for d in vocabulary.clashes()] == [
        "content/topics/iraq.md:2: error: two topics with the label 'Irak': this file and content/topics/irak.md"
        " (hint: give each topic its own label)"
    ]
    assert VOCABULARY.clashes() == []


def test_labels_that_look_alike_or_name_another_topic_clash() -> None:
    def topic(slug: str, label: str) -> Topic:
        return Topic(
            slug=slug, label=label, body="", origin=Origin(f"content/topics/{slug}.md", frozen_map({"label": 2}), 4)
        )

    composed, decomposed = "\u00cdrak", "I\u0301rak"
    found = Vocabulary.of([topic("a", composed), topic("b", decomposed), topic("c", "a")]).clashes()
    assert [d.format() for d in found] == [
        "content/topics/b.md:2: error: two topics with the label 'I\u0301rak': this file and content/topics/a.md"
        " (hint: give each topic its own label)",
        "content/topics/c.md:2: error: the label 'a' is the slug of the topic content/topics/a.md"
        " (hint: give this topic another label)",
    ]


def test_a_reference_to_a_topic_whose_file_gave_no_topic_is_not_said_unknown_too() -> None:
    """The file's own error (invalid YAML, say) is said; each article listing the topic is not."""
    vocabulary = Vocabulary.of([], ["content/topics/iran.md", "content/articles/iran.md"])
    slugs, problems = vocabulary.check(["iran", "irak"], Location("content/articles/a.md", 4))
    assert slugs == ()
    assert [p.message for p in problems] == ["unknown topic 'irak'"]


def test_a_topic_file_with_an_error_is_said_once_not_at_every_use(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"content/topics/irak.md": "---\nlabel: \"Irak\n---\nL'Irak.\n"})  # un-closed quote
    errors = run("check", "--root", root).errors
    assert len(errors) == 1 and errors[0].startswith("content/topics/irak.md:"), errors
