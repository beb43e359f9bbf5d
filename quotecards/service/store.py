"""The service's cards, kept by the key that names everything that changes them: in a folder, or
in object storage through fsspec (`s3://bucket/cards`, `gs://…`, `file://…`).

A card once drawn is read back, not drawn again, by this process or any other sharing the store:
several workers, several machines behind one load balancer, all pointed at one bucket. The
service keeps no other state, so any instance can answer any request. A card is written whole
or not at all: a local file goes to a temporary name and is renamed into place, an object
store's PUT replaces the object at once; two instances drawing the same card write the same
bytes. Object storage is reached as its own library reads its settings (for S3: the
AWS_* environment variables, AWS_ENDPOINT_URL for an S3-compatible server).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import files
from ..errors import OutputError

__all__ = ["CardFiles", "ObjectCards", "open_store"]


class CardFiles:
    """Cards by key in a local folder: KEY[:2]/KEY.EXT."""

    def __init__(self, folder: Path):
        self.folder = folder
        try:  # said at the start, not found out card by card
            folder.mkdir(parents=True, exist_ok=True)
            writable = os.access(folder, os.W_OK | os.X_OK)
        except OSError:
            writable = False
        if not writable:
            raise OutputError(folder, "store", "cannot keep cards here (not a folder this user can write)")

    def path(self, key: str, extension: str) -> Path:
        return self.folder / key[:2] / f"{key}.{extension}"

    def get(self, key: str, extension: str) -> bytes | None:
        try:
            return self.path(key, extension).read_bytes()
        except OSError:
            return None

    def put(self, key: str, extension: str, data: bytes) -> None:
        self.path(key, extension).parent.mkdir(parents=True, exist_ok=True)
        files.write_atomic(self.path(key, extension), data)


class ObjectCards:
    """Cards by key in object storage, through fsspec: ROOT/KEY[:2]/KEY.EXT."""

    def __init__(self, url: str):
        import fsspec  # here: only a service with an object store needs it

        self.fs: Any
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def path(self, key: str, extension: str) -> str:
        return f"{self.root.rstrip('/')}/{key[:2]}/{key}.{extension}"

    def get(self, key: str, extension: str) -> bytes | None:
        try:
            data = self.fs.cat_file(self.path(key, extension))
        except FileNotFoundError:
            return None
        return bytes(data)

    def put(self, key: str, extension: str, data: bytes) -> None:
        self.fs.pipe_file(self.path(key, extension), data)


def open_store(where: str) -> CardFiles | ObjectCards:
    """The store at `where`: a folder (a path or file://), else an fsspec URL."""
    if "://" not in where:
        return CardFiles(Path(where))
    if where.startswith("file://"):
        return CardFiles(Path(where.removeprefix("file://")))
    return ObjectCards(where)
