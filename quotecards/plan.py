"""Post × layout × platform → CardSpec: everything the renderer needs, and nothing it must fetch."""

from __future__ import annotations

from dataclasses import dataclass

from . import typeset
from .layout import Layout
from .platforms import Platform
from .post import Post


@dataclass(frozen=True)
class CardSpec:
    slug: str
    texts: dict[str, str]  # layer source (quote, attribution, …) → text ready to set
    layout: Layout
    platform: Platform

    @property
    def size(self) -> tuple[int, int]:
        return (self.platform.width, self.platform.height)


def plan_card(post: Post, layout: Layout, platform: Platform, slug: str | None = None) -> CardSpec:
    texts = {
        "quote": typeset.strip_quote_marks(typeset.clean(post.quote)),
        "attribution": typeset.clean(post.attribution),
        "title": typeset.clean(post.title),
        "citation": typeset.clean(post.citation),
        "section": typeset.clean(post.section),
    }
    return CardSpec(slug=slug or post.slug, texts=texts, layout=layout, platform=platform)
