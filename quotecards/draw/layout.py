"""Layout files (layouts/*.toml) → validated, typed `Layout` data for the renderer.

A layout is a background plus an ordered list of layers, each placed by a box given in
fractions of the canvas's safe area (or of the whole canvas, for layers that bleed), so one
file serves every canvas size; a design that must change on portrait or square canvases gives
those their own layer list. Colours may be named (`accent`), so a site's branding can recolour
every layout. Every mistake in a file is reported as one line naming the file, the key and
what was expected.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NoReturn, TypeVar, cast

from .. import tables
from ..errors import LayoutError
from ..resources import data_dir
from ..tables import Key
from .geometry import PixelBox

if TYPE_CHECKING:
    # Only a layout being read needs them: the site config checks its layout names here, and a
    # build with nothing to draw must not load Pillow to do so.
    from PIL import Image

    from ..text import fonts

__all__ = ["BACKGROUND_KEYS", "BrandLayer", "COMPOSE_KEYS", "Color", "ImageLayer", "KEYS", "LAYER_KINDS", "Layer",
           "Layout", "MAX_FIXED_TEXT_CHARS", "PhotoLayer", "RectLayer", "TABLES", "TextLayer", "available",
           "find_layout", "json_schema", "load_layout"]

Color = tuple[int, int, int, int]
TEXT_SOURCES = ("quote", "attribution", "title", "citation", "section", "site", "site_name", "author", "date",
                "byline", "description", "tag")
ORIENTATIONS = ("landscape", "portrait", "square")
# A canvas's safe area wider than this is landscape, narrower than the other portrait; else square.
LANDSCAPE_ABOVE, PORTRAIT_BELOW = 1.15, 0.87
# Fixed text a layout sets (a literal, a template's own words): a mark or a short phrase, never
# a page of text that would take seconds to shape on every card.
MAX_FIXED_TEXT_CHARS = 200




@dataclass(frozen=True)
class Box:
    """Edges as fractions of the canvas width (left, right) and height (top, bottom)."""

    left: float
    top: float
    right: float
    bottom: float

    def within(self, area: PixelBox) -> PixelBox:
        """The box in px inside `area`."""
        return PixelBox(area.left + round(self.left * area.width), area.top + round(self.top * area.height),
                        area.left + round(self.right * area.width), area.top + round(self.bottom * area.height))

    def squeezed(self, left: float, right: float) -> Box:
        """The box with the area's width narrowed to [left, right]: a text group moved off the subject."""
        span = right - left
        return Box(left + self.left * span, self.top, left + self.right * span, self.bottom)


@dataclass(frozen=True)
class Background:
    photo: bool  # the featured photo fills the canvas (False: the fallback gradient always)
    fallback: tuple[Color, Color]  # gradient drawn when there is no photo
    scrim: Color
    scrim_opacity: tuple[float, float]  # at the top and at the bottom of the canvas
    min_contrast: float


Align = Literal["start", "center"]  # start: left, or right in a right-to-left text
VAlign = Literal["top", "center", "bottom"]
ALIGNS: tuple[Align, ...] = ("start", "center")
PhotoColor = Literal["average", "dominant"]
PHOTO_COLORS: tuple[PhotoColor, ...] = ("average", "dominant")
ImageFit = Literal["cover", "contain", "tile"]
IMAGE_FITS: tuple[ImageFit, ...] = ("cover", "contain", "tile")
VALIGNS: tuple[VAlign, ...] = ("top", "center", "bottom")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _number(lo: float, hi: float) -> dict[str, object]:
    return {"type": "number", "minimum": lo, "maximum": hi}


def _kind(kind: str, meaning: str) -> Key:
    return Key("kind", {"const": kind}, meaning, required=True)


# Keys more than one kind of layer takes.
_BOX = Key("box", _ref("box"), "where it is drawn, as fractions of the safe area (of the canvas, with bleed)",
           required=True)
