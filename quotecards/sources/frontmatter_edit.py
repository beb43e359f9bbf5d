"""Add an `images:` entry to a post's front matter, changing no other byte of the file.

python-frontmatter would re-serialise the whole block (sorting keys, reflowing folded text),
so the entry is inserted as one line of text, inside the front matter and nowhere else, in the
post's own format and line endings. Before the file is replaced the result is checked twice:
it reads back with the entry there and every other field as it was, and, line by line, it is
the old file with one line added (and our own old entry's line taken out). A one-line entry we
wrote before is replaced; a value the post's author wrote is left alone ("own").

The file keeps its mode, owner and hard links, and is not written at all if it changed since it
was read.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import files
from ..errors import PostError
from ..formats import EXTENSIONS
from .fields import OWN_CARDS
from .frontmatter import front_matter

__all__ = ["EditError", "set_image", "set_jekyll_image", "set_quotecard"]


class EditError(Exception):
    """The post was not edited; `str()` is one line naming the file and the field."""

    def __init__(self, path: Path, field: str, message: str):
        super().__init__(f"{path}: {field}: {message}")


def set_image(path: Path, url: str) -> str:
    """Make `url` the post's only `images:` entry. Returns "added", "updated", "kept" or "own"."""
    card = re.compile(rf"^[a-z-]+/[^/]+\.({'|'.join(EXTENSIONS)})(\?v=[0-9a-f]+)?$")

    def ours(value: Any) -> bool:
        return (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
                and bool(card.match(value[0])))
    return _set(path, "images", [url], ours)


def set_jekyll_image(path: Path, url: str) -> str:
    """Make `url` (a card under /assets/quotecards/) the post's `image:`, which jekyll-seo-tag reads.
    Returns "added", "updated", "kept" or "own" (the post's own image, left alone)."""
    return _set(path, "image", url, lambda value: isinstance(value, str) and value.startswith(OWN_CARDS))


def set_quotecard(path: Path, layout: str | None, focal_point: tuple[float, float] | None,
                  quote: str | None = None) -> str:
    """Set the post's `quotecard: {layout, focal_point, quote}` (the live preview's "save"; the
    quote is the post's card quote, a shorter cut of a long featured one)."""
    value: dict[str, Any] = {}
    if layout:
        value["layout"] = layout
    if focal_point:
        value["focal_point"] = [round(focal_point[0], 3), round(focal_point[1], 3)]
    if quote:
        value["quote"] = quote

    def ours(current: Any) -> bool:
        return isinstance(current, dict) and set(current) <= {"layout", "focal_point", "quote"}
    return _set(path, "quotecard", value, ours)


