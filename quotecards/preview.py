"""`quotecards serve`: a live preview in the browser, rendering through the same library code.

Pick a post (or type a quote, an attribution and an image URL), choose a layout and a platform,
and the card re-renders as you type; a click on the photo sets the focal point; Download saves
the PNG; Save writes the chosen layout and focal point into the post's front matter (one line,
nothing else in the file changes, and only on that click). Bad input is a message in the page.
Show composition draws over the card what manifest.json records of its composition.

The preview serves the person at its page and nobody else: every request must name this
server's Host (a DNS-rebinding page names its own), carry no foreign Origin, and carry the
per-server token that only the page knows; writes are JSON POSTs of bounded size. Images are
fetched only from public addresses (checked on every connection, redirects included) unless
the server was started to allow private ones.
"""

from __future__ import annotations

import io
import ipaddress
import json
import secrets
import socket
import socketserver
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import heap
from .card_warnings import Kind
from .cards import choose, compose_card, composition
from .context import RunContext
from .draw.layout import available
from .draw.platforms import PLATFORMS, get_platform
from .draw.render import Rendered
from .encode import export
from .errors import QuotecardsError
from .options import RenderOptions
from .sources.frontmatter_edit import EditError, set_quotecard
from .sources.post import MAX_ATTRIBUTION_CHARS, MAX_QUOTE_CHARS, NOT_TEXT, Post, PostError, card_kind, read_post
from .text.typeset import ShapingUnavailable

__all__ = ["Preview", "address_of", "make_server"]

PAGE = (Path(__file__).parent / "preview.html")
PHOTO_CACHE_SIZE = 16  # the photos of the posts a person flips between
MAX_BODY_BYTES = 64 * 1024
MAX_IMAGE_REF_CHARS = 2048
RENDER_PARAMS = frozenset({"post", "quote", "attribution", "image", "layout", "platform", "focal", "download", "token"})
SAVE_KEYS = frozenset({"post", "layout", "focal_point", "card_quote"})
# A page fires several requests at once and a script or a few tabs more: a burst beyond the
# listen queue waits for the client's SYN retry (a second or more), or is reset.
LISTEN_QUEUE = 128
PAGE_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                "img-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"),
]


class Refused(Exception):
    """A request the preview does not serve (another site's, a forged Host, no token): HTTP 403."""


