"""What fetching an image is asked and what it gives: the options, the bytes with where they came
from, and the error. Apart from fetch.py (local files, mirrors) and download.py (the network), which
both use them, so neither imports the other for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import __version__
from ..resources import cache_dir

__all__ = ["MAX_PIXELS", "USER_AGENT", "FetchError", "FetchOptions", "Fetched", "Origin", "default_cache_dir"]

MAX_PIXELS = 40_000_000  # a photo's, decoded: well under Pillow's 89 Mpx bomb limit; no news photo needs more
USER_AGENT = f"quotecards/{__version__} (+social share cards)"


class FetchError(Exception):
    """Why the image could not be had; one line, fit for a card's warning. `transient`: the host
    could not be reached, or was too slow or failing, for now; asked again later, it may answer."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/quotecards, i.e. ~/.cache/quotecards by default."""
    return cache_dir()


@dataclass(frozen=True)
class FetchOptions:
    """How featured images are had: timeouts, size caps, retries, the cache, local folders."""

    timeout: tuple[float, float] = (5.0, 15.0)  # connect, and each read (seconds)
    deadline: float = 60.0  # the whole body, seconds: a server dripping a byte a second never trips a read timeout
    max_bytes: int = 25 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry, doubling after
    max_retry_after: float = 30.0  # a server asking us to wait longer is waited for this long
    cache_dir: Path | None = None  # None: no cache
    offline: bool = False  # only the cache; no network at all
    image_bases: tuple[tuple[str, Path], ...] = ()  # URL prefix → local folder mirroring it
    roots: tuple[Path, ...] = field(default_factory=lambda: (Path.cwd(),))  # where local images may live
    public_only: bool = False  # refuse loopback, private, link-local and multicast addresses (the preview)
    # Where a path from the site's root ("/images/x.jpg") is served from: Hugo's static/, Jekyll's
    # and Eleventy's source folder. Tried before the file system's own root.
    web_roots: tuple[Path, ...] = ()

Origin = Literal["network", "cache", "file", "mirror"]  # cache: fresh, or revalidated with the server


@dataclass(frozen=True)
class Fetched:
    data: bytes
    origin: Origin
