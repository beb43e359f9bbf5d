"""A site's branding and layout choices: quotecards.toml, or [tool.quotecards] in pyproject.toml.

    site_name = "The Daily Example"
    logo = "static/logo.svg"           # PNG or SVG, relative to the config file
    layout = "photo"                   # the site's default layout
    no_image_layout = "brand"          # for posts whose photo cannot be had
    photo_aside_layout = "split"       # for a photo too small to fill the card, or whose subject the text would cover
    layout_dirs = ["design/layouts"]   # the site's own layouts, searched first
    [colors]                           # recolours every layout's named colours
    accent = "#e63946"
    [sections]                         # a layout per front-matter `section`
    opinion = "brand"

Which layout a post gets: its own `quotecard.layout`, else its section's, else the site's
default (which `--layout` replaces), else "photo".
"""

from __future__ import annotations

import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import ConfigError
from .formats import FORMAT_CHOICES
from .sources.fields import CARD_FIELDS, parse_path
from .sources.post import Post

if TYPE_CHECKING:
    from PIL import Image

CONFIG_FILE = "quotecards.toml"
DEFAULT_LAYOUT = "photo"
DEFAULT_NO_IMAGE_LAYOUT = "brand"
DEFAULT_HEADLINE_LAYOUT = "headline"
DEFAULT_PHOTO_ASIDE_LAYOUT = "split"
# Where a quote goes when it does not fit its layout even at the smallest size: to roomier ones.
DEFAULT_STEP_DOWN = {"band": "photo", "photo": "brand", "split": "brand", "brand": "long"}
CardsWanted = Literal["all", "quotes"]




@dataclass(frozen=True)
class Brand:
    site_name: str = ""
    logo: Image.Image | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SiteConfig:
    path: Path | None = None  # the file it came from; None: no config, the defaults
    site_name: str = ""
    logo: Path | None = None
    layout: str = DEFAULT_LAYOUT
    no_image_layout: str = DEFAULT_NO_IMAGE_LAYOUT
    layout_dirs: tuple[Path, ...] = ()
    colors: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # card field → the site's own paths
    cards: CardsWanted = "all"  # every page gets a card (a headline card without a quote), or quotes only
    headline_layout: str = DEFAULT_HEADLINE_LAYOUT
    photo_aside_layout: str = DEFAULT_PHOTO_ASIDE_LAYOUT  # "": keep the photo under the text whatever its size
    font_dirs: tuple[Path, ...] = ()  # the site's own fonts, usable by name in layouts
    lang: str = ""  # the site's language, for posts that say none and whose folder and script do not tell
    format: str = "png"  # png, jpeg, webp, avif, or auto (JPEG for photo cards, PNG for text cards)
    max_bytes: int | None = None  # a byte budget for every card (a messenger's preview limit), under each platform's
    platforms: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)  # name → its format, budget
    step_down: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STEP_DOWN))  # layout → a roomier one
    allow_shortening: bool = False  # cut a quote that fits no layout with an ellipsis (with a warning)

    def layout_for(self, post: Post, default: str | None = None) -> tuple[str, Literal["post", "section", "site"]]:
        """The layout name for `post`, and why: "post", "section" or "site"; a page without a quote
        gets the headline layout, unless it names its own."""
        if post.kind == "headline" and not post.layout:
            return self.headline_layout, "site"
        if post.layout:
            return post.layout, "post"
        if post.section and post.section.casefold() in self.sections:
            return self.sections[post.section.casefold()], "section"
        return default or self.layout, "site"

    def brand(self) -> Brand:
        logo = None
        if self.logo is not None:
            try:
                logo = _read_logo(self.logo)
            except Exception as exc:  # a broken file is the config's one-line error, whatever broke
                raise ConfigError(self.path or "", "logo", f"cannot read {self.logo} as an image ({exc})") from None
        return Brand(site_name=self.site_name, logo=logo)


def _read_logo(path: Path) -> Image.Image:
    from PIL import Image  # here: only a site with a logo, drawing cards, reads it

    if path.suffix.lower() == ".svg":
        # resvg (through resvg-py) draws SVG faithfully and needs no system library; drawn tall
        # enough that fitting it into any layout's box only ever scales it down.
        import resvg_py

        return Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_path=str(path), height=400)))).convert("RGBA")
    with Image.open(path) as image:
        return image.convert("RGBA")


def find_config(site_root: Path) -> SiteConfig:
    """quotecards.toml in `site_root`, else [tool.quotecards] in its pyproject.toml, else defaults."""
    path = site_root / CONFIG_FILE
    if path.is_file():
        return load_config(path, _read(path))
    pyproject = site_root / "pyproject.toml"
    if pyproject.is_file():
        table = _read(pyproject).get("tool", {}).get("quotecards")
        if isinstance(table, dict):
            return load_config(pyproject, table, prefix="tool.quotecards.")
    return SiteConfig()


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(path, "file", f"cannot read: {exc}") from None


