"""The layout schema's newer slots: templates of card fields with fallbacks, the site's own
image layers, and colour fields taken from the photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from quotecards.draw import contrast
from quotecards.draw.geometry import PixelBox
from quotecards.draw.layout import ImageLayer, RectLayer, find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS
from quotecards.draw.render import render
from quotecards.errors import LayoutError
from quotecards.sources.post import Post

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = (ROOT / "layouts" / "headline.toml").read_text()


def post(**fields: object) -> Post:
    base = dict(source=ROOT / "x.md", slug="x", quote="", attribution="", citation="", image=None, image_alt="",
                title="A title", description="", date="2025-03-14T00:00:00", section="", kind="headline")
    return Post(**{**base, **fields})  # type: ignore[arg-type]


def layout_with(tmp_path: Path, old: str, new: str):  # type: ignore[no-untyped-def]
    assert old in HEADLINE
    path = tmp_path / "mine.toml"
    path.write_text(HEADLINE.replace(old, new, 1).replace('name = "headline"', 'name = "mine"'))
    return load_layout(path)


def test_a_template_of_fields_with_a_fallback(tmp_path):
    layout = layout_with(tmp_path, 'text = "byline"', 'text = "By {author}, {date}"\nfallback = "{date}"')
    with_author = render(plan_card(post(author="Sam Okafor"), layout, PLATFORMS["og"]), None)
    assert with_author.blocks["By {author}, {date}"].lines_as_set == ["By Sam Okafor, March 14, 2025"]
    without = render(plan_card(post(), layout, PLATFORMS["og"]), None)
    assert without.blocks["By {author}, {date}"].lines_as_set == ["March 14, 2025"]
    dropped = layout_with(tmp_path, 'text = "byline"', 'text = "{author}"')
    assert "{author}" not in render(plan_card(post(), dropped, PLATFORMS["og"]), None).blocks  # no fallback: left out


@pytest.mark.parametrize("line, key, words", [
    ('text = "{reading_time}"', "layer[5].text", "unknown field {reading_time}"),
    ('text = "byline"\nfallback = "{nope}"', "layer[5].fallback", "unknown field {nope}"),
    ('text = "{author"', "layer[5].text", "not a template"),
    ('text = "subtitle"', "layer[5].text", "one of quote"),
])
def test_a_field_the_card_does_not_have_is_a_one_line_error(tmp_path, line, key, words):
    # layer[5] of the headline design is its byline
    with pytest.raises(LayoutError) as caught:
        layout_with(tmp_path, 'text = "byline"', line)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'mine.toml'}: {key}: ") and words in message and "\n" not in message


def test_an_image_layer_paints_the_sites_own_picture(tmp_path):
    Image.new("RGBA", (40, 40), (200, 30, 30, 255)).save(tmp_path / "texture.png")
    layer = '[[layer]]\nkind = "image"\nfile = "texture.png"\nbox = [0.0, 0.0, 1.0, 0.05]\nfit = "tile"\nopacity = 0.5\n' \
            'bleed = true\n\n[[layer]]\nkind = "text"\ntext = "section"'
    layout = layout_with(tmp_path, '[[layer]]\nkind = "text"\ntext = "section"', layer)
    assert isinstance(layout.layers[1], ImageLayer)  # before the section, after the site's name
    card = render(plan_card(post(), layout, PLATFORMS["og"]), None).image
    plain = render(plan_card(post(), load_layout(find_layout("headline")), PLATFORMS["og"]), None).image
    r, g, b = card.getpixel((600, 10))
    assert r > plain.getpixel((600, 10))[0] + 60 and card.getpixel((600, 300)) == plain.getpixel((600, 300))
    with pytest.raises(LayoutError, match=r"layer\[1\]\.file: cannot read"):
        layout_with(tmp_path, '[[layer]]\nkind = "text"\ntext = "section"',
                    layer.replace("texture.png", "missing.png"))


def test_a_colour_field_takes_the_photos_colour_and_keeps_its_text_readable():
    layout = load_layout(find_layout("band"))
    band = next(layer for layer in layout.layers if isinstance(layer, RectLayer) and layer.color_from_photo)
    quote = post(quote="Bright days.", attribution="Someone", kind="quote")
    for colour in ((250, 210, 40), (20, 90, 200), (240, 240, 240)):
        picture = Image.new("RGB", (1600, 1000), colour)
        card = render(plan_card(quote, layout, PLATFORMS["og"]), picture)
        box = band.box.within(PixelBox(0, 0, 1200, 630))
        field = card.backdrop.getpixel((box.left + 5, box.bottom - 5))
        assert contrast.ratio(contrast.luminance(band.contrast_with), contrast.luminance(field)) >= 4.5
        assert card.contrast is not None and card.contrast >= 4.5 and not card.warnings
        if colour != (240, 240, 240):  # a hue is kept, only deepened
            assert max(range(3), key=lambda i: field[i]) == max(range(3), key=lambda i: colour[i])
    no_photo = render(plan_card(quote, layout, PLATFORMS["og"]), None).backdrop
    box = band.box.within(PixelBox(0, 0, 1200, 630))
    assert no_photo.getpixel((box.left + 5, box.bottom - 5)) == band.color[:3]


def test_a_tag_from_the_front_matter_can_be_shown(tmp_path):
    from quotecards.sources.post import read_post

    page = tmp_path / "p.md"
    page.write_text("---\ntitle: A title\ntags: [Transport, City]\n---\n")
    layout = layout_with(tmp_path, 'text = "section"', 'text = "#{tag}"')
    card = render(plan_card(read_post(page), layout, PLATFORMS["og"]), None)
    assert card.blocks["#{tag}"].lines_as_set == ["#Transport"]
