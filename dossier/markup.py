"""Markdown → HTML, one converter reused for every document."""

from __future__ import annotations

import markdown

EXTENSIONS = ("extra", "sane_lists")


class Markdown:
    """A reusable converter (Python-Markdown instances are cheap to reset, costly to build)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")

    def convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def inline(self, text: str) -> str:
        """Markdown for one line of text, without the wrapping paragraph."""
        html = self.convert(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html
