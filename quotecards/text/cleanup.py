"""Text as authored in a CMS → plain text with the typography a copy editor would insist on."""

from __future__ import annotations

import html
import re

__all__ = ["ELLIPSIS", "LONG_QUOTE_WORDS", "clean", "decorative_mark", "nested", "plain", "quotation",
           "quote_marks", "sentence_case", "strip_quote_marks"]

ELLIPSIS = "\u2026"
NBSP, NNBSP = "\u00a0", "\u202f"
OPENING_QUOTES = "\u201c\u2018\u201e\u00ab\u300c\u300e\""
CLOSING_QUOTES = "\u201d\u2019\u201c\u00bb\u300d\u300f\""

# Languages whose orthography keeps a one-letter word off the end of a line (Czech, Slovak and
# Polish typesetting rules); the letters are the prepositions and conjunctions concerned.
SHORT_WORDS = {
    "cs": "kKsSvVzZoOuUaAiI", "sk": "kKsSvVzZoOuUaAiI", "pl": "wWzZoOuUaAiI",
}

# The marks a language quotes with, opening and closing; English marks otherwise.
QUOTE_MARKS = {
    "fr": ("\u00ab\u202f", "\u202f\u00bb"), "ru": ("\u00ab", "\u00bb"), "uk": ("\u00ab", "\u00bb"),
    "be": ("\u00ab", "\u00bb"), "de": ("\u201e", "\u201c"), "cs": ("\u201e", "\u201c"),
    "sk": ("\u201e", "\u201c"), "pl": ("\u201e", "\u201d"), "ja": ("\u300c", "\u300d"),
    "zh-tw": ("\u300c", "\u300d"), "zh-hk": ("\u300c", "\u300d"), "zh-hant": ("\u300c", "\u300d"),
    # Arabic, Persian and Urdu quote with guillemets; in a right-to-left line they mirror.
    "ar": ("\u00ab", "\u00bb"), "fa": ("\u00ab", "\u00bb"), "ur": ("\u00ab", "\u00bb"),
    "el": ("\u00ab", "\u00bb"), "hy": ("\u00ab", "\u00bb"), "ka": ("\u201e", "\u201c"),
    # Hebrew: a low opening mark and a high closing one, as the Academy of the Hebrew Language sets them.
    "he": ("\u201e", "\u201d"), "yi": ("\u201e", "\u201d"),
}
LOW_MARKS = "\u201e\u201a"  # „ ‚: an opening mark drawn on the baseline
# A quotation inside the quote: the marks each language nests inside its own (every language
# with marks of its own above has an entry; English and the rest nest ‘ ’ inside “ ”).
INNER_MARKS = {
    "fr": ("\u201c", "\u201d"), "ru": ("\u201e", "\u201c"), "uk": ("\u201e", "\u201c"), "be": ("\u201e", "\u201c"),
    "de": ("\u201a", "\u2018"), "cs": ("\u201a", "\u2018"), "sk": ("\u201a", "\u2018"), "pl": ("\u00ab", "\u00bb"),
    "ja": ("\u300e", "\u300f"), "zh-tw": ("\u300e", "\u300f"), "zh-hk": ("\u300e", "\u300f"),
    "zh-hant": ("\u300e", "\u300f"), "el": ("\u201c", "\u201d"), "hy": ("\u201c", "\u201d"),
    "ar": ("\u201c", "\u201d"), "fa": ("\u201c", "\u201d"), "ur": ("\u201c", "\u201d"), "ka": ("\u00ab", "\u00bb"),
    "he": ("\u201a", "\u2019"), "yi": ("\u201a", "\u2019"),
}
# A quotation inside the quote as authors type it, whatever the language: „…“ „…” «…» “…” 「…」.
_SPACE = "[ \u00a0\u202f]*"
_NESTED = re.compile(f"(?:\u201e{_SPACE}([^\u201e\u201c\u201d]+?){_SPACE}[\u201c\u201d]"
                     f"|\u00ab{_SPACE}([^\u00ab\u00bb]+?){_SPACE}\u00bb"
                     f"|\u201c{_SPACE}([^\u201c\u201d]+?){_SPACE}\u201d"
                     f"|\u300c([^\u300c\u300d]+?)\u300d)")
