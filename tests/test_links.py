"""Internal links: resolved to their URL under the base path, checked, placed at their line."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import sitecheck
from conftest import REPO, Run

from dossier.errors import Location
from dossier.link import links

KNOWN = links.Known(
    files={
        "content/articles/premier.md": "articles/premier/",
        "content/articles/second.md": "articles/second/",
        "content/annotations/n.md": "articles/second/#note-1",
        "content/timeline/debut.md": "timeline/#event-debut",
        "content/topics/irak.md": "topics/irak/",
        "content/pages/a-propos.md": "a-propos/",
    },
    anchors={
        "articles/premier/": frozenset(),
        "articles/second/": frozenset({"note-1"}),
        "timeline/": frozenset({"event-debut"}),
    },
    records={
        "articles": frozenset({"premier", "second"}),
        "topics": frozenset({"irak"}),
        "pages": frozenset({"a-propos"}),
    },
)
ARTICLES = "content/articles"


def target(href: str, folder: str = ARTICLES) -> str | None:
    done = links.resolve(href, folder, KNOWN)
    return None if done is None else done.target or done.message


def test_a_relative_path_to_a_content_file_is_its_page() -> None:
    assert target("second.md") == "articles/second/"
    assert target("./second.md#note-1") == "articles/second/#note-1"
    assert target("../topics/irak.md") == "topics/irak/"
    assert target("../pages/a-propos.md") == "a-propos/"
    assert target("articles/premier.md", "content") == "articles/premier/"


def test_a_note_or_an_event_is_its_anchor() -> None:
    assert target("../annotations/n.md") == "articles/second/#note-1"
    assert target("../timeline/debut.md") == "timeline/#event-debut"


def test_a_site_path_is_checked_against_the_records() -> None:
    assert target("/articles/premier/") == "articles/premier/"
    assert target("/timeline/#event-debut") == "timeline/#event-debut"
    assert target("/articles/2024/") == "articles/2024/"  # a year of the list: not a record
    assert target("/articles/premir/") == "broken link '/articles/premir/': no article 'premir'"
    assert target("/a-propos/") == "a-propos/" and target("/feed.xml") == "feed.xml" and target("/") == ""
    assert links.resolve("/apropos/", ARTICLES, KNOWN) == links.Resolved(
        message="broken link '/apropos/': the site has no page /apropos", hint="did you mean 'a-propos'?"
    )
    assert links.resolve("/articles/premir/", ARTICLES, KNOWN) == links.Resolved(
        message="broken link '/articles/premir/': no article 'premir'", hint="did you mean 'premier'?"
    )


def test_what_a_site_publishes_at_its_root_is_known_to_the_links() -> None:
    # every name at the root of the shipped dossier's built site: a section, a file, or a page of content/pages/
    pages = {p.stem for p in (REPO / "content" / "pages").glob("*.md")}
    for name in (p.name for p in (REPO / "tests" / "golden").iterdir()):
        assert name in links.SECTIONS | links.FILES | pages | {"index.html", ".dossier-output"}, name


def test_a_missing_file_or_anchor_is_an_error_with_a_hint() -> None:
    missing = links.resolve("secnd.md", ARTICLES, KNOWN)
    assert missing is not None
    assert missing.message == "broken link 'secnd.md': no published content file content/articles/secnd.md"
    assert missing.hint == "did you mean 'second.md'?"
    anchor = links.resolve("second.md#note-2", ARTICLES, KNOWN)
    assert anchor is not None
    assert anchor.message == "broken link 'second.md#note-2': /articles/second/ has no anchor '#note-2'"
    assert anchor.hint == "did you mean 'note-1'?"
    far = links.resolve("/timeline/#zzz", ARTICLES, KNOWN)
    assert far is not None and far.hint == links.ANCHOR_HINT


def test_external_and_other_links_are_left_alone() -> None:
    for href in (
        "https://example.org/x.md",
        "mailto:a@b.c",
        "//cdn.example.org/x",
        "#note-1",
        "../slug/",
        "../../../x.png",
    ):
        assert links.resolve(href, ARTICLES, KNOWN) is None


def test_a_link_to_a_file_of_the_project_that_is_no_page_is_an_error() -> None:
    # as written it would name a URL beside the page's, where the site publishes nothing
    image = links.resolve("../media/carte.png", ARTICLES, KNOWN)
    assert image == links.Resolved(
        message="broken link '../media/carte.png': content/media/carte.png is not published at this address",
        hint="show an image with ![alt](../media/carte.png); a link goes to a page, by its .md file",
    )
    settings = links.resolve("../../site.yml", ARTICLES, KNOWN)
    assert settings is not None and settings.message.endswith("site.yml is not published at this address")


def test_the_rewriter_places_urls_under_the_base_and_errors_at_their_line() -> None:
    text = "Voir [a](second.md).\n\nEt [b](secnd.md) et [c](https://e.org/?a=1&b=2)."
    html = (
        '<p>Voir <a href="second.md">a</a>.</p>\n<p>Et <a href="secnd.md">b</a> et '
        '<a href="https://e.org/?a=1&amp;b=2">c</a>.</p>'
    )
    rewriter = links.Rewriter(KNOWN, "/x/")
    out = rewriter.rewrite(html, links.Body.of(text, Location("content/articles/premier.md", 6)))
    assert '<a href="/x/articles/second/">a</a>' in out
    assert '<a href="secnd.md">b</a>' in out and 'href="https://e.org/?a=1&amp;b=2"' in out
    assert [p.format() for p in rewriter.problems] == [
        "content/articles/premier.md:8: error: broken link 'secnd.md': no published content file "
        "content/articles/secnd.md (hint: did you mean 'second.md'?)"
    ]
    assert rewriter.linked == {"articles/second/"}


def test_an_error_is_at_the_line_of_the_link_not_of_an_earlier_mention() -> None:
    text = "Le fichier secnd.md est cité.\n\nVoir [b](secnd.md) puis [c][r].\n\n[r]: <secnd.md>\n"
    html = '<p>Le fichier secnd.md est cité.</p>\n<p>Voir <a href="secnd.md">b</a> puis <a href="secnd.md">c</a>.</p>'
    rewriter = links.Rewriter(KNOWN, "/")
    rewriter.rewrite(html, links.Body.of(text, Location("content/articles/premier.md", 6)))
    assert [p.location.line for p in rewriter.problems] == [8, 10]


def test_mentions_is_generous_and_cheap() -> None:
    assert links.mentions("[a](b.md)") and links.mentions("[a](/articles/x/)") and links.mentions("[r]: /x/")
    assert links.mentions('<a href="/a-propos/">x</a>') and links.mentions("<a href='/x/'>x</a>")
    assert not links.mentions("[a](https://example.org/) et du texte")
    assert not links.mentions('<a href="https://example.org/">x</a> et 3/4 du texte')
    assert links.base_path("https://example.org/x/") == "/x/" and links.base_path("/") == "/"


EXTRA = {
    "content/articles/liens.md": (
        '---\ntitle: "Des liens"\ndate: 2024-09\ntopics: [irak]\n---\n'
        "Voir [la note](../annotations/allie-teheran-washington.md), [le sujet](../topics/irak.md), "
        "[l'accord](../timeline/accord-sofa.md), [l'autre](irak-fin-de-la-coalition.md), "
        "[la page](../pages/a-propos.md) et [la frise](/timeline/).\n"
    ),
    "content/annotations/allie-teheran-washington.md": (
        "\n\nAussi [l'article](../articles/irak-fin-de-la-coalition.md#note-1) et "
        "[le site](/articles/irak-fin-de-la-coalition/).\n"
    ),
    "content/timeline/accord-sofa.md": "\n\nLire [l'article](../articles/irak-fin-de-la-coalition.md).\n",
    "content/topics/irak.md": "\n\nVoir [l'accord](/timeline/#event-accord-sofa).\n",
    "content/pages/a-propos.md": "\n\nVoir [le sujet](../topics/irak.md).\n",
}


def test_a_built_site_with_links_of_every_kind_has_every_link_under_the_subpath(tmp_path: Path) -> None:
    for name in ("content", "themes", "seeds"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("site.yml", "build.py"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "dossier", tmp_path / "dossier")
    for rel, more in EXTRA.items():
        path = tmp_path / rel
        path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + more, encoding="utf-8")
    settings = tmp_path / "site.yml"
    intro = "intro: |\n  Voir [les liens](content/articles/liens.md).\n\n"
    settings.write_text(settings.read_text(encoding="utf-8").replace("intro: |\n", intro, 1), encoding="utf-8")
    command = [sys.executable, "build.py", "build", "--base-url", "https://example.org/x/", "-q", "--no-search"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "_site"
    assert sitecheck.broken_links(out, "/x/") == []
    article = (out / "articles/liens/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="/x/articles/irak-fin-de-la-coalition/#note-[0-9]+">la note</a>', article)
    for url in ("/x/topics/irak/", "/x/timeline/#event-accord-sofa"):
        assert f'href="{url}"' in article
    assert 'href="/x/a-propos/"' in article and 'href="/x/timeline/"' in article
    assert ".md" not in " ".join(re.findall(r'href="([^"]*)"', article))
    assert '<a href="/x/articles/liens/">les liens</a>' in (out / "index.html").read_text(
        encoding="utf-8"
    )  # from the intro
    timeline = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    texts = " ".join(e["text"].get("text", "") + e["text"]["headline"] for e in timeline["events"])
    assert 'href="https://example.org/x/articles/irak-fin-de-la-coalition/"' in texts
    assert re.findall(r'href="([^"]*)"', texts) and all(
        h.startswith("https://example.org/x/") for h in re.findall(r'href="([^"]*)"', texts)
    )
    feed = html.unescape((out / "feed.xml").read_text(encoding="utf-8"))
    assert 'href="https://example.org/x/topics/irak/"' in feed
    assert (
        'href="#note-' not in feed and 'href="https://example.org/x/articles/irak-fin-de-la-coalition/#note-1"' in feed
    )


def test_a_heading_or_an_id_of_a_topic_or_a_page_is_an_anchor_its_editor_wrote_is_found() -> None:
    known = links.Known(
        files={"content/pages/a-propos.md": "a-propos/", "content/topics/irak.md": "topics/irak/"},
        anchors={
            "a-propos/": frozenset({"methode-de-travail", "page_a-propos_carte", "content"}),
            "topics/irak/": frozenset({"contexte", "topic-events"}),
        },
        records={"topics": frozenset({"irak"}), "pages": frozenset({"a-propos"})},
        prefixes={"a-propos/": "page_a-propos_", "topics/irak/": "topic_irak_"},
    )

    def to(href: str) -> str | None:
        done = links.resolve(href, ARTICLES, known)
        return None if done is None else done.target or f"{done.message} ({done.hint})"

    assert to("../pages/a-propos.md#methode-de-travail") == "a-propos/#methode-de-travail"
    assert to("/a-propos/#carte") == "a-propos/#page_a-propos_carte"  # a raw id, as the editor wrote it
    assert to("../topics/irak.md#contexte") == "topics/irak/#contexte"
    assert to("/topics/irak/#topic-events") == "topics/irak/#topic-events"
    assert to("../pages/a-propos.md#metode-de-travail") == (
        "broken link '../pages/a-propos.md#metode-de-travail': /a-propos/ has no anchor '#metode-de-travail'"
        " (did you mean 'methode-de-travail'?)"
    )
    assert to("/a-propos/#crte") == (
        "broken link '/a-propos/#crte': /a-propos/ has no anchor '#crte' (did you mean 'carte'?)"
    )  # the editor's name of the id, not its namespaced one


def _copy_project(root: Path) -> Path:
    for name in ("content", "themes", "seeds", "dossier"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yml", "build.py"):
        shutil.copy(REPO / name, root / name)
    return root


def _append(path: Path, more: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + more, encoding="utf-8")


ANCHORS = """\
---
title: "Des ancres"
date: 2024-05-02
---
Voir [la méthode](../pages/a-propos.md#methode-de-travail) et [le contexte](/topics/irak/#contexte).

Puis [une faute](../pages/a-propos.md#metode-de-travail), [la carte](/a-propos/#carte).

Et [une autre](../topics/irak.md#contexe), [les événements](/topics/irak/#topic-events).

## Plus loin

Encore [plus loin](#plus-loin).
"""


def test_anchors_on_pages_and_topics_are_checked_as_an_editor_types_them(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    _append(root / "content/pages/a-propos.md", '\n## Méthode de travail\n\nUne <span id="carte">carte</span>.\n')
    further = "Voir [plus loin](../articles/des-ancres.md#plus-loin)."
    _append(root / "content/topics/irak.md", f"\n## Contexte\n\n{further}\n")
    _append(root / "content/timeline/accord-sofa.md", "\n## Le texte\n\nSigné à Bagdad.\n")
    article = root / "content/articles/des-ancres.md"
    article.write_text(
        ANCHORS + "\nSur la frise, [le texte](/timeline/#event_accord-sofa_le-texte).\n", encoding="utf-8"
    )
    check = [sys.executable, "build.py", "check"]
    done = subprocess.run(check, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "content/articles/des-ancres.md:7: error: broken link '../pages/a-propos.md#metode-de-travail': "
        "/a-propos/ has no anchor '#metode-de-travail' (hint: did you mean 'methode-de-travail'?)",
        "content/articles/des-ancres.md:9: error: broken link '../topics/irak.md#contexe': "
        "/topics/irak/ has no anchor '#contexe' (hint: did you mean 'contexte'?)",
        "2 errors",
    ]
    assert "Traceback" not in done.stdout + done.stderr
    fixed = (
        article.read_text(encoding="utf-8")
        .replace("#metode-de-travail", "#methode-de-travail")
        .replace("#contexe", "#contexte")
    )
    article.write_text(fixed, encoding="utf-8")
    command = [sys.executable, "build.py", "build", "--base-url", "https://example.org/x/", "-q", "--no-search"]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = root / "_site"
    assert sitecheck.broken_links(out, "/x/") == []  # every anchor is an id of its page
    page = (out / "a-propos/index.html").read_text(encoding="utf-8")
    assert '<h2 id="methode-de-travail">Méthode de travail</h2>' in page
    written = (out / "articles/des-ancres/index.html").read_text(encoding="utf-8")
    for url in (
        "/x/a-propos/#methode-de-travail",
        "/x/topics/irak/#contexte",
        "/x/a-propos/#page_a-propos_carte",
        "/x/timeline/#event_accord-sofa_le-texte",  # an event's heading, under its name
    ):
        assert f'href="{url}"' in written
    assert '<h2 id="plus-loin">Plus loin</h2>' in written and 'href="#plus-loin"' in written
    topic = (out / "topics/irak/index.html").read_text(encoding="utf-8")
    assert '<h2 id="contexte">Contexte</h2>' in topic and 'href="/x/articles/des-ancres/#plus-loin"' in topic


def test_a_fragment_of_a_link_to_a_note_or_an_event_names_an_id_of_its_own_text(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    from conftest import ARTICLE

    root = tree(
        {
            "content/articles/un-article.md": ARTICLE + "\n## Le texte\n\nDu texte.\n",
            "content/annotations/n.md": (
                "---\narticle: un-article\nquote: entamé en janvier\nkind: contexte\n---\n## Le texte\n\nLa note.\n"
            ),
            "content/timeline/accord.md": '---\ntitle: "Accord"\ndate: 2008-11-17\n---\n## Le texte\n\nSigné.\n',
            "content/pages/liens.md": (
                '---\ntitle: "Liens"\n---\n'
                "[a](../annotations/n.md#le-texte) [b](../timeline/accord.md#le-texte)"
                " [c](../annotations/n.md#note-1) [d](../articles/un-article.md#le-texte)\n"
            ),
        }
    )
    assert run("build", "--root", root, "--no-search").code == 0
    page = (root / "_site" / "liens" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="([^"]*)"', page.split('<article class="prose"', 1)[1].split("</article>", 1)[0]) == [
        "/articles/un-article/#note_n_le-texte",  # the note's heading, not the article's of the same words
        "/timeline/#event_accord_le-texte",
        "/articles/un-article/#note-1",  # an id of the page that shows it
        "/articles/un-article/#le-texte",
    ]
    article = (root / "_site" / "articles" / "un-article" / "index.html").read_text(encoding="utf-8")
    assert 'id="note_n_le-texte"' in article and 'id="le-texte"' in article

    (root / "content" / "pages" / "liens.md").write_text(
        '---\ntitle: "Liens"\n---\n[a](../annotations/n.md#le-txte)\n', encoding="utf-8"
    )
    assert run("check", "--root", root).errors == [
        "content/pages/liens.md:4: error: broken link '../annotations/n.md#le-txte': /articles/un-article/ has no"
        " anchor '#le-txte' in that text (hint: did you mean 'le-texte'?)"
    ]


def test_a_link_to_a_note_that_could_not_be_anchored_is_not_said_broken_too(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    note = "---\narticle: un-article\nquote: {quote}\nkind: contexte\n---\n{text}\n"
    root = tree(
        {
            "content/annotations/perdue.md": note.format(quote="une phrase absente", text="Perdue."),
            "content/annotations/n.md": note.format(quote="entamé en janvier", text="Voir [l'autre](perdue.md)."),
        }
    )
    errors = run("check", "--root", root).errors
    assert len(errors) == 1 and errors[0].startswith("content/annotations/perdue.md:3: error: quote not found")
