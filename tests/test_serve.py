"""The live preview serves its own page's user only: real server, real HTTP, hostile requests."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from quotecards.cards import RenderOptions
from quotecards.preview import Preview, address_of, make_server
from quotecards.sources import public_net
from quotecards.sources.fetch import FetchOptions

ROOT = Path(__file__).resolve().parent.parent
JPEG = (ROOT / "samples/images/coffee.jpg").read_bytes()


class Images(BaseHTTPRequestHandler):
    """A local image server that records what it was asked and can hold one answer."""

    asked: list[str] = []
    held = threading.Event()
    release = threading.Event()

    def do_GET(self):  # noqa: N802
        Images.asked.append(self.path)
        if self.path == "/slow.jpg":
            Images.held.set()
            Images.release.wait(60)
        if self.path == "/to-private.jpg":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.private_port}/photo.jpg")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(JPEG)))
        self.end_headers()
        self.wfile.write(JPEG)

    def log_message(self, *args):
        pass


def start(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def images():
    Images.asked.clear()
    Images.held.clear()
    Images.release.clear()
    server = start(ThreadingHTTPServer(("127.0.0.1", 0), Images))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    Images.release.set()
    server.shutdown()
    server.server_close()


def make_app(tmp_path, public_only=True):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "samples/posts/short-and-sharp.md", content / "short.md")
    return Preview(content, RenderOptions(out_dir=tmp_path, fetch=FetchOptions(roots=(tmp_path,), cache_dir=None,
                                                                                 public_only=public_only, retries=0)))


def preview(tmp_path, public_only=True, host="127.0.0.1"):
    app = make_app(tmp_path, public_only)
    server = start(make_server(app, host, 0))
    return address_of(host, server.server_address[1]).rstrip("/"), app, server


@pytest.fixture
def served(tmp_path):
    url, app, server = preview(tmp_path)
    yield url, app, tmp_path / "content"
    server.shutdown()
    server.server_close()


def get(url, app, path, **params):
    return requests.get(url + path, params={**params, "token": app.token}, timeout=60)


def save(url, app, body, **headers):
    return requests.post(url + "/save", data=json.dumps(body), timeout=60,
                         headers={"Content-Type": "application/json", "X-Quotecards-Token": app.token, **headers})


def test_the_page_carries_the_token_and_the_api_wants_it(served):
    url, app, _content = served
    page = requests.get(url + "/", timeout=60)
    assert page.status_code == 200 and f'content="{app.token}"' in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    for path in ("/posts", "/choices", "/render?quote=Hi", "/photo?image=x.jpg"):
        assert requests.get(url + path, timeout=60).status_code == 403, path
        assert requests.get(url + path, headers={"X-Quotecards-Token": "wrong"}, timeout=60).status_code == 403
    assert requests.get(url + "/posts", headers={"X-Quotecards-Token": app.token}, timeout=60).status_code == 200
    assert get(url, app, "/render", quote="Hi").headers["Content-Type"] == "image/png"


def test_cross_site_writes_are_refused(served):
    url, app, content = served
    before = (content / "short.md").read_bytes()
    body = {"post": "short.md", "layout": "brand"}
    assert requests.post(url + "/save", data=json.dumps(body), headers={"Content-Type": "text/plain"},
                         timeout=60).status_code == 403  # the classic form/no-cors POST: no token
    assert save(url, app, body, **{"Content-Type": "text/plain"}).status_code == 415
    assert save(url, app, body, Origin="http://evil.example").status_code == 403
    assert (content / "short.md").read_bytes() == before
    assert save(url, app, body, Origin=url).status_code == 200
    assert (content / "short.md").read_bytes() != before


def test_a_dns_rebinding_page_cannot_read_anything(served):
    url, app, _content = served
    port = url.rsplit(":", 1)[1]
    for path in ("/", "/posts?token=" + app.token):
        answer = requests.get(url + path, headers={"Host": f"rebind.example:{port}"}, timeout=60)
        assert answer.status_code == 403 and app.token not in answer.text


@pytest.mark.parametrize("length, status", [("-1", 411), ("abc", 411), ("1500000000", 413)])
def test_the_body_size_is_bounded(served, length, status):
    import http.client

    url, app, _content = served
    host, port = url[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.putrequest("POST", "/save")
    for key, value in (("Content-Type", "application/json"), ("X-Quotecards-Token", app.token),
                       ("Content-Length", length)):
        conn.putheader(key, value)
    conn.endheaders()
    assert conn.getresponse().status == status
    conn.close()


@pytest.mark.parametrize("body", [
    {"post": "short.md", "focal_point": [5, -3]},
    {"post": "short.md", "focal_point": [True, False]},
    {"post": "short.md", "focal_point": {"x": 1}},
    {"post": "short.md", "focal_point": [0.5]},
    {"post": "short.md", "layout": "../../../etc/anything"},
    {"post": ["short.md"]},
    {"post": "short.md", "extra": 1},
    {"post": "../outside.md"},
])
def test_every_saved_value_is_checked(served, body):
    url, app, content = served
    before = (content / "short.md").read_bytes()
    answer = save(url, app, body)
    assert answer.status_code == 400 and answer.json()["error"]
    assert (content / "short.md").read_bytes() == before


def test_a_layout_is_a_name_never_a_path(served, tmp_path):
    url, app, _content = served
    secret = tmp_path / "secret.toml"
    secret.write_text("database_password = 'hunter2'\n")
    for name in (str(secret.with_suffix("")), "../secret", "brand/../../secret"):
        answer = get(url, app, "/render", quote="Hi", layout=name)
        assert answer.status_code == 400 and "database_password" not in answer.text and "no layout named" in answer.text


def test_unknown_parameters_and_oversized_text_are_refused(served):
    url, app, _content = served
    assert get(url, app, "/render", quote="Hi", colour="red").status_code == 400
    assert get(url, app, "/render", quote="x" * 5000).status_code == 400
    assert get(url, app, "/render", quote="Hi", platform="nope").status_code == 400


def test_internal_addresses_are_not_fetched(served, images):
    url, app, _content = served
    for image in (f"{images}/photo.jpg", f"http://localhost:{images.rsplit(':', 1)[1]}/photo.jpg"):
        answer = get(url, app, "/photo", image=image)
        assert answer.status_code == 400 and "not a public address" in answer.json()["error"]
        assert str(images.rsplit(":", 1)[1]) not in answer.json()["error"].split("not fetched")[1]
        card = get(url, app, "/render", quote="Hi", image=image)
        assert card.status_code == 200 and "not a public address" in card.headers["X-Card-Info"]
    assert Images.asked == []


def test_a_redirect_to_an_internal_address_is_refused(tmp_path, images, monkeypatch):
    # 127.0.0.2 stands in for a public server here; 127.0.0.1 stays internal.
    monkeypatch.setattr(public_net, "is_public", lambda address: address == "127.0.0.2")
    public = start(ThreadingHTTPServer(("127.0.0.2", 0), Images))
    public.private_port = int(images.rsplit(":", 1)[1])  # type: ignore[attr-defined]
    url, app, server = preview(tmp_path)
    try:
        answer = get(url, app, "/photo", image=f"http://127.0.0.2:{public.server_address[1]}/to-private.jpg")
        assert answer.status_code == 400 and "not a public address" in answer.json()["error"]
        assert Images.asked == ["/to-private.jpg"]  # the public server was asked; the private one never
        assert get(url, app, "/photo", image=f"http://127.0.0.2:{public.server_address[1]}/photo.jpg").status_code == 200
    finally:
        for s in (server, public):
            s.shutdown()
            s.server_close()


def test_one_slow_image_does_not_freeze_the_server(tmp_path, images):
    url, app, server = preview(tmp_path, public_only=False)
    slow: list[int] = []
    try:
        waiting = threading.Thread(target=lambda: slow.append(
            get(url, app, "/render", quote="Hi", image=f"{images}/slow.jpg").status_code))
        waiting.start()
        assert Images.held.wait(60)
        # While that download hangs, other requests, with other photos, are answered.
        assert get(url, app, "/render", quote="Other", image=f"{images}/photo.jpg").status_code == 200
        assert get(url, app, "/posts").status_code == 200
        assert not slow
        Images.release.set()
        waiting.join(60)
        assert slow == [200]
    finally:
        Images.release.set()
        server.shutdown()
        server.server_close()


def test_a_linked_post_outside_the_folder_is_not_listed(served, tmp_path):
    url, app, content = served
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\nfeatured_quote:\n  quote: Secret.\n---\n")
    (content / "linked.md").symlink_to(outside)
    listed = [p["path"] for p in get(url, app, "/posts").json()]
    assert listed == ["short.md"]
    assert get(url, app, "/render", post="linked.md").status_code == 400


def test_only_public_addresses_count_as_public():
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "224.0.0.251", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "ff02::1",
                    "fec0::1", "3fff::1", "5f00::1"):  # site-local, and ranges reserved since Python 3.11's tables
        assert not public_net.is_public(address), address
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"):
        assert public_net.is_public(address), address


def test_the_card_on_screen_has_the_pixels_of_the_download(served):
    url, app, _content = served
    shown = get(url, app, "/render", post="short.md", quote="Done is a feature.", platform="og")
    saved = get(url, app, "/render", post="short.md", quote="Done is a feature.", platform="og", download="1")
    assert shown.status_code == saved.status_code == 200
    assert shown.headers["Content-Type"] == "image/png" and "attachment" in saved.headers["Content-Disposition"]
    from PIL import Image, ImageChops

    on_screen, downloaded = (Image.open(io.BytesIO(r.content)).convert("RGB") for r in (shown, saved))
    assert ImageChops.difference(on_screen, downloaded).getbbox() is None


def test_a_photo_card_says_its_composition(served, tmp_path):
    url, app, _content = served
    (tmp_path / "images").mkdir()
    shutil.copy(ROOT / "samples/images/coffee.jpg", tmp_path / "images" / "coffee.jpg")  # short.md's photo
    answer = get(url, app, "/render", post="short.md", platform="og", focal="0.5,0.5")
    assert answer.status_code == 200
    info = json.loads(answer.headers["X-Card-Info"])
    width, height = info["width"], info["height"]
    assert (width, height) == (1200, 630)

    def inside(box):
        x, y, w, h = box
        return w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= width and y + h <= height

    x, y, w, h = info["crop"]
    assert x >= 0 and y >= 0 and w > 0 and h > 0 and w / h == pytest.approx(width / height, rel=0.01)
    assert inside(info["photo_box"])
    assert [s["kind"] for s in info["subjects"]] == ["given"] and info["subjects"][0]["source"] == "post"
    assert all(inside(s["box"]) for s in info["subjects"])
    assert {"quote", "attribution"} <= set(info["text_boxes"]) and all(map(inside, info["text_boxes"].values()))
    placement = info["placement"]
    assert placement["candidate"] in placement["scores"] and placement["score"] == placement["scores"][placement["candidate"]]
    assert set(placement["scores"]) <= {"designed", "clear", "left", "right"}
    # The numbers a build's manifest.json records for the same card.
    from quotecards.cards import _record, choose, compose_card
    from quotecards.draw.platforms import get_platform

    post = app.post_for({"post": "short.md", "focal": "0.5,0.5"})
    spec, card, used = compose_card(post, app.ctx, choose(post, app.ctx), get_platform("og"))
    record = json.loads(json.dumps(_record(post, spec, used, card).to_json()))
    keys = ("width", "height", "crop", "photo_box", "subjects", "text_boxes", "placement")
    assert {key: info[key] for key in keys} == {key: record[key] for key in keys}


@pytest.mark.parametrize("params, headers", [
    ({"token": "\u00e9"}, {}),
    ({}, {"X-Quotecards-Token": "\u00e9"}),  # sent as Latin-1, as a browser would
    ({}, {"X-Quotecards-Token": "\u00e9".encode()}),  # raw UTF-8 bytes
    ({"token": "\u65e5\u672c" * 20}, {}),
])
def test_a_token_that_is_not_ascii_is_refused_not_a_crash(served, params, headers):
    url, _app, _content = served
    answer = requests.get(url + "/posts", params=params, headers=headers, timeout=60)
    assert answer.status_code == 403 and answer.json()["error"] == "no valid token: open the preview's own page"


@pytest.mark.parametrize("field, char", [("quote", "\x00"), ("quote", "\x07"), ("quote", "\x1b"),
                                         ("attribution", "\x0b"), ("image", "\x7f"), ("post", "\x00")])
def test_control_characters_are_refused_naming_the_field(served, field, char):
    url, app, _content = served
    params = {"quote": "Hi", "post": "short.md", field: f"a{char}b.md"}
    for path in ("/render", "/photo"):
        answer = get(url, app, path, **params)
        assert answer.status_code == 400, path
        assert answer.json()["error"] == f"{field}: contains U+{ord(char):04X}, which is not text"


def test_whitespace_a_post_may_hold_is_still_accepted(served):
    url, app, _content = served
    answer = get(url, app, "/render", quote="Tabs\tand\nlines\r\nand a\x0cpage break.", attribution="A\tB")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"


def test_a_saved_name_with_a_control_character_is_refused(served):
    url, app, content = served
    before = (content / "short.md").read_bytes()
    for body, field in (({"post": "short\x00.md"}, "post"), ({"post": "short.md", "layout": "brand\x1b"}, "layout")):
        answer = save(url, app, body)
        assert answer.status_code == 400 and answer.json()["error"].startswith(f"{field}: contains U+")
    assert (content / "short.md").read_bytes() == before


@pytest.mark.parametrize("body", ["[" * 30000 + "]" * 30000, '{"a":' * 6000 + "1" + "}" * 6000])
def test_deeply_nested_json_is_a_bad_request(served, body):
    url, app, _content = served
    answer = requests.post(url + "/save", data=body, timeout=60,
                           headers={"Content-Type": "application/json", "X-Quotecards-Token": app.token})
    assert answer.status_code == 400 and answer.json()["error"] == "body: JSON nested too deeply"


def ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_the_preview_listens_on_ipv6(tmp_path):
    url, app, server = preview(tmp_path, host="::1")
    try:
        port = server.server_address[1]
        assert url == f"http://[::1]:{port}" and server.socket.family == socket.AF_INET6
        page = requests.get(url + "/", timeout=60)  # requests sends Host: [::1]:PORT
        assert page.status_code == 200 and app.token in page.text
        assert get(url, app, "/posts").json()[0]["path"] == "short.md"
        assert save(url, app, {"post": "short.md", "layout": "brand"}, Origin=url).status_code == 200
        refused = requests.get(url + "/", headers={"Host": f"rebind.example:{port}"}, timeout=60)
        assert refused.status_code == 403 and app.token not in refused.text
    finally:
        server.shutdown()
        server.server_close()


def ask_once_all_connected(address, request: bytes, connected: threading.Barrier, answers: list[bytes]) -> None:
    try:
        # The timeout only bounds a hang: a connection the listen queue had no room for.
        with socket.create_connection(address, timeout=10) as sock, sock.makefile("rb") as reply:
            connected.wait()
            sock.sendall(request)
            answers.append(reply.readline())
    except (OSError, threading.BrokenBarrierError) as exc:
        connected.abort()
        answers.append(repr(exc).encode())


def test_forty_connections_at_once_are_all_answered(tmp_path):
    app = make_app(tmp_path)
    server = make_server(app, "127.0.0.1", 0)
    port = server.server_address[1]
    request = (f"GET /choices HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Quotecards-Token: {app.token}\r\n"
               "Connection: close\r\n\r\n").encode()
    connected, answers = threading.Barrier(41), []
    clients = [threading.Thread(target=ask_once_all_connected, args=(("127.0.0.1", port), request, connected, answers))
               for _ in range(40)]
    for client in clients:
        client.start()
    try:
        connected.wait()  # nothing is accepted until all forty are in: the listen queue alone holds them
        start(server)
    except threading.BrokenBarrierError:
        pass
    for client in clients:
        client.join()
    if connected.broken:
        server.server_close()
    else:
        server.shutdown()
        server.server_close()
    assert answers == [b"HTTP/1.0 200 OK\r\n"] * 40


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_and_link_loops_in_the_folder_are_neither_listed_nor_opened(served):
    url, app, content = served
    os.mkfifo(content / "pipe.md")
    (content / "to-pipe.md").symlink_to(content / "pipe.md")
    (content / "loop.md").symlink_to("loop.md")
    # The timeouts only bound a hang (opening a FIFO waits for a writer forever); nothing here is timed.
    listed = requests.get(url + "/posts", headers={"X-Quotecards-Token": app.token}, timeout=10)
    assert listed.status_code == 200 and [p["path"] for p in listed.json()] == ["short.md"]
    for name in ("pipe.md", "to-pipe.md", "loop.md"):
        for path in ("/render", "/photo"):
            answer = requests.get(url + path, params={"post": name, "token": app.token}, timeout=10)
            assert answer.status_code == 400 and answer.json()["error"].startswith(f"no post '{name}'")
        answer = requests.post(url + "/save", data=json.dumps({"post": name, "layout": "brand"}), timeout=10,
                               headers={"Content-Type": "application/json", "X-Quotecards-Token": app.token})
        assert answer.status_code == 400 and answer.json()["error"].startswith(f"no post '{name}'")


def test_an_ipv6_address_goes_in_brackets_in_the_url():
    assert address_of("::1", 8000) == "http://[::1]:8000/"
    assert address_of("127.0.0.1", 8000) == "http://127.0.0.1:8000/"


def test_starting_looks_up_no_name(tmp_path, monkeypatch):
    def no_lookup(*args):
        raise AssertionError("a reverse DNS lookup at start-up")

    monkeypatch.setattr(socket, "getfqdn", no_lookup)  # what HTTPServer.server_bind calls
    server = make_server(make_app(tmp_path), "127.0.0.1", 0)
    server.server_close()
    assert server.server_port == server.server_address[1]


LONG_QUOTE = " ".join(["Deadlines are not the enemy of good work; they are the shape of it, and we keep them."] * 3)


def test_a_long_typed_quote_gives_the_headline_card_and_a_short_one_is_saved_as_the_card_quote(served):
    url, app, content = served
    info = json.loads(get(url, app, "/render", post="short.md", quote=LONG_QUOTE).headers["X-Card-Info"])
    assert info["kind"] == "headline" and "long quote" in info["warning_kinds"]
    short = "Deadlines are the shape of good work."
    info = json.loads(get(url, app, "/render", post="short.md", quote=short).headers["X-Card-Info"])
    assert info["kind"] == "quote" and "long quote" not in info["warning_kinds"]
    before = (content / "short.md").read_bytes()
    assert save(url, app, {"post": "short.md", "card_quote": short}).status_code == 200
    after = (content / "short.md").read_bytes()
    added = after.replace(before.split(b"---\n")[1], b"", 1)
    assert b'quotecard: {"quote": "Deadlines are the shape of good work."}' in after
    assert after.count(b"\n") == before.count(b"\n") + 1 and added  # one line added, nothing else changed
    posts = get(url, app, "/posts").json()
    assert next(p for p in posts if p["path"] == "short.md")["quote"] == short


def test_a_card_quote_longer_than_a_quote_may_be_is_refused(served):
    url, app, content = served
    before = (content / "short.md").read_bytes()
    answer = save(url, app, {"post": "short.md", "card_quote": "word " * 400})
    assert answer.status_code == 400 and "card_quote" in answer.json()["error"]
    assert (content / "short.md").read_bytes() == before
