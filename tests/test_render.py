from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ink_inside, ink_outside
from PIL import Image, ImageChops, ImageFilter

from quotecards.card_warnings import Kind
from quotecards.draw import contrast, photo
from quotecards.draw.layout import available, find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import get_platform
from quotecards.draw.render import render
from quotecards.sources.post import read_post

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = load_layout(find_layout("photo"))
OG = get_platform("og")


def spec_for(post_path: Path):
    return plan_card(read_post(post_path), LAYOUT, OG)


def blank(spec):
    """The same card with no text: what the background looks like under the text."""
    return replace(spec, texts={k: "" for k in spec.texts})


@pytest.mark.parametrize("picture", [None, "rocket.jpg"])
def test_text_is_drawn_inside_its_boxes_and_not_clipped(seed_post, picture):
    spec = spec_for(seed_post)
    image = photo.decode((ROOT / "samples/images" / picture).read_bytes()) if picture else None
    card = render(spec, image)
    background = card.backdrop  # the canvas as it was just before the text went on
    assert card.image.size == (1200, 630) and background is not None

    text_boxes = list(card.boxes.values())
    assert ink_outside(card.image, background, text_boxes) is None, "ink outside the text boxes"
    for name, box in card.boxes.items():
        assert ink_inside(card.image, background, box), f"nothing drawn in the {name} box"
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= 1200 and box[3] <= 630

    quote = card.blocks["quote"]
    assert " ".join(quote.lines_as_set) == "\u201c" + spec.texts["quote"] + "\u201d"  # every word set
    assert not quote.shortened
    # The ink reaches the last line: the quote is not cut off at the bottom of its box.
    last_baseline_band = (card.boxes["quote"][0], card.boxes["quote"][3] - quote.line_height,
                          card.boxes["quote"][2], card.boxes["quote"][3])
    assert ink_inside(card.image, background, last_baseline_band)


def test_contrast_reaches_aa_on_a_white_photo(seed_post):
    white = Image.new("RGB", (1600, 900), (255, 255, 255))
    card = render(spec_for(seed_post), white)
    assert card.contrast is not None and card.contrast >= 4.5
    # Measured independently, on the pixels the quote is read against: the backdrop around its letters.
    box = card.boxes["quote"]
    letters = ImageChops.difference(card.image.crop(box), card.backdrop.crop(box)).convert("L")
    around = letters.point(lambda v: 255 if v > 40 else 0).filter(ImageFilter.MaxFilter(9))
    region = card.backdrop.crop(box)
    lum = sorted(contrast.luminance(p) for p, m in zip(region.get_flattened_data(), around.get_flattened_data()) if m)
    assert len(lum) > 10_000
    assert contrast.ratio(1.0, lum[int(0.9 * (len(lum) - 1))]) >= 4.5


def test_the_extra_veil_stays_near_the_text(seed_post):
    # A white photo needs an extra veil under the quote; the corner far from any text keeps its light.
    white = Image.new("RGB", (1600, 900), (255, 255, 255))
    card = render(spec_for(seed_post), white)
    far = card.backdrop.crop((1150, 0, 1200, 40))
    assert min(contrast.luminance(p) for p in far.get_flattened_data()) > 0.4  # the layout's own veil alone


def test_dark_photo_is_not_darkened_more_than_needed(seed_post):
    black = Image.new("RGB", (1200, 630), (20, 20, 20))
    spec = spec_for(seed_post)
    card = render(spec, black)
    background = render(blank(spec), black).image
    # The scrim was not strengthened: the corner far from any text is as the plain scrim left it.
    assert card.image.getpixel((1199, 0)) == background.getpixel((1199, 0))


def test_missing_glyph_is_reported_not_silent(seed_post):
    spec = spec_for(seed_post)
    # Linear B: no face in the stack has it, bundled or system.
    spec = replace(spec, texts={**spec.texts, "quote": "Peace \U00010000\U00010001 now"})
    card = render(spec, None)
    assert card.missing_glyphs == ["\U00010000", "\U00010001"]
    assert any(w.kind is Kind.MISSING_GLYPHS and "U+10000" in w.message for w in card.warnings)


def test_fallback_background_is_designed_not_flat():
    bg = photo.fallback_background((1200, 630), LAYOUT.background.fallback)
    corners = [bg.getpixel(p) for p in [(0, 0), (1199, 0), (0, 629), (1199, 629)]]
    assert len(set(corners)) == 4