LONG_QUOTE_WORDS = 40  # past this a quote reads as a paragraph on a card: it is set, and the card says so


def quote_marks(lang: str, rtl: bool = False) -> tuple[str, str]:
    """Opening and closing quotation marks for `lang` (a right-to-left text without a language
    takes guillemets, which read correctly either way)."""
    lang = lang.casefold()
    marks = QUOTE_MARKS.get(lang) or QUOTE_MARKS.get(lang.split("-")[0])
    if marks:
        return marks
    return ("\u00ab", "\u00bb") if rtl else ("\u201c", "\u201d")


def decorative_mark(lang: str, rtl: bool = False) -> str:
    """The large mark a design sets above a quote: the language's opening one, except that a mark
    drawn on the baseline („) turns, set large at the top, into a closing ” to the eye; those
    languages take “ (German's own closing mark) instead, or ” on a right-to-left card."""
    mark = quote_marks(lang, rtl)[0].strip()
    if mark in LOW_MARKS:
        return "\u201d" if rtl else "\u201c"
    return mark


# An HTML tag or comment: `<b>`, `</a>`, `<img src="…">`, `<!-- … -->`; not "a < b and c > d",
# "I <3 this" or "<news@example.org>", which are words.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>]{0,200})?/?>|<!--.{0,200}?-->")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS = re.compile(r"(?<![\\\w])(\*\*|__|\*|_)(?=\S)(.+?)(?<=[^\s\\])\1(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!\"'<>~|])")


