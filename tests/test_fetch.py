"""Featured images from a hostile, unreliable server: a real local HTTP server started by the test."""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from quotecards.cards import RenderOptions, render_posts
from quotecards.sources import fetch

FAST = dict(backoff=0.01, max_retry_after=0.2)  # retry quickly in tests


def jpeg(color=(30, 90, 160), size=(800, 500)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A few hundred bytes claiming 3.6 gigapixels: only the header is ever read."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")


GOOD = jpeg()


def drip(handler: BaseHTTPRequestHandler) -> None:
    """Send GOOD a byte at a time, never quite timing out a read."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/jpeg")
    handler.send_header("Content-Length", str(len(GOOD)))
    handler.end_headers()
    try:
        for i in range(len(GOOD)):
            handler.wfile.write(GOOD[i:i + 1])
            handler.wfile.flush()
            time.sleep(0.05)
    except (BrokenPipeError, ConnectionResetError):
        pass


class Handler(BaseHTTPRequestHandler):
    log: list[tuple[str, str | None]] = []  # (path, If-None-Match) of every request
    counts: dict[str, int] = {}

    def do_GET(self):
        path = self.path.split("?")[0]
        Handler.counts[self.path] = n = Handler.counts.get(self.path, 0) + 1
        Handler.log.append((self.path, self.headers.get("If-None-Match")))
        route = getattr(self, "route_" + path.strip("/").replace(".", "_").replace("-", "_"), None)
        if route is None:
            return self.reply(404, b"no")
        route(n)

    def reply(self, status, body=b"", ctype="image/jpeg", headers=(), length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in headers:
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_good_jpg(self, n):
        if self.headers.get("If-None-Match") == '"v1"':
            return self.reply(304, headers=[("ETag", '"v1"')])
        self.reply(200, GOOD, headers=[("ETag", '"v1"'), ("Last-Modified", "Mon, 02 Jun 2025 10:00:00 GMT")])

    def route_missing_jpg(self, n):
        self.reply(404, b"<html>not here</html>", "text/html")

    def route_flaky_jpg(self, n):  # 500 then 200
        self.reply(500, b"oops", "text/plain") if n == 1 else self.reply(200, GOOD)

    def route_busy_jpg(self, n):  # 429 asking for a wait, then 200
        self.reply(429, b"slow down", "text/plain", [("Retry-After", "1")]) if n == 1 else self.reply(200, GOOD)

    def route_very_busy_jpg(self, n):  # 429 asking for an hour
        self.reply(429, b"slow down", "text/plain", [("Retry-After", "3600")]) if n == 1 else self.reply(200, GOOD)

    def route_down_jpg(self, n):
        self.reply(503, b"down", "text/plain")

    def route_drip_jpg(self, n):  # a byte at a time, never quite timing out a read
        drip(self)

    def route_hangup_jpg(self, n):  # the connection is closed before any answer
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)

    def route_truncated_jpg(self, n):
        self.reply(200, GOOD[: len(GOOD) // 2])

    def route_page_jpg(self, n):
        self.reply(200, b"<!DOCTYPE html><html><body>Login</body></html>")

    def route_bomb_png(self, n):
        self.reply(200, png_bomb(), "image/png")

    def route_loop_jpg(self, n):
        self.reply(302, headers=[("Location", "/loop.jpg")])

    def route_big_jpg(self, n):  # no Content-Length: the cap must hold while streaming
        self.reply(200, b"\xff" * 300_000, length=False)

    def route_declared_big_jpg(self, n):
        self.reply(200, b"\xff" * 300_000)

    def route_healing_jpg(self, n):  # first served broken (and cached), then fixed under a new ETag
        if n == 1:
            return self.reply(200, GOOD[:300], headers=[("ETag", '"h1"')])
        if self.headers.get("If-None-Match") == '"h1"':
            return self.reply(304, headers=[("ETag", '"h1"')])
        self.reply(200, GOOD, headers=[("ETag", '"h2"')])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(autouse=True)
def fresh_log():
    Handler.log.clear()
    Handler.counts.clear()


def get(url: str, tmp_path: Path, **options) -> fetch.Fetched:
    opts = fetch.FetchOptions(**{**FAST, **options})
    with fetch.open_session(opts) as session:
        return fetch.fetch_image(url, tmp_path, opts, session)


def post_with_image(folder: Path, name: str, image: str) -> Path:
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: T\nfeatured_image:\n  image: '{image}'\nfeatured_quote:\n  quote: A quote.\n"
                    "  summary: Someone\n---\n")
    return path


def run(posts: list[Path], tmp_path: Path, **options):
    strict = options.pop("strict", False)
    fetch_options = fetch.FetchOptions(**{**FAST, "cache_dir": tmp_path / "cache", **options})
    return render_posts(posts, RenderOptions(out_dir=tmp_path / "out", fetch=fetch_options, strict=strict))


def test_download_ok(server, tmp_path):
    got = get(f"{server}/good.jpg", tmp_path)
    assert got.data == GOOD and got.origin == "network"


def test_a_500_then_200_is_retried(server, tmp_path):
    assert get(f"{server}/flaky.jpg", tmp_path).data == GOOD
    assert Handler.counts["/flaky.jpg"] == 2


@pytest.fixture
def sleeps(monkeypatch):
    """The waits urllib3's retry asks for, recorded instead of slept."""
    import urllib3.util.retry

    asked: list[float] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", asked.append)
    return asked


