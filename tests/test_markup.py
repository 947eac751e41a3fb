from __future__ import annotations

import markdown

from dossier.markup import extensions

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
