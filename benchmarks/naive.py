"""The baseline: how a first Pillow script makes the same card.

Open the photo, ImageOps.fit with LANCZOS from full size, a vertical scrim, greedy word wrap
with a linear search down from the largest size, and Pillow's default PNG save. Same canvas,
fonts and text sizes as quotecards' photo layout, so the two are compared like for like.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

FONTS = Path(__file__).resolve().parent.parent / "fonts"
SIZE = (1200, 630)


def card(photo_bytes: bytes, quote: str, attribution: str, timings: dict[str, float] | None = None) -> bytes:
    t = timings if timings is not None else {}
    start = time.perf_counter()
    image = Image.open(io.BytesIO(photo_bytes)).convert("RGB")
    image = ImageOps.fit(image, SIZE, Image.Resampling.LANCZOS)
    t["decode+crop"] = t.get("decode+crop", 0) + time.perf_counter() - start

    start = time.perf_counter()
    ramp = Image.linear_gradient("L").resize(SIZE).point(lambda v: int(64 + v * 0.55))
    image = Image.composite(Image.new("RGB", SIZE, (5, 7, 13)), image, ramp)
    t["scrim"] = t.get("scrim", 0) + time.perf_counter() - start

    start = time.perf_counter()
    box_w, box_h = int(SIZE[0] * 0.85), int(SIZE[1] * 0.56)
    for size in range(79, 27, -1):  # the largest size first, one at a time
        font = ImageFont.truetype(str(FONTS / "NotoSerifDisplay-SemiBold.ttf"), size)
        lines, line = [], ""
        for word in ("\u201c" + quote + "\u201d").split():
            trial = f"{line} {word}".strip()
            if font.getlength(trial) <= box_w:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
        if len(lines) * size * 1.12 <= box_h:
            break
    t["typeset"] = t.get("typeset", 0) + time.perf_counter() - start

    start = time.perf_counter()
    draw = ImageDraw.Draw(image)
    y = int(SIZE[1] * 0.72) - len(lines) * int(size * 1.12)
    for line in lines:
        draw.text((int(SIZE[0] * 0.075), y), line, font=font, fill="white")
        y += int(size * 1.12)
    small = ImageFont.truetype(str(FONTS / "Inter-SemiBold.otf"), 24)
    draw.text((int(SIZE[0] * 0.075), int(SIZE[1] * 0.8)), attribution, font=small, fill="white")
    t["draw"] = t.get("draw", 0) + time.perf_counter() - start

    start = time.perf_counter()
    out = io.BytesIO()
    image.save(out, "PNG")
    t["encode"] = t.get("encode", 0) + time.perf_counter() - start
    return out.getvalue()
