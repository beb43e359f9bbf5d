"""The site's own card, for the pages a generator makes with no file behind them.

Hugo writes pages no post stands for: the home page and section lists of a site without
`_index.md` files, and every taxonomy and term page (`/tags/`, `/tags/harbour/`). Each is shared
like any page, so each needs a card; the site's card — its title and description on a headline
card, in its brand — is what a theme's own site-wide image was there for.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..cards import SomeCardsFailed, render_post
from ..context import RunContext
from ..options import RenderOptions
from ..records import CardRecord
from ..sources.post import Post

__all__ = ["SITE_KEY", "SITE_SLUG", "clear_site_cards", "site_card"]

SITE_KEY = "_site"  # the data file's entry for pages without one of their own (no page path starts so)
SITE_SLUG = "_site"  # its card's file name: no post's slug starts with "_" where a generator names it


def clear_site_cards(out_dir: Path) -> None:
    """The site's cards of earlier runs (another format, another platform): made afresh each run,
    and kept by no build state that would prune them."""
    for card in out_dir.glob(f"*/{SITE_SLUG}.*"):
        card.unlink(missing_ok=True)


def site_card(options: RenderOptions, source: Path, title: str, description: str, lang: str,
              platform: str) -> CardRecord | None:
    """The site's headline card for `platform`, or None for a site without a title."""
    clear_site_cards(options.out_dir)
    if not title:
        return None
    post = Post(source=source, slug=SITE_SLUG, quote="", attribution="", citation="", image=None, image_alt="",
                title=title, description=description, date=None, section="", lang=lang, kind="headline")
    with RunContext.open(replace(options, platforms=(platform,))) as ctx:
        try:
            records = render_post(post, ctx, SITE_SLUG)
        except SomeCardsFailed as partly:
            records = partly.records
    return records[0] if records else None
