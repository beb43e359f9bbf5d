"""The keys a TOML table may hold, said once for every loader.

The site config and the layout files each list their tables' keys as `Key`s: a name, the JSON
Schema of its value, its default and one line for people. From those lists come the loaders'
"unknown key" errors, the JSON Schemas editors read (docs/schema/) and the docs' reference
tables, so a key a loader learns is known to the editors and the docs the same day.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import QuotecardsError

__all__ = ["CONTROL", "CONTROL_CHARS", "DIALECT", "HEX_COLOR", "LAYOUT_NAME", "Key", "check_keys", "control_in",
           "document", "first_unknown", "names", "plain_text", "table_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# A colour as every loader reads it; the schemas anchor it, since JSON Schema patterns search.
HEX_COLOR = r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})"
# A layout is asked for by name, never by path: a name must not reach another folder's files.
LAYOUT_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
# C0 and C1 controls (and DEL): nothing a card can show, and a terminal may obey them. Written so
# Python, JSON Schema's ECMA regexes and Taplo's Rust ones read it alike.
CONTROL_CHARS = r"\u0000-\u001f\u007f-\u009f"  # a character class's inside
CONTROL = f"[{CONTROL_CHARS}]"


@dataclass(frozen=True)
class Key:
    """One key of a table: the JSON Schema of its value, its default (None: it has none, as TOML
    has no null) and what it is for, in one line."""

    name: str
    schema: Mapping[str, Any]
    meaning: str
    default: object = None
    required: bool = False

    def json_schema(self) -> dict[str, Any]:
        described = {**self.schema, "description": self.meaning}
        if self.default is not None:
            described["default"] = self.default
        return described


def names(keys: Iterable[Key]) -> tuple[str, ...]:
    """The keys' names, in the order an error message lists them."""
    return tuple(sorted(key.name for key in keys))


def first_unknown(table: Mapping[str, object], allowed: Collection[str]) -> str | None:
    """The first key of `table` (in the file's order) that is not in `allowed`."""
    return next((name for name in table if name not in allowed), None)


def check_keys(table: Mapping[str, object], allowed: Sequence[str], error: type[QuotecardsError],
               path: Path | str, prefix: str = "", what: str = "key") -> None:
    """Raise `error` naming the first unknown key with its table's `prefix` (`background.`), and
    what the table takes instead, in `allowed`'s order."""
    name = first_unknown(table, allowed)
    if name is not None:
        raise error(path, f"{prefix}{name}", f"unknown {what} (expected one of {', '.join(allowed)})")


def control_in(text: str) -> str | None:
    """The first control character in `text`, named as U+0007, or None."""
    found = re.search(CONTROL, text)
    return f"U+{ord(found.group()):04X}" if found else None


def plain_text(max_length: int) -> dict[str, Any]:
    """The JSON Schema of text set on a card as written: no controls, at most `max_length` characters."""
    return {"type": "string", "maxLength": max_length, "pattern": f"^[^{CONTROL_CHARS}]*$"}


def table_schema(keys: Iterable[Key], description: str = "") -> dict[str, Any]:
    """The JSON Schema of a table that holds `keys` and no other."""
    keys = tuple(keys)
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = {key.name: key.json_schema() for key in keys}
    required = [key.name for key in keys if key.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def document(title: str, keys: Iterable[Key], definitions: Mapping[str, Any]) -> dict[str, Any]:
    """A whole file's JSON Schema: its top-level keys, and the definitions their `$ref`s name."""
    return {"$schema": DIALECT, "title": title, **table_schema(keys), "$defs": dict(definitions)}
