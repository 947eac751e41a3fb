from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
import pytest
from conftest import REPO, Run

from dossier.publish import i18n, render, views
from dossier.publish.pages import PlannedPage
from dossier.publish.urls import Urls

NOTE = """\
---
article: un-article
quote: "entre les Etats-Unis et l'Irak"
kind: définition
---
Une note avec un [lien](https://example.org/).
"""


def test_user_templates_override_the_theme(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    page = '{% extends "base.html" %}{% block content %}<p class="mine">{{ t("nav_home") }}</p>{% endblock %}'
    root = tree({"templates/404.html": page})
    assert run("build", "--root", root).code == 0
    assert '<p class="mine">Accueil</p>' in (root / "_site" / "404.html").read_text()


def test_front_matter_is_escaped(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    article = '---\ntitle: "<script>alert(1)</script> & co"\ndate: 2024\n---\nTexte.\n'
    root = tree({"content/articles/x.md": article})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "x" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_note_beside_its_passage_linked_both_ways(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/annotations/une-note.md": NOTE})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    assert '<mark class="passage" id="passage-1" data-note="1">entre les </mark>' in html
    assert '<a class="note-ref" href="#note-1"' in html
    assert 'id="note-1"' in html and 'href="#passage-1"' in html
    # the note after the article's text, never inside it; its aside on its paragraph's row
    assert html.index('id="passage-1"') < html.index("Washington et Bagdad") < html.index('id="note-1"')
    text = html[html.index('<div class="text">') : html.index('<div class="margin-notes">')]
    assert 'class="note' not in text.replace('class="note-ref"', "")
    row = re.search(
        r'<div class="block has-notes" style="--row: (\d+)"><p>[^<]*<mark class="passage" id="passage-1"', html
    )
    assert row and f'<aside class="notes" hidden style="--row: {row.group(1)}">' in html
    assert '<span class="note-kind">Définition</span>' in html


def test_english_dossier_is_one_setting_away(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"site.yml": "title: Test\nlanguage: en\n"})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    assert '<html lang="en">' in html and "March 2024" in html and "Topics" in html


def test_language_without_strings(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"site.yml": "title: Test\nlanguage: de\n"})
    result = run("build", "--root", root)
    assert result.errors == [
        "site.yml:2: error: theme has no UI strings for language 'de' (themes/default/i18n/de.yml is missing)"
    ]


SPAN = """\
---
title: "Guerre contre l'État islamique"
date: 2014-06-10
end: 2017-12
topics: [irak]
articles: [un-article]
---
La guerre.
"""

EVENT = """\
---
title: "Reprise de Mossoul"
date: 2017-07
topics: [irak]
---
Mossoul reprise.
"""


def test_timeline_entries_carry_ids_topics_and_era_bars(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/timeline/guerre.md": SPAN, "content/timeline/mossoul.md": EVENT})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "timeline" / "index.html").read_text()
    assert '<li class="entry entry-span era-lane-0" id="event-guerre" data-topics="irak">' in html
    assert '<span class="era era-lane-0 era-start"><span class="era-label era-rows-2">Guerre contre' in html
    assert '<li class="entry entry-event" id="event-mossoul" data-topics="irak">' in html
    assert '<span class="era era-lane-0 era-end"></span>' in html  # the span covers Mossoul, its last row
    assert '<li class="entry entry-article" id="article-un-article" data-topics="irak">' in html  # after 2017-12
    assert html.count('class="era ') == 2
    assert '<a class="entry-anchor" href="#event-guerre"><time datetime="2014-06-10">10 juin 2014</time>' in html
    assert '<option value="irak">Irak (3)</option>' not in html  # one topic only: nothing to filter
    assert '<script src="/static/timeline.js" defer></script>' in html


def test_events_elsewhere_link_to_their_timeline_entry(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"content/timeline/guerre.md": SPAN})
    assert run("build", "--root", root).code == 0
    article = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    assert '<a href="/timeline/#event-guerre">Guerre contre l&#39;État islamique</a>' in article
    assert 'id="event-guerre"' not in article  # the id is the timeline's
    home = (root / "_site" / "index.html").read_text()
    assert 'href="/timeline/#event-guerre"' in home


def test_a_topic_page_has_a_coverage_chart_with_its_figures(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "content/timeline/guerre.md": SPAN,
            "content/annotations/une-note.md": NOTE.replace("définition", "contexte\ntopics: [irak]"),
        }
    )
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "topics" / "irak" / "index.html").read_text()
    summary = "3 éléments de 2014 à 2024, dont 2 en 2024"
    assert (
        '<svg class="chart" viewBox="0 0 480 150" width="480" height="150" role="img" aria-labelledby="chart-title">'
        in html
    )
    assert f'<title id="chart-title">{summary}</title>' in html
    assert f'<span class="meta">{summary}</span>' in html
    assert "<g><title>2014\u00a0: 1 élément</title>" in html and "<g><title>2015\u00a0: 0 élément</title></g>" in html
    assert (
        '<tr><th scope="row"><time datetime="2024">2024</time></th><td>1</td><td>1</td><td>0</td><td>2</td></tr>'
        in html
    )
    assert '<time datetime="2015">' not in html  # the table lists the years with something