def clean(text: str, lang: str = "") -> str:
    """Plain text: no markup, entities decoded, curly quotes, proper dashes, language spacing."""
    text = plain(text)
    text = text.replace("...", ELLIPSIS)
    text = re.sub(r"\s*--\s*", "\u2014", text)  # double hyphen: em dash, closed up
    text = text.replace(" - ", " \u2013 ")  # spaced hyphen: spaced en dash
    if text.count('"') % 2 == 0:  # paired: open, close, open, close — whatever is around them (CJK has no spaces)
        parts = text.split('"')
        text = "".join(part + ("\u201c" if i % 2 == 0 else "\u201d") for i, part in enumerate(parts[:-1])) + parts[-1]
    text = re.sub(r'(^|[\s(\[{\u2014\u2013])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"'(?=\d\ds?\b)", "\u2019", text)  # elided year: the '90s is an apostrophe
    text = re.sub(r"(^|[\s(\[{\u2014\u2013\u201c])'", "\\1\u2018", text)
    text = text.replace("'", "\u2019")
    # A range of numbers takes an en dash (2024–2025, pages 10–12); a date like 2024-05-01 does not.
    text = re.sub(r"(?<![\d-])(\d{1,4})-(\d{1,4})(?![\d-])", "\\1\u2013\\2", text)
    return space_punctuation(_ties(text), lang)


_UNIT = r"(?:%|‰|°[CF]?|[kKmMcG]?(?:m|g|l|W|Wh|B|Hz)|km/h|mph|kWh|MW|GW|t|h|min|s|ms|€|\$|£|¥)"


# Abbreviations that go with a number: "No. 5", "p. 12", "Art. 3"; and a time's "a.m."/"p.m.".
_NUMBERED = r"(?:No|Nos|Nr|no|nr|p|pp|Art|art|Vol|vol|Ch|ch|Fig|fig|Sec|sec|S|Abs|Bd|Nº|№|§|#)"
_MERIDIEM = r"(?:[aApP]\.\s?[mM]\.?|[aApP][mM](?![\w]))"


def _ties(text: str) -> str:
    """No-break spaces where a line must not break: a spaced dash stays with the word before it,
    a number with its unit (12 km, 40 %, 3 500 t), an abbreviation with its number (No. 5) and a
    time with its a.m. (3 a.m.)."""
    text = re.sub(r" ([\u2014\u2013]) ", NBSP + r"\1 ", text)
    text = re.sub(rf"(?<![\w.])({_NUMBERED}\.?) (?=\d)", r"\1" + NBSP, text)
    text = re.sub(rf"(?<=\d) (?={_MERIDIEM})", NBSP, text)
    return re.sub(rf"(?<=\d) (?={_UNIT}(?![\w]))", NBSP, text)


def plain(text: str) -> str:
    """Markup gone: HTML tags and entities, Markdown links and emphasis, backslash escapes."""
    text = html.unescape(_TAG.sub("", text))
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def space_punctuation(text: str, lang: str = "") -> str:
    """Spaces around punctuation as the language wants them.

    French sets a narrow no-break space before ; : ! ? and inside « »; every other language
    here sets none, so a stray space typed before them goes. One-letter words in Czech, Slovak
    and Polish are tied to the next word.
    """
    base = lang.split("-")[0].casefold()
    if base == "fr":
        text = re.sub(r"[ \u00a0\u202f]*([;:!?\u00bb])", NNBSP + r"\1", text)
        text = re.sub(r"\u00ab[ \u00a0\u202f]*", "\u00ab" + NNBSP, text)
        text = re.sub(r"(://)\u202f", r"\1", text.replace(NNBSP + "://", "://"))  # not in URLs
    else:
        text = re.sub(r"(?<=\w) +([;:!?])(?=\s|$)", r"\1", text)
    if base in SHORT_WORDS:
        letters = SHORT_WORDS[base]
        text = re.sub(rf"(?<![\w])([{letters}]) (?=\w)", r"\1" + NBSP, text)
    return text


def quotation(text: str, lang: str = "") -> tuple[str, bool]:
    """A cleaned quote as the card sets it, and whether it carries its own outer marks.

    Marks around the whole text go (the card sets the language's own); a quote that still opens
    with a mark ("“It’s not over,” she said") keeps its marks and gets none added; otherwise a
    quotation inside it takes the language's inner marks (‘ ’, „ “ inside « », 『 』 inside 「 」).
    """
    text = strip_quote_marks(text)
    if text[:1] in OPENING_QUOTES:
        return text, True
    return nested(text, lang), False


def nested(text: str, lang: str = "") -> str:
    """Each quotation inside a quote in `lang`'s inner marks, whichever marks its author typed:
    „Web“ inside a German quote becomes ‚Web‘, «cookies» inside a French one “cookies”."""
    base = lang.casefold()
    opening, closing = INNER_MARKS.get(base) or INNER_MARKS.get(base.split("-")[0]) or ("\u2018", "\u2019")
    return _NESTED.sub(lambda m: opening + next(g for g in m.groups() if g is not None) + closing, text)


# An opening mark → the marks that close it (German closes „ with “, which opens in English).
_CLOSERS = {"\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb", "\u300c": "\u300d",
            "\u300e": "\u300f", "\"": "\""}


def strip_quote_marks(text: str) -> str:
    """Drop quote marks around the whole text: the card sets its own. “a” and “b”, ‘Yes’ and
    ‘no’, «Oui» et «non» are two quotations, not one: their marks stay; «Il a dit «non» hier»
    is one, with another inside it (nested() gives that one the language's inner marks)."""
    if len(text) > 2 and text[0] in OPENING_QUOTES and text[-1] in CLOSING_QUOTES and _one_quotation(text):
        return text[1:-1].strip()
    return text


def _one_quotation(text: str) -> bool:
    """Whether the marks at either end of `text` open and close one quotation: its opening mark
    is not closed before the end. (Single marks: no other opening one inside, as ’ is also an
    apostrophe.)"""
    opening = text[0]
    if opening not in _CLOSERS:
        return not any(q in text[1:-1] for q in "\u2018\u201a")
    closers, depth, inner = _CLOSERS[opening], 0, text[1:-1]
    if opening == "\u201e":  # an English-style pair inside a German quotation is a pair, not a close
        inner = re.sub("\u201c[^\u201c\u201d\u201e]*\u201d", "", inner)
    for ch in inner:
        if ch == opening and opening not in closers:
            depth += 1
        elif ch in closers:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def sentence_case(text: str, lang: str = "") -> str:
    # WordPress exports carry lower-cased titles; a capital first letter is the least we owe.
    if not text[:1].islower():
        return text
    if text[0] == "i" and lang.split("-")[0].casefold() in ("tr", "az"):
        return "\u0130" + text[1:]  # Turkish and Azerbaijani dotted capital: istanbul → İstanbul
    return text[:1].upper() + text[1:]
