"""Read one Markdown post (Hugo, Jekyll, WordPress-export front matter) into a `Post`.

Real archive posts are messy, so each card field is looked for along the site's paths
(fields.py), checked for its type, empty values count as missing, and each fallback taken is
recorded in `Post.notes` so the card can say what it did. A post with a quote gets a quote card;
one without gets a headline card, never its description dressed in quote marks.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from ..card_warnings import CardWarning, Kind
from ..errors import PostError
from ..files import path_text, read_regular
from ..text.cleanup import LONG_QUOTE_WORDS, plain
from . import fields, language
from .frontmatter import front_matter, kind_of
from .inherited import Inherited
from .publish import Publishing, Unpublished, expiry, unpublished
from .slugs import safe_slug

__all__ = ["CardKind", "MAX_ATTRIBUTION_CHARS", "MAX_FIELD_CHARS", "MAX_POST_BYTES", "MAX_QUOTE_CHARS", "NOT_TEXT",
           "Post", "PostError", "ReadOptions", "Unattributed", "card_kind", "check_file_name", "read_post"]

CardKind = Literal["quote", "headline"]
Unattributed = Literal["none", "author"]

# A pull quote is a sentence or three; past this the text is an article, not a quote, and
# shaping megabytes of it would take minutes and gigabytes before failing to fit anyway.
MAX_QUOTE_CHARS = 1500
MAX_ATTRIBUTION_CHARS = 300
# The other fields that reach a card or its alt text, bounded so that no field can make setting
# a card slow (a 400 KB title took seconds a card): each far past what a page really has.
MAX_FIELD_CHARS = {"title": 500, "description": MAX_QUOTE_CHARS, "citation": 300, "section": 100, "author": 1000,
                   "tag": 100, "image_alt": 2000, "slug": 1000}
MAX_POST_BYTES = 16 * 1024 * 1024  # front matter and body: a post is text; past this it is not one


@dataclass(frozen=True)
class Post:
    """A post as a card reads it: its quote, attribution, photo, title and the rest, and its language."""

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
    lang: str = ""  # BCP 47 tag: the post's, its folder's or file name's, its text's, or the site's
    notes: tuple[CardWarning, ...] = ()  # fallbacks taken, said on the card's record
    kind: CardKind = "quote"  # a quote card, or a headline card for a page without a quote
    author: str = ""
    tag: str = ""  # the page's first tag, for a layout that shows one
    lang_source: language.LangSource = ""
    sources: tuple[tuple[str, str], ...] = ()  # card field → the front-matter path it came from
    unpublished: Unpublished | None = None  # why the page is not public (a draft, …), or None
    expires: str | None = None  # when the page stops being public (expiryDate), ISO 8601


@dataclass(frozen=True)
class ReadOptions:
    """How a site's posts are read: where its fields are, where its languages are, what is public."""

    fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: fields.merged({}))
    content_dir: Path | None = None  # the folder language folders are counted from
    languages: tuple[str, ...] = ()  # the site's languages (Hugo's [languages]); empty: any language code
    default_lang: str = ""  # the site's (Hugo's defaultContentLanguage / languageCode)
    lang_dirs: tuple[tuple[Path, str], ...] = ()  # a language's own content folder → its code (Hugo)
    publishing: Publishing = Publishing()
    long_quote_words: int = LONG_QUOTE_WORDS  # a longer quote gets the page's headline card; 0: no limit
    authors: tuple[tuple[str, str], ...] = ()  # a site's author handles → display names (Hugo's data/authors)
    unattributed: Unattributed = "none"  # a quote without attribution is signed by no one, or by the author
    inherited: Inherited = field(default_factory=Inherited)  # what the site gives each page (Hugo's cascade, …)
    # A site build reads no more of a page that gets no public card than it needs to say why:
    # a draft's odd fields are no error. `render` of a named file makes its card all the same.
    public_only: bool = False
    untitled: Literal["error", "skip"] = "error"  # a page with nothing to set: an error, or skipped
    # A file without front matter is a page whose fields are all inherited (a Jekyll post: its
    # title and date from its name), not an error.
    bare_files: bool = False
    # Front-matter keys whose text is a list of words (Jekyll's `categories: jekyll update` is two).
    word_lists: tuple[str, ...] = ()


def card_fields(post: Post, slug: str) -> dict[str, Any]:
    """What of the post reaches its cards, as plain values: every field and the slug, not the
    file's path (a state keyed by path, or a store keyed by content, adds its own image identity)."""
    fields = asdict(post)
    fields.pop("source")
    fields["slug"] = slug
    return fields


