"""The build command's pipeline: the cyclic collector is off while it runs, and on again after."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import pipeline
from dossier.builder import Builder, Result
from dossier.errors import ContentErrors
from dossier.options import Options


def test_the_collector_is_off_during_a_build_and_on_after(
    tree: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    produce = Builder.produce

    def watched(self: Builder, changed: object = None) -> Result:
        seen.append(gc.isenabled())
        return produce(self)

    monkeypatch.setattr(Builder, "produce", watched)
    root = tree()
    assert gc.isenabled()
    pipeline.build(Options(root, search=False))
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_failed_build(tree: Callable[..., Path]) -> None:
    root = tree({"content/articles/un-article.md": "---\ntitle: [\n---\n"})
    with pytest.raises(ContentErrors):
        pipeline.build(Options(root, search=False))
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(tree: Callable[..., Path]) -> None:
    root = tree()
    gc.disable()
    try:
        pipeline.build(Options(root, search=False))
        assert not gc.isenabled()
    finally:
        gc.enable()
