"""Front matter a page inherits from its site: Hugo's cascade, Jekyll's front-matter defaults and
the values its file name gives (date, title), Eleventy's directory data files.

A generator's site layer works out what each page inherits; the reader lays the page's own
front matter over it, so the page's own value always wins. Publishing rules are then decided on
the merged front matter, as the generator decides them: a `draft: true` or `build: {render:
never}` set by a parent's cascade keeps the page, and its card, out of the site.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Inherited", "deep_merge"]


@dataclass(frozen=True)
class Inherited:
    """Each page's inherited front matter, keyed by the page's path as the build finds it."""

    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    deep: bool = False  # nested mappings merged key by key (Eleventy's data cascade), not replaced (Hugo's)

    def under(self, path: Path, own: Mapping[str, Any]) -> dict[str, Any]:
        """The page's front matter: its own laid over what it inherits."""
        base = self.values.get(str(path))
        if not base:
            return dict(own)
        return deep_merge(base, own) if self.deep else {**base, **own}

    def stamp(self, path: Path) -> int:
        """A number that changes when what the page inherits changes: a build that remembers a page
        by its file's size and time must read it again when a parent's cascade changes, though the
        page's own file did not."""
        base = self.values.get(str(path))
        if not base:
            return 0
        text = json.dumps(base, sort_keys=True, default=str).encode()
        return int.from_bytes(hashlib.sha256(text).digest()[:6], "big")


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`, mappings merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in over.items():
        below = merged.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            merged[key] = deep_merge(below, value)
        else:
            merged[key] = value
    return merged
