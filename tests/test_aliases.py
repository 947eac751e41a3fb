"""``slug:`` and ``aliases:`` in front matter: what a file may say, read by the loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from dossier.errors import FieldError
from dossier.model import Annotation, Article, Event, Page, Topic
from dossier.source.aliases import alias, target
from dossier.source.content import KIND_BY_FOLDER, load_file


@pytest.mark.parametrize("path", ["/articles/ancien-nom/", "/2019/03/irak.html", "/A_b~c.d/", "/a-propos/"])
def test_a_site_path_from_the_root_is_an_alias(path: str) -> None:
    assert alias(path) == path
    assert target(path) == path[1:]


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("https://example.org/articles/x/", "is a URL, not a site path"),
        ("//example.org/x/", "is a URL, not a site path"),
        ("articles/x/", "does not start with '/'"),
        ("/", "does not start with '/' and name a page"),
        ("/articles/x", "ends neither in '/' nor in '.html'"),
        ("/articles/../x/", "has the part '..'"),
        ("/articles//x/", "has the part ''"),
        ("/articles/x y/", "has the part 'x y'"),
        ("/articles/é/", "has the part 'é'"),
        ("/articles/x/?a=1/", "has the part '?a=1'"),
    ],
)
def test_anything_else_is_refused_with_what_is_wrong(path: str, said: str) -> None:
    with pytest.raises(FieldError, match=None) as refused:
        alias(path)
    assert said in str(refused.value)


ARTICLE = '---\ntitle: "Un article"\ndate: 2024-03\n{more}---\nLe texte.\n'


def _load(tmp_path: Path, rel: str, text: str) -> tuple[object, list[str]]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    record, problems = load_file(tmp_path, KIND_BY_FOLDER[rel.split("/")[1]], path)
    return record, [p.format() for p in problems]


def test_a_slug_line_names_the_record_whatever_its_file_is_called(tmp_path: Path) -> None:
    record, problems = _load(tmp_path, "content/articles/Mon Article.md", ARTICLE.format(more="slug: nouveau-nom\n"))
    assert problems == [] and isinstance(record, Article)
    assert record.slug == "nouveau-nom" and record.origin.at("slug").line == 4
    # without it, the file name is the slug, and must be one
    record, problems = _load(tmp_path, "content/articles/Mon Article.md", ARTICLE.format(more=""))
    assert record is None
    assert problems == [
        "content/articles/Mon Article.md:1: error: file name 'Mon Article.md' is not a valid slug"
        " (hint: rename it to 'mon-article.md')"
    ]


def test_a_slug_line_is_checked_like_a_file_name(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "content/articles/a.md", ARTICLE.format(more="slug: Nouveau Nom\n"))
    assert problems == [
        "content/articles/a.md:4: error: 'slug': 'Nouveau Nom' is not a slug (lower-case ASCII letters, digits and"
        " hyphens)"
    ]


@pytest.mark.parametrize(
    ("rel", "text", "kind"),
    [
        ("content/topics/t.md", '---\nlabel: "Irak"\nslug: iraq\naliases: [/topics/irak/]\n---\n', Topic),
        ("content/pages/p.md", '---\ntitle: "À propos"\nslug: apropos\naliases: [/a-propos/]\n---\nTexte.\n', Page),
        ("content/timeline/e.md", '---\ntitle: "Accord"\ndate: 2008\nslug: sofa\n---\n', Event),
        ("content/articles/a.md", ARTICLE.format(more="slug: art\naliases: /articles/a/\n"), Article),
    ],
)
def test_articles_topics_pages_and_events_take_a_slug_and_the_pages_aliases(
    tmp_path: Path, rel: str, text: str, kind: type
) -> None:
    record, problems = _load(tmp_path, rel, text)
    assert problems == [] and isinstance(record, kind)
    assert record.slug in ("iraq", "apropos", "sofa", "art")
    if not isinstance(record, Event):
        assert len(record.aliases) == 1


def test_notes_take_no_slug_and_events_no_aliases(tmp_path: Path) -> None:
    """A note is named by its file (links to it are its path; its number is its anchor); an event has
    no page of its own, only its anchor on the timeline, which a redirect page cannot stand for."""
    note = '---\narticle: a\nquote: "x"\nkind: contexte\nslug: n\n---\nLa note.\n'
    record, problems = _load(tmp_path, "content/annotations/n.md", note)
    assert record is None and "unknown field 'slug'" in problems[0]
    assert not isinstance(record, Annotation)
    event = '---\ntitle: "Accord"\ndate: 2008\naliases: [/timeline/]\n---\n'
    _, problems = _load(tmp_path, "content/timeline/e.md", event)
    assert "unknown field 'aliases'" in problems[0]


def test_an_alias_given_twice_or_wrong_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = ARTICLE.format(more="aliases: [/articles/x/, /articles/x/]\n")
    _, problems = _load(tmp_path, "content/articles/a.md", text)
    assert problems == [
        "content/articles/a.md:4: error: 'aliases': alias '/articles/x/' is given twice"
        " (hint: list each former path once)"
    ]
    _, problems = _load(tmp_path, "content/articles/a.md", ARTICLE.format(more="aliases: [articles/x]\n"))
    assert problems == [
        "content/articles/a.md:4: error: 'aliases': alias 'articles/x' does not start with '/' and name a page"
        " (hint: a path from the site's root, without the base URL, e.g. /articles/old-slug/)"
    ]


def test_the_slug_line_gives_the_url_notes_events_and_links_use(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree(
        {
            "content/articles/un-article.md": ARTICLE.format(more="slug: le-nouveau\ntopics: [irak]\n"),
            "content/annotations/n.md": '---\narticle: le-nouveau\nquote: "Le texte"\nkind: contexte\n---\nNote.\n',
            "content/timeline/e.md": '---\ntitle: "Un fait"\ndate: 2024\narticles: [le-nouveau]\n---\n'
            "Voir [l'article](../articles/un-article.md#note-1).\n",
        }
    )
    done = run("build", "--root", root, "-q", "--no-search")
    assert done.code == 0, done.err
    page = (root / "_site" / "articles" / "le-nouveau" / "index.html").read_text(encoding="utf-8")
    assert "Note." in page
    assert not (root / "_site" / "articles" / "un-article").exists()
    timeline = (root / "_site" / "timeline" / "index.html").read_text(encoding="utf-8")
    assert 'href="/articles/le-nouveau/#note-1"' in timeline


def test_a_note_naming_a_former_slug_is_told_the_new_one(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree(
        {
            "content/articles/un-article.md": ARTICLE.format(more="aliases: [/articles/ancien/]\n"),
            "content/annotations/n.md": '---\narticle: ancien\nquote: "Le texte"\nkind: contexte\n---\nNote.\n',
            "content/timeline/e.md": '---\ntitle: "Un fait"\ndate: 2024\narticles: [ancien]\n---\n',
        }
    )
    done = run("check", "--root", root)
    assert done.code == 1
    hint = "(hint: write 'un-article': content/articles/un-article.md lists /articles/ancien/ in its aliases)"
    assert done.errors == [
        f"content/annotations/n.md:2: error: article 'ancien' was renamed 'un-article' {hint}",
        f"content/timeline/e.md:4: error: article 'ancien' was renamed 'un-article' {hint}",
    ]


def test_import_names_a_new_file_beside_one_whose_slug_line_names_it_otherwise(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree(
        {
            "content/articles/un-article.md": ARTICLE.format(more="slug: autre\n"),
            "seeds/s.txt": "date 2024-03\nUn article.\n\nLe texte de la dépêche.\n",
        }
    )
    done = run("import", "--root", root)
    assert done.code == 0, done.err
    assert (root / "content/articles/un-article-2.md").is_file()
    assert "slug: autre" in (root / "content/articles/un-article.md").read_text(encoding="utf-8")


def test_an_alias_on_a_page_that_exists_takes_no_link_to_it(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    # the alias is an error, said at its line; a link to the timeline elsewhere still goes to the timeline
    root = tree(
        {
            "content/articles/un-article.md": ARTICLE.format(more="aliases: [/timeline/]\n"),
            "content/pages/liens.md": '---\ntitle: "Liens"\n---\nVoir [la frise](/timeline/#event-e).\n',
            "content/timeline/e.md": '---\ntitle: "Un fait"\ndate: 2024\n---\n',
        }
    )
    done = run("check", "--root", root)
    assert done.code == 1
    assert [line.split(" (hint:")[0] for line in done.errors] == [
        "content/articles/un-article.md:4: error: alias /timeline/ is the URL of the timeline,"
        " which the build writes there"
    ]
