"""Encode time and bytes per format, for a photo card and a text card, beside Pillow's defaults
and quotecards' own PNG writer. Ratios are within one run on this machine.

    python benchmarks/formats.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from quotecards.encode import export, png  # noqa: E402

CARDS = {
    "photo": ROOT / "samples/cards/og/launch-director-on-the-first-flight-from-the-new-coastal-pad.png",
    "text": ROOT / "samples/cards/og/council-budget.png",
}


def pillow_default(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def timed(encode, rounds: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, size = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        size = len(encode())
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, size


def encoders(image: Image.Image) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [("png.py (quotecards PNG writer)", lambda: png.encode(image)),
                                      ("Pillow PNG default", lambda: pillow_default(image, "PNG"))]
    for name in ("jpeg", "webp", "avif"):
        pillow = export.FORMATS[name].pillow
        rows.append((f"quotecards {name} (best quality, sRGB profile)",
                     lambda n=name: export.encode(image, 10**9, n).data))
        rows.append((f"Pillow {pillow} default", lambda p=pillow: pillow_default(image, p)))
        rows.append((f"quotecards {name} within 60,000 bytes", lambda n=name: export.encode(image, 60_000, n).data))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| card | encoder | ms | bytes |\n|---|---|---:|---:|")
    for kind, path in CARDS.items():
        for label, encode in encoders(Image.open(path).convert("RGB")):
            ms, size = timed(encode, args.rounds)
            print(f"| {kind} | {label} | {ms:.0f} | {size:,} |")


if __name__ == "__main__":
    main()
