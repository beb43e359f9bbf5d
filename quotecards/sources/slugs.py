"""A post's slug, the name its cards are written under: made safe for a file name, recognised
when read back from a file someone else may have written, and numbered when two posts of a run
or a build want the same one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["MAX_SLUG_BYTES", "is_slug", "numbered", "safe_slug"]

# A card's file name is the slug, maybe "-N", and ".webp"; it is written as ".NAME.xxxxxxxx.tmp"
# first. File systems allow 255 bytes a name: 200 leaves room for the rest in any script.
MAX_SLUG_BYTES = 200


def safe_slug(text: str, max_length: int = 120) -> str:
    """A file name that cannot leave its folder: letters, digits, '-' and '_' only, at most
    `max_length` characters and MAX_SLUG_BYTES bytes of UTF-8.

    Letters of any script are kept (NFC), so an Azerbaijani or Greek slug stays readable.
    """
    # İ lower-cases to i + a combining dot everywhere but in Turkish and Azerbaijani, the
    # languages that use it, where it is plain i.
    text = unicodedata.normalize("NFC", text.replace("\u0130", "i")).casefold()
    text = "".join(ch if _allowed(ch) else "-" for ch in text)  # drops '/', '\\', '.', spaces, controls
    text = re.sub(r"-{2,}", "-", text).strip("-_")[:max_length]
    return text.encode("utf-8")[:MAX_SLUG_BYTES].decode("utf-8", "ignore").rstrip("-_")


def is_slug(text: str) -> bool:
    """Whether `text` is a slug quotecards could have made (numbered or not)."""
    return (0 < len(text.encode("utf-8")) <= MAX_SLUG_BYTES + 8 and text[0] not in "-_" and text[-1] not in "-_"
            and all(map(_allowed, text)))


def numbered(slug: str, taken: Callable[[str], bool]) -> str:
    """`slug`, or the first of slug-2, slug-3, … not `taken`: two posts with one slug would
    overwrite each other's cards, so the later one is numbered."""
    candidate, n = slug, 2
    while taken(candidate):
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _allowed(ch: str) -> bool:
    return ch.isalnum() or ch in "-_" or unicodedata.category(ch).startswith("M")
