"""An Eleventy site: cards in the output's assets/quotecards/, and every page pointed at its card.

The project is read as its config file sets it up (eleventy_config.py: the input, includes,
data and output folders, the template formats), and its pages with what each inherits from its
directory data files (eleventy_data.py), so a draft or a `permalink: false` set for a whole
folder is decided as Eleventy decides it. A page gets no card when Eleventy does not render it
(`permalink: false`; `draft: true`, which eleventy-base-blog's preprocessor drops from production
builds), when it is the 404 page or no HTML (a feed, a sitemap), or when it has nothing to set
(no quote, no title: Eleventy shows none either). A page excluded from collections
(`eleventyExcludeFromCollections`) is rendered all the same, and gets its card. Eleventy
publishes future-dated pages, so a date still to come keeps no card back.

Cards go to OUTPUT/assets/quotecards/ (run after anything that empties the output); the build's
state stays in SITE/.quotecards/. Pages learn of their cards from a global data file,
DATA/quotecards.json (page.inputPath → card), which the include INCLUDES/quotecards.njk (written
once; yours to edit) turns into og:image, twitter:image and the page's og:title, og:url and
og:description: `{% include "quotecards.njk" %}` in the <head> of your base layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..build.batch import BuildOptions, Summary, build, in_shard
from ..records import CardRecord
from ..sources.inherited import Inherited
from .card_data import SiteResult, page_entries, shard_part, with_brand, write_data, write_once
from .eleventy_config import DataWarning, EleventySite, read_site
from .eleventy_data import data_cascade, find_pages, site_metadata

__all__ = ["EleventyResult", "eleventy_build"]

CARDS = "assets/quotecards"
DATA_FILE = "quotecards.json"
INCLUDE_FILE = "quotecards.njk"
LIQUID_FILE = "quotecards.liquid"  # for Liquid layouts (and .html ones, which Eleventy renders with Liquid)

# The card's own tags, the same in either template language but for the alt text's escaping
# (Eleventy's Nunjucks escapes what it prints; its Liquid does not).
CARD_TAGS = """<meta property="og:image" content="{{ card.image }}">
<meta property="og:image:type" content="{{ card.type }}">
<meta property="og:image:width" content="{{ card.width }}">
<meta property="og:image:height" content="{{ card.height }}">
<meta property="og:image:alt" content="{{ ALT }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{ card.image }}">
<meta name="twitter:image:alt" content="{{ ALT }}">
{%- endif %}
"""

INCLUDE = """{#- quotecards: this page's share card and tags, from the global data file quotecards.json -#}
{%- set card = quotecards[page.inputPath] -%}
{%- if card %}
{%- if title or card.title %}
<meta property="og:title" content="{{ title or card.title }}">
{%- endif %}
{%- if description %}
<meta property="og:description" content="{{ description }}">
{%- endif %}
{%- if card.site_url %}
<meta property="og:url" content="{{ card.site_url }}{{ page.url }}">
{%- endif %}
""" + CARD_TAGS.replace("ALT", "card.alt")

LIQUID = """{%- comment -%} quotecards: this page's share card and tags, from the global data file
quotecards.json {%- endcomment -%}
{%- assign card = quotecards[page.inputPath] -%}
{%- if card %}
{%- assign shown_title = title | default: card.title %}
{%- if shown_title %}
<meta property="og:title" content="{{ shown_title | escape }}">
{%- endif %}
{%- if description %}
<meta property="og:description" content="{{ description | escape }}">
{%- endif %}
{%- if card.site_url %}
<meta property="og:url" content="{{ card.site_url }}{{ page.url }}">
{%- endif %}
""" + CARD_TAGS.replace("ALT", "card.alt | escape")


@dataclass
class EleventyResult(SiteResult):
    """An Eleventy build: the site's result, and the site's JavaScript that could not be read."""

    warnings: list[DataWarning] = field(default_factory=list)


def eleventy_build(root: Path, options: BuildOptions, output: Path | None = None, base_url: str = "",
                   progress: Callable[[int, int], None] | None = None) -> EleventyResult:
    """Render the cards of the site's pages into the output, then write the data file and include.
    `base_url` makes the cards' URLs absolute, as og:image wants them; else they start at /."""
    site = read_site(root, output)
    scan = find_pages(site)
    cascade = data_cascade(site, (*scan.pages, *scan.bare))
    metadata = site_metadata(site)
    # With the site's title to show, a page without front matter is a page all the same.
    found = (*scan.pages, *scan.bare) if metadata.get("title") else scan.pages
    # Eleventy has no future or expired pages; a draft is left out only by the site's own code
    # (eleventy-base-blog's preprocessor), so where the config says nothing of drafts, it is published.
    publishing = replace(options.render.read.publishing, future=True, expired=True,
                         drafts=options.render.read.publishing.drafts or not _drops_drafts(site))
    render = options.render.for_site(site.output / CARDS, site.input, site.input,
                                     inherited=_with_site(cascade.inherited, found, site, metadata), untitled="skip",
                                     publishing=publishing, bare_files=True)
    render = with_brand(render, metadata.get("title", ""))
    render = replace(render, fetch=replace(render.fetch, web_roots=site.web_roots))
    state_dir = root / ".quotecards"
    # Eleventy would take the state folder's gallery page for a template of the site's own.
    own_page = not state_dir.resolve().is_relative_to(site.input.resolve())
    summary = build(site.input, replace(options, render=render, pages=tuple(sorted(found)), state_page=own_page),
                    progress, state_dir=state_dir)
    if found == scan.pages:
        _count_bare(summary, site, scan.bare, options.shard)
    warnings = [*site.warnings, *cascade.warnings]
    data_file = site.data / DATA_FILE
    if options.shard != (1, 1):  # the pages are pointed at their cards once the shards are one
        part = shard_part(summary, data_file, options.shard)
        return EleventyResult(summary=summary, data_file=data_file, head=part.head, warnings=warnings)
    platform = render.platforms[0] if render.platforms[0] != "all" else "og"
    pages = page_entries(summary.cards, platform, site.input_path, lambda card: _url(base_url, card))
    for entry in pages.values():
        entry["site_url"] = base_url.rstrip("/")  # og:url is the site's address and page.url
    write_data(data_file, pages)
    write_once(site.includes / INCLUDE_FILE, INCLUDE)
    write_once(site.includes / LIQUID_FILE, LIQUID)
    return EleventyResult(summary=summary, data_file=data_file, pages=len(pages), warnings=warnings,
                          head=_head_step(site))


def _with_site(inherited: Inherited, pages: tuple[Path, ...], site: EleventySite,
               metadata: dict[str, str]) -> Inherited:
    """Every page is shown with the site's title and description where it has none of its own,
    as base-blog-like layouts show them (`{{ title or metadata.title }}`): a page without front
    matter, a paginated template's pages. The home page (the input folder's index), named only
    "Home" in the site's menu, is the site's own page: its title is the site's."""
    if not metadata:
        return inherited
    values: dict[str, dict[str, object]] = {}
    for page in pages:
        values[str(page)] = {**inherited.values.get(str(page), {}), "_site": metadata}
        if page.parent == site.input and page.name.split(".")[0] == "index":
            values[str(page)] = {**metadata, **values[str(page)]}
    return Inherited(values, deep=inherited.deep)


def _head_step(site: EleventySite) -> str:
    """What the site's layouts need: nothing where one includes ours already, else the include."""
    layouts = [p for p in sorted(site.includes.rglob("*")) if p.is_file() and p.name not in (INCLUDE_FILE, LIQUID_FILE)]
    if any(name in _read(p) for p in layouts for name in (INCLUDE_FILE, LIQUID_FILE)):
        return "your layouts include quotecards' tags for each page's card"
    return (f'to do: include {{% include "{INCLUDE_FILE}" %}} in your base layout\'s <head> (a Nunjucks one; '
            f'in a Liquid or .html one, {{% include "{LIQUID_FILE}" %}}), from {site.includes}')


def _drops_drafts(site: EleventySite) -> bool:
    """Whether the site's config leaves drafts out, as the base blog's `addPreprocessor("drafts", …)`
    does: its config speaks of them. Eleventy itself publishes a page whatever its `draft:` says."""
    return site.config is not None and "draft" in _read(site.config).casefold()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _count_bare(summary: Summary, site: EleventySite, bare: tuple[Path, ...], shard: tuple[int, int]) -> None:
    """Pages without front matter have no title to set: untitled, as the build says of titleless pages it reads."""
    mine = sum(1 for page in bare if in_shard(page, site.input, shard))
    if mine:
        summary.posts += mine
        summary.skipped["untitled"] += mine


def _url(base_url: str, card: CardRecord) -> str:
    return f"{base_url.rstrip('/')}/{CARDS}/{card.path}"