def test_one_period_makes_no_chart(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree()
    assert run("build", "--root", root).code == 0
    assert 'class="chart"' not in (root / "_site" / "topics" / "irak" / "index.html").read_text()


def test_the_home_page_shows_two_notes_of_each_latest_article(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    long = "Une note " + "très longue, " * 20 + "fin."
    notes = {
        "content/annotations/a.md": NOTE,
        "content/annotations/b.md": NOTE.replace("entre les Etats-Unis et l'Irak", "la fin de la coalition").replace(
            "Une note avec un [lien](https://example.org/).", long
        ),
        "content/annotations/c.md": NOTE.replace("entre les Etats-Unis et l'Irak", "Washington et Bagdad"),
    }  # in reading order: a, b, then c (the second paragraph), which the home page leaves out
    root = tree(notes)
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "index.html").read_text()
    assert html.count('<li class="key-note ') == 2
    assert '<a href="/articles/un-article/#note-1">«\u00a0entre les Etats-Unis et l&#39;Irak\u00a0»</a>' in html
    assert '<p class="key-note-text">Une note avec un lien.</p>' in html
    cut = re.search(r'<p class="key-note-text">(Une note très[^<]*)</p>', html)
    assert cut and cut[1].endswith("…") and len(cut[1]) <= views.EXCERPT + 1
    assert long.startswith(cut[1][:-1]) and long[len(cut[1]) - 1] in " ,"  # cut between words
    assert "1 article annoté" in html and "3 notes" in html and "1 thème" in html
    assert "repère" not in html  # no timeline: no figure of it


def test_excerpts_are_cut_at_a_word() -> None:
    assert views.excerpt("<p>Court.</p>") == "Court."
    assert views.excerpt("<p>un deux, trois quatre</p>", size=12) == "un deux…"
    assert views.excerpt("<p>a &amp; b</p>") == "a & b"


@pytest.mark.parametrize("base_url", ["/", "https://presse.example/dossier/"])
def test_the_navigation_marks_the_page_it_is_on_and_only_that_one(
    tree: Callable[..., Path], run: Callable[..., Run], base_url: str
) -> None:
    """The header is rendered once a build ({% cache %}) around a navigation made for each page."""
    root = tree()
    assert run("build", "--root", root, "--base-url", base_url).code == 0
    site = root / "_site"
    path = base_url.removeprefix("https://presse.example")
    current = re.compile(r'<a href="([^"]*)" aria-current="page">')
    assert current.findall((site / "articles" / "index.html").read_text()) == [f"{path}articles/"]
    assert current.findall((site / "timeline" / "index.html").read_text()) == [f"{path}timeline/"]
    assert current.findall((site / "topics" / "index.html").read_text()) == [f"{path}topics/"]
    assert current.findall((site / "articles" / "un-article" / "index.html").read_text()) == []
    assert current.findall((site / "index.html").read_text()) == []


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Aucun article, aucune note ni aucun événement ne relève encore de ce thème."),
        ("en", "No article, note or event comes under this topic yet."),
    ],
)
def test_a_topic_nothing_comes_under_says_so(
    tree: Callable[..., Path], run: Callable[..., Run], language: str, sentence: str
) -> None:
    root = tree(
        {
            "site.yml": f"title: Test\nlanguage: {language}\n",
            "content/topics/iran.md": '---\nlabel: "Iran"\n---\n',  # no intro either
        }
    )
    assert run("build", "--root", root, "--no-search").code == 0
    html = (root / "_site" / "topics" / "iran" / "index.html").read_text()
    assert f'<p class="topic-empty">{sentence}</p>' in html
    assert "<figure" not in html and "<table" not in html and "<section" not in html  # no empty chart nor list
    assert "topic-empty" not in (root / "_site" / "topics" / "irak" / "index.html").read_text()


