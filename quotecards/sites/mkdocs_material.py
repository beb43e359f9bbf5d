"""MkDocs Material: the site's palette as the cards' colours, and its blog's author names.

A Material site's header is its primary colour, so the cards' colour fields (`field`, `field2`,
`band`) take that colour and its dark shade, and `accent` the palette's accent where it reads
on them. Where Material sets dark text on the primary (yellow, lime, amber, orange, white), the
layouts' light text cannot sit on it: the fields stay the layouts' and the primary becomes the
accent. A name Material does not know (`custom`, the site's own CSS) changes nothing. The
blog's `.authors.yml` gives its author handles their display names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .. import tables
from .theme_colors import card_colors

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

__all__ = ["ACCENTS", "PRIMARIES", "Primary", "blog_authors", "palette_colors"]


@dataclass(frozen=True)
class Primary:
    """One of Material's primary colours: the colour, its dark shade, and whether text on it is dark."""

    color: str
    dark: str
    dark_text: bool = False


# Material for MkDocs' named colours, as its palette stylesheet sets them (mkdocs-material 9.x,
# material/templates/assets/stylesheets/palette.*.min.css): a primary's --md-primary-fg-color,
# --md-primary-fg-color--dark, and whether its --md-primary-bg-color (the text on it) is black;
# an accent's --md-accent-fg-color. hsl() values written out as hex; white and black with
# Material's default --md-hue (225deg).
PRIMARIES: dict[str, Primary] = {
    "red": Primary("#ef5552", "#e53734"),
    "pink": Primary("#e92063", "#c3185d"),
    "purple": Primary("#ab47bd", "#8c24a8"),
    "deep-purple": Primary("#7e56c2", "#673ab6"),
    "indigo": Primary("#4051b5", "#303fa1"),
    "blue": Primary("#2094f3", "#1975d2"),
    "light-blue": Primary("#02a6f2", "#0287cf"),
    "cyan": Primary("#00bdd6", "#0097a8"),
    "teal": Primary("#009485", "#007a6c"),
    "green": Primary("#4cae4f", "#398e3d"),
    "light-green": Primary("#8bc34b", "#689f38"),
    "lime": Primary("#cbdc38", "#b0b52c", dark_text=True),
    "yellow": Primary("#ffec3d", "#fbc02d", dark_text=True),
    "amber": Primary("#ffc105", "#ffa200", dark_text=True),
    "orange": Primary("#ffa724", "#fa8900", dark_text=True),
    "deep-orange": Primary("#ff6e42", "#f4511f"),
    "brown": Primary("#795649", "#5d4037"),
    "grey": Primary("#757575", "#616161"),
    "blue-grey": Primary("#546d78", "#455a63"),
    "black": Primary("#14151a", "#14151a"),
    "white": Primary("#ffffff", "#ffffff", dark_text=True),
}
ACCENTS: dict[str, str] = {
    "red": "#ff1a47",
    "pink": "#f50056",
    "purple": "#df41fb",
    "deep-purple": "#7c4dff",
    "indigo": "#526cfe",
    "blue": "#4287ff",
    "light-blue": "#0091eb",
    "cyan": "#00bad6",
    "teal": "#00bda4",
    "green": "#00c753",
    "light-green": "#63de17",
    "lime": "#b0eb00",
    "yellow": "#ffd500",
    "amber": "#ffaa00",
    "orange": "#ff9100",
    "deep-orange": "#ff6e42",
}
# Material's own default, on a page whose mkdocs.yml names no palette (its stylesheet's :root).
_DEFAULT = "indigo"


def palette_colors(theme: str | None, palette: object) -> dict[str, str]:
    """The cards' colours (layout colour name → hex) from a MkDocs theme's name and its `palette`
    setting: Material's only; a list of palettes (a light/dark toggle) is its first, the default."""
    if theme != "material":
        return {}
    chosen = palette[0] if isinstance(palette, list) and palette else palette
    chosen = chosen if isinstance(chosen, dict) else {}
    primary = PRIMARIES.get(_name(chosen.get("primary")))
    if primary is None:
        return {}
    if primary.dark_text:
        return {"accent": primary.color}
    return card_colors(primary.color, primary.dark, ACCENTS.get(_name(chosen.get("accent"))))


def _name(value: object) -> str:
    """A palette colour's name as Material's templates write it into the page ("deep orange" →
    deep-orange); a missing one is Material's default."""
    if value is None or value == "":
        return _DEFAULT
    return str(value).strip().replace(" ", "-").casefold()


def blog_authors(config: MkDocsConfig) -> tuple[tuple[str, str], ...]:
    """Author handles (in lower case) → display names, from every Material blog of the site
    (`plugins: [blog]`, each its own `authors_file`, by default `{blog}/.authors.yml`)."""
    found: dict[str, str] = {}
    for name, plugin in config.plugins.items():
        settings: Any = getattr(plugin, "config", None)
        if name.split(" #")[0] != "material/blog" or settings is None:
            continue
        if not settings.get("enabled", True) or not settings.get("authors", True):
            continue  # the blog shows no authors: a handle stays a handle, and off the card
        try:
            relative = str(settings.get("authors_file")).format(blog=settings.get("blog_dir"))
        except (KeyError, IndexError, ValueError):  # a placeholder Material itself would not fill
            continue
        for handle, shown in _author_file(Path(config.docs_dir) / os.path.normpath(relative)):
            found.setdefault(handle, shown)
    return tuple(found.items())


def _author_file(path: Path) -> list[tuple[str, str]]:
    """`authors: {handle: {name: …}}`; a file that does not read is the blog plugin's to report."""
    try:
        data = yaml.safe_load(path.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    authors = data.get("authors") if isinstance(data, dict) else None
    found = []
    for handle, entry in authors.items() if isinstance(authors, dict) else ():
        name = entry.get("name") if isinstance(entry, dict) else None
        # A name a card cannot show (blank, a control character in it) leaves the handle off the card.
        if isinstance(name, str) and name.strip() and tables.control_in(name) is None:
            found.append((str(handle).casefold(), " ".join(name.split())))
    return found
