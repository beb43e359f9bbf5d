"""Read one Markdown post (Hugo / WordPress-export front matter) into a `Post`.

Real archive posts are messy, so every field is checked for its type, empty values count as
missing, and each fallback taken is recorded in `Post.notes` so the card can say what it did.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .card_warnings import CardWarning, Kind
from .errors import PostError
from .frontmatter_read import front_matter, kind_of, normalise_newlines

__all__ = ["Post", "PostError", "read_post", "safe_slug", "MAX_QUOTE_CHARS"]

# A pull quote is a sentence or three; past this the text is an article, not a quote, and
# shaping megabytes of it would take minutes and gigabytes before failing to fit anyway.
MAX_QUOTE_CHARS = 1500
MAX_ATTRIBUTION_CHARS = 300


@dataclass(frozen=True)
class Post:
    source: Path
    slug: str
    quote: str
    attribution: str
    citation: str
    image: str | None  # URL or path exactly as the post gives it
    image_alt: str
    title: str
    description: str
    date: str | None  # ISO 8601 when it could be read
    section: str
    focal_point: tuple[float, float] | None = None  # where the photo's subject is, 0–1 across and down
    layout: str = ""  # quotecard.layout: this post's own choice of layout
    lang: str = ""  # BCP 47 tag when the post gives one (lang, language, languageCode, locale)
    notes: tuple[CardWarning, ...] = ()  # fallbacks taken, said on the card's record


def read_post(path: Path | str) -> Post:
    """Read `path` into a Post, or raise PostError naming the file and the field."""
    path = Path(path)
    meta = front_matter(path, _read_text(path))
    try:
        return _post_from(path, meta)
    except PostError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value no check foresaw
        raise PostError(path, "front matter", f"cannot read it ({exc.__class__.__name__}: {exc})") from None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PostError(path, "file", f"cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM is dropped
    except UnicodeDecodeError as exc:
        raise PostError(path, "file", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    return normalise_newlines(text)


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def _text(path: Path, field: str, value: object) -> str:
    """A text field: missing/None → "", numbers are text, anything else is an error."""
    if value is None:
        return ""
    if isinstance(value, str):
        bad = _NOT_TEXT.search(value)
        if bad:  # a NUL or a lone surrogate is a corrupt file, not something to print on a card
            raise PostError(path, field, f"contains U+{ord(bad.group()):04X}, which is not text")
        return " ".join(value.split())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer of more than 4,300 digits
            raise PostError(path, field, "expected text, got a number too long to print") from None
    raise PostError(path, field, f"expected text, got {kind_of(value)}")


def _limit(path: Path, field: str, text: str, most: int, why: str = "") -> None:
    if len(text) > most:
        raise PostError(path, field, f"{len(text):,} characters{why}; a card holds at most {most:,}")


def _mapping(path: Path, field: str, value: object) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    raise PostError(path, field, f"expected a mapping, got {kind_of(value)}")


def _post_from(path: Path, meta: dict[str, Any]) -> Post:
    notes: list[CardWarning] = []
    fq = _mapping(path, "featured_quote", meta.get("featured_quote"))
    quote = _text(path, "featured_quote.quote", fq.get("quote"))
    summary = _text(path, "featured_quote.summary", fq.get("summary"))
    citation = _text(path, "featured_quote.citation", fq.get("citation"))
    title = _text(path, "title", meta.get("title"))
    description = _text(path, "description", meta.get("description"))
    section = _text(path, "section", meta.get("section"))
    lang_key = next((k for k in ("lang", "language", "languageCode", "locale") if meta.get(k)), "lang")
    lang = _text(path, lang_key, meta.get(lang_key)).replace("_", "-")

    _limit(path, "featured_quote.quote", quote, MAX_QUOTE_CHARS)
    _limit(path, "featured_quote.summary", summary, MAX_ATTRIBUTION_CHARS)
    if not quote:
        if not description:
            raise PostError(path, "featured_quote.quote",
                            "no quote text (featured_quote.quote and description are empty)")
        _limit(path, "description", description, MAX_QUOTE_CHARS, " (quoted: the post has no featured_quote)")
        quote = description
        notes.append(CardWarning(Kind.TEXT_FALLBACK, "featured_quote.quote is empty: quoted the description instead"))

    attribution = summary
    if not attribution and title:
        attribution = _sentence_case(title, lang)
        notes.append(CardWarning(Kind.TEXT_FALLBACK,
                                 "featured_quote.summary is empty: attributed with the title instead"))

    image, alt = _featured_image(path, meta.get("featured_image"))
    fi = meta.get("featured_image")
    focal = _focal_point(path, "featured_image.focal_point", fi.get("focal_point") if isinstance(fi, dict) else None)
    card = _mapping(path, "quotecard", meta.get("quotecard"))
    focal = _focal_point(path, "quotecard.focal_point", card.get("focal_point")) or focal
    layout = _text(path, "quotecard.layout", card.get("layout"))
    return Post(
        source=path,
        slug=_slug(path, meta.get("aliases")),
        quote=quote,
        attribution=attribution,
        citation=citation,
        image=image,
        image_alt=alt,
        focal_point=focal,
        layout=layout,
        title=title,
        description=description,
        date=_date(path, meta.get("date"), notes),
        section=section,
        lang=lang,
        notes=tuple(notes),
    )


def _sentence_case(text: str, lang: str = "") -> str:
    # WordPress exports carry lower-cased titles; a capital first letter is the least we owe.
    if not text[:1].islower():
        return text
    if text[0] == "i" and lang.split("-")[0].casefold() in ("tr", "az"):
        return "\u0130" + text[1:]  # Turkish and Azerbaijani dotted capital: istanbul → İstanbul
    return text[:1].upper() + text[1:]


def _focal_point(path: Path, field: str, value: object) -> tuple[float, float] | None:
    if value is None or value == "":
        return None
    if (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in value)):
        return (float(value[0]), float(value[1]))
    raise PostError(path, field, f"expected [x, y] with both between 0 and 1, got {reprlib.repr(value)}")


def _featured_image(path: Path, value: object) -> tuple[str | None, str]:
    if isinstance(value, str) or value is None:
        return (value.strip() or None) if value else None, ""
    fi = _mapping(path, "featured_image", value)
    image = _text(path, "featured_image.image", fi.get("image"))
    alt = _text(path, "featured_image.alt", fi.get("alt"))
    return image or None, alt


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%d/%m/%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y")


def _date(path: Path, value: object, notes: list[CardWarning]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = _text(path, "date", value)
    try:  # YAML dates arrive as text (see frontmatter_read): a bare day stays a day
        return (dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).isoformat()
        except ValueError:
            continue
    notes.append(CardWarning(Kind.DATE_UNREADABLE, f"date {text!r} is not a date this tool can read: left out"))
    return None


def _slug(path: Path, aliases: object) -> str:
    if isinstance(aliases, str):
        aliases = [aliases]
    if aliases is not None and not isinstance(aliases, list):
        raise PostError(path, "aliases", f"expected a list of paths, got {kind_of(aliases)}")
    for alias in aliases or []:
        if not isinstance(alias, str):
            raise PostError(path, "aliases", f"expected a list of paths, got an entry that is {kind_of(alias)}")
        segments = [s for s in unquote(urlsplit(alias.strip()).path).split("/") if s]
        if segments:
            name = re.sub(r"\.(html?|php)$", "", segments[-1], flags=re.IGNORECASE)
            slug = safe_slug(name)
            if slug:
                return slug
    return safe_slug(path.stem) or "post"


def safe_slug(text: str, max_length: int = 120) -> str:
    """A file name that cannot leave its folder: letters, digits, '-' and '_' only.

    Letters of any script are kept (NFC), so an Azerbaijani or Greek slug stays readable.
    """
    # İ lower-cases to i + a combining dot everywhere but in Turkish and Azerbaijani, the
    # languages that use it, where it is plain i.
    text = unicodedata.normalize("NFC", text.replace("\u0130", "i")).casefold()
    text = "".join(ch if ch.isalnum() or ch in "-_" or unicodedata.category(ch).startswith("M") else "-"
                   for ch in text)  # drops '/', '\\', '.', spaces, controls
    text = re.sub(r"-{2,}", "-", text).strip("-_")
    return text[:max_length].rstrip("-_")
