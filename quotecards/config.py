"""A site's branding and layout choices: quotecards.toml, or [tool.quotecards] in pyproject.toml.

    site_name = "The Daily Example"
    logo = "static/logo.svg"           # PNG or SVG, relative to the config file
    layout = "photo"                   # the site's default layout
    no_image_layout = "brand"          # for posts whose photo cannot be had
    photo_aside_layout = "split"       # for a photo too small, or that the text would cover a face or subject of
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
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from . import tables
from .draw.brand import Brand
from .draw.platforms import PLATFORMS
from .errors import ConfigError, LayoutError
from .formats import FORMAT_CHOICES
from .sources.fields import CARD_FIELDS, parse_path
from .sources.language import is_language_code
from .sources.post import Post, Unattributed
from .tables import Key
from .text.cleanup import LONG_QUOTE_WORDS

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["KEYS", "MAX_SITE_NAME_CHARS", "PLATFORM_KEYS", "SERVICE_KEYS", "SiteConfig", "TABLES",
           "find_config", "json_schema", "load_config"]

CONFIG_FILE = "quotecards.toml"
DEFAULT_LAYOUT = "photo"
DEFAULT_NO_IMAGE_LAYOUT = "brand"
DEFAULT_HEADLINE_LAYOUT = "headline"
DEFAULT_PHOTO_ASIDE_LAYOUT = "split"
DEFAULT_HEADLINE_ASIDE_LAYOUT = "headline-split"
# Where a quote goes when it does not fit its layout even at the smallest size: to roomier ones.
DEFAULT_STEP_DOWN = {"band": "photo", "photo": "brand", "split": "brand", "brand": "long"}
CardsWanted = Literal["all", "quotes"]
# The site's name is drawn on its cards: a name, not a paragraph that would take seconds to set on each.
MAX_SITE_NAME_CHARS = 200
MAX_NAME_CHARS = 200  # an author's display name in [authors]


@dataclass(frozen=True)
class SiteConfig:
    """A site's quotecards.toml (or [tool.quotecards]): brand, layouts, fields, fonts, formats."""

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
    headline_aside_layout: str = DEFAULT_HEADLINE_ASIDE_LAYOUT  # the same, for a headline card
    font_dirs: tuple[Path, ...] = ()  # the site's own fonts, usable by name in layouts
    lang: str = ""  # the site's language, for posts that say none and whose folder and script do not tell
    format: str = "png"  # png, jpeg, webp, avif, or auto (JPEG for photo cards, PNG for text cards)
    max_bytes: int | None = None  # a byte budget for every card (a messenger's preview limit), under each platform's
    platforms: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)  # name → its format, budget
    step_down: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STEP_DOWN))  # layout → a roomier one
    allow_shortening: bool = False  # cut a quote that fits no layout with an ellipsis (with a warning)
    long_quote_words: int = LONG_QUOTE_WORDS  # a longer quote gets the page's headline card; 0: no limit
    unattributed: Unattributed = "none"  # a quote without attribution: signed by no one, or by the post's author
    authors: dict[str, str] = field(default_factory=dict)  # author handle → display name
    service: dict[str, Any] = field(default_factory=dict)  # [service]: `quotecards service` settings, checked
    # The table as it reaches the cards (for the settings hash): all but [service], whose settings
    # draw no card differently (a new port must not draw a store's cards again); "": no config.
    card_settings: str = field(default="", compare=False)

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


def find_config(site_root: Path, layout_dirs: tuple[Path, ...] = ()) -> SiteConfig:
    """quotecards.toml in `site_root`, else [tool.quotecards] in its pyproject.toml, else defaults.

    `layout_dirs` are layout folders the run adds (--layout-dir): a layout the config names may be
    in them."""
    path = site_root / CONFIG_FILE
    if _there(path):
        return load_config(path, _read(path), layout_dirs=layout_dirs)
    pyproject = site_root / "pyproject.toml"
    if not _there(pyproject):
        return SiteConfig()
    table = _tool_table(pyproject, _read(pyproject))
    return SiteConfig() if table is None else load_config(pyproject, table, "tool.quotecards.", layout_dirs)


