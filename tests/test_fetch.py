"""Downloads against a real local HTTP server started by the test."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from quotecards import fetch
from quotecards.cards import RenderOptions, render_posts


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


ROUTES = {
    "/good.jpg": (200, "image/jpeg", _jpeg()),
    "/missing.jpg": (404, "text/html", b"<html>not here</html>"),
    "/page.jpg": (200, "image/jpeg", b"<!DOCTYPE html><html><body>Login</body></html>"),
    "/big.jpg": (200, "image/jpeg", b"\xff" * 300_000),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status, ctype, body = ROUTES.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def post_with_image(folder: Path, name: str, image: str) -> Path:
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: T\nfeatured_image:\n  image: '{image}'\nfeatured_quote:\n  quote: A quote.\n  summary: Someone\n---\n")
    return path


def test_download_ok(server, tmp_path):
    assert fetch.fetch_image(f"{server}/good.jpg", tmp_path) == ROUTES["/good.jpg"][2]


def test_size_cap_while_streaming(server, tmp_path):
    with pytest.raises(fetch.FetchError, match="larger than"):
        fetch.fetch_image(f"{server}/big.jpg", tmp_path, fetch.FetchOptions(max_bytes=100_000))


def test_only_http_and_https(tmp_path):
    with pytest.raises(fetch.FetchError, match="unsupported URL scheme 'ftp'"):
        fetch.fetch_image("ftp://example.com/a.jpg", tmp_path)


def test_local_path_relative_to_post(tmp_path, photo_file):
    (tmp_path / "posts").mkdir()
    assert fetch.fetch_image("../photo.jpg", tmp_path / "posts") == photo_file.read_bytes()


@pytest.mark.parametrize("route, image, warning", [
    ("/good.jpg", "photo", None),
    ("/missing.jpg", "fallback", "HTTP 404"),
    ("/page.jpg", "fallback", "not an image (looks like an HTML page)"),
])
def test_cards_from_downloaded_images(server, tmp_path, route, image, warning):
    post = post_with_image(tmp_path, route.strip("/").replace(".", "-"), f"{server}{route}")
    result = render_posts([post], RenderOptions(out_dir=tmp_path / "out"))
    assert not result.errors
    card = result.cards[0]
    assert card.image == image
    png = Image.open(tmp_path / "out" / card.path)
    assert png.size == (1200, 630)
    if warning:
        assert any(warning in w and f"{server}{route}" in w and "fallback" in w for w in card.warnings), card.warnings
    else:
        assert not card.warnings
        # The photo's blue shows through the scrim at the top of the card.
        r, g, b = png.convert("RGB").getpixel((600, 5))
        assert b > r


def test_unreachable_host_is_a_warning_not_a_failure(tmp_path):
    post = post_with_image(tmp_path, "p", "http://127.0.0.1:9/nothing-listens-here.jpg")
    result = render_posts([post], RenderOptions(out_dir=tmp_path / "out"))
    assert not result.errors and result.cards[0].image == "fallback"
    assert "cannot connect" in result.cards[0].warnings[0]
