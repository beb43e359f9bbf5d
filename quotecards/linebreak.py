"""Where a line may break, by the Unicode line-breaking rules (UAX #14) as ICU implements them.

ICU rather than splitting at spaces: Thai writes no spaces between words (ICU breaks it by
dictionary), CJK may break between most characters but never before closing punctuation such
as 。」、 (kinsoku), and no-break spaces and hyphens need their own rules. ICU's rules are
maintained with Unicode itself; ours would not be.
"""

from __future__ import annotations

import threading

import icu


def _utf16_to_index(text: str) -> dict[int, int]:
    # ICU counts UTF-16 code units; Python counts code points. They differ past U+FFFF (emoji).
    table, unit = {0: 0}, 0
    for i, ch in enumerate(text):
        unit += 2 if ord(ch) > 0xFFFF else 1
        table[unit] = i + 1
    return table


class _Iterators(threading.local):
    """ICU line iterators by language, one set per thread.

    An iterator is built once per language (rule compilation is slow) and is stateful: setText
    and the walk over it must not interleave with another thread's, as they would in the live
    preview, which renders on several threads at once.
    """

    def __init__(self) -> None:
        self.by_lang: dict[str, icu.BreakIterator] = {}

    def get(self, lang: str) -> icu.BreakIterator:
        iterator = self.by_lang.get(lang)
        if iterator is None:
            iterator = self.by_lang[lang] = icu.BreakIterator.createLineInstance(icu.Locale(lang or "en"))
        return iterator


_iterators = _Iterators()


def locale_for(text: str, lang: str = "") -> str:
    """The ICU locale to break `text` by: Korean keeps words whole (it spaces them, like CSS
    word-break: keep-all) and Japanese breaks between phrases rather than between any two
    characters, as a headline setter would; both inferred from the text when the post is silent.
    """
    base = lang.split("-")[0].casefold()
    if not base:
        if any("\uac00" <= ch <= "\ud7af" for ch in text):
            base = "ko"
        elif any("\u3040" <= ch <= "\u30ff" for ch in text):
            base = "ja"
    if base == "ko":
        return "ko@lw=keepall"  # ICU ignores keepall; segments() applies it
    if base == "ja":
        return "ja@lw=phrase"
    return lang


def segments(text: str, lang: str = "") -> list[str]:
    """`text` cut at every line-break opportunity; each piece keeps its trailing spaces."""
    pieces = _split(text, _iterators.get(lang.replace("-", "_")))
    if "lw=keepall" in lang:
        pieces = _keep_all(pieces)
    return pieces


def _keep_all(pieces: list[str]) -> list[str]:
    # Break only where there is a space (or a character that is itself a break, like a dash).
    merged: list[str] = []
    for piece in pieces:
        if merged and not merged[-1][-1:].isspace() and merged[-1][-1:].isalnum():
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def graphemes(text: str) -> list[str]:
    """User-perceived characters: a base with its marks, a flag, an emoji ZWJ sequence."""
    return _split(text, icu.BreakIterator.createCharacterInstance(icu.Locale("en")))


def _split(text: str, iterator: icu.BreakIterator) -> list[str]:
    iterator.setText(text)
    table = _utf16_to_index(text)
    pieces, start = [], 0
    for boundary in iterator:
        end = table[boundary]
        if end > start:
            pieces.append(text[start:end])
        start = end
    return pieces
