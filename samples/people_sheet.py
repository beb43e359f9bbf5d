"""Contact sheet of composition on photos of people: the people corpus's photos (tests/corpus/people,
public domain and CC0) in every design that shows a photo, on every platform, with each found
face (green), other subject (blue) and text ink (magenta) outlined.

    python samples/people_sheet.py

Writes samples/cards/sheet-people.jpg. The text is a layout placeholder, not a quote: no real
person's photo is paired with words they did not say.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quotecards.cards import Chosen, compose_card  # noqa: E402
from quotecards.config import SiteConfig  # noqa: E402
from quotecards.context import RenderOptions, RunContext  # noqa: E402
from quotecards.draw import photo  # noqa: E402
from quotecards.draw.platforms import PLATFORMS  # noqa: E402
from quotecards.sources.post import read_post  # noqa: E402

PEOPLE = HERE.parent / "tests/corpus/people"
PHOTOS = ["face-left.jpg", "two-faces.jpg", "small-face.jpg"]
DESIGNS = ["photo", "headline", "band", "split"]
PLACEHOLDER = "Placeholder text for a layout test, set where a quote of about twenty words would go on the card."
ROW_HEIGHT, GAP, LABEL = 160, 8, 18
COLOURS = {"face": (60, 220, 90), "salient": (60, 170, 255), "given": (60, 170, 255)}


def card(picture: Image.Image, design: str, platform: str) -> Image.Image:
    post = replace(read_post(HERE / "posts/launch-day.md"), focal_point=None, title="Layout test: a headline of "
                   "about nine words on a photo", quote="" if design == "headline" else PLACEHOLDER,
                   attribution="Layout test, not a quote", kind="headline" if design == "headline" else "quote")
    options = RenderOptions(out_dir=HERE / "unused", config=SiteConfig(site_name="The Harbour Times"))
    with RunContext.open(options) as ctx:
        _spec, made, _used = compose_card(post, ctx, Chosen(ctx.layouts.get(design), "site", picture, None),
                                          PLATFORMS[platform], keep_backdrop=False)
    image = made.image
    draw = ImageDraw.Draw(image)
    width = max(2, image.width // 300)
    for subject in made.subjects:
        draw.rectangle(subject.box.inclusive(), outline=COLOURS[subject.subject.kind], width=width)
    for box in made.text_boxes.values():
        draw.rectangle(box.inclusive(), outline=(255, 0, 200), width=width)
    return image


def main() -> None:
    rows = []
    for name in PHOTOS:
        picture = photo.decode((PEOPLE / name).read_bytes(), target=(1920, 1920))
        for design in DESIGNS:
            cards = [card(picture, design, platform) for platform in PLATFORMS]
            thumbs = [c.resize((round(c.width * ROW_HEIGHT / c.height), ROW_HEIGHT), Image.Resampling.LANCZOS)
                      for c in cards]
            row = Image.new("RGB", (sum(t.width + GAP for t in thumbs), ROW_HEIGHT + LABEL), "white")
            ImageDraw.Draw(row).text((4, 3), f"{name} · {design} · {', '.join(PLATFORMS)}", fill="black")
            x = 0
            for thumb in thumbs:
                row.paste(thumb, (x, LABEL))
                x += thumb.width + GAP
            rows.append(row)
    sheet = Image.new("RGB", (max(r.width for r in rows), sum(r.height for r in rows)), "white")
    y = 0
    for row in rows:
        sheet.paste(row, (0, y))
        y += row.height
    sheet.save(HERE / "cards/sheet-people.jpg", quality=65, optimize=True)


if __name__ == "__main__":
    main()
