"""A site theme's declared colours as the cards' colours, so brand and headline cards match the site.

A theme's primary colour (its header, its `theme-color`) fills the cards' colour fields (`field`,
`field2`, `band`), with a darker shade for the gradient; its accent becomes `accent` where it
reads on the primary. A primary light enough to need dark text (yellow, a pale pink) cannot sit
under the layouts' light text: the fields stay the layouts' and the primary becomes the accent.
The site config's own `[colors]` always wins (see `with_colors`).

Hugo themes declare colours in many ways; read here are a hex colour in the site's params under
the names themes use for it (`themeColor`, `primaryColor`, `accentColor`, …), and Ananke's
`background_color_class`, a Tachyons colour class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from ..draw.contrast import luminance, ratio
from ..options import RenderOptions

__all__ = ["FIELD_CONTRAST", "LIGHT_CONTRAST", "MIN_TEXT_CONTRAST", "TACHYONS", "card_colors", "hugo_colors",
           "with_colors"]

# The layouts' text must read at 4.5:1 (background.min_contrast) on a colour field.
MIN_TEXT_CONTRAST = 4.5
# What white on the field itself must reach: the fallback background lays a soft light over its
# top left (draw/photo.py), which would otherwise bring the text there under 4.5:1, and a panel.
FIELD_CONTRAST = 5.5
WHITE = (255, 255, 255)
# Below this, white on the colour barely shows (yellow 1.2, amber 1.6, orange 1.9): the colour is a
# light one, which themes set dark text on; darkened far enough for white text it would be brown.
LIGHT_CONTRAST = 2.0
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
PRIMARY_PARAMS = ("themeColor", "theme_color", "primaryColor", "primary_color", "mainColor", "main_color",
                  "brandColor", "brand_color")
ACCENT_PARAMS = ("accentColor", "accent_color", "secondaryColor", "secondary_color")
# Tachyons' background colour classes (tachyons.io/docs/themes/skins), as Ananke's
# `background_color_class` names them: the dark ones, which light text reads on.
TACHYONS = {"bg-black": "#000000", "bg-near-black": "#111111", "bg-dark-gray": "#333333", "bg-mid-gray": "#555555",
            "bg-gray": "#777777", "bg-dark-red": "#e7040f", "bg-red": "#ff4136", "bg-navy": "#001b44",
            "bg-dark-blue": "#00449e", "bg-blue": "#357edd", "bg-dark-green": "#137752", "bg-green": "#19a974",
            "bg-dark-pink": "#d5008f", "bg-purple": "#5e2ca5", "bg-hot-pink": "#ff41b4"}


def card_colors(primary: str, dark: str | None = None, accent: str | None = None) -> dict[str, str]:
    """The cards' colours from a theme's primary colour (and its dark shade, and accent): the
    field is the primary where white text reads on it (FIELD_CONTRAST), else the primary darkened
    until it does (Material's teal, cyan, green carry white text in a header, not a card's lines)."""
    rgb = _rgb(primary)
    if _white_on(rgb) < LIGHT_CONTRAST:  # yellow, amber: darkened, no longer the site's colour
        return {"accent": _full(primary)}
    field = rgb
    while _white_on(field) < FIELD_CONTRAST:
        field = _rgb(_shade(field, 0.94))
    darker = _rgb(dark) if dark and field == rgb else _rgb(_shade(field))
    colors = {"field": _hex(field), "field2": _hex(darker), "band": _full(primary)}
    if accent is not None and ratio(luminance(_rgb(accent)), luminance(field)) >= MIN_TEXT_CONTRAST:
        colors["accent"] = _full(accent)
    return colors


def _white_on(rgb: tuple[int, int, int]) -> float:
    return ratio(luminance(WHITE), luminance(rgb))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def hugo_colors(params: Mapping[str, object]) -> dict[str, str]:
    """The cards' colours from a Hugo site's params, where its theme declares any."""
    primary = next((v for k in PRIMARY_PARAMS if isinstance(v := params.get(k), str) and _HEX.match(v.strip())), None)
    if primary is None:
        named = params.get("background_color_class")
        primary = TACHYONS.get(named.strip()) if isinstance(named, str) else None
    if primary is None:
        return {}
    accent = next((v for k in ACCENT_PARAMS if isinstance(v := params.get(k), str) and _HEX.match(v.strip())), None)
    return card_colors(primary.strip(), accent=accent.strip() if accent else None)


def with_colors(options: RenderOptions, theme: Mapping[str, str]) -> RenderOptions:
    """The theme's colours under the site config's own `[colors]`."""
    if not theme:
        return options
    return replace(options, config=replace(options.config, colors={**theme, **options.config.colors}))


def _full(color: str) -> str:
    color = color.strip().lower()
    return "#" + "".join(c * 2 for c in color[1:]) if len(color) == 4 else color


def _rgb(color: str) -> tuple[int, int, int]:
    full = _full(color)
    return int(full[1:3], 16), int(full[3:5], 16), int(full[5:7], 16)


def _shade(rgb: tuple[int, int, int], factor: float = 0.75) -> str:
    """The colour darker by `factor` (a quarter, by default: the far end of the field's gradient)."""
    return "#" + "".join(f"{round(c * factor):02x}" for c in rgb)
