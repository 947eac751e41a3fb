"""``{% cache key %}…{% endcache %}``: a piece of template rendered once per build for each key.

The pieces every page repeats (the site's header and footer, an article's card on each topic
and year page it appears on) are rendered the first time a page needs them, then copied. It
is Hugo's ``partialCached`` for Jinja: the key must say everything the piece depends on
beyond the site itself (its settings, strings and content, the same for every page of one
build), for example ``{% cache ('card', article.url, heading) %}``. What is kept lasts one
build in one process: :meth:`Fragments.forget` is called before and after each rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


class Fragments(Extension):
    tags = {"cache"}  # noqa: RUF012 (Jinja reads it from the class; its type is Extension's)

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.kept: dict[Hashable, Markup] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_piece", [key]), [], [], body).set_lineno(lineno)

    def _piece(self, key: Hashable, caller: Callable[[], Markup]) -> Markup:
        kept = self.kept.get(key)
        if kept is None:
            kept = self.kept[key] = caller()
        return kept

    def forget(self) -> None:
        self.kept.clear()


def forget(env: jinja2.Environment) -> None:
    """Drop every piece kept: the next build's content or templates may differ, and a large
    site's pieces (a card per article) weigh megabytes."""
    for extension in env.extensions.values():
        if isinstance(extension, Fragments):
            extension.forget()
