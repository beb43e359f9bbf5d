"""Remove TrueType hinting instructions from the bundled fonts, in place.

    python fonts/dehint.py fonts/Noto*.ttf

Pillow cannot switch hinting off, and FreeType runs a face's hinting bytecode for every glyph
it loads: with it, drawing a line of Noto Serif Display takes twice as long and finding its ink
box three times as long. Cards set text at 24 px and up, where hinting changes nothing a reader
sees; Noto publishes unhinted builds of every family for the same reason. Advances, outlines,
kerning and layout tables are left exactly as they are, so line breaks and widths do not move.

The licence allows this (SIL OFL 1.1, no Reserved Font Name); see fonts/OFL-*.txt.
"""

from __future__ import annotations

import sys

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram

HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX")


def dehint(path: str) -> bool:
    """Strip the hinting from one font; False when it had none."""
    font = TTFont(path, recalcTimestamp=False)
    if "glyf" not in font or not any(tag in font for tag in HINTING_TABLES):
        return False
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in glyf.keys():
        glyph = glyf[name]
        if hasattr(glyph, "program"):
            glyph.program = ttProgram.Program()
            glyph.program.fromBytecode(b"")
    font.save(path)
    return True


if __name__ == "__main__":
    for font_path in sys.argv[1:]:
        print(("dehinted " if dehint(font_path) else "no hinting in ") + font_path)