LATER = '---\ntitle: "Un autre article"\ndate: 2024-11\ntopics: [irak]\n---\nLa suite.\n'


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("fr", "2 éléments de mars à novembre 2024, dont 1 en mars 2024"),
        ("en", "2 items from March to November 2024, 1 of them in March 2024"),
    ],
)
def test_a_chart_within_one_year_names_the_year_once(
    tree: Callable[..., Path], run: Callable[..., Run], language: str, summary: str
) -> None:
    root = tree({"site.yml": f"title: Test\nlanguage: {language}\n", "content/articles/un-autre.md": LATER})
    assert run("build", "--root", root, "--no-search").code == 0
    html = (root / "_site" / "topics" / "irak" / "index.html").read_text()
    assert f'<title id="chart-title">{summary}</title>' in html
    assert f'<span class="meta">{summary}</span>' in html


def test_the_home_page_counts_as_annotated_only_the_articles_with_a_note(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree({"content/articles/un-autre.md": LATER, "content/articles/un-troisieme.md": LATER})
    assert run("build", "--root", root, "--no-search").code == 0
    figures = re.compile(r'<ul class="home-figures"[^>]*>\s*((?:<li>[^<]*</li>)*)\s*</ul>')

    def shown() -> list[str]:
        match = figures.search((root / "_site" / "index.html").read_text())
        return re.findall(r"<li>([^<]*)</li>", match.group(1)) if match else []

    assert shown() == ["1 thème"]  # three articles, none annotated
    (root / "content" / "annotations").mkdir()
    (root / "content" / "annotations" / "une-note.md").write_text(NOTE)
    assert run("build", "--root", root, "--no-search").code == 0
    assert shown() == ["1 article annoté", "1 note", "1 thème"]  # of three articles, one has a note


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ('{{ 1 + "a" }}', "unsupported operand type(s) for +: 'int' and 'str'"),
        ('{{ "{0}".format() }}', "Replacement index 0 out of range for positional args tuple"),
        ('{{ t("nope") }}', "no UI string 'nope' for language 'fr'"),
        ("{{ site.nope.title }}", "'dict object' has no attribute 'nope'"),
    ],
)
def test_a_mistake_in_a_template_is_a_template_error_at_its_line(
    tree: Callable[..., Path], run: Callable[..., Run], code: str, message: str
) -> None:
    page = '{% extends "base.html" %}{% block content %}\n<p>\n' + code + "</p>{% endblock %}"
    root = tree({"templates/404.html": page})
    result = run("build", "--root", root)
    assert result.code == 1
    assert result.errors == [f"templates/404.html:3: error: template error: {message} (while rendering /404.html)"]


