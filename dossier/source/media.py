"""The media library: the images of ``content/media/``, read, measured and checked.

Media are shared by every article and referenced by a relative path, as any other link
(``![Carte](../media/carte.png)``). Each image is read here once per change of its bytes: its
format, its size as shown (a photo's EXIF orientation applied), its SHA-256 (the key of its
encoded widths). What the build publishes of it is named here too (:func:`variants`), so that
the link phase writes the markup and the incremental layer encodes the files under the same
names, neither knowing the other.

Refused, each at its path with a hint: a format that is not an image the web shows (``.tiff``,
``.psd``...), a file or a picture too large (:data:`MAX_BYTES`, :data:`MAX_PIXELS`), an
animated GIF, a file Pillow cannot read, and an SVG that could run code or fetch anything
(:func:`svg_problem`): only drawings are published.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from dossier.errors import Diagnostic, Location
from dossier.project import CONTENT, MEDIA
from dossier.source.discovery import ignored, listing, unsafe_path
from dossier.source.signatures import Signature, of

FOLDER = f"{CONTENT}/{MEDIA}"  # in the project; the site publishes its images under media/
WIDTHS = (480, 960, 1600)
"""The widths published (never more than the original's): a phone, a laptop, a large screen."""
MAX_BYTES = 40 * 1024 * 1024
"""An image file's size."""
MAX_PIXELS = 50_000_000
"""An image's pixels (width x height): a 50-megapixel camera's full frame."""
RASTER = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif", ".webp": "webp"}
SUFFIXES = (*RASTER, ".svg")
KINDS = frozenset({*RASTER.values(), "svg"})
FALLBACK = {"jpeg": "jpg", "png": "png", "gif": "png", "webp": "png"}  # the fallback's file suffix per format
MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "svg": "image/svg+xml"}
HINT_FORMAT = "publish JPEG (photos), PNG or WebP (drawings) or SVG (charts, maps)"


@dataclass(frozen=True)
class MediaFile:
    """An image of the library: ``path`` from the project root, its ``kind`` (``jpeg``, ``png``,
    ``gif``, ``webp`` or ``svg``), its size as shown, and the SHA-256 of its bytes."""

    path: str
    kind: str
    width: int
    height: int
    digest: str


@dataclass(frozen=True)
class Variant:
    """One file the site publishes for an image: its path in the site, its size and type."""

    path: str
    width: int
    height: int
    suffix: str

    @property
    def mime(self) -> str:
        return MIME[self.suffix]


def widths(width: int) -> tuple[int, ...]:
    """The widths published for an image ``width`` pixels wide: each of :data:`WIDTHS` below it,
    and its own when it is narrower than the largest (never enlarged)."""
    return tuple(sorted({*(w for w in WIDTHS if w < width), min(width, WIDTHS[-1])}))


def variants(image: MediaFile) -> tuple[Variant, ...]:
    """The files published for ``image``, each width in WebP then in the fallback format (the
    original's, PNG for a GIF or a WebP); an SVG as it is."""
    stem = posixpath.splitext(image.path[len(FOLDER) + 1 :])[0]
    if image.kind == "svg":
        return (Variant(f"{MEDIA}/{stem}.svg", image.width, image.height, "svg"),)
    out: list[Variant] = []
    for suffix in ("webp", FALLBACK[image.kind]):
        for w in widths(image.width):
            h = max(1, round(image.height * w / image.width))
            out.append(Variant(f"{MEDIA}/{stem}-{w}.{suffix}", w, h, suffix))
    return tuple(out)


