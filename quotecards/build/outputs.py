"""The names of the files a build keeps in its output folder: the whole archive's state,
manifest and lock, or a shard's own part of each. The build, the merge of shards' parts and the
next build that takes the parts in all name them from here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .manifest import FILE as MANIFEST_FILE
from .runlock import LOCK_FILE

__all__ = ["PART", "STATE_FILE", "BuildFiles"]

STATE_FILE = ".quotecards-state.sqlite"
PART = re.compile(r"\.shard-(\d+)-of-(\d+)")  # in the names of a shard's own state, manifest and lock


@dataclass(frozen=True)
class BuildFiles:
    """The files a build keeps in its state folder: the whole archive's, or a shard's part of it.

    Shards write parts, never each other's files, so the shards of one build can run at once
    into one folder or each into its own; `quotecards merge` (merge.py), or the next build
    without --shard, makes the parts one."""

    state: str = STATE_FILE
    manifest: str = MANIFEST_FILE
    lock: str = LOCK_FILE

    @classmethod
    def of(cls, shard: tuple[int, int]) -> BuildFiles:
        k, n = shard
        if n == 1:
            return cls()
        part = f".shard-{k}-of-{n}"
        return cls(f".quotecards-state{part}.sqlite", f"manifest{part}.json", f".quotecards{part}.lock")
