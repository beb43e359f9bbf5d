"""WCAG 2 contrast between a text colour and the pixels under it, and a scrim strong enough."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable

from PIL import Image, ImageStat

from .layout import Color

__all__ = ["SCRIM_MAX", "SCRIM_STEP", "blend_table", "luminance", "ratio", "readable_variant", "sample",
           "scrim_needed", "veil_until_readable", "worst_contrast"]

SAMPLE_PIXELS = 40_000  # enough for a stable percentile; keeps the pure-Python part small


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


_LINEAR = [_linear(v) for v in range(256)]
_R = [0.2126 * v for v in _LINEAR]
_G = [0.7152 * v for v in _LINEAR]
_B = [0.0722 * v for v in _LINEAR]


def luminance(color: tuple[int, ...]) -> float:
    r, g, b = color[:3]
    return _R[r] + _G[g] + _B[b]


def ratio(l1: float, l2: float) -> float:
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def sample(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The region under a text block, shrunk (averaging whole blocks of pixels) to a size cheap
    to measure."""
    region = image.crop(box)
    if region.mode != "RGB":
        region = region.convert("RGB")
    # An integer factor: reduce() averages n×n blocks in a tenth of the time a box resize to an
    # arbitrary size takes, and this runs for every line of every card.
    factor = math.ceil((region.width * region.height / SAMPLE_PIXELS) ** 0.5)
    return region.reduce(factor) if factor > 1 else region


# Each channel's share of luminance on a 0–255 scale, so one point() lookup and one matrix convert
# give an 8-bit luminance map in C; its histogram gives any percentile without sorting in Python.
_R8 = [round(255 * v) for v in _R]
_G8 = [round(255 * v) for v in _G]
_B8 = [round(255 * v) for v in _B]
_SHARES = _R8 + _G8 + _B8
_SLACK = 1.5 / 255  # what three rounded shares can be off by: measured on the safe side


def _percentile_color(region: Image.Image, text: Color, percentile: float) -> tuple[float, ...]:
    """The colour of the near-worst pixels: the 90th-percentile brightest for light text, the
    10th-percentile darkest for dark text (the mean colour of the pixels at that luminance)."""
    # Per-channel lookups, then the three shares summed (they never exceed 255 together).
    lum = region.point(_SHARES).convert("L", (1, 1, 1, 0))
    hist = lum.histogram()
    total = sum(hist)
    median = _bin_at(hist, (total - 1) / 2)
    light = luminance(text) * 255 > median
    level = _bin_at(hist, (percentile if light else 1 - percentile) * (total - 1))
    mask = lum.point([255 if v == level else 0 for v in range(256)])
    return tuple(ImageStat.Stat(region, mask).mean)


def _bin_at(hist: list[int], rank: float) -> int:
    seen = 0
    for level, count in enumerate(hist):
        seen += count
        if seen > rank:
            return level
    return 255


def _contrast(text: Color, color: tuple[float, ...]) -> float:
    text_lum = luminance(text)
    lum = _exact_luminance(color)
    lum = lum + _SLACK if text_lum > lum else max(0.0, lum - _SLACK)
    return ratio(text_lum, min(1.0, lum))


def _exact_luminance(color: tuple[float, ...]) -> float:
    r, g, b = (min(255, max(0, round(c))) for c in color[:3])
    return _R[r] + _G[g] + _B[b]


def worst_contrast(region: Image.Image, text: Color, percentile: float = 0.9) -> float:
    """Contrast of `text` against the near-worst pixel of `region`.

    Light text is judged against the 90th-percentile brightest pixel, dark text against the
    10th-percentile darkest: a few specular highlights do not decide, a bright sky does.
    """
    return _contrast(text, _percentile_color(region, text, percentile))


# The extra veil grows in steps of 5 % and stops at 95 %: past that the photo is gone, and a
# card that still fails says so rather than turn into a black rectangle.
SCRIM_STEP = 0.05
SCRIM_MAX = 0.95


def scrim_needed(region: Image.Image, text: Color, scrim: Color, target: float) -> tuple[float, float]:
    """The least extra scrim opacity (in steps of SCRIM_STEP) that lifts contrast to `target`.

    Returns (opacity, contrast reached). Stops at the first step that is enough, so bright
    photos are not darkened more than readability needs. The near-worst colour is found once
    and the veil applied to it alone: a blend moves every pixel the same way, so the pixels that
    were the near-worst stay so.
    """
    color = _percentile_color(region, text, 0.9)
    reached = _contrast(text, color)
    if reached >= target:
        return 0.0, reached
    for step in range(1, round(SCRIM_MAX / SCRIM_STEP) + 1):
        a = step * SCRIM_STEP
        veiled = tuple(c * (1 - a) + s * a for c, s in zip(color, scrim[:3]))
        reached = _contrast(text, veiled)
        if reached >= target:
            return a, reached
    return SCRIM_MAX, reached


def veil_until_readable(base: Image.Image, start: float, target: float, scrim: Color,
                        paint: Callable[[Image.Image], Image.Image],
                        worst_of: Callable[[Image.Image], float | None],
                        where: Image.Image | None = None) -> tuple[Image.Image, float | None]:
    """`base` veiled by the least extra scrim (from the estimate `start`, above 0, up in steps)
    that brings the text to `target`, with the backdrop painted over it, and the worst contrast
    reached.

    Only the background is veiled (colour fields and logos keep their colours): `paint` puts
    them on each try, on the veiled picture it is given; `where` (a mask) limits the veil to the
    text's surroundings. The estimate works on the near-worst colour alone; measuring the veiled
    canvas decides. No more than one try's canvas is kept beside `base` (a story canvas is 8 MB).
    """
    extra = start
    while True:
        veiled = base.point(blend_table(scrim[:3], extra))  # Image.blend with a solid, without making one
        if where is not None:
            veiled = Image.composite(veiled, base, where)
        canvas = paint(veiled)
        del veiled
        worst = worst_of(canvas)
        if worst is None or worst >= target or extra >= SCRIM_MAX:
            return canvas, worst
        del canvas
        extra = min(SCRIM_MAX, extra + SCRIM_STEP)


_F32 = struct.Struct("f")


def _f32(x: float) -> float:
    return float(_F32.unpack(_F32.pack(x))[0])


def blend_table(color: tuple[int, ...], alpha: float) -> list[int]:
    """Image.blend(image, a solid `color`, alpha) as a table for image.point(): Pillow blends each
    channel in 32-bit floats, in1 + alpha * (in2 - in1), truncated; the same steps here, each
    rounded to 32 bits, give the same bytes (tests/test_render.py checks every value)."""
    a = _f32(alpha)
    return [min(255, max(0, int(_f32(v + _f32(a * (c - v)))))) for c in color for v in range(256)]


def readable_variant(color: Color, text: Color, target: float) -> Color:
    """`color`, darkened (or, under dark text, lightened) in steps until `text` reaches `target`
    on it: a colour field taken from a photo that still carries its text."""
    toward = 0 if luminance(text[:3]) > 0.18 else 255
    for step in range(round(1 / SCRIM_STEP) + 1):
        a = step * SCRIM_STEP
        r, g, b = (round(c * (1 - a) + toward * a) for c in color[:3])
        if ratio(luminance(text[:3]), luminance((r, g, b))) >= target:
            return (r, g, b, color[3])
    return (toward, toward, toward, color[3])
