"""Where a line may break, by the Unicode line-breaking rules (UAX #14) as ICU implements them,
and where a headline setter would let it.

ICU rather than splitting at spaces: Thai writes no spaces between words (ICU breaks it by
dictionary), CJK may break between most characters but never before closing punctuation such
as 。」、 (kinsoku), and no-break spaces and hyphens need their own rules. ICU's rules are
maintained with Unicode itself; ours would not be.

On top of them, only ever taking opportunities away:
- Japanese, Chinese and Thai break between phrases, as BudouX (Google's small phrase model, the
  one Chrome's `word-break: auto-phrase` uses) reads them: 国民の|皆さまが、 not 国|民. Chinese
  also keeps ICU's dictionary words whole (a break must suit both: 浏览器, 最佳化), and a lone
  first character stays with what follows (無障礙性). Thai keeps a word that opens a clause
  after a space with the next one (แต่ never ends a line).
- Vietnamese, which spaces its syllables, keeps each word's syllables together (kiên quyết,
  lãnh thổ), as underthesea's word segmenter reads them.
- No line opens with a dash, an ellipsis or closing punctuation; an emoji stays with the word it
  follows; `HTTP/2`, `24/7` and `e-mail` stay whole; Korean breaks only at spaces.
A piece that then cannot fit a line is broken by the plain rules again (typeset's `_break_wide`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import icu

__all__ = ["graphemes", "locale_for", "segments", "word_count"]


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
    """The locale to break `text` by, with the setter's rules for its language (`@lw=…`): Korean
    keeps words whole (it spaces them, like CSS word-break: keep-all), Japanese, Chinese and Thai
    break between phrases, Vietnamese between words; the CJK ones inferred from the text when
    the post is silent."""
    base = lang.split("-")[0].casefold()
    if not base:
        if any("\uac00" <= ch <= "\ud7af" for ch in text):
            base = "ko"
        elif any("\u3040" <= ch <= "\u30ff" for ch in text):
            base = "ja"
        elif any("\u4e00" <= ch <= "\u9fff" for ch in text):
            base = "zh"
    if base == "ko":
        return "ko@lw=keepall"
    if base in ("ja", "th"):
        return f"{base}@lw=phrase"
    if base == "zh":
        return f"{lang or 'zh'}@lw=words"
    if base == "vi":
        return "vi@lw=syllables"
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
        pieces = _within(pieces, _boundaries(text, _iterators.words(locale.replace("-", "_"))))
        pieces = _lone_first(_within(pieces, _phrase_bounds(text, locale)))
    elif mode == "lw=phrase":
        pieces = _merge(_within(pieces, _phrase_bounds(text, locale)), _splits_kana_ending)
        if locale.startswith("th"):
            pieces = _clause_openers_kept(pieces)
    elif mode == "lw=syllables":
        pieces = _merge_at(pieces, _inside_words(text))
    return _merge(pieces, _splits_a_unit) if mode else pieces


def word_count(text: str, lang: str = "") -> int:
    """How many words `text` has as a reader counts them: a line-breaking unit each (a phrase in
    Japanese and Chinese, which write no spaces), punctuation alone not counted."""
    return sum(1 for piece in segments(text, locale_for(text, lang)) if any(ch.isalnum() for ch in piece))


@lru_cache(maxsize=512)  # a run sets each text on every canvas and candidate: parsed once per text
def _phrase_bounds(text: str, locale: str) -> frozenset[int]:
    """The offsets between BudouX's phrases of `text`."""
    bounds, at = set(), 0
    for phrase in _phraser(_budoux_model(locale)).parse(text):
        at += len(phrase)
        bounds.add(at)
    return frozenset(bounds)


def _budoux_model(locale: str) -> str:
    tag = locale.casefold().replace("_", "-")
    if tag.startswith("zh"):
        return "zh-hant" if tag in ("zh-hant", "zh-tw", "zh-hk", "zh-mo") else "zh-hans"
    return tag.split("-")[0]


@lru_cache(maxsize=4)  # BudouX's four models (ja, zh-hans, zh-hant, th), each a small table
def _phraser(model: str) -> Any:
    import budoux  # here: only Japanese, Chinese and Thai text loads it

    load = {"ja": budoux.load_default_japanese_parser, "zh-hans": budoux.load_default_simplified_chinese_parser,
            "zh-hant": budoux.load_default_traditional_chinese_parser, "th": budoux.load_default_thai_parser}
    return load[model]()


_segmenter_lock = threading.Lock()


