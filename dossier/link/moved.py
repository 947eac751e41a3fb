"""An article renamed by hand: its file moved (``mv content/articles/a.md content/articles/b.md``),
its notes still naming ``a``.

The notes then name an article that does not exist, and the slug's "did you mean" may not find
``b``. What gives the article away is its text: the passages those notes quote are in it, and no
note names it. When exactly one article is so, the error says how to rename it with every
reference to it: move it back and run ``rename`` (which renames the file again, updates the notes,
the events and the links, and makes its former URL a redirect).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from dossier import project
from dossier.model import Annotation, Article
from dossier.text.folding import fold_text


def _plain(text: str) -> str:
    """``text`` folded as quotes are matched (typographic quotes, NFC), its spaces made one."""
    return " ".join(fold_text(text).split())


def _named_by_its_file(article: Article) -> bool:
    """Whether the article's slug is its file's name (no ``slug:`` line that says otherwise):
    only such an article changed its slug when its file was moved."""
    return posixpath.splitext(posixpath.basename(article.origin.path))[0] == article.slug


class MovedArticles:
    """Finds the article an unknown slug's notes were written on (:meth:`find`), each article's
    text folded once, each slug looked for once: a project may have many notes naming it."""

    def __init__(self, articles: Sequence[Article], notes: Sequence[Annotation]) -> None:
        named = {n.article for n in notes}
        self.notes = notes
        self.candidates = [a for a in articles if a.slug not in named and _named_by_its_file(a)]
        self.texts: list[str] | None = None  # the candidates' texts, folded when first needed
        self.found: dict[str, Article | None] = {}

    def find(self, slug: str) -> Article | None:
        """The one article, named by its file and named by no note, whose text holds the most of
        the quotes of the notes naming ``slug`` (at least one); None when there is none, or several."""
        if slug not in self.found:
            self.found[slug] = self._best({_plain(n.quote) for n in self.notes if n.article == slug} - {""})
        return self.found[slug]

    def _best(self, quotes: set[str]) -> Article | None:
        if not quotes:
            return None
        if self.texts is None:
            self.texts = [_plain(a.body) for a in self.candidates]
        counts = [sum(q in text for q in quotes) for text in self.texts]
        most = max(counts, default=0)
        best = [a for a, count in zip(self.candidates, counts, strict=True) if count == most]
        return best[0] if most > 0 and len(best) == 1 else None


def moved_hint(slug: str, article: Article) -> str:
    """What to do when ``article`` is the article once named ``slug`` (see :meth:`MovedArticles.find`)."""
    path = article.origin.path
    former = posixpath.join(posixpath.dirname(path), f"{slug}.md")
    return (
        f"{path}, which no note names, holds the passages quoted by the notes on '{slug}': if it was renamed"
        f" by hand, move it back to {former} and run `{project.command()} rename article {slug} {article.slug}`:"
        " it renames the file and every reference to it, and redirects the former URL"
    )