def test_429_waits_as_asked_then_succeeds(server, tmp_path, sleeps):
    assert get(f"{server}/busy.jpg", tmp_path, max_retry_after=5).data == GOOD
    assert sleeps == [1.0]  # Retry-After: 1 honoured
    assert Handler.counts["/busy.jpg"] == 2


def test_retry_after_is_capped(server, tmp_path, sleeps):
    assert get(f"{server}/very-busy.jpg", tmp_path, max_retry_after=0.2).data == GOOD
    assert sleeps == [0.2]  # the server asked for an hour


def test_retries_are_bounded(server, tmp_path):
    with pytest.raises(fetch.FetchError, match="HTTP 503"):
        get(f"{server}/down.jpg", tmp_path, retries=2)
    assert Handler.counts["/down.jpg"] == 3  # the first try and two retries


@pytest.mark.parametrize("route, options, message", [
    ("/missing.jpg", {}, "HTTP 404"),
    ("/drip.jpg", {"deadline": 0.5}, "too slow"),
    ("/loop.jpg", {}, "too many redirects (more than 5)"),
    ("/big.jpg", {"max_bytes": 100_000}, "larger than 0 MB"),
    ("/declared-big.jpg", {"max_bytes": 100_000}, "larger than 0 MB"),
])
def test_fetch_failures_are_one_line_reasons(server, tmp_path, route, options, message):
    with pytest.raises(fetch.FetchError) as exc:
        get(f"{server}{route}", tmp_path, **options)
    assert message in str(exc.value) and str(exc.value).startswith(f"{server}{route}: ")
    assert "\n" not in str(exc.value)


def test_redirects_are_bounded(server, tmp_path):
    with pytest.raises(fetch.FetchError):
        get(f"{server}/loop.jpg", tmp_path, max_redirects=3)
    assert Handler.counts["/loop.jpg"] == 4


def test_only_http_and_https(tmp_path):
    for url in ("ftp://example.com/a.jpg", "file:///etc/passwd", "data:image/png;base64,AAAA"):
        with pytest.raises(fetch.FetchError, match="unsupported URL scheme"):
            get(url, tmp_path)


def test_local_path_relative_to_post(tmp_path, photo_file):
    (tmp_path / "posts").mkdir()
    got = get("../photo.jpg", tmp_path / "posts", roots=(tmp_path,))
    assert got.data == photo_file.read_bytes() and got.origin == "file"


