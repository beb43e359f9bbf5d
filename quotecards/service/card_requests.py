"""A card asked for over HTTP: its parameters checked, the post it stands for, and its store key.

Two kinds of request: a card by parameters (`/card?title=…&quote=…&sig=…`), whose text is the
request's own and so must be signed; and a card by page (`/og/harbour-ferry.png`), whose text is
a post the site's folder holds. Either becomes one `CardRequest`: the post, the platform and the
format, and the key that names its bytes in the store — everything that changes the card, so a
changed post or setting is a new key and an unchanged one is never drawn twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..draw.platforms import PLATFORMS
from ..formats import FORMATS
from ..sources.post import MAX_ATTRIBUTION_CHARS, MAX_FIELD_CHARS, MAX_QUOTE_CHARS, NOT_TEXT, Post, card_fields
from ..sources.slugs import safe_slug
from .signing import SIGNATURE

__all__ = ["CARD_PARAMS", "MAX_IMAGE_URL_CHARS", "CardRequest", "ParamError", "by_params", "card_key"]

MAX_IMAGE_URL_CHARS = 2000
# Each parameter a card URL may carry, and the most characters it may have.
CARD_PARAMS = {"title": MAX_FIELD_CHARS["title"], "quote": MAX_QUOTE_CHARS, "attribution": MAX_ATTRIBUTION_CHARS,
               "citation": MAX_FIELD_CHARS["citation"], "description": MAX_FIELD_CHARS["description"],
               "image": MAX_IMAGE_URL_CHARS, "layout": 64, "platform": 32, "format": 8, "lang": 35,
               SIGNATURE: 64}


class ParamError(ValueError):
    """A request parameter that cannot be used: the service answers 400 naming it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class CardRequest:
    post: Post
    platform: str
    format: str  # a key of formats.FORMATS


def by_params(params: Mapping[str, str], default_format: str) -> CardRequest:
    """The card a signed URL asks for; ParamError naming the first parameter that cannot be used."""
    for name, value in params.items():
        if name not in CARD_PARAMS:
            raise ParamError(name, "not a card parameter (have: " + ", ".join(sorted(CARD_PARAMS)) + ")")
        if len(value) > CARD_PARAMS[name]:
            raise ParamError(name, f"{len(value):,} characters; at most {CARD_PARAMS[name]:,}")
        if NOT_TEXT.search(value):
            raise ParamError(name, "contains characters that are not text")
    quote, title = params.get("quote", "").strip(), params.get("title", "").strip()
    if not quote and not title:
        raise ParamError("quote", "a card needs a quote or a title")
    image = params.get("image", "").strip()
    if image:
        _check_url(image)
    post = Post(source=Path("card.md"), slug=safe_slug(title or quote)[:60] or "card", quote=quote,
                attribution=params.get("attribution", "").strip(), citation=params.get("citation", "").strip(),
                image=image or None, image_alt="", title=title, description=params.get("description", "").strip(),
                date=None, section="", layout=params.get("layout", "").strip(), lang=params.get("lang", "").strip(),
                kind="quote" if quote else "headline")
    return CardRequest(post, platform_of(params.get("platform", "og")), format_of(params.get("format"),
                                                                                  default_format))


def _check_url(image: str) -> None:
    """An http(s) URL with a host that can be named and a port that can be: else a 400, not a
    card drawn without its photo (or a failure deep in the HTTP stack)."""
    try:
        parts = urlsplit(image)
        port = parts.port  # raises for a port past 65535 or no number
        host = parts.hostname or ""
        host.encode("idna")  # raises for an empty label ("a..b") or one past 63 characters
    except (ValueError, UnicodeError):
        raise ParamError("image", "not a URL that can be fetched") from None
    if parts.scheme.lower() not in ("http", "https") or not host or port == 0:
        raise ParamError("image", "expected an http(s) URL of a photo")


def platform_of(name: str) -> str:
    if name not in PLATFORMS:
        raise ParamError("platform", f"no platform named {name[:32]!r} (have: {', '.join(PLATFORMS)})")
    return name


def format_of(name: str | None, default: str) -> str:
    chosen = name or default
    if chosen not in FORMATS:
        raise ParamError("format", f"no format named {chosen[:8]!r} (have: {', '.join(FORMATS)})")
    return chosen


def card_key(settings: str, request: CardRequest, roots: tuple[Path, ...] = ()) -> str:
    """The name of the card's bytes in the store: the service's settings (tool, layouts, fonts,
    config), the post's fields, the platform and the format; and a local photo's size and time,
    so that a photo replaced under the same name is a new card."""
    fields = card_fields(request.post, request.post.slug)
    photo = _local_photo(request.post, roots)
    text = json.dumps([settings, fields, request.platform, request.format, photo], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _local_photo(post: Post, roots: tuple[Path, ...]) -> list[int] | None:
    ref = post.image or ""
    if not ref or "://" in ref:
        return None
    for folder in (post.source.parent, *roots):
        try:
            stat = (folder / ref.lstrip("/")).stat()
        except OSError:
            continue
        return [stat.st_size, stat.st_mtime_ns]
    return None
