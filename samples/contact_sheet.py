"""Contact sheets for the README: every layout on every platform, and the cards in other scripts.

    python samples/contact_sheet.py

Writes samples/cards/layouts-<post>.png (layouts down, platforms across, rendered here through
the library) and samples/cards/scripts.png (the world-* cards of the last `quotecards render`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quotecards import fetch, fonts, photo  # noqa: E402
from quotecards.layout import available, load_layout  # noqa: E402
from quotecards.plan import plan_card  # noqa: E402
from quotecards.platforms import PLATFORMS  # noqa: E402
from quotecards.post import read_post  # noqa: E402
from quotecards.render import render  # noqa: E402

ROW_HEIGHT, GAP, LABEL = 240, 10, 28
SHEET_POSTS = ("launch-day.md", "world-cairo-water.md")


def layouts_sheet(post_path: Path) -> Path:
    post = read_post(post_path)
    # A post without a photo borrows one, so the photo designs show what they do.
    picture = photo.decode((HERE / "images" / "rocket.jpg").read_bytes())
    if post.image:
        options = fetch.FetchOptions(roots=(HERE.parent,))
        with fetch.open_session(options) as session:
            picture = photo.decode(fetch.fetch_image(post.image, post_path.parent, options, session).data)
    layouts = [load_layout(path) for name, path in sorted(available().items())]
    platforms = list(PLATFORMS.values())
    tiles = [[render(plan_card(post, layout, platform), picture).image for platform in platforms] for layout in layouts]
    widths = [round(p.width * ROW_HEIGHT / p.height) for p in platforms]
    sheet = Image.new("RGB", (sum(widths) + GAP * (len(widths) + 1),
                              LABEL + (ROW_HEIGHT + GAP + LABEL) * len(layouts)), "white")
    draw = ImageDraw.Draw(sheet)
    label = fonts.load(fonts.find_face("Inter", 600), 16)
    x = GAP
    for platform, width in zip(platforms, widths):
        draw.text((x, 6), f"{platform.name} {platform.width}\u00d7{platform.height}", fill="black", font=label)
        x += width + GAP
    for row, (layout, cards) in enumerate(zip(layouts, tiles)):
        y = LABEL + row * (ROW_HEIGHT + GAP + LABEL)
        draw.text((GAP, y + 6), f"layout: {layout.name}", fill="black", font=label)
        x = GAP
        for card, width in zip(cards, widths):
            sheet.paste(card.resize((width, ROW_HEIGHT), Image.Resampling.LANCZOS), (x, y + LABEL))
            x += width + GAP
    out = HERE / "cards" / f"layouts-{post_path.stem}.png"
    sheet.save(out, optimize=True)
    return out


def scripts_sheet() -> Path:
    manifest = json.loads((HERE / "cards" / "manifest.json").read_text("utf-8"))
    paths = sorted(HERE / "cards" / c["path"] for c in manifest["cards"]
                   if Path(c["post"]).name.startswith("world-") and c["platform"] == "og")
    columns, tile = 2, (600, 315)
    rows = -(-len(paths) // columns)
    sheet = Image.new("RGB", (columns * tile[0] + (columns - 1) * 8, rows * tile[1] + (rows - 1) * 8), "white")
    for i, path in enumerate(paths):
        with Image.open(path) as card:
            sheet.paste(card.convert("RGB").resize(tile, Image.Resampling.LANCZOS),
                        ((i % columns) * (tile[0] + 8), (i // columns) * (tile[1] + 8)))
    out = HERE / "cards" / "scripts.png"
    sheet.save(out, optimize=True)
    return out


def main() -> None:
    for name in SHEET_POSTS:
        print(layouts_sheet(HERE / "posts" / name))
    print(scripts_sheet())


if __name__ == "__main__":
    main()
