"""Whether a page is public, decided as Hugo decides it: a draft, a page whose publish date is
still to come, one past its expiry date, or one the site does not render gets no public card;
nor does a page whose permalink (Eleventy's, Jekyll's) makes it the 404 page or a file that is
not HTML (a feed, a sitemap): a page that is rendered but not shared.

Hugo's flags (`--buildDrafts`, `--buildFuture`, `--buildExpired`) have their counterparts in
`Publishing`, so a preview build can include what a production build leaves out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .fields import lookup

__all__ = ["DRAFT_KEYS", "Publishing", "Unpublished", "expiry", "unpublished"]

# "not rendered": the generator makes no page of it (Hugo's build options and headless bundles,
# Eleventy's `permalink: false`); "untitled": a page with nothing to set, on a site whose
# generator shows no title for it either; "error page": the site's 404 page (`permalink:
# 404.html`), which no one shares; "not HTML": a permalink to a feed, a sitemap, a JSON file,
# which has no <head> for a card.
Unpublished = Literal["draft", "future", "expired", "not rendered", "untitled", "error page", "not HTML"]
# A page is a draft by `draft: true` (Hugo, Eleventy's base blog) or `published: false` (Jekyll).
DRAFT_KEYS = ("draft", "published")
_DATE_KEYS = ("publishDate", "pubdate", "pubDate", "published", "date")


@dataclass(frozen=True)
class Publishing:
    drafts: bool = False  # like hugo --buildDrafts
    future: bool = False  # like hugo --buildFuture
    expired: bool = False  # like hugo --buildExpired
    now: dt.datetime | None = None  # None: the time of the check


def unpublished(meta: Mapping[str, Any], rules: Publishing) -> Unpublished | None:
    """Why the page has no public card, or None when it is public."""
    now = rules.now or dt.datetime.now(dt.UTC)
    if not rules.drafts and (_flag(meta.get(DRAFT_KEYS[0])) is True or _flag(meta.get(DRAFT_KEYS[1])) is False):
        return "draft"
    if _render_never(meta):
        return "not rendered"
    served = _served_as(meta.get("permalink"))
    if served:
        return served
    publish = next((d for d in (_when(meta.get(k)) for k in _DATE_KEYS) if d is not None), None)
    if not rules.future and publish is not None and publish > now:
        return "future"
    expires = expiry(meta)
    if not rules.expired and expires is not None and expires <= now:
        return "expired"
    return None


def expiry(meta: Mapping[str, Any]) -> dt.datetime | None:
    """When the page stops being public, if it says."""
    return _when(meta.get("expiryDate") or meta.get("expirydate") or meta.get("unpublishdate"))


def _flag(value: object) -> bool | None:
    """A yes/no value as the generators read it: a boolean, or its text ("true", as Hugo casts it)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in ("true", "false"):
        return value.strip().casefold() == "true"
    return None


def _render_never(meta: Mapping[str, Any]) -> bool:
    if _flag(meta.get("headless")) is True or meta.get("permalink") is False:
        return True
    for key in ("_build.render", "build.render"):
        value = lookup(meta, key)
        # "link": Hugo gives the page a URL but writes no page there.
        if value is False or (isinstance(value, str) and value.casefold() in ("never", "false", "link")):
            return True
    return False


_ERROR_PAGE = re.compile(r"(?:^|/)404(?:\.html?|/(?:index\.html?)?)$", re.IGNORECASE)
_NOT_HTML = re.compile(r"\.(?:xml|rss|atom|json|txt|css|js|mjs|svg|ics|csv|webmanifest|map|ya?ml|toml|pdf)$",
                       re.IGNORECASE)


def _served_as(permalink: object) -> Unpublished | None:
    """What a page's permalink (Eleventy's, Jekyll's) makes of it, when that is no page to share."""
    if not isinstance(permalink, str):
        return None
    path = permalink.strip().split("?")[0].split("#")[0]
    if _ERROR_PAGE.search(path):
        return "error page"
    return "not HTML" if _NOT_HTML.search(path) else None


def _when(value: object) -> dt.datetime | None:
    """A front-matter date as an aware datetime (a bare day or a naive time counts as UTC)."""
    if isinstance(value, dict):  # MkDocs Material's {created: …, updated: …}: public from its creation
        value = value.get("created")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
