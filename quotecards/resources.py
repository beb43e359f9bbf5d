"""Where the bundled fonts/ and layouts/ folders are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

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
