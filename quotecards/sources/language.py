"""A post's language, decided once: the post's own field, else where the site puts it (a
`content/<lang>/` folder, a `post.<lang>.md` name), else the script its text is written in where
that script tells (kana, Hangul, Arabic, …), else the site's default, else — for Latin-script
text — the language an offline detector (lingua) reads in it. Quote marks, fonts, line breaking
and dates all read the one answer, in every command.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import icu

__all__ = ["LangSource", "content_folder", "decide", "detect_latin", "is_language_code"]

LangSource = Literal["post", "folder", "file name", "text", "site", ""]

_CODE = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z]{2,4})?$", re.IGNORECASE)
_UKRAINIAN = set("іїєґІЇЄҐ")


def is_language_code(code: str) -> bool:
    """`ja`, `zh-Hant`, `pt-BR`: a two-letter language ICU knows, with an optional script or region."""
    return bool(_CODE.match(code)) and _known(code.split("-")[0].split("_")[0].lower())


@lru_cache(maxsize=256)  # language subtags: a site's posts use a few dozen
def _known(base: str) -> bool:
    import icu  # here: a build that reads no post (nothing changed) never loads ICU

    return bool(icu.Locale(base).getISO3Language())


def content_folder(path: Path, content_dir: Path | None) -> Path | None:
    """The site's content folder, or, where no site says which that is, the folder named
    `content` that `path` is below (Hugo's, and most generators' name for it)."""
    return content_dir if content_dir is not None else next((f for f in path.parents if f.name == "content"), None)


def from_path(path: Path, content_dir: Path | None, languages: tuple[str, ...] = ()) -> tuple[str, LangSource]:
    """The language the site's layout gives `path`: `post.ja.md`, or `content/ja/…`."""
    suffixes = path.name.split(".")
    if len(suffixes) >= 3 and _allowed(suffixes[-2], languages):
        return _tag(suffixes[-2]), "file name"
    content_dir = content_folder(path, content_dir)
    if content_dir is not None:
        try:
            first = path.relative_to(content_dir).parts[0]
        except (ValueError, IndexError):
            return "", ""
        if first != path.name and _allowed(first, languages):
            return _tag(first), "folder"
    return "", ""


def _allowed(code: str, languages: tuple[str, ...]) -> bool:
    if languages:
        return code.lower() in {lang.lower() for lang in languages}
    return is_language_code(code)


def _tag(code: str) -> str:
    base, _, rest = code.replace("_", "-").partition("-")
    return base.lower() + (f"-{rest}" if rest else "")


def from_text(text: str) -> str:
    """The language a text's script tells for certain enough to set it by; "" for Latin (or none)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = _script(ch)
            counts[script] = counts.get(script, 0) + 1
    letters = sum(counts.values())
    if not letters:
        return ""
    if counts.get("kana"):
        return "ja"  # kana appears in Japanese alone, however much Han is around it
    script, n = max(((s, c) for s, c in counts.items() if s != "latin"), key=lambda item: item[1], default=("", 0))
    if not script or n * 3 < letters:  # mostly Latin: a Latin quote with a foreign name in it
        return ""
    if script == "han":
        return _chinese(text)
    if script == "cyrillic":
        return "uk" if any(ch in _UKRAINIAN for ch in text) else "ru"
    return {"hangul": "ko", "arabic": "ar", "hebrew": "he", "thai": "th", "devanagari": "hi", "georgian": "ka",
            "armenian": "hy", "greek": "el"}.get(script, "")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if "HIRAGANA" in name or "KATAKANA" in name:
        return "kana"
    if "CJK" in name:
        return "han"
    for script in ("HANGUL", "ARABIC", "HEBREW", "THAI", "DEVANAGARI", "GEORGIAN", "ARMENIAN", "GREEK", "CYRILLIC"):
        if name.startswith(script):
            return script.lower()
    return "latin"


@lru_cache(maxsize=1)  # one transliterator, made once
def _to_simplified() -> icu.Transliterator:
    import icu

    return icu.Transliterator.createInstance("Hant-Hans")


def _chinese(text: str) -> str:
    """Traditional if making it Simplified changes it; else Simplified."""
    return "zh-Hant" if _to_simplified().transliterate(text) != text else "zh-Hans"


def decide(post_lang: str, path: Path, content_dir: Path | None, languages: tuple[str, ...], text: str,
           site_default: str, lang_dirs: tuple[tuple[Path, str], ...] = (), more: str = "") -> tuple[str, LangSource]:
    """The post's language and where it came from, in the order the module's docstring gives:
    `text` is what the card sets (its script tells), `more` the rest of the post's words (a
    detector reads better with more)."""
    if post_lang:
        return post_lang, "post"
    for folder, code in lang_dirs:
        if path.is_relative_to(folder):
            return code, "folder"
    lang, source = from_path(path, content_dir, languages)
    if lang and (languages or _agrees(lang, f"{text} {more}", strict=source == "file name")):
        return lang, source
    lang = from_text(text)
    if lang:
        return lang, "text"
    if site_default:
        return site_default, "site"
    lang = detect_latin(f"{text} {more}")
    return (lang, "text") if lang else ("", "")


def _agrees(lang: str, text: str, strict: bool) -> bool:
    """Whether a folder or file name's language code is the text's, where no list of the site's
    languages says so: `content/uk/` is a UK news section when its posts are in English. A file
    name's (`how.to.md`, `vue.ts.md`) must be the language the text reads as (`strict`): a dot
    in a name is more often a word than a language."""
    base = lang.split("-")[0].casefold()
    read = from_text(text) or detect_latin(text)
    return read.split("-")[0].casefold() == base if read else not strict


# The Latin-script languages told apart: those whose quote marks, spacing or line breaking
# differ from English, and the others a newsroom publishes most (so they are not taken for one
# of those). Each loads a model the first time: fewer languages, a faster first post.
_LATIN = ("ENGLISH GERMAN FRENCH SPANISH ITALIAN PORTUGUESE DUTCH POLISH CZECH SLOVAK SWEDISH DANISH BOKMAL "
          "FINNISH TURKISH VIETNAMESE INDONESIAN ROMANIAN HUNGARIAN CROATIAN SLOVENE AZERBAIJANI CATALAN ESTONIAN "
          "LATVIAN LITHUANIAN").split()
MIN_WORDS = 4  # fewer words ("WebAssembly", "Merci") are guessed at, not read: no language then
_RELATIVE_DISTANCE = 0.25  # how far the best language must lead the next before it is taken


@lru_cache(maxsize=64)  # decide() may ask twice of one post (a folder's code, then the text's own)
def detect_latin(text: str) -> str:
    """The language of a Latin-script text, when it reads clearly as one; "" otherwise."""
    if len(text.split()) < MIN_WORDS:
        return ""
    found = _detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else ""


@lru_cache(maxsize=1)  # one detector: its models load once per process, on the first post that needs it
def _detector() -> Any:
    # lingua rather than our own guess: its n-gram models come from large corpora and are kept up
    # to date; low-accuracy mode loads in a fraction of a second and a few tens of MB.
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LATIN]
    return (LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode()
            .with_minimum_relative_distance(_RELATIVE_DISTANCE).build())
