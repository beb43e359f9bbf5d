"""A built site's share cards, checked as a network's scraper would see them: `quotecards check`.

Every HTML page below an output folder (public/, _site/, site/), or a page served on this
machine, is read up to the end of its <head>. Its og: and twitter: image tags are counted (a tag
given twice with two values is settled by each network its own way), its og:image is looked up in
the output through the site's public address and opened once per file, and what the tags declare
is compared with the file and with the platform's canvas. Each finding is a `Problem` of a
`ProblemKind`; the command prints one line each and a summary, and fails when there is any.
"""

from __future__ import annotations

import codecs
import ipaddress
import os
import posixpath
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import quote, unquote, urljoin, urlsplit

from PIL import Image, UnidentifiedImageError

from ..draw.platforms import Platform, get_platform
from ..errors import QuotecardsError

if TYPE_CHECKING:
    import requests

__all__ = ["CheckError", "Problem", "ProblemKind", "Report", "check_site"]

_CHUNK = 64 * 1024
_PAGE_BYTES = 4 * 1024 * 1024  # a page's <head> is at its start: more than this is not read
_IMAGE_BYTES = 64 * 1024 * 1024  # above every platform's byte limit (the largest is 30 MB)
_TIMEOUT = (5, 30)  # s: to connect, and between bytes
_REDIRECTS = 5
_LOOPBACK_NAMES = ("localhost",)
# The tags counted for duplicates, in the order their problems are listed.
_COUNTED = ("og:image", "og:image:width", "og:image:height", "og:image:type", "og:image:alt",
            "twitter:card", "twitter:image", "twitter:image:alt")
_LARGE_CARD = "summary_large_image"


class ProblemKind(StrEnum):
    """What is wrong with a page's card: the kinds a problem may be of."""

    DUPLICATE_TAG = "duplicate tag"  # the same tag more than once, with one value
    CONFLICTING_TAGS = "conflicting tags"  # the same tag with different values
    NOT_ABSOLUTE = "not absolute"  # og:image without scheme and host: scrapers do not resolve it
    IMAGE_NOT_FOUND = "image not found"  # no such file in the output (or on the local server)
    IMAGE_UNREADABLE = "image unreadable"  # a file, but no image Pillow can read
    IMAGE_TOO_LARGE = "image too large"  # more bytes than the platform takes
    WRONG_SIZE = "wrong size"  # not the platform's canvas
    SIZE_MISMATCH = "size mismatch"  # og:image:width or og:image:height say other than the file
    TYPE_MISMATCH = "type mismatch"  # og:image:type says other than the file
    MISSING_ALT = "missing alt"  # no og:image:alt (or twitter:image without twitter:image:alt)
    SMALL_TWITTER_CARD = "small twitter card"  # twitter:card other than summary_large_image beside a card
    NO_CARD = "no card"  # a page meant to be shared, without og:image


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one page's card; `str()` is the report's line, `PAGE: KIND: detail`."""

    page: str  # the page's path below the output folder, or its URL
    kind: ProblemKind
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """A whole check: the pages read, how many have a card, and every problem in page order."""

    pages: int  # HTML documents read
    with_card: int
    without_card: int  # pages meant to be shared without og:image: each a NO_CARD problem
    needing_none: int  # redirect stubs, 404 and noindex pages: never shared, so not checked
    not_pages: int  # .html files that are no document (verification files, fragments): left out
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        line = (f"checked {_count(self.pages, 'page')}: {self.with_card} with a card, {self.without_card} without, "
                f"{self.needing_none} that need none; {_count(len(self.problems), 'problem')}")
        if self.not_pages:
            are = "is no page" if self.not_pages == 1 else "are no pages"
            line += f"; {_count(self.not_pages, '.html file')} {are}"
        return line


class CheckError(QuotecardsError, ValueError):
    """An input `check` cannot read: no such folder, a URL not on this machine, a page not served."""


def check_site(inputs: Sequence[str | Path], base_url: str | None = None, platform: str = "og") -> Report:
    """Check the card of every page of each input: a built site's folder (every .html below it),
    or an http(s) URL of a page served on this machine. `base_url` is the site's public address,
    through which an absolute og:image URL is found in the output; without it, each page's og:url
    or canonical link tells it where they end in the page's own path."""
    base = _parse_base(base_url) if base_url else None
    run = _Run(get_platform(platform), base)
    # Every input is checked for use before any page is read; one named twice is read once.
    sources = [_source(item) for item in dict.fromkeys(str(item) for item in inputs)]
    try:
        for source in sources:
            if isinstance(source, str):
                run.check_url(source)
                continue
            prefix = f"{str(source[0]).rstrip('/')}/" if len(sources) > 1 else ""
            run.check_folder(*source, prefix)
    finally:
        run.close()
    return run.report()


