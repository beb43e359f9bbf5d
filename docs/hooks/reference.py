"""MkDocs hook: reference tables made from the code, where a page has a line
`<!-- reference: NAME -->` (platforms, config-keys, layout-keys, cli, public-api).

The platform presets, the loaders' key tables (the ones the JSON Schemas in docs/schema/ are
made from) and the commands' own --help are read at build time, so a page cannot say other than
what the code does.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mkdocs.exceptions import PluginError

MARKER = re.compile(r"^<!--\s*reference:\s*([\w-]+)\s*-->[ \t]*$", re.MULTILINE)
MB = 1024 * 1024


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    if "reference:" not in markdown:
        return markdown
    makers = _makers()

    def table(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in makers:
            raise PluginError(f"{page.file.src_path}: no reference named {name!r} (have: {', '.join(makers)})")
        return makers[name]()

    return MARKER.sub(table, markdown)


def _makers() -> dict[str, Callable[[], str]]:
    # Imported here, not at the top: MkDocs loads this file for every build, quotecards' pages or not.
    from quotecards import config
    from quotecards.draw import layout

    return {
        "platforms": platforms,
        "config-keys": lambda: key_tables(config.TABLES, config.json_schema()["$defs"]),
        "layout-keys": lambda: key_tables(layout.TABLES, layout.json_schema()["$defs"]),
        "cli": cli,
        "public-api": public_api,
    }


# --- the public API --------------------------------------------------------------------------

def public_api() -> str:
    import inspect

    import quotecards

    rows = []
    for name in quotecards.__all__:
        if name == "__version__":
            continue
        value = getattr(quotecards, name)
        doc = inspect.getdoc(value) if callable(value) else None
        first = (doc or "").split("\n\n")[0].replace("\n", " ")
        if isinstance(value, dict):  # a table of the library's own, named by its keys
            first = "by name: " + ", ".join(f"`{key}`" for key in value)
        kind = "class" if inspect.isclass(value) else "function" if callable(value) else type(value).__name__
        rows.append((f"`{name}`", kind, cell(first)))
    return markdown_table(("name", "kind", "what it is"), rows)


# --- platforms ---------------------------------------------------------------------------------

def platforms() -> str:
    from quotecards.draw.platforms import PLATFORMS

    rows = [(f"`{p.name}`", f"{p.width}×{p.height}", byte_limit(p.max_bytes), safe_area(p.safe), cell(p.description))
            for p in PLATFORMS.values()]
    return markdown_table(("preset", "canvas", "byte limit", "safe area (kept clear of text)", "what it is"), rows)


def byte_limit(size: int) -> str:
    return f"{size // MB} MB" if size % MB == 0 else f"{size:,} bytes"


def safe_area(safe: tuple[int, int, int, int]) -> str:
    if not any(safe):
        return "whole canvas"
    sides = zip(("top", "right", "bottom", "left"), safe)
    return "keep clear: " + ", ".join(f"{side} {px}" for side, px in sides if px) + " px"


# --- the keys of quotecards.toml and of layout files -------------------------------------------

def key_tables(tables: Mapping[str, Iterable[Any]], definitions: Mapping[str, Any]) -> str:
    """One table per TOML table: each key's name, type, default and meaning."""
    parts = []
    for caption, keys in tables.items():
        rows = [(key_cell(key.name, key.schema, definitions, top=not caption), cell(describe(key.schema, definitions)),
                 default_cell(key.default), cell(key.meaning + (" (required)" if key.required else "")))
                for key in keys]
        parts.append(f"**{f'`{caption}`' if caption else 'Top level'}**\n\n"
                     + markdown_table(("key", "type", "default", "meaning"), rows))
    return "\n\n".join(parts)


def resolve(schema: Mapping[str, Any], definitions: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    return resolve(definitions[ref.rsplit("/", 1)[-1]], definitions) if ref else schema


def key_cell(name: str, schema: Mapping[str, Any], definitions: Mapping[str, Any], top: bool) -> str:
    """`name`, or as TOML writes a table (`[name]`) or a list of them (`[[name]]`) at the top."""
    value = resolve(schema, definitions)
    items = resolve(value.get("items", {}), definitions)
    if top and value.get("type") == "object":
        return f"`[{name}]`"
    if top and value.get("type") == "array" and ("oneOf" in items or items.get("type") == "object"):
        return f"`[[{name}]]`"
    return f"`{name}`"


def describe(schema: Mapping[str, Any], definitions: Mapping[str, Any]) -> str:
    """What a value is, in a few words: the schema's own title where it has one."""
    schema = resolve(schema, definitions) if "title" not in schema else schema
    if "title" in schema:
        return str(schema["title"])
    if "const" in schema:
        return f"`{toml(schema['const'])}`"
    if "enum" in schema:
        return " or ".join(", ".join(f"`{toml(v)}`" for v in schema["enum"]).rsplit(", ", 1))
    for combined in ("anyOf", "oneOf"):
        if combined in schema:
            return " or ".join(describe(s, definitions) for s in schema[combined])
    return _TYPES.get(schema.get("type"), lambda s, d: "any value")(schema, definitions)


def _number(schema: Mapping[str, Any], definitions: Mapping[str, Any]) -> str:
    kind = "whole number" if schema["type"] == "integer" else "number"
    if "minimum" in schema and "maximum" in schema:
        return f"{kind} from {schema['minimum']:g} to {schema['maximum']:g}"
    if "minimum" in schema:
        return f"{kind}, at least {schema['minimum']:g}"
    return kind


_TYPES: dict[Any, Callable[[Mapping[str, Any], Mapping[str, Any]], str]] = {
    "boolean": lambda s, d: "true or false",
    "string": lambda s, d: "string",
    "number": _number,
    "integer": _number,
    "object": lambda s, d: "table",
    "array": lambda s, d: f"list of {describe(s.get('items', {}), d)}",
}


def toml(value: object) -> str:
    """A value as a TOML file writes it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def default_cell(default: object) -> str:
    return "" if default is None or default == {} else f"`{toml(default)}`"


# --- the commands ------------------------------------------------------------------------------

def cli() -> str:
    from click.testing import CliRunner

    from quotecards.cli import main

    def usage(*args: str) -> str:
        done = CliRunner().invoke(main, [*args, "--help"], prog_name="quotecards", terminal_width=100)
        if done.exit_code != 0:
            raise PluginError(f"quotecards {' '.join(args)} --help failed: {done.output}")
        return f"```text\n{done.output.rstrip()}\n```"

    sections = [usage()] + [f"## quotecards {name}\n\n{usage(name)}" for name in main.commands]
    return "\n\n".join(sections)


# --- Markdown ----------------------------------------------------------------------------------

def cell(text: str) -> str:
    """Free text in a table cell: no raw HTML (`<name>`), no column break."""
    return html.escape(text, quote=False).replace("|", "\\|")


def markdown_table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
