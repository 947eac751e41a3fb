"""An article renamed by hand (its file moved): found by the passages its notes quote."""

from __future__ import annotations

from dossier.link import moved
from dossier.model import Annotation, Article, Origin, PartialDate


def article(path: str, body: str, slug: str = "") -> Article:
    name = path.rsplit("/", 1)[1].removesuffix(".md")
    return Article(slug or name, "T", PartialDate(2024), body, Origin(path))


def note(on: str, quote: str, name: str = "n") -> Annotation:
    return Annotation(name, on, quote, "contexte", "Note.", Origin(f"content/annotations/{name}.md"))


MOVED = article(
    "content/articles/b.md", "Bagdad a dit \u00ab\u202fnon\u202f\u00bb en janvier.\n\nPuis l\u2019hiver passa."
)
OTHER = article("content/articles/c.md", "Rien de tout cela.")


def test_the_one_article_named_by_no_note_that_holds_the_quotes_is_found() -> None:
    notes = [note("a", "en janvier"), note("a", "l'hiver passa", "m")]  # typed as an editor types it
    assert moved.MovedArticles([OTHER, MOVED], notes).find("a") is MOVED
    hint = moved.moved_hint("a", MOVED)
    assert hint.startswith("content/articles/b.md, which no note names, holds the passages quoted by the notes on 'a'")
    assert "move it back to content/articles/a.md and run `dossier rename article a b`" in hint


def test_no_guess_when_nothing_or_more_than_one_article_could_be_it() -> None:
    notes = [note("a", "en janvier")]
    assert moved.MovedArticles([OTHER], notes).find("a") is None  # the quote is nowhere
    twin = article("content/articles/d.md", MOVED.body)
    assert moved.MovedArticles([MOVED, twin], notes).find("a") is None  # two could be: neither is said
    assert moved.MovedArticles([MOVED], notes).find("x") is None  # no note names 'x': nothing to go by


def test_the_article_holding_the_most_quotes_is_the_one() -> None:
    notes = [note("a", "en janvier"), note("a", "l'hiver passa", "m")]
    partly = article("content/articles/d.md", "Elle commence en janvier.")
    assert moved.MovedArticles([partly, MOVED], notes).find("a") is MOVED


def test_an_article_that_a_note_names_or_named_by_its_slug_line_is_not_it() -> None:
    notes = [note("a", "en janvier"), note("b", "Puis", "m")]
    assert moved.MovedArticles([MOVED], notes).find("a") is None  # its own notes name it: it was not moved
    kept = article("content/articles/b.md", MOVED.body, slug="autre")  # slug: line: moving the file changes nothing
    assert moved.MovedArticles([kept], [note("a", "en janvier")]).find("a") is None