@dataclass(frozen=True)
class _Base:
    """A site's public address, as the host and the path its pages lie below (ending in /)."""

    netloc: str
    path: str

    def __str__(self) -> str:
        return f"//{self.netloc}{self.path}"


@dataclass(frozen=True)
class _Facts:
    """What was read from an image file: what every check compares with."""

    width: int
    height: int
    mime: str | None
    size: int  # bytes


@dataclass(frozen=True)
class _Fault:
    """Why there are no facts about a page's image."""

    kind: ProblemKind
    detail: str


@dataclass(frozen=True)
class _Page:
    name: str  # as the report names it
    local: str  # its path below the site's root: posts/a/index.html, or a URL's path without the leading /
    url: str = ""  # where it was fetched from; "" for a file


class _Head(HTMLParser):
    """A page's <head> as a scraper reads it: meta tags by property or name, the canonical link,
    and whether the file is an HTML document at all. It stops at <body>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, list[str]] = {}
        self.canonical = ""
        self.document = self.redirect = self.noindex = self.done = False

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype html"):
            self.document = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = {name: (value or "").strip() for name, value in attrs}
        if tag in ("html", "head"):
            self.document = True
        elif tag == "body":
            self.done = True
        elif tag == "meta":
            self._meta(values)
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split() and not self.canonical:
            self.canonical = values.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True

    def _meta(self, values: dict[str, str]) -> None:
        content = values.get("content", "")
        if values.get("http-equiv", "").lower() == "refresh":
            self.redirect = True
        # Themes write og: tags with name= as often as with property=; one tag naming both counts once.
        for key in {values.get("property", "").lower(), values.get("name", "").lower()} - {""}:
            if key in ("robots", "googlebot") and "noindex" in content.lower():
                self.noindex = True
            self.tags.setdefault(key, []).append(content)

    def first(self, key: str) -> str:
        return next(iter(self.tags.get(key, [])), "")

    @property
    def has_social_tags(self) -> bool:
        return any(key.startswith(("og:", "twitter:")) for key in self.tags)


def _read_head(chunks: Iterable[bytes]) -> _Head:
    head = _Head()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    for chunk in chunks:
        head.feed(decoder.decode(chunk))
        if head.done:
            break
    head.feed(decoder.decode(b"", final=True))
    head.close()
    return head


class _Run:
    """One check: its options, what it has counted, and each image's facts, read once per file or URL."""

    def __init__(self, platform: Platform, base: _Base | None):
        self.platform = platform
        self.base = base
        self.facts: dict[str, _Facts | _Fault] = {}
        self.problems: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.session: requests.Session | None = None

    def report(self) -> Report:
        n = self.counts
        return Report(n["pages"], n["with_card"], n["without_card"], n["needing_none"], n["not_pages"],
                      tuple(self.problems))

    def close(self) -> None:
        if self.session is not None:
            self.session.close()

    def check_folder(self, root: Path, names: list[str], prefix: str) -> None:
        for name in names:
            with (root / name).open("rb") as stream:
                head = _read_head(_bounded(iter(partial(stream.read, _CHUNK), b""), _PAGE_BYTES))
            page = _Page(prefix + name, name)
            self._check(page, head, partial(self._file_image, root, page))

    def check_url(self, url: str) -> None:
        try:
            final, body, content_type = _fetch(self._session(), url, _PAGE_BYTES)
        except _FetchError as exc:
            raise CheckError(url, "SITE_OUTPUT", str(exc)) from None
        if content_type and content_type not in ("text/html", "application/xhtml+xml"):
            raise CheckError(url, "SITE_OUTPUT", f"not an HTML page (Content-Type: {content_type})")
        page = _Page(url, unquote(urlsplit(final).path).lstrip("/"), final)
        chunks = (body[start:start + _CHUNK] for start in range(0, len(body), _CHUNK))
        self._check(page, _read_head(chunks), partial(self._served_image, page))

    def _check(self, page: _Page, head: _Head, find: Callable[[str, _Base | None], _Facts | _Fault]) -> None:
        if not head.document and not head.has_social_tags:
            self.counts["not_pages"] += 1
            return
        self.counts["pages"] += 1
        if head.redirect or head.noindex or _is_404(page.local):  # never shared: what its tags say is no matter
            self.counts["needing_none"] += 1
            return
        image = next((value for value in head.tags.get("og:image", []) if value.strip()), "")  # "" is none
        found = _duplicates(head)
        if not image:
            found += self._without_card(page, head)
        else:
            self.counts["with_card"] += 1
            try:
                found += self._card(page, head, image, find)
            except ValueError as exc:  # a URL the page gives that is none ("https://[oops/x.png")
                found.append((ProblemKind.IMAGE_NOT_FOUND, f"{_short(image)} or the page's og:url is no URL ({exc})"))
        self.problems += [Problem(page.name, kind, detail) for kind, detail in found]

    def _without_card(self, page: _Page, head: _Head) -> list[tuple[ProblemKind, str]]:
        self.counts["without_card"] += 1
        return [(ProblemKind.NO_CARD, "no og:image" + (" (only twitter:image)" if head.first("twitter:image") else ""))]

    def _card(self, page: _Page, head: _Head, image: str, find: Callable[[str, _Base | None], _Facts | _Fault],
              ) -> list[tuple[ProblemKind, str]]:
        found: list[tuple[ProblemKind, str]] = []
        parts = urlsplit(image)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            found.append((ProblemKind.NOT_ABSOLUTE, f"og:image {_short(image)} is no http(s) URL with a host; "
                                                    "networks need a full URL (https://…)"))
        facts = find(image, self.base or _page_base(page, head))
        if isinstance(facts, _Fault):
            found.append((facts.kind, facts.detail))
        else:
            found += _compare(head, facts, self.platform)
        found += _alt_and_twitter(head)
        return found

    def _file_image(self, root: Path, page: _Page, value: str, base: _Base | None) -> _Facts | _Fault:
        rel = _site_path(value, page.local, base)
        if isinstance(rel, _Fault):
            return rel
        path = root / rel
        if not path.is_file():
            return _Fault(ProblemKind.IMAGE_NOT_FOUND, f"{_short(value)}: no file {rel} in the output")
        key = str(path)
        if key not in self.facts:
            self.facts[key] = _image_facts(path, path.stat().st_size, rel)
        return self.facts[key]

    def _served_image(self, page: _Page, value: str, base: _Base | None) -> _Facts | _Fault:
        target = _served_url(page, value, base)
        if isinstance(target, _Fault):
            return target
        if target not in self.facts:
            self.facts[target] = self._download(target)
        return self.facts[target]

    def _download(self, url: str) -> _Facts | _Fault:
        try:
            _final, body, _type = _fetch(self._session(), url, _IMAGE_BYTES)
        except _FetchError as exc:
            return _Fault(ProblemKind.IMAGE_NOT_FOUND, f"{url}: {exc}")
        if len(body) > _IMAGE_BYTES:
            return _Fault(ProblemKind.IMAGE_TOO_LARGE, f"{url}: more than {_IMAGE_BYTES:,} bytes; not read")
        return _image_facts(BytesIO(body), len(body), url)

    def _session(self) -> requests.Session:
        if self.session is None:
            import requests  # only for URL inputs: a folder's check does not load the HTTP stack

            self.session = requests.Session()
            self.session.trust_env = False  # a proxy from the environment must not carry loopback requests away
        return self.session