@lru_cache(maxsize=512)  # as _phrase_bounds: one segmentation per text in a run
def _inside_words(text: str) -> frozenset[int]:
    """Offsets inside a Vietnamese word: after each space between two syllables of one word."""
    with _segmenter_lock:  # underthesea loads its model on the first call, into a global
        from underthesea import word_tokenize  # here: only Vietnamese text loads it (and its CRF model)

        words = word_tokenize(text, use_token_normalize=False)
    inside, at = set(), 0
    for word in words:
        syllables = word.split(" ")
        start = text.find(syllables[0], at)
        if start < 0:
            continue
        at = start
        for syllable in syllables:
            found = text.find(syllable, at)
            if found < 0:
                break
            if found > start:
                inside.add(found)
            at = found + len(syllable)
    return frozenset(inside)


def _merge(pieces: list[str], keep: Callable[[str, str], bool]) -> list[str]:
    """`pieces` with each boundary where `keep(before, after)` holds taken away."""
    merged: list[str] = []
    for piece in pieces:
        if merged and keep(merged[-1], piece):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _within(pieces: list[str], allowed: frozenset[int] | list[int]) -> list[str]:
    """`pieces` joined wherever the boundary between them is not in `allowed` (a zero-width space
    is a break the setter put there itself, and stays one)."""
    allowed = frozenset(allowed)
    return _joined_at(pieces, lambda at, before: at not in allowed and not before.endswith("\u200b"))


def _merge_at(pieces: list[str], joined: frozenset[int]) -> list[str]:
    """`pieces` joined at each boundary in `joined`."""
    return _joined_at(pieces, lambda at, _before: at in joined)


def _joined_at(pieces: list[str], join: Callable[[int, str], bool]) -> list[str]:
    """`pieces` with the boundary at each offset where `join(offset, piece before)` holds taken away."""
    out: list[str] = []
    start = 0
    for piece in pieces:
        if out and join(start, out[-1]):
            out[-1] += piece
        else:
            out.append(piece)
        start += len(piece)
    return out


OPENING_PUNCTUATION = "\u201c\u2018\u300c\u300e\uff08\u3010(\"'"


def _lone_first(pieces: list[str]) -> list[str]:
    # A text's first character alone is a phrase only to a model without context before it
    # (無|障礙性 opening a headline): it stays with the phrase it opens.
    stem = pieces[0].lstrip(OPENING_PUNCTUATION) if len(pieces) > 1 else ""
    if len(stem) == 1 and _script(stem) == "han" and _script(pieces[1][:1]) == "han":
        return [pieces[0] + pieces[1], *pieces[2:]]
    return pieces


CLAUSE_OPENER = 3  # graphemes: a conjunction or particle, not a word that would rather end a line


def _clause_openers_kept(pieces: list[str]) -> list[str]:
    """Thai spaces between clauses, not words: the short word that opens a clause (แต่, และ,
    ว่า) stays with the word after it, so the break falls at the space."""
    out: list[str] = []
    opener = False  # the last piece opened a clause
    for i, piece in enumerate(pieces):
        if opener:
            out[-1] += piece
        else:
            out.append(piece)
        opener = i > 0 and not opener and pieces[i - 1][-1:].isspace() and len(graphemes(piece)) <= CLAUSE_OPENER
    return out


def _splits_kana_ending(before: str, after: str) -> bool:
    # A kanji or katakana stem followed by hiragana is one word with its ending or particle
    # (閉|まりません, コーヒー|を); a phrase boundary falls before the next stem instead.
    last, first = before[-1:], after[:1]
    return bool(last) and bool(first) and _script(first) == "hiragana" and _script(last) in ("han", "katakana")


def _splits_a_unit(before: str, after: str) -> bool:
    """Whether a break between `before` and `after` would split what a reader takes as one word,
    or open a line with a dash, an ellipsis or closing punctuation."""
    if after[:1] in LINE_OPENERS_NOT:
        return True
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


# Marks a line never opens with: dashes and the ellipsis (they belong to what came before, and at
# a line's head read as a list or a stutter) and closing punctuation.
LINE_OPENERS_NOT = "\u2014\u2013\u2026\u201d\u2019\u00bb\u203a)]}\u300d\u300f\uff09\u3001\u3002\uff0c!?;:"


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
    # Break only where there is a space (or a character that is itself a break, like a dash):
    # a particle after a closing mark is the quoted word's (“네”라고).
    merged: list[str] = []
    for piece in pieces:
        last = merged[-1][-1:] if merged else ""
        if merged and not last.isspace() and (last.isalnum() or last in LINE_OPENERS_NOT and piece[:1].isalnum()):
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
