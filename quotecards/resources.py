"""Where the bundled fonts/ and layouts/ folders are, installed or in a checkout; and where the
user's cache folder is."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "data_dir"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the bundled folder `name` ("fonts" or "layouts").

    A wheel carries the folders inside the package; a source checkout (or an editable
    install) keeps them at the top of the repository, beside the package.
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"quotecards: bundled folder {name!r} is missing from the installation")


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/quotecards, i.e. ~/.cache/quotecards by default."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "quotecards"
