"""HTTP downloads of featured images: one requests Session per run, with connect/read timeouts and
a deadline for the whole body, a bounded number of redirects, retries with backoff on connection
errors, 5xx and 429 (Retry-After honoured up to a cap), a size cap while streaming, and an
on-disk HTTP cache (CacheControl) that revalidates with ETag / Last-Modified, so a re-run over an
archive only asks "changed?".

Imported only when a run fetches a URL (fetch.LazySession): a card from a local photo does not
load the HTTP stack.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Collection, Mapping
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import requests
from cachecontrol import CacheControlAdapter
from cachecontrol.caches import FileCache
from cachecontrol.controller import CacheController
from urllib3 import BaseHTTPResponse, HTTPResponse
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError
from urllib3.util.retry import Retry

from ..errors import OutputError
from .fetched import USER_AGENT, Fetched, FetchError, FetchOptions, default_cache_dir
from .public_net import NotPublicError, public_only

__all__ = ["PUBLIC_ONLY_CACHE", "RunSession", "download", "forget", "open_session"]


class _CappedRetry(Retry):
    """Retry whose Retry-After wait is capped (urllib3 would wait as long as the server says)."""

    cap: float = 30.0

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.cap)

    def increment(self, method: str | None = None, url: str | None = None, response: BaseHTTPResponse | None = None,
                  error: Exception | None = None, _pool: ConnectionPool | None = None,
                  _stacktrace: TracebackType | None = None) -> Self:
        # A host name that does not resolve will not resolve in a second either: an archive
        # full of dead domains must not wait out the backoff for each.
        if isinstance(error, (NameResolutionError, NotPublicError)) and _pool is not None:
            raise MaxRetryError(_pool, url or "", error)
        return super().increment(method, url, response, error, _pool, _stacktrace)


class _TolerantController(CacheController):
    """A cache entry that cannot be read (truncated, from another version) is dropped, not fatal."""

    def _load_from_cache(self, request: requests.PreparedRequest) -> HTTPResponse | None:
        try:
            return super()._load_from_cache(request)
        except Exception:
            self.cache.delete(request.url or "")
            return None


class _OfflineAdapter(CacheControlAdapter):
    """Answers from the cache only, fresh or stale; anything else fails without touching the network."""

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: None | float | tuple[float, float] | tuple[float, None] = None, verify: bool | str = True,
             cert: None | bytes | str | tuple[bytes | str, bytes | str] = None,
             proxies: Mapping[str, str] | None = None,
             cacheable_methods: Collection[str] | None = None) -> requests.Response:
        cached = self.controller._load_from_cache(request)
        if cached is None:
            raise requests.ConnectionError("offline, and not in the cache")
        return self.build_response(request, cached, from_cache=True)


class RunSession(requests.Session):
    """The run's Session, which also remembers the hosts it could not reach: an archive with a
    thousand posts on one dead host pays that host's connect timeout once, not a thousand times."""

    def __init__(self) -> None:
        super().__init__()
        self.unreachable: dict[str, str] = {}  # scheme://host:port → why


PUBLIC_ONLY_CACHE = "public-only"


