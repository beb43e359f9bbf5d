from __future__ import annotations

from pathlib import Path

import pytest

from quotecards.draw.layout import LayoutError, TextLayer, find_layout, load_layout

GOOD = (Path(__file__).resolve().parent.parent / "layouts" / "photo.toml").read_text()


def test_bundled_layout_loads_with_resolved_fonts():
    layout = load_layout(find_layout("photo"))
    texts = [layer for layer in layout.layers if isinstance(layer, TextLayer)]
    assert [t.source for t in texts] == ["quote", "attribution"]
    assert texts[0].face.family == "Noto Serif Display" and texts[0].face.weight == 600
    assert texts[1].face.family == "Inter" and texts[1].face.path.is_file()


@pytest.mark.parametrize("old, new, key, expected", [
    ('color = "ink"', 'color = "white"', "layer[1].color", "a colour as #rgb, #rrggbb or #rrggbbaa or one of accent"),
    ('size = [0.03, 0.125]', 'size = [0.2, 0.1]', "layer[1].size", "[min, max] with 0 < min <= max"),
    ('font = "Inter"', 'font = "Comic Sans"', "layer[0].font", "no font family 'Comic Sans'"),
    ('valign = "bottom"', 'valign = "middle"', "layer[1].valign", '"top", "center" or "bottom"'),
    ('box = [0.075, 0.16, 0.925, 0.72]', 'box = [0.9, 0.16, 0.1, 0.72]', "layer[1].box", "left < right"),
    ('text = "quote"', 'text = "body"', "layer[1].text", "one of quote, attribution"),
    ('kind = "brand"', 'kind = "logo"', "layer[0].kind", '"text", "rect", "photo", "brand" or "image"'),
    ('photo = true', 'photo = "yes"', "background.photo", "true or false"),
    ('accent = "#f4b942"', 'accent = "gold"', "colors.accent", "a colour as #rgb"),
    ('max_lines = 3', 'max_lines = 0', "portrait.layer[3].max_lines", "a whole number of at least 1"),
    ('[[portrait.layer]]\nkind = "brand"', '[[portrait.layer]]\nkind = "brand"\nbleeds = true', "portrait.layer[0].bleeds", "unknown key"),
    ('min_contrast = 4.5', 'min_contrast = 4.5\nscrim_colour = "#000"', "background.scrim_colour", "unknown key"),
])
def test_each_mistake_is_one_line_naming_file_key_and_expectation(tmp_path, old, new, key, expected):
    assert old in GOOD
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ") and expected in message and "\n" not in message


def test_user_layout_folder_comes_first(tmp_path):
    (tmp_path / "photo.toml").write_text(GOOD.replace('name = "photo"', 'name = "mine"'))
    assert load_layout(find_layout("photo", (tmp_path,))).name == "mine"


def test_unknown_layout_name():
    with pytest.raises(LayoutError, match="no layout named 'nope'"):
        find_layout("nope")


def test_every_user_error_is_one_type_with_its_parts(tmp_path):
    from quotecards.config import ConfigError, find_config
    from quotecards.draw.platforms import get_platform
    from quotecards.errors import PlatformError, QuotecardsError

    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace("min_contrast = 4.5", 'min_contrast = "high"', 1))
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    error = caught.value
    assert isinstance(error, QuotecardsError)
    assert (error.path, error.field, error.expected, error.got) == (str(path), "background.min_contrast",
                                                                    "a number from 1 to 21", "high")
    with pytest.raises(PlatformError) as caught:
        get_platform("nope")
    assert str(caught.value).startswith("platform: unknown platform 'nope' (have: og, ")  # no KeyError quoting
    (tmp_path / "quotecards.toml").write_text("site_name = 3\n")
    with pytest.raises(ConfigError) as caught:
        find_config(tmp_path)
    assert isinstance(caught.value, QuotecardsError) and caught.value.field == "site_name"