def test_local_paths_stay_inside_the_site(tmp_path, photo_file):
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    for ref in ("../../photo.jpg", str(photo_file), "/etc/hostname"):
        with pytest.raises(fetch.FetchError, match="outside the site and post folders"):
            get(ref, site / "posts", roots=(site,))


def test_image_base_maps_urls_onto_a_local_mirror(tmp_path, photo_file):
    uploads = tmp_path / "static" / "uploads"
    (uploads / "2020" / "06").mkdir(parents=True)
    (uploads / "2020" / "06" / "a photo.jpg").write_bytes(photo_file.read_bytes())
    bases = (("https://example.com/wp-content/uploads/", uploads),)
    got = get("https://example.com/wp-content/uploads/2020/06/a%20photo.jpg?resize=800", tmp_path, image_bases=bases)
    assert got.data == photo_file.read_bytes() and got.origin == "mirror"
    with pytest.raises(fetch.FetchError, match="outside"):
        get("https://example.com/wp-content/uploads/../../../etc/hostname", tmp_path, image_bases=bases)


@pytest.mark.parametrize("route, image, warning", [
    ("/good.jpg", "photo", None),
    ("/flaky.jpg", "photo", None),
    ("/missing.jpg", "fallback", "HTTP 404"),
    ("/page.jpg", "fallback", "not an image (looks like an HTML page)"),
    ("/truncated.jpg", "fallback", "broken image"),
    ("/bomb.png", "fallback", "over the 40 Mpx limit (a decompression bomb?)"),
    ("/loop.jpg", "fallback", "too many redirects"),
    ("/big.jpg", "fallback", "not an image"),  # under the default cap, but no picture
])
def test_every_failure_still_makes_a_card_with_a_warning(server, tmp_path, route, image, warning):
    post = post_with_image(tmp_path, "p", f"{server}{route}")
    result = run([post], tmp_path)
    assert not result.errors
    card = result.cards[0]
    assert card.image == image
    assert Image.open(tmp_path / "out" / card.path).size == (1200, 630)
    if warning:
        assert any(warning in w and f"{server}{route}" in w and "fallback" in w for w in card.warnings), card.warnings
    else:
        assert not card.warnings


def test_strict_makes_an_unavailable_image_the_posts_error(server, tmp_path):
    good = post_with_image(tmp_path, "good", f"{server}/good.jpg")
    bad = post_with_image(tmp_path, "bad", f"{server}/missing.jpg")
    result = run([bad, good], tmp_path, strict=True)
    assert [c.post for c in result.cards] == [str(good)]
    assert result.errors[0].error == f"{bad}: featured_image.image: {server}/missing.jpg: HTTP 404 Not Found"


def test_second_run_asks_only_whether_the_image_changed(server, tmp_path):
    post = post_with_image(tmp_path, "p", f"{server}/good.jpg")
    first = run([post], tmp_path)
    second = run([post], tmp_path)
    assert first.cards[0].image == second.cards[0].image == "photo"
    assert Handler.log == [("/good.jpg", None), ("/good.jpg", '"v1"')]  # one download, then a 304


def test_offline_uses_only_the_cache(server, tmp_path):
    cached = post_with_image(tmp_path, "cached", f"{server}/good.jpg")
    never = post_with_image(tmp_path, "never", f"{server}/flaky.jpg")
    run([cached], tmp_path)
    Handler.log.clear()
    result = run([cached, never], tmp_path, offline=True)
    assert Handler.log == []  # not one request
    cards = {Path(c.post).name: c for c in result.cards}
    assert cards["cached.md"].image == "photo"
    assert cards["never.md"].image == "fallback"
    assert "offline, and not in the cache" in cards["never.md"].warnings[0]


