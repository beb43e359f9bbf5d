"""Decoding every kind of picture a CMS holds, cropping around the subject, and readable text on any photo."""

from __future__ import annotations

import io
import json
import random
import struct

import pytest
from click.testing import CliRunner
from PIL import Image, ImageCms, ImageDraw, ImageFilter

from quotecards.cli import main
from quotecards.draw import focus, photo
from quotecards.draw.crop import crop_for
from quotecards.draw.layout import find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS, Platform, get_platform
from quotecards.draw.render import render
from quotecards.draw.subjects import see
from quotecards.sources.post import Post, PostError, read_post

LAYOUT = load_layout(find_layout("photo"))
STORY = Platform("story", 1080, 1920, 8 << 20, "")


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: display rotated 90° clockwise
    out = photo.decode(encode(image, "JPEG", exif=exif.tobytes()))
    assert out.size == (100, 200)
    r, g, b = out.getpixel((50, 20))  # what was the left is now on top
    assert r > 200 and b < 60


def test_cmyk_becomes_rgb():
    out = photo.decode(encode(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG"))
    r, g, b = out.getpixel((10, 10))
    assert out.mode == "RGB" and r > 230 and g < 30 and b < 30


def test_palette_with_transparency_flattens_on_black():
    image = Image.new("P", (64, 48), 1)
    image.putpalette([0, 0, 0, 200, 10, 10] + [0] * 762)
    image.paste(0, (0, 0, 32, 48))
    out = photo.decode(encode(image, "PNG", transparency=0))
    assert out.getpixel((5, 5)) == (0, 0, 0) and out.getpixel((50, 5)) == (200, 10, 10)


def test_rgba_flattens_on_black():
    image = Image.new("RGBA", (64, 48), (255, 255, 255, 0))
    image.paste((10, 200, 10, 255), (32, 0, 64, 48))
    out = photo.decode(encode(image, "PNG"))
    assert out.getpixel((5, 5)) == (0, 0, 0) and out.getpixel((50, 5)) == (10, 200, 10)


def test_sixteen_bit_grey_keeps_its_tones():
    out = photo.decode(encode(Image.new("I;16", (64, 48), 40000), "PNG"))
    assert out.getpixel((5, 5)) == (156, 156, 156)  # 40000 / 256, not clipped to white


def test_animated_gif_shows_its_first_frame():
    frames = [Image.new("RGB", (50, 50), c) for c in [(255, 0, 0), (0, 255, 0)]]
    out = photo.decode(encode(frames[0], "GIF", save_all=True, append_images=frames[1:]))
    r, g, b = out.getpixel((5, 5))
    assert r > 200 and g < 50


def test_embedded_icc_profile_is_converted_to_srgb():
    # An sRGB profile with its red and blue primaries swapped: what the file calls red is blue.
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", icc[128:132])[0]
    table = {bytes(icc[132 + 12 * i:136 + 12 * i]): 132 + 12 * i for i in range(count)}
    r, b = table[b"rXYZ"], table[b"bXYZ"]
    icc[r + 4:r + 12], icc[b + 4:b + 12] = icc[b + 4:b + 12], icc[r + 4:r + 12]
    out = photo.decode(encode(Image.new("RGB", (10, 10), (200, 30, 30)), "PNG", icc_profile=bytes(icc)))
    red, _green, blue = out.getpixel((1, 1))
    assert blue > 150 and red < 80


def test_pixel_cap_is_configurable_and_checked_before_decoding():
    data = encode(Image.new("RGB", (800, 500)), "JPEG")
    with pytest.raises(photo.ImageError, match="800\u00d7500 px, over the 0.1 Mpx limit"):
        photo.decode(data, max_pixels=100_000)
    assert photo.decode(data).size == (800, 500)


def test_large_jpeg_is_decoded_reduced_but_never_below_the_canvas():
    data = encode(Image.new("RGB", (4800, 3200), (90, 90, 90)), "JPEG")
    out = photo.decode(data, target=(1200, 630))
    assert 1200 <= out.width < 4800 and 630 <= out.height


# -- cropping around the subject ------------------------------------------------------------

def scene(size: tuple[int, int], subject_at: tuple[float, float], radius: int) -> Image.Image:
    """A smooth sky with one detailed, colourful subject (a checkered red disc)."""
    w, h = size
    sky = Image.linear_gradient("L").resize(size).point(lambda v: 150 + v // 4)
    image = Image.merge("RGB", (sky, sky, sky.point(lambda v: min(255, v + 30))))
    cx, cy = round(subject_at[0] * w), round(subject_at[1] * h)
    subject = Image.new("RGB", (2 * radius, 2 * radius), (220, 30, 30))
    draw = ImageDraw.Draw(subject)
    for y in range(0, 2 * radius, 16):
        for x in range((y // 16) % 2 * 16, 2 * radius, 32):
            draw.rectangle((x, y, x + 15, y + 15), fill=(120, 0, 0))
    mask = Image.new("L", subject.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, 2 * radius - 1, 2 * radius - 1), fill=255)
    image.paste(subject, (cx - radius, cy - radius), mask)
    return image


def red_share(image: Image.Image) -> float:
    r, g, b = image.convert("RGB").split()
    red = Image.eval(r, lambda v: 255 if v > 100 else 0)
    not_sky = Image.eval(g, lambda v: 255 if v < 80 else 0)
    both = Image.composite(red, Image.new("L", image.size, 0), not_sky)
    return both.histogram()[255] / (image.width * image.height)


@pytest.mark.parametrize("photo_size, subject_at, canvas", [
    ((2400, 1600), (0.82, 0.5), (1080, 1920)),  # landscape photo, subject near the right, story crop
    ((1600, 2400), (0.5, 0.16), (1200, 630)),  # portrait photo, subject near the top, Open Graph crop
    ((2400, 1600), (0.15, 0.55), (1080, 1080)),
])
def test_auto_crop_keeps_the_subject_whole(photo_size, subject_at, canvas):
    image = scene(photo_size, subject_at, 220)
    fx, fy = focus.auto_focus(image, canvas)
    cropped = photo.cover(image, canvas, (fx, fy))
    centred = photo.cover(image, canvas)
    scale = max(canvas[0] / photo_size[0], canvas[1] / photo_size[1])
    whole = 3.14159 * (220 * scale) ** 2 / (canvas[0] * canvas[1])
    assert red_share(cropped) == pytest.approx(whole, rel=0.1)
    assert red_share(centred) < 0.6 * red_share(cropped), "the centred crop would have cut it"


def test_a_photo_with_detail_everywhere_is_cropped_in_the_middle():
    rng = random.Random(3)
    noise = Image.frombytes("L", (2400, 1600), rng.randbytes(2400 * 1600)).convert("RGB")
    assert focus.auto_focus(noise, (1080, 1920))[0] == pytest.approx(0.5, abs=0.08)


def test_the_posts_focal_point_beats_the_automatic_one(write_post, tmp_path):
    image = scene((2400, 1600), (0.82, 0.5), 220)
    post = write_post("p.md", "---\ntitle: T\nfeatured_image:\n  image: x.jpg\n  focal_point: [0.1, 0.5]\n"
                      "featured_quote:\n  quote: Q.\n---\n")
    spec = plan_card(read_post(post), LAYOUT, STORY)
    card = render(spec, image)
    # The crop keeps the point's surroundings whole: at the photo's left edge here.
    assert card.focus_source == "post" and card.crop is not None and card.crop[0] == 0 and card.focus[0] < 0.3
    assert [s.subject.kind for s in card.subjects] == ["given"]
    auto = render(plan_card(Post(source=post, slug="p", quote="Q.", attribution="", citation="", image="x.jpg",
                                 image_alt="", title="", description="", date=None, section=""), LAYOUT, STORY), image)
    assert auto.focus_source == "auto" and auto.focus[0] > 0.6


@pytest.mark.parametrize("value", ["[1.5, 0.5]", "[0.5]", "center", "[true, 0.5]"])
def test_a_bad_focal_point_is_a_one_line_error(write_post, value):
    post = write_post("p.md", f"---\ntitle: T\nfeatured_image:\n  image: x.jpg\n  focal_point: {value}\nfeatured_quote:\n  quote: Q.\n---\n")
    with pytest.raises(PostError, match=r"p\.md: featured_image\.focal_point: expected \[x, y\] with both between 0 and 1"):
        read_post(post)


# -- readable text on any photo -------------------------------------------------------------

def wcag(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def line_contrast(card) -> float:
    """Independently of the renderer: white text against the 90th-percentile pixel under each line."""
    worst = 99.0
    for source, block in card.blocks.items():
        x0, y0, x1, _ = card.text_boxes[source]
        for i, _row in enumerate(block.rows):
            top = y0 + i * block.line_height
            region = card.backdrop.crop((x0, top, x1, top + block.ascent + block.descent))
            lums = sorted(wcag(p) for p in region.convert("RGB").get_flattened_data())
            bright = lums[int(0.9 * (len(lums) - 1))]
            worst = min(worst, (1.05) / (bright + 0.05))
    return worst


def busy_photo() -> Image.Image:
    rng = random.Random(11)
    image = Image.new("RGB", (1600, 1000), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    for _ in range(900):
        x, y = rng.randrange(1600), rng.randrange(1000)
        draw.ellipse((x, y, x + rng.randrange(10, 90), y + rng.randrange(10, 90)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


@pytest.mark.parametrize("name, picture", [
    ("white", Image.new("RGB", (1600, 1000), (255, 255, 255))),
    ("black", Image.new("RGB", (1600, 1000), (0, 0, 0))),
    ("busy", busy_photo()),
])
@pytest.mark.parametrize("platform", [get_platform("og"), STORY], ids=["og", "story"])
def test_text_reaches_wcag_aa_on_any_photo(seed_post, name, picture, platform):
    card = render(plan_card(read_post(seed_post), LAYOUT, platform), picture)
    assert card.contrast >= 4.5
    assert line_contrast(card) >= 4.5



def _region_by_pixels(pixels: bytes, w: int, h: int):
    """The subject's region the plain way: a pixel-by-pixel flood from the peak, 4-connected."""
    from quotecards.draw.focus import SUBJECT_CORE

    peak = max(pixels, default=0)
    if peak == 0:
        return None
    start = pixels.index(peak)
    seen, todo, box = {start}, [start], [w, h, 0, 0]
    while todo:
        i = todo.pop()
        x, y = i % w, i // w
        box = [min(box[0], x), min(box[1], y), max(box[2], x + 1), max(box[3], y + 1)]
        for j, ok in ((i - 1, x > 0), (i + 1, x < w - 1), (i - w, y > 0), (i + w, y < h - 1)):
            if ok and j not in seen and pixels[j] >= peak * SUBJECT_CORE:
                seen.add(j)
                todo.append(j)
    return tuple(box)


def test_the_subjects_region_is_the_4_connected_flood_around_the_peak():
    from quotecards.draw.focus import _region_around_peak

    rng = random.Random(3)
    for trial in range(1500):
        w, h = rng.randrange(1, 40), rng.randrange(1, 40)
        if trial % 3 == 0:
            pixels = bytes(rng.randrange(256) for _ in range(w * h))
        elif trial % 3 == 1:
            pixels = Image.effect_noise((w, h), 90).filter(ImageFilter.GaussianBlur(rng.random() * 3)).tobytes()
        else:  # islands and rings: spans that meet only above or below
            pixels = bytes(rng.choice((0, 0, 200, 255)) for _ in range(w * h))
        assert _region_around_peak(pixels, w, h) == _region_by_pixels(pixels, w, h), (trial, w, h)


@pytest.mark.parametrize("size", [(1, 700), (3, 3000), (1200, 1)])
def test_a_photo_thinner_than_the_measure_still_makes_its_card_with_a_warning(tmp_path, write_post, size):
    # Its copy for measuring detail came out under 2 px on a side, and the measure failed the post.
    Image.new("RGB", size, (200, 60, 40)).save(tmp_path / "strip.png")
    post = write_post("strip.md", "---\ntitle: A strip of a photo\nfeatured_image: strip.png\n---\nText.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(post), "--out", str(out), "--site-root", str(tmp_path),
                                       "--platform", "all"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cards = json.loads((out / "manifest.json").read_text())["cards"]
    assert len(cards) == len(PLATFORMS) and all((out / card["path"]).exists() for card in cards)
    assert all(card["warning_kinds"] for card in cards), cards
    assert "internal error" not in result.output


def test_a_panorama_thinner_than_a_pixel_of_the_map_is_seen_and_cropped():
    picture = Image.new("RGB", (20000, 100), (40, 40, 40))
    seen = see(picture)
    assert seen.subjects == () and seen.proxy.width >= 1 and seen.proxy.height >= 1
    crop = crop_for(picture.size, (1200, 630), seen.subjects, "bottom", focus.auto_focus(picture, (1200, 630)))
    x0, y0, x1, y1 = crop.window
    assert 0 <= x0 < x1 <= 1 and (y0, y1) == (0.0, 1.0) and crop.whole