def read_post(path: Path | str, options: ReadOptions | None = None) -> Post:
    """Read `path` into a Post, or raise PostError naming the file and the field."""
    path = Path(path)
    check_file_name(path)
    text = _read_text(path)
    bare = options is not None and options.bare_files and not text.lstrip().startswith(("---", "+++", "{"))
    return post_from_meta(path, {} if bare else front_matter(path, text), options)


def post_from_meta(path: Path, meta: dict[str, Any], options: ReadOptions | None = None) -> Post:
    """A Post from front matter a generator has already read (MkDocs' page.meta)."""
    options = options or ReadOptions()
    meta = options.inherited.under(path, meta)
    for key in options.word_lists:
        if isinstance(meta.get(key), str):
            meta[key] = meta[key].split()
    try:
        why = unpublished(meta, options.publishing) if options.public_only else None
        return _not_public(path, why) if why else _post_from(path, meta, options)
    except PostError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value no check foresaw
        raise PostError(path, "front matter", f"cannot read it ({exc.__class__.__name__}: {exc})") from None


def check_file_name(path: Path) -> None:
    """PostError for a post whose file name is not UTF-8: its records, a build's state and the
    site's pages are all UTF-8 text, so such a post cannot be named in them."""
    if path_text(path) != str(path):
        raise PostError(path_text(path), "file name", "not UTF-8 (another encoding's bytes): rename the file")


