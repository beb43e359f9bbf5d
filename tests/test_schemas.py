"""The JSON Schemas of quotecards.toml and of layout files (docs/schema/), for editors.

They are made from the loaders' own key tables: the committed files are what the code makes
(`python tests/test_schemas.py` rewrites them), every bundled file passes them, and the loaders
and the schemas agree on what is wrong — and on what is unusual but right. What only a loader
can tell (a file that must exist, an installed font, min <= max) is listed as such."""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from PIL import Image

from quotecards import config, tables
from quotecards.config import ConfigError, SiteConfig, load_config
from quotecards.draw import layout
from quotecards.draw.layout import LayoutError, load_layout

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schema"
MADE: dict[str, Callable[[], dict[str, Any]]] = {"quotecards.schema.json": config.json_schema,
                                                 "layout.schema.json": layout.json_schema}
CONFIG = Draft202012Validator(config.json_schema())
LAYOUT = Draft202012Validator(layout.json_schema())
DELETE = object()


def rendered(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas() -> None:
    for name, make in MADE.items():
        (SCHEMAS / name).write_text(rendered(make()), encoding="utf-8")


# --- TOML documents as data, written out: a case is a change at a dotted path ---------------

def toml_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON's strings, numbers, booleans and arrays are TOML's too


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    lines = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in data.items() if not is_table(v) and not is_tables(v)]
    for key, value in data.items():
        if is_table(value):
            lines += [f"[{prefix}{key}]", to_toml(value, f"{prefix}{key}.")]
        elif is_tables(value):
            for item in value:
                lines += [f"[[{prefix}{key}]]", to_toml(item, f"{prefix}{key}.")]
    return "\n".join(lines) + "\n"


def is_table(value: object) -> bool:
    return isinstance(value, dict)


