"""Every shipped layout on every platform, the site config, and which layout a post gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ink_outside
from PIL import Image

from quotecards.cards import Chosen, RenderOptions, compose_card, render_posts
from quotecards.cli import main
from quotecards.config import ConfigError, SiteConfig, find_config
from quotecards.context import RunContext
from quotecards.draw import photo
from quotecards.draw.brand import Brand
from quotecards.draw.geometry import PixelBox
from quotecards.draw.layout import available, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS, expand
from quotecards.draw.render import render
from quotecards.encode import export
from quotecards.sources.post import ReadOptions, read_post

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = sorted(available())
ROCKET = photo.decode((ROOT / "samples/images/rocket.jpg").read_bytes())
LONG = read_post(ROOT / "samples/posts/deep-field.md", ReadOptions(long_quote_words=0))  # eighty words, set as a quote
ARABIC = read_post(ROOT / "samples/posts/world-cairo-water.md")


def test_four_designs_ship():
    assert {"photo", "split", "brand", "band"} <= set(LAYOUTS)


@pytest.mark.parametrize("platform", list(PLATFORMS.values()), ids=list(PLATFORMS))
@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("post", [LONG, ARABIC], ids=["long", "arabic"])
def test_every_layout_on_every_platform(name, platform, post):
    # As a build makes it: a quote that does not fit steps down, a photo too small is set aside.
    config = SiteConfig(site_name="The Daily Example")
    with RunContext.open(RenderOptions(out_dir=ROOT / "unused", config=config)) as ctx:
        _spec, card, used = compose_card(post, ctx, Chosen(ctx.layouts.get(name), "site", ROCKET, None), platform)
    assert card.image.size == (platform.width, platform.height)
    encoded = export.encode(card.image, platform.max_bytes)
    assert len(encoded.data) <= platform.max_bytes
    assert card.missing_glyphs == [] and card.contrast >= 4.5
    # All text, quote marks included, inside the platform's safe area.
    left, top, right, bottom = platform.safe_box
    for source, (x0, y0, x1, y1) in card.text_boxes.items():
        assert left <= x0 and top <= y0 and x1 <= right and y1 <= bottom, (source, card.text_boxes[source])
    allowed = [(max(left, b[0]), max(top, b[1]), min(right, b[2]), min(bottom, b[3])) for b in card.boxes.values()]
    assert ink_outside(card.image, card.backdrop, allowed) is None
    # Nobody's words are cut, and none is set under the platform's legible floor: where a design
    # cannot hold the quote, another one does, and a warning says which and why.
    assert not any(block.shortened for block in card.blocks.values())
    if "quote" in card.blocks:
        assert card.blocks["quote"].size >= platform.legible_px
    if used.layout.name != name:
        assert used.detours and used.why in ("step-down", "small photo", "subject covered")


def test_bluesky_cards_fit_its_one_megabyte_limit_by_falling_back_only_as_far_as_needed():
    busy = Image.effect_noise((1200, 630), 90).convert("RGB")
    layout = load_layout(available()["photo"])
    card = render(plan_card(LONG, layout, PLATFORMS["bluesky"]), busy)
    encoded = export.encode(card.image, PLATFORMS["bluesky"].max_bytes)
    assert len(encoded.data) <= 1_000_000
    assert encoded.how.startswith("png palette") or encoded.how in ("png level 6", "png level 9", "png zlib level 9")
    assert export.encode(card.image, PLATFORMS["og"].max_bytes).how == "png fast"


def test_platform_all_expands_to_every_preset_once():
    assert [p.name for p in expand(["og", "all"])] == list(PLATFORMS)
    assert [p.name for p in expand(["x", "x"])] == ["x"]


def test_story_keeps_text_out_of_its_ui_bands():
    story = PLATFORMS["story"]
    assert story.safe_box == (60, 250, 1020, 1580)


# -- the site config ----------------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def post(folder: Path, name: str, section: str = "", override: str = "") -> Path:
    extra = f"quotecard:\n  layout: {override}\n" if override else ""
    return write(folder / f"{name}.md", f"---\ntitle: T\nsection: {section}\n{extra}featured_image:\n"
                                        f"  image: {ROOT / 'samples/images/rocket.jpg'}\nfeatured_quote:\n"
                                        "  quote: A quote that is short.\n  summary: Someone\n---\n")


def test_layout_precedence_is_post_then_section_then_site(tmp_path):
    write(tmp_path / "quotecards.toml", 'site_name = "Example"\nlayout = "band"\nphoto_aside_layout = ""\n'
                                        '[sections]\nopinion = "split"\n')
    config = find_config(tmp_path)
    posts = [post(tmp_path, "plain"), post(tmp_path, "opinion", "Opinion"),
             post(tmp_path, "own", "opinion", override="brand")]
    options = RenderOptions(out_dir=tmp_path / "out", config=config, fetch=_local(tmp_path))
    result = render_posts(posts, options)
    got = {Path(c.post).stem: (c.layout, c.layout_source) for c in result.cards}
    assert got == {"plain": ("band", "site"), "opinion": ("split", "section"), "own": ("brand", "post")}
    # --layout replaces the site default only.
    result = render_posts(posts, RenderOptions(out_dir=tmp_path / "out", config=config, layout="photo",
                                               fetch=_local(tmp_path)))
    assert {Path(c.post).stem: c.layout for c in result.cards} == {"plain": "photo", "opinion": "split", "own": "brand"}


def _local(tmp_path: Path):
    from quotecards.sources.fetch import FetchOptions
    return FetchOptions(roots=(tmp_path, ROOT))


def test_pyproject_tool_table_is_read_when_there_is_no_quotecards_toml(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "site"\n[tool.quotecards]\nlayout = "split"\n')
    assert find_config(tmp_path).layout == "split"
    write(tmp_path / "quotecards.toml", 'layout = "band"\n')
    assert find_config(tmp_path).layout == "band"


@pytest.mark.parametrize("text, key, expected", [
    ('layuot = "band"', "layuot", "unknown key"),
    ('[colors]\naccent = "red"', "colors.accent", "a colour as #rgb"),
    ('logo = "missing.png"', "logo", "a PNG or SVG file, relative to the config file"),
    ('layout_dirs = "mine"', "layout_dirs", "a list of folders"),
    ('[sections]\nopinion = 3', "sections", "a table of name = string"),
])
def test_config_mistakes_are_one_line(tmp_path, text, key, expected):
    path = write(tmp_path / "quotecards.toml", text + "\n")
    with pytest.raises(ConfigError) as caught:
        find_config(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ") and expected in message and "\n" not in message


def test_pyproject_mistakes_name_the_tool_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[tool.quotecards]\nsite = "x"\n')
    with pytest.raises(ConfigError, match=rf"^{path}: tool\.quotecards\.site: unknown key"):
        find_config(tmp_path)


def test_brand_colours_recolour_every_layout(tmp_path):
    config = SiteConfig(colors={"accent": "#e63946", "field": "#002200", "field2": "#002200"})
    layout = load_layout(available()["brand"], config.colors)
    card = render(plan_card(LONG, layout, PLATFORMS["og"]), None)
    mark = card.text_boxes["literal:\u201c"]
    pixels = card.image.crop(mark).get_flattened_data()
    assert any(abs(r - 0xe6) < 12 and abs(g - 0x39) < 12 and abs(b - 0x46) < 12 for r, g, b in pixels)
    assert card.image.getpixel((600, 620)) == (0, 0x22, 0)


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_logo_is_drawn_in_its_box(tmp_path, kind):
    if kind == "png":
        logo = Image.new("RGBA", (400, 100), (0, 0, 0, 0))
        logo.paste((255, 0, 255, 255), (0, 0, 400, 100))
        logo.save(tmp_path / "logo.png")
    else:
        (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">'
                                           '<rect width="400" height="100" fill="#ff00ff"/></svg>')
    write(tmp_path / "quotecards.toml", f'logo = "logo.{kind}"\n')
    brand = find_config(tmp_path).brand()
    card = render(plan_card(LONG, load_layout(available()["brand"]), PLATFORMS["og"], brand=brand), None)
    box = [layer for layer in load_layout(available()["brand"]).layers if type(layer).__name__ == "BrandLayer"][0]
    x0, y0, x1, y1 = box.box.within(PixelBox(0, 0, 1200, 630))
    magenta = [p for p in card.image.crop((x0, y0, x1, y1)).get_flattened_data() if p == (255, 0, 255)]
    assert len(magenta) > 0.3 * (x1 - x0) * (y1 - y0) * 0.5
    outside = card.image.copy()
    outside.paste((0, 0, 0), (x0, y0, x1, y1))
    assert (255, 0, 255) not in set(outside.get_flattened_data())


def test_site_name_is_set_when_there_is_no_logo():
    with_name = render(plan_card(LONG, load_layout(available()["brand"]), PLATFORMS["og"],
                                 brand=Brand(site_name="The Daily Example")), None)
    without = render(plan_card(LONG, load_layout(available()["brand"]), PLATFORMS["og"]), None)
    assert with_name.image.crop((860, 520, 1110, 575)).getextrema() != without.image.crop((860, 520, 1110, 575)).getextrema()


def test_a_post_without_a_usable_image_gets_the_no_image_layout(tmp_path):
    path = write(tmp_path / "p.md", "---\ntitle: T\nfeatured_quote:\n  quote: Short.\n---\n")
    result = render_posts([path], RenderOptions(out_dir=tmp_path / "out", layout="split"))
    card = result.cards[0]
    assert (card.layout, card.layout_source, card.image) == ("brand", "no image", "fallback")
    assert "no featured image: used the fallback layout 'brand'" in card.warnings


def test_a_bad_quotecard_front_matter_is_a_one_line_error(tmp_path):
    path = write(tmp_path / "p.md", "---\ntitle: T\nquotecard:\n  layout: nope\nfeatured_quote:\n  quote: Q.\n---\n")
    result = render_posts([path], RenderOptions(out_dir=tmp_path / "out"))
    assert result.errors[0].error.startswith(f"{path}: layout: no layout named 'nope' (have: band, brand, headline, headline-split, long, photo, split")


def test_cli_renders_every_platform_and_lists_presets_and_layouts(tmp_path):
    out = tmp_path / "out"
    src = post(tmp_path, "p")
    result = CliRunner().invoke(main, ["render", str(src), "--out", str(out), "--platform", "all",
                                       "--site-root", str(ROOT)])
    assert result.exit_code == 0, result.output
    cards = json.loads((out / "manifest.json").read_text())["cards"]
    assert sorted(c["platform"] for c in cards) == sorted(PLATFORMS)
    for c in cards:
        preset = PLATFORMS[c["platform"]]
        assert Image.open(out / c["path"]).size == (preset.width, preset.height) and c["bytes"] <= preset.max_bytes
    listing = CliRunner().invoke(main, ["platforms"]).output
    assert "story               1080\u00d71920" in listing and "keep clear: top 250" in listing
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "photo.toml").write_text((ROOT / "layouts/photo.toml").read_text())
    layouts = CliRunner().invoke(main, ["layouts", "--layout-dir", str(mine)]).output.splitlines()
    assert any(line.startswith("photo") and str(mine) in line for line in layouts)
    assert any(line.startswith("split") and "layouts/split.toml" in line for line in layouts)
