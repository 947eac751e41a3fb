"""The sanitizer: what a note legitimately needs survives, what could run is removed, with warnings."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run
from test_xss import PNG

from dossier.errors import Location
from dossier.link import htmltext
from dossier.link.annotations import anchor
from dossier.model import Annotation, Origin
from dossier.source import sanitize
from dossier.source.markup import Markdown

MD = Markdown()

LEGITIMATE = {
    "link": ("[Reuters](https://www.reuters.com/world/)", '<a href="https://www.reuters.com/world/">Reuters</a>'),
    "relative link": ("[la chronologie](../../timeline/)", '<a href="../../timeline/">la chronologie</a>'),
    "mail": ("[écrire](mailto:redaction@example.org)", '<a href="mailto:redaction@example.org">écrire</a>'),
    "emphasis": ("*un* **deux** `trois`", "<em>un</em> <strong>deux</strong> <code>trois</code>"),
    "list": ("- un\n- deux\n", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"),
    "ordered list": ("3. trois\n4. quatre\n", '<ol start="3">\n<li>trois</li>\n<li>quatre</li>\n</ol>'),
    "quote": ("> Une citation.\n", "<blockquote>\n<p>Une citation.</p>\n</blockquote>"),
    "image": ("![Carte](/static/carte.png)", '<img alt="Carte" src="/static/carte.png">'),
    "figure": (
        '<figure><img src="carte.png" alt="Carte"><figcaption>La carte</figcaption></figure>',
        '<figure><img src="carte.png" alt="Carte"><figcaption>La carte</figcaption></figure>',
    ),
    "abbreviation": ('<abbr title="Organisation des Nations unies">ONU</abbr>', '<abbr title="Organisation'),
    "code block": ("```python\nx = 1\n```\n", '<pre><code class="language-python">x = 1'),
    "heading with id": ("## Contexte {#contexte}\n", '<h2 id="contexte">Contexte</h2>'),
    "footnote": ("Texte[^1].\n\n[^1]: La note.\n", '<a class="footnote-ref" href="#fn:1">1</a>'),
    "definition list": ("Coalition\n: alliance de pays\n", "<dl>\n<dt>Coalition</dt>\n<dd>alliance de pays</dd>"),
    "harmless style": ('<span style="color: #a00">rouge</span>', '<span style="color: #a00">rouge</span>'),
}


@pytest.mark.parametrize("case", sorted(LEGITIMATE))
def test_what_a_note_needs_survives(case: str) -> None:
    markdown, expected = LEGITIMATE[case]
    converted = MD.render(markdown)
    assert expected in converted.html
    assert converted.removed == ()


def test_table_with_alignment_survives() -> None:
    converted = MD.render("| Pays | Soldats |\n|:-----|--------:|\n| Irak | 2 500 |\n")
    assert "<table>" in converted.html
    assert '<th style="text-align: left">Pays</th>' in converted.html
    assert '<td style="text-align: right">2 500</td>' in converted.html
    assert converted.removed == ()


DANGEROUS = {
    "script": ("<script>alert(1)</script>", "unsafe HTML removed: <script> element and its content"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "unsafe HTML removed: <iframe> element"),
    "object": ('<object data="x.swf"></object>', "unsafe HTML removed: <object> element"),
    "event handler": ('<img src="x.png" alt="" onerror="alert(1)">', "event handler 'onerror' on <img>"),
    "javascript link": ("[clic](javascript:alert(1))", "javascript: URL in 'href' of <a>"),
    "data link": ("[clic](data:text/html;base64,PHNjcmlwdD4=)", "data: URL in 'href' of <a>"),
    "style expression": ('<p style="width: expression(alert(1))">x</p>', "style with url(), expression()"),
    "style url": ('<p style="background: url(javascript:alert(1))">x</p>', "style with url(), expression()"),
    "attribute list": ('Texte.\n{: onclick="alert(1)" }\n', "event handler 'onclick' on <p>"),
}


@pytest.mark.parametrize("case", sorted(DANGEROUS))
def test_dangerous_html_is_removed_with_a_warning(case: str) -> None:
    markdown, message = DANGEROUS[case]
    converted = MD.render(markdown)
    lowered = converted.html.lower()
    for bad in ("<script", "<iframe", "<object", "onerror", "onclick", "javascript:", "data:", "expression"):
        assert bad not in lowered
    warnings = converted.warnings(Location("content/annotations/n.md", 5))
    assert warnings and all(w.format().startswith("content/annotations/n.md:") for w in warnings)
    assert any(message in w.format() for w in warnings)


def test_harmless_but_unknown_html_keeps_its_text() -> None:
    converted = MD.render('<font color="red">rouge</font> et <td align="left">')
    assert "rouge" in converted.html and "<font" not in converted.html
    assert [r.message for r in converted.removed] == ["<font> tag (its text is kept)", "attribute 'align' on <td>"]
    assert not any(r.unsafe for r in converted.removed)


def test_images_from_other_sites_are_dropped() -> None:
    converted = MD.render("![a](https://tracker.example/pixel.gif) ![b](//cdn.example/x.png) ![c](img/c.png)")
    assert converted.html.count("src=") == 1
    assert 'src="img/c.png"' in converted.html
    assert len(converted.removed) == 2


def test_removals_are_placed_at_their_line() -> None:
    text = "Premier paragraphe.\n\nDeuxième, sûr.\n\n<script>alert(1)</script>\n\nEt [un lien](javascript:x).\n"
    converted = MD.render(text)
    assert [(r.line, r.unsafe) for r in converted.removed] == [(5, True), (7, True)]
    warnings = converted.warnings(Location("content/articles/a.md", 6))
    assert [w.location.line for w in warnings] == [10, 12]


def test_convert_is_always_sanitized() -> None:
    assert "<script" not in MD.convert("<script>alert(1)</script>")


def test_sanitized_output_keeps_angle_brackets_out_of_tags() -> None:
    html = sanitize.clean('<abbr title="a > b &lt; c">x</abbr>')
    assert html == '<abbr title="a &gt; b &lt; c">x</abbr>'


def test_style_filter() -> None:
    assert sanitize.clean_style("text-align: left; position: fixed") == "text-align: left"
    assert sanitize.clean_style("color: red; background: url(x.png)") is None
    assert sanitize.clean_style("width: expr\\65 ssion(alert(1))") is None
    assert sanitize.clean_style("z-index: 9") is None


def test_site_urls() -> None:
    assert sanitize.is_site_url("/static/a.png") and sanitize.is_site_url("a.png")
    for url in ("https://x.org/a.png", "//x.org/a.png", "/\\x.org/a.png", "java\tscript:x", " data:image/png,x"):
        assert not sanitize.is_site_url(url)


def test_anchoring_works_on_sanitized_html() -> None:
    body = 'Le <span onclick="x()">Parlement</span> irakien a voté.<script>alert("Parlement irakien")</script>'
    textmap = htmltext.build(MD.convert(body))
    note = Annotation("n", "a", "Parlement irakien", "contexte", "Note.", Origin("content/annotations/n.md"))
    result, problems = anchor(textmap, [note])
    assert problems == []
    assert 'data-note="1">Parlement</mark></span><mark class="passage" data-note="1"> irakien</mark>' in (
        result.blocks[0].html
    )
    assert "script" not in result.blocks[0].html and "onclick" not in result.blocks[0].html


def test_build_warns_at_the_file_and_line(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    note = (
        '---\narticle: un-article\nquote: "entamé en janvier"\nkind: contexte\n---\n'
        "Une note.\n\n<img src=../media/x.png alt=x onerror=alert(1)>\n"
    )
    event = "---\ntitle: Retrait\ndate: 2024-09\n---\n[clic](javascript:alert(1))\n"
    page = "---\ntitle: À propos\n---\nTexte.\n\n<iframe src=https://evil.example/></iframe>\n"
    root = tree(
        {
            "content/annotations/n.md": note,
            "content/timeline/retrait.md": event,
            "content/pages/a-propos.md": page,
            "content/topics/irak.md": '---\nlabel: "Irak"\n---\nL\'Irak <object data="x"></object>.\n',
            "content/media/x.png": PNG,
            "site.yml": 'title: "Dossier"\nintro: "Bienvenue <script>alert(1)</script>"\n',
        }
    )
    result = run("build", "--root", root)
    assert result.code == 0
    warnings = [line for line in result.diagnostics if "HTML removed" in line]
    intro = [line for line in warnings if line.startswith("site.yml:")]
    assert [line.split(": ", 1)[1] for line in intro] == [
        "warning: unsafe HTML removed: <script> element and its content (hint: content cannot run scripts)"
    ]
    assert [line for line in warnings if not line.startswith("site.yml:")] == [
        "content/annotations/n.md:8: warning: unsafe HTML removed: event handler 'onerror' on <img>"
        " (hint: content cannot run scripts)",
        "content/pages/a-propos.md:6: warning: unsafe HTML removed: <iframe> element and its content"
        " (hint: content cannot run scripts)",
        "content/timeline/retrait.md:5: warning: unsafe HTML removed: javascript: URL in 'href' of <a>"
        " (hint: content cannot run scripts)",
        "content/topics/irak.md:4: warning: unsafe HTML removed: <object> element and its content"
        " (hint: content cannot run scripts)",
    ]
    built = (root / "_site" / "articles" / "un-article" / "index.html").read_text()
    scripts = re.findall(r"<script[^>]*>", built)
    theme = [
        '<script type="application/ld+json">',
        '<script type="module" src="/static/search.js">',
        '<script src="/static/notes.js" defer blocking="render">',
    ]
    assert "onerror" not in built and all(tag in theme for tag in scripts), scripts


def test_article_warnings_survive_a_cached_link(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    article = "---\ntitle: A\ndate: 2024\n---\nTexte.\n\n<script>alert(1)</script>\n"
    root = tree({"content/articles/a.md": article})
    for _ in range(2):
        result = run("check", "--root", root)
        assert [line.split(" warning: ")[0] for line in result.diagnostics if "HTML removed" in line] == [
            "content/articles/a.md:7:"
        ]


def test_a_text_the_cleaner_gives_back_has_nothing_to_report() -> None:
    """The fast path: when nh3 returns the HTML unchanged (no-break spaces aside), the slow scan is skipped."""
    import markdown

    def raw(text: str) -> str:
        return markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")

    plain = raw("Le « Premier ministre »\u00a0: *oui* & **non** [lien](https://a.example/?a=1&b=2)\n\n- un\n- deux")
    assert sanitize.untouched(plain, sanitize.clean(plain))
    assert sanitize.removals(plain) == [] == sanitize.removals(plain, sanitize.clean(plain))
    for text, _ in DANGEROUS.values():
        html = raw(text)
        assert not sanitize.untouched(html, sanitize.clean(html))
        assert sanitize.removals(html)
        assert sanitize.removals(html, sanitize.clean(html)) == sanitize.removals(html)
