"""The notes' open data, read by real annotation clients in Debian's Chromium.

Every built article page is loaded with two anchoring libraries injected, from npm
(``tests/tools/``, pinned in its lock file) and bundled for the browser with esbuild in the test
session: Apache Annotator (``@apache-annotator/dom``, the reference implementation of the W3C
selectors: exact matching) and ``dom-anchor-text-quote`` (Hypothesis's former library: fuzzy
matching). Each annotation of the page's ``annotations.jsonld`` must anchor exactly once with
Apache Annotator, in ``document.body`` and in the article's text element, and with
dom-anchor-text-quote (in the text element as it is; in ``document.body`` with the hint a
client such as Hypothesis gives it, where the position selector says the passage is: a fuzzy
search without one starts from the middle of the page, and the page's end notes and note
cards say much the same things as the text), on the very characters the page highlights for
its note (its ``<mark>`` elements); its ``TextPositionSelector`` must select them too, in the text element;
its ``id`` must name the note's element on the page. Run on the shipped dossier and on a
generated one whose notes cross paragraph breaks, emphasis and links, start the text, follow an
astral character, and are quoted again in the end notes.

The article page must not move once shown: Chromium's layout-shift entries (buffered) add up
to 0 at 1280 and at 390 px wide.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import chromium
from conftest import REPO
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from test_search import Served, _build, _serve
from test_site import copy_project

TOOLS = REPO / "tests" / "tools"
ESBUILD = TOOLS / "node_modules" / ".bin" / "esbuild"
LIBRARIES = ("@apache-annotator/dom", "dom-anchor-text-quote")
ENTRY = """
import * as annotator from "@apache-annotator/dom";
import * as textQuote from "dom-anchor-text-quote";
window.anchoring = { annotator, textQuote };
"""
SIZES = {"wide": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two libraries as one browser script, made by esbuild from ``tests/tools/node_modules``."""
    missing = [name for name in (*LIBRARIES, "esbuild") if not (TOOLS / "node_modules" / name).is_dir()]
    assert not missing, f"npm packages missing: {missing}; run: npm ci --prefix tests/tools (or bash .ci/setup)"
    work = tmp_path_factory.mktemp("bundle")
    entry = work / "entry.js"
    entry.write_text(ENTRY, encoding="utf-8")
    out = work / "anchoring.js"
    env = {**os.environ, "NODE_PATH": str(TOOLS / "node_modules")}
    command = [str(ESBUILD), str(entry), "--bundle", "--format=iife", "--log-level=error", f"--outfile={out}"]
    subprocess.run(command, check=True, env=env, cwd=work)
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


# What the page says of each annotation: how each library anchors it, as [start, end) offsets in
# the UTF-16 text of the scope (document.body, or the article's text element), next to the
# offsets of the note's highlighted passage in the same scope.
ANCHOR = """
async (collection) => {
  const { annotator, textQuote } = window.anchoring;
  const text = document.querySelector(".text");
  const offsets = (range, scope) => {
    const before = document.createRange();
    before.setStart(scope, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    return [start, start + range.toString().length];
  };
  const markRange = (number) => {
    const marks = document.querySelectorAll(`mark.passage[data-note="${number}"]`);
    if (!marks.length) return null;
    const range = document.createRange();
    range.setStart(marks[0], 0);
    range.setEnd(marks[marks.length - 1], marks[marks.length - 1].childNodes.length);
    return range;
  };
  const all = async (matches) => {
    const found = [];
    for await (const match of matches) found.push(match);
    return found;
  };
  const results = [];
  for (const [index, annotation] of collection.first.items.entries()) {
    const selectors = [].concat(annotation.target.selector);
    const quote = selectors.find((s) => s.type === "TextQuoteSelector");
    const position = selectors.find((s) => s.type === "TextPositionSelector");
    const fragment = decodeURIComponent(annotation.id.split("#")[1] || "");
    const element = document.getElementById(fragment);
    const mark = markRange(index + 1);
    const result = {
      id: annotation.id,
      note: element ? element.classList.contains("note") && element.id === `note-${index + 1}` : false,
      scopes: {},
    };
    const textStart = document.createRange();
    textStart.setStart(text, 0);
    for (const [name, scope] of [["body", document.body], ["text", text]]) {
      const exact = (await all(annotator.createTextQuoteSelectorMatcher(quote)(scope))).map((r) => offsets(r, scope));
      // in the page, where the passage should be: the text element's start plus the position
      // selector's (Hypothesis gives dom-anchor-text-quote this hint); in the text element, none
      const hint = name === "body" && position ? offsets(textStart, scope)[0] + position.start : undefined;
      const fuzzy = textQuote.toRange(scope, quote, { hint });
      const bare = textQuote.toRange(scope, quote);
      result.scopes[name] = {
        mark: mark && offsets(mark, scope),
        annotator: exact,
        textQuote: fuzzy && offsets(fuzzy, scope),
        textQuoteBare: bare && offsets(bare, scope),
      };
    }
    if (position) {
      const found = await all(annotator.createTextPositionSelectorMatcher(position)(text));
      result.scopes.text.position = found.map((r) => offsets(r, text));
    }
    results.push(result);
  }
  return results;
}
"""


