"""The service's cards, kept by the key that names everything that changes them.

A card once drawn is read back, not drawn again, by this process or any other sharing the folder
(several workers, several machines on one network volume, a build that filled it ahead of
traffic). A card is written to a temporary name and renamed into place, so a reader never meets
half a file; two processes drawing the same card write the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from .. import files

__all__ = ["CardFiles"]


class CardFiles:
    """Cards by key in a folder: KEY[:2]/KEY.EXT."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, key: str, extension: str) -> Path:
        return self.folder / key[:2] / f"{key}.{extension}"

    def get(self, key: str, extension: str) -> bytes | None:
        try:
            return self.path(key, extension).read_bytes()
        except OSError:
            return None

    def put(self, key: str, extension: str, data: bytes) -> None:
        files.write_atomic(self.path(key, extension), data)
