"""What the renderer's stages share: the scene being made, a text layer as set, and where its
lines and its ink are on the canvas."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw

from ..text import fonts, typeset
from .geometry import PixelBox
from .layout import Layer, TextLayer
from .plan import CardSpec

__all__ = ["FocusSource", "PlacedText", "Scene", "Side", "ink_area", "ink_bounds", "line_areas", "literal_ink",
           "row_left", "with_hang"]

FocusSource = Literal["post", "auto", ""]  # the post's focal point, the most detail, or no photo
Side = Literal["", "left", "right"]  # where the text group was moved on a landscape photo card


@dataclass(frozen=True)
class Scene:
    """What every stage knows about the card being made."""

    spec: CardSpec
    layers: tuple[Layer, ...]
    picture: Image.Image | None
    mirror: bool  # a right-to-left quote mirrors the whole design
    side: Side = ""

    def area(self, layer: Layer) -> PixelBox:
        """Where `layer` goes on the canvas: inside the safe area, or the whole canvas if it bleeds."""
        width, height = self.spec.size
        box = layer.box.within(PixelBox(0, 0, width, height) if layer.bleed else self.spec.platform.safe_box)
        return box.mirrored(width) if self.mirror else box


@dataclass(frozen=True)
class PlacedText:
    """A text layer as set: its block of lines, its box, and the top of its first line."""

    layer: TextLayer
    block: typeset.Block
    box: PixelBox
    top: int
    mirror: bool = False  # on a right-to-left card, where even a left-to-right name is set flush right

    @property
    def read(self) -> bool:
        return not self.layer.literal  # a decorative mark is seen, not read: no contrast rule

    @property
    def flush_right(self) -> bool:
        return self.block.rtl or self.mirror


def ink_bounds(block: typeset.Block, lang: str) -> tuple[int, int, int, int]:
    """The ink of a one-line block, relative to its first piece's origin on the baseline."""
    piece = block.rows[0].pieces[-1]
    return _ink_of(piece.text, piece.face, block.size, piece.rtl, lang, piece.half)


@functools.lru_cache(maxsize=256)  # the quote marks and labels a run draws over and over, at a few sizes
def _ink_of(text: str, face: fonts.Face, size: int, rtl: bool, lang: str, half: bool) -> tuple[int, int, int, int]:
    # Pillow's bounding box reaches from the origin and the baseline to the glyphs, not around
    # their ink; a mark's ink (“ high up, 「 in one corner of its em) is found by drawing it.
    # A pure function of its arguments, for a few marks and sizes: kept per process.
    font = fonts.load(face, size)
    options = typeset.shaping_options(rtl, lang, half)
    x0, y0, x1, y1 = (math.floor(v) if i < 2 else math.ceil(v)
                      for i, v in enumerate(font.getbbox(text, anchor="ls", **options)))
    pad = 2
    canvas = Image.new("L", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad))
    ImageDraw.Draw(canvas).text((pad - x0, pad - y0), text, font=font, fill=255, anchor="ls", **options)
    ink = canvas.getbbox()
    if ink is None:
        return x0, y0, x1, y1
    return ink[0] + x0 - pad, ink[1] + y0 - pad, ink[2] + x0 - pad, ink[3] + y0 - pad


def literal_ink(placed: PlacedText, lang: str) -> PixelBox:
    block = placed.block
    row = block.rows[0]
    piece = row.pieces[-1]
    x0, y0, x1, y1 = ink_bounds(block, lang)
    left = row_left(placed.box, block, row, placed.layer.align, placed.flush_right) + piece.x
    baseline = placed.top + block.ascent
    return PixelBox(math.floor(left + x0), math.floor(baseline + y0), math.ceil(left + x1), math.ceil(baseline + y1))


def row_left(box: PixelBox, block: typeset.Block, row: typeset.Line, align: str, flush_right: bool) -> float:
    if align == "center":
        return box.left + (box.width - row.width) / 2
    return box.right - row.width if flush_right else box.left


def line_areas(placed: PlacedText) -> list[PixelBox]:
    """Where each line's letters sit: its own width (the hang included), from ascent to descent."""
    block, areas = placed.block, []
    for i, row in enumerate(block.rows):
        if row.width <= 0:
            continue
        baseline = placed.top + block.ascent + i * block.line_height
        left = row_left(placed.box, block, row, placed.layer.align, placed.flush_right)
        right = left + row.width
        if i == 0 and block.hang:
            left, right = (left, right + block.hang_width) if block.rtl else (left - block.hang_width, right)
        areas.append(PixelBox(max(0, math.floor(left)), baseline - block.ascent, math.ceil(right),
                              baseline + block.descent))
    return areas


def with_hang(box: PixelBox, block: typeset.Block) -> PixelBox:
    if block.rtl:
        return box._replace(right=box.right + block.hang_width)
    return box._replace(left=box.left - block.hang_width)


def ink_area(placed: PlacedText) -> PixelBox:
    """Where the block's text is set, hanging mark included."""
    areas = line_areas(placed)
    box, top = placed.box, placed.top
    if not areas:
        return PixelBox(box.left, top, box.left, top)
    return PixelBox(min(a.left for a in areas), top, max(a.right for a in areas), top + placed.block.height)