def anchorings(browser: Any, bundle: str, served: Served) -> dict[str, list[dict[str, Any]]]:
    """For every article page of the site: how each of its annotations anchors (see ANCHOR)."""
    found: dict[str, list[dict[str, Any]]] = {}
    context = browser.new_context(bypass_csp=True)  # the libraries are injected inline
    page = context.new_page()
    try:
        for data in sorted(served.site.glob("articles/*/annotations.jsonld")):
            collection = json.loads(data.read_text(encoding="utf-8"))
            path = data.parent.relative_to(served.site).as_posix() + "/"
            page.goto(served.url + path)
            page.add_script_tag(content=bundle)
            found[path] = page.evaluate(ANCHOR, collection)
    finally:
        context.close()
    return found


def anchored_well(results: list[dict[str, Any]]) -> list[str]:
    """What is wrong with each annotation's anchoring (nothing, when each anchors once on its passage)."""
    problems = []
    for result in results:
        name = result["id"]
        if not result["note"]:
            problems.append(f"{name}: the id names no note of the page")
        for scope, seen in result["scopes"].items():
            mark = seen["mark"]
            if mark is None:
                problems.append(f"{name}: no highlighted passage")
                continue
            if seen["annotator"] != [mark]:
                problems.append(f"{name}: Apache Annotator in {scope}: {seen['annotator']}, the mark is {mark}")
            if seen["textQuote"] != mark:
                problems.append(f"{name}: dom-anchor-text-quote in {scope}: {seen['textQuote']}, the mark is {mark}")
            if scope == "text" and seen["textQuoteBare"] != mark:
                problems.append(f"{name}: dom-anchor-text-quote, no hint: {seen['textQuoteBare']}, the mark is {mark}")
            if scope == "text" and seen.get("position") != [mark]:
                problems.append(f"{name}: TextPositionSelector: {seen.get('position')}, the mark is {mark}")
    return problems


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_project(tmp_path_factory.mktemp("interop"))
    yield from _serve(_build(root, "--no-search"))


def test_every_note_of_the_shipped_dossier_anchors_once_on_its_passage(
    browser: Any, bundle: str, shipped: Served
) -> None:
    found = anchorings(browser, bundle, shipped)
    assert found, "no article page with notes"
    counts = {path: len(results) for path, results in found.items()}
    assert sum(counts.values()) == 16
    assert [p for results in found.values() for p in anchored_well(results)] == []


# -- a dossier made for the hard cases -------------------------------------------------------

ASTRAL = "\U0001d538\U0001d539"  # two letters outside the Basic Multilingual Plane: two UTF-16 units each
HARD_TEXT = f"""\
Premier paragraphe : l'ouverture du texte, avec un mot *souligné ici* et un
[lien vers la source](https://example.org/source) au milieu.

Deuxième paragraphe, tout entier « entre guillemets » par endroits, puis {ASTRAL} deux lettres
hors du plan de base avant la suite.

Le même passage revient. Puis encore : le même passage revient.

Dernier paragraphe, qui finit le texte.
"""

HARD_NOTES = {
    # the text's very first words: no prefix in the text element
    "debut": {"quote": "Premier paragraphe", "date": "2024-03-02"},
    # emphasis inside the passage, then a link around its end
    "emphase": {"quote": "mot souligné ici et un lien vers"},
    # across a paragraph break
    "a-cheval": {"quote": "au milieu. Deuxième paragraphe"},
    # a passage in « », quoted again in « » by the end notes
    "guillemets": {"quote": "entre guillemets"},
    # after two astral characters: code points, not UTF-16 units
    "astral": {"quote": "deux lettres hors du plan"},
    # twice in the text: the note's suffix chooses the second
    "repete": {"quote": "le même passage revient", "prefix": "encore :"},
    # the text's very last words
    "fin": {"quote": "qui finit le texte", "date": "2024-03"},
}


def hard_project(root: Path) -> Path:
    copy_project(root)
    (root / "content" / "articles" / "cas-difficiles.md").write_text(
        '---\ntitle: "Cas difficiles"\ndate: 2024-03-01\ntopics: [irak]\n---\n' + HARD_TEXT, encoding="utf-8"
    )
    for slug, fields in HARD_NOTES.items():
        front = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
        (root / "content" / "annotations" / f"cas-{slug}.md").write_text(
            f"---\narticle: cas-difficiles\nkind: contexte\n{front}---\nUne note sur « {fields['quote']} ».\n",
            encoding="utf-8",
        )
    return root


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = hard_project(tmp_path_factory.mktemp("hard"))
    yield from _serve(_build(root, "--no-search"))


