"""Two content files of one kind with one slug: said at once, at the file that chose it, the
other kept (its notes anchored in it, its links checked), with every other problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import ARTICLE, TOPIC, Run

NOTE = "---\narticle: {article}\nquote: entamé en janvier\nkind: contexte\n---\nUne note.\n"
EVENT = '---\ntitle: "L\'accord"\ndate: 2008-11-17\n{more}---\nSigné.\n'
PAGE = '---\ntitle: "À propos"\n{more}---\nTexte.\n'
OTHER = ARTICLE.replace("Un article", "Un autre article").replace("entamé en janvier", "commencé en février")


def test_an_article_whose_slug_line_takes_another_s_url_is_said_there_and_the_notes_stay_on_the_other(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree(
        {
            "content/articles/autre.md": OTHER.replace("---\n", "---\nslug: un-article\n", 1),
            "content/annotations/n.md": NOTE.format(article="un-article"),
        }
    )
    done = run("check", "--root", root)
    assert done.errors == [
        "content/articles/autre.md:2: error: two things on one URL /articles/un-article/: this file and"
        " content/articles/un-article.md (hint: give this file another slug)"
    ]  # and no "quote not found": the note is anchored in the article it was written on


def test_every_kind_says_its_own_and_every_other_problem_comes_too(
    tree: Callable[..., Path], run: Callable[..., Run]
) -> None:
    root = tree(
        {
            "content/articles/2024/un-article.md": ARTICLE.replace("Un article", "Le même, ailleurs"),
            "content/annotations/n.md": NOTE.format(article="un-article"),
            "content/annotations/vieux/n.md": NOTE.format(article="un-article"),
            "content/timeline/accord.md": EVENT.format(more=""),
            "content/timeline/2008/accord.md": EVENT.format(more=""),
            "content/topics/autre.md": TOPIC.replace("---\n", "---\nslug: irak\n", 1),
            "content/pages/a.md": PAGE.format(more="") + "[lien](nulle-part.md)\n",
            "content/pages/b.md": PAGE.format(more="slug: a\n"),
        }
    )
    done = run("check", "--root", root)
    assert done.code == 1
    assert done.errors == [
        "content/annotations/vieux/n.md:1: error: two notes named 'n': this file and content/annotations/n.md"
        " (hint: rename one of them)",
        "content/articles/un-article.md:1: error: two things on one URL /articles/un-article/: this file and"
        " content/articles/2024/un-article.md (hint: rename one of them)",
        "content/pages/a.md:5: error: broken link 'nulle-part.md': no published content file"
        " content/pages/nulle-part.md"
        " (hint: link to a file under content/ by its path from this file, as GitHub's preview follows it)",
        "content/pages/b.md:3: error: two things on one URL /a/: this file and content/pages/a.md"
        " (hint: give this file another slug)",
        "content/timeline/accord.md:1: error: two events with one anchor #event-accord on the timeline: this file"
        " and content/timeline/2008/accord.md (hint: rename one of them)",
        "content/topics/autre.md:2: error: two things on one URL /topics/irak/: this file and content/topics/irak.md"
        " (hint: give this file another slug)",
    ]
