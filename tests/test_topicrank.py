from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from dossier.commands import topicrank
from dossier.model import Keywords, Origin, Topic
from dossier.source import content, loader, seeds


def topic(slug: str, label: str, *keywords: str) -> Topic:
    return Topic(slug, label, "", Origin(f"content/topics/{slug}.md"), Keywords(keywords))


IRAK = topic("irak", "Irak", "Bagdad", "irakien", "irakiennes")
ETATS_UNIS = topic("etats-unis", "États-Unis", "Washington")
ELECTION = topic("election", "Élection présidentielle américaine", "Biden", "Trump")


def test_mentions_ignore_case_and_accents_and_need_whole_words() -> None:
    topics = [IRAK, ETATS_UNIS, topic("iran", "Iran", "Téhéran"), topic("syrie", "Syrie")]
    text = ["Les ETATS-UNIS et les forces irakiennes; TEHERAN observe. Bagdadi n'est pas Bagdad."]
    assert set(topicrank.rank(text, topics)) == {"etats-unis", "irak", "iran"}
    assert topicrank.rank(["des Irakiens, une Irakienne"], [IRAK]) == ()


def test_a_name_dropped_in_one_sentence_does_not_lead() -> None:
    paragraphs = [
        "Les discussions entre Bagdad et Washington pourraient attendre, selon Joe Biden.",
        "Le gouvernement irakien veut gagner du temps.",
        "Les forces irakiennes restent en alerte.",
    ]
    # the election and the United States, mentioned once (in the lead, which weighs more) come after
    # the topic that runs through the text; a one-off mention is still suggested
    assert topicrank.rank(paragraphs, [ELECTION, ETATS_UNIS, IRAK]) == ("irak", "etats-unis", "election")


def test_the_lead_weighs_more_than_the_rest() -> None:
    paragraphs = [
        "Bagdad et l'Irak attendent.",
        "Washington se tait.",
        "Washington et les États-Unis attendent.",
        "Pour Washington, rien ne presse.",
        "Bagdad insiste.",
    ]
    relevance = {t.slug: topicrank.relevance(paragraphs, t) for t in (IRAK, ETATS_UNIS)}
    assert relevance["irak"] == topicrank.Relevance("irak", 2 * topicrank.LEAD_WEIGHT + 1, 2, (0, 0))
    assert relevance["etats-unis"] == topicrank.Relevance("etats-unis", 4, 3, (1, 0))
    assert topicrank.rank(paragraphs, [ETATS_UNIS, IRAK]) == ("irak", "etats-unis")


def test_overlapping_words_of_a_topic_are_one_mention() -> None:
    coalition = topic("coalition", "Coalition internationale", "coalition", "coalition internationale contre l'EI")
    found = topicrank.relevance(["La coalition internationale contre l'EI. La coalition."], coalition)
    assert found is not None and found.score == 2 * topicrank.LEAD_WEIGHT


def test_the_shipped_seed_leads_with_what_runs_through_it(tmp_path: Path) -> None:
    records, problems = loader.load(REPO)
    assert problems == []
    seed, _ = seeds.read(REPO, "seeds/000_d2c93f48316b947f.txt")
    assert seed is not None
    paragraphs = [p.text for p in seed.paragraphs]
    ranked = topicrank.rank(paragraphs, records.topics)
    assert set(ranked[:3]) == {"irak", "etats-unis", "coalition-internationale"}
    # the election: one sentence of the lead; after every topic mentioned in two paragraphs or more
    election = ranked.index("election-presidentielle-americaine-2024")
    relevance = {t.slug: topicrank.relevance(paragraphs, t) for t in records.topics}
    assert all(r.paragraphs >= topicrank.MIN_PARAGRAPHS for s in ranked[:election] if (r := relevance[s]))
    assert relevance["election-presidentielle-americaine-2024"].paragraphs == 1  # type: ignore[union-attr]


def load_topic(tmp_path: Path, front: str) -> tuple[Topic | None, list[str]]:
    path = tmp_path / "content" / "topics" / "irak.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nlabel: Irak\n{front}\n---\nL'Irak.\n", encoding="utf-8")
    record, problems = content.load_file(tmp_path, content.KIND_BY_FOLDER["topics"], path)
    assert record is None or isinstance(record, Topic)
    return record, [p.format() for p in problems]


def test_keywords_per_language_let_an_english_dispatch_find_its_topic(tmp_path: Path) -> None:
    irak, problems = load_topic(tmp_path, "keywords: {fr: [Bagdad, irakien], en: [Iraq, Baghdad, Iraqi]}")
    assert problems == [] and irak is not None
    assert irak.keywords == Keywords((), (("fr", ("Bagdad", "irakien")), ("en", ("Iraq", "Baghdad", "Iraqi"))))
    assert irak.keywords.words("en") == ("Iraq", "Baghdad", "Iraqi")
    assert irak.keywords.words() == ("Bagdad", "irakien", "Iraq", "Baghdad", "Iraqi")
    dispatch = ["WASHINGTON (AP) — Talks with Iraq on the coalition resumed.", "Baghdad wants time."]
    assert topicrank.rank(dispatch, [irak, ETATS_UNIS]) == ("irak", "etats-unis")

    plain, problems = load_topic(tmp_path, "keywords: [Bagdad, Iraq]")  # a plain list: every language
    assert problems == [] and plain is not None and plain.keywords == Keywords(("Bagdad", "Iraq"))
    single, problems = load_topic(tmp_path, "keywords: {en: Iraq}")
    assert problems == [] and single is not None and single.keywords.words() == ("Iraq",)


@pytest.mark.parametrize(
    ("front", "error"),
    [
        ("keywords: {French: [Irak]}", "'keywords': 'French' is not a language code"),
        ("keywords: {fr: [Irak], fr: [Bagdad]}", "'keywords': language 'fr' is given twice"),
        ("keywords: {en: {a: b}}", "'keywords': expected a list, not a mapping"),
        ("keywords: {en: [[Iraq]]}", "'keywords': expected a list of single values"),
    ],
)
def test_bad_keywords_are_errors_at_their_line(tmp_path: Path, front: str, error: str) -> None:
    record, problems = load_topic(tmp_path, front)
    assert record is None
    assert any(p.startswith(f"content/topics/irak.md:3: error: {error}") for p in problems), problems