def is_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def changed(data: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """`data` with the value at `path` (`layer.3.size`, list items by number) set, or deleted."""
    out = copy.deepcopy(data)
    *parents, last = path.split(".")
    node: Any = out
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node.setdefault(step, {})
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return out


def changes(data: dict[str, Any], *edits: tuple[str, object]) -> dict[str, Any]:
    for path, value in edits:
        data = changed(data, path, value)
    return data


def present(data: dict[str, Any], path: str) -> bool:
    node: Any = data
    for step in path.split("."):
        if isinstance(node, list):
            node = node[int(step)]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return False
    return True


def loader_key(path: str) -> str:
    """A dotted path as a loader's error names it: `layer.3.size` → `layer[3].size`."""
    return re.sub(r"\.(\d+)", r"[\1]", path)


# --- A layout with one layer of each kind --------------------------------------------------------

BASE_LAYOUT: dict[str, Any] = {
    "name": "mine",
    "colors": {"accent": "#f4b942"},
    "background": {"fallback": ["#102030", "accent"], "scrim_opacity": [0.2, 0.8]},
    "layer": [
        {"kind": "photo", "box": [0.0, 0.0, 0.4, 1.0], "bleed": True},
        {"kind": "rect", "box": [0.4, 0.0, 1.0, 1.0], "color": "accent"},
        {"kind": "image", "file": "paper.png", "box": [0.0, 0.0, 1.0, 1.0]},
        {"kind": "text", "text": "quote", "box": [0.5, 0.1, 0.9, 0.7], "font": "Inter", "size": [0.03, 0.1]},
        {"kind": "brand", "box": [0.5, 0.8, 0.9, 0.9], "font": "Inter"},
    ],
}
LAYER_AT = {layer["kind"]: i for i, layer in enumerate(BASE_LAYOUT["layer"])}
TEXT, PHOTO = f"layer.{LAYER_AT['text']}", f"layer.{LAYER_AT['photo']}"

BASE_CONFIG: dict[str, Any] = {"site_name": "The Sample Times", "colors": {"accent": "#ffb703"},
                               "sections": {"business": "band"}}


def layout_file(folder: Path, data: dict[str, Any]) -> Path:
    if not (folder / "paper.png").exists():
        Image.new("RGBA", (8, 8), (200, 190, 170, 255)).save(folder / "paper.png")
    path = folder / "mine.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    return path


def loads_layout(folder: Path, data: dict[str, Any]) -> layout.Layout:
    return load_layout(layout_file(folder, data))


def loads_config(folder: Path, data: dict[str, Any]) -> SiteConfig:
    import tomllib

    path = folder / "quotecards.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    return load_config(path, tomllib.loads(path.read_text("utf-8")))


def schema_takes(validator: Draft202012Validator, data: dict[str, Any]) -> bool:
    import tomllib

    return validator.is_valid(tomllib.loads(to_toml(data)))  # as an editor sees the file, not the Python data


# --- The committed files -------------------------------------------------------------------------

@pytest.mark.parametrize("name", MADE)
def test_the_committed_schemas_are_what_the_code_makes(name):
    committed = (SCHEMAS / name).read_text("utf-8")
    assert committed == rendered(MADE[name]()), f"docs/schema/{name} is stale: run python tests/test_schemas.py"


def refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


@pytest.mark.parametrize("name", MADE)
def test_the_schemas_are_draft_2020_12_and_refer_to_nothing_outside(name):
    schema = MADE[name]()
    assert schema["$schema"] == tables.DIALECT
    Draft202012Validator.check_schema(schema)
    assert refs(schema) and all(ref.startswith("#/$defs/") and ref[8:] in schema["$defs"] for ref in refs(schema))


@pytest.mark.parametrize("path", sorted((ROOT / "layouts").glob("*.toml")), ids=lambda p: p.name)
def test_every_bundled_layout_passes_the_schema_and_the_loader(path):
    import tomllib

    errors = [error.message for error in LAYOUT.iter_errors(tomllib.loads(path.read_text("utf-8")))]
    assert not errors, errors
    load_layout(path)


def test_the_sample_config_passes_the_schema_and_the_loader():
    import tomllib

    path = ROOT / "samples" / "quotecards.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    assert not [error.message for error in CONFIG.iter_errors(data)]
    load_config(path, data)


def test_the_bases_here_pass_both(tmp_path):
    assert schema_takes(LAYOUT, BASE_LAYOUT) and schema_takes(CONFIG, BASE_CONFIG)
    assert len(loads_layout(tmp_path, BASE_LAYOUT).layers) == len(layout.LAYER_KINDS)
    loads_config(tmp_path, BASE_CONFIG)


# --- Mistakes: the loader names the key, the schema rejects the file -----------------------------

BAD_LAYOUTS = [  # id, (path, value)…, the key the loader names
    ("unknown top-level key", [("author", "me")], "author"),
    ("unknown key in [background]", [("background.scrim_colour", "#000000")], "background.scrim_colour"),
    ("unknown key in [compose]", [("compose.width", 0.5)], "compose.width"),
    ("another kind's key in a layer", [(f"{PHOTO}.fit", "cover")], f"{PHOTO}.fit"),
    ("unknown key in [portrait]", [("portrait", {"bleed": True, "layer": [BASE_LAYOUT["layer"][0]]})], "portrait.bleed"),
    ("unknown layer kind", [(f"{PHOTO}.kind", "video")], f"{PHOTO}.kind"),
    ("a layer without a kind", [(f"{PHOTO}.kind", DELETE)], f"{PHOTO}.kind"),
    ("no layers", [("layer", [])], "layer"),
    ("no background", [("background", DELETE)], "background"),
    ("no fallback gradient", [("background.fallback", DELETE)], "background.fallback"),
    ("a layer without a box", [(f"{PHOTO}.box", DELETE)], f"{PHOTO}.box"),
    ("a text layer without a font", [(f"{TEXT}.font", DELETE)], f"{TEXT}.font"),
    ("a text layer without text", [(f"{TEXT}.text", DELETE)], f"{TEXT}.text"),
    ("an empty literal and no text", [(f"{TEXT}.text", DELETE), (f"{TEXT}.literal", "")], f"{TEXT}.text"),
    ("wrong type: a string for true/false", [(f"{PHOTO}.bleed", "yes")], f"{PHOTO}.bleed"),
    ("wrong type: a number for a name", [("name", 3)], "name"),
    ("wrong type: a number for a size range", [(f"{TEXT}.size", 0.1)], f"{TEXT}.size"),
    ("wrong type: a literal that is not text", [(f"{TEXT}.literal", False)], f"{TEXT}.literal"),
    ("wrong type: true for a number", [(f"{TEXT}.line_height", True)], f"{TEXT}.line_height"),
    ("a size range of three", [(f"{TEXT}.size", [0.03, 0.05, 0.1])], f"{TEXT}.size"),
    ("out of range: line height", [(f"{TEXT}.line_height", 5)], f"{TEXT}.line_height"),
    ("out of range: contrast", [("background.min_contrast", 30)], "background.min_contrast"),
    ("out of range: weight", [(f"{TEXT}.weight", 50)], f"{TEXT}.weight"),
    ("out of range: grow", [(f"{TEXT}.grow", 0.5)], f"{TEXT}.grow"),
    ("out of range: text width", [("compose.text_width", 0.2)], "compose.text_width"),
    ("out of range: opacity", [(f"layer.{LAYER_AT['image']}.opacity", 1.5)], f"layer.{LAYER_AT['image']}.opacity"),
    ("out of range: a box edge", [(f"{PHOTO}.box", [0.0, 0.0, 1.2, 1.0])], f"{PHOTO}.box[2]"),
    ("out of range: a size of 0", [(f"{TEXT}.size", [0, 0.1])], f"{TEXT}.size"),
    ("out of range: no lines", [(f"{TEXT}.max_lines", 0)], f"{TEXT}.max_lines"),
    ("a bad colour in [colors]", [("colors.accent", "gold")], "colors.accent"),
    ("a colour of five digits", [(f"layer.{LAYER_AT['rect']}.color", "#12345")], f"layer.{LAYER_AT['rect']}.color"),
    ("a colour of bad digits", [("background.scrim", "#ggg")], "background.scrim"),
    ("an unknown card field", [(f"{TEXT}.text", "body")], f"{TEXT}.text"),
    ("an unknown field in a template", [(f"{TEXT}.text", "{reading_time}")], f"{TEXT}.text"),
    ("a template's field with a conversion", [(f"{TEXT}.text", "By {author!r}")], f"{TEXT}.text"),
    ("a template's field with a format", [(f"{TEXT}.fallback", "{date:>10}")], f"{TEXT}.fallback"),
    ("a template's field with a two-billion-wide format", [(f"{TEXT}.text", "{author:>2147483648}")], f"{TEXT}.text"),
    ("a template's field with an empty format", [(f"{TEXT}.text", "By {author:}")], f"{TEXT}.text"),
    ("a control character in a literal", [(f"{TEXT}.literal", "\u0007")], f"{TEXT}.literal"),
    ("a C1 control in a template", [(f"{TEXT}.text", "{author}\u0085")], f"{TEXT}.text"),
    ("a literal too long", [(f"{TEXT}.literal", "x" * 201)], f"{TEXT}.literal"),
    ("a template too long", [(f"{TEXT}.fallback", "-" * 195 + "{date}")], f"{TEXT}.fallback"),
    ("an unclosed template field", [(f"{TEXT}.text", "By {author")], f"{TEXT}.text"),
    ("a template of no field", [(f"{TEXT}.text", "{{author}}")], f"{TEXT}.text"),
    ("a choice not offered: valign", [(f"{TEXT}.valign", "middle")], f"{TEXT}.valign"),
    ("a choice not offered: align", [(f"{TEXT}.align", "right")], f"{TEXT}.align"),
    ("a choice not offered: fit", [(f"layer.{LAYER_AT['image']}.fit", "stretch")], f"layer.{LAYER_AT['image']}.fit"),
    ("a choice not offered: photo colour", [(f"layer.{LAYER_AT['rect']}.color_from_photo", "median")],
     f"layer.{LAYER_AT['rect']}.color_from_photo"),
    ("a group name with a space", [(f"{TEXT}.group", "two words")], f"{TEXT}.group"),
]


@pytest.mark.parametrize("edits, key", [(e, k) for _, e, k in BAD_LAYOUTS], ids=[i for i, _, _ in BAD_LAYOUTS])
def test_a_bad_layout_is_refused_by_the_loader_and_the_schema(tmp_path, edits, key):
    data = changes(BASE_LAYOUT, *edits)
    with pytest.raises(LayoutError) as caught:
        loads_layout(tmp_path, data)
    assert caught.value.field == loader_key(key) and "\n" not in str(caught.value)
    assert not schema_takes(LAYOUT, data)


BAD_CONFIGS = [
    ("unknown top-level key", [("layuot", "band")], "layuot"),
    ("unknown key in a platform's table", [("platforms.og.fmt", "png")], "platforms.og.fmt"),
    ("unknown platform", [("platforms.myspace.format", "png")], "platforms.myspace"),
    ("unknown card field", [("fields.headline", "title")], "fields.headline"),
    ("wrong type: a number for text", [("site_name", 3)], "site_name"),
    ("wrong type: a string for true/false", [("allow_shortening", "yes")], "allow_shortening"),
    ("wrong type: a string for a list", [("layout_dirs", "mine")], "layout_dirs"),
    ("wrong type: a number for a layout", [("sections.opinion", 3)], "sections"),
    ("wrong type: a string for a table", [("step_down", "photo")], "step_down"),
    ("wrong type: true for a number", [("max_bytes", True)], "max_bytes"),
    ("out of range: a budget", [("max_bytes", 999)], "max_bytes"),
    ("out of range: a platform's budget", [("platforms.bluesky.max_bytes", 10)], "platforms.bluesky.max_bytes"),
    ("a format not offered", [("format", "gif")], "format"),
    ("a platform's format not offered", [("platforms.bluesky.format", "bmp")], "platforms.bluesky.format"),
    ("a choice not offered: cards", [("cards", "some")], "cards"),
    ("a colour by name", [("colors.accent", "red")], "colors.accent"),
    ("a colour of five digits", [("colors.accent", "#12345")], "colors.accent"),
    ("a front-matter path with an empty step", [("fields.quote", "params..quote")], "fields.quote"),
    ("a front-matter path ending in a dot", [("fields.quote", ["params."])], "fields.quote"),
    ("no front-matter paths", [("fields.quote", [])], "fields.quote"),
    ("a layout name that is a path", [("headline_layout", "../x")], "headline_layout"),
    ("an absolute path for a layout", [("layout", "/etc/passwd")], "layout"),
    ("an empty layout name", [("no_image_layout", "")], "no_image_layout"),
    ("a path for the aside layout", [("photo_aside_layout", "..")], "photo_aside_layout"),
    ("a path as a section's layout", [("sections.opinion", "a/b")], "sections.opinion"),
    ("a path as a step down", [("step_down.band", "../long")], "step_down.band"),
    ("a path stepping down", [("step_down", {"../x": "long"})], "step_down.../x"),
    ("a control character in the site name", [("site_name", "The\u001b[31m Times")], "site_name"),
    ("a site name too long", [("site_name", "x" * 201)], "site_name"),
]


@pytest.mark.parametrize("edits, key", [(e, k) for _, e, k in BAD_CONFIGS], ids=[i for i, _, _ in BAD_CONFIGS])
def test_a_bad_config_is_refused_by_the_loader_and_the_schema(tmp_path, edits, key):
    data = changes(BASE_CONFIG, *edits)
    with pytest.raises(ConfigError) as caught:
        loads_config(tmp_path, data)
    assert caught.value.field == key and "\n" not in str(caught.value)
    assert not schema_takes(CONFIG, data)


# --- Unusual but right: both take it --------------------------------------------------------------

GOOD_LAYOUTS = [
    ("a layer list for landscape canvases", [("landscape", {"layer": [BASE_LAYOUT["layer"][0]]})]),
    ("every orientation", [(o, {"layer": BASE_LAYOUT["layer"]}) for o in ("landscape", "portrait", "square")]),
    ("colours as #rgb, #RRGGBB and #rrggbbaa", [("colors.accent", "#ABC"), ("background.scrim", "#0A0B0C"),
                                               (f"{TEXT}.color", "#ffffff80")]),
    ("a colour name with a space", [("colors.deep sea", "#001122"), (f"{TEXT}.color", "deep sea")]),
    ("an empty [colors]", [("colors", {}), ("background.fallback", ["#000", "#111"]),
                           (f"layer.{LAYER_AT['rect']}.color", "#222")]),
    ("whole numbers where numbers go", [(f"{PHOTO}.box", [0, 0, 1, 1]), (f"{TEXT}.grow", 4), (f"{TEXT}.weight", 350.5)]),
    ("the bounds themselves", [(f"{TEXT}.line_height", 0.6), ("background.min_contrast", 21), (f"{TEXT}.size", [1e-3, 1])]),
    ("a literal and no text", [(f"{TEXT}.text", DELETE), (f"{TEXT}.literal", "\u201c")]),
    ("a literal beside text", [(f"{TEXT}.literal", "\u00bb")]),
    ("a literal and a template at the longest", [(f"{TEXT}.literal", "\u201c" * 200),
                                                 (f"{TEXT}.fallback", "\u00b7" * 194 + "{date}")]),
    ("an empty literal beside text", [(f"{TEXT}.literal", "")]),
    ("a template with braces of its own", [(f"{TEXT}.text", "{{ {author} }} \u00b7 {date}")]),
    ("a template and a fallback template", [(f"{TEXT}.text", "By {author}, {date}"), (f"{TEXT}.fallback", "{date}")]),
    ("site_name as a field", [(f"{TEXT}.text", "site_name")]),
    ("an empty group, and a long one", [(f"{TEXT}.group", ""), (f"layer.{LAYER_AT['rect']}.group", "g" * 32)]),
    ("an empty description", [("description", "")]),
    ("no name: the file's", [("name", DELETE)]),
    ("[compose] as it is by default", [("compose.text_width", 1)]),
    ("a photo colour for a field", [(f"layer.{LAYER_AT['rect']}.color_from_photo", "dominant"),
                                    (f"layer.{LAYER_AT['rect']}.contrast_with", "#000")]),
]


@pytest.mark.parametrize("edits", [e for _, e in GOOD_LAYOUTS], ids=[i for i, _ in GOOD_LAYOUTS])
def test_an_unusual_layout_is_taken_by_the_loader_and_the_schema(tmp_path, edits):
    data = changes(BASE_LAYOUT, *edits)
    loads_layout(tmp_path, data)
    assert schema_takes(LAYOUT, data), [e.message for e in LAYOUT.iter_errors(data)]


GOOD_CONFIGS = [
    ("quote cards only, never a photo aside", [("cards", "quotes"), ("photo_aside_layout", "")]),
    ("a language with an underscore", [("lang", "pt_BR")]),
    ("a list of paths, with list items", [("fields.quote", ["params.quote", "extra[0].text", "[1]"])]),
    ("a platform at the smallest budget", [("platforms.bluesky.max_bytes", 1000), ("format", "auto")]),
    ("a platform's format alone", [("platforms.og.format", "webp")]),
    ("colours as #RGB and #rrggbbaa", [("colors.accent", "#ABC"), ("colors.field", "#00112233")]),
    ("a section with a space and capitals", [("sections.Opinion Pieces", "brand")]),
    ("a step down of its own", [("step_down.band", "long")]),
    ("a layout folder not made yet", [("layout_dirs", ["not-yet"])]),
    ("a site name at the longest, with joiners", [("site_name", "\u0627\u200d" * 100)]),
    ("every table empty", [("colors", {}), ("sections", {}), ("fields", {}), ("platforms", {})]),
]


@pytest.mark.parametrize("edits", [e for _, e in GOOD_CONFIGS], ids=[i for i, _ in GOOD_CONFIGS])
def test_an_unusual_config_is_taken_by_the_loader_and_the_schema(tmp_path, edits):
    data = changes(BASE_CONFIG, *edits)
    loads_config(tmp_path, data)
    assert schema_takes(CONFIG, data), [e.message for e in CONFIG.iter_errors(data)]


# --- What only the loader can tell ------------------------------------------------------------

LOADER_ONLY = [  # the schema takes these; the loader, which sees more, does not
    ("layout", "a colour name nothing defines", [(f"{TEXT}.color", "gold")], f"{TEXT}.color"),
    ("layout", "a size range upside down", [(f"{TEXT}.size", [0.1, 0.03])], f"{TEXT}.size"),
    ("layout", "a box inside out", [(f"{PHOTO}.box", [0.9, 0.0, 0.1, 1.0])], f"{PHOTO}.box"),
    ("layout", "a font not installed", [(f"{TEXT}.font", "No Such Family Anywhere")], f"{TEXT}.font"),
    ("layout", "a picture that is not there", [(f"layer.{LAYER_AT['image']}.file", "missing.png")],
     f"layer.{LAYER_AT['image']}.file"),
    ("layout", "a whole number written 2.0 (JSON has one kind of number)", [(f"{TEXT}.max_lines", 2.0)],
     f"{TEXT}.max_lines"),
    ("config", "a logo that is not there", [("logo", "missing.png")], "logo"),
    ("config", "a layout no folder has", [("sections.opinion", "nope")], "sections.opinion"),
    ("config", "a step down from a layout no folder has", [("step_down.house", "long")], "step_down.house"),
    ("config", "a font folder that is not there", [("font_dirs", ["nope"])], "font_dirs"),
    ("config", "a budget written 2000.0", [("max_bytes", 2000.0)], "max_bytes"),
]


@pytest.mark.parametrize("which, edits, key", [(w, e, k) for w, _, e, k in LOADER_ONLY],
                         ids=[i for _, i, _, _ in LOADER_ONLY])
def test_what_only_the_loader_can_tell(tmp_path, which, edits, key):
    base, validator, load, error = ((BASE_LAYOUT, LAYOUT, loads_layout, LayoutError) if which == "layout"
                                    else (BASE_CONFIG, CONFIG, loads_config, ConfigError))
    data = changes(base, *edits)
    assert schema_takes(validator, data)
    with pytest.raises(error) as caught:
        load(tmp_path, data)
    assert caught.value.field == loader_key(key)


# --- Every default and every bound, read off the key tables --------------------------------------

def layout_locations() -> list[tuple[str, tables.Key]]:
    """Where each key with a default or a bound sits in BASE_LAYOUT."""
    located = [(f"background.{k.name}", k) for k in layout.BACKGROUND_KEYS]
    located += [(f"compose.{k.name}", k) for k in layout.COMPOSE_KEYS]
    located += [(f"layer.{LAYER_AT[kind]}.{k.name}", k) for kind, cls in layout.LAYER_KINDS.items() for k in cls.keys]
    return located + [(k.name, k) for k in layout.KEYS]


def config_locations() -> list[tuple[str, tables.Key]]:
    return [(k.name, k) for k in config.KEYS] + [(f"platforms.og.{k.name}", k) for k in config.PLATFORM_KEYS]


def test_a_layout_with_every_default_written_out_is_the_same_layout(tmp_path):
    written = [(path, key.default) for path, key in layout_locations()
               if key.default is not None and not present(BASE_LAYOUT, path)]
    assert len(written) > 20
    assert loads_layout(tmp_path, changes(BASE_LAYOUT, *written)) == loads_layout(tmp_path, BASE_LAYOUT)


def test_a_config_with_every_default_written_out_is_the_config_of_no_file(tmp_path):
    written = [(path, key.default) for path, key in config_locations() if key.default is not None]
    assert {path for path, _ in written} >= {"layout", "format", "cards", "step_down", "allow_shortening"}
    path = tmp_path / "quotecards.toml"
    assert loads_config(tmp_path, dict(changes({}, *written))) == SiteConfig(path=path)
    assert loads_config(tmp_path, {}) == SiteConfig(path=path)


def bounded(locations: list[tuple[str, tables.Key]]) -> list[tuple[str, float, float]]:
    """Each numeric key's place, a value on its bound and one just past it."""
    cases = []
    for path, key in locations:
        step = 1 if key.schema.get("type") == "integer" else 0.01
        if "minimum" in key.schema:
            cases.append((path, key.schema["minimum"], key.schema["minimum"] - step))
        if "maximum" in key.schema:
            cases.append((path, key.schema["maximum"], key.schema["maximum"] + step))
    return cases


BOUNDS = [("layout", *case) for case in bounded(layout_locations())] + [
    ("config", *case) for case in bounded(config_locations())]


@pytest.mark.parametrize("which, path, edge, past", BOUNDS, ids=[f"{w}:{p}={e}" for w, p, e, _ in BOUNDS])
def test_every_bound_is_the_loaders_and_the_schemas(tmp_path, which, path, edge, past):
    base, validator, load, error = ((BASE_LAYOUT, LAYOUT, loads_layout, LayoutError) if which == "layout"
                                    else (BASE_CONFIG, CONFIG, loads_config, ConfigError))
    on_it = changed(base, path, edge)
    load(tmp_path, on_it)
    assert schema_takes(validator, on_it)
    beyond = changed(base, path, past)
    with pytest.raises(error):
        load(tmp_path, beyond)
    assert not schema_takes(validator, beyond)


if __name__ == "__main__":
    write_schemas()
    print(f"wrote {', '.join(MADE)} in {SCHEMAS.relative_to(ROOT)}", file=sys.stderr)
