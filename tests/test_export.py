"""PNG encoding: lossless, near the default's size, within the platform's limit, written whole."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops

from quotecards import export, photo
from quotecards.layout import find_layout, load_layout
from quotecards.plan import plan_card
from quotecards.platforms import PLATFORMS
from quotecards.post import read_post
from quotecards.render import render

ROOT = Path(__file__).resolve().parent.parent


def test_fast_encoding_is_lossless_and_about_as_small_as_pillows_default():
    picture = photo.decode((ROOT / "samples/images/rocket.jpg").read_bytes())
    card = render(plan_card(read_post(ROOT / "samples/posts/launch-day.md"), load_layout(find_layout("photo")),
                            PLATFORMS["og"]), picture).image
    encoded = export.encode(card, PLATFORMS["og"].max_bytes)
    assert encoded.how == "png fast"
    with Image.open(io.BytesIO(encoded.data)) as back:
        assert ImageChops.difference(back.convert("RGB"), card).getbbox() is None
    default = io.BytesIO()
    card.save(default, "PNG")
    assert len(encoded.data) <= 1.05 * len(default.getvalue())


def test_a_tight_limit_falls_back_to_a_palette(tmp_path):
    noise = Image.effect_noise((400, 300), 60).convert("RGB")
    lossless = export.encode(noise, 10_000_000)
    tight = export.encode(noise, len(lossless.data) // 3)
    assert tight.how.startswith("png palette") and len(tight.data) <= len(lossless.data) // 3


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    export.write_atomic(tmp_path / "og" / "a.png", b"data")
    assert [p.name for p in (tmp_path / "og").iterdir()] == ["a.png"]


def test_alt_text_is_capped_at_what_networks_accept_with_a_warning():
    from quotecards.cards import ALT_LONG_CHARS, ALT_MAX_CHARS, alt_text

    assert alt_text("Short.", "Someone") == ("Quote: Short. \u2014 Someone", None)
    text, warning = alt_text("word " * 100, "Someone")
    assert len(text) > ALT_LONG_CHARS and text.endswith("Someone") and warning and "some networks cut it" in warning.message
    text, warning = alt_text("word " * 290, "Someone")
    assert len(text) <= ALT_MAX_CHARS and text.endswith("word\u2026") and warning and "alt text cut" in warning.message


def test_matching_levels_are_tried_only_where_they_could_reach_the_limit(monkeypatch):
    noisy = Image.effect_noise((600, 400), 80).convert("RGB")
    fast = len(export.png.encode(noisy))
    levels = []
    real = export.png.encode

    def counting(image, quick=False, level=None):
        levels.append(level)
        return real(image, quick, level)

    monkeypatch.setattr(export.png, "encode", counting)
    far = export.encode(noisy, int(fast / 2))  # twice the limit: no level could bring it under
    assert far.how.startswith("png palette") and levels == [None]
    levels.clear()
    near = export.encode(noisy, int(fast * 0.97))  # a little over: matching is worth its time
    assert levels[:2] == [None, 6] and near.how in ("png level 6", "png level 9", "png zlib level 9", "png palette 256")
    assert len(near.data) <= int(fast * 0.97)


def test_a_photo_card_a_little_over_its_limit_keeps_its_pixels_at_level_6():
    photo = Image.open(ROOT / "samples/images/coffee.jpg").convert("RGB").resize((1200, 630))
    fast = len(export.png.encode(photo))
    encoded = export.encode(photo, int(fast * 0.985))
    assert encoded.how == "png level 6"
    with Image.open(io.BytesIO(encoded.data)) as back:
        assert back.tobytes() == photo.tobytes()


def test_cards_encoded_on_threads_are_the_cards_encoded_in_line(tmp_path):
    from quotecards.cards import RenderOptions, render_post
    from quotecards.context import RunContext
    from quotecards.fetch import FetchOptions

    post = read_post(ROOT / "samples/posts/roastery.md")
    made = {}
    for threads in (0, 2):
        out = tmp_path / str(threads)
        options = RenderOptions(out_dir=out, platforms=("all",), fetch=FetchOptions(roots=(ROOT,)))
        with RunContext.open(options, encode_threads=threads) as ctx:
            records = render_post(post, ctx)
        made[threads] = [(r.platform, r.sha256, (out / r.path).read_bytes()) for r in records]
    assert [p for p, _s, _d in made[2]] == list(PLATFORMS)
    assert made[0] == made[2]