def _source(item: str) -> tuple[Path, list[str]] | str:
    """A URL on this machine, or a folder with the .html files below it; anything else stops the run."""
    try:
        scheme = urlsplit(item).scheme.lower()
    except ValueError as exc:
        raise CheckError(item, "SITE_OUTPUT", f"not a URL ({exc})") from None
    if scheme in ("http", "https"):
        if not _is_loopback(item):
            raise CheckError(item, "SITE_OUTPUT", "not on this machine: only URLs of 127.0.0.1, ::1 or localhost "
                                                  "are fetched (check the built folder instead)")
        return item
    path = Path(item)
    if not path.is_dir():
        raise CheckError(path, "SITE_OUTPUT", "no such folder" if not path.exists() else "not a folder")
    names = _html_files(path)
    if not names:
        raise CheckError(path, "SITE_OUTPUT", "no .html files below it: is it a built site's output "
                                              "(public/, _site/, site/)?")
    return path, names


def _is_loopback(url: str) -> bool:
    """Whether `url` names this machine, as the HTTP client will read it too: a URL the standard
    library and urllib3 would read two ways (a backslash, a space, user info) is not fetched."""
    from urllib3.util import parse_url

    if any(ch in url for ch in "\\@ \t\r\n") or not url.isprintable():
        return False
    try:
        host = urlsplit(url).hostname or ""
        if (parse_url(url).host or "").strip("[]").lower() != host.lower():
            return False
    except ValueError:  # also urllib3's LocationParseError
        return False
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse_base(url: str) -> _Base:
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CheckError("", "--base-url", f"expected the site's address, e.g. https://example.org/docs/, got {url!r}")
    return _Base(parts.netloc.lower(), unquote(parts.path).rstrip("/") + "/")


