"""The library's front door: posts in, cards and a manifest out.

post → CardSpec → picture → PNG file, one post at a time; a bad post is recorded and the
run goes on with the next.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import requests

from . import export, fetch, photo
from .config import Brand, SiteConfig
from .gallery import gallery_from_manifest
from .layout import Layout, LayoutError, find_layout, load_layout
from .plan import plan_card
from .platforms import Platform, expand
from .post import Post, PostError, read_post
from .render import render
from .runlock import run_lock
from .typeset import ShapingUnavailable

# Layer sources → the front-matter field their text came from, for error messages.
FIELDS = {"quote": "featured_quote.quote", "attribution": "featured_quote.summary",
          "citation": "featured_quote.citation"}


@dataclass(frozen=True)
class RenderOptions:
    out_dir: Path
    platforms: tuple[str, ...] = ("og",)  # preset names, or "all"
    layout: str | None = None  # the default layout; None: the site config's, else "photo"
    layout_dirs: tuple[Path, ...] = ()
    config: SiteConfig = field(default_factory=SiteConfig)
    fetch: fetch.FetchOptions = field(default_factory=fetch.FetchOptions)
    strict: bool = False  # an image that cannot be had fails the post instead of falling back
    max_pixels: int = photo.MAX_PIXELS


@dataclass
class CardRecord:
    """One card as manifest.json records it. Later work adds keys; these keep their meaning."""

    post: str
    slug: str
    platform: str
    layout: str
    path: str  # relative to the output folder, with forward slashes
    width: int
    height: int
    bytes: int
    font_size: int
    lines: list[str]
    warnings: list[str]
    attribution_lines: list[str]
    image: str  # "photo" or "fallback"
    contrast: float | None
    encode: str
    missing_glyphs: list[str]
    fonts_used: list[str]  # every face that drew text on the card, "Family weight"
    text_box: list[int] | None  # the quote as drawn: x, y, w, h in px, hanging mark included
    overflow: bool  # some text was shortened with an ellipsis to fit its box
    focus: list[float] | None  # the point of the photo the crop is centred on, 0–1 across and down
    focus_source: str  # "post" (featured_image.focal_point), "auto" (the most detail) or "" (no photo)
    layout_source: str  # why this layout: "post" (quotecard.layout), "section", "site" or "no image"
    sha256: str  # of the PNG's bytes: a version for URLs, so a changed card is fetched again
    title: str  # the post's, for people browsing the cards
    date: str | None
    alt: str  # the card's text for screen readers: the quote and who said it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ErrorRecord:
    post: str
    error: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunResult:
    cards: list[CardRecord] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)


class Layouts:
    """Layouts by name, each read and checked once per run, coloured by the site's branding."""

    def __init__(self, options: RenderOptions):
        self.folders = (*options.layout_dirs, *options.config.layout_dirs)
        self.colors = options.config.colors
        self.loaded: dict[str, Layout] = {}

    def get(self, name: str) -> Layout:
        if name not in self.loaded:
            self.loaded[name] = load_layout(find_layout(name, self.folders), self.colors)
        return self.loaded[name]


class PhotoCache:
    """Decoded photos of the last few distinct images: an archive where many posts share a
    photo (a logo, a stock picture) decodes it once per run, not once per post.

    Safe to share between the live preview's threads; the lock guards only the entries, never
    a download, so one slow image does not hold up requests for others.
    """

    def __init__(self, size: int = 8):
        self.size = size
        self.entries: OrderedDict[tuple[str, str, tuple[int, int]], tuple[Any, str | None]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, post: Post, options: RenderOptions, session: requests.Session,
            platforms: list[Platform]) -> tuple[Any, str | None]:
        largest = (max(p.width for p in platforms), max(p.height for p in platforms))
        ref = post.image or ""
        folder = "" if "://" in ref else str(post.source.parent.resolve())  # a relative path is the post's
        key = (folder, ref, largest)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        result = load_picture(post, options, session, platforms)
        with self.lock:
            self.entries[key] = result
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return result


def render_posts(paths: list[Path], options: RenderOptions,
                 on_wait: Callable[[str], None] | None = None) -> RunResult:
    """Render every post for every platform; write the PNGs and DIR/manifest.json.

    Raises OutputError before any work when the output folder cannot take files; waits (and
    tells `on_wait`) while another run writes to the same folder.
    """
    export.prepare_output(options.out_dir)
    with run_lock(options.out_dir, on_wait):
        return _render_posts(paths, options)


def _render_posts(paths: list[Path], options: RenderOptions) -> RunResult:
    layouts = Layouts(options)
    layouts.get(options.layout or options.config.layout)  # a bad default fails the run at once
    platforms = expand(options.platforms)
    brand = options.config.brand()
    photos = PhotoCache()
    result = RunResult()
    used_slugs: set[str] = set()
    with fetch.open_session(options.fetch) as session:
        for path in paths:
            try:
                post = read_post(path)
                slug, note = _unique(post.slug, used_slugs)
                cards = render_post(post, layouts, platforms, options, session, slug, brand, photos)
                if note:
                    for card in cards:
                        card.warnings.insert(0, note)
                result.cards.extend(cards)
            except PostError as exc:
                result.errors.append(ErrorRecord(str(path), str(exc)))
            except LayoutError as exc:
                result.errors.append(ErrorRecord(str(path), f"{path}: layout: {exc}"))
            except (export.ExportError, OSError) as exc:
                result.errors.append(ErrorRecord(str(path), f"{path}: {exc}"))
            except Exception as exc:  # a bug on one post must not cost the rest of the run
                result.errors.append(ErrorRecord(str(path), f"{path}: internal error: {exc.__class__.__name__}: {exc}"))
    export.write_manifest(options.out_dir, [c.to_json() for c in result.cards], [e.to_json() for e in result.errors])
    gallery_from_manifest(options.out_dir)
    return result


