from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from conftest import Run

from dossier.link import htmltext
from dossier.link.annotations import anchor
from dossier.model import Annotation, Origin, frozen_map
from dossier.source import markup, sanitize
from dossier.source.markup import Markdown, extensions
from dossier.text import ids

SAMPLE = """\
Un *mot*, du **gras** et un [lien](https://example.org/).

| a | b |
|---|---|
| 1 | 2 |

Terme
:   définition

```
du code
```

Une note[^1] sur le HTML.

[^1]: Le texte de la note.

*[HTML]: HyperText Markup Language

Un paragraphe avec un identifiant
{: #ici }

3. trois
4. quatre

* a
* b

<div markdown="1">*dedans*</div>
"""


def test_the_extensions_made_here_are_markdown_extra_and_sane_lists() -> None:
    by_name = markdown.markdown(SAMPLE, extensions=["extra", "sane_lists"], output_format="html")
    made = markdown.Markdown(extensions=extensions(), output_format="html").convert(SAMPLE)
    assert made == by_name
    wanted = ("<table>", "<dl>", "<pre>", 'class="footnote"', "<abbr", 'id="ici"', 'start="3"')
    assert all(tag in made for tag in wanted)


FOOTNOTE = "Texte[^1].\n\n[^1]: La note.\n"


def test_the_footnote_back_link_title_is_the_one_given() -> None:
    made = Markdown("Revenir à l'appel {number} {dans} le texte").convert(FOOTNOTE)
    assert 'title="Revenir à l\'appel 1 {dans} le texte"' in made  # other braces are kept as typed
    assert 'title="Jump back to footnote 1 in the text"' in Markdown().convert(FOOTNOTE)


ARTICLE = "---\ntitle: Notes\ndate: 2024\n---\nUn texte[^1].\n\n[^1]: Une note de bas de page.\n"


def test_a_built_footnote_speaks_the_site_language_after_a_switch(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    """The conversions a build keeps for the next one are not reused under another back-link title."""
    root = tree({"content/articles/notes.md": ARTICLE})
    page = root / "_site" / "articles" / "notes" / "index.html"
    titles = {}
    for language in ("fr", "en", "fr"):
        (root / "site.yml").write_text(f'title: "Dossier"\nlanguage: {language}\nbase_url: /\n', encoding="utf-8")
        assert run("build", "--root", root, "--no-search").code == 0
        titles[language] = re.findall(
            r'class="footnote-backref" href="#article_notes_fnref:1" title="([^"]+)"', page.read_text()
        )
    assert titles == {"fr": ["Revenir à l'appel de note 1 dans le texte"], "en": ["Back to footnote 1 in the text"]}


def test_a_theme_without_the_footnote_title_says_so(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    strings = root / "themes" / "default" / "i18n" / "fr.yml"
    strings.write_text(re.sub(r"(?m)^footnote_back: .*\n", "", strings.read_text(encoding="utf-8")), encoding="utf-8")
    result = run("build", "--root", root, "--no-search")
    assert result.code == 1
    assert result.errors == ["site.yml:2: error: no UI string 'footnote_back' for language 'fr'"]


def test_footnotes_converted_by_worker_processes_speak_the_site_language(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    """Past ``parallel.MIN_ITEMS`` texts, forked workers convert them: with the same back-link title."""
    articles = {f"content/articles/a{i}.md": ARTICLE.replace("Notes", f"Notes {i}") for i in range(60)}
    root = tree({**articles, "site.yml": 'title: "Dossier"\nlanguage: en\nbase_url: /\n'})
    assert run("build", "--root", root, "--no-search", "--jobs", "2").code == 0
    titles = {
        title
        for page in (root / "_site" / "articles").glob("a*/index.html")
        for title in re.findall(
            r'class="footnote-backref" href="#article_a\d+_fnref:1" title="([^"]+)"', page.read_text()
        )
    }
    assert titles == {"Back to footnote 1 in the text"}


def test_a_text_the_converter_cannot_follow_is_an_error_and_the_converter_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python-Markdown recursed per item of a long chain of definition lists (before 3.11.4);
    whatever structure makes it recurse too deep, the text is one error and the next one converts."""

    real = markdown.Markdown.convert

    def convert(self: markdown.Markdown, source: str) -> str:
        if source.startswith("Terme\n: définition"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", convert)
    md = Markdown()
    done = md.render("Terme\n: définition\n" * 500)
    assert done.html == ""
    assert [(r.message, r.error, r.hint) for r in done.removed] == [(markup.TOO_DEEP, True, markup.TOO_DEEP_HINT)]
    assert md.render("*Bagdad*").html == "<p><em>Bagdad</em></p>"


HEADINGS = """\
# L'Irak & *les* [États](x.md)[^1]

## Méthode de travail

Un paragraphe.

## Méthode de travail

[TOC]

Titre souligné
--------------

[^1]: Une note.
"""


def test_every_heading_gets_an_id_and_the_text_stays_as_written() -> None:
    made = Markdown().convert(HEADINGS)
    found = re.findall(r'<h([1-6]) id="([^"]*)"', made)
    assert found == [
        ("1", "l-irak-les-etats"),
        ("2", "methode-de-travail"),
        ("2", "methode-de-travail-2"),
        ("2", "titre-souligne"),
    ]
    assert "<p>[TOC]</p>" in made and "headerlink" not in made  # no table of contents, no permalink
    plain = sanitize.clean(markdown.Markdown(extensions=extensions(), output_format="html").convert(HEADINGS))
    assert re.sub(r'(<h[1-6]) id="[^"]*"', r"\1", made) == plain  # the ids are all that changes
    assert re.findall(r'<h2 id="([^"]*)"', Markdown().convert("## Méthode de travail")) == ["methode-de-travail"]


def test_a_note_quoting_a_heading_of_an_article_anchors_in_the_same_text() -> None:
    made = ids.namespace(Markdown().convert(HEADINGS), ids.prefix("article", "a"), own=True)
    plain = sanitize.clean(markdown.Markdown(extensions=extensions(), output_format="html").convert(HEADINGS))
    assert htmltext.build(made).text == htmltext.build(plain).text  # what the selectors count
    origin = Origin("content/annotations/n.md", frozen_map({"quote": 3}))
    quoted = Annotation("n", "a", "Méthode de travail Un paragraphe", "contexte", "Note.", origin)
    result, problems = anchor(htmltext.build(made), [quoted])
    assert problems == []
    assert '<h2 id="methode-de-travail"><mark class="passage" id="passage-1" data-note="1">' in result.html
