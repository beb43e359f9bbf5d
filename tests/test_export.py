"""PNG encoding: lossless, near the default's size, within the platform's limit, written whole."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops

from quotecards import files
from quotecards.draw import photo
from quotecards.draw.layout import find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS
from quotecards.draw.render import render
from quotecards.encode import export, png
from quotecards.sources.post import read_post

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
    files.write_atomic(tmp_path / "og" / "a.png", b"data")
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
    fast = len(png.encode(noisy))
    real = png.encode
    levels: list[int | None] = []
    filters_used: set[str] = set()

    def counting(image, quick=False, level=None, filters="numpy"):
        levels.append(level)
        filters_used.add(filters)
        return real(image, quick, level, filters)

    monkeypatch.setattr(png, "encode", counting)
    for filters in ("numpy", "pillow"):  # the run's way of filtering rows, at every level tried
        levels, filters_used = [], set()
        far = export.encode(noisy, int(fast / 2), png_filters=filters)  # twice the limit: no level could reach it
        assert far.how.startswith("png palette") and levels == [None]
        levels.clear()
        near = export.encode(noisy, int(fast * 0.97), png_filters=filters)  # a little over: matching pays
        assert levels[:2] == [None, 6]
        assert near.how in ("png level 6", "png level 9", "png zlib level 9", "png palette 256")
        assert len(near.data) <= int(fast * 0.97)
        assert filters_used == {filters}


def test_a_photo_card_a_little_over_its_limit_keeps_its_pixels_at_level_6():
    photo = Image.open(ROOT / "samples/images/coffee.jpg").convert("RGB").resize((1200, 630))
    fast = len(png.encode(photo))
    encoded = export.encode(photo, int(fast * 0.985))
    assert encoded.how == "png level 6"
    with Image.open(io.BytesIO(encoded.data)) as back:
        assert back.tobytes() == photo.tobytes()


def test_cards_encoded_on_threads_are_the_cards_encoded_in_line(tmp_path):
    from quotecards.cards import RenderOptions, render_post
    from quotecards.context import RunContext
    from quotecards.sources.fetch import FetchOptions

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


def _render(post_path: Path, out: Path, names: tuple[str, ...], **config):
    from quotecards.cards import RenderOptions, render_post
    from quotecards.config import SiteConfig
    from quotecards.context import RunContext
    from quotecards.sources.fetch import FetchOptions

    options = RenderOptions(out_dir=out, platforms=names, fetch=FetchOptions(roots=(ROOT,)),
                            config=SiteConfig(site_name="T", **config))
    with RunContext.open(options) as ctx:
        return render_post(read_post(post_path), ctx)


def test_platforms_of_one_canvas_share_one_drawing_and_one_file(tmp_path, monkeypatch):
    encoded = []
    real = export.encode
    monkeypatch.setattr(export, "encode", lambda image, *a, **k: encoded.append(image.size) or real(image, *a, **k))
    # Two faces fill the top of the photo: the band would cover their chins, so the card goes
    # aside, and says so.
    post = tmp_path / "panel.md"
    post.write_text(f"---\ntitle: Two pilots\nfeatured_image: {ROOT / 'tests/corpus/people/two-faces.jpg'}\n"
                    "quotecard:\n  layout: band\nfeatured_quote:\n  quote: We flew it together.\n"
                    "  summary: Eileen Collins\n---\n", encoding="utf-8")
    records = _render(post, tmp_path, ("bluesky", "x", "og", "mastodon"))
    assert [r.platform for r in records] == ["bluesky", "x", "og", "mastodon"]  # as asked, not by canvas
    assert sorted(encoded) == [(1200, 630), (1200, 675)]  # two canvases, each encoded once
    by = {r.platform: r for r in records}
    assert (tmp_path / by["og"].path).read_bytes() == (tmp_path / by["bluesky"].path).read_bytes()
    assert by["og"].sha256 == by["bluesky"].sha256 and by["x"].sha256 == by["mastodon"].sha256
    # On 1200×630 the photo goes aside, and each card's warning names its own platform.
    for name in ("og", "bluesky"):
        covered = [w for w, k in zip(by[name].warnings, by[name].warning_kinds, strict=True) if k == "subject covered"]
        assert len(covered) == 1 and covered[0].startswith("the band layout's text would cover ")
        assert covered[0].endswith(f"of the photo's subject on {name}: used split")


def test_a_twin_with_a_tighter_limit_gets_a_file_of_its_own(tmp_path, monkeypatch):
    free = _render(ROOT / "samples/posts/roastery.md", tmp_path / "free", ("og",))[0]
    tight = free.bytes * 9 // 10
    levels = []
    real = png.encode
    monkeypatch.setattr(png, "encode", lambda image, quick=False, level=None, filters="numpy":
                        levels.append(level) or real(image, quick, level, filters))
    og, bluesky = _render(ROOT / "samples/posts/roastery.md", tmp_path / "tight", ("og", "bluesky"),
                          platforms={"bluesky": (None, tight)})
    assert levels.count(None) == 1  # the fast writer once, for og; Bluesky's card starts from its size
    assert og.sha256 == free.sha256 and og.encode == "png fast"
    assert bluesky.bytes <= tight and bluesky.encode != "png fast"
    if bluesky.encode.startswith("png level"):  # lossless: the same picture in fewer bytes
        with Image.open(tmp_path / "tight" / og.path) as a, Image.open(tmp_path / "tight" / bluesky.path) as b:
            assert a.tobytes() == b.tobytes()


def test_a_canvas_no_layout_holds_fails_in_each_platforms_own_words(tmp_path, write_post):
    from quotecards.errors import PostError

    words = ("The archive keeps what the city forgets, and every box we open tells another story. " * 10).strip()
    post = write_post("tall.md", f"---\nfeatured_quote:\n  quote: {words}\n  summary: An archivist\n---\n")  # no title
    try:
        _render(post, tmp_path / "out", ("og", "story", "bluesky"))
    except PostError as exc:
        failed = exc
    assert [r.platform for r in failed.records] == ["story"]
    assert " on og in " in failed.message and " on bluesky in " in failed.message
    assert failed.message.index(" on og in ") < failed.message.index(" on bluesky in ")