def _problem(rel: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(Location(rel), message, hint)


def _why(exc: Exception) -> str:
    """Why Pillow could not read an image, in the editor's words (its own message for a file it
    does not recognise names its buffer object)."""
    if isinstance(exc, UnidentifiedImageError):
        return "not an image file, or one not yet fully written"
    return str(exc)


def measure(rel: str, data: bytes) -> MediaFile | Diagnostic:
    """The image ``rel`` with bytes ``data``, or why it is refused."""
    suffix = posixpath.splitext(rel)[1].lower()
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        return _problem(rel, f"image of {len(data)} bytes, over the limit of {MAX_BYTES}", "publish a smaller export")
    if suffix == ".svg":
        return _svg(rel, data, digest)
    try:
        with Image.open(BytesIO(data)) as img:
            kind = (img.format or "").lower()
            if kind == "mpo":  # a camera's JPEG with a second, embedded picture: read as a JPEG
                kind = "jpeg"
            if kind != RASTER.get(suffix):
                return _problem(rel, f"not a {suffix[1:]} file (Pillow reads {kind or 'nothing'})", HINT_FORMAT)
            if getattr(img, "n_frames", 1) > 1 and kind == "gif":
                return _problem(rel, "animated GIF: not published", "publish a still image (PNG), or link a video")
            width, height = img.size
            if width * height > MAX_PIXELS:
                return _problem(rel, f"image of {width}x{height} pixels, over {MAX_PIXELS}", "publish a smaller export")
            if _turned(img):
                width, height = height, width
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        return _problem(rel, f"cannot read image: {_why(exc)}", HINT_FORMAT)
    return MediaFile(rel, kind, width, height, digest)


def _turned(img: Image.Image) -> bool:
    """Whether the EXIF orientation of ``img`` turns it a quarter (its width becomes its height)."""
    return img.getexif().get(0x0112, 1) in (5, 6, 7, 8)


_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_FORBIDDEN = frozenset({"script", "foreignObject", "iframe", "embed", "object", "image", "use", "a"})
_NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
_EXTERNAL = re.compile(r"url\(\s*['\"]?(?!#)|@import|javascript:|expression\(", re.IGNORECASE)


def svg_problem(data: bytes) -> str | None:
    """Why the SVG ``data`` may not be published (it could run code, fetch a file or not be
    SVG), or None: no DOCTYPE or entity, no script, foreign object, link, embedded or linked
    image, ``use``, event handler, or reference outside the drawing itself."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return "an SVG with a DOCTYPE or entities"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"not well-formed XML ({exc})"
    if root.tag not in (f"{_SVG_NS}svg", "svg"):
        return "not an SVG drawing"
    for element in root.iter():
        name = str(element.tag).rpartition("}")[2]
        if name in _FORBIDDEN:
            return f"an SVG with a <{name}> element"
        if name == "style" and _EXTERNAL.search(element.text or ""):
            return "an SVG whose style refers outside the drawing"
        refused = _attributes_problem(element)
        if refused is not None:
            return refused
    return None


def _attributes_problem(element: ET.Element) -> str | None:
    """Why an attribute of ``element`` may not be published, or None."""
    for attribute, value in element.attrib.items():
        local = attribute.rpartition("}")[2]
        if local.lower().startswith("on"):
            return f"an SVG with an event handler ({local})"
        if (local == "href" or attribute == _XLINK) and not value.startswith("#"):
            return "an SVG that refers to another file"
        if _EXTERNAL.search(value):
            return "an SVG whose style refers outside the drawing"
    return None


def _svg_size(root: ET.Element) -> tuple[int, int] | None:
    """The SVG's size: its ``width`` and ``height`` in pixels, else its ``viewBox``'s."""
    width, height = _NUMBER.match(root.get("width", "")), _NUMBER.match(root.get("height", ""))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = root.get("viewBox", "").replace(",", " ").split()
    try:
        w, h = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        return None
    return (round(w), round(h)) if w > 0 and h > 0 else None


def _svg(rel: str, data: bytes, digest: str) -> MediaFile | Diagnostic:
    refused = svg_problem(data)
    if refused is not None:
        return _problem(rel, f"{refused}: not published", "export the chart or map as a plain SVG drawing, or as PNG")
    size = _svg_size(ET.fromstring(data))
    if size is None or min(size) < 1:
        return _problem(rel, "an SVG without a size", 'give the <svg> a viewBox="0 0 WIDTH HEIGHT"')
    return MediaFile(rel, "svg", size[0], size[1], digest)


Known = Mapping[str, tuple[Signature, MediaFile]]  # path → what it was measured as, at that signature


@dataclass(frozen=True)
class Library:
    """The files of ``content/media/``: the images the site publishes (path from the project root
    → image), and the paths of those it refused (each one's error said by :func:`scan`): a use
    of one is not said "not found" too."""

    images: Mapping[str, MediaFile] = field(default_factory=dict)
    refused: frozenset[str] = frozenset()


def scan(root: Path, known: Known | None = None) -> tuple[Library, dict[str, Signature], list[Diagnostic]]:
    """Every image of ``content/media/`` (path from the project root → image, and the paths
    refused), each one's signature, and why each file is refused; a file whose signature is in
    ``known`` is not read again."""
    images: dict[str, MediaFile] = {}
    signatures: dict[str, Signature] = {}
    problems: list[Diagnostic] = []
    folder = root / FOLDER
    if not os.path.isdir(folder):  # content/ itself unreadable: said by the walk of content/
        return Library(), signatures, problems
    for path in _files(root, folder, problems):
        rel = path.relative_to(root).as_posix()
        if posixpath.splitext(rel)[1].lower() not in SUFFIXES:
            problems.append(_problem(rel, "not an image the site can publish", HINT_FORMAT))
            continue
        try:
            sig = of(path.stat())
            before = (known or {}).get(rel)
            found = before[1] if before is not None and before[0] == sig else measure(rel, path.read_bytes())
        except OSError as exc:
            problems.append(_problem(rel, f"cannot read image: {exc.strerror or exc}", "check the file's permissions"))
            continue
        if isinstance(found, Diagnostic):
            problems.append(found)
        else:
            images[rel], signatures[rel] = found, sig
    refused_paths = frozenset(p.location.path for p in problems)  # each file refused, at its own path
    problems.extend(_clashes(images))
    return Library(images, refused_paths), signatures, problems


def _files(root: Path, folder: Path, problems: list[Diagnostic]) -> list[Path]:
    """The files below ``folder``, sorted; symbolic links and special files refused."""
    out: list[Path] = []
    for entry in listing(root, folder, problems):  # one that cannot be listed: an error at its path
        if ignored(entry.name):
            continue
        path = Path(entry.path)
        if entry.is_symlink() or not (entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False)):
            refused = unsafe_path(root, path)
            if entry.is_symlink():
                hint = "copy the image into content/media/ instead"
                problems.append(_problem(path.relative_to(root).as_posix(), "symbolic link in content/media/", hint))
            elif refused is not None:
                problems.append(refused)
        elif entry.is_dir(follow_symlinks=False):
            out += _files(root, path, problems)
        else:
            out.append(path)
    return out


def _clashes(images: Mapping[str, MediaFile]) -> list[Diagnostic]:
    """Two images whose published files would have one name (``carte.png`` and ``carte.jpg``)."""
    seen: dict[str, str] = {}
    problems = []
    for rel in sorted(images):
        stem = posixpath.splitext(rel)[0]
        if stem in seen:
            other = seen[stem]
            hint = "rename one of them: their published files would have the same name"
            problems.append(Diagnostic(Location(rel), f"an image named as {other}", hint))
        else:
            seen[stem] = rel
    return problems
