"""Every JSON-LD block of a built site, expanded against the schema.org vocabulary.

schema.org's release 30.0 is vendored under ``tests/vendor/schemaorg/`` with its licence (its
JSON-LD context and its vocabulary; no network in tests). Each block is expanded with PyLD, the
context served from the vendored file; then every type must be a schema.org class, every
property a schema.org property whose domain includes the node's type (or one it is a kind
of), and every ``Date`` a whole date (``2024-03-15``): a month alone is no schema.org Date.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pyld import jsonld  # type: ignore[import-untyped]
from test_search import _build
from test_site import copy_project

VENDOR = Path(__file__).parent / "vendor" / "schemaorg"
SCHEMA = ("http://schema.org/", "https://schema.org/")
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$")


@functools.cache
def _context() -> dict[str, Any]:
    return json.loads((VENDOR / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"a context from somewhere else than schema.org: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": _context()}


@functools.cache
def _vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """schema.org's classes (each → its superclasses, itself included) and properties (each → its domain)."""
    graph = json.loads((VENDOR / "schemaorg-current-https.jsonld").read_text(encoding="utf-8"))["@graph"]

    def ids(value: Any) -> set[str]:
        values = value if isinstance(value, list) else [value] if value else []
        return {v["@id"].removeprefix("schema:") for v in values}

    parents: dict[str, set[str]] = {}
    domains: dict[str, set[str]] = {}
    for node in graph:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        name = node["@id"].removeprefix("schema:")
        if "rdfs:Class" in kinds or "schema:DataType" in kinds:
            parents[name] = ids(node.get("rdfs:subClassOf"))
        if "rdf:Property" in kinds:
            domains[name] = ids(node.get("schema:domainIncludes"))

    def ancestors(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found = {name}
        for parent in parents.get(name, set()) - seen:
            found |= ancestors(parent, seen | {name})
        return found

    return {name: ancestors(name) for name in parents}, domains


def _term(iri: str) -> str:
    for prefix in SCHEMA:
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    raise AssertionError(f"not a schema.org term: {iri}")


def _problems(node: dict[str, Any], where: str) -> Iterator[str]:
    classes, domains = _vocabulary()
    types = [_term(t) for t in node.get("@type", [])]
    for kind in types:
        if kind not in classes:
            yield f"{where}: unknown type {kind}"
    kinds = set().union(*(classes.get(k, {k}) for k in types)) if types else set()
    for key, values in node.items():
        if key.startswith("@"):
            continue
        name = _term(key)
        if name not in domains:
            yield f"{where}: unknown property {name}"
            continue
        if kinds and not (domains[name] & kinds):
            yield f"{where}: {name} is not a property of {'/'.join(types)}"
        for value in values:
            date = value.get("@type") in ("http://schema.org/Date", "https://schema.org/Date")
            if date and not DAY.match(value["@value"]):
                yield f"{where}: {name} {value['@value']!r} is not a schema.org Date"
            if "@value" not in value:  # a node: checked in turn
                yield from _problems(value, f"{where} {name}")


def blocks(site: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for page in sorted(site.rglob("*.html")):
        for found in BLOCK.finditer(page.read_text(encoding="utf-8")):
            yield page.relative_to(site).as_posix(), json.loads(found.group(1))


def problems(site: Path) -> list[str]:
    found: list[str] = []
    for where, data in blocks(site):
        for node in jsonld.expand(data, {"documentLoader": _loader}):
            found += _problems(node, where)
    return found


MORE = {
    "content/articles/accord-washington-bagdad.md": (
        '---\ntitle: "Accord entre Washington et Bagdad"\ndate: 2024-09-27\ntopics: [irak]\n'
        "image:\n  src: ../media/bagdad.jpg\n  alt: Bagdad au matin\n  caption: La capitale.\n  credit: Reuters\n---\n"
        "Les deux pays annoncent la fin de la mission de la coalition.\n"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("schemaorg"))
    for rel, text in MORE.items():
        (root / rel).write_text(text, encoding="utf-8")
    (root / "content/media").mkdir(exist_ok=True)
    Image.new("RGB", (1200, 800), (90, 120, 160)).save(root / "content/media/bagdad.jpg", "JPEG")
    settings = root / "site.yml"
    publisher = "publisher:\n  name: Le Quotidien\n  url: https://lequotidien.example/\n  logo: /static/favicon.svg\n"
    settings.write_text(settings.read_text(encoding="utf-8") + publisher, encoding="utf-8")
    return _build(root)


def test_every_block_uses_schema_org_terms_where_they_apply(site: Path) -> None:
    assert len(list(blocks(site))) > 10
    assert problems(site) == []


def test_the_check_finds_an_unknown_term_a_misplaced_one_and_a_month_as_a_date(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headlne": "x",
        "numberOfItems": 2,
        "datePublished": "2024-03",
    }
    page.write_text(f'<script type="application/ld+json">{json.dumps(data)}</script>', encoding="utf-8")
    assert problems(tmp_path) == [
        "index.html: datePublished '2024-03' is not a schema.org Date",
        "index.html: unknown property headlne",
        "index.html: numberOfItems is not a property of NewsArticle",
    ]


def _ld(site: Path, page: str) -> dict[str, Any]:
    return next(data for where, data in blocks(site) if where == page)


def test_a_news_article_has_its_author_publisher_and_a_valid_date(site: Path) -> None:
    dated = _ld(site, "articles/accord-washington-bagdad/index.html")
    assert dated["datePublished"] == "2024-09-27" and "temporalCoverage" not in dated
    image = dated["image"]
    assert image["@type"] == "ImageObject" and (image["width"], image["height"]) == (1200, 800)
    assert image["url"].startswith("https://example.github.io/dossier/") and image["creditText"] == "Reuters"
    assert dated["author"] == {"@type": "Organization", "name": "La rédaction du dossier"}  # no agency: the dossier's
    assert dated["publisher"] == {
        "@type": "Organization",
        "name": "Le Quotidien",
        "url": "https://lequotidien.example/",
        "logo": {"@type": "ImageObject", "url": "https://example.github.io/dossier/static/favicon.svg"},
    }
    month = _ld(site, "articles/irak-fin-de-la-coalition/index.html")
    assert month["author"]["name"] == "Reuters" and "datePublished" not in month
    assert month["temporalCoverage"] == "2024-03"  # no day is made up


def test_the_home_page_describes_the_website_and_its_collection(site: Path) -> None:
    home = _ld(site, "index.html")
    website, page = home["@graph"]
    assert website["@type"] == "WebSite" and page["@type"] == "CollectionPage"
    assert website["url"] == page["url"] == "https://example.github.io/dossier/"
    assert page["isPartOf"] == {"@id": website["@id"]} and website["publisher"]["name"] == "Le Quotidien"
    assert website["description"].startswith("La dépêche Reuters de mars 2024")