def _page_base(page: _Page, head: _Head) -> _Base | None:
    """The site's address from the page's own URL as it declares it: what is left of its og:url
    (else its canonical link) once the page's path below the output is taken off the end."""
    for declared in (head.first("og:url"), head.canonical):
        parts = urlsplit(declared)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            continue
        path = unquote(parts.path) or "/"
        for form in _page_forms(page.local):
            if (path.endswith("/" + form) if form else path.endswith("/")):
                return _Base(parts.netloc.lower(), path[: len(path) - len(form)])
    return None


def _page_forms(local: str) -> list[str]:
    """The ways a page's URL may end: posts/a/index.html is also posts/a/ and posts/a; b.html is also b."""
    stem = local.removesuffix("index.html") if local == "index.html" or local.endswith("/index.html") else local
    forms = [local, stem, stem.rstrip("/"), stem.removesuffix(".html")]
    return sorted(set(forms), key=len, reverse=True)


def _is_404(local: str) -> bool:
    parts = local.lower().rstrip("/").split("/")
    return parts[-1] in ("404.html", "404") or parts[-2:] == ["404", "index.html"]


def _site_path(value: str, page_local: str, base: _Base | None) -> str | _Fault:
    """Where an image URL lies below the site's root, without its query (`?v=…`): a path
    under `base`, or from the root when the site's address is not known; relative to the page
    when the URL is."""
    parts = urlsplit(value)
    path = unquote(parts.path)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return _Fault(ProblemKind.IMAGE_NOT_FOUND, f"{_short(value)}: a {parts.scheme}: URL, not a file")
    if not parts.netloc and not path.startswith("/"):
        rel = posixpath.join(posixpath.dirname(page_local), path)
    elif base is None:
        rel = path
    elif (parts.netloc and parts.netloc.lower() != base.netloc) or not path.startswith(base.path):
        return _Fault(ProblemKind.IMAGE_NOT_FOUND, f"{_short(value)} is not under the site's address {base}")
    else:
        rel = path[len(base.path):]
    rel = posixpath.normpath(rel.lstrip("/")) if rel.strip("/") else ""
    if not rel or rel == ".." or rel.startswith("../") or path.endswith("/"):
        return _Fault(ProblemKind.IMAGE_NOT_FOUND, f"{_short(value)} names no file in the output")
    return rel


def _served_url(page: _Page, value: str, base: _Base | None) -> str | _Fault:
    """The URL on the page's own server to fetch an og:image from: as given when it is there, else
    its path under the site's address, taken to be served from the server's root."""
    parts, here = urlsplit(value), urlsplit(page.url)
    if not parts.netloc or parts.netloc.lower() == here.netloc.lower():
        return urljoin(page.url, value).split("#", 1)[0]
    if base is None:
        return _Fault(ProblemKind.IMAGE_NOT_FOUND, f"{_short(value)} is not on {here.netloc}; give --base-url "
                                                   "to look it up there")
    rel = _site_path(value, page.local, base)
    return rel if isinstance(rel, _Fault) else f"{here.scheme}://{here.netloc}/{quote(rel)}"


def _image_facts(source: Path | IO[bytes], size: int, name: str) -> _Facts | _Fault:
    try:
        with Image.open(source) as image:
            facts = _Facts(image.width, image.height, image.get_format_mimetype(), size)
            image.verify()  # a truncated PNG shows its right size, and no picture
    except UnidentifiedImageError:
        return _Fault(ProblemKind.IMAGE_UNREADABLE, f"{name}: not an image (none of the formats Pillow reads)")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        return _Fault(ProblemKind.IMAGE_UNREADABLE, f"{name}: {exc}")
    return facts


