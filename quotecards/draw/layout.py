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
from typing import Any, ClassVar, Literal, NoReturn, TypeVar, cast

from PIL import Image

from ..errors import LayoutError
from ..resources import data_dir
from ..text import fonts
from .geometry import PixelBox

Color = tuple[int, int, int, int]
TEXT_SOURCES = ("quote", "attribution", "title", "citation", "section", "site", "site_name", "author", "date",
                "byline", "description", "tag")
ORIENTATIONS = ("landscape", "portrait", "square")




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

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> TextLayer:
        check.keys(raw, f"{key}.", {"kind", "text", "literal", "box", "font", "weight", "italic", "size",
                                    "line_height", "color", "valign", "align", "hang_quotes", "max_lines", "bleed",
                                    "fallback", "grow", "group"})
        literal = raw.get("literal", "")
        if literal:
            check.string(literal, f"{key}.literal")
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

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> RectLayer:
        check.keys(raw, f"{key}.", {"kind", "box", "color", "bleed", "color_from_photo", "contrast_with", "group"})
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

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> ImageLayer:
        check.keys(raw, f"{key}.", {"kind", "box", "file", "fit", "opacity", "bleed"})
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

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> PhotoLayer:
        check.keys(raw, f"{key}.", {"kind", "box", "bleed"})
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

    @classmethod
    def from_table(cls, check: _Checker, raw: dict[str, Any], key: str, bleed: bool) -> BrandLayer:
        check.keys(raw, f"{key}.", {"kind", "box", "font", "weight", "italic", "color", "align", "bleed", "group"})
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
    text_width: float = 1.0  # [compose]: on a landscape photo the text may narrow to this share, off the subject

    def layers_for(self, width: int, height: int) -> tuple[Layer, ...]:
        """The layers for a canvas (or safe area) of this size: its orientation's, or the default."""
        ratio = width / height
        orientation = "landscape" if ratio > 1.15 else "portrait" if ratio < 0.87 else "square"
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
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", name):
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


def load_layout(path: Path, colors: dict[str, str] | None = None, site_faces: tuple[fonts.Face, ...] = ()) -> Layout:
    """Read and check a layout; `colors` (a site's branding) overrides the file's named colours;
    its fonts are looked for among `site_faces` (the site's font_dirs), the bundled faces, and the
    machine's installed families."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LayoutError(path, "file", f"cannot read layout: {exc}") from None
    check = _Checker(path, site_faces)
    check.keys(data, "", {"name", "description", "colors", "background", "layer", "compose", *ORIENTATIONS})
    named = data.get("colors", {})
    if not isinstance(named, dict):
        check.fail("colors", "a table of name = colour", named)
    for key, value in named.items():
        check.color(value, f"colors.{key}")
    check.named = {**named, **(colors or {})}
    bg = check.table(data, "background")
    check.keys(bg, "background.", {"photo", "fallback", "scrim", "scrim_opacity", "min_contrast"})
    fallback = check.list_of(bg, "background.fallback", 2, check.color)
    opacity = check.list_of(bg, "background.scrim_opacity", 2, check.fraction)
    background = Background(
        photo=check.boolean(bg.get("photo", True), "background.photo"),
        fallback=(fallback[0], fallback[1]),
        scrim=check.color(bg.get("scrim", "#000000"), "background.scrim"),
        scrim_opacity=(opacity[0], opacity[1]),
        min_contrast=check.number(bg.get("min_contrast", 4.5), "background.min_contrast", 1.0, 21.0),
    )
    variants = []
    for orientation in ORIENTATIONS:
        if orientation in data:
            table = check.table(data, orientation)
            check.keys(table, f"{orientation}.", {"layer"})
            variants.append((orientation, _layers(check, table.get("layer"), f"{orientation}.layer")))
    return Layout(
        name=check.string(data.get("name", path.stem), "name"),
        path=path,
        description=check.string(data.get("description", ""), "description"),
        background=background,
        layers=_layers(check, data.get("layer"), "layer"),
        variants=tuple(variants),
        text_width=_compose(check, data),
    )


def _compose(check: _Checker, data: dict[str, Any]) -> float:
    if "compose" not in data:
        return 1.0
    table = check.table(data, "compose")
    check.keys(table, "compose.", {"text_width"})
    return check.number(table.get("text_width", 1.0), "compose.text_width", 0.3, 1.0)


def _layers(check: _Checker, raw_layers: Any, key: str) -> tuple[Layer, ...]:
    if not isinstance(raw_layers, list) or not raw_layers:
        check.fail(key, "at least one [[layer]] table", raw_layers)
    return tuple(_layer(check, raw, f"{key}[{i}]") for i, raw in enumerate(raw_layers))


def _face(check: _Checker, raw: dict, key: str) -> fonts.Face:
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

    def keys(self, table: dict, prefix: str, allowed: set[str]) -> None:
        for name in table:
            if name not in allowed:
                raise LayoutError(self.path, f"{prefix}{name}",
                                  f"unknown key (expected one of {', '.join(sorted(allowed))})")

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail(key, "a table", value)
        return value

    def text_source(self, value: object, key: str) -> str:
        """A card field's name (`title`), or a template of them (`{author} · {date}`)."""
        if not isinstance(value, str):
            self.fail(key, "one of " + ", ".join(TEXT_SOURCES) + ", or a template like \"{author} · {date}\"",
                      value)
        if "{" not in value and "}" not in value:
            if value not in TEXT_SOURCES:
                self.fail(key, "one of " + ", ".join(TEXT_SOURCES) + ", or a template like \"{author} · {date}\"",
                          value)
            return value
        try:
            names = [name for _text, name, _spec, _conv in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            raise LayoutError(self.path, key, f"not a template ({exc})") from None
        unknown = [name for name in names if name not in TEXT_SOURCES]
        if unknown or not names:
            raise LayoutError(self.path, key, f"unknown field {{{unknown[0] if unknown else ''}}} in {value!r} "
                                              f"(have: {', '.join(TEXT_SOURCES)})")
        return value

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
