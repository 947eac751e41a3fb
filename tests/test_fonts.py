"""The article's measure and sidenotes with each serif a reader's machine may end up with.

No web font is shipped (README: the article page and the theme): the text is set in whatever
serif the reader's machine has, so its measure is set in ``ch`` and must stay within 60 to 75
characters a line for a wide serif as for a narrow one. Each test forces one font family on
Debian's Chromium through a generated fontconfig file (``FONTCONFIG_FILE``) that exposes only
the files of one Debian package, the two that ``.ci/setup`` installs:

- ``fonts-dejavu-core``: DejaVu Serif, a wide serif (a width in rem gave 58 characters a line);
- ``fonts-liberation``: Liberation Serif, a narrow one, Times's metrics (the same rem gave 77).

No other font of the machine is seen, so a font installed by hand can neither hide nor cause a
failure; a missing package fails the test (never a skip) with the command that installs it.
The shipped article is loaded at 1280 x 900 and at the narrowest wide screen, 64 rem
(1024 x 768), where the notes go to the margin.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from browser import chromium
from test_search import Served, _build, _serve
from test_site import copy_project
from test_theme import ARTICLE, assert_sidenotes_beside_their_passages, characters_a_line


@dataclass(frozen=True)
class Family:
    package: str  # the Debian package that ships it
    serif: str
    sans: str
    mono: str


FAMILIES = {
    "dejavu": Family("fonts-dejavu-core", "DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono"),
    "liberation": Family("fonts-liberation", "Liberation Serif", "Liberation Sans", "Liberation Mono"),
}
SIZES = {"wide": (1280, 900), "64rem": (1024, 768)}

# Debian's own rendering defaults (conf.d: 10-hinting-slight, 10-yes-antialias, 49-sansserif):
# full hinting would round every advance to a whole pixel and change the measure.
CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <match target="pattern">
    <edit name="hintstyle" mode="append"><const>hintslight</const></edit>
    <edit name="antialias" mode="append"><bool>true</bool></edit>
  </match>
  <match target="pattern">
    <test qual="all" name="family" compare="not_eq"><string>sans-serif</string></test>
    <test qual="all" name="family" compare="not_eq"><string>serif</string></test>
    <test qual="all" name="family" compare="not_eq"><string>monospace</string></test>
    <edit name="family" mode="append_last"><string>sans-serif</string></edit>
  </match>
  <alias><family>serif</family><prefer><family>{serif}</family></prefer></alias>
  <alias><family>sans-serif</family><prefer><family>{sans}</family></prefer></alias>
  <alias><family>monospace</family><prefer><family>{mono}</family></prefer></alias>
</fontconfig>
"""


def package_fonts(package: str) -> list[Path]:
    """The font files a Debian package installed; the test fails, with the fix, when there are none."""
    try:
        listed = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.fail(f"no dpkg-query: these tests force the fonts of Debian's {package}; run them on Debian")
    files = [Path(line) for line in listed.stdout.splitlines() if line.endswith((".ttf", ".otf"))]
    present = [f for f in files if f.is_file()]
    if listed.returncode or not present:
        pytest.fail(f"the font package {package} is not installed: run .ci/setup (it installs it)")
    return present


def fontconfig(family: Family, folder: Path) -> Path:
    """A fontconfig file that sees the fonts of ``family``'s package and nothing else."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True)
    for file in package_fonts(family.package):
        (fonts / file.name).symlink_to(file)
    config = folder / "fonts.conf"
    values = {"fonts": fonts, "cache": folder / "cache", **vars(family)}
    config.write_text(CONFIG.format(**{k: escape(str(v)) for k, v in values.items()}), encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_project(tmp_path_factory.mktemp("fonts"))
    yield from _serve(_build(root))


@pytest.fixture(scope="module", params=FAMILIES)
def forced(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Family, Any]]:
    """Chromium that has only one family's fonts."""
    family = FAMILIES[request.param]
    config = fontconfig(family, tmp_path_factory.mktemp(request.param))
    with chromium(env={"FONTCONFIG_FILE": str(config)}) as browser:
        yield family, browser


def rendered_font(page: Any, selector: str) -> str:
    """The font that drew most of the first ``selector``'s own text (DevTools' platform fonts)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return str(max(fonts, key=lambda f: f["glyphCount"])["familyName"])


@pytest.mark.parametrize("size", SIZES)
def test_the_measure_holds_and_the_sidenotes_sit_beside_their_passages_in_each_font(
    forced: tuple[Family, Any], served: Served, size: str
) -> None:
    family, browser = forced
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(served.url + ARTICLE, wait_until="load")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert rendered_font(page, ".text .block > p") == family.serif, "the forced font is not the one drawn"
        assert rendered_font(page, ".margin-notes .note-body p") == family.sans
        characters = characters_a_line(page)
        assert 60 <= characters <= 75, f"{family.serif} at {width} px: {characters} characters a line"
        assert_sidenotes_beside_their_passages(page)
    finally:
        context.close()
