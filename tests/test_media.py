"""The media library: images of content/media/ read, measured, refused at their path."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import refuse_listing, write_tree
from PIL import Image

from dossier.source import media

GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 8.0)}


def photo(width: int, height: int, orientation: int = 1, fmt: str = "JPEG") -> bytes:
    """A photo as a camera writes it: EXIF with the maker, an orientation and a GPS position."""
    img = Image.new("RGB", (width, height), (200, 120, 40))
    for x in range(0, width, 7):
        img.putpixel((x, x * height // width), (10, 20, 30))
    exif = img.getexif()
    exif[0x010F] = "Canon"
    exif[0x0112] = orientation
    exif[0x8825] = GPS
    out = io.BytesIO()
    img.save(out, fmt, exif=exif)
    return out.getvalue()


def png(width: int, height: int, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (0, 90, 160, 128) if mode == "RGBA" else 1).save(out, "PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200"><rect width="300" height="200"/></svg>'


def test_widths_are_fixed_and_never_enlarge() -> None:
    assert media.widths(2000) == (480, 960, 1600)
    assert media.widths(1600) == (480, 960, 1600)
    assert media.widths(1000) == (480, 960, 1000)
    assert media.widths(300) == (300,)


def test_variants_name_each_width_in_webp_then_the_fallback() -> None:
    image = media.MediaFile("content/media/cartes/irak.png", "png", 1000, 500, "x")
    assert [(v.path, v.width, v.height) for v in media.variants(image)] == [
        ("media/cartes/irak-480.webp", 480, 240),
        ("media/cartes/irak-960.webp", 960, 480),
        ("media/cartes/irak-1000.webp", 1000, 500),
        ("media/cartes/irak-480.png", 480, 240),
        ("media/cartes/irak-960.png", 960, 480),
        ("media/cartes/irak-1000.png", 1000, 500),
    ]
    photo_ = media.MediaFile("content/media/a.jpeg", "jpeg", 400, 300, "x")
    assert [v.path for v in media.variants(photo_)] == ["media/a-400.webp", "media/a-400.jpg"]
    svg = media.MediaFile("content/media/c.svg", "svg", 300, 200, "x")
    assert [(v.path, v.mime) for v in media.variants(svg)] == [("media/c.svg", "image/svg+xml")]


def test_a_photo_turned_by_its_exif_is_measured_upright() -> None:
    found = media.measure("content/media/p.jpg", photo(300, 200, orientation=6))
    assert isinstance(found, media.MediaFile)
    assert (found.kind, found.width, found.height) == ("jpeg", 200, 300)
    assert len(found.digest) == 64


def test_an_svg_is_measured_by_its_view_box_or_its_size() -> None:
    found = media.measure("content/media/c.svg", SVG)
    assert isinstance(found, media.MediaFile) and (found.width, found.height) == (300, 200)
    sized = media.measure("content/media/c.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32px"/>')
    assert isinstance(sized, media.MediaFile) and (sized.width, sized.height) == (64, 32)
    none = media.measure("content/media/c.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert not isinstance(none, media.MediaFile) and none.message == "an SVG without a size"


def test_an_svg_that_could_run_code_or_fetch_a_file_is_refused() -> None:
    ns = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    refused = {
        f"<svg {ns}><script>alert(1)</script></svg>": "an SVG with a <script> element",
        f'<svg {ns}><rect onclick="x()"/></svg>': "an SVG with an event handler (onclick)",
        f"<svg {ns}><foreignObject/></svg>": "an SVG with a <foreignObject> element",
        f'<svg {ns}><image href="https://e.org/a.png"/></svg>': "an SVG with a <image> element",
        f'<svg {ns}><a xlink:href="javascript:x()"/></svg>': "an SVG with a <a> element",
        f'<svg {ns}><rect style="fill: url(https://e.org/x)"/></svg>': "an SVG whose style refers outside the drawing",
        f"<svg {ns}><style>@import url(x.css);</style></svg>": "an SVG whose style refers outside the drawing",
        f'<svg {ns}><linearGradient xlink:href="other.svg#g"/></svg>': "an SVG that refers to another file",
        f'<!DOCTYPE svg [<!ENTITY x "y">]><svg {ns}/>': "an SVG with a DOCTYPE or entities",
        "<html/>": "not an SVG drawing",
        "<svg": "not well-formed XML (unclosed token: line 1, column 0)",
    }
    for text, why in refused.items():
        assert media.svg_problem(text.encode()) == why, text
    fine = f'<svg {ns}><defs><linearGradient id="g"/></defs><rect style="fill: url(#g)" xlink:href="#g"/></svg>'
    assert media.svg_problem(fine.encode()) is None


def test_limits_and_formats_are_errors_at_the_path() -> None:
    big = media.measure("content/media/big.png", png(8000, 7000, "1"))
    assert isinstance(big, media.Diagnostic)
    assert big.format() == (
        "content/media/big.png: error: image of 8000x7000 pixels, over 50000000 (hint: publish a smaller export)"
    )
    wrong = media.measure("content/media/p.png", photo(20, 10))
    assert isinstance(wrong, media.Diagnostic)
    assert wrong.message == "not a png file (Pillow reads jpeg)"
    broken = media.measure("content/media/b.jpg", b"\xff\xd8 not really")
    assert isinstance(broken, media.Diagnostic) and broken.message.startswith("cannot read image:")


def test_scan_lists_the_library_and_refuses_what_it_cannot_publish(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "content/media/cartes/irak.png": png(40, 30),
            "content/media/photo.jpg": photo(60, 40),
            "content/media/photo.png": png(10, 10),
            "content/media/notes.pdf": b"%PDF",
            "content/media/.DS_Store": b"x",
        },
    )
    (root / "content/media/lien.png").symlink_to(root / "content/media/photo.png")
    library, signatures, problems = media.scan(root)
    images = library.images
    assert sorted(images) == ["content/media/cartes/irak.png", "content/media/photo.jpg", "content/media/photo.png"]
    assert set(signatures) == set(images)
    assert [p.format() for p in problems] == [
        "content/media/lien.png: error: symbolic link in content/media/"
        " (hint: copy the image into content/media/ instead)",
        "content/media/notes.pdf: error: not an image the site can publish (hint: publish JPEG (photos), PNG or WebP"
        " (drawings) or SVG (charts, maps))",
        "content/media/photo.png: error: an image named as content/media/photo.jpg (hint: rename one of them: their"
        " published files would have the same name)",
    ]
    # the files refused, whose uses say nothing more; two images of one name are both published
    assert library.refused == {"content/media/lien.png", "content/media/notes.pdf"}


def test_scan_reads_again_only_the_images_whose_signature_changed(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"content/media/a.png": png(40, 30)})
    library, signatures, _ = media.scan(root)
    rel = "content/media/a.png"
    planted = media.MediaFile(rel, "png", 1, 1, "planted")
    again, _, _ = media.scan(root, {rel: (signatures[rel], planted)})
    assert again.images[rel] is planted  # same signature: not read
    stale, _, _ = media.scan(root, {rel: (b"other", planted)})
    assert stale.images[rel] == library.images[rel]
    assert media.scan(tmp_path / "nothing") == (media.Library(), {}, [])


def test_a_file_pillow_cannot_read_is_said_in_the_editors_words() -> None:
    found = media.measure("content/media/p.png", b"half a PNG")
    assert not isinstance(found, media.MediaFile)
    assert found.format().startswith(
        "content/media/p.png: error: cannot read image: not an image file, or one not yet fully written"
    )


def test_a_folder_of_the_library_that_cannot_be_read_is_an_error_at_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path, {"content/media/a.png": png(40, 30), "content/media/cartes/irak.png": png(40, 30)})
    refuse_listing(monkeypatch, root / "content/media/cartes")
    library, _, problems = media.scan(root)
    images = library.images
    assert sorted(images) == ["content/media/a.png"]
    assert [(p.location.path, p.message) for p in problems] == [
        ("content/media/cartes", "cannot read this folder: Permission denied")
    ]
    refuse_listing(monkeypatch, root / "content/media")
    library, _, problems = media.scan(root)
    images = library.images
    assert images == {} and [p.location.path for p in problems] == ["content/media"]
