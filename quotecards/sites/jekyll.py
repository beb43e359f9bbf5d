"""A Jekyll site: cards in assets/quotecards/, and every page pointed at its card.

Cards go to SITE/assets/quotecards/<platform>/<slug>.png, which Jekyll copies to the built site;
the build's state stays in SITE/.quotecards/, which Jekyll leaves out (a dot folder). The pages
are those Jekyll renders (jekyll_pages.py: posts of every Markdown extension, collections,
pages; not drafts, future or unpublished posts). Pages learn of their cards in one of two ways:

- a data file, SITE/_data/quotecards.json (page.path → card). A plugin, SITE/_plugins/quotecards.rb,
  gives each page its card as `image` where jekyll-seo-tag is loaded, so {% seo %} writes the card
  as og:image and twitter:image (with summary_large_image), and nothing else writes them; an
  include, SITE/_includes/quotecards.html, writes the tags itself on a site without jekyll-seo-tag
  (and og:image:type on one with it) — include it in the <head> of your layout; no post is touched;
- with `front_matter=True`, an `image:` line in each post, which jekyll-seo-tag's {% seo %}
  reads; only that line is added. A post with an `image:` of its own keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import files
from ..build.batch import BuildOptions, build
from ..sources.fields import OWN_CARDS
from ..sources.frontmatter_edit import set_jekyll_image
from ..sources.publish import Publishing
from .card_data import SiteResult, edit_posts, page_entries, shard_part, with_brand, write_data, write_once
from .jekyll_pages import WORD_LISTS, read_jekyll

__all__ = ["jekyll_build"]

MARK = "quotecards: generated"
PLUGIN = """# quotecards: generated, and rewritten by every run while this line starts so.
# Gives each page with a card (in _data/quotecards.json) its card as `image`, which
# jekyll-seo-tag's {% seo %} writes as og:image, twitter:image and summary_large_image, so the
# page has one set of share tags. Only where jekyll-seo-tag is loaded; GitHub Pages' safe mode
# runs no plugin of a site's own (use `quotecards jekyll --front-matter` there).
Jekyll::Hooks.register :site, :pre_render do |site, _payload|
  cards = site.data["quotecards"]
  next unless cards && Liquid::Template.tags["seo"]
  (site.pages + site.documents).each do |doc|
    card = cards[doc.relative_path]
    next unless card
    doc.data["image"] = { "path" => card["image"], "width" => card["width"], "height" => card["height"],
                          "alt" => card["alt"] }
    doc.data["quotecards_by_seo"] = true
  end
end
"""

INCLUDE = """{%- comment -%} quotecards: the page's card as og:image and twitter:image, from
_data/quotecards.json; where jekyll-seo-tag writes them (_plugins/quotecards.rb), only their type {%- endcomment -%}
{%- assign card = site.data.quotecards[page.path] -%}
{%- if card and page.quotecards_by_seo %}
<meta property="og:image:type" content="{{ card.type }}">
{%- elsif card %}
<meta property="og:title" content="{{ page.title | default: site.title | escape }}">
<meta property="og:url" content="{{ page.url | absolute_url }}">
{%- assign description = page.description | default: page.excerpt | default: site.description | strip_html | strip %}
{%- if description != "" %}
<meta property="og:description" content="{{ description | truncate: 300 | escape }}">
{%- endif %}
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
# What earlier versions wrote as the include: brought up to date, being quotecards' own and unedited.
OLD_INCLUDES = ("{%- comment -%} quotecards: og:image and twitter:image, from _data/quotecards.json "
                "{%- endcomment -%}",)


def jekyll_build(root: Path, options: BuildOptions, front_matter: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> SiteResult:
    """Render the cards of the site's pages into assets/quotecards/, then point its pages at them."""
    site = read_jekyll(root)
    out = root / OWN_CARDS.strip("/")
    rules = options.render.read.publishing
    publishing = Publishing(drafts=rules.drafts or site.unpublished, future=rules.future or site.future,
                            expired=rules.expired, now=rules.now)
    render = options.render.for_site(out, root, root, inherited=site.inherited, publishing=publishing,
                                     bare_files=True, word_lists=WORD_LISTS)
    render = with_brand(render, site.title)
    summary = build(root, replace(options, render=render, pages=site.pages), progress, state_dir=root / ".quotecards")
    if options.shard != (1, 1):  # the pages are pointed at their cards once the shards are one
        return shard_part(summary, root / "_data" / "quotecards.json", options.shard)
    platform = render.platforms[0] if render.platforms[0] != "all" else "og"
    pages = page_entries(summary.cards, platform, site.page_path,
                         lambda card: f"{OWN_CARDS}{card.path}")
    data_file = root / "_data" / "quotecards.json"
    write_data(data_file, pages)
    result = SiteResult(summary=summary, data_file=data_file, pages=len(pages))
    if front_matter:
        write_once(root / "_includes" / "quotecards.html", INCLUDE)
        edit_posts(pages, result, set_jekyll_image)
        result.head = "front matter: jekyll-seo-tag's {% seo %} reads image:"
    else:
        result.head = _wire(root)
    if not site.has_url:
        result.head += ("\nto do: set url: in _config.yml to the site's address: without it og:image is a path, and "
                        "networks need a full URL")
    return result


def _wire(root: Path) -> str:
    """The plugin (ours: kept up to date) and the include (written once, or brought up to date
    while it is an earlier version's own); what the site's layout needs."""
    plugin = root / "_plugins" / "quotecards.rb"
    if not plugin.is_file() or plugin.read_text(encoding="utf-8", errors="replace").startswith(f"# {MARK}"):
        if not plugin.is_file() or plugin.read_text(encoding="utf-8", errors="replace") != PLUGIN:
            files.write_atomic(plugin, PLUGIN.encode("utf-8"))
    include = root / "_includes" / "quotecards.html"
    written = write_once(include, INCLUDE)
    if not written and include.read_text(encoding="utf-8", errors="replace").startswith(OLD_INCLUDES):
        files.write_atomic(include, INCLUDE.encode("utf-8"))
    if _uses_seo_tag(root):
        return "jekyll-seo-tag's {% seo %} writes each page's card (given it by _plugins/quotecards.rb)"
    if any("quotecards.html" in _read(path) for path in _templates(root)):
        return "your layouts include _includes/quotecards.html, which writes each page's card"
    return "to do: include {% include quotecards.html %} in your layout's <head> (it is _includes/quotecards.html)"


# Themes that load jekyll-seo-tag and call {% seo %} in their head (minima, as `jekyll new` sets it up).
SEO_THEMES = ("minima", "jekyll-theme-minimal", "jekyll-theme-cayman", "jekyll-theme-slate", "minimal-mistakes-jekyll")


def _uses_seo_tag(root: Path) -> bool:
    """Whether the site's pages are given their tags by jekyll-seo-tag: its theme, or its own layouts."""
    config = _read(root / "_config.yml")
    theme = re.search(r"^(?:remote_)?theme:\s*['\"]?([\w./-]+)", config, re.MULTILINE)
    if theme and theme.group(1).split("/")[-1].split("@")[0] in SEO_THEMES:
        return True
    return any(re.search(r"\{%-?\s*seo\b", _read(path)) for path in _templates(root))


def _templates(root: Path) -> list[Path]:
    return [p for folder in ("_layouts", "_includes") for p in sorted((root / folder).rglob("*.html"))]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