def test_cover_crop_fills_the_canvas_from_any_aspect():
    for size in [(300, 1000), (1000, 300), (64, 64)]:
        out = photo.cover(Image.new("RGB", size, (200, 10, 10)), (1200, 630))
        assert out.size == (1200, 630) and out.getpixel((0, 0)) == (200, 10, 10) == out.getpixel((1199, 629))


def test_a_photo_shared_by_posts_is_decoded_once_per_run(tmp_path, monkeypatch, photo_file):
    from quotecards import context
    from quotecards.cards import RenderOptions, render_posts
    from quotecards.sources.fetch import FetchOptions

    decoded = []
    real = photo.decode
    monkeypatch.setattr(context.photo, "decode", lambda *a, **k: decoded.append(1) or real(*a, **k))
    posts = []
    for i in range(3):
        path = tmp_path / f"p{i}.md"
        path.write_text(f"---\ntitle: T{i}\nfeatured_image: photo.jpg\nfeatured_quote:\n  quote: Q{i}.\n---\n")
        posts.append(path)
    result = render_posts(posts, RenderOptions(out_dir=tmp_path / "out", fetch=FetchOptions(roots=(tmp_path,))))
    assert [c.image for c in result.cards] == ["photo"] * 3 and len(decoded) == 1


@pytest.mark.parametrize("name", sorted(available()))
def test_painted_layers_come_off_again_to_the_pixel(name):
    # A card that needs an extra veil has its background back from the patches under its painted
    # layers (not from a copy of the whole canvas): they must cover all that the layers paint,
    # a site's name set as text in the brand layer and a right-to-left card's mirrored design too.
    from quotecards.draw.brand import Brand
    from quotecards.draw.render import Framed, paint_layers, under_layers, unpaint
    from quotecards.draw.scene import Scene

    layout = load_layout(find_layout(name))
    for post, platform in (("world-tel-aviv-library", "og"), ("launch-day", "story")):
        spec = plan_card(read_post(ROOT / "samples/posts" / f"{post}.md"), layout, get_platform(platform),
                         brand=Brand(site_name="The Sample Times"))
        safe = spec.platform.safe_box
        scene = Scene(spec, layout.layers_for(safe.width, safe.height), Image.open(ROOT / "samples/images/coffee.jpg"),
                      mirror=post.startswith("world-tel-aviv"))
        base = Image.effect_noise(spec.size, 60).convert("RGB")
        canvas = base.copy()
        under = under_layers(scene, canvas)
        paint_layers(scene, Framed(canvas, "photo", None, ""), canvas)
        painted = ImageChops.difference(canvas, base).getbbox()
        assert painted or not under  # the layers painted something wherever they have a place
        assert unpaint(canvas, under).tobytes() == base.tobytes(), (name, platform)


@pytest.mark.parametrize("side", ["", "left", "right"])
def test_the_scrims_mask_kept_as_a_column_is_the_whole_gradients(side):
    # Kept as one column (and one row), widened on use: the very pixels of the gradient resized whole.
    from quotecards.draw.render import SIDE_SCRIM_FAR, _veil

    for size in [(1200, 630), (1080, 1920), (1000, 1500), (333, 777)]:
        top, bottom = 0.1, 0.85
        whole = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
        whole = whole.point([round(255 * (top + (bottom - top) * v / 255)) for v in range(256)])
        if side:
            across = Image.linear_gradient("L").rotate(90 if side == "left" else -90)
            across = across.resize(size, Image.Resampling.BILINEAR)
            whole = ImageChops.multiply(whole, across.point(
                [round(255 * (1 - (1 - SIDE_SCRIM_FAR) * v / 255)) for v in range(256)]))
        assert _veil(size, (top, bottom), side).tobytes() == whole.tobytes(), size


def test_a_veil_as_a_table_is_pillows_blend_with_a_solid_to_the_byte():
    every = Image.new("RGB", (256, 1))
    every.putdata([(v, 255 - v, v // 2) for v in range(256)])
    for step in range(1, round(contrast.SCRIM_MAX / contrast.SCRIM_STEP) + 1):
        extra = min(contrast.SCRIM_MAX, step * contrast.SCRIM_STEP)
        for colour in [(0, 0, 0), (255, 255, 255), *((c, 255 - c, (c * 7) % 256) for c in range(0, 256, 5))]:
            want = Image.blend(every, Image.new("RGB", every.size, colour), extra)
            assert every.point(contrast.blend_table(colour, extra)).tobytes() == want.tobytes(), (extra, colour)
