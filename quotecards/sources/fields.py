"""Where each card field is in a site's front matter: a path per field, tried in order.

Sites name things differently — `featured_quote: {quote: …}` or `featured_quote: "…"`,
`pullquote`, `cover.image`, `image`, `authors[0]`, `params.…` — so each card field has a list of
front-matter paths (dotted keys, `[n]` for a list item). The defaults cover Hugo, Jekyll and
WordPress-export conventions; a site's `[fields]` table puts its own paths first. The path that
gave each value is kept, so `quotecards fields POST` can say where everything came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CARD_FIELDS", "OWN_CARDS", "find", "lookup", "merged", "parse_path"]

# Where `quotecards jekyll` serves its cards: an `image:` there is the card it wrote for
# jekyll-seo-tag, never a photo to make a card from.
OWN_CARDS = "/assets/quotecards/"

CARD_FIELDS = ("quote", "card_quote", "attribution", "citation", "image", "image_alt", "focal_point", "title",
               "description", "date", "section", "author", "tag", "lang", "layout", "aliases", "slug")

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "quote": ("featured_quote.quote", "featured_quote", "quote", "pullquote", "pull_quote", "params.quote"),
    # A shorter quote of the post's own for its cards, where the featured one runs long.
    "card_quote": ("quotecard.quote", "card_quote", "social_quote"),
    "attribution": ("featured_quote.summary", "featured_quote.attribution", "quote_attribution", "quote_author",
                    "params.quote_attribution"),
    "citation": ("featured_quote.citation", "quote_citation"),
    # Not `images`: that is where Hugo sites (and `quotecards hugo --front-matter`) put the og:image.
    "image": ("featured_image.image", "featured_image", "cover.image", "cover", "image", "feature_image",
              "featured_image_url", "thumbnail", "params.image"),
    "image_alt": ("featured_image.alt", "cover.alt", "image_alt", "cover.caption"),
    "focal_point": ("quotecard.focal_point", "featured_image.focal_point"),
    # A page named only in the site's menu; then the site's own title and description, which a
    # generator's site layer gives its pages as `_site` (a page without them is shown with those).
    "title": ("title", "params.title", "eleventyNavigation.key", "_site.title"),
    "description": ("description", "summary", "excerpt", "params.description", "_site.description"),
    # Hugo's own order (date, publishDate, pubDate, published), then other generators' and CMSs'
    # names; a value that is no date (WordPress's `published: true`) is passed over.
    "date": ("date", "publishDate", "publishdate", "pubDate", "pubdate", "published", "published_at",
             "date_published", "datePublished", "created"),
    "section": ("section", "categories[0]", "category"),
    # A name, a mapping with a name, or a list of either (PaperMod's `author: [...]`, `authors:`).
    "author": ("author", "authors", "params.author", "params.authors"),
    "tag": ("tags[0]", "keywords[0]", "tag", "params.tags[0]"),
    "lang": ("lang", "language", "languageCode", "locale"),
    "layout": ("quotecard.layout",),
    "aliases": ("aliases", "redirect_from"),
    "slug": ("slug",),
}

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> tuple[str | int, ...] | None:
    """`cover.image` → ("cover", "image"); `authors[0].name` → ("authors", 0, "name"); None if malformed."""
    steps: list[str | int] = []
    rest = path
    while rest:
        match = _STEP.match(rest)
        if not match:
            return None
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        rest = rest[match.end():]
        if rest.startswith("."):
            rest = rest[1:]
            if not rest:
                return None
    return tuple(steps) if steps else None


def lookup(meta: Mapping[str, Any], path: str) -> Any:
    """The value at `path`, or None where any step is missing or of another kind."""
    value: Any = meta
    for step in parse_path(path) or ():
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
    return value


@dataclass(frozen=True)
class Found:
    value: Any  # None: no path had a value
    path: str  # the path it came from, or "" when none did


def find(meta: Mapping[str, Any], paths: tuple[str, ...]) -> Found:
    """The first non-empty value along `paths`. A mapping that is only a container of an earlier
    path (`featured_quote` once `featured_quote.quote` was tried) is passed over, not taken."""
    for i, path in enumerate(paths):
        value = lookup(meta, path)
        if _empty(value):
            continue
        if isinstance(value, dict) and any(p.startswith(path + ".") for p in paths[:i]):
            continue
        return Found(value, path)
    return Found(None, "")


def _empty(value: Any) -> bool:
    """No value: None, blank text, an empty list or mapping, a list of nothing but those."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_empty(item) for item in value)
    return value is None or value == {}


def merged(site: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The site's paths first, then the defaults it did not name."""
    return {name: tuple(dict.fromkeys((*site.get(name, ()), *DEFAULT_FIELDS[name]))) for name in CARD_FIELDS}