def test_notes_across_paragraphs_emphasis_links_and_quotes_anchor_once_on_their_passage(
    browser: Any, bundle: str, hard: Served
) -> None:
    found = anchorings(browser, bundle, hard)
    results = found["articles/cas-difficiles/"]
    assert len(results) == len(HARD_NOTES)
    assert anchored_well(results) == []
    assert [p for results in found.values() for p in anchored_well(results)] == []


def test_the_hard_cases_are_the_ones_meant(hard: Served) -> None:
    """The selectors cross a paragraph break, start the text and count code points (not UTF-16 units)."""
    data = json.loads((hard.site / "articles" / "cas-difficiles" / "annotations.jsonld").read_text(encoding="utf-8"))
    by_quote = {}
    for item in data["first"]["items"]:
        quote, position = item["target"]["selector"]
        by_quote[quote["exact"]] = (quote, position)
    first, _ = by_quote["Premier paragraphe"]
    assert first["prefix"] == ""
    across, _ = by_quote["au milieu.\nDeuxième paragraphe"]
    assert across["suffix"].startswith(", tout entier")
    astral, position = by_quote["deux lettres\nhors du plan"]  # a soft line break, kept as the page has it
    assert ASTRAL in astral["prefix"]
    text = HARD_TEXT.replace("*", "").replace("[", "").replace("](https://example.org/source)", "")
    text = text.replace("\n\n", "\n")  # each paragraph followed by one line break (a soft one kept)
    assert text[position["start"] : position["end"]] == "deux lettres\nhors du plan"


# -- layout shift --------------------------------------------------------------------------

CLS = """
() => new Promise((resolve) => {
  let total = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  });
  observer.observe({ type: "layout-shift", buffered: true });
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    for (const entry of observer.takeRecords()) if (!entry.hadRecentInput) total += entry.value;
    observer.disconnect();
    resolve(total);
  }));
  if (document.readyState === "complete") done(); else addEventListener("load", done);
})
"""


def layout_shift(browser: Any, url: str, size: tuple[int, int]) -> float:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        return float(page.evaluate(CLS))
    finally:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_article_page_does_not_move_once_shown(browser: Any, shipped: Served, size: str) -> None:
    url = shipped.url + "articles/irak-fin-de-la-coalition/"
    assert layout_shift(browser, url, SIZES[size]) == 0


# -- the W3C's own checks of the data model ---------------------------------------------------

W3C = REPO / "tests" / "vendor" / "web-annotation-tests"
W3C_TESTS = {
    "annotation": ("annotations/annotationMusts.test", "annotations/annotationOptionals.test"),
    "agent": ("annotations/annotationsAgentOptionals.test",),
    "collection": ("collections/collectionMusts.test", "collections/collectionOptionals.test"),
    "page": ("collections/pages/pageMusts.test", "collections/pages/pageOptionals.test"),
}
REQUIRED = ("must", "should")  # a "may" is a feature dossier need not have

# The SHOULDs of their optional tests that dossier does not meet, and why. Their harness runs
# these tests with skipFailures ["should", "may"] and onUnexpectedResult "passAndContinue": a
# failure there says a feature is not implemented. Every other SHOULD must pass.
_BODY_TARGET = (
    "the body is the note's text, embedded (its creator and date are the annotation's); the target is part of the page"
)
NOT_MET = {
    "annotations/bodiesTargets/3.3.1-bodySingleCreator.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.1-bodyCreated.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.2.1-targSingleFormat.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.2.1-targSingleLanguage.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.1-targSingleCreator.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.1-targCreated.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-bodyCreatorAgentIdImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-bodyCreatorAgentTypeImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-bodyCreatorAgentNicknameImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-bodyCreatorAgentSingleNameImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-targCreatorAgentIdImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-targCreatorAgentTypeImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-targCreatorAgentNicknameImplemented.json": _BODY_TARGET,
    "annotations/bodiesTargets/3.3.2-targCreatorAgentSingleNameImplemented.json": _BODY_TARGET,
    "annotations/specificResource/4.2.1-conformsTo.json": "a FragmentSelector's: dossier writes none",
    "annotations/3.3.2-annotationCreatorAgentNicknameImplemented.json": "site.yml's editors have a name, no nickname",
    "annotations/3.3.2-annotationGeneratorAgentIdImplemented.json": "dossier has no homepage to be named by",
}
CREATED = "annotations/3.3.1-annotationCreatedImplemented.json"  # met by every note that has a date


