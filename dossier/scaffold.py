"""``new article|annotation|event|topic|page``: write a correctly-formed content file.

Values are checked the way the build checks them (dates, topics, the article a note points
to, its quote) before anything is written; an existing file is never replaced.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import content, filecache, htmltext
from .annotations import locate, nearest_passage
from .content import KIND_BY_FOLDER
from .errors import ContentErrors, Diagnostic, DossierError, Location
from .markup import Markdown
from .model import Article, PartialDate
from .slugs import slugify
from .topics import Vocabulary

SLUG_LENGTH = 60

FOLDERS = {"article": "articles", "annotation": "annotations", "event": "timeline", "topic": "topics", "page": "pages"}


@dataclass(frozen=True)
class Request:
    kind: str  # a key of FOLDERS
    fields: dict[str, object]  # front matter, in order; None and empty values are left out
    text: str
    slug: str  # from the arguments, or made from the title / label / quote


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, PartialDate):
        return value.iso()
    return json.dumps(str(value), ensure_ascii=False)


def render(request: Request) -> str:
    lines = ["---"]
    lines += [f"{k}: {_yaml(v)}" for k, v in request.fields.items() if v not in (None, "", [], ())]
    lines += ["---", request.text.strip(), ""]
    return "\n".join(lines)


def make_slug(text: str) -> str:
    slug = slugify(text)
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    if not slug:
        raise DossierError("cannot make a slug from this text: give --slug")
    return slug


def _load_all(root: Path) -> content.Content:
    records, _ = filecache.load(root)
    return records


def _check_references(root: Path, request: Request, rel: str) -> list[Diagnostic]:
    records = _load_all(root)
    where = Location(rel, 0)
    problems: list[Diagnostic] = []
    topics = _strings(request.fields.get("topics"))
    if topics:
        _, found = Vocabulary.of(records.topics).check(topics, where)
        problems += found
    articles = {a.slug: a for a in records.articles}
    cited = _strings(request.fields.get("articles"))
    if request.kind == "annotation":
        cited.append(str(request.fields["article"]))
    for slug in cited:
        if slug not in articles:
            problems.append(Diagnostic(where, f"unknown article '{slug}'"))
    if request.kind == "annotation" and not problems:
        problems += _check_quote(articles[str(request.fields["article"])], request, where)
    return problems


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _check_quote(article: Article, request: Request, where: Location) -> list[Diagnostic]:
    text = htmltext.build(Markdown().convert(article.body)).text
    quote, prefix, suffix = (str(request.fields.get(k) or "") for k in ("quote", "prefix", "suffix"))
    found = locate(text, quote, prefix, suffix)
    if not found:
        hint = f'nearest passage: "{nearest_passage(text, quote)}"'
        return [Diagnostic(where, f"quote not found in article '{article.slug}'", hint)]
    if len(found) > 1:
        message = f"quote found {len(found)} times in article '{article.slug}'"
        return [Diagnostic(where, message, "give --prefix or --suffix")]
    return []


def create(root: Path, request: Request) -> Path:
    """Check ``request`` like the build would, then write it; returns the new file's path."""
    folder = FOLDERS[request.kind]
    rel = f"content/{folder}/{request.slug}.md"
    target = root / rel
    if target.exists():
        raise ContentErrors([Diagnostic(Location(rel, 0), "exists already: not replaced", "choose another --slug")])
    text = render(request)
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / rel
        probe.parent.mkdir(parents=True)
        probe.write_text(text, encoding="utf-8")
        _, problems = content.load_file(Path(scratch), KIND_BY_FOLDER[folder], probe)
    problems = [Diagnostic(Location(rel, d.location.line), d.message, d.hint) for d in problems]
    problems += _check_references(root, request, rel)
    if problems:
        raise ContentErrors(problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as stream:
        stream.write(text)
    return target


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def request_from(kind: str, args: object) -> Request:
    """Build a request from the parsed command-line arguments of ``new KIND``."""
    a = vars(args)
    text = a.get("text") or ""
    if kind == "article":
        fields: dict[str, object] = {
            "title": a["title"],
            "date": a["date"],
            "topics": split_list(a.get("topics")),
            "source": a.get("source"),
            "summary": a.get("summary"),
            "draft": True if not text else None,
        }
        text = text or "<!-- Le texte de l'article, tel que reçu. -->"
        base = a["title"]
    elif kind == "annotation":
        fields = {
            "article": a["article"],
            "quote": a["quote"],
            "prefix": a.get("prefix"),
            "suffix": a.get("suffix"),
            "kind": a["note_kind"],
            "topics": split_list(a.get("topics")),
        }
        text = text or "<!-- La note sur ce passage : contexte, définition, chiffre... -->"
        base = f"{a['article']}-{a['quote']}"
    elif kind == "event":
        fields = {
            "title": a["title"],
            "date": a["date"],
            "end": a.get("end"),
            "topics": split_list(a.get("topics")),
            "articles": split_list(a.get("articles")),
        }
        base = a["title"]
    elif kind == "topic":
        fields = {"label": a["label"], "keywords": split_list(a.get("keywords"))}
        base = a["label"]
    else:
        fields = {"title": a["title"], "summary": a.get("summary")}
        text = text or "<!-- Le texte de la page. -->"
        base = a["title"]
    return Request(kind, fields, text, a.get("slug") or make_slug(base))
