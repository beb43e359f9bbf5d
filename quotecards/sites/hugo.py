"""A Hugo site: cards where Hugo serves them, and every page pointing at its card.

Cards go to SITE/static/<platform>/<slug>.png, so Hugo publishes them at /<platform>/<slug>.png.
Pages learn of them in one of two ways:

- a data file, SITE/assets/quotecards.json (page path → card), read by a partial,
  SITE/layouts/partials/quotecards.html, that emits og:image and twitter:image — include it in
  the <head> of your base template; no post is touched;
- with `front_matter=True`, an `images:` entry in each post, which Hugo's own opengraph and
  twitter_cards templates already read; only that line is added to the file.

Entries carry no leading slash (a site under a sub-path baseURL would lose it) and a `?v=`
version made from the card's bytes, so networks that cache a card by URL fetch a changed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..build.batch import BuildOptions, build, discover
from ..sources.frontmatter_edit import EditError, set_image
from .card_data import Entry, SiteResult, edit_posts, page_entries, shard_part, with_brand, write_data
from .hugo_cascade import cascade_of, pages_of
from .hugo_config import HugoSite, read_site
from .hugo_head import wire_head
from .site_card import SITE_KEY, clear_site_cards, site_card
from .theme_colors import hugo_colors, with_colors

__all__ = ["hugo_build"]

# Hugo's content formats that carry front matter: Markdown by its three names, and HTML.
SUFFIXES = (".md", ".markdown", ".mdown", ".html", ".htm")


def hugo_build(root: Path, options: BuildOptions, front_matter: bool = False,
               progress: Callable[[int, int], None] | None = None) -> SiteResult:
    """Render the site's cards into its static folder, then point its pages at them."""
    site = read_site(root)
    links_out: list[Path] = []
    pages_found = pages_of(site, discover(site.content, refused=links_out.append, suffixes=SUFFIXES))
    inherited = cascade_of(site, pages_found)
    render = options.render.for_site(site.static, site.content, site.static, languages=site.languages,
                                     default_lang=options.render.read.default_lang or site.default_lang,
                                     lang_dirs=tuple((d, lang) for d, lang in site.lang_dirs if lang),
                                     authors=(*site.authors, *options.render.read.authors),
                                     inherited=inherited)
    render = with_colors(with_brand(render, site.title), hugo_colors(site.params))
    summary = build(site.content, replace(options, render=render, pages=tuple(pages_found)), progress,
                    state_dir=root / ".quotecards")
    if links_out:
        summary.skipped["links out of the content folder"] += len(links_out)
    if options.shard != (1, 1):  # the pages are pointed at their cards once the shards are one
        return shard_part(summary, root / "assets" / "quotecards.json", options.shard)
    platform = render.platforms[0] if render.platforms[0] != "all" else "og"
    pages = page_entries(summary.cards, platform, lambda post: _page_key(site, post), lambda card: card.path)
    count = len(pages)
    if not front_matter:  # the pages no post stands for (taxonomies, sections without _index.md) get the site's
        home = site_card(render, site.config or root, site.title, _text(site.params.get("description")),
                         site.default_lang, platform)
        pages.update(page_entries([home] if home else [], platform, lambda _post: SITE_KEY, lambda card: card.path))
    else:
        clear_site_cards(render.out_dir)  # Hugo's templates read each post's images: no page reads it
    data_file = root / "assets" / "quotecards.json"
    write_data(data_file, pages)
    result = SiteResult(summary=summary, data_file=data_file, pages=count)
    if front_matter:
        _edit_front_matter(site, pages, result)
        result.head = ("front matter: Hugo's own opengraph and twitter_cards templates (and themes built on them) "
                       "read it")
    else:
        head = wire_head(site)
        result.head = "\n".join(head.done + [f"to do: {line}" for line in head.todo]) or \
            "every page's share tags come from layouts/partials/quotecards.html"
    return result


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _page_key(site: HugoSite, post: Path) -> str:
    """The page as the partial finds it: its .Lang and its .File.Path, the path below its language's
    content folder as found there, not resolved (a linked post is a page where its link is). One
    key for every page, so that content/x.md and content/en/x.md are never taken for each other."""
    for folder, lang in site.lang_dirs:
        if post.is_relative_to(folder):
            return f"{lang or site.default_key}/{post.relative_to(folder).as_posix()}"
    parts = post.name.split(".")
    named = parts[-2].lower() if len(parts) > 2 else ""
    lang = named if named in site.languages else site.default_key
    return f"{lang}/{post.relative_to(site.content).as_posix()}"


def _edit_front_matter(site: HugoSite, pages: dict[str, Entry], result: SiteResult) -> None:
    inside = site.content.resolve()

    def edit(post: Path, url: str) -> str:
        if not post.resolve().is_relative_to(inside):  # a link to a file elsewhere is not ours to edit
            raise EditError(post, "images", f"a link to {post.resolve()}, outside {site.content}; not edited")
        return set_image(post, url)

    edit_posts(pages, result, edit)