def _fields(path: Path, key: str, table: object) -> dict[str, tuple[str, ...]]:
    """[fields]: card field = "path" or ["path", …], each path dotted keys and [n] list items."""
    if not isinstance(table, dict):
        raise ConfigError.expecting(path, key, "a table of card field = front-matter path(s)", table)
    out: dict[str, tuple[str, ...]] = {}
    for name, value in table.items():
        if name not in CARD_FIELDS:
            raise ConfigError(path, f"{key}.{name}", f"unknown card field (expected one of {', '.join(CARD_FIELDS)})")
        paths = [value] if isinstance(value, str) else value
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and parse_path(p) for p in paths):
            raise ConfigError.expecting(path, f"{key}.{name}", 'a path like "params.quote" or "images[0]", or a list '
                                        "of them", value)
        out[name] = tuple(paths)
    return out


def _flag(path: Path, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError.expecting(path, key, "true or false", value)
    return value


def _platforms(path: Path, key: str, table: object) -> dict[str, tuple[str | None, int | None]]:
    """[platforms.<name>]: format and max_bytes for one platform's cards."""
    from .draw.platforms import PLATFORMS

    if not isinstance(table, dict):
        raise ConfigError.expecting(path, key, "a table of [platforms.<name>] tables", table)
    out: dict[str, tuple[str | None, int | None]] = {}
    for name, settings in table.items():
        if name not in PLATFORMS:
            raise ConfigError(path, f"{key}.{name}", f"unknown platform (have: {', '.join(PLATFORMS)})")
        if not isinstance(settings, dict) or not set(settings) <= {"format", "max_bytes"}:
            raise ConfigError.expecting(path, f"{key}.{name}", "a table with format and/or max_bytes", settings)
        fmt, budget = settings.get("format"), settings.get("max_bytes")
        if fmt is not None and fmt not in FORMAT_CHOICES:
            raise ConfigError.expecting(path, f"{key}.{name}.format", " or ".join(FORMAT_CHOICES), fmt)
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or budget < 1000):
            raise ConfigError.expecting(path, f"{key}.{name}.max_bytes", "a whole number of bytes, at least 1000",
                                        budget)
        out[name] = (fmt, budget)
    return out


def load_config(path: Path, data: dict[str, Any], prefix: str = "") -> SiteConfig:
    def fail(key: str, expected: str, got: object) -> None:
        raise ConfigError.expecting(path, f"{prefix}{key}", expected, got)

    allowed = {"site_name", "logo", "layout", "no_image_layout", "layout_dirs", "colors", "sections", "fields",
               "cards", "headline_layout", "font_dirs", "lang", "format", "max_bytes", "platforms", "step_down",
               "allow_shortening", "photo_aside_layout"}
    for key in data:
        if key not in allowed:
            raise ConfigError(path, f"{prefix}{key}", f"unknown key (expected one of {', '.join(sorted(allowed))})")

    def text(key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            fail(key, "a string", value)
        return value

    def mapping(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            fail(key, "a table of name = string", value)
        return dict(value)

    colors = mapping("colors")
    for name, value in colors.items():
        if not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", value):
            fail(f"colors.{name}", "a colour as #rgb, #rrggbb or #rrggbbaa", value)
    dirs = data.get("layout_dirs", [])
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        fail("layout_dirs", "a list of folders", dirs)
    font_dirs = data.get("font_dirs", [])
    if not isinstance(font_dirs, list) or not all(isinstance(d, str) and (path.parent / d).is_dir() for d in font_dirs):
        fail("font_dirs", "a list of folders of font files, relative to the config file", font_dirs)
    logo = text("logo", "")
    if logo and not (path.parent / logo).is_file():
        fail("logo", "a PNG or SVG file, relative to the config file", logo)
    fmt = text("format", "png")
    if fmt not in FORMAT_CHOICES:
        fail("format", " or ".join(FORMAT_CHOICES), fmt)
    budget = data.get("max_bytes")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or budget < 1000):
        fail("max_bytes", "a whole number of bytes, at least 1000", budget)
    cards = text("cards", "all")
    if cards not in ("all", "quotes"):
        fail("cards", '"all" (every page: a quote card, or a headline card) or "quotes"', cards)
    return SiteConfig(
        path=path,
        fields=_fields(path, f"{prefix}fields", data.get("fields", {})),
        cards="all" if cards == "all" else "quotes",
        headline_layout=text("headline_layout", DEFAULT_HEADLINE_LAYOUT),
        photo_aside_layout=text("photo_aside_layout", DEFAULT_PHOTO_ASIDE_LAYOUT),
        site_name=text("site_name", ""),
        logo=(path.parent / logo) if logo else None,
        layout=text("layout", DEFAULT_LAYOUT),
        no_image_layout=text("no_image_layout", DEFAULT_NO_IMAGE_LAYOUT),
        layout_dirs=tuple(path.parent / d for d in dirs),
        font_dirs=tuple(path.parent / d for d in font_dirs),
        lang=text("lang", "").replace("_", "-"),
        format=fmt,
        max_bytes=budget,
        platforms=_platforms(path, f"{prefix}platforms", data.get("platforms", {})),
        step_down={**DEFAULT_STEP_DOWN, **mapping("step_down")},
        allow_shortening=_flag(path, f"{prefix}allow_shortening", data.get("allow_shortening", False)),
        colors=colors,
        sections={k.casefold(): v for k, v in mapping("sections").items()},
    )
