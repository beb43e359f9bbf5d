"""The card's tags in a page MkDocs built: one og:image, one twitter:card, one twitter:image.

The card's tags (og:image and its og:image:* facts, twitter:card, twitter:image and its
twitter:image:*) are ours: any the theme or another plugin already wrote into the page's <head>
(a theme override's og:image, Material's social plugin) are taken out, whatever their quoting or
their property=/name= spelling, and ours put in their place. The page's other Open Graph facts
(og:title, og:url, og:description, og:type) are the theme's where it writes them, and added
where it writes none. A page whose tags come from a script in its <head>, which no edit of the
HTML can take out, or that has no end to its <head>, is left as it is: `HeadError` says what to
change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from ..errors import QuotecardsError

__all__ = ["CardImage", "HeadError", "PageFacts", "with_card_tags"]


class HeadError(QuotecardsError):
    """A page whose <head> cannot take the card's tags without keeping two of them."""


@dataclass(frozen=True)
class CardImage:
    """The card as the page's tags name it."""

    url: str
    mime: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class PageFacts:
    """What the page says of itself, for the Open Graph tags the theme may not write."""

    title: str
    url: str  # absolute; "" where the site has no site_url
    description: str
    kind: str  # og:type: "article" (a dated post) or "website"


_OWNED = re.compile(r"og:image(:.*)?|twitter:card|twitter:image(:.*)?")
# Markup whose insides are no tags: text, scripts, comments. Their insides are blanked before
# tags are looked for, so a `<meta` in a script's string or a comment is not taken for one.
_OPAQUE = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|template|textarea|title)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
                     r".*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
# A <meta> tag, with its line's indent and end: taking it out leaves no blank line.
_META = re.compile(r"(?:(?<=\n)[ \t]*)?(?P<tag><meta\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)[ \t]*\n?", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_IN_SCRIPT = re.compile(r"og:image|twitter:card|twitter:image", re.IGNORECASE)
# What a script does to write a tag; one that only reads a card tag (an analytics snippet) is no matter.
_WRITES = re.compile(r"createElement\(\s*[\"'`]meta|setAttribute\(|\.content\s*=(?!=)|document\.write|innerHTML\s*="
                     r"|insertAdjacentHTML|\.append(?:Child)?\(", re.IGNORECASE)


def with_card_tags(html: str, card: CardImage, page: PageFacts) -> str:
    """`html` with the card's tags in its <head> in place of any there, and the page's Open Graph
    facts where it has none; HeadError where that cannot be done safely."""
    masked = _OPAQUE.sub(_blanked, html)
    end = _HEAD_END.search(masked)
    if end is None:
        raise HeadError("", "<head>", "the page's HTML has no </head> or <body>: the theme's template must close "
                                      "its <head> for the card's tags to go in")
    scripts = (m.group() for m in _OPAQUE.finditer(html, 0, end.start()) if m.group(1))
    if any(_IN_SCRIPT.search(script) and _WRITES.search(script) for script in scripts):
        raise HeadError("", "og:image", "the theme writes its own card tags from a script in <head>, which "
                                        "quotecards cannot take out: remove them from the theme's template (or its "
                                        "override) and quotecards writes the page's one og:image")
    theirs: list[tuple[int, int]] = []
    present: set[str] = set()
    for tag in _META.finditer(masked, 0, end.start()):
        keys = _keys(tag.group("tag"))
        if any(_OWNED.fullmatch(key) for key in keys):
            theirs.append(tag.span())
        present.update(keys)
    tags = "".join(f"{line}\n" for line in [*_card_lines(card), *_page_lines(page, present)])
    kept, at = [], 0
    for start, stop in theirs:
        kept.append(html[at:start])
        at = stop
    return "".join([*kept, html[at:end.start()], tags, html[end.start():]])


def _blanked(match: re.Match[str]) -> str:
    """The opaque part with its insides blanked: the same length, so places in it stay places in the page."""
    text = match.group()
    if match.group(1) is None:
        return " " * len(text)
    opening = text.index(">") + 1
    return text[:opening] + re.sub(r"[^\n]", " ", text[opening:])


def _keys(tag: str) -> set[str]:
    """What a <meta> tag is the value of: its property= and name=, in lower case."""
    keys = set()
    for attribute in _ATTRIBUTE.finditer(tag, len("<meta")):
        name, value = attribute.group(1).casefold(), attribute.group(2)
        if name in ("property", "name") and value:
            # An unquoted value runs into a closing "/>": no key ends with a slash.
            keys.add(unescape(value.strip("\"'").rstrip("/")).strip().casefold())
    return keys


def _card_lines(card: CardImage) -> list[str]:
    return [
        _tag("property", "og:image", card.url),
        _tag("property", "og:image:type", card.mime),
        _tag("property", "og:image:width", str(card.width)),
        _tag("property", "og:image:height", str(card.height)),
        _tag("property", "og:image:alt", card.alt),
        _tag("name", "twitter:card", "summary_large_image"),
        _tag("name", "twitter:image", card.url),
        _tag("name", "twitter:image:alt", card.alt),
    ]


def _page_lines(page: PageFacts, present: set[str]) -> list[str]:
    wanted = (("og:type", page.kind), ("og:title", page.title), ("og:url", page.url),
              ("og:description", page.description))
    return [_tag("property", key, value) for key, value in wanted if value and key not in present]


def _tag(attribute: str, key: str, value: str) -> str:
    return f'<meta {attribute}="{key}" content="{escape(value)}">'
