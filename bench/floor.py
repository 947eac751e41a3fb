"""The floor: what any Python build of a dossier on these libraries must spend.

    python bench/floor.py ROOT OUT [--jobs N]

Reads every content file of ROOT, parses its YAML front matter (PyYAML, with libyaml when
available), converts its Markdown with the same Python-Markdown extensions as dossier,
renders a one-line Jinja template per document and writes the page, over N processes
(default: the machine's cores), each with one reused converter. Nothing else: no link
checks, no anchoring, no sanitizing, no listings, no feeds. The runner (bench/run.py)
times it as a whole process, like the builds it is compared with.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

import jinja2
import markdown
import yaml
from markupsafe import Markup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dossier.source.markup import extensions

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TEMPLATE = jinja2.Environment(autoescape=True).from_string("<h1>{{ title }}</h1>{{ body }}\n")
_md: list[markdown.Markdown] = []


def page(path: str, out: str) -> None:
    if not _md:
        _md.append(markdown.Markdown(extensions=extensions(), output_format="html"))
    text = Path(path).read_bytes().decode("utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=Loader) or {}
    converter = _md[0]
    converter.reset()
    html = converter.convert(body)
    title = meta.get("title") or meta.get("label") or meta.get("quote") or ""
    data = TEMPLATE.render(title=title, body=Markup(html)).encode("utf-8")
    Path(out).write_bytes(data)


def _chunk(work: list[tuple[str, str]]) -> int:
    for path, out in work:
        page(path, out)
    return len(work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args(argv)
    if args.out.exists():
        raise SystemExit(f"{args.out} exists: the floor writes into a new folder (remove it first)")
    work: list[tuple[str, str]] = []
    for folder, _, names in os.walk(args.root / "content"):
        target = args.out / Path(folder).relative_to(args.root / "content")
        target.mkdir(parents=True, exist_ok=True)
        pages = [n for n in sorted(names) if n.endswith(".md")]
        work += [(os.path.join(folder, n), str(target / (n[:-3] + ".html"))) for n in pages]
    size = max(1, len(work) // (args.jobs * 6))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            done = sum(pool.map(_chunk, chunks, chunksize=1))
    else:
        done = sum(_chunk(c) for c in chunks)
    print(f"floor: {done} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
