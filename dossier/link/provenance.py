"""An article imported from a seed must still carry the seed's text, word for word, and its
earlier seeds (the dispatch's earlier versions) must still be the files it was updated from.

The comparison is made on the rendered text, paragraph by paragraph and whitespace-
normalized, so Markdown escapes (``\\*``) and line wrapping do not count; a changed word in
the article or in the seed does, and is reported at the first differing paragraph of each.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import zip_longest

from dossier import project
from dossier.errors import Diagnostic, Location
from dossier.link.htmltext import TextMap, block_texts, normalize_space
from dossier.model import Article
from dossier.source.seeds import Seed, paragraphs


def _difference(ours: str, theirs: str, words: int = 4) -> tuple[str, str]:
    a, b = ours.split(" "), theirs.split(" ")
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(first - words, 0)
    return " ".join(a[start : first + words]), " ".join(b[start : first + words])


def check(article: Article, textmap: TextMap, seed: Seed) -> list[Diagnostic]:
    problems = _changed_seed(article, seed)
    ours = [t for t in block_texts(textmap) if t]
    theirs = [normalize_space(p.text) for p in seed.paragraphs]
    source = paragraphs(article.body, first_line=article.origin.body_line)
    for index, (mine, original) in enumerate(zip_longest(ours, theirs)):
        if mine == original:
            continue
        line = source[min(index, len(source) - 1)].line if source else article.origin.body_line
        message, hint = _first_difference(index, mine, original, seed)
        problems.append(Diagnostic(Location(article.origin.path, line), message, hint))
        break
    return problems


def _changed_seed(article: Article, seed: Seed) -> list[Diagnostic]:
    """The warning for a seed whose bytes are no longer those the article was imported from."""
    if not article.seed_sha256 or article.seed_sha256 == seed.sha256:
        return []
    return [
        Diagnostic(
            article.origin.at("seed_sha256"),
            f"the seed {seed.path} has changed since it was imported (its SHA-256 differs)",
            f"check the change; then '{project.command()} import --update {seed.path}' replaces the text and"
            " seed_sha256 and keeps the article's other fields",
        )
    ]


def _first_difference(index: int, mine: str | None, original: str | None, seed: Seed) -> tuple[str, str]:
    """The message and hint for the first paragraph (at ``index``) where article and seed differ."""
    seed_line = seed.paragraphs[index].line if index < len(seed.paragraphs) else 0
    seed_at = Location(seed.path, seed_line)
    if mine is None:
        assert original is not None
        return (
            f"paragraph {index + 1} of the seed is missing from the article ({seed_at})",
            f'seed: "{_difference(original, "")[0]}"',
        )
    if original is None:
        return f"paragraph {index + 1} is not in the seed {seed.path}", f'article: "{_difference(mine, "")[0]}"'
    a, b = _difference(mine, original)
    return f"paragraph {index + 1} differs from its seed ({seed_at})", f'article: "{a}" / seed: "{b}"'


def check_earlier(article: Article, seeds: Mapping[str, Seed]) -> list[Diagnostic]:
    """The errors for the article's earlier seeds (``earlier_seeds``) that are its current seed,
    listed twice, or no longer the bytes recorded; a missing one is reported where it is read."""
    where = article.origin.at("earlier_seeds")
    problems: list[Diagnostic] = []
    listed: set[str] = set()
    for earlier in article.earlier_seeds:
        if earlier.seed == article.seed or earlier.seed in listed:
            which = "the article's current seed" if earlier.seed == article.seed else "listed twice"
            problems.append(Diagnostic(where, f"earlier seed {earlier.seed} is {which}", "list each earlier seed once"))
        listed.add(earlier.seed)
        seed = seeds.get(earlier.seed)
        if seed is not None and seed.sha256.lower() != earlier.sha256.lower():
            problems.append(
                Diagnostic(
                    where,
                    f"the earlier seed {earlier.seed} has changed since the article was updated from it"
                    " (its SHA-256 differs)",
                    "an earlier version is kept as it was received: restore the file from version control;"
                    " a new version of a dispatch is a new seed file, imported with"
                    f" '{project.command()} import NEW --update-of SLUG'",
                )
            )
    return problems
