"""Signed card URLs: only the site, which holds the secret, can mint a card with its brand.

A card URL's parameters are put in one canonical order (sorted by name, each name and value
percent-encoded as RFC 3986 has it), the path and that query joined by "?", and signed with
HMAC-SHA256 under the site's secret; the signature is its hex digest, the `sig` parameter. The
same few lines in PHP or JavaScript (docs/service.md) make the same signature, so a WordPress
theme can put a signed card URL in its og:image.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from ..errors import ConfigError

__all__ = ["SECRET_ENV", "SECRET_FILE_ENV", "SIGNATURE", "canonical", "load_secret", "sign", "signed_path", "verify"]

SECRET_ENV = "QUOTECARDS_SECRET"
SECRET_FILE_ENV = "QUOTECARDS_SECRET_FILE"  # a file holding the secret, as a container's secrets are mounted
SIGNATURE = "sig"
MIN_SECRET_BYTES = 16  # a shorter secret is guessed; openssl rand -hex 32 gives 64 characters


def canonical(path: str, params: Mapping[str, str]) -> str:
    """What is signed: the path, and every parameter but the signature, in one order and encoding."""
    pairs = sorted((k, v) for k, v in params.items() if k != SIGNATURE)
    return path + "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def sign(secret: bytes, path: str, params: Mapping[str, str]) -> str:
    return hmac.new(secret, canonical(path, params).encode("utf-8"), hashlib.sha256).hexdigest()


def signed_path(secret: bytes, path: str, params: Mapping[str, str]) -> str:
    """The URL path with its query and signature, ready for og:image after the service's address."""
    return f"{canonical(path, params)}&{SIGNATURE}={sign(secret, path, params)}"


def verify(secret: bytes, path: str, params: Mapping[str, str]) -> bool:
    """Whether `params` carry the signature of exactly these parameters on this path."""
    given = params.get(SIGNATURE, "")
    return hmac.compare_digest(given.encode("ascii", "replace"), sign(secret, path, params).encode("ascii"))


def load_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """The site's secret, from QUOTECARDS_SECRET or the file QUOTECARDS_SECRET_FILE names; a
    ConfigError naming the variable where there is none, or one too short to keep cards the site's."""
    environ = os.environ if environ is None else environ
    if environ.get(SECRET_ENV):
        secret, where = environ[SECRET_ENV].encode("utf-8"), SECRET_ENV
    elif environ.get(SECRET_FILE_ENV):
        path = Path(environ[SECRET_FILE_ENV])
        try:
            secret, where = path.read_bytes().strip(), SECRET_FILE_ENV
        except OSError as exc:
            raise ConfigError(path, SECRET_FILE_ENV, f"cannot read it ({exc.strerror or exc})") from None
    else:
        raise ConfigError("", SECRET_ENV, f"no signing secret: set {SECRET_ENV} (or {SECRET_FILE_ENV}, a file "
                                          "holding it), e.g. to the output of `openssl rand -hex 32`")
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigError("", where, f"the secret is {len(secret)} bytes; at least {MIN_SECRET_BYTES} are needed")
    return secret
