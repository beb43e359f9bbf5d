"""What a run records of its cards and failures: the manifest's records, and the build state's.
Apart from the rendering, so that reading them back (a build with nothing to draw, a site
generator's data file) loads none of it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .card_warnings import CardWarning
from .formats import EXTENSIONS
from .sources.slugs import is_slug


@dataclass
class CardRecord:
    """One card as manifest.json records it (its keys keep their meaning as new ones are added)."""

    post: str
    slug: str
    platform: str
    layout: str
    path: str  # relative to the output folder, with forward slashes
    width: int
    height: int
    bytes: int
    font_size: int  # of the text the card is read for: the quote, or a headline card's title
    lines: list[str]
    warnings: list[str]  # each a sentence: what fell back, and why
    warning_kinds: list[str]  # the kind of each warning, in the same order (card_warnings.Kind)
    attribution_lines: list[str]
    image: str  # render.Background: "photo" or "fallback"
    contrast: float | None
    encode: str
    missing_glyphs: list[str]
    fonts_used: list[str]  # every face that drew text on the card, "Family weight"
    text_box: list[int] | None  # the quote as drawn: x, y, w, h in px, hanging mark included
    overflow: bool  # some text was shortened with an ellipsis to fit its box
    focus: list[float] | None  # the point of the photo the crop is centred on, 0–1 across and down
    focus_source: str  # render.FocusSource: "post" (featured_image.focal_point), "auto" (the most detail), ""
    layout_source: str  # LayoutSource: why this layout: "post" (quotecard.layout), "section", "site", "no image"
    sha256: str  # of the PNG's bytes: a version for URLs, so a changed card is fetched again
    title: str  # the post's, for people browsing the cards
    date: str | None
    alt: str  # the card's text for screen readers: the quote and who said it
    format: str = "png"  # png, jpeg, webp or avif
    mime: str = "image/png"
    quality: int | None = None  # the lossy formats' quality (a byte budget may have lowered it)
    kind: str = "quote"  # post.CardKind: "quote", or "headline" for a page without a quote
    lang: str = ""  # the language the card was set in
    lang_source: str = ""  # language.LangSource: "post", "folder", "file name", "text", "site" or ""
    # Composition (photo cards): what part of the photo was shown and where, what was found in it,
    # where every text layer's ink is, and which arrangement of the text won.
    crop: list[int] | None = None  # the photo's part shown: x, y, w, h in its own pixels, upright
    photo_box: list[int] | None = None  # where that part lands on the card: x, y, w, h
    subjects: list[dict[str, Any]] = field(default_factory=list)  # {kind, source, box: [x, y, w, h]} on the card
    text_boxes: dict[str, list[int]] = field(default_factory=dict)  # layer source → its ink: x, y, w, h
    placement: dict[str, Any] = field(default_factory=dict)  # {candidate, score, scores: {name: score or None}}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardRecord:
        """A record as a manifest or a build's state holds it; keys an older version did not write get defaults."""
        values: dict[str, Any] = {f.name: data.get(f.name, _DEFAULTS.get(f.name)) for f in fields(cls)}
        return cls(**values)

    def add_warning(self, warning: CardWarning, first: bool = False) -> None:
        at = 0 if first else len(self.warnings)
        self.warnings.insert(at, warning.message)
        self.warning_kinds.insert(at, warning.kind.value)


# What a record from an older version lacks stands for "not known".
_DEFAULTS: dict[str, Any] = {"lines": [], "warnings": [], "warning_kinds": [], "attribution_lines": [],
                             "missing_glyphs": [], "fonts_used": [], "overflow": False, "focus_source": "",
                             "layout_source": "", "sha256": "", "title": "", "alt": "", "encode": "", "image": "",
                             "subjects": [], "text_boxes": {}, "placement": {}}


@dataclass
class ErrorRecord:
    """A post that made no card (or not all of them), and why, in one line naming the file."""

    post: str
    error: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def card_path(record: object) -> str | None:
    """The record's `path` where it is one quotecards could have written, else None.

    Records are read back from files another party may have written: a CI cache carrying the
    store, a shard's part, a build's state. Such a path is trusted only in the one shape a card
    has, PLATFORM/SLUG.EXT below the output folder (the platform the record names, a slug as
    sources/slugs.py makes one, a card format's extension), so no record can name `../x`, `/etc/x`
    or a file that is not a card."""
    if not isinstance(record, Mapping):
        return None
    path, platform = record.get("path"), record.get("platform")
    if not (isinstance(path, str) and isinstance(platform, str) and _PLATFORM.fullmatch(platform)):
        return None
    folder, _, name = path.partition("/")
    stem, dot, extension = name.rpartition(".")
    if folder != platform or not dot or extension not in EXTENSIONS or not is_slug(stem):
        return None
    return path


_PLATFORM = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

__all__ = ["CardRecord", "ErrorRecord", "card_path"]
