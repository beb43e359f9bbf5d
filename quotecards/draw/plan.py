"""Post × layout × platform → CardSpec: everything the renderer needs, and nothing it must fetch."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..sources.post import CardKind, Post
from ..text import textruns
from ..text.cleanup import clean, quotation, sentence_case
from ..text.dates import long_date
from .brand import Brand
from .layout import Layout
from .platforms import Platform

__all__ = ["CardSpec", "byline", "plan_card"]

FSI, PDI, LRM, RLM = "\u2068", "\u2069", "\u200e", "\u200f"


@dataclass(frozen=True)
class CardSpec:
    slug: str
    texts: dict[str, str]  # layer source (quote, attribution, …) → text ready to set
    layout: Layout
    platform: Platform
    lang: str = ""  # the post's language: CJK face variant, line-break and spacing rules
    focal_point: tuple[float, float] | None = None  # from the post; None: found in the photo
    brand: Brand = Brand()
    allow_shortening: bool = True  # False: a quote or attribution that does not fit raises DoesNotFit
    own_marks: bool = False  # the quote carries its own quotation marks: the card adds none
    kind: CardKind = "quote"  # a quote card, or the page's headline card

    @property
    def size(self) -> tuple[int, int]:
        return (self.platform.width, self.platform.height)


def plan_card(post: Post, layout: Layout, platform: Platform, slug: str | None = None,
              brand: Brand | None = None, allow_shortening: bool = True) -> CardSpec:
    brand = brand or Brand()
    if post.kind == "headline" and brand.logo is None and _same(post.title, brand.site_name):
        brand = replace(brand, site_name="")  # a home page titled as its site: the name once, as the title
    lang = post.lang
    date = long_date(post.date, lang)
    # A headline card sets no one's words: a long quote left for it is not set in its place.
    quoted = post.kind == "quote"
    quote, own_marks = quotation(clean(post.quote, lang), lang) if quoted else ("", False)
    author = clean(post.author, lang)
    texts = {
        "quote": quote,
        "attribution": clean(post.attribution, lang) if quoted else "",
        "title": clean(post.title, lang),  # as written: `strings.Contains` and `if` are not re-cased
        "citation": clean(post.citation, lang),
        "section": _section(post),
        "site": brand.site_name,
        "site_name": brand.site_name,
        "author": author,
        "date": date,
        "byline": byline(author, date, rtl=textruns.bidi_levels(quote or post.title or author)[1]),
        "description": clean(post.description, lang),
        "tag": clean(post.tag, lang),
    }
    return CardSpec(slug=slug or post.slug, texts=texts, layout=layout, platform=platform, lang=lang,
                    focal_point=post.focal_point, brand=brand, allow_shortening=allow_shortening,
                    own_marks=own_marks, kind=post.kind)


def _same(a: str, b: str) -> bool:
    return bool(a) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def byline(author: str, date: str, rtl: bool) -> str:
    """"Author · date". Where a direction is mixed in (a Persian date after a Latin name), each
    part is a bidi isolate in a line that runs the card's way, so no digit or word of a date is
    torn from its neighbours: "۲۰ اسفند ۱۳۹۷" stays one unit, read in its own order."""
    parts = [part for part in (author, date) if part]
    if not rtl and not any(level for part in parts for level in textruns.bidi_levels(part)[0]):
        return SEPARATOR.join(parts)
    return (RLM if rtl else LRM) + SEPARATOR.join(FSI + part + PDI for part in parts)


SEPARATOR = "\u00a0\u00b7 "  # the dot stays with the name before it: no line opens with it


def _section(post: Post) -> str:
    """The section label: as the post writes it, or a folder's name (`culture`) capitalised as a
    label — a folder's name is the site's file layout, not the post's words."""
    section = clean(post.section, post.lang)
    return section if "section" in dict(post.sources) else sentence_case(section, post.lang)
