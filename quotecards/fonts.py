"""The font stack: find a bundled face by family and weight, load it, check glyph coverage."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont, features

from .resources import data_dir

FONT_SUFFIXES = (".ttf", ".otf")


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    italic: bool
    path: Path


class FontError(LookupError):
    pass


def _describe(path: Path) -> Face:
    font = TTFont(path, lazy=True)
    names = font["name"]
    # Typographic family (ID 16) groups all weights; legacy family (ID 1) splits them.
    family = names.getDebugName(16) or names.getDebugName(1) or path.stem
    os2 = font["OS/2"]
    italic = bool(os2.fsSelection & 0x01)
    return Face(family=family, weight=int(os2.usWeightClass), italic=italic, path=path)


@functools.lru_cache(maxsize=8)
def faces(folder: Path | None = None) -> tuple[Face, ...]:
    """Every face in `folder` (default: the bundled fonts/), described from its own name table."""
    folder = folder or data_dir("fonts")
    found = [_describe(p) for p in sorted(folder.iterdir()) if p.suffix.lower() in FONT_SUFFIXES]
    return tuple(found)


def find_face(family: str, weight: int = 400, italic: bool = False, folder: Path | None = None) -> Face:
    """The face of `family` closest to `weight` (exact style first), like CSS font matching."""
    candidates = [f for f in faces(folder) if f.family.casefold() == family.casefold()]
    if not candidates:
        known = sorted({f.family for f in faces(folder)})
        raise FontError(f"no font family {family!r} (have: {', '.join(known)})")
    return min(candidates, key=lambda f: (f.italic != italic, abs(f.weight - weight)))


@functools.lru_cache(maxsize=256)
def load(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """A sized font; raqm when Pillow has it, so kerning and shaping match what is drawn."""
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size=size, layout_engine=engine)


@functools.lru_cache(maxsize=64)
def _codepoints(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def missing_glyphs(text: str, path: Path) -> list[str]:
    """Characters of `text` the face cannot draw (whitespace and controls excepted)."""
    have = _codepoints(path)
    missing: list[str] = []
    for ch in text:
        if ch.isspace() or ord(ch) < 0x20 or ch in missing:
            continue
        if ord(ch) not in have:
            missing.append(ch)
    return missing