@pytest.mark.parametrize("bug", [TypeError, AttributeError, LookupError, ValueError])
def test_a_bug_in_the_engine_is_no_template_error(tmp_path: Path, bug: type[Exception]) -> None:
    """An exception raised outside the template's code (here, while its view is made) is not the theme's."""
    (tmp_path / "p.html").write_text("{{ title }}")
    env = render.environment([tmp_path], Urls("/"), i18n.load(REPO / "dossier" / "themes" / "default", "fr", REPO))

    def view(title: str) -> dict[str, str]:
        raise bug(f"the engine's own mistake with {title}")

    page = PlannedPage("p/", "p.html", ("Titre",), view, "test")
    with pytest.raises(bug, match="the engine's own mistake with Titre"):
        render.render(env, [page], {}, tmp_path)


def _pages_env(tmp_path: Path) -> tuple[jinja2.Environment, list[PlannedPage]]:
    (tmp_path / "p.html").write_text("<p>{{ n }}</p>", encoding="utf-8")
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    env = render.environment([tmp_path], Urls("/"), i18n.load(REPO / "dossier" / "themes" / "default", "fr", REPO))
    made = [PlannedPage(f"p{n}/", "p.html", (n,), lambda n: {"n": n}, "test") for n in range(3)]
    return env, made


def test_rendering_hands_each_page_to_the_store_and_keeps_no_bytes(tmp_path: Path) -> None:
    env, made = _pages_env(tmp_path)
    stored: dict[str, bytes] = {}
    files = render.render(env, made, {}, tmp_path, store=stored.__setitem__)
    assert files == {"p0/index.html": b"", "p1/index.html": b"", "p2/index.html": b""}
    assert stored == {"p0/index.html": b"<p>0</p>", "p1/index.html": b"<p>1</p>", "p2/index.html": b"<p>2</p>"}
    assert render.render(env, made, {}, tmp_path) == stored  # without a store: the bytes themselves


def test_rendering_shared_out_gives_what_rendering_here_gives(tmp_path: Path) -> None:
    env, made = _pages_env(tmp_path)

    def backwards(
        function: Callable[[PlannedPage], render.RenderedPage],
        items: Sequence[PlannedPage],
        done: Callable[[int], None],
    ) -> list[render.RenderedPage]:
        out = [function(item) for item in reversed(items)][::-1]  # in another order, results in place
        done(len(items))
        return out

    progress: list[tuple[int, int]] = []
    files = render.render(env, [made[0], made[2]], {}, tmp_path, lambda *a: progress.append(a), backwards, skipped=1)
    assert files == {"p0/index.html": b"<p>0</p>", "p2/index.html": b"<p>2</p>"}
    assert progress == [(3, 3)]  # the page not rendered this time counts as done


def test_a_page_that_cannot_render_is_a_problem_not_bytes(tmp_path: Path) -> None:
    env, _ = _pages_env(tmp_path)
    rendered = render.render_page(env, PlannedPage("b/", "broken.html", (), dict, "test"), {}, tmp_path)
    assert rendered.data is None and rendered.fatal and rendered.problem is not None
    assert rendered.problem.location.path == "broken.html" and "syntax error" in rendered.problem.message


def test_a_notes_date_shows_on_its_card_and_in_the_end_notes(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    dated = NOTE.replace("kind: définition\n", "kind: définition\ndate: 2024-03-06\n")
    root = tree({"content/annotations/une-note.md": dated})
    assert run("build", "--root", root).code == 0
    html = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    shown = '<time datetime="2024-03-06">6 mars 2024</time>'
    assert f'<span class="note-date">{shown}</span>' in html
    assert f'<span class="note-kind">Définition</span> · {shown} — ' in html  # the end notes
    root = tree({"content/annotations/une-note.md": NOTE})  # no date: none shown
    assert run("build", "--root", root).code == 0
    assert "note-date" not in (root / "_site" / "articles" / "un-article" / "index.html").read_text()
