"""Composition: text where the subject is not, a photo set aside when it is small or covered, the
type scale following the text, groups centred, the brand in every orientation, marks by their ink,
names before roles. Photos here are made with a subject at a known place."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from quotecards.card_warnings import Kind
from quotecards.cards import Chosen, compose_card
from quotecards.config import SiteConfig
from quotecards.context import RenderOptions, RunContext
from quotecards.draw.layout import BrandLayer, available, load_layout
from quotecards.draw.platforms import PLATFORMS, get_platform
from quotecards.sources.post import read_post
from quotecards.text.cleanup import decorative_mark, quote_marks

ROOT = Path(__file__).resolve().parent.parent
BASE = read_post(ROOT / "samples/posts/launch-day.md")
MEDIUM = "Four years of concrete, paperwork and patience took nine seconds to disappear behind us. That’s the job."


def subject_photo(x: float, y: float, size: tuple[int, int] = (2000, 1250), seed: int = 3) -> Image.Image:
    """A plain, softly lit backdrop with one striped, coloured subject centred at (x, y)."""
    rnd = random.Random(seed)
    w, h = size
    photo = Image.linear_gradient("L").resize(size).convert("RGB")
    photo = Image.merge("RGB", [band.point(lambda v, k=k: 50 + v // (4 + k)) for k, band in enumerate(photo.split())])
    draw = ImageDraw.Draw(photo)
    r = int(0.22 * h)
    cx, cy = int(x * w), int(y * h)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    subject = Image.new("RGB", size, (rnd.randrange(150, 230), 80, 40))
    stripes = ImageDraw.Draw(subject)
    for i in range(-r, r, 16):
        stripes.line((cx + i, cy - r, cx + i + 30, cy + r), fill=(250, 235, 200), width=6)
    photo.paste(subject, (0, 0), mask)
    del draw
    return photo


def compose(layout: str, platform: str, picture: Image.Image | None, quote: str = MEDIUM, lang: str = "en",
            attribution: str = "Ayşe Çelik, launch director", config: SiteConfig | None = None, **post_fields):
    post = replace(BASE, quote=quote, attribution=attribution, lang=lang, **post_fields)
    config = config or SiteConfig(site_name="The Harbour Times")
    with RunContext.open(RenderOptions(out_dir=ROOT / "unused", config=config)) as ctx:
        return compose_card(post, ctx, Chosen(ctx.layouts.get(layout), "site", picture, None), get_platform(platform))


@pytest.mark.parametrize("side", [0.2, 0.8])
def test_text_moves_to_the_side_away_from_an_off_centre_subject(side):
    _spec, card, used = compose("photo", "og", subject_photo(side, 0.45))
    assert used.layout.name == "photo" and [s.subject.kind for s in card.subjects] == ["salient"]
    quote, subject = card.text_boxes["quote"], card.subjects[0].box
    subject_centre = (subject.left + subject.right) / 2
    if side < 0.5:
        assert card.side == "right" and quote.left > subject.right - 10 and subject_centre < 600
    else:
        assert card.side == "left" and quote.right < subject.left + 10 and subject_centre > 600
    assert card.placement == card.side and card.scores[card.placement] == card.score
    assert not any(box.overlap(subject) for box in card.text_boxes.values())
    # The photo's veil thins towards the subject: its side is lighter than the text's.
    subject_side = card.backdrop.crop((0, 0, 200, 630) if side < 0.5 else (1000, 0, 1200, 630)).convert("L")
    text_side = card.backdrop.crop((1000, 0, 1200, 630) if side < 0.5 else (0, 0, 200, 630)).convert("L")
    mean = lambda im: sum(im.get_flattened_data()) / (im.width * im.height)  # noqa: E731
    assert mean(subject_side) > mean(text_side)


def test_a_focal_point_the_post_gives_decides_the_side():
    plain = Image.linear_gradient("L").resize((2000, 1250)).convert("RGB")  # nothing stands out by itself
    _spec, card, _used = compose("photo", "og", plain, focal_point=(0.85, 0.5))
    assert card.side == "left" and card.focus_source == "post"


def test_a_centred_subject_with_room_below_it_keeps_the_text_clear_of_it():
    _spec, card, used = compose("photo", "og", subject_photo(0.5, 0.45))
    assert used.layout.name == "photo" and card.placement == "clear"
    assert card.scores["designed"] < card.score  # the design's own arrangement covers the subject
    subject = card.subjects[0].box
    assert not any(box.overlap(subject) for box in card.text_boxes.values())


def test_a_subject_the_text_would_cover_sets_the_photo_aside():
    _spec, card, used = compose("photo", "og", subject_photo(0.5, 0.6))
    assert used.layout.name == "split" and used.why == "subject covered"
    assert [d.kind for d in used.detours] == [Kind.SUBJECT_COVERED]
    # Turned off by the site, the photo card is made as asked.
    _spec, card, used = compose("photo", "og", subject_photo(0.5, 0.6),
                                config=SiteConfig(site_name="T", photo_aside_layout=""))
    assert used.layout.name == "photo" and Kind.SUBJECT_COVERED in [w.kind for w in card.warnings]


def test_a_photo_too_small_for_the_canvas_is_set_beside_the_text():
    small = subject_photo(0.2, 0.45, size=(500, 310))
    _spec, _card, used = compose("photo", "og", small)
    assert used.layout.name == "split" and used.why == "small photo"
    small_photo = used.detours[0].warning(get_platform("og"))
    assert small_photo.kind is Kind.SMALL_PHOTO and "500\u00d7310" in small_photo.message
    # A headline card goes aside too, to its own design with the photo beside it.
    _spec, card, used = compose("headline", "og", small, quote="", kind="headline", title="Council passes a budget")
    assert used.layout.name == "headline-split" and " ".join(card.blocks["title"].lines) == "Council passes a budget"
    # A site that sends headlines to a quote design's aside: it sets the title, without quote marks.
    to_split = SiteConfig(site_name="T", headline_aside_layout="split")
    _spec, card, used = compose("headline", "og", small, quote="", kind="headline", title="Council passes a budget",
                                config=to_split)
    assert used.layout.name == "split" and " ".join(card.blocks["quote"].lines) == "Council passes a budget"
    assert card.blocks["quote"].hang == ""
    # Where the aside design cannot set a title, the headline keeps its own.
    with_brand = SiteConfig(site_name="T", headline_aside_layout="band")
    _spec, _card, used = compose("headline", "og", small, quote="", kind="headline", config=with_brand)
    assert used.layout.name == "headline"


def test_a_short_quote_is_set_large_and_a_long_one_at_the_layout_size():
    layout = load_layout(available()["brand"])
    top = round(layout.layers[1].size[1] * 630)
    _spec, short, _used = compose("brand", "og", None, quote="Done is a feature.")
    _spec, medium, _used = compose("brand", "og", None)
    assert short.blocks["quote"].size >= 1.3 * top
    assert medium.blocks["quote"].size <= top


@pytest.mark.parametrize("platform", ["instagram", "instagram-portrait", "story"])
@pytest.mark.parametrize("layout", ["split", "band", "brand"])
def test_the_text_group_sits_centred_in_its_room(layout, platform):
    _spec, card, used = compose(layout, platform, subject_photo(0.5, 0.3), quote="Done is a feature.",
                                config=SiteConfig(site_name="T", photo_aside_layout=""))
    quote, who = card.text_boxes["quote"], card.text_boxes["attribution"]
    # Quote and attribution stay together: no empty band between them.
    gap = who.top - quote.bottom
    assert 0 <= gap < 0.08 * PLATFORMS[platform].height  # the brand card's accent rule sits between


@pytest.mark.parametrize("name", sorted(set(available()) - {"headline"}))
def test_every_orientation_carries_the_brand(name):
    layout = load_layout(available()[name])
    for size in [(1200, 630), (1080, 1080), (1080, 1350), (960, 1330)]:
        assert any(isinstance(layer, BrandLayer) for layer in layout.layers_for(*size)), (name, size)


@pytest.mark.parametrize("platform", ["og", "instagram", "story"])
def test_the_brand_is_drawn_on_every_canvas(platform):
    named = compose("split", platform, subject_photo(0.3, 0.4), config=SiteConfig(site_name="The Harbour Times",
                                                                                    photo_aside_layout=""))[1]
    nameless = compose("split", platform, subject_photo(0.3, 0.4), config=SiteConfig(photo_aside_layout=""))[1]
    assert ImageChops.difference(named.backdrop, nameless.backdrop).getbbox() is not None


@pytest.mark.parametrize("lang,quote", [("en", "Done is a feature."), ("fr", "Nous ne fermons jamais."),
                                        ("de", "Wir bauen weiter, jeden Tag."),
                                        pytest.param("ja", "この図書館は決して閉まりません。",
                                                     marks=pytest.mark.system("fonts-noto-cjk"))])
def test_a_decorative_mark_lines_up_with_the_text_by_its_ink(lang, quote):
    _spec, card, _used = compose("brand", "og", None, quote=quote, lang=lang)
    mark, text = card.text_boxes["literal:\u201c"], card.text_boxes["quote"]
    ink_left = _ink_left(card, text)
    # Within the first letter's own side bearing (a CJK glyph sits inside its em).
    assert abs(mark.left - ink_left) <= max(4, 0.1 * card.blocks["quote"].size), (mark, ink_left)
    assert mark.bottom <= text.top + 4  # above the quote, not beside it


def _ink_left(card, box) -> int:
    diff = ImageChops.difference(card.image.crop(box), card.backdrop.crop(box)).convert("L")
    return box.left + diff.point(lambda v: 255 if v > 60 else 0).getbbox()[0]


def test_a_low_opening_mark_is_set_large_as_a_high_one():
    assert quote_marks("de")[0] == "\u201e" and decorative_mark("de") == "\u201c"
    assert decorative_mark("fr") == "\u00ab" and decorative_mark("ja") == "\u300c"
    assert quote_marks("he", True) == ("\u201e", "\u201d") and decorative_mark("he", True) == "\u201d"


@pytest.mark.parametrize("attribution,name", [("Ayşe Çelik, launch director", "Ayşe Çelik"),
                                               ("Azerbaijani president, Ilham Aliyev, on a fight", "Ilham Aliyev"),
                                               ("منى حسن، مهندسة المياه", "منى حسن"),
                                               pytest.param("佐藤花子、図書館長", "佐藤花子",
                                                            marks=pytest.mark.system("fonts-noto-cjk"))])
def test_the_name_is_set_stronger_than_the_role(attribution, name):
    _spec, card, _used = compose("brand", "og", None, attribution=attribution)
    pieces = [p for row in card.blocks["attribution"].rows for p in row.pieces]
    name_weights = {p.face.weight for p in pieces if p.text.strip() and p.text.strip() in name}
    role_weights = {p.face.weight for p in pieces if p.text.strip() and p.text.strip() not in name}
    assert name_weights and role_weights and min(name_weights) > max(role_weights)


@pytest.mark.parametrize("attribution", ["River Kura Volunteers", "a council member, 54, after the vote"])
def test_an_attribution_without_a_name_and_a_role_is_set_in_one_weight(attribution):
    _spec, card, _used = compose("brand", "og", None, attribution=attribution)
    assert len({p.face for row in card.blocks["attribution"].rows for p in row.pieces}) == 1


def test_the_quote_is_never_set_under_the_platform_floor():
    assert get_platform("og").legible_px == 36 and get_platform("story").legible_px == 32
    sixty = " ".join(["Every one of those smudges is a galaxy, and every galaxy holds more stars."] * 4)
    _spec, card, used = compose("photo", "og", subject_photo(0.2, 0.4), quote=sixty)
    assert card.blocks["quote"].size >= 36
    assert used.layout.name != "photo" and Kind.STEPPED_DOWN in [d.kind for d in used.detours]


def test_a_photo_is_analysed_once_for_every_canvas(monkeypatch):
    from quotecards.draw import focus

    made = []
    real = focus._interest
    monkeypatch.setattr(focus, "_interest", lambda image: made.append(image) or real(image))
    picture = subject_photo(0.25, 0.4)
    for platform in PLATFORMS:
        compose("photo", platform, picture, config=SiteConfig(photo_aside_layout=""))
    assert made == [picture]
