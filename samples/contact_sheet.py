"""Tile the world-* sample cards into samples/cards/scripts.png, for the README.

    python samples/contact_sheet.py
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
COLUMNS, TILE = 2, (600, 315)


def main() -> None:
    manifest = json.loads((HERE / "cards" / "manifest.json").read_text("utf-8"))
    paths = [HERE / "cards" / c["path"] for c in manifest["cards"]
             if Path(c["post"]).name.startswith("world-") and c["platform"] == "og"]
    paths.sort()
    rows = -(-len(paths) // COLUMNS)
    gap = 8
    sheet = Image.new("RGB", (COLUMNS * TILE[0] + (COLUMNS - 1) * gap, rows * TILE[1] + (rows - 1) * gap), "white")
    for i, path in enumerate(paths):
        with Image.open(path) as card:
            tile = card.convert("RGB").resize(TILE, Image.Resampling.LANCZOS)
        sheet.paste(tile, ((i % COLUMNS) * (TILE[0] + gap), (i // COLUMNS) * (TILE[1] + gap)))
    out = HERE / "cards" / "scripts.png"
    sheet.save(out, optimize=True)
    print(f"{out}: {len(paths)} cards")


if __name__ == "__main__":
    main()
