"""Cards in every format: decodable, the right size and colours, within their byte budget, and
named and typed as their format everywhere downstream."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageCms

from quotecards.cli import main
from quotecards.draw import photo
from quotecards.draw.layout import find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS
from quotecards.draw.render import render
from quotecards.encode import export
from quotecards.sources.post import Post

ROOT = Path(__file__).resolve().parent.parent
POST = Post(source=ROOT / "x.md", slug="x", quote="Four years of concrete took nine seconds.", attribution="A. Pilot",
            citation="", image=None, image_alt="", title="", description="", date=None, section="")


def card(platform: str = "og", picture: Image.Image | None = None) -> Image.Image:
    return render(plan_card(POST, load_layout(find_layout("photo")), PLATFORMS[platform]), picture).image


@pytest.mark.parametrize("name", ["png", "jpeg", "webp", "avif"])
def test_each_format_round_trips_with_its_size_colours_and_no_metadata_but_srgb(name):
    picture = card()
    encoded = export.encode(picture, 8_000_000, name)
    assert encoded.format.name == name and encoded.mime == f"image/{name}"
    with Image.open(io.BytesIO(encoded.data)) as back:
        assert back.format == export.FORMATS[name].pillow and back.size == picture.size
        assert not back.getexif()  # nothing of a source photo's camera data
        rgb = back.convert("RGB")
        for xy in ((5, 5), (600, 620)):  # the background well away from the text
            assert all(abs(a - b) <= 6 for a, b in zip(rgb.getpixel(xy), picture.convert("RGB").getpixel(xy))), xy
        if name != "png":  # lossy cards say their colours are sRGB
            profile = ImageCms.ImageCmsProfile(io.BytesIO(back.info["icc_profile"]))
            assert "sRGB" in ImageCms.getProfileDescription(profile)


@pytest.mark.parametrize("name", ["jpeg", "webp", "avif"])
def test_a_byte_budget_is_met_on_a_busy_photo_for_every_platform(name):
    busy = photo.decode(_noise_jpeg())
    # Every platform in JPEG; the slower encoders on the smallest and the largest canvas.
    for platform in PLATFORMS if name == "jpeg" else ("og", "story"):
        encoded = export.encode(card(platform, busy), 300_000, name, photographic=True)
        assert len(encoded.data) <= 300_000, (platform, len(encoded.data))
        best = export.FORMATS[name].qualities[1]
        assert encoded.quality is not None and export.LAST_RESORT_QUALITY <= encoded.quality <= best
    with pytest.raises(export.ExportError, match=f"cannot encode as {name} under 5,000 bytes"):
        export.encode(card("story", busy), 5_000, name)
    smooth = export.encode(card("og"), 300_000, name)  # a card without a busy photo keeps the best quality
    assert smooth.quality == export.FORMATS[name].qualities[1]


def test_auto_is_jpeg_for_photo_cards_and_png_for_text_cards():
    assert export.encode(card(), 8_000_000, "auto", photographic=True).format.name == "jpeg"
    assert export.encode(card(), 8_000_000, "auto", photographic=False).format.name == "png"


def _noise_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((1600, 1000), 100).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_the_site_chooses_formats_and_budgets_per_platform_and_the_run_overrides(tmp_path):
    (tmp_path / "quotecards.toml").write_text('format = "webp"\nmax_bytes = 200000\n'
                                              '[platforms.bluesky]\nformat = "jpeg"\nmax_bytes = 150000\n')
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\nfeatured_quote: {quote: Q., summary: S}\n---\n")
    args = ["render", str(post), "--out", str(tmp_path / "out"), "--offline", "--site-root", str(tmp_path),
            "--platform", "og", "--platform", "bluesky"]
    assert CliRunner().invoke(main, args).exit_code == 0
    cards = {c["platform"]: c for c in json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]}
    assert (cards["og"]["path"], cards["og"]["mime"]) == ("og/p.webp", "image/webp")
    assert (cards["bluesky"]["path"], cards["bluesky"]["format"]) == ("bluesky/p.jpg", "jpeg")
    assert cards["og"]["bytes"] <= 200_000 and cards["bluesky"]["bytes"] <= 150_000
    assert CliRunner().invoke(main, [*args, "--format", "avif"]).exit_code == 0
    cards = {c["platform"]: c for c in json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]}
    assert {c["format"] for c in cards.values()} == {"avif"}
    (tmp_path / "quotecards.toml").write_text('[platforms.myspace]\nformat = "png"\n')
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "platforms.myspace: unknown platform" in result.stderr


@pytest.mark.system("hugo")
def test_hugo_pages_name_the_cards_format(tmp_path):
    from test_hugo import PARTIAL_HEAD, hugo_build, site

    root = site(tmp_path, PARTIAL_HEAD)
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-cache", "--format", "webp"])
    assert result.exit_code == 0, result.output
    data = json.loads((root / "assets" / "quotecards.json").read_text())
    assert data and all(entry["image"].split("?")[0].endswith(".webp") and entry["type"] == "image/webp"
                        for entry in data.values())
    hugo_build(root)
    page = (root / "public" / "posts" / "launch" / "index.html").read_text()
    assert '<meta property="og:image:type" content="image/webp">' in page
    again = CliRunner().invoke(main, ["hugo", str(root), "--no-cache", "--format", "webp", "--front-matter"])
    assert "front matter: 4 added" in again.output
    third = CliRunner().invoke(main, ["hugo", str(root), "--no-cache", "--format", "jpeg", "--front-matter"])
    assert "front matter: 4 updated" in third.output  # our own .webp entries are recognised and replaced
    assert not list((root / "static").rglob("*.webp")) and len(list((root / "static").rglob("*.jpg"))) == 4