def test_a_corrupt_cache_entry_is_discarded_and_fetched_again(server, tmp_path):
    post = post_with_image(tmp_path, "p", f"{server}/good.jpg")
    run([post], tmp_path)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and not p.name.endswith(".lock")]
    assert entries
    for entry in entries:
        entry.write_bytes(b"cc=4," + b"\x00garbage" * 10)
    Handler.log.clear()
    result = run([post], tmp_path)
    assert result.cards[0].image == "photo"
    assert Handler.log == [("/good.jpg", None)]  # a full download: the bad entry gave no validator


def test_a_cached_image_that_does_not_decode_is_fetched_afresh(server, tmp_path):
    post = post_with_image(tmp_path, "p", f"{server}/healing.jpg")
    assert run([post], tmp_path).cards[0].image == "fallback"  # served broken, and cached
    Handler.log.clear()
    assert run([post], tmp_path).cards[0].image == "photo"
    # The cached copy was revalidated (304), failed to decode, and was dropped and downloaded.
    assert Handler.log == [("/healing.jpg", '"h1"'), ("/healing.jpg", None)]


def test_cache_writes_are_atomic_files_in_the_cache_dir(server, tmp_path):
    post = post_with_image(tmp_path, "p", f"{server}/good.jpg")
    run([post], tmp_path)
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and not p.name.endswith(".lock")]
    assert len(files) == 1 and GOOD in files[0].read_bytes()


def test_default_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fetch.default_cache_dir() == tmp_path / "quotecards"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert fetch.default_cache_dir() == tmp_path / "home" / ".cache" / "quotecards"


def test_unreachable_host_is_a_warning_not_a_failure(tmp_path):
    post = post_with_image(tmp_path, "p", "http://127.0.0.1:9/nothing-listens-here.jpg")
    result = run([post], tmp_path)
    assert not result.errors and result.cards[0].image == "fallback"
    assert "cannot connect" in result.cards[0].warnings[0]


@pytest.fixture
def lookups(monkeypatch) -> list[str]:
    """Every host name looked up; each fails as a dead domain does."""
    asked: list[str] = []

    def no_such_host(host, *args, **kwargs):
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    return asked


def test_a_dead_domain_is_not_retried(tmp_path, lookups):
    with pytest.raises(fetch.FetchError, match="host name not found"):
        get("http://images.example.invalid/a.jpg", tmp_path, retries=3)
    assert lookups == ["images.example.invalid"]  # asked once: no retries, no backoff


def test_a_dead_host_is_asked_once_per_run_not_once_per_post(tmp_path, lookups):
    posts = [post_with_image(tmp_path, f"p{i}", f"http://gone.example.invalid/{i}.jpg") for i in range(3)]
    result = run(posts, tmp_path, cache_dir=None)
    assert lookups == ["gone.example.invalid"]
    warnings = [c.warnings[0] for c in result.cards]
    assert "cannot connect (host name not found)" in warnings[0]
    assert all("host name not found; not tried again this run" in w for w in warnings[1:])


def test_a_connection_lost_mid_answer_does_not_mark_the_host_dead(server, tmp_path):
    opts = fetch.FetchOptions(**FAST)
    with fetch.open_session(opts) as session:
        with pytest.raises(fetch.FetchError, match="connection lost|too slow|timed out"):
            fetch.fetch_image(f"{server}/hangup.jpg", tmp_path, opts, session)
        assert fetch.fetch_image(f"{server}/good.jpg", tmp_path, opts, session).data == GOOD


class KeepAliveDrip(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive: the socket stays with the connection, not the response."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        drip(self)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("handler", [Handler, KeepAliveDrip], ids=["connection-close", "keep-alive"])
def test_the_deadline_cuts_a_dripping_server_either_way(tmp_path, handler):
    # The watchdog finds the socket in a different place in each case (see sources/download.py, _cut_off).
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(fetch.FetchError, match="too slow"):
            get(f"http://127.0.0.1:{httpd.server_address[1]}/drip.jpg", tmp_path, deadline=0.5)
    finally:
        httpd.shutdown()
        httpd.server_close()