def _there(path: Path) -> bool:
    # A folder, or a link to nothing, in the config's place is a mistake to tell, not a site without one.
    return os.path.lexists(path)


def _read(path: Path) -> dict[str, Any]:
    if path.is_dir():
        raise ConfigError(path, "file", "is a folder, not a file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(path, "file", f"cannot read: {exc}") from None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """pyproject.toml's [tool.quotecards], or None when it has none."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError.expecting(path, "tool", "a table", tool)
    table = tool.get("quotecards")
    if table is not None and not isinstance(table, dict):
        raise ConfigError.expecting(path, "tool.quotecards", "a table", table)
    return table


# A front-matter path as sources.fields.parse_path reads it (dotted keys, [n] list items), for editors.
_STEP = r"([^.\[\]]+|\[[0-9]+\])"
FRONT_MATTER_PATH = rf"^{_STEP}(\.?{_STEP})*$"
_BUDGET = {"type": "integer", "minimum": 1000}
_LAYOUT = {"title": "layout name", "type": "string", "pattern": f"^{tables.LAYOUT_NAME}$"}
_FOLDERS = {"title": "list of folders", "type": "array", "items": {"type": "string"}}
_CARDS_EXPECTED = '"all" (every page: a quote card, or a headline card) or "quotes"'

PLATFORM_KEYS: tuple[Key, ...] = (
    Key("format", {"enum": list(FORMAT_CHOICES)}, "this platform's cards' format, in place of the site's"),
    Key("max_bytes", _BUDGET, "this platform's byte budget, under its own limit and the site's max_bytes"),
)

SERVICE_FORMATS = ("png", "jpeg", "webp", "avif")
SERVICE_KEYS: tuple[Key, ...] = (
    Key("posts", {"title": "folder", "type": "string"}, "the site's posts, for cards by page (relative to the config "
        "file)"),
    Key("wordpress", {"title": "http(s) URL", "type": "string", "pattern": "^https?://"},
        "or a WordPress site whose REST API gives the posts"),
    Key("store", {"title": "folder or URL", "type": "string"}, "where drawn cards are kept: a folder (relative to "
        "the config file), or object storage (s3://bucket/cards)"),
    Key("host", {"title": "an address", "type": "string", "minLength": 1}, "the address to listen on (0.0.0.0: every "
        "one)", "127.0.0.1"),
    Key("port", {"type": "integer", "minimum": 0, "maximum": 65535}, "the port to listen on", 8080),
    Key("workers", {"type": "integer", "minimum": 0}, "processes drawing cards; 0: one per core", 0),
    Key("max_pending", {"type": "integer", "minimum": 1}, "cards being drawn or waiting to be; more is answered 503",
        64),
    Key("timeout", {"type": "number", "minimum": 1, "maximum": 3600}, "seconds a request waits for its card; then "
        "503", 30),
    Key("format", {"enum": list(SERVICE_FORMATS)}, "a signed card's format where its URL names none", "png"),
    Key("allow_private_images", {"type": "boolean"}, "fetch photos from this machine's and the local network's "
        "addresses too", False),
)

KEYS: tuple[Key, ...] = (
    Key("site_name", tables.plain_text(MAX_SITE_NAME_CHARS), "the site's name, drawn by a layout's brand layer when "
        "there is no logo", ""),
    Key("logo", {"title": "file", "type": "string"},
        "a PNG or SVG file, relative to the config file, drawn by a layout's brand layer", ""),
    Key("layout", _LAYOUT, "the site's default layout (--layout replaces it)", DEFAULT_LAYOUT),
    Key("no_image_layout", _LAYOUT, "the layout for posts whose photo cannot be had", DEFAULT_NO_IMAGE_LAYOUT),
    Key("headline_layout", _LAYOUT, "the layout for pages without a quote", DEFAULT_HEADLINE_LAYOUT),
    Key("photo_aside_layout", {**_LAYOUT, "pattern": f"^({tables.LAYOUT_NAME})?$"}, "the layout for a photo too "
        "small for the canvas, whose faces or subject the text would cover, whose subjects no crop keeps whole, or "
        'that the text would grey ("": keep the photo under the text)',
        DEFAULT_PHOTO_ASIDE_LAYOUT),
    Key("headline_aside_layout", {**_LAYOUT, "pattern": f"^({tables.LAYOUT_NAME})?$"}, "the same, for a headline "
        'card (a page without a quote): its kicker, title, deck and byline beside the photo ("": keep the photo '
        "under the text)", DEFAULT_HEADLINE_ASIDE_LAYOUT),
    Key("step_down", {"title": "table of layout = layout", "type": "object", "propertyNames": _LAYOUT,
                      "additionalProperties": _LAYOUT},
        "where a quote goes when it fits its layout at no size; merged over the default", DEFAULT_STEP_DOWN),
    Key("sections", {"title": "table of section = layout", "type": "object", "additionalProperties": _LAYOUT},
        "a layout per front-matter section (matched in any case)", {}),
    Key("layout_dirs", _FOLDERS, "the site's own layout folders, relative to the config file, searched first", []),
    Key("font_dirs", _FOLDERS, "the site's own font folders, relative to the config file: their faces are usable "
        "by family name in layouts", []),
    Key("colors", {"title": "table of name = colour", "type": "object",
                   "additionalProperties": {"$ref": "#/$defs/color"}},
        "recolours every layout's named colours (and adds names)", {}),
    Key("lang", {"type": "string"}, "the site's language, for posts whose own, folder and script do not tell", ""),
    Key("cards", {"enum": ["all", "quotes"]}, '"all": every page gets a card (a headline card when it has no quote); '
        '"quotes": only pages with a quote', "all"),
    Key("long_quote_words", {"type": "integer", "minimum": 0}, "a quote of more words gets the page's headline "
        "card, with a warning (a post may give a shorter card_quote); 0: no limit", LONG_QUOTE_WORDS),
    Key("unattributed", {"enum": ["none", "author"]}, 'a quote without an attribution is signed by no one ("none"), '
        'or by the post\'s author ("author")', "none"),
    Key("authors", {"title": "table of handle = name", "type": "object",
                    "additionalProperties": tables.plain_text(MAX_SITE_NAME_CHARS)},
        "display names for the author handles posts give (authors: [jdoe]); a handle without one is left off the "
        "byline", {}),
    Key("allow_shortening", {"type": "boolean"}, "cut a quote that fits no layout with an ellipsis, with a warning, "
        "instead of failing its card", False),
    Key("format", {"enum": list(FORMAT_CHOICES)}, "the cards' format; auto: JPEG for photo cards, PNG for text cards",
        "png"),
    Key("max_bytes", _BUDGET, "a byte budget for every card, under each platform's own limit"),
    Key("fields", {"title": "table of card field = path(s)", "type": "object", "additionalProperties": False,
                   "properties": {name: {"$ref": "#/$defs/paths"} for name in CARD_FIELDS}},
        f"the site's own front-matter paths for the card fields ({', '.join(CARD_FIELDS)}), tried before the usual "
        "ones", {}),
    Key("platforms", {"title": "table of [platforms.<name>] tables", "type": "object", "additionalProperties": False,
                      "properties": {name: {"$ref": "#/$defs/platform"} for name in PLATFORMS}},
        f"a platform's own format and byte budget, for any of {', '.join(PLATFORMS)}", {}),
    Key("service", {"$ref": "#/$defs/service"}, "the settings of `quotecards service`, named as its flags are (a flag "
        "given wins); changing them draws no card again", {}),
)
# Each table a config holds, as the docs name it, with its keys: what the reference tables show.
TABLES: dict[str, tuple[Key, ...]] = {"": KEYS, "[platforms.<name>]": PLATFORM_KEYS, "[service]": SERVICE_KEYS}
_KEY_NAMES = tables.names(KEYS)
_DEFAULTS = {key.name: key.default for key in KEYS}
_DEFINITIONS = {
    "color": {"title": "colour", "type": "string", "pattern": f"^{tables.HEX_COLOR}$",
              "description": "#rgb, #rrggbb or #rrggbbaa"},
    "path": {"title": "front-matter path", "type": "string", "pattern": FRONT_MATTER_PATH,
             "description": 'dotted keys and [n] list items, like "params.quote" or "images[0]"'},
    "paths": {"title": "path or list of paths",
              "anyOf": [{"$ref": "#/$defs/path"}, {"type": "array", "items": {"$ref": "#/$defs/path"}, "minItems": 1}]},
    "platform": tables.table_schema(PLATFORM_KEYS, "one platform's own format and byte budget"),
    "service": tables.table_schema(SERVICE_KEYS, "the settings of quotecards service"),
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of quotecards.toml (and of a [tool.quotecards] table), for editors."""
    return tables.document("quotecards.toml", KEYS, _DEFINITIONS)


def load_config(path: Path, data: dict[str, Any], prefix: str = "",
                layout_dirs: tuple[Path, ...] = ()) -> SiteConfig:
    """Check a config table and read it; `prefix` is where the table sits in its file
    ("tool.quotecards." in pyproject.toml), for the errors' keys. Every layout it names must be
    in `layout_dirs` (the run's own), the config's layout_dirs or the bundled layouts."""
    tables.check_keys(data, _KEY_NAMES, ConfigError, path, prefix)
    read = _Reader(path, data, prefix)
    # In the order the keys were always checked: a file with two mistakes is told of the same one.
    config = SiteConfig(
        path=path,
        colors=read.colors(),
        layout_dirs=read.folders("layout_dirs", "a list of folders"),
        font_dirs=read.folders("font_dirs", "a list of folders of font files, relative to the config file", True),
        logo=read.logo(),
        format=read.choice("format", FORMAT_CHOICES, " or ".join(FORMAT_CHOICES)),
        max_bytes=read.budget("max_bytes"),
        cards="all" if read.choice("cards", ("all", "quotes"), _CARDS_EXPECTED) == "all" else "quotes",
        fields=_fields(path, f"{prefix}fields", read.value("fields")),
        headline_layout=read.text("headline_layout"),
        photo_aside_layout=read.text("photo_aside_layout"),
        headline_aside_layout=read.text("headline_aside_layout"),
        site_name=read.card_text("site_name", MAX_SITE_NAME_CHARS),
        layout=read.text("layout"),
        no_image_layout=read.text("no_image_layout"),
        lang=read.language("lang"),
        platforms=_platforms(path, f"{prefix}platforms", read.value("platforms")),
        step_down={**DEFAULT_STEP_DOWN, **read.mapping("step_down")},
        allow_shortening=read.flag("allow_shortening"),
        long_quote_words=read.count("long_quote_words"),
        unattributed="author" if read.choice("unattributed", ("none", "author"), '"none" or "author"') == "author"
        else "none",
        authors=read.names("authors"),
        sections={k.casefold(): v for k, v in read.mapping("sections").items()},
        service=_service(path, f"{prefix}service", read.value("service")),
        card_settings=json.dumps({k: v for k, v in data.items() if k != "service"}, sort_keys=True, default=str),
    )
    _check_layouts(path, prefix, _named_layouts(config, data), (*layout_dirs, *config.layout_dirs))
    return config


def _check_layouts(path: Path, prefix: str, named: list[tuple[str, str]], folders: tuple[Path, ...]) -> None:
    """Every layout the config names can be found: a mistake stops the run here, naming the key,
    instead of failing every post that would use it (or reaching a file by a path for a name)."""
    from .draw.layout import find_layout  # loads no Pillow: a build with nothing to draw stays light

    for key, name in named:
        try:
            find_layout(name, folders)
        except LayoutError as exc:
            raise ConfigError(path, f"{prefix}{key}", exc.message) from None


def _named_layouts(config: SiteConfig, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, layout name) for each layout the config names, as its file spells them."""
    named = [("layout", config.layout), ("no_image_layout", config.no_image_layout),
             ("headline_layout", config.headline_layout)]
    for key, aside in (("photo_aside_layout", config.photo_aside_layout),
                       ("headline_aside_layout", config.headline_aside_layout)):
        if aside:  # "": no aside layout at all
            named.append((key, aside))
    named += [(f"sections.{section}", name) for section, name in data.get("sections", {}).items()]
    for lower, roomier in data.get("step_down", {}).items():
        named += [(f"step_down.{lower}", lower), (f"step_down.{lower}", roomier)]
    return named


class _Reader:
    """A config table's values, each checked as it is read (absent: its key's default); a mistake
    is a ConfigError naming the key as it sits in the file."""

    def __init__(self, path: Path, data: dict[str, Any], prefix: str):
        self.path = path
        self.data = data
        self.prefix = prefix

    def fail(self, key: str, expected: str, got: object) -> NoReturn:
        raise ConfigError.expecting(self.path, f"{self.prefix}{key}", expected, got)

    def value(self, key: str) -> Any:
        return self.data.get(key, _DEFAULTS[key])

    def text(self, key: str) -> str:
        value = self.value(key)
        if not isinstance(value, str):
            self.fail(key, "a string", value)
        return value

    def card_text(self, key: str, most: int) -> str:
        """Text drawn on the cards as written: only what a card can show, and short enough to set quickly."""
        return self.showable(self.text(key), key, most)

    def showable(self, value: str, key: str, most: int) -> str:
        control = tables.control_in(value)
        if control:
            raise ConfigError(self.path, f"{self.prefix}{key}", f"contains {control}, a control character, which a "
                                                                 "card cannot show")
        if len(value) > most:
            raise ConfigError(self.path, f"{self.prefix}{key}", f"{len(value):,} characters; a card holds at most "
                                                                 f"{most:,}")
        return value

    def choice(self, key: str, options: tuple[str, ...], expected: str) -> str:
        value = self.text(key)
        if value not in options:
            self.fail(key, expected, value)
        return value

    def flag(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
        return value

    def language(self, key: str) -> str:
        """A language code ("en", "pt-BR", "zh-Hant"), or "": it reaches fonts, dates and marks."""
        value = self.text(key).replace("_", "-")
        if value and not is_language_code(value):
            self.fail(key, 'a language code like "en", "pt-BR" or "zh-Hant"', value)
        return value

    def names(self, key: str) -> dict[str, str]:
        """A table of handle = display name: names a card can show, keyed in lower case."""
        table = self.mapping(key)
        return {handle.casefold(): self.showable(name, f"{key}.{handle}", MAX_NAME_CHARS).strip()
                for handle, name in table.items() if name.strip()}

    def count(self, key: str) -> int:
        value = self.value(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(key, "a whole number, 0 or more", value)
        return value

    def budget(self, key: str) -> int | None:
        value = self.value(key)
        if value is not None and not _is_budget(value):
            self.fail(key, "a whole number of bytes, at least 1000", value)
        return value

    def mapping(self, key: str) -> dict[str, str]:
        value = self.value(key)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail(key, "a table of name = string", value)
        return dict(value)

    def colors(self) -> dict[str, str]:
        colors = self.mapping("colors")
        for name, value in colors.items():
            if not re.fullmatch(tables.HEX_COLOR, value):
                self.fail(f"colors.{name}", "a colour as #rgb, #rrggbb or #rrggbbaa", value)
        return colors

    def folders(self, key: str, expected: str, must_exist: bool = False) -> tuple[Path, ...]:
        value = self.value(key)
        if not isinstance(value, list) or not all(
                isinstance(d, str) and (not must_exist or (self.path.parent / d).is_dir()) for d in value):
            self.fail(key, expected, value)
        return tuple(self.path.parent / d for d in value)

    def logo(self) -> Path | None:
        logo = self.text("logo")
        if logo and not (self.path.parent / logo).is_file():
            self.fail("logo", "a PNG or SVG file, relative to the config file", logo)
        return (self.path.parent / logo) if logo else None


def _is_budget(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1000


def _fields(path: Path, key: str, table: object) -> dict[str, tuple[str, ...]]:
    """[fields]: card field = "path" or ["path", …], each path dotted keys and [n] list items."""
    if not isinstance(table, dict):
        raise ConfigError.expecting(path, key, "a table of card field = front-matter path(s)", table)
    tables.check_keys(table, CARD_FIELDS, ConfigError, path, f"{key}.", what="card field")
    out: dict[str, tuple[str, ...]] = {}
    for name, value in table.items():
        paths = [value] if isinstance(value, str) else value
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and parse_path(p) for p in paths):
            raise ConfigError.expecting(path, f"{key}.{name}", 'a path like "params.quote" or "images[0]", or a list '
                                        "of them", value)
        out[name] = tuple(paths)
    return out


def _service(path: Path, key: str, table: object) -> dict[str, Any]:
    """[service]: each value as its key's schema has it; folders made the config file's."""
    if not isinstance(table, dict):
        raise ConfigError.expecting(path, key, "a table of quotecards service settings", table)
    tables.check_keys(table, tables.names(SERVICE_KEYS), ConfigError, path, f"{key}.")
    schemas = {k.name: k.schema for k in SERVICE_KEYS}
    for name, value in table.items():
        expected = _unlike(schemas[name], value)
        if expected:
            raise ConfigError.expecting(path, f"{key}.{name}", expected, value)
    settings = dict(table)
    for name in ("posts", "store"):
        if name in settings and "://" not in settings[name]:
            settings[name] = path.parent / settings[name]
    if "posts" in settings and not settings["posts"].is_dir():
        raise ConfigError(path, f"{key}.posts", f"no folder {settings['posts']}")
    return settings


def _unlike(schema: Mapping[str, Any], value: object) -> str:
    """What `value` was expected to be, where the (simple) JSON Schema refuses it; "" where it fits."""
    kind, low, high = schema.get("type"), schema.get("minimum"), schema.get("maximum")
    if "enum" in schema:
        return "" if value in schema["enum"] else " or ".join(schema["enum"])
    if kind == "boolean":
        return "" if isinstance(value, bool) else "true or false"
    if kind == "string":
        pattern = schema.get("pattern")
        fits = isinstance(value, str) and len(value.strip()) >= schema.get("minLength", 0) and (
            pattern is None or re.match(pattern, value))
        return "" if fits else f"{schema.get('title', 'a string')}".removeprefix("a ")
    whole = kind == "integer"
    number = isinstance(value, int | float) and not isinstance(value, bool) and (not whole or isinstance(value, int))
    if number and (low is None or value >= low) and (high is None or value <= high):
        return ""
    return (f"a {'whole ' if whole else ''}number" + (f" from {low}" if low is not None else "")
            + (f" to {high}" if high is not None else ""))


def _platforms(path: Path, key: str, table: object) -> dict[str, tuple[str | None, int | None]]:
    """[platforms.<name>]: format and max_bytes for one platform's cards."""
    if not isinstance(table, dict):
        raise ConfigError.expecting(path, key, "a table of [platforms.<name>] tables", table)
    unknown = tables.first_unknown(table, PLATFORMS)
    if unknown is not None:
        raise ConfigError(path, f"{key}.{unknown}", f"unknown platform (have: {', '.join(PLATFORMS)})")
    return {name: _platform(path, f"{key}.{name}", settings) for name, settings in table.items()}


def _platform(path: Path, key: str, settings: object) -> tuple[str | None, int | None]:
    if not isinstance(settings, dict):
        raise ConfigError.expecting(path, key, "a table with format and/or max_bytes", settings)
    tables.check_keys(settings, tables.names(PLATFORM_KEYS), ConfigError, path, f"{key}.")
    fmt, budget = settings.get("format"), settings.get("max_bytes")
    if fmt is not None and fmt not in FORMAT_CHOICES:
        raise ConfigError.expecting(path, f"{key}.format", " or ".join(FORMAT_CHOICES), fmt)
    if budget is not None and not _is_budget(budget):
        raise ConfigError.expecting(path, f"{key}.max_bytes", "a whole number of bytes, at least 1000", budget)
    return fmt, budget
