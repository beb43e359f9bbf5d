"""The site's own mark on its cards, as the renderer takes it. Apart from the site config that
names it, which stays light (a build with nothing to draw reads the config but loads no Pillow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["Brand"]


@dataclass(frozen=True)
class Brand:
    """The site's own mark on its cards: its name, and its logo decoded once a run."""

    site_name: str = ""
    logo: Image.Image | None = field(default=None, compare=False)
