"""What a run sets up once and every card of it shares: one `RunContext` per run, per worker
process, per preview server, passed down to whatever needs it.

Its parts are bounded, and safe to share between the preview's threads: the layouts are read
once each (under a lock), the photo cache guards its entries but never holds its lock during a
download, and the HTTP session's connection pool is thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image

from . import heap
from .config import Brand
from .draw import photo
from .draw.layout import Layout, find_layout, load_layout
from .draw.platforms import Platform, expand
from .draw.subjects import Seen, see
from .encode import png
from .errors import PostError
from .options import RenderOptions
from .sources import fetch
from .sources.post import Post, ReadOptions
from .text import fonts

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

PHOTO_CACHE_SIZE = 8  # decoded photos a worker keeps: an archive's shared logo or stock picture
# ...and no more of them than this many bytes: a 2400 px photo decoded for a story canvas is some
# 15 MB (it cannot be decoded smaller and still cover 1920 px), one for og a quarter of that.
PHOTO_CACHE_BYTES = 24 << 20


class Layouts:
    """Layouts by name, each read and checked once per run, coloured by the site's branding."""

    def __init__(self, options: RenderOptions):
        self.folders = (*options.layout_dirs, *options.config.layout_dirs)
        self.colors = options.config.colors
        self.site_faces = fonts.site_faces(options.config.font_dirs)
        self.loaded: dict[str, Layout] = {}
        self.lock = threading.Lock()

    def get(self, name: str) -> Layout:
        with self.lock:
            if name not in self.loaded:
                self.loaded[name] = load_layout(find_layout(name, self.folders), self.colors, self.site_faces)
            return self.loaded[name]


@dataclass(frozen=True)
class Unavailable:
    """Why a post's photo could not be had."""

    reason: str  # one line, fit for a card's warning
    transient: bool = False  # its host unreachable, slow or failing for now: worth asking again later

    def __str__(self) -> str:
        return self.reason


Picture = tuple[Image.Image | None, Unavailable | None]  # the decoded photo, or None and why not


class PhotoCache:
    """Decoded photos of the last few distinct images: an archive where many posts share a
    photo (a logo, a stock picture) decodes it once per run, not once per post.

    The lock guards only the entries, never a download, so one slow image does not hold up
    the preview's requests for others.
    """

    def __init__(self, size: int = PHOTO_CACHE_SIZE):
        self.size = size
        self.held = 0  # bytes of the decoded photos kept
        self.entries: OrderedDict[tuple[str, str, tuple[int, int]], Picture] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, post: Post, ctx: RunContext, platforms: list[Platform]) -> Picture:
        largest = (max(p.width for p in platforms), max(p.height for p in platforms))
        ref = post.image or ""
        folder = "" if "://" in ref else str(post.source.parent.resolve())  # a relative path is the post's
        key = (folder, ref, largest)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        result = load_picture(post, ctx.options, ctx.session, platforms)
        if result[1] is not None and result[1].transient:
            return result  # not kept: the next card asks again (a service outlives a host's hiccup)
        with self.lock:
            if key not in self.entries:
                self.entries[key] = result
                self.held += _bytes_of(result[0])
            # The newest is always kept: a post's cards share its decode whatever its size.
            while len(self.entries) > 1 and (len(self.entries) > self.size or self.held > PHOTO_CACHE_BYTES):
                self.held -= _bytes_of(self.entries.popitem(last=False)[1][0])
        return result

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.held = 0


class Sightings:
    """What composition found in the last few photos (subjects.Seen): found once per photo per
    run, however many canvases and posts show it. An entry holds its photo, so its identity
    cannot be taken by another picture while it is kept."""

    def __init__(self, size: int = PHOTO_CACHE_SIZE):
        self.size = size
        self.entries: OrderedDict[tuple[int, tuple[float, float] | None], tuple[Image.Image, Seen]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, picture: Image.Image, given: tuple[float, float] | None) -> Seen:
        key = (id(picture), given)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key][1]
        seen = see(picture, given)  # outside the lock: the preview's other requests go on meanwhile
        with self.lock:
            self.entries[key] = (picture, seen)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return seen


def _bytes_of(image: Image.Image | None) -> int:
    """About what a decoded picture holds in memory: Pillow keeps RGB in four bytes a pixel."""
    return 0 if image is None else image.width * image.height * (1 if image.mode in ("L", "1", "P") else 4)


@dataclass
class RunContext:
    """The run's settings and the things made from them once: layouts, platforms, the HTTP
    session, the brand, the photo cache and what was seen in the photos."""

    options: RenderOptions
    layouts: Layouts
    platforms: list[Platform]
    session: fetch.LazySession  # opened when a URL is first fetched
    brand: Brand
    photos: PhotoCache
    reading: ReadOptions
    sightings: Sightings = field(default_factory=Sightings)
    # Cards are encoded on these threads while the next one is drawn (the encoders release the
    # GIL); None: in the drawing thread, as in a build's workers, which already fill the cores.
    encoders: ThreadPoolExecutor | None = None
    encode_threads: int = 0
    png_filters: png.RowFilter = "numpy"  # whose loop filters PNG rows: numpy's pays off over many cards

    @classmethod
    def open(cls, options: RenderOptions, photo_cache_size: int = PHOTO_CACHE_SIZE,
             encode_threads: int = 0, png_filters: png.RowFilter = "numpy") -> RunContext:
        encoders = None
        if encode_threads > 0:
            from concurrent.futures import ThreadPoolExecutor  # here: a one-card run has no encoder threads

            heap.share_one_arena()  # before the threads allocate: see heap.py
            heap.small_image_blocks()
            encoders = ThreadPoolExecutor(encode_threads, "encode")
            if png_filters == "numpy":
                encoders.submit(png.load)
        return cls(options=options, layouts=Layouts(options), platforms=expand(options.platforms),
                   session=fetch.LazySession(options.fetch), brand=options.config.brand(),
                   photos=PhotoCache(photo_cache_size), reading=options.reading,
                   encoders=encoders, encode_threads=encode_threads, png_filters=png_filters)

    def picture(self, post: Post, platforms: list[Platform] | None = None) -> Picture:
        return self.photos.get(post, self, platforms or self.platforms)

    def seen(self, picture: Image.Image, given: tuple[float, float] | None) -> Seen:
        """What is in `picture` (its subjects), found once per photo in this run."""
        return self.sightings.get(picture, given)

    def close(self) -> None:
        self.session.close()
        if self.encoders is not None:
            self.encoders.shutdown()

    def __enter__(self) -> RunContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def load_picture(post: Post, options: RenderOptions, session: fetch.LazySession | fetch.RunSession,
                 platforms: list[Platform]) -> Picture:
    """The decoded photo and None, or None and why not; with --strict a failure is the post's error."""
    if not post.image:
        return None, Unavailable("no featured image")
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
        return None, Unavailable(f"featured image unavailable: {_reason(post.image, exc)}",
                                 isinstance(exc, fetch.FetchError) and exc.transient)


def _reason(ref: str, exc: Exception) -> str:
    text = str(exc)
    return text if text.startswith(ref) else f"{ref}: {text}"


__all__ = ["Layouts", "PhotoCache", "Picture", "RenderOptions", "RunContext", "Sightings", "Unavailable",
           "load_picture"]
