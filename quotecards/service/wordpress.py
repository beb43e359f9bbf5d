"""A WordPress site's posts by slug, through its REST API, for cards by page.

`/og/harbour-ferry.png` is the post `GET {site}/wp-json/wp/v2/posts?slug=harbour-ferry&_embed=wp:featuredmedia`
answers with (WordPress answers a visitor with published posts only): its title and excerpt (HTML,
made text), its date, its featured image and that image's alt text (`_embedded`), and its `acf`
and `meta` fields, which the site's field map can name for a pull quote (`quote = "acf.pull_quote"`
in quotecards.toml). A post is asked for again once its answer is a minute old, so an edited post
gets its new card soon after, while a busy card costs WordPress one request a minute.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

from ..sources.post import Post, PostError, ReadOptions, post_from_meta

__all__ = ["MAX_ANSWER_BYTES", "REMEMBERED_POSTS", "WordPressPages"]

FRESH_SECONDS = 60.0
# Posts' answers kept at once: the busy pages' (each a few kilobytes), so that a crawler asking
# for every page of an archive cannot fill memory.
REMEMBERED_POSTS = 512
MAX_ANSWER_BYTES = 2 * 1024 * 1024  # a post's JSON is kilobytes; more is not WordPress answering
TIMEOUT = (5, 15)


class WordPressPages:
    def __init__(self, site: str, reading: ReadOptions):
        self.api = site.rstrip("/") + "/wp-json/wp/v2/posts"
        self.reading = reading
        self.session = requests.Session()
        self.remembered: OrderedDict[str, tuple[float, Post | None]] = OrderedDict()
        self.lock = threading.Lock()

    def find(self, slug: str) -> Post | None:
        """The published post with this slug, or None (none, or WordPress not answering as itself)."""
        with self.lock:
            known = self.remembered.get(slug)
        if known is not None and time.monotonic() - known[0] < FRESH_SECONDS:
            return known[1]
        post = self._asked(slug)
        with self.lock:
            self.remembered[slug] = (time.monotonic(), post)
            self.remembered.move_to_end(slug)
            while len(self.remembered) > REMEMBERED_POSTS:
                self.remembered.popitem(last=False)
        return post

    def _asked(self, slug: str) -> Post | None:
        try:
            with self.session.get(self.api, params={"slug": slug, "_embed": "wp:featuredmedia"}, timeout=TIMEOUT,
                                  stream=True) as answer:
                if answer.status_code != 200:
                    return None
                body = answer.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
            found = json.loads(body) if len(body) <= MAX_ANSWER_BYTES else None
        except (requests.RequestException, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return None
        if not isinstance(found, list) or not found or not isinstance(found[0], dict):
            return None
        if found[0].get("slug") != slug:  # an answer for another post is no answer
            return None
        try:
            post = post_from_meta(Path("wordpress") / f"{slug}.md", front_matter_of(found[0]), self.reading)
        except PostError:
            return None
        # A photo is a URL on the web: a path (from the media or a field an author fills in) would
        # be read from this machine's disk into a public card.
        if post.image and not post.image.lower().startswith(("https://", "http://")):
            post = replace(post, image=None)
        return post


def front_matter_of(post: dict[str, Any]) -> dict[str, Any]:
    """A REST API post as front matter the field map reads: its text made plain, its featured
    image's URL and alt text, its `acf` and `meta` fields as they are."""
    media = (post.get("_embedded") or {}).get("wp:featuredmedia") or [{}]
    image = media[0] if isinstance(media, list) and media and isinstance(media[0], dict) else {}
    meta: dict[str, Any] = {"title": _text(post.get("title")), "description": _text(post.get("excerpt")),
                            "date": post.get("date_gmt") or post.get("date"), "slug": post.get("slug"),
                            "featured_image": image.get("source_url"), "image_alt": image.get("alt_text")}
    for group in ("acf", "meta"):
        if isinstance(post.get(group), dict):
            meta[group] = post[group]
    return {key: value for key, value in meta.items() if value not in (None, "")}


def _text(field: object) -> str:
    """A rendered field's text: WordPress gives {"rendered": "<p>It&#8217;s&hellip;</p>"}."""
    rendered = field.get("rendered") if isinstance(field, dict) else field
    if not isinstance(rendered, str):
        return ""
    parser = _Text()
    parser.feed(rendered)
    parser.close()
    return " ".join(html.unescape("".join(parser.parts)).split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
