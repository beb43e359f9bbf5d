"""DIR/manifest.json: every card in a folder and every post that failed, in one file.

`write` is the only writer: a `render` run merges its records into what the folder had
(`merge`), a build writes its whole state at each checkpoint. Written whole and renamed into
place, so a reader never sees half of one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .. import files

__all__ = ["FILE", "merge", "read", "write"]

FILE = "manifest.json"


def write(folder: Path, cards: Iterable[dict[str, Any]], errors: list[dict[str, Any]], name: str = FILE,
          about: dict[str, Any] | None = None) -> Path:
    """The manifest, or a shard's part of one (`name`, with `about` the settings and shard it was made with).

    `cards` may be a stream (a build's state, read a post at a time): the text is what
    json.dumps(indent=2) makes of the whole, written a record at a time."""
    path = folder / name
    files.write_atomic_text(path, _pieces(cards, errors, about or {}))
    return path


def _pieces(cards: Iterable[dict[str, Any]], errors: list[dict[str, Any]], about: dict[str, Any]) -> Iterator[str]:
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    yield "{"
    for key, value in about.items():
        yield f"\n  {encoder.encode(key)}: {_nested(encoder.encode(value), 1)},"
    yield '\n  "cards": ['
    count = 0
    for count, card in enumerate(cards, 1):
        # Strings in JSON hold no raw line breaks: every one in the text is the encoder's own.
        yield ("\n    " if count == 1 else ",\n    ") + _nested(encoder.encode(card), 2)
    yield "\n  ]," if count else "],"
    yield f'\n  "errors": {_nested(encoder.encode(errors), 1)}\n}}\n'


def _nested(text: str, depth: int) -> str:
    return text.replace("\n", "\n" + "  " * depth)


def merge(folder: Path, cards: list[dict[str, Any]], errors: list[dict[str, Any]]) -> Path:
    """Write this run's records, keeping earlier runs' records of posts it did not touch (whose card is still there)."""
    touched_posts = {c["post"] for c in cards} | {e["post"] for e in errors}
    touched_paths = {c["path"] for c in cards}
    old = read(folder)
    kept_cards = [c for c in old["cards"] if isinstance(c, dict) and c.get("post") not in touched_posts
                  and c.get("path") not in touched_paths and (folder / str(c.get("path"))).is_file()]
    kept_errors = [e for e in old["errors"] if isinstance(e, dict) and e.get("post") not in touched_posts]
    return write(folder, kept_cards + cards, kept_errors + errors)


def read(folder: Path, name: str = FILE) -> dict[str, list[Any]]:
    """The folder's manifest (or a part); empty lists where it has none or it cannot be read."""
    data = files.read_json_object(folder / name)
    cards, errors = data.get("cards"), data.get("errors")
    return {"cards": cards if isinstance(cards, list) else [], "errors": errors if isinstance(errors, list) else []}