_BLEED = Key("bleed", {"type": "boolean"}, "place it on the whole canvas instead of the safe area", False)
_GROUP = Key("group", {"title": "name", "type": "string", "pattern": "^[A-Za-z0-9_-]{0,32}$"},
             "layers of one group are stacked as set, the gaps between their boxes kept, and centred together in "
             "the room their boxes span", "")
_FACE = (Key("font", {"type": "string"}, "the font family: the site's font_dirs, the bundled fonts, then the "
             "machine's", required=True),
         Key("weight", _number(100, 1000), "the family's face nearest this weight is used", 400),
         Key("italic", {"type": "boolean"}, "the family's italic face", False))


@dataclass(frozen=True)
class TextLayer:
    source: str  # which text of the post: quote, attribution, ...
    box: Box
    face: fonts.Face
    size: tuple[float, float]  # min, max: fractions of the canvas's shorter side
    line_height: float
    color: Color
    valign: VAlign
    hang_quotes: bool
    max_lines: int | None
    align: Align = "start"
    literal: str = ""  # fixed text (a large decorative quote mark) instead of the post's
    bleed: bool = False  # placed on the whole canvas, not the platform's safe area
    fallback: str = ""  # a field or template for when `source` has an empty field; "": the layer is left out
    grow: float = 1.0  # a text of a few words may be set up to this many times the top size
    group: str = ""  # layers of one group move together, centred in the room their boxes span

    kind: ClassVar[str] = "text"
    keys: ClassVar[tuple[Key, ...]] = (
        _kind("text", "a block of the post's text"),
        Key("text", _ref("field"), 'which text: a card field, or a template of them like "By {author}, {date}", '
            "left empty when a field it names is"),
        Key("fallback", _ref("field"), "the text when `text` comes out empty; without one, the layer is left out"),
        Key("literal", tables.plain_text(MAX_FIXED_TEXT_CHARS), "fixed text instead of the post's; \"\u201c\" is a "
            "decorative mark that follows the language", ""),
        _BOX,
        *_FACE,
        Key("size", {"title": "[min, max], each over 0 and at most 1", "type": "array", "minItems": 2, "maxItems": 2,
                     "items": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
            "the font size's range as fractions of the safe area's shorter side: the largest that fits is used",
            required=True),
        Key("grow", _number(1, 4), "a text of a few words may be set up to this many times the largest size", 1.0),
        Key("line_height", _number(0.6, 3), "the baseline distance as a multiple of the size", 1.2),
        Key("color", _ref("colorRef"), "the text's colour", "#ffffff"),
        Key("valign", {"enum": list(VALIGNS)}, "where the set block sits in its box", "top"),
        Key("align", {"enum": list(ALIGNS)}, "lines flush to the reading start (left, or right in a right-to-left "
            "text), or centred", "start"),
        Key("hang_quotes", {"type": "boolean"}, "wrap it in the language's quotation marks, the opening one hung in "
            "the margin", False),
        Key("max_lines", {"type": "integer", "minimum": 1}, "at most this many lines"),
        _BLEED,
        _GROUP,
    )

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> TextLayer:
        check.keys(raw, f"{key}.", cls.keys)
        literal = check.fixed_text(raw.get("literal", ""), f"{key}.literal")
        if literal:
            source = f"literal:{literal}"
        else:
            source = check.text_source(raw.get("text"), f"{key}.text")
        fallback = check.text_source(raw["fallback"], f"{key}.fallback") if "fallback" in raw else ""
        face = _face(check, raw, key)
        size = check.list_of(raw, f"{key}.size", 2, check.fraction)
        if size[0] > size[1] or size[0] <= 0:
            check.fail(f"{key}.size", "[min, max] with 0 < min <= max", size)
        max_lines = raw.get("max_lines")
        if max_lines is not None and (not isinstance(max_lines, int) or isinstance(max_lines, bool) or max_lines < 1):
            check.fail(f"{key}.max_lines", "a whole number of at least 1", max_lines)
        return cls(
            source=str(source),
            box=check.box(raw.get("box"), f"{key}.box"),
            face=face,
            size=(size[0], size[1]),
            line_height=check.number(raw.get("line_height", 1.2), f"{key}.line_height", 0.6, 3.0),
            color=check.color(raw.get("color", "#ffffff"), f"{key}.color"),
            valign=check.choice(raw.get("valign", "top"), f"{key}.valign", VALIGNS),
            hang_quotes=check.boolean(raw.get("hang_quotes", False), f"{key}.hang_quotes"),
            max_lines=max_lines,
            align=check.choice(raw.get("align", "start"), f"{key}.align", ALIGNS),
            literal=literal,
            bleed=bleed,
            fallback=fallback,
            grow=check.number(raw.get("grow", 1.0), f"{key}.grow", 1.0, 4.0),
            group=check.group(raw, key),
        )


@dataclass(frozen=True)
class RectLayer:
    box: Box
    color: Color  # the field's colour; with color_from_photo, the colour when there is no photo
    bleed: bool = False
    color_from_photo: PhotoColor | None = None  # take the colour from the photo: its average or dominant one
    contrast_with: Color = (255, 255, 255, 255)  # …darkened or lightened until this text colour reads on it
    group: str = ""

    kind: ClassVar[str] = "rect"
    keys: ClassVar[tuple[Key, ...]] = (
        _kind("rect", "a filled rectangle: an accent rule, a colour field"),
        _BOX,
        Key("color", _ref("colorRef"), "the field's colour; with color_from_photo, its colour when there is no photo",
            required=True),
        Key("color_from_photo", {"enum": list(PHOTO_COLORS)}, "take the colour from the photo, darkened (or, under "
            "dark text, lightened) until contrast_with reads on it"),
        Key("contrast_with", _ref("colorRef"), "the text colour the field must carry: the dimmest one set on it",
            "#ffffff"),
        _BLEED,
        _GROUP,
    )

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> RectLayer:
        check.keys(raw, f"{key}.", cls.keys)
        source = raw.get("color_from_photo")
        return cls(box=check.box(raw.get("box"), f"{key}.box"), color=check.color(raw.get("color"), f"{key}.color"),
                   bleed=bleed,
                   color_from_photo=None if source is None else check.choice(source, f"{key}.color_from_photo",
                                                                             PHOTO_COLORS),
                   contrast_with=check.color(raw.get("contrast_with", "#ffffff"), f"{key}.contrast_with"),
                   group=check.group(raw, key))


@dataclass(frozen=True)
class ImageLayer:
    """A picture of the site's own (a texture, a pattern, a frame), from a file beside the layout."""

    box: Box
    path: Path
    picture: Image.Image = field(compare=False, repr=False)
    fit: ImageFit = "cover"
    opacity: float = 1.0
    bleed: bool = False

    kind: ClassVar[str] = "image"
    keys: ClassVar[tuple[Key, ...]] = (
        _kind("image", "a picture of the site's own (a texture, a pattern, a frame)"),
        _BOX,
        Key("file", {"title": "file", "type": "string"}, "the picture, relative to the layout file", required=True),
        Key("fit", {"enum": list(IMAGE_FITS)}, "cover: cropped to fill the box; contain: fitted inside it; tile: "
            "repeated", "cover"),
        Key("opacity", _number(0, 1), "how strongly it is drawn", 1.0),
        _BLEED,
    )

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> ImageLayer:
        check.keys(raw, f"{key}.", cls.keys)
        from PIL import Image

        path = check.path.parent / check.string(raw.get("file"), f"{key}.file")
        try:
            with Image.open(path) as opened:
                picture = opened.convert("RGBA")
        except (OSError, ValueError) as exc:
            raise LayoutError(check.path, f"{key}.file", f"cannot read {path} as an image ({exc})") from None
        return cls(box=check.box(raw.get("box"), f"{key}.box"), path=path, picture=picture,
                   fit=check.choice(raw.get("fit", "cover"), f"{key}.fit", IMAGE_FITS),
                   opacity=check.fraction(raw.get("opacity", 1.0), f"{key}.opacity"), bleed=bleed)


@dataclass(frozen=True)
class PhotoLayer:
    """The featured photo, cover-cropped into its own box (a split card's photo half)."""

    box: Box
    bleed: bool = False

    kind: ClassVar[str] = "photo"
    keys: ClassVar[tuple[Key, ...]] = (
        _kind("photo", "the featured photo, cover-cropped into the box around its focal point"),
        _BOX,
        _BLEED,
    )

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> PhotoLayer:
        check.keys(raw, f"{key}.", cls.keys)
        return cls(box=check.box(raw.get("box"), f"{key}.box"), bleed=bleed)


@dataclass(frozen=True)
class BrandLayer:
    """The site's logo, fitted into the box; without a logo, the site's name in `face`."""

    box: Box
    face: fonts.Face
    color: Color
    align: Align = "start"
    bleed: bool = False
    group: str = ""

    kind: ClassVar[str] = "brand"
    keys: ClassVar[tuple[Key, ...]] = (
        _kind("brand", "the site's logo fitted into the box, or without one its name; nothing if it has neither"),
        _BOX,
        *_FACE,
        Key("color", _ref("colorRef"), "the colour of the site's name", "#ffffff"),
        Key("align", {"enum": list(ALIGNS)}, "the logo or name flush to the reading start, or centred", "start"),
        _BLEED,
        _GROUP,
    )

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> BrandLayer:
        check.keys(raw, f"{key}.", cls.keys)
        return cls(box=check.box(raw.get("box"), f"{key}.box"), face=_face(check, raw, key),
                   color=check.color(raw.get("color", "#ffffff"), f"{key}.color"),
                   align=check.choice(raw.get("align", "start"), f"{key}.align", ALIGNS),
                   bleed=bleed, group=check.group(raw, key))


Layer = TextLayer | RectLayer | PhotoLayer | BrandLayer | ImageLayer
# A layout file's `kind = "…"` → its layer type. A new kind of layer is a class with `kind` and
# `from_table`, added here, and its painter in render.PAINTERS.
LAYER_KINDS: dict[str, type[TextLayer] | type[RectLayer] | type[PhotoLayer] | type[BrandLayer] | type[ImageLayer]] = {
    cls.kind: cls for cls in (TextLayer, RectLayer, PhotoLayer, BrandLayer, ImageLayer)}


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    description: str
    background: Background
    layers: tuple[Layer, ...]
    variants: tuple[tuple[str, tuple[Layer, ...]], ...] = ()  # orientation → its own layers
    text_width: float = 1.0  # [compose]: on a wide photo card the text may be tried narrowed to this share
    group_align: VAlign = "center"  # [compose]: where a group of layers sits in the room its boxes span

    def layers_for(self, width: int, height: int) -> tuple[Layer, ...]:
        """The layers for a canvas (or safe area) of this size: its orientation's, or the default."""
        ratio = width / height
        orientation = "landscape" if ratio > LANDSCAPE_ABOVE else "portrait" if ratio < PORTRAIT_BELOW else "square"
        return dict(self.variants).get(orientation, self.layers)

    def sets(self, name: str) -> bool:
        """Whether some text layer, in some orientation, sets the card field `name` (or falls back to it)."""
        return any(isinstance(layer, TextLayer) and name in (layer.source, layer.fallback,
                                                             *re.findall(r"\{(\w+)\}", layer.source + layer.fallback))
                   for layers in (self.layers, *dict(self.variants).values()) for layer in layers)

    @property
    def uses_photo(self) -> bool:
        return self.background.photo or any(isinstance(layer, PhotoLayer)
                                            for layers in (self.layers, *dict(self.variants).values())
                                            for layer in layers)


def find_layout(name: str, folders: tuple[Path, ...] = ()) -> Path:
    """The file for layout `name`: user folders first, then the bundled layouts/.

    A layout is named, never a path: a name from a post or a web form must not reach other files.
    """
    if not re.fullmatch(tables.LAYOUT_NAME, name):
        raise LayoutError("", "layout",
                          f"no layout named {name[:64]!r} (a layout name is letters, digits, '-' and '_')")
    for folder in (*folders, data_dir("layouts")):
        candidate = folder / f"{name}.toml"
        if candidate.is_file():
            return candidate
    raise LayoutError("", "layout", f"no layout named {name!r} (have: {', '.join(sorted(available(folders)))})")


def available(folders: tuple[Path, ...] = ()) -> dict[str, Path]:
    """Every layout name → the file that wins for it (user folders before the bundled ones)."""
    found: dict[str, Path] = {}
    for folder in (*folders, data_dir("layouts")):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found.setdefault(path.stem, path)
    return found


_ORIENTATION_SHAPES = {"landscape": f"wide canvases (a safe area wider than {LANDSCAPE_ABOVE}:1)",
                       "portrait": f"tall canvases (a safe area narrower than {PORTRAIT_BELOW}:1)",
                       "square": "square canvases (the rest)"}
BACKGROUND_KEYS: tuple[Key, ...] = (
    Key("photo", {"type": "boolean"}, "the featured photo fills the canvas; false: the fallback gradient always", True),
    Key("fallback", {"title": "[colour, colour]", "type": "array", "items": _ref("colorRef"), "minItems": 2,
                     "maxItems": 2}, "the gradient drawn when there is no photo", required=True),
    Key("scrim", _ref("colorRef"), "the colour of the veil laid over the photo", "#000000"),
    Key("scrim_opacity", {"title": "[top, bottom], each 0 to 1", "type": "array", "items": _number(0, 1),
                          "minItems": 2, "maxItems": 2},
        "the veil's opacity at the top and at the bottom of the canvas", required=True),
    Key("min_contrast", _number(1, 21), "the WCAG contrast every line of text must reach: a veil is laid under the "
        "text until it does", 4.5),
)
COMPOSE_KEYS: tuple[Key, ...] = (
    Key("group_align", {"enum": list(VALIGNS)}, "where each group of layers (group = \"…\"), stacked as set, "
        "sits in the room its boxes span: a headline's kicker, title, deck and byline kept together at the foot",
        "center"),
    Key("text_width", _number(0.3, 1), "on a wide photo card, composition may also try the text (every layer that "
        "does not bleed) narrowed to this share of the width on either side of the subject; 1: it never narrows", 1.0),
)
ORIENTATION_KEYS: tuple[Key, ...] = (
    Key("layer", _ref("layers"), "the layers for this orientation", required=True),
)
KEYS: tuple[Key, ...] = (
    Key("name", {"type": "string"}, "the layout's name (default: the file's name)"),
    Key("description", {"type": "string"}, "one line for people", ""),
    Key("colors", {"title": "table of name = colour", "type": "object", "additionalProperties": _ref("color")},
        "named colours the layers use; a site's [colors] overrides them"),
    Key("background", tables.table_schema(BACKGROUND_KEYS), "the canvas under the layers", required=True),
    Key("compose", tables.table_schema(COMPOSE_KEYS), "where the text goes on a photo"),
    Key("layer", _ref("layers"), "the layers, drawn first to last", required=True),
    *(Key(o, _ref("orientation"), f"[[{o}.layer]]: the layers on {_ORIENTATION_SHAPES[o]}, in place of [[layer]]")
      for o in ORIENTATIONS),
)
# Each table a layout holds, as the docs name it, with its keys: what the reference tables show.
TABLES: dict[str, tuple[Key, ...]] = {
    "": KEYS, "[background]": BACKGROUND_KEYS, "[compose]": COMPOSE_KEYS,
    **{f'[[layer]] kind = "{kind}"': cls.keys for kind, cls in LAYER_KINDS.items()},
}
_FIELD = rf"\{{({'|'.join(TEXT_SOURCES)})\}}"
_WORDS = rf"[^{{}}{tables.CONTROL_CHARS}]|\{{\{{|\}}\}}"
# A template as the loader takes it: text, {{ and }}, and at least one {field}, bare: a format spec
# or a conversion ({author:>2147483648}) could make one card take minutes and gigabytes.
_TEMPLATE = rf"({_WORDS})*{_FIELD}({_WORDS}|{_FIELD})*"
_DEFINITIONS: dict[str, Any] = {
    "color": {"title": "colour", "type": "string", "pattern": f"^{tables.HEX_COLOR}$",
              "description": "#rgb, #rrggbb or #rrggbbaa"},
    # Which names a site defines is in another file: here a name is anything that is not a #colour.
    "colorRef": {"title": "colour or colour name", "type": "string",
                 "anyOf": [{"pattern": f"^{tables.HEX_COLOR}$"}, {"pattern": "^[^#]"}],
                 "description": "#rgb, #rrggbb, #rrggbbaa, or a name from [colors] (the layout's or the site's)"},
    "box": {"title": "[left, top, right, bottom], each 0 to 1", "type": "array", "items": _number(0, 1),
            "minItems": 4, "maxItems": 4},
    "field": {"title": "card field or template", "type": "string", "maxLength": MAX_FIXED_TEXT_CHARS,
              "anyOf": [{"enum": list(TEXT_SOURCES)}, {"pattern": f"^{_TEMPLATE}$"}],
              "description": f"one of {', '.join(TEXT_SOURCES)}, or a template of them like \"{{author}} · {{date}}\""},
    "layers": {"title": "list of layers", "type": "array", "minItems": 1, "items": _ref("layer")},
    "layer": {"oneOf": [_ref(f"{kind}Layer") for kind in LAYER_KINDS]},
    "orientation": {"title": "table holding a layer list", **tables.table_schema(ORIENTATION_KEYS)},
}
# A text layer says which text it sets, or else sets a literal one.
_NEEDS = {"text": {"anyOf": [{"required": ["text"]},
                             {"required": ["literal"], "properties": {"literal": {"minLength": 1}}}]}}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a layout file, for editors."""
    layers = {f"{kind}Layer": {**tables.table_schema(cls.keys), **_NEEDS.get(kind, {})}
              for kind, cls in LAYER_KINDS.items()}
    return tables.document("quotecards layout", KEYS, {**_DEFINITIONS, **layers})


def load_layout(path: Path, colors: dict[str, str] | None = None, site_faces: tuple[fonts.Face, ...] = ()) -> Layout:
    """Read and check a layout; `colors` (a site's branding) overrides the file's named colours;
    its fonts are looked for among `site_faces` (the site's font_dirs), the bundled faces, and the
    machine's installed families."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LayoutError(path, "file", f"cannot read layout: {exc}") from None
    check = _Checker(path, site_faces)
    check.keys(data, "", KEYS)
    check.named = {**_named_colors(check, data), **(colors or {})}
    background = _background(check, data)
    variants = tuple((o, _layers(check, _variant(check, data, o), f"{o}.layer")) for o in ORIENTATIONS if o in data)
    text_width, group_align = _compose(check, data)
    return Layout(
        name=check.string(data.get("name", path.stem), "name"),
        path=path,
        description=check.string(data.get("description", ""), "description"),
        background=background,
        layers=_layers(check, data.get("layer"), "layer"),
        variants=variants,
        text_width=text_width,
        group_align=group_align,
    )


def _named_colors(check: _Checker, data: dict[str, Any]) -> dict[str, str]:
    named = data.get("colors", {})
    if not isinstance(named, dict):
        check.fail("colors", "a table of name = colour", named)
    for key, value in named.items():
        check.color(value, f"colors.{key}")
    return named


def _background(check: _Checker, data: dict[str, Any]) -> Background:
    bg = check.table(data, "background")
    check.keys(bg, "background.", BACKGROUND_KEYS)
    fallback = check.list_of(bg, "background.fallback", 2, check.color)
    opacity = check.list_of(bg, "background.scrim_opacity", 2, check.fraction)
    return Background(
        photo=check.boolean(bg.get("photo", True), "background.photo"),
        fallback=(fallback[0], fallback[1]),
        scrim=check.color(bg.get("scrim", "#000000"), "background.scrim"),
        scrim_opacity=(opacity[0], opacity[1]),
        min_contrast=check.number(bg.get("min_contrast", 4.5), "background.min_contrast", 1.0, 21.0),
    )


def _variant(check: _Checker, data: dict[str, Any], orientation: str) -> object:
    """The raw layer list of an [[<orientation>.layer]] table."""
    table = check.table(data, orientation)
    check.keys(table, f"{orientation}.", ORIENTATION_KEYS)
    return table.get("layer")


def _compose(check: _Checker, data: dict[str, Any]) -> tuple[float, VAlign]:
    """[compose]: the share of the width text may narrow to, and where groups sit."""
    if "compose" not in data:
        return 1.0, "center"
    table = check.table(data, "compose")
    check.keys(table, "compose.", COMPOSE_KEYS)
    return (check.number(table.get("text_width", 1.0), "compose.text_width", 0.3, 1.0),
            check.choice(table.get("group_align", "center"), "compose.group_align", VALIGNS))


def _layers(check: _Checker, raw_layers: Any, key: str) -> tuple[Layer, ...]:
    if not isinstance(raw_layers, list) or not raw_layers:
        check.fail(key, "at least one [[layer]] table", raw_layers)
    return tuple(_layer(check, raw, f"{key}[{i}]") for i, raw in enumerate(raw_layers))


def _face(check: _Checker, raw: dict, key: str) -> fonts.Face:
    from ..text import fonts

    family = check.string(raw.get("font"), f"{key}.font")
    weight = int(check.number(raw.get("weight", 400), f"{key}.weight", 100, 1000))
    italic = check.boolean(raw.get("italic", False), f"{key}.italic")
    try:
        return fonts.find_face(family, weight, italic=italic, system=True, site=check.site_faces)
    except fonts.FontError as exc:
        raise LayoutError(check.path, f"{key}.font", str(exc)) from None


def _layer(check: _Checker, raw: Any, key: str) -> Layer:
    if not isinstance(raw, dict):
        check.fail(key, "a table", raw)
    kind = LAYER_KINDS.get(str(raw.get("kind")))
    if kind is None:
        names = [f'"{k}"' for k in LAYER_KINDS]
        check.fail(f"{key}.kind", ", ".join(names[:-1]) + " or " + names[-1], raw.get("kind"))
    return kind.from_table(check, raw, key, check.boolean(raw.get("bleed", False), f"{key}.bleed"))


_SOURCE_EXPECTED = f"one of {', '.join(TEXT_SOURCES)}, or a template like \"{{author}} · {{date}}\""
_Choice = TypeVar("_Choice", bound=str)
_Item = TypeVar("_Item")


class _Checker:
    """Type checks that raise LayoutError: the file, the key, expected …, got …."""

    def __init__(self, path: Path, site_faces: tuple[fonts.Face, ...] = ()):
        self.path = path
        self.named: dict[str, str] = {}  # colour names the layout (and the site) define
        self.site_faces = site_faces

    def fail(self, key: str, expected: str, got: object) -> NoReturn:
        raise LayoutError.expecting(self.path, key, expected, got)

    def keys(self, table: dict, prefix: str, keys: tuple[Key, ...]) -> None:
        tables.check_keys(table, tables.names(keys), LayoutError, self.path, prefix)

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail(key, "a table", value)
        return value

    def text_source(self, value: object, key: str) -> str:
        """A card field's name (`title`), or a template of them (`{author} · {date}`)."""
        if not isinstance(value, str):
            self.fail(key, _SOURCE_EXPECTED, value)
        if "{" not in value and "}" not in value:
            if value not in TEXT_SOURCES:
                self.fail(key, _SOURCE_EXPECTED, value)
            return value
        self.fixed_text(value, key)  # before parsing: a template's words are set on the card as written
        try:
            fields = [(name, spec, conv) for _text, name, spec, conv in string.Formatter().parse(value)
                      if name is not None]
        except ValueError as exc:
            raise LayoutError(self.path, key, f"not a template ({exc})") from None
        if any(spec or conv for _name, spec, conv in fields):  # {author!x}, {date:{x}}: the card would fail
            raise LayoutError(self.path, key, f"not a template ({value!r}: a field is a bare name like {{author}})")
        names = [name for name, _spec, _conv in fields]
        unknown = [name for name in names if name not in TEXT_SOURCES]
        if unknown or not names:
            raise LayoutError(self.path, key, f"unknown field {{{unknown[0] if unknown else ''}}} in {value!r} "
                                              f"(have: {', '.join(TEXT_SOURCES)})")
        if not re.fullmatch(_TEMPLATE, value):  # what the parse lets through, {author:} or {author!}
            raise LayoutError(self.path, key, f"not a template ({value!r}: a field is a bare name like {{author}})")
        return value

    def fixed_text(self, value: object, key: str) -> str:
        """Text the layout itself sets on every card: short, and only what a card can show."""
        text = self.string(value, key)
        control = tables.control_in(text)
        if control:
            raise LayoutError(self.path, key, f"contains {control}, a control character, which a card cannot show")
        if len(text) > MAX_FIXED_TEXT_CHARS:
            raise LayoutError(self.path, key, f"{len(text):,} characters; a layout's own text is at most "
                                              f"{MAX_FIXED_TEXT_CHARS:,}")
        return text

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str):
            self.fail(key, "a string", value)
        return value

    def number(self, value: object, key: str, lo: float, hi: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            self.fail(key, f"a number from {lo:g} to {hi:g}", value)
        return float(value)

    def fraction(self, value: object, key: str) -> float:
        return self.number(value, key, 0.0, 1.0)

    def group(self, raw: dict[str, Any], key: str) -> str:
        value = raw.get("group", "")
        if not isinstance(value, str) or (value and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value)):
            self.fail(f"{key}.group", "a name of letters, digits, '-' and '_'", value)
        return value

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
        return bool(value)

    def choice(self, value: object, key: str, options: tuple[_Choice, ...]) -> _Choice:
        for option in options:
            if value == option:
                return option
        quoted = [f'"{o}"' for o in options]
        self.fail(key, ", ".join(quoted[:-1]) + " or " + quoted[-1], value)

    def color(self, value: object, key: str) -> Color:
        if isinstance(value, str) and value in self.named:
            value = self.named[value]
        if not isinstance(value, str) or not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", value):
            names = f" or one of {', '.join(sorted(self.named))}" if self.named else ""
            self.fail(key, f"a colour as #rgb, #rrggbb or #rrggbbaa{names}", value)
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 6:
            digits += "ff"
        r, g, b, a = (int(digits[i:i + 2], 16) for i in range(0, 8, 2))
        return (r, g, b, a)

    def list_of(self, table: dict[str, Any], key: str, length: int,
                item: Callable[[object, str], _Item]) -> list[_Item]:
        name = key.rsplit(".", 1)[-1]
        value = table.get(name)
        if not isinstance(value, list) or len(value) != length:
            self.fail(key, f"a list of {length} values", value)
        return [item(v, f"{key}[{i}]") for i, v in enumerate(value)]

    def box(self, value: object, key: str) -> Box:
        if not isinstance(value, list) or len(value) != 4:
            self.fail(key, "[left, top, right, bottom] as fractions of the canvas", value)
        left, top, right, bottom = (self.fraction(v, f"{key}[{i}]") for i, v in enumerate(cast(list[object], value)))
        if left >= right or top >= bottom:
            self.fail(key, "left < right and top < bottom", value)
        return Box(left, top, right, bottom)