@dataclass(frozen=True)
class Outcome:
    assertion: str
    kind: str  # must, should or may
    passed: bool
    message: str


def w3c_registry() -> Registry[Any]:
    """The definitions every assertion's ``$ref`` names, by their ``id`` (``otherProperties.json``...)."""
    resources = []
    for path in sorted((W3C / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def w3c_run(test: str, instance: object, registry: Registry[Any]) -> list[Outcome]:
    """One of their ``.test`` files run as their harness does: each assertion is a draft-04
    schema (formats checked), passed when the instance's validity is its ``expectedResult``;
    its ``assertionType`` says whether it is a MUST, a SHOULD or a MAY, and a failure whose
    ``onUnexpectedResult`` is ``failAndSkip`` or ``failAndAbort`` stops the test there."""
    outcomes = []
    for name in json.loads((W3C / test).read_text(encoding="utf-8"))["assertions"]:
        schema = json.loads((W3C / name).read_text(encoding="utf-8"))
        validator = Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)
        valid = validator.is_valid(instance)
        passed = valid == (schema.get("expectedResult", "valid") == "valid")
        outcomes.append(Outcome(name, schema.get("assertionType", "must"), passed, schema.get("errorMessage", "")))
        if not passed and schema.get("onUnexpectedResult") in ("failAndSkip", "failAndAbort"):
            break
    return outcomes


def w3c_failures(collection: dict[str, Any], registry: Registry[Any]) -> list[str]:
    """Every MUST and SHOULD of the W3C tests that the collection, its page or one of its
    annotations (with the collection's ``@context``, as it would be served alone) does not pass."""
    page = collection["first"]
    annotations = [{"@context": collection["@context"], **item} for item in page["items"]]
    instances: dict[str, list[object]] = {
        "collection": [collection],
        "page": [collection],  # "an Annotation Collection with an embedded Page"
        "annotation": list(annotations),
        "agent": list(annotations),
    }
    failures = []
    for what, tests in W3C_TESTS.items():
        for instance in instances[what]:
            assert isinstance(instance, dict)
            for test in tests:
                for outcome in w3c_run(test, instance, registry):
                    if outcome.passed or outcome.kind not in REQUIRED or outcome.assertion in NOT_MET:
                        continue
                    if outcome.assertion == CREATED and "created" not in instance:
                        continue  # a note without a date: "created" is left out, never made up
                    failures.append(f"{instance.get('id')}: {outcome.kind} {outcome.assertion}: {outcome.message}")
    return failures


def test_the_w3c_checks_are_run_as_written(shipped: Served) -> None:
    """The vendored tests fail what they should: a collection without its type, an annotation
    without its target or with a bad created date, and without its creator (a SHOULD)."""
    registry = w3c_registry()
    path = shipped.site / "articles" / "irak-fin-de-la-coalition" / "annotations.jsonld"
    broken = json.loads(path.read_text(encoding="utf-8"))
    del broken["type"]
    item = broken["first"]["items"][0]
    del item["target"]
    item["created"] = "2024-03"
    del item["creator"]
    broken["first"]["items"][1]["created"] = "2024-03-02T00:00:00Z"
    broken["first"]["items"][1]["generator"] = ["a", "b"]
    failures = w3c_failures(broken, registry)
    assert any("must collections/5.1-collectionTypeValidated.json" in f for f in failures)
    assert any("must annotations/3.1-targetKeyFound.json" in f for f in failures)
    assert any("must annotations/3.3.1-annotationCreatedValidated.json" in f for f in failures)
    assert any("should annotations/3.3.1-annotationSingleCreatorImplemented.json" in f for f in failures)
    assert any("#note-2: should annotations/3.3.2-annotationGeneratorAgentTypeImplemented.json" in f for f in failures)


def test_every_collection_passes_the_w3c_musts_and_shoulds(shipped: Served, hard: Served) -> None:
    registry = w3c_registry()
    collections = [
        *shipped.site.glob("articles/*/annotations.jsonld"),
        *hard.site.glob("articles/*/annotations.jsonld"),
    ]
    assert len(collections) == 3  # the hard project has the shipped article too
    failures = [f for path in collections for f in w3c_failures(json.loads(path.read_text("utf-8")), registry)]
    assert failures == []


def test_the_passage_of_the_note_the_address_names_is_highlighted(browser: Any, shipped: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(shipped.url + "articles/irak-fin-de-la-coalition/#note-3")
        targeted = "() => [...document.querySelectorAll('mark.is-target')].map((m) => m.dataset.note)"
        assert set(page.evaluate(targeted)) == {"3"}
        page.evaluate("() => { location.hash = '#note-5'; }")
        page.wait_for_function("() => document.querySelector('mark[data-note=\"5\"]').classList.contains('is-target')")
        assert set(page.evaluate(targeted)) == {"5"}
    finally:
        context.close()
