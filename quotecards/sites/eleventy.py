"""An Eleventy site: cards in the output's assets/quotecards/, and every page pointed at its card.

Posts are the Markdown files below the input folder, less Eleventy's own folders (_includes,
_data, the output, node_modules) and dot folders. Cards go to OUTPUT/assets/quotecards/ (run
after anything that empties the output); the build's state stays in SITE/.quotecards/. Pages
learn of their cards from a global data file, _data/quotecards.json (page.inputPath → card),
which the include _includes/quotecards.njk (written once; yours to edit) turns into og:image and
twitter:image: `{% include "quotecards.njk" %}` in the <head> of your base layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..build.batch import BuildOptions, build
from ..records import CardRecord
from .card_data import SiteResult, page_entries, shard_part, write_data, write_once

__all__ = ["eleventy_build"]

CARDS = "assets/quotecards"
OWN_FOLDERS = ("_includes", "_data", "_site", "node_modules")

INCLUDE = """{#- quotecards: og:image and twitter:image for this page, from _data/quotecards.json -#}
{%- set card = quotecards[page.inputPath] -%}
{%- if card %}
<meta property="og:image" content="{{ card.image }}">
<meta property="og:image:type" content="{{ card.type }}">
<meta property="og:image:width" content="{{ card.width }}">
<meta property="og:image:height" content="{{ card.height }}">
<meta property="og:image:alt" content="{{ card.alt }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{ card.image }}">
<meta name="twitter:image:alt" content="{{ card.alt }}">
{%- endif %}
"""


def eleventy_build(root: Path, options: BuildOptions, output: Path | None = None, base_url: str = "",
                   progress: Callable[[int, int], None] | None = None) -> SiteResult:
    """Render the cards of the site's pages into the output, then write the data file and include.
    `base_url` makes the cards' URLs absolute, as og:image wants them; else they start at /."""
    output = output or root / "_site"
    skip = (*OWN_FOLDERS, output.name)
    render = options.render.for_site(output / CARDS, root, root)
    summary = build(root, replace(options, render=render, skip=skip), progress, state_dir=root / ".quotecards")
    if options.shard != (1, 1):  # the pages are pointed at their cards once the shards are one
        return shard_part(summary, root / "_data" / "quotecards.json", options.shard)
    platform = render.platforms[0] if render.platforms[0] != "all" else "og"
    pages = page_entries(summary.cards, platform, lambda post: "./" + post.relative_to(root).as_posix(),
                         lambda card: _url(base_url, card))
    data_file = root / "_data" / "quotecards.json"
    write_data(data_file, pages)
    write_once(root / "_includes" / "quotecards.njk", INCLUDE)
    return SiteResult(summary=summary, data_file=data_file, pages=len(pages),
                      head='include it in your <head>: {% include "quotecards.njk" %} (_includes/quotecards.njk)')


def _url(base_url: str, card: CardRecord) -> str:
    return f"{base_url.rstrip('/')}/{CARDS}/{card.path}"
