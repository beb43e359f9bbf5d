"""`quotecards serve`: a live preview in the browser, rendering through the same library code.

Pick a post (or type a quote, an attribution and an image URL), choose a layout and a platform,
and the card re-renders as you type; a click on the photo sets the focal point; Download saves
the PNG; Save writes the chosen layout and focal point into the post's front matter (one line,
nothing else in the file changes, and only on that click). Bad input is a message in the page.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from . import export, fetch
from .cards import Layouts, PhotoCache, RenderOptions
from .frontmatter_edit import EditError, set_quotecard
from .layout import LayoutError, available
from .plan import plan_card
from .platforms import PLATFORMS, get_platform
from .post import Post, PostError, read_post
from .render import render
from .typeset import ShapingUnavailable

PAGE = (Path(__file__).parent / "preview.html")


@dataclass
class Preview:
    """What the server knows: the posts' folder and the render settings; photos kept decoded."""

    content_dir: Path
    options: RenderOptions
    layouts: Layouts = field(init=False)
    photos: PhotoCache = field(default_factory=lambda: PhotoCache(size=16))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.layouts = Layouts(self.options)
        self.session = fetch.open_session(self.options.fetch)
        self.brand = self.options.config.brand()

    def posts(self) -> list[dict[str, Any]]:
        out = []
        for path in sorted(self.content_dir.rglob("*.md")):
            try:
                post = read_post(path)
            except PostError:
                continue
            out.append({"path": path.relative_to(self.content_dir).as_posix(), "title": post.title,
                        "quote": post.quote, "attribution": post.attribution, "image": post.image or "",
                        "layout": post.layout, "focal_point": post.focal_point})
        return out

    def post_for(self, params: dict[str, str]) -> Post:
        """The post the form describes: a file's post with the form's edits, or a new one."""
        rel = params.get("post", "")
        if rel:
            path = self._inside(rel)
            base = read_post(path)
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
        if not quote:
            raise ValueError("type a quote (or pick a post that has one)")
        return replace(base, quote=quote, attribution=params.get("attribution", base.attribution).strip(),
                       image=params.get("image", base.image or "").strip() or None,
                       layout=params.get("layout", "") or base.layout, focal_point=focal or base.focal_point)

    def render_png(self, params: dict[str, str]) -> tuple[bytes, dict[str, Any]]:
        post = self.post_for(params)
        platform = get_platform(params.get("platform", "og") or "og")
        name, _why = self.options.config.layout_for(post, self.options.layout)
        layout = self.layouts.get(name)
        picture, warning = self.picture(post)
        if picture is None and layout.uses_photo:
            layout = self.layouts.get(self.options.config.no_image_layout)
        card = render(plan_card(post, layout, platform, brand=self.brand), picture)
        encoded = export.encode_png(card.image, platform.max_bytes)
        info = {"layout": layout.name, "warnings": ([warning] if warning else []) + card.warnings,
                "focus": card.focus, "contrast": card.contrast}
        return encoded.data, info

    def picture(self, post: Post) -> tuple[Image.Image | None, str | None]:
        with self.lock:  # the server answers on several threads; the cache and session are shared
            return self.photos.get(post, self.options, self.session, list(PLATFORMS.values()))

    def photo_jpeg(self, params: dict[str, str]) -> bytes:
        post = self.post_for({**params, "quote": params.get("quote") or "x"})
        picture, warning = self.picture(post)
        if picture is None:
            raise ValueError(warning or "no photo")
        small = picture.copy()
        small.thumbnail((640, 640))
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=85)
        return buffer.getvalue()

    def save(self, body: dict[str, Any]) -> str:
        path = self._inside(str(body.get("post", "")))
        focal = body.get("focal_point")
        point = (float(focal[0]), float(focal[1])) if isinstance(focal, list) and len(focal) == 2 else None
        layout = str(body.get("layout") or "")
        if layout and layout not in available(self.layouts.folders):
            raise ValueError(f"no layout named {layout!r}")
        outcome = set_quotecard(path, layout or None, point)
        if outcome == "own":
            raise ValueError(f"{path.name} has a quotecard entry written by hand: edit it there")
        return outcome

    def _inside(self, rel: str) -> Path:
        path = (self.content_dir / rel).resolve()
        if not rel or not path.is_relative_to(self.content_dir.resolve()) or path.suffix != ".md" or not path.is_file():
            raise ValueError(f"no post {rel!r} in {self.content_dir}")
        return path


def make_handler(app: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            try:
                if url.path == "/":
                    self.send(200, PAGE.read_bytes(), "text/html; charset=utf-8")
                elif url.path == "/posts":
                    self.json(200, app.posts())
                elif url.path == "/choices":
                    self.json(200, {"layouts": sorted(available(app.layouts.folders)), "platforms": list(PLATFORMS)})
                elif url.path == "/render":
                    data, info = app.render_png(params)
                    extra = [("X-Card-Info", json.dumps(info, ensure_ascii=True))]
                    if params.get("download"):
                        extra.append(("Content-Disposition", 'attachment; filename="card.png"'))
                    self.send(200, data, "image/png", extra)
                elif url.path == "/photo":
                    self.send(200, app.photo_jpeg(params), "image/jpeg")
                else:
                    self.json(404, {"error": "not found"})
            except (ValueError, KeyError, PostError, LayoutError, ShapingUnavailable, OSError) as exc:
                self.json(400, {"error": str(exc).strip("'\"")})
            except Exception as exc:  # the page shows a message; never a traceback
                self.json(500, {"error": f"could not render: {exc.__class__.__name__}: {exc}"})

        def do_POST(self) -> None:  # noqa: N802
            try:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(min(length, 65536)) or b"{}")
                if urlsplit(self.path).path != "/save" or not isinstance(body, dict):
                    return self.json(404, {"error": "not found"})
                self.json(200, {"saved": app.save(body)})
            except (ValueError, PostError, EditError, OSError) as exc:
                self.json(400, {"error": str(exc)})
            except Exception as exc:
                self.json(500, {"error": f"could not save: {exc.__class__.__name__}: {exc}"})

        def json(self, status: int, data: Any) -> None:
            self.send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json")

        def send(self, status: int, body: bytes, ctype: str, headers: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
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

    return Handler


def make_server(app: Preview, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(app))