@dataclass
class Preview:
    """What the server knows: the posts' folder and the render settings; photos kept decoded."""

    content_dir: Path
    options: RenderOptions
    ctx: RunContext = field(init=False)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def __post_init__(self) -> None:
        # Every platform is a click away, so photos are decoded for the largest canvas of all.
        self.ctx = RunContext.open(replace(self.options, platforms=("all",)), photo_cache_size=PHOTO_CACHE_SIZE)

    def page(self) -> bytes:
        return PAGE.read_text(encoding="utf-8").replace("{{TOKEN}}", self.token).encode("utf-8")

    def posts(self) -> list[dict[str, Any]]:
        out = []
        for found in sorted(self.content_dir.rglob("*.md")):
            rel = found.relative_to(self.content_dir).as_posix()
            path = self._post_file(rel)
            if path is None:
                continue  # what /render would refuse too: a FIFO, a link out of the folder
            try:
                post = read_post(path, self.ctx.reading)
            except PostError:
                continue
            out.append({"path": rel, "title": post.title,
                        "quote": post.quote, "attribution": post.attribution, "image": post.image or "",
                        "layout": post.layout, "focal_point": post.focal_point,
                        "card_quote": dict(post.sources).get("quote") in self.ctx.reading.fields["card_quote"]})
        return out

    def post_for(self, params: dict[str, str]) -> Post:
        """The post the form describes: a file's post with the form's edits, or a new one."""
        unknown = set(params) - RENDER_PARAMS
        if unknown:
            raise ValueError(f"unknown parameter {sorted(unknown)[0]!r}")
        check_text(params)
        rel = params.get("post", "")
        if rel:
            path = self._inside(rel)
            base = read_post(path, self.ctx.reading)
        else:
            base = Post(source=self.content_dir / "preview.md", slug="preview", quote="", attribution="",
                        citation="", image=None, image_alt="", title="", description="", date=None, section="")
        focal = None
        if params.get("focal"):
            try:
                x, y = (float(v) for v in params["focal"].split(","))
            except ValueError:
                raise ValueError("focal point: expected x,y") from None
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError("focal point: both numbers must be between 0 and 1")
            focal = (x, y)
        quote = params.get("quote", base.quote).strip()
        if not quote and not base.title:  # a post without a quote still has its headline card
            raise ValueError("type a quote (or pick a post)")
        attribution = params.get("attribution", base.attribution).strip()
        image = params.get("image", base.image or "").strip()
        for name, text, most in (("quote", quote, MAX_QUOTE_CHARS), ("attribution", attribution, MAX_ATTRIBUTION_CHARS),
                                 ("image", image, MAX_IMAGE_REF_CHARS)):
            if len(text) > most:
                raise ValueError(f"{name}: {len(text):,} characters; at most {most:,}")
        layout = params.get("layout", "")
        if layout:
            self.check_layout(layout)
        # The quote typed is the card's quote: the same rule as a render decides its card.
        kind, long_quote = card_kind(quote, base.title, base.lang, self.ctx.reading.long_quote_words)
        notes = (*(n for n in base.notes if n.kind is not Kind.LONG_QUOTE), *([long_quote] if long_quote else []))
        return replace(base, quote=quote, attribution=attribution, image=image or None, kind=kind, notes=notes,
                       layout=layout or base.layout, focal_point=focal or base.focal_point)

    def check_layout(self, name: str) -> None:
        if name not in available(self.ctx.layouts.folders):
            raise ValueError(f"no layout named {name[:40]!r}")

    def render_card(self, params: dict[str, str]) -> tuple[export.Encoded, dict[str, Any]]:
        post = self.post_for(params)
        name = params.get("platform", "og") or "og"
        if name not in PLATFORMS:
            raise ValueError(f"no platform named {name[:40]!r}")
        platform = get_platform(name)
        # The same steps as a build: a quote that does not fit steps down, a small photo is set aside.
        spec, card, used = compose_card(post, self.ctx, choose(post, self.ctx), platform)
        if params.get("download"):
            fmt, budget = self.ctx.options.output_for(platform)
            encoded = export.encode(card.image, budget, fmt, photographic=card.background == "photo")
        else:  # on screen, replaced as the user types: the same pixels, no time spent on bytes
            encoded = export.encode_for_screen(card.image)
        warnings = [*post.notes, *used.warnings_on(platform), *card.warnings]
        info = {"layout": used.layout.name, "why": used.why, "kind": spec.kind,
                "warnings": [w.message for w in warnings], "warning_kinds": [w.kind.value for w in warnings],
                "focus": card.focus, "contrast": card.contrast, **overlay(card)}
        return encoded, info

    def photo_jpeg(self, params: dict[str, str]) -> bytes:
        post = self.post_for({**params, "quote": params.get("quote") or "x"})
        picture, warning = self.ctx.picture(post)
        if picture is None:
            raise ValueError(str(warning or "no photo"))
        small = picture.copy()
        small.thumbnail((640, 640))
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=85)
        return buffer.getvalue()

    def save(self, body: dict[str, Any]) -> str:
        unknown = set(body) - SAVE_KEYS
        if unknown:
            raise ValueError(f"unknown field {sorted(unknown)[0]!r}")
        post, layout, quote = body.get("post"), body.get("layout") or "", body.get("card_quote") or ""
        if not isinstance(post, str) or not isinstance(layout, str) or not isinstance(quote, str):
            raise ValueError("post, layout and card_quote: expected text")
        check_text({"post": post, "layout": layout, "quote": quote})
        if len(quote) > MAX_QUOTE_CHARS:
            raise ValueError(f"card_quote: {len(quote):,} characters; at most {MAX_QUOTE_CHARS:,}")
        path = self._inside(post)
        point = _focal_point(body.get("focal_point"))
        if layout:
            self.check_layout(layout)
        outcome = set_quotecard(path, layout or None, point, " ".join(quote.split()) or None)
        if outcome == "own":
            raise ValueError(f"{path.name} has a quotecard entry written by hand: edit it there")
        return outcome

    def _inside(self, rel: str) -> Path:
        path = self._post_file(rel)
        if path is None:
            raise ValueError(f"no post {rel!r} in {self.content_dir}")
        return path

    def _post_file(self, rel: str) -> Path | None:
        """The post file `rel` names, or None: only a regular .md file inside the folder is read
        (opening a FIFO or a device would hang the request), a link only where it leads to one."""
        inside = self.content_dir.resolve()
        try:
            path = (inside / rel).resolve()
        except RuntimeError:  # a symlink loop (pathlib raises this, not OSError)
            return None
        if rel and path.is_relative_to(inside) and path.suffix == ".md" and path.is_file():
            return path
        return None


