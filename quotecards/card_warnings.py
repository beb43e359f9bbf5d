"""What a card had to do differently, as types: a kind from a small fixed set, and a sentence.

The build summary counts by kind, the gallery flags by kind, the manifest records both; nothing
downstream reads the sentence to learn what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CardWarning", "FLAGGED", "Kind"]


class Kind(StrEnum):
    """What a card had to do differently: the kinds a warning may be of."""

    NO_IMAGE = "no image"  # the post names no featured image
    IMAGE_UNAVAILABLE = "image unavailable"  # it names one that could not be fetched or decoded
    DATE_UNREADABLE = "date unreadable"
    LANG_UNREADABLE = "language unreadable"  # the post's lang is no language code: left out
    SLUG_TAKEN = "slug taken"  # another post of the run had the slug: numbered
    SHORTENED = "shortened"  # text cut with an ellipsis to fit its box
    MISSING_GLYPHS = "missing glyphs"  # no face has a character
    LOW_CONTRAST = "low contrast"
    DECORATION_LEFT_OUT = "decoration left out"  # a decorative mark did not fit its box
    TEXT_LEFT_OUT = "text left out"  # a secondary text (section, byline, …) did not fit its box at all
    LONG_QUOTE = "long quote"  # more words than a card reads well with
    STEPPED_DOWN = "stepped down"  # the quote did not fit its layout: a roomier one was used
    ALT_TEXT_LONG = "alt text long"  # longer than some networks show, or cut to what they accept
    SMALL_PHOTO = "small photo"  # too small to fill the canvas: set beside the text instead (photo_aside_layout)
    SUBJECT_COVERED = "subject covered"  # the text would sit on the photo's subject: set beside it instead
    SUBJECT_CROPPED = "subject cropped"  # the photo's subjects do not fit the canvas whole: set beside the text
    HEAVY_VEIL = "heavy veil"  # the text would need the photo greyed to be read: set beside it instead
    HEADLINE_INSTEAD = "headline instead"  # the quote fits no layout legibly: the page's headline card instead


# The kinds the gallery puts a red flag on, with the flag's words.
FLAGGED = {Kind.IMAGE_UNAVAILABLE: "fallback image", Kind.NO_IMAGE: "no image", Kind.SHORTENED: "shortened",
           Kind.LOW_CONTRAST: "low contrast", Kind.MISSING_GLYPHS: "missing glyphs"}


@dataclass(frozen=True)
class CardWarning:
    """What one card had to do differently: its kind, and a sentence saying what and why."""

    kind: Kind
    message: str

    def __str__(self) -> str:
        return self.message
