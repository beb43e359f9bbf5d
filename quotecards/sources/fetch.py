"""Get the featured image's bytes: a URL on a server we do not control (download.py, imported
only when a URL is fetched), a local mirror of one, or a file of the site's. Decoding is not
done here.
"""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..files import read_regular
from .fetched import USER_AGENT, Fetched, FetchError, FetchOptions, Origin, default_cache_dir

if TYPE_CHECKING:
    from .download import RunSession

__all__ = ["USER_AGENT", "FetchError", "FetchOptions", "Fetched", "LazySession", "Origin", "default_cache_dir",
           "fetch_image", "forget", "open_session", "read_local_image"]


class LazySession:
    """The run's HTTP session, opened — and the HTTP stack imported — when a URL is first fetched.

    Safe to share between the preview's threads: it is opened once, under a lock.
    """

    def __init__(self, options: FetchOptions):
        self.options = options
        self.opened: RunSession | None = None
        self.lock = threading.Lock()

    def get(self) -> RunSession:
        with self.lock:
            if self.opened is None:
                from .download import open_session

                self.opened = open_session(self.options)
            return self.opened

    def close(self) -> None:
        with self.lock:
            if self.opened is not None:
                self.opened.close()


def open_session(options: FetchOptions) -> RunSession:
    """The one Session a run shares: its connection pool, retries and cache (download.py)."""
    from .download import open_session as opened

    return opened(options)


def forget(url: str, session: LazySession | RunSession) -> None:
    """Drop `url` from the HTTP cache (its bytes turned out not to be a usable image)."""
    if urlsplit(url).scheme in ("http", "https"):
        from .download import forget as forgotten

        forgotten(url, session.get() if isinstance(session, LazySession) else session)


def fetch_image(ref: str, post_dir: Path, options: FetchOptions, session: LazySession | RunSession) -> Fetched:
    """The bytes behind `ref`: a URL (or its local mirror), or a path inside the site."""
    try:
        local = read_local_image(ref, post_dir, options)
        if local is not None:
            return local
        from .download import download

        return download(ref, options, session.get() if isinstance(session, LazySession) else session)
    except (ValueError, UnicodeError) as exc:  # "http://a..b/", a port past 65535: no URL to fetch
        raise FetchError(f"{ref[:200]}: not a URL that can be fetched ({exc.__class__.__name__})") from None


def read_local_image(ref: str, post_dir: Path, options: FetchOptions) -> Fetched | None:
    """The bytes of a path inside the site or of a URL's local mirror; None for a URL that only
    the network has. FetchError when it cannot be read, or is no http(s) URL."""
    for prefix, folder in options.image_bases:
        if ref.startswith(prefix):
            relative = unquote(urlsplit(ref[len(prefix):]).path).lstrip("/")
            return Fetched(_read_local(ref, folder / relative, (folder,), options), "mirror")
    scheme = urlsplit(ref).scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise FetchError(f"{ref}: unsupported URL scheme {scheme!r} (only http and https)")
    path = Path(ref).expanduser()
    if ref.startswith("/"):
        for web_root in options.web_roots:
            served = web_root / unquote(urlsplit(ref).path).lstrip("/")
            if served.is_file():
                return Fetched(_read_local(ref, served, (web_root,), options), "file")
    return Fetched(_read_local(ref, path if path.is_absolute() else post_dir / path,
                               (post_dir, *options.roots), options), "file")


def _read_local(ref: str, path: Path, roots: tuple[Path, ...], options: FetchOptions) -> bytes:
    # A post written years ago must not read /etc/passwd or ~/.ssh through "../../..".
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root.resolve()) for root in roots):
        raise FetchError(f"{ref}: outside the site and post folders (allowed: "
                         f"{', '.join(str(r) for r in roots)})")
    try:
        return read_regular(resolved, options.max_bytes)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise FetchError(f"{ref}: larger than {options.max_bytes // (1024 * 1024)} MB") from None
        raise FetchError(f"{ref}: {exc.strerror or exc}") from None
