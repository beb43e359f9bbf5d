"""What a run renders and how: the options every rendering command, the build's workers and the
preview share. Apart from the rendering itself, so that a build with nothing to draw loads none
of it (Pillow, ICU, the typesetter)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import SiteConfig
from .draw.platforms import Platform
from .sources.fetch import FetchOptions
from .sources.fetched import MAX_PIXELS
from .sources.fields import merged
from .sources.post import ReadOptions


@dataclass(frozen=True)
class RenderOptions:
    """What a run renders and how: the output folder, platforms, layout, site config, fetching, format."""

    out_dir: Path
    platforms: tuple[str, ...] = ("og",)  # preset names, or "all"
    layout: str | None = None  # the default layout; None: the site config's, else "photo"
    layout_dirs: tuple[Path, ...] = ()
    config: SiteConfig = field(default_factory=SiteConfig)
    fetch: FetchOptions = field(default_factory=FetchOptions)
    strict: bool = False  # an image that cannot be had fails the post instead of falling back
    max_pixels: int = MAX_PIXELS
    read: ReadOptions = field(default_factory=ReadOptions)  # the site's languages, what is public
    allow_missing_glyphs: bool = False  # a card with characters no font has is made (with a warning)
    format: str | None = None  # this run's format for every card (--format); None: the site's choice
    allow_shortening: bool = False  # --allow-shortening: cut what fits no layout, with an ellipsis

    @property
    def shortening_allowed(self) -> bool:
        return self.allow_shortening or self.config.allow_shortening

    def output_for(self, platform: Platform) -> tuple[str, int]:
        """The format and byte budget of `platform`'s cards: the run's format, else the site's for
        that platform, else the site's; the smallest of the platform's, the site's and its own budgets."""
        own_format, own_budget = self.config.platforms.get(platform.name, (None, None))
        budgets = [b for b in (platform.max_bytes, self.config.max_bytes, own_budget) if b]
        return self.format or own_format or self.config.format, min(budgets)

    def for_site(self, out_dir: Path, content_dir: Path, web_root: Path, **reading: Any) -> RenderOptions:
        """These options as a site generator's build needs them: cards into `out_dir`, posts
        below `content_dir` (whose folders name sections and languages), an image path from the
        site's root ("/images/x.jpg") served from `web_root`, and `reading`'s other changes."""
        return replace(self, out_dir=out_dir, read=replace(self.read, content_dir=content_dir, **reading),
                       fetch=replace(self.fetch, web_roots=(web_root,)))

    @property
    def reading(self) -> ReadOptions:
        """How posts are read: `read`, with the site config's [fields] before the default paths."""
        config = self.config
        read = replace(self.read, default_lang=self.read.default_lang or config.lang,
                       long_quote_words=config.long_quote_words, unattributed=config.unattributed,
                       authors=(*self.read.authors, *config.authors.items()))
        return replace(read, fields=merged(self.config.fields)) if self.config.fields else read


__all__ = ["MAX_PIXELS", "RenderOptions"]