def _read_text(path: Path) -> str:
    try:
        raw = read_regular(path, MAX_POST_BYTES)
    except OSError as exc:
        raise PostError(path, "file", f"cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM is dropped
    except UnicodeDecodeError as exc:
        raise PostError(path, "file", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    return text  # front_matter() normalises its line endings


NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
OVERRIDES = re.compile("[\u202d\u202e]")  # left-to-right and right-to-left override


def _text(path: Path, field: str, value: object) -> str:
    """A text field: missing/None → "", numbers are text, anything else is an error."""
    if value is None:
        return ""
    if isinstance(value, str):
        bad = NOT_TEXT.search(value)
        if bad:  # a NUL or a lone surrogate is a corrupt file, not something to print on a card
            raise PostError(path, field, f"contains U+{ord(bad.group()):04X}, which is not text")
        override = OVERRIDES.search(value)
        if override:  # it would set the text after it backwards on the card, and nowhere else
            raise PostError(path, field, f"contains U+{ord(override.group()):04X}, a bidi override that would "
                                         "set the text backwards; remove it (the card orders the text itself)")
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


class _Fields:
    """The post's card fields, each looked up once along its paths, with the path remembered."""

    def __init__(self, path: Path, meta: dict[str, Any], paths: dict[str, tuple[str, ...]]):
        self.path, self.meta, self.paths = path, meta, paths
        self.used: dict[str, str] = {}

    def raw(self, name: str) -> Any:
        found = fields.find(self.meta, self.paths[name])
        if found.path:
            self.used[name] = found.path
        return found.value

    def text(self, name: str) -> str:
        value = self.raw(name)
        if isinstance(value, dict) and name == "image":
            value = value.get("image")  # a mapping standing for its main value
        return _text(self.path, self.used.get(name, name), value)

    def names(self, authors: dict[str, str]) -> list[str]:
        """The author field's display names, from the first of its paths that has any: a name, a
        mapping with one, or a list of either; a handle (`bazzadp`) becomes the site's name for it
        (`authors`, keyed in lower case), or is left out, never shown bare; so is a "name" with no
        letter in it, and the same name twice in other cases."""
        for path in self.paths["author"]:
            value = fields.lookup(self.meta, path)
            items = value if isinstance(value, list) else [value]
            found: dict[str, str] = {}
            for item in items:
                if isinstance(item, dict):
                    item = next((item[k] for k in _NAME_KEYS if item.get(k)), None)
                name = _text(self.path, path, item)
                name = authors.get(name.casefold(), name)
                if any(ch.isalpha() for ch in name) and not _is_handle(name):
                    found.setdefault(name.casefold(), name)
            if found:
                self.used["author"] = path
                return list(found.values())
        return []


_NAME_KEYS = ("name", "display_name", "displayName", "title")
_HANDLE = re.compile(r"^@?[\w.-]+$")


def _is_handle(name: str) -> bool:
    """`bazzadp`, `@jdoe`, `jane_doe42`: one word, no capital, or an @, digit or underscore in it.
    A one-word name written as a name (Cher, 王小明) is kept."""
    if not _HANDLE.match(name):
        return False
    return name.startswith("@") or name == name.casefold() != name.upper() or any(c.isdigit() or c == "_" for c in name)


def _post_from(path: Path, meta: dict[str, Any], options: ReadOptions) -> Post:
    notes: list[CardWarning] = []
    found = _Fields(path, meta, options.fields)
    quote = _card_quote(found)
    attribution = found.text("attribution")
    title = found.text("title")
    _limit(path, found.used.get("quote", "quote"), quote, MAX_QUOTE_CHARS)
    _limit(path, found.used.get("attribution", "attribution"), attribution, MAX_ATTRIBUTION_CHARS)
    for name, most in MAX_FIELD_CHARS.items():
        if name != "author":  # a list of names: limited once joined
            _limit(path, found.used.get(name, name), found.text(name), most)
    if not quote and not title:
        if options.untitled == "skip":
            return _not_public(path, "untitled")
        raise PostError(path, "title", "nothing to put on a card: no quote and no title")
    rest = f"{title if quote else ''} {found.text('description')}"  # what the detector may read besides
    lang, lang_source = language.decide(_post_lang(found, notes), path, options.content_dir,
                                        options.languages, quote or title, options.default_lang, options.lang_dirs,
                                        more=rest)
    author = _joined(found.names(dict(options.authors)), lang)
    _limit(path, found.used.get("author", "author"), author, MAX_FIELD_CHARS["author"])
    kind, long_quote = card_kind(quote, title, lang, options.long_quote_words,
                                 own=found.used.get("quote") in options.fields["card_quote"])
    notes += [long_quote] if long_quote else []
    if kind == "quote" and not attribution and options.unattributed == "author" and author:
        attribution = author
    point = found.raw("focal_point")
    focal = _focal_point(path, found.used.get("focal_point", "focal_point"), point)
    return Post(
        source=path,
        slug=_slug(path, found.raw("aliases"), found.text("slug"), options.content_dir),
        quote=quote,
        attribution=attribution,
        citation=found.text("citation"),
        image=_photo(found),
        image_alt=found.text("image_alt"),
        focal_point=focal,
        layout=found.text("layout"),
        title=title,
        description=found.text("description"),
        date=_date(path, found, notes),
        section=found.text("section") or _section_of(path, options, lang_source),
        author=author,
        tag=found.text("tag"),
        lang=lang,
        lang_source=lang_source,
        kind=kind,
        notes=tuple(notes),
        sources=tuple(sorted(found.used.items())),
        unpublished=unpublished(meta, options.publishing),
        expires=_iso(expiry(meta)),
    )


def _not_public(path: Path, why: Unpublished) -> Post:
    """A page that gets no card, read no further than to know it."""
    return Post(source=path, slug=_slug(path, None), quote="", attribution="", citation="", image=None, image_alt="",
                title="", description="", date=None, section="", kind="headline", unpublished=why)


def _post_lang(found: _Fields, notes: list[CardWarning]) -> str:
    """The post's own language tag, or "" with a warning where it is no language code (`und`, a
    path, a locale with options): it would reach fonts, dates and the manifest as it is."""
    lang = found.text("lang").replace("_", "-")
    if not lang or language.is_language_code(lang):
        return lang
    notes.append(CardWarning(Kind.LANG_UNREADABLE, f"lang {reprlib.repr(lang)} is not a language code this tool "
                                                   "knows: left out"))
    return ""


def _card_quote(found: _Fields) -> str:
    """The quote the cards set: the post's own card quote where it gives one (a shorter cut of a
    long featured quote), recorded as the quote's source; else the featured quote. A quote with
    nothing to read once its markup is gone (`<b></b>`, an empty link) is no quote."""
    short = found.text("card_quote")
    if short:
        found.used["quote"] = found.used.pop("card_quote")
    quote = short or found.text("quote")
    return quote if _readable(plain(quote)) else ""


def _readable(text: str) -> bool:
    return any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in text)


def card_kind(quote: str, title: str, lang: str, most: int, own: bool = False) -> tuple[CardKind, CardWarning | None]:
    """A quote card; or the page's headline card when there is no quote, or when it runs past
    `most` words (a wall of text on a card) and there is a title to set instead, with a warning
    (`own`: the quote is the post's card quote, which is what to shorten)."""
    if not quote:
        return "headline", None
    if not most or not title:
        return "quote", None
    from ..text.linebreak import word_count  # here: a build that reads no post never loads ICU

    words = word_count(quote, lang)
    if words <= most:
        return "quote", None
    advice = "shorten the post's card_quote" if own else "a post may give a shorter one as card_quote"
    return "headline", CardWarning(Kind.LONG_QUOTE, f"the quote is {words} words, more than a card reads well with "
                                                    f"({most}): made the page's headline card; {advice}")


def _joined(names: list[str], lang: str) -> str:
    """Several authors as the language lists them ("A and B", "A und B", "A、B"); where their
    scripts run both ways, each name a bidi isolate, so that no name pulls the list's words
    ("and", the commas) into its own direction."""
    if len(names) < 2:
        return names[0] if names else ""
    import icu  # here: only a post with several authors needs it

    from ..text.textruns import bidi_levels

    if len({bidi_levels(name)[1] for name in names}) > 1:
        names = [f"\u2068{name}\u2069" for name in names]
    return str(icu.ListFormatter.createInstance(icu.Locale(lang or "en")).format(names))


def _photo(found: _Fields) -> str | None:
    """The featured image, unless it is the card quotecards itself wrote into the post (Jekyll's
    `image:`): that is no photo, and counts as no field read."""
    ref = found.text("image")
    if ref.startswith(fields.OWN_CARDS):
        found.used.pop("image", None)
        return None
    return ref or None


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _section_of(path: Path, options: ReadOptions, lang_source: str) -> str:
    """Hugo's section: the first folder below content/ (below the language folder, if any)."""
    content_dir = language.content_folder(path, options.content_dir)
    if content_dir is None:
        return ""
    try:
        parts = path.relative_to(content_dir).parts[:-1]
    except ValueError:
        return ""
    if lang_source == "folder":
        parts = parts[1:]
    # A folder named with a leading _ is a generator's own (Jekyll's _posts, Hugo's _common), no section.
    return parts[0] if parts and not parts[0].startswith("_") else ""


def _focal_point(path: Path, field: str, value: object) -> tuple[float, float] | None:
    if value is None or value == "":
        return None
    if (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in value)):
        return (float(value[0]), float(value[1]))
    raise PostError(path, field, f"expected [x, y] with both between 0 and 1, got {reprlib.repr(value)}")


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%d/%m/%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y")


