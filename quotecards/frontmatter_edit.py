"""Add an `images:` entry to a post's front matter, changing no other byte of the file.

python-frontmatter would re-serialise the whole block (sorting keys, reflowing folded text),
so the entry is inserted as one line of text, in the post's own format and line endings, and
the result is read back to prove that the entry is there and every other field is as it was
before the file is replaced (atomically). A one-line entry we wrote before is replaced; a value
the post's author wrote is left alone ("own").
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from . import export
from .errors import PostError
from .frontmatter_read import front_matter

class EditError(Exception):
    pass


def set_image(path: Path, url: str) -> str:
    """Make `url` the post's only `images:` entry. Returns "added", "updated", "kept" or "own"."""
    def ours(value: Any) -> bool:
        return (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
                and bool(re.match(r"^[a-z-]+/[^/]+\.png(\?v=[0-9a-f]+)?$", value[0])))
    return _set(path, "images", [url], ours)


def set_quotecard(path: Path, layout: str | None, focal_point: tuple[float, float] | None) -> str:
    """Set the post's `quotecard: {layout, focal_point}` (the live preview's "save")."""
    value: dict[str, Any] = {}
    if layout:
        value["layout"] = layout
    if focal_point:
        value["focal_point"] = [round(focal_point[0], 3), round(focal_point[1], 3)]
    def ours(current: Any) -> bool:
        return isinstance(current, dict) and set(current) <= {"layout", "focal_point"}
    return _set(path, "quotecard", value, ours)


def _set(path: Path, key: str, value: Any, ours: Callable[[Any], bool]) -> str:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    before = front_matter(path, text)
    current = before.get(key)
    if current == value:
        return "kept"
    replacing = current is not None
    if replacing and not ours(current):
        return "own"
    edited = text
    if replacing:
        edited, count = _line_of(key).subn("", text, count=1)
        if count != 1:  # written by hand over several lines: not ours to rewrite
            return "own"
    edited = _insert(edited, key, value, newline)
    try:
        after = front_matter(path, edited)
    except PostError as exc:
        raise EditError(f"{path}: {key}: the edited front matter does not read back ({exc})") from None
    expected = {**{k: v for k, v in before.items() if k != key}, key: value}
    if after != expected:
        raise EditError(f"{path}: {key}: the edit would change other fields; file left as it was")
    data = (b"\xef\xbb\xbf" if bom else b"") + edited.encode("utf-8")
    mode = path.stat().st_mode
    export.write_atomic(path, data)
    os.chmod(path, mode)
    return "updated" if replacing else "added"


def _line_of(key: str) -> re.Pattern[str]:
    """A one-line entry for `key` in any of the three formats, with its line ending."""
    return re.compile(rf'^[ \t]*"?{key}"?[ \t]*[:=][ \t]*[\[{{][^\r\n]*[\]}}],?[ \t]*\r?\n', re.MULTILINE)


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _insert(text: str, key: str, value: Any, newline: str) -> str:
    head = text.lstrip()
    lead = text[: len(text) - len(head)]
    flow = json.dumps(value, ensure_ascii=False)  # JSON is YAML's flow style too
    if head.startswith("---"):
        # Before the closing delimiter, so it is the block's last key and nothing moves.
        match = re.compile(r"^---[ \t]*$", re.MULTILINE).search(head, 3)
        if not match:
            raise EditError("no closing --- in the front matter")
        return lead + head[: match.start()] + f"{key}: {flow}{newline}" + head[match.start():]
    if head.startswith("+++"):
        # Straight after the opening delimiter: a top-level key must come before any [table].
        end = head.index("\n") + 1
        return lead + head[:end] + f"{key} = {_toml(value)}{newline}" + head[end:]
    if head.startswith("{"):
        return lead + "{" + f"{newline}  \"{key}\": {flow}," + head[1:]
    raise EditError("no front matter")
