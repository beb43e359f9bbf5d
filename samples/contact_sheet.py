"""Contact sheets for the README and for review: every layout on every platform, for a short, a
medium and a long quote (or title, for the headline design), in Latin, CJK and right-to-left
text; and the cards in other scripts.

    python samples/contact_sheet.py

Writes samples/cards/sheet-<script>.jpg (rows: layout × length; columns: platforms), rendered
here through the library; samples/cards/sheet-headlines.jpg (headline cards with and without a
photo, a deck, a byline, in three scripts); and samples/cards/scripts.png (the world-* cards of
the last `quotecards render`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quotecards.cards import Chosen, compose_card  # noqa: E402
from quotecards.config import SiteConfig  # noqa: E402
from quotecards.context import RenderOptions, RunContext  # noqa: E402
from quotecards.draw import photo  # noqa: E402
from quotecards.draw.layout import available  # noqa: E402
from quotecards.draw.platforms import PLATFORMS, Platform  # noqa: E402
from quotecards.errors import QuotecardsError  # noqa: E402
from quotecards.sources.post import read_post  # noqa: E402
from quotecards.text import fonts  # noqa: E402

ROW_HEIGHT, GAP, LABEL = 170, 14, 22
SITE = SiteConfig(site_name="The Harbour Times")

# script → photo, then (length, language, quote, attribution) for a short, a medium and a long quote.
SHEETS: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "latin": ("rocket.jpg", [
        ("short", "en", "Done is a feature.", "Jürgen Weiß, managing editor"),
        ("medium", "en", "Four years of concrete, paperwork and patience took nine seconds to disappear "
                         "behind us. That’s the job.", "Ayşe Çelik, launch director, after the first flight"),
        ("long", "en", "Every one of those smudges is a galaxy, and every galaxy holds more stars than anyone "
                       "could count in a lifetime. But the picture is a memory, not a window: the light left them "
                       "billions of years ago, and most of what happened since is invisible to us.",
         "Eleni Papadopoulou, astrophysicist"),
    ]),
    "cjk": ("coffee.jpg", [
        ("short", "ja", "本は、待ってくれる。", "佐藤花子、図書館長"),
        ("medium", "ja", "この図書館は決して閉まりません。夜の街にも、本を読みたい人がいるからです。",
         "佐藤花子、図書館長"),
        ("long", "zh", "我们不卖速度。我们卖的是你和朋友一起度过的十分钟，一杯慢慢冲泡的咖啡，和一个安静的下午。"
                       "「慢」是我们的招牌，也是我们对这座城市的承诺。", "王小明，咖啡馆店主"),
    ]),
    "rtl": ("chelsea.jpg", [
        ("short", "he", "הספרייה לא נסגרת.", "נועה לוי, Tel Aviv Public Library"),
        ("medium", "ar", "الماء النظيف ليس رفاهية. إنه حق لكل بيت في القاهرة، ونحن نعمل كل يوم حتى يصل إليه.",
         "منى حسن، مهندسة المياه"),
        ("long", "he", "הספרייה לא נסגרת לעולם, כי גם בלילה העיר רוצה לקרוא. פתחנו ב־2019 עם 300 ספרים, "
                       "והיום יש לנו יותר מעשרים אלף, ועדיין אנשים מביאים לנו ספרים מהבית כל שבוע.",
         "נועה לוי, מנהלת הספרייה"),
    ]),
}


def layouts_sheet(script: str) -> Path:
    """Each layout as the site's choice, on every platform, as a build would make it: a photo too
    small for a canvas, or a quote that does not fit, shows the design the build steps to."""
    picture_name, quotes = SHEETS[script]
    picture = photo.decode((HERE / "images" / picture_name).read_bytes())
    base = read_post(HERE / "posts" / "launch-day.md")
    names = sorted(available())
    platforms = list(PLATFORMS.values())
    widths = [round(p.width * ROW_HEIGHT / p.height) for p in platforms]
    with RunContext.open(RenderOptions(out_dir=HERE, config=SITE)) as ctx:
        headlines = {name for name in names if not ctx.layouts.get(name).sets("quote")}
    # The headline designs are for pages without a quote: they get the same texts as titles.
    rows = [(name, length, replace(base, quote=quote, attribution=who, lang=lang) if name not in headlines
             else replace(base, quote="", attribution="", title=quote, lang=lang, kind="headline"))
            for name in names for length, lang, quote, who in quotes]
    sheet, draw, label, small = _blank(platforms, widths, len(rows))
    with RunContext.open(RenderOptions(out_dir=HERE, config=SITE)) as ctx:
        for row, (name, length, post) in enumerate(rows):
            y = LABEL + row * (ROW_HEIGHT + GAP + LABEL)
            what = "title" if name in headlines else "quote"
            draw.text((GAP, y + 4), f"{name} · {length} {what}", fill="black", font=label)
            chosen = Chosen(ctx.layouts.get(name), "site", picture, None)
            x = GAP
            for platform, width in zip(platforms, widths):
                try:
                    _spec, card, used = compose_card(post, ctx, chosen, platform)
                except QuotecardsError as exc:
                    draw.multiline_text((x + 4, y + LABEL + 4), _wrap(str(exc).split(": ", 2)[-1], 26),
                                        fill="#b00020", font=small)
                else:
                    sheet.paste(card.image.resize((width, ROW_HEIGHT), Image.Resampling.LANCZOS), (x, y + LABEL))
                    if used.layout.name != name:
                        draw.text((x, y + LABEL + ROW_HEIGHT + 1), f"→ {used.layout.name} ({used.why})",
                                  fill="#555555", font=small)
                x += width + GAP
    out = HERE / "cards" / f"sheet-{script}.jpg"
    sheet.save(out, quality=82, optimize=True, progressive=True)
    return out


# Pages without a quote: (label, photo or "", language, section, title, description, author, date).
HEADLINES = [
    ("photo, deck, two authors", "rocket.jpg", "en", "Science", "The night the launch pad went quiet",
     "Engineers spent eleven hours tracing a valve fault before the countdown could resume.",
     "Maria Lopez and Sam Ortiz", "2026-03-14"),
    ("no photo, deck, two authors", "", "en", "Science", "The night the launch pad went quiet",
     "Engineers spent eleven hours tracing a valve fault before the countdown could resume.",
     "Maria Lopez and Sam Ortiz", "2026-03-14"),
    ("no photo, title and date only", "", "en", "", "How to use strings.Contains in Go", "", "", "2026-02-01"),
    ("no photo, a long title", "", "en", "Council", "Council approves the river plan after a four-hour debate "
     "that ran past midnight and drew the largest crowd in years", "", "Ana Ruiz", "2026-04-02"),
    ("Japanese, photo", "coffee.jpg", "ja", "文化", "国民の皆さまが安心して暮らせる街へ",
     "図書館は来月から深夜まで開きます。", "佐藤花子", "2026-05-01"),
    ("Persian, no photo", "", "fa", "", "راهنمای شروع کار با هوگو",
     "چگونه در چند دقیقه یک سایت ایستا بسازیم و آن را منتشر کنیم.", "Hugo Authors", "2019-03-11"),
]


def headlines_sheet() -> Path:
    """The headline design on every platform, for pages with and without a photo, a deck and a
    byline, as a build would make each card."""
    base = read_post(HERE / "posts" / "launch-day.md")
    platforms = list(PLATFORMS.values())
    widths = [round(p.width * ROW_HEIGHT / p.height) for p in platforms]
    sheet, draw, label, small = _blank(platforms, widths, len(HEADLINES))
    with RunContext.open(RenderOptions(out_dir=HERE, config=SITE)) as ctx:
        for row, (what, picture_name, lang, section, title, deck, author, date) in enumerate(HEADLINES):
            post = replace(base, kind="headline", quote="", attribution="", title=title, description=deck,
                           author=author, date=date, section=section, lang=lang, sources=(("section", "section"),))
            picture = photo.decode((HERE / "images" / picture_name).read_bytes()) if picture_name else None
            chosen = Chosen(ctx.layouts.get("headline"), "site", picture, None)
            y = LABEL + row * (ROW_HEIGHT + GAP + LABEL)
            draw.text((GAP, y + 4), f"headline · {what}", fill="black", font=label)
            x = GAP
            for platform, width in zip(platforms, widths):
                _spec, card, used = compose_card(post, ctx, chosen, platform)
                sheet.paste(card.image.resize((width, ROW_HEIGHT), Image.Resampling.LANCZOS), (x, y + LABEL))
                if used.layout.name != "headline":
                    draw.text((x, y + LABEL + ROW_HEIGHT + 1), f"→ {used.layout.name}", fill="#555555", font=small)
                x += width + GAP
    out = HERE / "cards" / "sheet-headlines.jpg"
    sheet.save(out, quality=82, optimize=True, progressive=True)
    return out


_Sheet = tuple[Image.Image, ImageDraw.ImageDraw, ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]


def _blank(platforms: list[Platform], widths: list[int], rows: int) -> _Sheet:
    """A white sheet for `rows` rows of cards, each platform's name over its column; its fonts."""
    sheet = Image.new("RGB", (sum(widths) + GAP * (len(widths) + 1), LABEL + (ROW_HEIGHT + GAP + LABEL) * rows),
                      "white")
    draw = ImageDraw.Draw(sheet)
    label, small = (fonts.load(fonts.find_face("Inter", 600), size) for size in (15, 11))
    x = GAP
    for platform, width in zip(platforms, widths):
        draw.text((x, 6), f"{platform.name} {platform.width}\u00d7{platform.height}", fill="black", font=small)
        x += width + GAP
    return sheet, draw, label, small


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) >= width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line][:8])


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


def main(scripts: list[str]) -> None:
    for script in [name for name in scripts or SHEETS if name in SHEETS]:
        print(layouts_sheet(script))
    if not scripts or "headlines" in scripts:
        print(headlines_sheet())
    if not scripts:
        print(scripts_sheet())


if __name__ == "__main__":
    main(sys.argv[1:])
