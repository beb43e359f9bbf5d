"""Pixel checks shared by the render tests, a site set in its own font, and where set lines break."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops

from quotecards.text import fonts, typeset

ROOT = Path(__file__).resolve().parent.parent


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


def house_font_site(folder: Path) -> Path:
    """A site whose layout `house` sets its text in "House Sans" from its own brand-fonts/ (the
    caller puts the font there); the post to render."""
    (folder / "layouts").mkdir()
    brand = (ROOT / "layouts" / "brand.toml").read_text().replace('font = "Inter"', 'font = "House Sans"')
    (folder / "layouts" / "house.toml").write_text(brand.replace('name = "brand"', 'name = "house"'))
    (folder / "quotecards.toml").write_text('font_dirs = ["brand-fonts"]\nlayout_dirs = ["layouts"]\nlayout = "house"\n')
    post = folder / "p.md"
    post.write_text("---\ntitle: T\nfeatured_quote: {quote: Our own type., summary: The Desk}\n---\n")
    return post


SERIF = fonts.stack_for(fonts.find_face("Noto Serif Display", 600))


def line_ends(text: str, lang: str, widths: range, size: int = 40) -> list[tuple[int, tuple[str, ...]]]:
    """For each width, the character offsets where the set lines break, and the lines."""
    out = []
    for width in widths:
        block = typeset.set_text(text, SERIF, width, 5000, size, size, lang=lang, shorten=False)
        assert "".join(block.lines).replace(" ", "") == text.replace(" ", ""), block.lines
        at, ends = 0, []
        for line in block.lines[:-1]:
            at = text.index(line, at) + len(line)
            ends.append(at)
        out.append((ends, block.lines))
    return out


def never_inside(text: str, lang: str, words: list[str], widths: range) -> None:
    for ends, lines in line_ends(text, lang, widths):
        for word in words:
            start = text.index(word)
            inside = [e for e in ends if start < e < start + len(word)]
            assert not inside, f"{word!r} broken in {lines}"
