"""An image of the library encoded into the files the site publishes, with Pillow.

Each width of :func:`dossier.source.media.variants`, in WebP and in the fallback format, made
from the original turned upright by its EXIF orientation, scaled down (never up) with a
Lanczos filter, and saved with none of the original's metadata: no EXIF (a photographer's GPS
position, camera, date), no XMP, no ICC profile, no text chunk. An SVG, checked safe when it
was read, is published as it is. The same bytes in give the same bytes out: the encoders are
given fixed settings, and nothing of the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps

from dossier.source.media import Variant

JPEG = {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"}
WEBP = {"quality": 80, "method": 4}
PNG = {"optimize": True}
SETTINGS = f"jpeg{sorted(JPEG.items())}webp{sorted(WEBP.items())}png{sorted(PNG.items())}"
"""What, besides the source and Pillow's version, the bytes depend on (part of the cache's key)."""


def _upright(img: Image.Image) -> Image.Image:
    """``img`` turned as its EXIF orientation says, in a mode every output format takes."""
    img = ImageOps.exif_transpose(img)
    transparent = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    return img.convert("RGBA" if transparent else "RGB")


def _save(img: Image.Image, suffix: str) -> bytes:
    """``img`` encoded as ``suffix`` with none of its metadata."""
    img.info = {}  # what Pillow would carry over: EXIF, XMP, ICC profile, comments, text chunks
    out = BytesIO()
    if suffix == "webp":
        img.save(out, "WEBP", **WEBP)
    elif suffix == "jpg":
        flat = img if img.mode == "RGB" else img.convert("RGB")
        flat.info = {}
        flat.save(out, "JPEG", **JPEG)
    else:
        img.save(out, "PNG", **PNG)
    return out.getvalue()


def encode(data: bytes, made: Sequence[Variant]) -> list[bytes]:
    """The bytes of each of ``made`` (one image's variants), from the original's ``data``."""
    if made and made[0].suffix == "svg":
        return [data]
    with Image.open(BytesIO(data)) as original:
        upright = _upright(original)
    out = []
    scaled: dict[int, Image.Image] = {}
    for variant in made:
        img = scaled.get(variant.width)
        if img is None:
            size = (variant.width, variant.height)
            img = scaled[variant.width] = (
                upright if upright.size == size else upright.resize(size, Image.Resampling.LANCZOS)
            )
        out.append(_save(img, variant.suffix))
    return out


def encode_file(job: tuple[Path, Sequence[Variant]]) -> list[bytes]:
    """:func:`encode` of the file at ``job[0]`` (a picklable job for worker processes)."""
    path, made = job
    return encode(path.read_bytes(), made)
