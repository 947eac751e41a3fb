"""The workbench's guards that a test against a real serve on loopback cannot reach (see
``test_workbench_browser.py`` for the endpoints themselves, from Chromium and http.client)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from dossier.commands import workbench_http


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.168.1.5", False),  # another machine on the network, with --host 0.0.0.0
        ("::ffff:192.168.1.5", False),
        ("2001:db8::1", False),
        ("", False),
        ("not an address", False),
    ],
)
def test_writes_come_from_this_machine_only(address: str, allowed: bool) -> None:
    request: Any = SimpleNamespace(remote_ip=address)
    assert workbench_http._loopback(request) is allowed


def test_each_server_has_its_own_unguessable_token() -> None:
    tokens = {workbench_http.new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 40 for t in tokens)


@pytest.mark.parametrize(
    ("page", "slug"),
    [
        ("/articles/irak/", "irak"),
        ("/articles/irak/index.html", "irak"),
        ("/articles/", None),
        ("/topics/irak/", None),
        ("/articles/irak/annotations.jsonld", None),
        ("/articles/../", None),
        ("/articles/Irak/", None),
    ],
)
def test_an_article_page_is_known_by_its_path(page: str, slug: str | None) -> None:
    assert workbench_http.article_of(page) == slug