def open_session(options: FetchOptions) -> RunSession:
    """The one Session a run shares: its connection pool, retries and cache."""
    session = RunSession()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = options.max_redirects
    retry = type("Retry", (_CappedRetry,), {"cap": options.max_retry_after})(
        total=options.retries, connect=options.retries, read=options.retries, status=options.retries,
        backoff_factor=options.backoff, status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",), raise_on_status=False, respect_retry_after_header=True)
    if options.cache_dir is None and not options.offline:
        adapter: requests.adapters.HTTPAdapter = requests.adapters.HTTPAdapter(max_retries=retry)
    else:
        cache = FileCache(str(_usable_cache_dir(_cache_folder(options))))
        kind = _OfflineAdapter if options.offline else CacheControlAdapter
        adapter = kind(cache=cache, controller_class=_TolerantController, max_retries=retry)
    if options.public_only:
        public_only(adapter)
        session.trust_env = False  # a proxy from the environment would be connected to instead
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _cache_folder(options: FetchOptions) -> Path:
    """The cache a run reads and fills. Public-only runs (the preview) keep their own: an answer
    another run fetched from a private address must not reach them through a shared cache."""
    folder = options.cache_dir or default_cache_dir()
    return folder / PUBLIC_ONLY_CACHE if options.public_only else folder


def _usable_cache_dir(folder: Path) -> Path:
    # Checked before the session is made: a cache under a file is one line naming the folder for
    # each post that downloads, not a traceback; posts with local photos are not touched by it.
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(folder, "cache", f"the image cache folder cannot be made ({exc.strerror}); "
                                           "name another with --cache-dir, or use --no-cache") from None
    return folder


def forget(url: str, session: requests.Session) -> None:
    """Drop `url` from the cache (its bytes turned out not to be a usable image)."""
    adapter = session.get_adapter(url)
    if isinstance(adapter, CacheControlAdapter):
        adapter.cache.delete(adapter.controller.cache_url(url))


# A server's answers that say "not now" rather than "not here": timeouts, rate limits, its own failures.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def download(url: str, options: FetchOptions, session: requests.Session) -> Fetched:
    host = _host(url)
    unreachable = getattr(session, "unreachable", {})
    if host in unreachable and not options.offline:
        raise FetchError(f"{url}: cannot connect ({unreachable[host]}; not tried again this run)", transient=True)
    try:
        return _get(url, options, session)
    except _Unreachable as exc:
        unreachable[host] = exc.reason
        raise FetchError(f"{url}: cannot connect ({exc.reason})", transient=True) from None


class _Unreachable(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{parts.port or ''}"


def _get(url: str, options: FetchOptions, session: requests.Session) -> Fetched:
    cut = threading.Event()
    try:
        with session.get(url, timeout=options.timeout, stream=True) as response:
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip(),
                                 transient=response.status_code in TRANSIENT_STATUSES)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > options.max_bytes:
                raise FetchError(f"{url}: larger than {options.max_bytes // (1024 * 1024)} MB")
            # A server dripping a byte at a time never trips the per-read timeout, and a blocked
            # read cannot watch the clock: a watchdog shuts the socket when the deadline passes.
            watchdog = threading.Timer(options.deadline, _cut_off, (response, cut))
            watchdog.daemon = True
            watchdog.start()
            try:
                # Stream with a cap: a hostile or broken server must not fill our memory.
                chunks, total = [], 0
                for chunk in response.iter_content(64 * 1024):
                    total += len(chunk)
                    if total > options.max_bytes:
                        raise FetchError(f"{url}: larger than {options.max_bytes // (1024 * 1024)} MB")
                    chunks.append(chunk)
            finally:
                watchdog.cancel()
            if cut.is_set():
                raise FetchError(f"{url}: too slow (no complete image in {options.deadline:g} s)", transient=True)
            return Fetched(b"".join(chunks), "cache" if getattr(response, "from_cache", False) else "network")
    except requests.TooManyRedirects:
        raise FetchError(f"{url}: too many redirects (more than {options.max_redirects})") from None
    except requests.RequestException as exc:
        if cut.is_set():
            raise FetchError(f"{url}: too slow (no complete image in {options.deadline:g} s)", transient=True) from None
        refused = _find(exc, NotPublicError)
        if refused is not None:
            raise FetchError(f"{url}: not fetched: {getattr(refused, 'why', 'not a public address')}; "
                             "the preview fetches only public addresses (see serve --allow-private-images)") from None
        if options.offline and isinstance(exc, requests.ConnectionError):
            raise FetchError(f"{url}: offline, and not in the cache") from None
        if isinstance(exc, requests.ConnectTimeout):
            raise _Unreachable("timed out connecting") from None
        if isinstance(exc, requests.Timeout):
            raise FetchError(f"{url}: timed out", transient=True) from None
        if isinstance(exc, requests.ConnectionError) and _never_connected(exc):
            raise _Unreachable(_root_cause(exc)) from None
        if isinstance(exc, requests.ConnectionError):  # connected, then lost: the host may answer next time
            raise FetchError(f"{url}: connection lost ({_root_cause(exc)})", transient=True) from None
        raise FetchError(f"{url}: {exc.__class__.__name__}", transient=True) from None


def _cut_off(response: requests.Response, cut: threading.Event) -> None:
    cut.set()
    # Shutting the socket down wakes the blocked read; closing it from here would not.
    raw = response.raw
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is None:  # HTTP/1.0 or Connection: close hands the socket to the response itself
        reader = getattr(getattr(raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _never_connected(exc: BaseException) -> bool:
    """Whether the error is a connection that was never made (no such host, refused, unreachable)."""
    return _find(exc, NewConnectionError) is not None  # NameResolutionError is one too


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first error of `kind` among `exc`'s causes (urllib3 keeps them in `.reason`)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        reason = getattr(seen, "reason", None)
        seen = reason if isinstance(reason, BaseException) else (seen.__cause__ or seen.__context__)
    return None


def _root_cause(exc: BaseException) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        exc, cause = cause, cause.__cause__ or cause.__context__
    text = str(exc)
    if "Name or service not known" in text or "Temporary failure in name resolution" in text or "nodename" in text:
        return "host name not found"
    return text.split(":")[-1].strip() or exc.__class__.__name__
