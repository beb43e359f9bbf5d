"""A Jekyll site: cards in assets/quotecards/, and every post pointed at its card.

Cards go to SITE/assets/quotecards/<platform>/<slug>.png, which Jekyll copies to the built site;
the build's state stays in SITE/.quotecards/, which Jekyll leaves out (a dot folder). Posts
are the files in _posts/ (drafts in _drafts/ are not published, so get no card). Pages learn of
their cards in one of two ways:

- a data file, SITE/_data/quotecards.json (page.path → card), read by an include,
  SITE/_includes/quotecards.html, that emits og:image and twitter:image — include it in the
  <head> of your layout; no post is touched;
- with `front_matter=True`, an `image:` line in each post, which jekyll-seo-tag's {% seo %}
  reads; only that line is added. A post with an `image:` of its own keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..build.batch import BuildOptions, build
from ..errors import ConfigError
from ..sources.fields import OWN_CARDS
from ..sources.frontmatter_edit import set_jekyll_image
from .card_data import SiteResult, edit_posts, page_entries, shard_part, write_data, write_once

__all__ = ["jekyll_build"]

INCLUDE = """{%- comment -%} quotecards: og:image and twitter:image, from _data/quotecards.json {%- endcomment -%}
{%- assign card = site.data.quotecards[page.path] -%}
{%- if card %}
<meta property="og:image" content="{{ card.image | absolute_url }}">
<meta property="og:image:type" content="{{ card.type }}">
<meta property="og:image:width" content="{{ card.width }}">
<meta property="og:image:height" content="{{ card.height }}">
<meta property="og:image:alt" content="{{ card.alt | escape }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{ card.image | absolute_url }}">
<meta name="twitter:image:alt" content="{{ card.alt | escape }}">
{%- endif %}
"""


def jekyll_build(root: Path, options: BuildOptions, front_matter: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> SiteResult:
    """Render the cards of the site's posts into assets/quotecards/, then point its pages at them."""
    posts = root / "_posts"
    if not posts.is_dir():
        raise ConfigError(root, "_posts", "no _posts folder here: is this a Jekyll site's root?")
    out = root / OWN_CARDS.strip("/")
    render = options.render.for_site(out, posts, root)
    summary = build(posts, replace(options, render=render), progress, state_dir=root / ".quotecards")
    if options.shard != (1, 1):  # the pages are pointed at their cards once the shards are one
        return shard_part(summary, root / "_data" / "quotecards.json", options.shard)
    platform = render.platforms[0] if render.platforms[0] != "all" else "og"
    pages = page_entries(summary.cards, platform, lambda post: _page_path(root, post),
                         lambda card: f"{OWN_CARDS}{card.path}")
    data_file = root / "_data" / "quotecards.json"
    write_data(data_file, pages)
    write_once(root / "_includes" / "quotecards.html", INCLUDE)
    result = SiteResult(summary=summary, data_file=data_file, pages=len(pages))
    if front_matter:
        edit_posts(pages, result, set_jekyll_image)
        result.head = "front matter: jekyll-seo-tag's {% seo %} reads image:"
    else:
        result.head = "include it in your <head>: {% include quotecards.html %} (_includes/quotecards.html)"
    return result


def _page_path(root: Path, post: Path) -> str:
    """Jekyll's page.path: the file below the site's source folder."""
    return post.relative_to(root).as_posix()
