"""One huge article of realistic text, built: how long, and how much memory (not run in CI).

    python bench/huge.py [--megabytes 50] [--notes 20] [--near-miss] [--keep DIR]

The article is made of paragraphs of French words with some emphasis, links, lists and quotes,
as :func:`article` writes them (the suite builds a 5 MB one: tests/test_limits.py); a few notes
are anchored in it (with ``--near-miss``, the last one is not found, so the hint's search runs
over the whole text and the build fails, as it should).
Prints the size, the wall time of ``check`` and ``build``, and the peak memory of each.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

VOCABULARY = (
    "le la les un une des du de et à en pour par sur dans avec sans sous entre gouvernement commission "
    "ministre accord négociation coalition retrait troupes Bagdad Washington discussions sécurité année "
    "frontière élection parlement opposition président économie pétrole réforme budget syndicat grève "
    "tribunal enquête témoin rapport déclaration conférence sommet délégation calendrier échéance"
)
WORDS = VOCABULARY.split(" ")


def paragraph(rng: random.Random, index: int) -> str:
    """One paragraph: a plain one mostly, sometimes with emphasis and a link, a list or a quote."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
    words[0] = words[0].capitalize()
    kind = rng.random()
    end = f" (paragraphe {index})."
    if kind < 0.1:
        return "\n".join(f"- {' '.join(words[i : i + 12])} ;" for i in range(0, len(words), 12)) + end
    if kind < 0.2:
        return "> « " + " ".join(words) + " »" + end
    if kind < 0.4:
        words[3] = f"*{words[3]}*"
        words[8] = f"**{words[8]}**"
        words[-4] = f"[{words[-4]}](https://example.org/p/{index})"
    return " ".join(words) + end


def article(size: int, seed: int = 0) -> str:
    """An article's Markdown text of about ``size`` characters."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        paragraphs.append(paragraph(rng, len(paragraphs)))
        total += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs) + "\n"


def project(root: Path, megabytes: float, notes: int, near_miss: bool = False) -> None:
    """A dossier with one article of ``megabytes`` and ``notes`` notes on it (the last one a
    near miss, not found, when ``near_miss``: its hint searches the whole article)."""
    body = article(int(megabytes * 1_000_000))
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "annotations").mkdir(parents=True)
    (root / "site.yml").write_text('title: "Gros dossier"\nlanguage: fr\nbase_url: /\n', encoding="utf-8")
    (root / "content" / "articles" / "gros.md").write_text(
        f'---\ntitle: "Un très long article"\ndate: 2024-03\n---\n{body}', encoding="utf-8"
    )
    for number in range(notes):
        quote = f"paragraphe {number * 97 + 1})."
        if near_miss and number == notes - 1:
            quote = "paragrafe 1)."
        (root / "content" / "annotations" / f"n{number}.md").write_text(
            f'---\narticle: gros\nquote: "{quote}"\nkind: contexte\n---\nUne note.\n', encoding="utf-8"
        )
    shutil.copytree(REPO / "dossier" / "themes", root / "themes")


def timed(command: list[str]) -> tuple[float, int, int, str]:
    """Wall seconds, peak memory (MB) of the children, exit code and the last line of stderr."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return seconds, peak, done.returncode, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--near-miss", action="store_true", help="one note is not found: the build fails")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dossier-huge-"))
    try:
        project(folder, args.megabytes, args.notes, args.near_miss)
        size = (folder / "content" / "articles" / "gros.md").stat().st_size
        print(f"article: {size / 1e6:.1f} MB, {args.notes} notes" + (" (one a near miss)" * args.near_miss))
        dossier = [sys.executable, "-m", "dossier"]
        for name in ("check", "build"):
            seconds, peak, code, last = timed([*dossier, name, "--root", str(folder)])
            print(f"{name}: {seconds:.1f} s, {size / 1e6 / seconds:.2f} MB/s, peak {peak} MB, exit {code}: {last}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
