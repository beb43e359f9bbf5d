"""Pixel checks shared by the render tests."""

from __future__ import annotations

from PIL import Image, ImageChops


def ink_outside(card: Image.Image, background: Image.Image, boxes: list[tuple[int, int, int, int]]) -> tuple | None:
    """Bounding box of pixels that differ from `background` outside every box, or None."""
    diff = ImageChops.difference(card.convert("RGB"), background.convert("RGB")).convert("L")
    diff = diff.point(lambda v: 255 if v > 8 else 0)
    for box in boxes:
        diff.paste(0, box)
    return diff.getbbox()


def ink_inside(card: Image.Image, background: Image.Image, box: tuple[int, int, int, int]) -> tuple | None:
    diff = ImageChops.difference(card.convert("RGB").crop(box), background.convert("RGB").crop(box)).convert("L")
    return diff.point(lambda v: 255 if v > 8 else 0).getbbox()
