"""The site's posts by slug, for cards by page: `/og/harbour-ferry.png` is the post whose slug
is harbour-ferry.

The folder is walked once to learn the slugs, and again when a slug is not found (a post added
since): at once when the folder itself changed, else at most every few seconds, so that requests
for pages that do not exist cannot make the service walk the folder for each. A post is read
afresh for each request: an edited post is a new card, and a draft or a post gone is no page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from ..build.batch import discover
from ..sources.post import Post, PostError, ReadOptions, read_post

__all__ = ["RESCAN_SECONDS", "PageIndex"]

RESCAN_SECONDS = 5.0


class PageIndex:
    def __init__(self, folder: Path, reading: ReadOptions):
        self.folder = folder
        self.reading = replace(reading, content_dir=folder, public_only=True)
        self.slugs: dict[str, Path] = {}
        self.scanned = float("-inf")
        self.seen: int | None = None  # the folder's own mtime at the last walk
        self.lock = threading.Lock()  # one walk at a time; requests run on several threads

    def find(self, slug: str) -> Post | None:
        """The public post whose slug this is, or None."""
        path = self.slugs.get(slug) or self._rescanned(slug)
        if path is None:
            return None
        try:
            post = read_post(path, self.reading)
        except (PostError, OSError):
            return None
        return post if post.slug == slug and not post.unpublished else None

    def slugs_now(self) -> list[str]:
        """Every public post's slug, the folder walked afresh."""
        with self.lock:
            self.slugs, self.scanned, self.seen = self._scan(), time.monotonic(), self._mtime()
            return sorted(self.slugs)

    def _rescanned(self, slug: str) -> Path | None:
        with self.lock:
            changed = self._mtime() != self.seen
            if changed or time.monotonic() - self.scanned >= RESCAN_SECONDS:
                self.seen = self._mtime()
                self.slugs = self._scan()
                self.scanned = time.monotonic()
            return self.slugs.get(slug)

    def _mtime(self) -> int | None:
        try:
            return self.folder.stat().st_mtime_ns
        except OSError:
            return None

    def _scan(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for path in discover(self.folder):
            try:
                found.setdefault(read_post(path, self.reading).slug, path)
            except PostError:
                continue
        return found