_NOT_DATES = ("true", "false", "yes", "no")  # WordPress's `published: true`, quoted or not


def _date_value(found: _Fields) -> object:
    """The first value along the date's paths that could be a date: not a flag, not a time of day.
    A mapping of dates (MkDocs Material's `date: {created: …, updated: …}`) is the day the page
    was created: a card shows when it was published."""
    for path in found.paths["date"]:
        value = fields.lookup(found.meta, path)
        if isinstance(value, dict) and "created" in value:  # any other mapping is no date: its field's error
            path, value = f"{path}.created", value["created"]
        if value is None or isinstance(value, (bool, dt.time)) or \
                (isinstance(value, str) and value.strip().casefold() in ("", *_NOT_DATES)):
            continue
        found.used["date"] = path
        return value
    return None


def _date(path: Path, found: _Fields, notes: list[CardWarning]) -> str | None:
    value = _date_value(found)
    field = found.used.get("date", "date")
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = _text(path, field, value)
    try:  # YAML dates arrive as text (see frontmatter.py): a bare day stays a day
        return (dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).isoformat()
        except ValueError:
            continue
    notes.append(CardWarning(Kind.DATE_UNREADABLE, f"date {reprlib.repr(text)} is not a date this tool can read: "
                                                   "left out"))
    return None


def _slug(path: Path, aliases: object, slug: str = "", content_dir: Path | None = None) -> str:
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
            if safe_slug(name):
                return safe_slug(name)
    return safe_slug(slug) or safe_slug(_page_name(path, content_dir)) or "post"


_BUNDLE_INDEXES = ("index", "_index")  # a page named by its folder: a Hugo bundle or section, a folder's index


def _page_name(path: Path, content_dir: Path | None) -> str:
    """The page's name as its URL has it: a bundle's (`posts/harbour/index.md`) or section's
    (`posts/_index.md`) is its folder's, so that each has a card of its own, stable whatever other
    pages come and go; the site's home page stays `index`; a file's is its name."""
    stem = path.stem.split(".")[0]
    if stem not in _BUNDLE_INDEXES or not path.parent.name or path.parent == content_dir:
        return path.stem if stem not in _BUNDLE_INDEXES else "index"
    return path.parent.name
