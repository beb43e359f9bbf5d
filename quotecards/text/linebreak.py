"""Where a line may break, by the Unicode line-breaking rules (UAX #14) as ICU implements them.

ICU rather than splitting at spaces: Thai writes no spaces between words (ICU breaks it by
dictionary), CJK may break between most characters but never before closing punctuation such
as 。」、 (kinsoku), and no-break spaces and hyphens need their own rules. ICU's rules are
maintained with Unicode itself; ours would not be.

On top of them, a headline setter's rules, which UAX #14 leaves open: Chinese breaks between
words (ICU's dictionary word segmentation), not inside 和平; Japanese keeps a kanji stem with its
kana ending (閉まりません); an emoji stays with the word it follows; `HTTP/2`, `24/7` and
`e-mail` stay whole. Each only removes opportunities: a piece that then cannot fit a line is
broken by the plain rules again (typeset's `_break_wide`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import icu

__all__ = ["graphemes", "locale_for", "phrase_bounds", "segments", "word_count"]


def _utf16_to_index(text: str) -> dict[int, int]:
    # ICU counts UTF-16 code units; Python counts code points. They differ past U+FFFF (emoji).
    table, unit = {0: 0}, 0
    for i, ch in enumerate(text):
        unit += 2 if ord(ch) > 0xFFFF else 1
        table[unit] = i + 1
    return table


class _Iterators(threading.local):
    """ICU line (and word) iterators by language, one set per thread.

    An iterator is built once per language (rule compilation is slow) and is stateful: setText
    and the walk over it must not interleave with another thread's, as they would in the live
    preview, which renders on several threads at once.
    """

    def __init__(self) -> None:
        self.by_lang: dict[str, icu.BreakIterator] = {}
        self.words_by_lang: dict[str, icu.BreakIterator] = {}

    def get(self, lang: str) -> icu.BreakIterator:
        iterator = self.by_lang.get(lang)
        if iterator is None:
            iterator = self.by_lang[lang] = icu.BreakIterator.createLineInstance(icu.Locale(lang or "en"))
        return iterator

    def words(self, lang: str) -> icu.BreakIterator:
        iterator = self.words_by_lang.get(lang)
        if iterator is None:
            iterator = self.words_by_lang[lang] = icu.BreakIterator.createWordInstance(icu.Locale(lang or "en"))
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
        elif any("\u4e00" <= ch <= "\u9fff" for ch in text):
            base = "zh"
    if base == "ko":
        return "ko@lw=keepall"  # ICU ignores keepall; segments() applies it
    if base == "ja":
        return "ja@lw=phrase"
    if base == "zh":
        return f"{lang or 'zh'}@lw=words"  # ours, not ICU's: segments() applies it
    return f"{lang}@lw=normal"


def segments(text: str, lang: str = "") -> list[str]:
    """`text` cut at every line-break opportunity; each piece keeps its trailing spaces.

    `lang` is a plain language tag (UAX #14 alone) or one from `locale_for` (a setter's rules too).
    """
    locale, _, mode = lang.partition("@")
    pieces = _split(text, _iterators.get(locale.replace("-", "_")))
    if mode == "lw=keepall":
        pieces = _keep_all(pieces)
    elif mode == "lw=words":
        pieces = _within_words(text, pieces, locale)
    elif mode == "lw=phrase":
        pieces = _merge(pieces, _splits_kana_ending)
    return _merge(pieces, _splits_a_unit) if mode else pieces


def word_count(text: str, lang: str = "") -> int:
    """How many words `text` has as a reader counts them: a line-breaking unit each (a phrase in
    Japanese and Chinese, which write no spaces), punctuation alone not counted."""
    return sum(1 for piece in segments(text, locale_for(text, lang)) if any(ch.isalnum() for ch in piece))


def phrase_bounds(text: str, lang: str) -> set[int] | None:
    """For Japanese (`lang` from locale_for), the offsets between phrases (ICU's phrase breaking,
    a stem kept with its ending): the breaks a setter prefers. Others may break inside a phrase
    at a cost, so a narrow line is not left half empty. None where every break is as good."""
    locale, _, mode = lang.partition("@")
    if mode != "lw=phrase":
        return None
    pieces = _merge(_split(text, _iterators.get(f"{locale}@lw=phrase".replace("-", "_"))), _splits_kana_ending)
    bounds, at = set(), 0
    for piece in pieces:
        at += len(piece)
        bounds.add(at)
    return bounds


def _merge(pieces: list[str], keep: Callable[[str, str], bool]) -> list[str]:
    """`pieces` with each boundary where `keep(before, after)` holds taken away."""
    merged: list[str] = []
    for piece in pieces:
        if merged and keep(merged[-1], piece):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _within_words(text: str, pieces: list[str], locale: str) -> list[str]:
    # Chinese writes no spaces, and UAX #14 allows a break between any two ideographs: 和|平.
    words = set(_boundaries(text, _iterators.words(locale.replace("-", "_"))))
    out: list[str] = []
    start = 0
    for piece in pieces:
        if out and start not in words:
            out[-1] += piece
        else:
            out.append(piece)
        start += len(piece)
    return out


def _splits_kana_ending(before: str, after: str) -> bool:
    # A kanji or katakana stem followed by hiragana is one word with its ending or particle
    # (閉|まりません, コーヒー|を); a phrase boundary falls before the next stem instead.
    last, first = before[-1:], after[:1]
    return bool(last) and bool(first) and _script(first) == "hiragana" and _script(last) in ("han", "katakana")


def _splits_a_unit(before: str, after: str) -> bool:
    """Whether a break between `before` and `after` would split what a reader takes as one word."""
    if before[-1:].isspace() or not after:
        return _is_emoji(after[:1]) and bool(before.strip())  # "we won 🎉": the emoji stays with "won"
    if _is_emoji(after[:1]):
        return True  # "Hurrah🎉"
    if before.endswith("/") and after[:1].isalnum():
        return True  # HTTP/2, 24/7, and/or
    if before[-1:] in "-\u2010" and after[:1].isalpha():
        # A hard hyphen may break a long compound, not e-mail, X-ray or re-run.
        left = before[:-1].split()[-1:] or [""]
        return len(left[0]) <= 2 or len(after.strip()) <= 3
    return False


def _is_emoji(ch: str) -> bool:
    return bool(ch) and (icu.Char.hasBinaryProperty(ch, icu.UProperty.EXTENDED_PICTOGRAPHIC)
                         or 0x1F1E6 <= ord(ch) <= 0x1F1FF)


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x3040 <= code <= 0x309F:
        return "hiragana"
    if 0x30A0 <= code <= 0x30FF:
        return "katakana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or ch == "\u3005":
        return "han"
    return ""


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
    pieces, start = [], 0
    for end in _boundaries(text, iterator):
        if end > start:
            pieces.append(text[start:end])
        start = end
    return pieces


def _boundaries(text: str, iterator: icu.BreakIterator) -> list[int]:
    iterator.setText(text)
    table = _utf16_to_index(text)
    return [table[boundary] for boundary in iterator]
