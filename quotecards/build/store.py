"""The card store: a post's cards kept under a key made of everything that reaches them, so a
build on a fresh checkout finds the cards an earlier build made and links them into its output
instead of drawing them again.

A build's own state (DIR/.quotecards-state.sqlite) trusts file sizes and modification times, and
lives in the output folder. CI has neither: every checkout gives every file a new mtime and the
output folder is built from nothing. The store's key is content only: the post's card fields
and slug, its local image's bytes (a URL is keyed by itself), and the settings hash (tool
version, layouts, fonts, config and options, all by content). CI caches the store's folder.

An entry is a folder, STORE/<key[:2]>/<key>/, holding the cards (one file per platform) and
their records (cards.json). It is made under a temporary name and renamed into place, so a
reader sees a whole entry or none, and two builds sharing a store can both write one. Entries
are linked into the output (copied where links cannot be made); one that vanishes while it is
read (another build's trim) is a miss, and the post is drawn. `trim` removes the least
recently used entries past the size bound, each renamed away before it is deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import files
from ..records import card_path
from ..sources.fetch import FetchError, FetchOptions, read_local_image
from ..sources.post import Post, card_fields

__all__ = ["CardStore", "FORMAT", "RECORDS", "StoreOptions", "post_key"]

FORMAT = 1  # of the store's entries and keys; a change starts a new folder beside the old
RECORDS = "cards.json"
DEFAULT_MAX_BYTES = 2 << 30
TRASH = ".trash-"
Record = dict[str, Any]


@dataclass(frozen=True)
class StoreOptions:
    """Where the card store is, and how large it may grow."""

    folder: Path
    max_bytes: int = DEFAULT_MAX_BYTES  # least recently used entries go past this


def post_key(settings: str, post: Post, slug: str, fetch: FetchOptions) -> str:
    """The key of a post's cards under `settings` (batch.settings_hash): content only, no path
    or mtime, so a fresh checkout of the same site gives the same key."""
    fields = card_fields(post, slug)
    fields["image"] = [post.image, _image_identity(post, fetch)]
    text = json.dumps([FORMAT, settings, fields], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _image_identity(post: Post, fetch: FetchOptions) -> str:
    """The local image's bytes, hashed; a URL only the network has stands for itself."""
    if not post.image:
        return ""
    try:
        local = read_local_image(post.image, post.source.parent, fetch)
    except FetchError:
        return "unreadable"  # its card says so, and says the same on every checkout
    return "url" if local is None else hashlib.sha256(local.data).hexdigest()


class CardStore:
    def __init__(self, options: StoreOptions):
        self.root = options.folder / f"v{FORMAT}"
        self.max_bytes = options.max_bytes

    def _entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def restore(self, key: str, out: Path, post: str) -> list[Record] | None:
        """The stored cards of `key` placed in `out`, and their records (made for `post`);
        None when the store does not have them whole."""
        entry = self._entry(key)
        records = files.read_json_object(entry / RECORDS).get("cards")
        if not isinstance(records, list) or not records:
            return None
        if not all(card_path(r) and _is_card_file(entry / _file_name(r)) for r in records):
            self._remove(entry)  # not an entry a build made: its records may name any file
            return None
        try:
            # A card is a hard link into the output: a tool that rewrites the output's files in
            # place (an image optimiser) rewrites the store's too. Such an entry is dropped.
            if not all(files.sha256_of(entry / _file_name(r)) == r["sha256"] for r in records):
                self._remove(entry)
                return None
            for record in records:
                files.place_file(entry / _file_name(record), out / record["path"])
            os.utime(entry / RECORDS)  # used now: the last to be trimmed
        except (OSError, KeyError, TypeError):
            return None  # trimmed by another build while being read, or not an entry of ours
        return [{**record, "post": post} for record in records]

    def put(self, key: str, records: list[Record], out: Path) -> None:
        """Keep the cards just written to `out` under `key` (a second writer of the same key
        leaves the first's entry: the same key holds the same cards)."""
        entry = self._entry(key)
        if entry.is_dir():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        making = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".making-"))
        try:
            for record in records:
                files.place_file(out / record["path"], making / _file_name(record))
            (making / RECORDS).write_text(json.dumps({"cards": records}, ensure_ascii=False), encoding="utf-8")
            os.chmod(making, 0o777 & ~files.umask())  # mkdtemp's 0700 would hide the store from a CI cache's user
            os.rename(making, entry)
        except OSError:
            shutil.rmtree(making, ignore_errors=True)  # taken by another build meanwhile, or no room: not kept

    def trim(self) -> int:
        """Remove the least recently used entries until the store is within its bound; how many."""
        entries = []
        for entry in self.root.glob("??/*"):
            if entry.name.startswith((".", TRASH)):
                continue
            try:
                used = (entry / RECORDS).stat().st_mtime
                size = sum(f.stat().st_size for f in entry.iterdir())
            except OSError:
                continue  # being made or removed by another build
            entries.append((used, size, entry))
        total = sum(size for _used, size, _entry in entries)
        removed = 0
        for _used, size, entry in sorted(entries):
            if total <= self.max_bytes:
                break
            if self._remove(entry):
                total -= size
                removed += 1
        return removed

    @staticmethod
    def _remove(entry: Path) -> bool:
        trash = entry.with_name(f"{TRASH}{entry.name}")
        try:
            os.rename(entry, trash)  # gone for readers at once; deleted at leisure
        except OSError:
            return False  # removed by another build first
        shutil.rmtree(trash, ignore_errors=True)
        return True


def _is_card_file(path: Path) -> bool:
    """A regular file, not a link: a link in an entry could hand the output any file on the machine."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _file_name(record: Record) -> str:
    """A card's file in its entry: one per platform, with the card's own extension."""
    return f"{record['platform']}{Path(record['path']).suffix}"