def render_post(post: Post, layouts: Layouts, platforms: list[Platform], options: RenderOptions,
                session: requests.Session, slug: str | None = None, brand: Brand = Brand(),
                photos: PhotoCache | None = None) -> list[CardRecord]:
    """All cards of one post. The image is fetched once and shared by every platform."""
    name, why = options.config.layout_for(post, options.layout)
    layout = layouts.get(name)
    picture, image_warning = (None, None)
    if layout.uses_photo:
        picture, image_warning = (photos.get(post, options, session, platforms) if photos
                                  else load_picture(post, options, session, platforms))
        if picture is None and options.config.no_image_layout != name:
            # Without its photo a photo design is half empty: the brand card is made for this.
            layout, why = layouts.get(options.config.no_image_layout), "no image"
            image_warning = f"{image_warning}: used the fallback layout {layout.name!r}"
        elif picture is None:
            image_warning = f"{image_warning}: used the layout's fallback background"
    records = []
    for platform in platforms:
        spec = plan_card(post, layout, platform, slug, brand)
        try:
            card = render(spec, picture)
        except ShapingUnavailable as exc:
            raise PostError(post.source, FIELDS.get(exc.source, exc.source), str(exc)) from None
        encoded = export.encode_png(card.image, platform.max_bytes)
        relative = f"{platform.name}/{spec.slug}.png"
        export.write_atomic(options.out_dir / relative, encoded.data)
        alt, alt_warning = alt_text(spec.texts.get("quote", ""), spec.texts.get("attribution", ""))
        warnings = [*post.notes, *([image_warning] if image_warning else []), *card.warnings,
                    *([alt_warning] if alt_warning else [])]
        quote = card.blocks.get("quote")
        attribution = card.blocks.get("attribution")
        records.append(CardRecord(
            post=str(post.source),
            slug=spec.slug,
            platform=platform.name,
            layout=layout.name,
            path=relative,
            width=card.image.width,
            height=card.image.height,
            bytes=len(encoded.data),
            sha256=hashlib.sha256(encoded.data).hexdigest(),
            font_size=quote.size if quote else 0,
            lines=quote.lines_as_set if quote else [],
            warnings=warnings,
            attribution_lines=attribution.lines_as_set if attribution else [],
            image=card.background,
            contrast=card.contrast,
            encode=encoded.encode,
            missing_glyphs=card.missing_glyphs,
            fonts_used=list(dict.fromkeys(f.label for b in card.blocks.values() for f in b.faces_used)),
            text_box=_xywh(card.text_boxes["quote"]) if "quote" in card.text_boxes else None,
            overflow=any(b.shortened for b in card.blocks.values()),
            focus=[round(v, 3) for v in card.focus] if card.focus else None,
            focus_source=card.focus_source,
            layout_source=why,
            title=post.title,
            date=post.date,
            alt=alt,
        ))
    return records


# X refuses image descriptions over 1,000 characters; past 420 a description is cut short by
# some of the networks the cards go to, and is long for a screen-reader user to sit through.
ALT_MAX_CHARS = 1000
ALT_LONG_CHARS = 420


def alt_text(quote: str, attribution: str) -> tuple[str, str | None]:
    """What the card says, as one sentence a screen reader can speak (the whole quote, even
    where the card had to shorten it), and a warning when it is long or had to be cut."""
    text = f"Quote: {quote} \u2014 {attribution}" if attribution else f"Quote: {quote}"
    if len(text) > ALT_MAX_CHARS:
        cut = text[: ALT_MAX_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
        return cut, f"alt text cut to {len(cut)} characters (networks accept {ALT_MAX_CHARS:,} at most)"
    if len(text) > ALT_LONG_CHARS:
        return text, f"alt text is {len(text)} characters: some networks cut it after {ALT_LONG_CHARS}"
    return text, None


def _xywh(box: tuple[int, int, int, int]) -> list[int]:
    return [box[0], box[1], box[2] - box[0], box[3] - box[1]]


def load_picture(post: Post, options: RenderOptions, session: requests.Session, platforms: list[Platform]):
    """The decoded photo and None, or None and why not; with --strict a failure is the post's error."""
    if not post.image:
        return None, "no featured image"
    largest = (max(p.width for p in platforms), max(p.height for p in platforms))
    try:
        try:
            fetched = fetch.fetch_image(post.image, post.source.parent, options.fetch, session)
            return photo.decode(fetched.data, target=largest, max_pixels=options.max_pixels), None
        except photo.ImageError:
            if fetched.origin != "cache" or options.fetch.offline:
                raise
            # A cached copy that does not decode is dropped and fetched afresh, once.
            fetch.forget(post.image, session)
            fetched = fetch.fetch_image(post.image, post.source.parent, options.fetch, session)
            return photo.decode(fetched.data, target=largest, max_pixels=options.max_pixels), None
    except (fetch.FetchError, photo.ImageError) as exc:
        if options.strict:
            raise PostError(post.source, "featured_image.image", _reason(post.image, exc)) from None
        return None, f"featured image unavailable: {_reason(post.image, exc)}"


def _reason(ref: str, exc: Exception) -> str:
    text = str(exc)
    return text if text.startswith(ref) else f"{ref}: {text}"


def _unique(slug: str, used: set[str]) -> tuple[str, str | None]:
    """Two posts with one slug would overwrite each other's card: number the later one."""
    if slug not in used:
        used.add(slug)
        return slug, None
    n = 2
    while f"{slug}-{n}" in used:
        n += 1
    used.add(f"{slug}-{n}")
    return f"{slug}-{n}", f"slug {slug!r} already used in this run: wrote {slug}-{n}"