def _set(path: Path, key: str, value: Any, ours: Callable[[Any], bool]) -> str:
    real = path.resolve()  # a linked post is edited where it lives; the link stays a link
    try:
        raw = real.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except OSError as exc:
        raise EditError(path, key, f"cannot read the post ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise EditError(path, key, "the post is not UTF-8 text; not edited") from None
    # A file with only CRs (classic Mac) is edited as LF text and its CRs are put back.
    cr_only = "\r" in text and "\n" not in text
    work = text.replace("\r", "\n") if cr_only else text
    try:
        before = front_matter(path, work)
    except PostError as exc:
        raise EditError(path, key, f"the front matter does not read ({exc.message}); not edited") from None
    current = before.get(key)
    if current == value:
        return "kept"
    # `images:` with nothing after it (or [], "", ~) is a key without a value: filled in, not doubled.
    empty = key in before and current in (None, [], "", {})
    replacing = current is not None or empty
    if replacing and not empty and not ours(current):
        return "own"
    edited = _edit(path, work, key, value, replacing, empty)
    if edited is None:  # written by hand over several lines: not ours to rewrite
        return "own"
    _check(path, key, work, edited, {**{k: v for k, v in before.items() if k != key}, key: value})
    if cr_only:
        edited = edited.replace("\n", "\r")
    _replace(path, real, raw, (b"\xef\xbb\xbf" if bom else b"") + edited.encode("utf-8"))
    return "updated" if replacing else "added"


def _edit(path: Path, text: str, key: str, value: Any, replacing: bool, empty: bool = False) -> str | None:
    """`text` with the entry set inside its front matter; None if the old entry is not one line."""
    start, end = _block(path, key, text)
    block = text[start:end]
    newline = "\r\n" if "\r\n" in block else "\n"
    if replacing:
        line = _top_level_line(block, key, empty)
        if line is None:
            return None
        block = block[:line.start()] + block[line.end():]
    return text[:start] + _insert(path, block, key, value, newline) + text[end:]


def _block(path: Path, key: str, text: str) -> tuple[int, int]:
    """Where the front matter is in `text`, delimiters included: edits stay inside it."""
    start = len(text) - len(text.lstrip())
    if text.startswith("{", start):
        _obj, length = json.JSONDecoder().raw_decode(text[start:])
        return start, start + length
    fence = re.escape(text[start:start + 1])  # --- or +++, as Hugo reads them
    closing = re.compile(rf"^{fence}{{3,}}[ \t]*\r?$", re.MULTILINE).search(text, text.find("\n", start) + 1)
    if text[start:start + 3] not in ("---", "+++") or closing is None or text.find("\n", start) < 0:
        raise EditError(path, key, "no closing delimiter in the front matter; not edited")
    return start, closing.end()


def _top_level_line(block: str, key: str, empty: bool = False) -> re.Match[str] | None:
    """The one-line entry for `key` at the front matter's top level: the least indented one
    (YAML and TOML put it at the margin), never a same-named key inside another table, as a
    gallery's own `images:` is."""
    lines = list(_line_of(key, empty).finditer(block))
    if not lines:
        return None
    return min(lines, key=lambda line: len(line.group()) - len(line.group().lstrip(" \t")))


def _line_of(key: str, empty: bool = False) -> re.Pattern[str]:
    """A one-line entry for `key` in any of the three formats, with its line ending: a list or
    table on one line, or a quoted text; for a key without a value, nothing (`images:`, `~`)."""
    value = r"""(?:[\[{][^\r\n]*[\]}]|"[^"\r\n]*"|'[^'\r\n]*'""" + (r"|~|null)?" if empty else ")")
    return re.compile(rf'^[ \t]*"?{key}"?[ \t]*[:=][ \t]*{value},?[ \t]*\r?\n', re.MULTILINE)


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _insert(path: Path, block: str, key: str, value: Any, newline: str) -> str:
    flow = json.dumps(value, ensure_ascii=False)  # JSON is YAML's flow style too
    if block.startswith("---"):
        # Before the closing delimiter, so it is the block's last key and nothing moves.
        closing = re.compile(r"^-{3,}[ \t]*\r?$", re.MULTILINE).search(block, block.index("\n") + 1)
        assert closing is not None  # _block found it
        return block[: closing.start()] + f"{key}: {flow}{newline}" + block[closing.start():]
    if block.startswith("+++"):
        # Straight after the opening delimiter: a top-level key must come before any [table].
        end = block.index("\n") + 1
        return block[:end] + f"{key} = {_toml(value)}{newline}" + block[end:]
    if block.startswith("{"):
        return "{" + f"{newline}  \"{key}\": {flow}," + block[1:]
    raise EditError(path, key, "no front matter; not edited")


def _check(path: Path, key: str, old: str, new: str, expected: dict[str, Any]) -> None:
    """The edit reads back as intended, and changed only the entry's line."""
    try:
        after = front_matter(path, new)
    except PostError as exc:
        raise EditError(path, key, f"the edited front matter does not read back ({exc.message}); "
                                   "file left as it was") from None
    if after != expected:
        raise EditError(path, key, "the edit would change other fields; file left as it was")
    changes = [op for op in difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True),
                                                     autojunk=False).get_opcodes() if op[0] != "equal"]
    sizes = sorted((i2 - i1, j2 - j1) for _tag, i1, i2, j1, j2 in changes)
    if sizes not in ([(0, 1)], [(0, 1), (1, 0)], [(1, 1)]):
        raise EditError(path, key, "the edit would change more than its own line; file left as it was")


def _replace(path: Path, real: Path, read: bytes, data: bytes) -> None:
    """Write `data` over `real` unless it changed since it was `read`, keeping mode, owner and links."""
    try:
        if real.read_bytes() != read:
            raise EditError(path, "file", "changed since quotecards read it; not edited (run again)")
        info = real.stat()
        if info.st_nlink == 1:
            try:
                files.write_atomic(real, data, like=info)
                return
            except PermissionError:
                pass  # the owner cannot be kept by a new file: written in place below
        # Renaming a new file into place would split a hard link from its twins, or give the
        # post to another owner: only a write in place keeps those.
        with open(real, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise EditError(path, "file", f"cannot write it ({exc.strerror or exc}); not edited") from None
