"""Get the featured image's bytes: an http(s) URL or a local file. Decoding is not done here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from . import __version__

USER_AGENT = f"quotecards/{__version__} (+social share cards)"


class FetchError(Exception):
    """Why the image could not be had; one line, fit for a card's warning."""


@dataclass(frozen=True)
class FetchOptions:
    timeout: tuple[float, float] = (5.0, 15.0)  # connect, read (seconds)
    max_bytes: int = 25 * 1024 * 1024


def fetch_image(ref: str, post_dir: Path, options: FetchOptions = FetchOptions(),
                session: requests.Session | None = None) -> bytes:
    """The bytes behind `ref`: a URL, an absolute path, or a path relative to the post."""
    scheme = urlsplit(ref).scheme.lower()
    if scheme in ("http", "https"):
        return _download(ref, options, session or requests.Session())
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise FetchError(f"{ref}: unsupported URL scheme {scheme!r} (only http and https)")
    return _read_local(ref, post_dir, options)


def _download(url: str, options: FetchOptions, session: requests.Session) -> bytes:
    try:
        with session.get(url, timeout=options.timeout, stream=True, headers={"User-Agent": USER_AGENT}) as response:
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip())
            # Stream with a cap: a hostile or broken server must not fill our memory.
            chunks, total = [], 0
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if total > options.max_bytes:
                    raise FetchError(f"{url}: larger than {options.max_bytes // (1024 * 1024)} MB")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.Timeout:
        raise FetchError(f"{url}: timed out") from None
    except requests.ConnectionError as exc:
        raise FetchError(f"{url}: cannot connect ({_root_cause(exc)})") from None
    except requests.RequestException as exc:
        raise FetchError(f"{url}: {exc.__class__.__name__}") from None


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    text = str(exc)
    if "Name or service not known" in text or "Temporary failure in name resolution" in text or "nodename" in text:
        return "host name not found"
    return text.split(":")[-1].strip() or exc.__class__.__name__


def _read_local(ref: str, post_dir: Path, options: FetchOptions) -> bytes:
    path = Path(ref).expanduser()
    if not path.is_absolute():
        path = post_dir / path
    try:
        if path.stat().st_size > options.max_bytes:
            raise FetchError(f"{ref}: larger than {options.max_bytes // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{ref}: {exc.strerror or exc}") from None
