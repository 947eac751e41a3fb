"""``{% cache %}``: a piece rendered once per build and key, never carried into the next build."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from conftest import REPO, Run

from dossier.engine import Engine
from dossier.options import Options
from dossier.publish import fragments, i18n, render
from dossier.publish.pages import PlannedPage
from dossier.publish.urls import Urls

sys.path.insert(0, str(REPO))
from bench.generate import generate


def environment(templates: dict[str, str]) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates), extensions=[fragments.Fragments], autoescape=True)


def test_a_piece_is_rendered_once_for_each_key() -> None:
    calls: list[int] = []
    env = environment({"p.html": "{% cache ('card', n) %}<b>{{ seen(n) }}</b>{% endcache %}|{{ n }}"})
    env.globals["seen"] = lambda n: calls.append(n) or n
    page = env.get_template("p.html")
    assert [page.render(n=n) for n in (1, 2, 1, 1)] == ["<b>1</b>|1", "<b>2</b>|2", "<b>1</b>|1", "<b>1</b>|1"]
    assert calls == [1, 2]


def test_a_piece_is_escaped_like_the_rest_and_kept_as_markup() -> None:
    env = environment({"p.html": "{% cache 'k' %}{{ text }}{% endcache %}{% cache 'k' %}{% endcache %}"})
    assert env.get_template("p.html").render(text="<i>") == "&lt;i&gt;&lt;i&gt;"


def test_each_rendering_starts_with_nothing_kept(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text("{% cache 'title' %}{{ title }}{% endcache %}")
    env = render.environment([tmp_path], Urls("/"), i18n.load(REPO / "dossier" / "themes" / "default", "fr", REPO))

    def build(title: str) -> bytes:
        page = PlannedPage("p/", "p.html", (title,), lambda t: {"title": t}, "test")
        return render.render(env, [page], {}, tmp_path)["p/index.html"]

    assert build("Avant") == b"Avant"
    assert build("Après") == "Après".encode()
    kept = [e for e in env.extensions.values() if isinstance(e, fragments.Fragments)]
    assert len(kept) == 1 and kept[0].kept == {}  # nothing held between builds


def test_a_key_that_cannot_be_kept_is_a_template_error(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    page = '{% extends "base.html" %}{% block content %}\n{% cache {"a": 1} %}x{% endcache %}{% endblock %}'
    root = tree({"templates/404.html": page})
    result = run("build", "--root", root)
    assert result.code == 1
    assert result.errors == [
        "templates/404.html:2: error: template error: unhashable type: 'dict' (while rendering /404.html)"
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_edited_title_reaches_every_card_of_the_next_build(tmp_path: Path, jobs: int) -> None:
    """The development server's builds reuse one environment, whose pieces are the last build's."""
    generate(tmp_path, 60, 1, 6, 4)
    builder = Engine(Options(tmp_path, jobs=jobs))
    first = builder.produce()
    builder.accept(first)
    source = tmp_path / "content" / "articles" / "article-00007.md"
    text = source.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title:"))
    source.write_text(text.replace(old, "title: Un titre tout neuf", 1), encoding="utf-8")
    second = builder.produce({source})
    listings = [p for p in second.files if p.startswith("topics/") and "Un titre tout neuf" in second.files[p].decode()]
    assert listings, sorted(second.files)
    clean = Engine(Options(tmp_path, jobs=jobs)).produce()
    assert {p: second.files[p] for p in second.files} == {p: clean.files[p] for p in second.files}