def _html_files(root: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found += [Path(folder, name).relative_to(root).as_posix() for name in files
                  if name.lower().endswith((".html", ".htm")) and Path(folder, name).is_file()]  # not a device
    return sorted(found)


def _duplicates(head: _Head) -> list[tuple[ProblemKind, str]]:
    found = []
    for key in _COUNTED:
        values = head.tags.get(key, [])
        if len(values) < 2:
            continue
        distinct = list(dict.fromkeys(values))
        if len(distinct) == 1:
            found.append((ProblemKind.DUPLICATE_TAG, f"{key} {len(values)} times"))
        else:
            shown = ", ".join(_short(value, 60) for value in distinct[:3]) + (", …" if len(distinct) > 3 else "")
            found.append((ProblemKind.CONFLICTING_TAGS, f"{key} {len(values)} times, with {len(distinct)} values: "
                                                        f"{shown} (networks differ in which they take)"))
    return found


def _compare(head: _Head, facts: _Facts, platform: Platform) -> list[tuple[ProblemKind, str]]:
    """What the tags declare against the file, and the file against the platform."""
    found = []
    if facts.size > platform.max_bytes:
        found.append((ProblemKind.IMAGE_TOO_LARGE, f"{facts.size:,} bytes; {platform.name} takes at most "
                                                   f"{platform.max_bytes:,}"))
    if (facts.width, facts.height) != platform.size:
        found.append((ProblemKind.WRONG_SIZE, f"the image is {facts.width}\u00d7{facts.height}; "
                                              f"{platform.name} cards are {platform.width}\u00d7{platform.height}"))
    declared = [f"{key} {_short(head.first(key), 20)}" for key, real in
                (("og:image:width", facts.width), ("og:image:height", facts.height))
                if head.first(key) and head.first(key) != str(real)]
    if declared:
        found.append((ProblemKind.SIZE_MISMATCH,
                      f"{', '.join(declared)}; the image is {facts.width}\u00d7{facts.height}"))
    mime = head.first("og:image:type").split(";")[0].strip().lower()
    if mime and facts.mime and mime != facts.mime:
        found.append((ProblemKind.TYPE_MISMATCH, f"og:image:type {_short(mime, 40)}; the image is {facts.mime}"))
    return found


def _alt_and_twitter(head: _Head) -> list[tuple[ProblemKind, str]]:
    found = []
    if not head.first("og:image:alt"):
        found.append((ProblemKind.MISSING_ALT, "no og:image:alt"))
    if head.first("twitter:image") and not head.first("twitter:image:alt"):
        found.append((ProblemKind.MISSING_ALT, "twitter:image without twitter:image:alt"))
    card = head.first("twitter:card").lower()
    if card and card != _LARGE_CARD:
        found.append((ProblemKind.SMALL_TWITTER_CARD, f"twitter:card is {_short(card, 40)}; the card is shown whole "
                                                      f"only with {_LARGE_CARD}"))
    return found


class _FetchError(Exception):
    pass


def _fetch(session: requests.Session, url: str, limit: int) -> tuple[str, bytes, str]:
    """The body of `url` (at most `limit` + 1 bytes), its final URL after redirects on this machine,
    and its media type."""
    import requests

    for _hop in range(_REDIRECTS + 1):
        if not _is_loopback(url):
            raise _FetchError(f"redirected to {url}, not on this machine; not followed")
        try:
            with session.get(url, timeout=_TIMEOUT, stream=True, allow_redirects=False) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise _FetchError(f"HTTP {response.status_code}")
                media = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return url, b"".join(_bounded(response.iter_content(_CHUNK), limit + 1)), media
        except requests.RequestException as exc:
            raise _FetchError(f"could not fetch: {exc}") from None
    raise _FetchError(f"more than {_REDIRECTS} redirects")


def _bounded(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    taken = 0
    for chunk in chunks:
        yield chunk[: limit - taken]
        taken += len(chunk)
        if taken >= limit:
            return


def _short(text: str, most: int = 100) -> str:
    return repr(text if len(text) <= most else text[: most - 1] + "\u2026")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
