"""The images benchmark: a dossier whose every article has a photo, built cold, warm and after one edit.

    python bench/images.py [--articles 1000] [--runs 1] [--jobs N] [--work DIR] [--keep] [--repo DIR]

Generates the dossier of bench/generate.py (seed 0; one note per article, a tenth as many
timeline entries) in WORK, and gives each article an ``image`` in its front matter: a
1600x1067 JPEG of its own in ``content/media/`` (a gradient under noise, so that it encodes
as a photo does, about 0.5 MB, with a camera's EXIF and a GPS position), each published in
480, 960 and 1600 pixels, in WebP and JPEG. Then measures, each as a new process running
``python build.py build --no-search``:

- cold: no cache and no output folder (every image encoded);
- warm: nothing changed;
- one edit: one article's text changed;
- pages cold, images cached: the build's memory deleted, ``.dossier-cache/media/`` kept.

After each run but the cold one it checks that no image was encoded: the cache's entries are
the same files, with the same modification times. Not run by the test suite (minutes).

``--keep``: the dossier and its image cache an earlier run left in WORK are built again as they
are (one build, not measured, for this engine's memory), instead of a new dossier and its cold
build: the encoding is paid once for several runs (the cold build is then not measured).
``--repo DIR``: the dossier whose ``build.py`` is measured (default: this one).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import generate
from bench.measure import HEADER, Figure, Run, Trash
from bench.run import MEASURED, _checked, _dossier, _edit, _figure, run

WIDTH, HEIGHT = 1600, 1067
GPS = {1: "N", 2: (33.0, 18.0, 5.0), 3: "E", 4: (44.0, 21.0, 40.0)}


def photo(number: int) -> bytes:
    """A 1600x1067 JPEG as a camera writes it (quality 92, EXIF with a GPS position), its own colours."""
    rng = random.Random(number)
    small = Image.new("RGB", (16, 11))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(16 * 11)])
    base = small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(8))
    noise = Image.effect_noise((WIDTH, HEIGHT), 24).convert("RGB")
    img = Image.blend(base, noise, 0.08)
    exif = img.getexif()
    exif[0x010F] = "Canon"
    exif[0x8825] = GPS
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def with_images(root: Path) -> int:
    """Gives every article of ``root`` an image of its own; returns the bytes of the images."""
    media = root / "content" / "media"
    media.mkdir(parents=True, exist_ok=True)
    total = 0
    for number, article in enumerate(sorted((root / "content" / "articles").glob("*.md"))):
        data = photo(number)
        (media / f"{article.stem}.jpg").write_bytes(data)
        total += len(data)
        text = article.read_text(encoding="utf-8")
        image = f'image:\n  src: ../media/{article.stem}.jpg\n  alt: "Photo {number}"\n  credit: "Agence"\n'
        article.write_text(text.replace("\n---\n", "\n" + image + "---\n", 1), encoding="utf-8")
    return total


def cache_state(root: Path) -> dict[str, int]:
    """Every file of the image cache with its modification time (ns)."""
    cache = root / ".dossier-cache" / "media"
    files = (p for p in sorted(cache.glob("*/*")) if p.is_file())  # the entries' files, not the list of images measured
    return {p.relative_to(cache).as_posix(): p.stat().st_mtime_ns for p in files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench-images"))
    parser.add_argument("--keep", action="store_true", help="build the dossier an earlier run left in WORK")
    parser.add_argument("--repo", type=Path, default=MEASURED[0], help="the dossier whose build.py is measured")
    args = parser.parse_args(argv)
    MEASURED[:] = [args.repo.resolve()]
    args.work.mkdir(parents=True, exist_ok=True)
    trash = Trash(args.work / ".trash")
    root = args.work / "dossier"
    args.keep = args.keep and bool(cache_state(root))
    if args.keep:
        size = sum(p.stat().st_size for p in (root / "content" / "media").glob("*.jpg"))
        args.articles = len(list((root / "content" / "articles").glob("*.md")))
    else:
        trash.set_aside(root)
        generate(root, args.articles, 1, args.articles // 10, 20)
        size = with_images(root)
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}; "
          f"--jobs {args.jobs}; {args.runs} runs each")  # fmt: skip
    print(f"dossier: {args.articles} articles, each with a {WIDTH}x{HEIGHT} JPEG ({size / 1e6:.0f} MB of images)")
    try:
        figures = measure(root, args, trash)
    finally:
        trash.empty()
    print(HEADER)
    for figure in figures:
        print(figure.row())
    published = sorted((root / "_site" / "media").glob("*"))
    weight = sum(p.stat().st_size for p in published)
    print(
        f"published: {len(published)} image files, {weight / 1e6:.0f} MB; cache entries: {len(cache_state(root)) // 7}"
    )
    return 0


def measure(root: Path, args: argparse.Namespace, trash: Trash) -> list[Figure]:
    def build() -> Run:
        return run(_dossier(root, args.jobs))

    def cold(_: int, memory: bool) -> Run:
        trash.set_aside(root / ".dossier-cache")
        trash.set_aside(root / "_site")
        return run(_dossier(root, args.jobs), memory=memory)

    if args.keep:
        _checked(build(), "first build of the kept dossier")
        figures = []
    else:
        figures = [_figure("images: cold build (every image encoded)", args.runs, cold)]
    encoded = cache_state(root)

    def unchanged(what: str) -> None:
        if cache_state(root) != encoded:
            raise SystemExit(f"{what}: images were encoded again")

    def warm(_: int, memory: bool) -> Run:
        done = run(_dossier(root, args.jobs), memory=memory)
        unchanged("warm build")
        return done

    figures.append(_figure("images: warm build, nothing changed", args.runs, warm))
    articles = sorted((root / "content" / "articles").glob("*.md"))

    def edited(number: int, memory: bool) -> Run:
        _edit(articles[(number * 97) % len(articles)], number)
        done = run(_dossier(root, args.jobs), memory=memory)
        unchanged("one edit")
        return done

    figures.append(_figure("images: one article edited", args.runs, edited))

    def pages_cold(_: int, memory: bool) -> Run:
        trash.set_aside(root / ".dossier-cache" / "build")
        trash.set_aside(root / "_site")
        done = run(_dossier(root, args.jobs), memory=memory)
        unchanged("pages cold")
        return done

    figures.append(_figure("images: pages cold, images cached", args.runs, pages_cold))
    _checked(build(), "last build")
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
