"""Add an `images:` entry to a post's front matter, changing no other byte of the file.

python-frontmatter would re-serialise the whole block (sorting keys, reflowing folded text),
so the entry is inserted as text, in the post's own format and line endings, and the result is
read back to prove that the entry is there and every other field is as it was before the file
is replaced (atomically). Posts that already carry their own `images` are left alone.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from . import export
from .post import PostError, front_matter

MARK = "quotecards"  # our entries are recognised by their path, so a re-run replaces them


class EditError(Exception):
    pass


def set_image(path: Path, url: str) -> str:
    """Make `url` the post's first `images:` entry. Returns "added", "updated", "kept" or "own"."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    before = front_matter(path, text)
    images = before.get("images")
    if images == [url]:
        return "kept"
    ours = isinstance(images, list) and len(images) == 1 and isinstance(images[0], str) and _is_ours(images[0])
    if images is not None and not ours:
        return "own"
    edited = _replace(text, newline) if ours else _insert(text, url, newline)
    if ours:
        edited = _insert(edited, url, newline)
    try:
        after = front_matter(path, edited)
    except PostError as exc:
        raise EditError(f"{path}: images: the edited front matter does not read back ({exc})") from None
    expected = {**{k: v for k, v in before.items() if k != "images"}, "images": [url]}
    if after != expected:
        raise EditError(f"{path}: images: the edit would change other fields; file left as it was")
    data = (b"\xef\xbb\xbf" if bom else b"") + edited.encode("utf-8")
    mode = path.stat().st_mode
    export.write_atomic(path, data)
    os.chmod(path, mode)
    return "updated" if ours else "added"


def _is_ours(entry: str) -> bool:
    return bool(re.match(r"^[a-z-]+/[^/]+\.png(\?v=[0-9a-f]+)?$", entry))


def _insert(text: str, url: str, newline: str) -> str:
    head = text.lstrip()
    lead = text[: len(text) - len(head)]
    if head.startswith("---"):
        # Before the closing delimiter, so it is the block's last key and nothing moves.
        match = re.compile(r"^---[ \t]*$", re.MULTILINE).search(head, 3)
        if not match:
            raise EditError("no closing --- in the front matter")
        line = f"images: [{json.dumps(url)}]{newline}"
        return lead + head[: match.start()] + line + head[match.start():]
    if head.startswith("+++"):
        # Straight after the opening delimiter: a top-level key must come before any [table].
        end = head.index("\n") + 1
        return lead + head[:end] + f"images = [{json.dumps(url)}]{newline}" + head[end:]
    if head.startswith("{"):
        return lead + "{" + f"{newline}  \"images\": [{json.dumps(url)}]," + head[1:]
    raise EditError("no front matter")


def _replace(text: str, newline: str) -> str:
    """Remove the line of our earlier entry (YAML, TOML or JSON)."""
    pattern = re.compile(r'^[ \t]*"?images"?[ \t]*[:=][ \t]*\["[a-z-]+/[^"/]+\.png(\?v=[0-9a-f]+)?"\],?[ \t]*(\r?\n)',
                         re.MULTILINE)
    edited, count = pattern.subn("", text, count=1)
    if count != 1:
        raise EditError("our earlier images entry is not on a line of its own")
    return edited
