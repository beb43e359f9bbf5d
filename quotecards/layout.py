"""Layout files (layouts/*.toml) → validated, typed `Layout` data for the renderer.

A layout is a background plus an ordered list of layers, each placed by a box given in
fractions of the canvas, so one file serves every canvas size. Every mistake in a file is
reported as one line naming the file, the key and what was expected.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fonts
from .resources import data_dir

Color = tuple[int, int, int, int]
TEXT_SOURCES = ("quote", "attribution", "title", "citation", "section")


class LayoutError(ValueError):
    pass


@dataclass(frozen=True)
class Box:
    """Edges as fractions of the canvas width (left, right) and height (top, bottom)."""

    left: float
    top: float
    right: float
    bottom: float

    def to_pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        return (round(self.left * width), round(self.top * height), round(self.right * width), round(self.bottom * height))


@dataclass(frozen=True)
class Background:
    fallback: tuple[Color, Color]  # gradient drawn when the post has no usable photo
    scrim: Color
    scrim_opacity: tuple[float, float]  # at the top and at the bottom of the canvas
    min_contrast: float


@dataclass(frozen=True)
class TextLayer:
    source: str  # which text of the post: quote, attribution, ...
    box: Box
    face: fonts.Face
    size: tuple[float, float]  # min, max: fractions of the canvas's shorter side
    line_height: float
    color: Color
    valign: str
    hang_quotes: bool
    max_lines: int | None


@dataclass(frozen=True)
class RectLayer:
    box: Box
    color: Color


Layer = TextLayer | RectLayer


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    description: str
    background: Background
    layers: tuple[Layer, ...]


def find_layout(name: str, folders: tuple[Path, ...] = ()) -> Path:
    """The file for layout `name`: user folders first, then the bundled layouts/."""
    for folder in (*folders, data_dir("layouts")):
        candidate = folder / f"{name}.toml"
        if candidate.is_file():
            return candidate
    raise LayoutError(f"no layout named {name!r}")


def load_layout(path: Path) -> Layout:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LayoutError(f"{path}: cannot read layout: {exc}") from None
    check = _Checker(path)
    check.keys(data, "", {"name", "description", "background", "layer"})
    bg = check.table(data, "background")
    check.keys(bg, "background.", {"fallback", "scrim", "scrim_opacity", "min_contrast"})
    fallback = check.list_of(bg, "background.fallback", 2, check.color)
    background = Background(
        fallback=(fallback[0], fallback[1]),
        scrim=check.color(bg.get("scrim", "#000000"), "background.scrim"),
        scrim_opacity=tuple(check.list_of(bg, "background.scrim_opacity", 2, check.fraction)),  # type: ignore[arg-type]
        min_contrast=check.number(bg.get("min_contrast", 4.5), "background.min_contrast", 1.0, 21.0),
    )
    raw_layers = data.get("layer", [])
    if not isinstance(raw_layers, list) or not raw_layers:
        check.fail("layer", "at least one [[layer]] table", raw_layers)
    layers = tuple(_layer(check, raw, f"layer[{i}]") for i, raw in enumerate(raw_layers))
    return Layout(
        name=check.string(data.get("name", path.stem), "name"),
        path=path,
        description=check.string(data.get("description", ""), "description"),
        background=background,
        layers=layers,
    )


def _layer(check: _Checker, raw: Any, key: str) -> Layer:
    if not isinstance(raw, dict):
        check.fail(key, "a table", raw)
    kind = raw.get("kind")
    if kind == "rect":
        check.keys(raw, f"{key}.", {"kind", "box", "color"})
        return RectLayer(box=check.box(raw.get("box"), f"{key}.box"), color=check.color(raw.get("color"), f"{key}.color"))
    if kind != "text":
        check.fail(f"{key}.kind", '"text" or "rect"', kind)
    check.keys(raw, f"{key}.", {"kind", "text", "box", "font", "weight", "italic", "size", "line_height",
                                "color", "valign", "hang_quotes", "max_lines"})
    source = raw.get("text")
    if source not in TEXT_SOURCES:
        check.fail(f"{key}.text", "one of " + ", ".join(TEXT_SOURCES), source)
    family = check.string(raw.get("font"), f"{key}.font")
    weight = int(check.number(raw.get("weight", 400), f"{key}.weight", 100, 1000))
    italic = raw.get("italic", False)
    try:
        face = fonts.find_face(family, weight, italic=bool(italic))
    except fonts.FontError as exc:
        raise LayoutError(f"{check.path}: {key}.font: {exc}") from None
    size = check.list_of(raw, f"{key}.size", 2, check.fraction)
    if size[0] > size[1] or size[0] <= 0:
        check.fail(f"{key}.size", "[min, max] with 0 < min <= max", size)
    valign = raw.get("valign", "top")
    if valign not in ("top", "center", "bottom"):
        check.fail(f"{key}.valign", '"top", "center" or "bottom"', valign)
    max_lines = raw.get("max_lines")
    if max_lines is not None and (not isinstance(max_lines, int) or isinstance(max_lines, bool) or max_lines < 1):
        check.fail(f"{key}.max_lines", "a whole number of at least 1", max_lines)
    hang = raw.get("hang_quotes", False)
    if not isinstance(hang, bool):
        check.fail(f"{key}.hang_quotes", "true or false", hang)
    return TextLayer(
        source=source,
        box=check.box(raw.get("box"), f"{key}.box"),
        face=face,
        size=(size[0], size[1]),
        line_height=check.number(raw.get("line_height", 1.2), f"{key}.line_height", 0.8, 3.0),
        color=check.color(raw.get("color", "#ffffff"), f"{key}.color"),
        valign=valign,
        hang_quotes=hang,
        max_lines=max_lines,
    )


class _Checker:
    """Type checks that raise LayoutError("<file>: <key>: expected …, got …")."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, expected: str, got: object) -> None:
        raise LayoutError(f"{self.path}: {key}: expected {expected}, got {got!r}")

    def keys(self, table: dict, prefix: str, allowed: set[str]) -> None:
        for name in table:
            if name not in allowed:
                raise LayoutError(f"{self.path}: {prefix}{name}: unknown key (expected one of {', '.join(sorted(allowed))})")

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail(key, "a table", value)
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

    def color(self, value: object, key: str) -> Color:
        if not isinstance(value, str) or not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", value):
            self.fail(key, "a colour as #rgb, #rrggbb or #rrggbbaa", value)
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 6:
            digits += "ff"
        r, g, b, a = (int(digits[i:i + 2], 16) for i in range(0, 8, 2))
        return (r, g, b, a)

    def list_of(self, table: dict, key: str, length: int, item) -> list:
        name = key.rsplit(".", 1)[-1]
        value = table.get(name)
        if not isinstance(value, list) or len(value) != length:
            self.fail(key, f"a list of {length} values", value)
        return [item(v, f"{key}[{i}]") for i, v in enumerate(value)]

    def box(self, value: object, key: str) -> Box:
        if not isinstance(value, list) or len(value) != 4:
            self.fail(key, "[left, top, right, bottom] as fractions of the canvas", value)
        left, top, right, bottom = (self.fraction(v, f"{key}[{i}]") for i, v in enumerate(value))
        if left >= right or top >= bottom:
            self.fail(key, "left < right and top < bottom", value)
        return Box(left, top, right, bottom)