def overlay(card: Rendered) -> dict[str, Any]:
    """What the page's overlay draws: the manifest's composition fields, and the card's size for
    the overlay's coordinates."""
    return {"width": card.image.width, "height": card.image.height, **composition(card)}


def check_text(fields: dict[str, str]) -> None:
    for name, value in fields.items():
        bad = NOT_TEXT.search(value)  # what a post's front matter may not hold either
        if bad:
            raise ValueError(f"{name}: contains U+{ord(bad.group()):04X}, which is not text")


def _focal_point(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in value)):
        return float(value[0]), float(value[1])
    raise ValueError("focal_point: expected [x, y] with both between 0 and 1")


def allowed_hosts(host: str, port: int) -> set[str]:
    """Host headers that name this server. A bound name other than loopback adds itself and any IP
    literal (a DNS-rebinding page can only send a name it controls, never a bare address)."""
    names = {"127.0.0.1", "localhost", "[::1]", host.lower() if ":" not in host else f"[{host.lower()}]"}
    return {f"{name}:{port}" for name in names}


def token_ok(given: str, token: str) -> bool:
    # compare_digest raises TypeError on a str with any non-ASCII character: compare the bytes.
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8"))


def host_ok(header: str, allowed: set[str], loopback_only: bool) -> bool:
    if header.lower() in allowed:
        return True
    if loopback_only:
        return False
    name = header.rsplit(":", 1)[0].strip("[]")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    """The preview's requests: its page, its API (token-guarded) and the one write, /save."""

    app: Preview
    hosts: set[str]
    loopback_only: bool
    # A client that connects and sends nothing (or less than its Content-Length) would hold its
    # thread for ever; the page's own requests are small and quick.
    timeout = 30

    def guard(self, params: dict[str, str], api: bool) -> None:
        """Refused unless this server's own page (or a client holding its token) asks."""
        host = self.headers.get("Host", "")
        if not host_ok(host, self.hosts, self.loopback_only):
            raise Refused(f"Host {host[:60]!r} is not this server")
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            raise Refused("requests from other sites are refused")
        if api and not token_ok(self.headers.get("X-Quotecards-Token") or params.get("token", ""), self.app.token):
            raise Refused("no valid token: open the preview's own page")

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        try:
            self.guard(params, api=url.path != "/")
            self.answer_get(url.path, params)
        except Refused as exc:
            self.json(403, {"error": str(exc)})
        except (ValueError, QuotecardsError, ShapingUnavailable, OSError) as exc:
            self.json(400, {"error": str(exc)})
        except Exception as exc:  # the page shows a message; never a traceback
            self.json(500, {"error": f"could not render: {exc.__class__.__name__}: {exc}"})

    def answer_get(self, path: str, params: dict[str, str]) -> None:
        if path == "/":
            self.send(200, self.app.page(), "text/html; charset=utf-8", PAGE_HEADERS)
        elif path == "/posts":
            self.json(200, self.app.posts())
        elif path == "/choices":
            layouts = sorted(available(self.app.ctx.layouts.folders))
            self.json(200, {"layouts": layouts, "platforms": list(PLATFORMS)})
        elif path == "/render":
            self.send_card(params)
        elif path == "/photo":
            self.send(200, self.app.photo_jpeg(params), "image/jpeg")
        else:
            self.json(404, {"error": "not found"})

    def send_card(self, params: dict[str, str]) -> None:
        encoded, info = self.app.render_card(params)
        extra = [("X-Card-Info", json.dumps(info, ensure_ascii=True))]
        if params.get("download"):
            extra.append(("Content-Disposition", f'attachment; filename="card.{encoded.extension}"'))
        self.send(200, encoded.data, encoded.mime, extra)

    def do_POST(self) -> None:  # noqa: N802
        try:
            self.guard({}, api=True)
            if urlsplit(self.path).path != "/save":
                return self.json(404, {"error": "not found"})
            body = self.json_body()
            if body is not None:
                self.json(200, {"saved": self.app.save(body)})
        except Refused as exc:
            self.json(403, {"error": str(exc)})
        except (ValueError, QuotecardsError, EditError, OSError) as exc:
            self.json(400, {"error": str(exc)})
        except Exception as exc:
            self.json(500, {"error": f"could not save: {exc.__class__.__name__}: {exc}"})

    def json_body(self) -> dict[str, Any] | None:
        """The request's JSON object; None when the answer (415, 411, 413) has been sent instead."""
        if self.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
            self.json(415, {"error": "expected Content-Type: application/json"})
            return None
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self.json(411, {"error": "expected a Content-Length"})
            return None
        if int(length) > MAX_BODY_BYTES:
            self.json(413, {"error": f"body over {MAX_BODY_BYTES} bytes"})
            return None
        try:
            body = json.loads(self.rfile.read(int(length)) or b"{}")
        except RecursionError:  # 64 KB of "[" is 65,536 levels: the parser gives up, the request is bad
            raise ValueError("body: JSON nested too deeply") from None
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")
        return body

    def json(self, status: int, data: Any) -> None:
        self.send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json")

    def send(self, status: int, body: bytes, ctype: str, headers: Sequence[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def make_handler(app: Preview, hosts: set[str], loopback_only: bool) -> type[BaseHTTPRequestHandler]:
    """The request handler of one preview server: its app, and the Host names it answers to."""
    return type("Handler", (_Handler,), {"app": app, "hosts": hosts, "loopback_only": loopback_only})


class _Server(ThreadingHTTPServer):
    request_queue_size = LISTEN_QUEUE

    def server_bind(self) -> None:
        # HTTPServer's own looks the address up in reverse DNS (getfqdn) for a name nothing here
        # uses: a wait at start-up, and a query sent out, whenever no local file knows it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])


class _Server6(_Server):
    address_family = socket.AF_INET6


def address_of(host: str, port: int) -> str:
    """The preview's URL for a server on `host`: an IPv6 address goes in brackets."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def make_server(app: Preview, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    heap.share_one_arena()  # each request is a thread: see heap.py
    heap.small_image_blocks()
    # Only an IPv6 socket can bind an IPv6 address; a name or an IPv4 address keeps IPv4.
    server = (_Server6 if ":" in host else _Server)((host, port), BaseHTTPRequestHandler)
    bound = server.server_address[1]
    loopback_only = host in ("127.0.0.1", "localhost", "::1")
    server.RequestHandlerClass = make_handler(app, allowed_hosts(host, bound), loopback_only)
    return server
