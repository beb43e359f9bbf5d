"""WCAG 2 contrast between a text colour and the pixels under it, and a scrim strong enough."""

from __future__ import annotations

from PIL import Image

from .layout import Color

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
    """The region under a text block, shrunk (box filter) to a size cheap to measure."""
    region = image.crop(box).convert("RGB")
    w, h = region.size
    scale = min(1.0, (SAMPLE_PIXELS / max(1, w * h)) ** 0.5)
    if scale < 1.0:
        region = region.resize((max(1, int(w * scale)), max(1, int(h * scale))), Image.Resampling.BOX)
    return region


def worst_contrast(region: Image.Image, text: Color, percentile: float = 0.9) -> float:
    """Contrast of `text` against the near-worst pixel of `region`.

    Light text is judged against the 90th-percentile brightest pixel, dark text against the
    10th-percentile darkest: a few specular highlights do not decide, a bright sky does.
    """
    data = region.tobytes()
    lums = sorted(_R[data[i]] + _G[data[i + 1]] + _B[data[i + 2]] for i in range(0, len(data), 3))
    text_lum = luminance(text)
    median = lums[len(lums) // 2]
    index = int(percentile * (len(lums) - 1)) if text_lum > median else int((1 - percentile) * (len(lums) - 1))
    return ratio(text_lum, lums[index])


def scrim_needed(region: Image.Image, text: Color, scrim: Color, target: float) -> tuple[float, float]:
    """The least extra scrim opacity (in steps of 5 %) that lifts contrast to `target`.

    Returns (opacity, contrast reached). Stops at the first step that is enough, so bright
    photos are not darkened more than readability needs.
    """
    reached = worst_contrast(region, text)
    if reached >= target:
        return 0.0, reached
    veil = Image.new("RGB", region.size, scrim[:3])
    # More veil only ever brings the pixels nearer the scrim colour, so contrast grows with
    # the step: a binary search finds the least step in ~5 measurements instead of up to 19.
    lo, hi = 1, 19
    best: tuple[float, float] | None = None
    while lo <= hi:
        step = (lo + hi) // 2
        reached = worst_contrast(Image.blend(region, veil, step * 0.05), text)
        if reached >= target:
            best, hi = (step * 0.05, reached), step - 1
        else:
            lo = step + 1
    return best or (0.95, worst_contrast(Image.blend(region, veil, 0.95), text))
