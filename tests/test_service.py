"""The on-demand service, run as users run it: `quotecards service` under uvicorn on a free port,
asked over HTTP. Photos come from a local server the test starts; one of its photos can be held
back, which holds a card's drawing for as long as a test needs (no sleeps: events)."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from PIL import Image

from quotecards import signed_path
from quotecards.cli import main

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a test secret, only ever on this machine"
READY = re.compile(re.escape("Uvicorn running on http://127.0.0.1:") + r"(\d+)")


class _Photos(BaseHTTPRequestHandler):
    """/rocket.jpg at once; /held-N.jpg once `release` is set, telling `asked` when it is asked for."""

    photo = (ROOT / "samples/images/rocket.jpg").read_bytes()
    asked = threading.Event()
    release = threading.Event()
    failing = threading.Event()

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/held"):
            type(self).asked.set()
            type(self).release.wait(timeout=120)
        if self.path.startswith("/failing") and type(self).failing.is_set():
            self.send_error(503)  # the photo host failing for now
            return
        if self.path.startswith("/page"):  # never a photo: a web page where one was named
            body = b"<!doctype html><title>Not here</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.photo)))
        self.end_headers()
        self.wfile.write(self.photo)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def photos() -> Iterator[str]:
    _Photos.asked, _Photos.release, _Photos.failing = threading.Event(), threading.Event(), threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Photos)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _Photos.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Running:
    url: str
    process: subprocess.Popen[str]
    posts: Path

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(self.url + path, timeout=120, **kwargs)  # type: ignore[arg-type]

    def signed(self, **params: str) -> str:
        return signed_path(SECRET.encode(), "/card", params)

    def metric(self, name: str) -> float:
        text = self.get("/metrics").text
        return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")
                   or line.startswith(name + "{"))


def start(tmp_path: Path, *more: str, env: dict[str, str] | None = None, wordpress: str = "",
          own_group: bool = False) -> Running:
    posts = tmp_path / "posts"
    if not posts.exists():
        posts.mkdir(parents=True)
        (posts / "ferry.md").write_text("---\ntitle: The ferry returns\nfeatured_quote:\n  quote: We sail at dawn.\n"
                                        "  attribution: The harbour master\n---\nBody.\n")
        (posts / "draft.md").write_text("---\ntitle: Not yet\ndraft: true\n---\n")
    env = {**os.environ, "QUOTECARDS_SECRET": SECRET, "XDG_CACHE_HOME": str(tmp_path / "cache"), **(env or {})}
    pages = ["--wordpress", wordpress] if wordpress else ["--posts", str(posts)]
    process = subprocess.Popen([sys.executable, "-m", "quotecards", "service", *pages, "--port", "0",
                                "--store", str(tmp_path / "store"), "--site-root", str(tmp_path),
                                "--allow-private-images", *more],
                               stderr=subprocess.PIPE, text=True, env=env, start_new_session=own_group)
    assert process.stderr is not None
    for line in process.stderr:  # uvicorn says where it listens once it does: the event waited on
        found = READY.search(line)
        if found:
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep the pipe drained
            return Running(f"http://127.0.0.1:{found.group(1)}", process, posts)
    process.wait(timeout=60)
    pytest.fail(f"the service did not start (exit {process.returncode})")


@contextlib.contextmanager
def started(tmp_path: Path, *more: str, **kwargs: Any) -> Iterator[Running]:
    """The service, started as `start` starts it, and stopped (any photo held let go) after."""
    running = start(tmp_path, *more, **kwargs)
    try:
        yield running
    finally:
        _Photos.release.set()
        running.process.terminate()
        running.process.wait(timeout=60)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    with started(tmp_path) as running:
        yield running


def test_a_signed_card_is_drawn_once_then_served_from_the_store_and_304(service):
    path = service.signed(title="The ferry returns", quote="We sail at dawn.", attribution="The harbour master")
    first = service.get(path)
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    with Image.open(BytesIO(first.content)) as card:
        assert card.size == (1200, 630)
    again = service.get(path)
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert service.metric("quotecards_renders_total") == 1 and service.metric("quotecards_cache_hits_total") == 1
    unchanged = service.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    head = requests.head(service.url + path, timeout=60)
    assert head.status_code == 200 and head.headers["etag"] == first.headers["etag"] and head.content == b""
    webp = service.get(service.signed(title="The ferry returns", platform="x", format="webp"))
    assert webp.headers["content-type"] == "image/webp"
    with Image.open(BytesIO(webp.content)) as card:
        assert card.size == (1200, 675)
    assert service.get("/healthz").text == "ok"


@pytest.mark.parametrize("change, status, parameter", [
    (lambda p: p.replace("sig=", "sig=0"), 403, "sig"),  # a wrong signature
    (lambda p: p.split("&sig=")[0], 403, "sig"),  # none
    (lambda p: p.replace("dawn", "dusk"), 403, "sig"),  # a parameter changed after signing
    (lambda p: p + "&quote=again", 400, "quote"),  # given twice
])
def test_a_card_url_not_signed_for_exactly_its_parameters_is_refused(service, change, status, parameter):
    path = service.signed(title="The ferry returns", quote="We sail at dawn.")
    answer = service.get(change(path))
    assert answer.status_code == status and answer.headers["content-type"] == "application/json"
    assert answer.json()["parameter"] == parameter


@pytest.mark.parametrize("params, parameter", [
    ({"title": "T", "colour": "red"}, "colour"),
    ({"title": "T", "platform": "myspace"}, "platform"),
    ({"title": "T", "format": "gif"}, "format"),
    ({"title": "T" * 600}, "title"),
    ({"title": "T", "image": "file:///etc/passwd"}, "image"),
    ({"attribution": "nobody"}, "quote"),
    ({"title": "T", "layout": "no-such-layout"}, "layout"),
])
def test_signed_but_unusable_parameters_are_a_400_naming_the_parameter(service, params, parameter):
    answer = service.get(service.signed(**params))
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["parameter"] == parameter and "Traceback" not in answer.text and "/" not in body["error"][:1]
    assert str(service.posts) not in answer.text


def test_cards_by_page_follow_the_post(service):
    first = service.get("/og/ferry.png")
    assert first.status_code == 200 and first.headers["cache-control"] == "public, max-age=300"
    assert service.get("/og/draft.png").status_code == 404  # a draft is no page
    missing = service.get("/og/no-such-page.png")
    assert missing.status_code == 404 and missing.json()["parameter"] == "slug"
    assert service.get("/myspace/ferry.png").json()["parameter"] == "platform"
    (service.posts / "ferry.md").write_text("---\ntitle: The ferry returns\nfeatured_quote: We sail at noon.\n---\n")
    edited = service.get("/og/ferry.png")
    assert edited.status_code == 200 and edited.headers["etag"] != first.headers["etag"]
    (service.posts / "new.md").write_text("---\ntitle: A page added while the service runs\n---\n")
    assert service.get("/og/new.jpg").headers["content-type"] == "image/jpeg"


def test_identical_requests_at_once_draw_the_card_once(service, photos):
    path = service.signed(title="Held", quote="Drawn once.", image=photos + "/held-1.jpg")
    with ThreadPoolExecutor(8) as pool:
        answers = [pool.submit(service.get, path) for _ in range(8)]
        assert _Photos.asked.wait(timeout=120)  # the first request is drawing, its photo held
        _Photos.release.set()
        results = [answer.result() for answer in answers]
    assert {r.status_code for r in results} == {200} and len({r.content for r in results}) == 1
    assert service.metric("quotecards_renders_total") == 1


def test_past_its_limit_the_service_says_503_with_retry_after(tmp_path, photos):
    with started(tmp_path, "--max-pending", "1") as running:
        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(running.get, running.signed(title="Held", image=photos + "/held-2.jpg"))
            assert _Photos.asked.wait(timeout=120)
            turned = running.get(running.signed(title="Another card"))
            assert turned.status_code == 503 and turned.headers["retry-after"] == "1"
            _Photos.release.set()
            assert held.result().status_code == 200
        assert running.get(running.signed(title="Another card")).status_code == 200  # room again
        assert running.metric("quotecards_overloaded_total") == 1


def test_a_stopped_service_finishes_the_cards_it_is_drawing(tmp_path, photos):
    running = start(tmp_path, own_group=True)
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(running.get, running.signed(title="Held", image=photos + "/held-3.jpg"))
        assert _Photos.asked.wait(timeout=120)
        # As systemd stops a service (its whole group; a terminal's Ctrl-C too): the drawing
        # processes get the signal as well, and finish their cards all the same.
        os.killpg(running.process.pid, signal.SIGTERM)
        _Photos.release.set()
        answer = held.result()
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    # Uvicorn stops gracefully, then ends by the signal it was sent, as systemd expects of a service.
    assert running.process.wait(timeout=120) in (0, -signal.SIGTERM)


def _drawers(running: Running) -> list[int]:
    """The service's drawing processes (spawned by multiprocessing; not its resource tracker)."""
    pid = running.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def test_a_drawing_process_that_dies_costs_no_card_unless_its_card_kills_the_next_too(tmp_path, photos):
    with started(tmp_path, "--workers", "1") as running:
        with ThreadPoolExecutor(2) as pool:
            # Killed once (as the OOM killer would): the card is drawn again by a fresh process.
            held = pool.submit(running.get, running.signed(title="Held", image=photos + "/held-4.jpg"))
            assert _Photos.asked.wait(timeout=120)
            [first] = _drawers(running)
            _Photos.asked.clear()
            os.kill(first, signal.SIGKILL)
            assert _Photos.asked.wait(timeout=120)  # the fresh process asks for the photo again
            # Killed again while drawing the same card: that card fails, the service goes on.
            [second] = _drawers(running)
            assert second != first
            os.kill(second, signal.SIGKILL)
            answer = held.result()
        assert answer.status_code == 500 and answer.json() == {"error": "the card could not be made"}
        _Photos.release.set()
        after = running.get(running.signed(title="The next card", image=photos + "/held-4.jpg"))
        assert after.status_code == 200 and after.headers["content-type"] == "image/png"
        assert _drawers(running) not in ([first], [second])


def test_a_card_whose_drawing_process_is_killed_once_is_drawn_again(tmp_path, photos):
    with started(tmp_path, "--workers", "2") as running:
        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(running.get, running.signed(title="Held", image=photos + "/held-6.jpg"))
            assert _Photos.asked.wait(timeout=120)
            _Photos.asked.clear()
            before = _drawers(running)
            os.kill(before[0], signal.SIGKILL)
            assert _Photos.asked.wait(timeout=120)
            _Photos.release.set()
            answer = held.result()
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
        assert running.metric("quotecards_renders_total") == 1
        # The broken pool's other process is gone too, not left behind: every drawing process is new.
        assert len(before) == 2 and not set(_drawers(running)) & set(before)


def test_a_card_past_the_requests_deadline_is_a_503_and_is_still_kept(tmp_path, photos):
    with started(tmp_path, "--timeout", "1") as running:
        path = running.signed(title="Slow photo", image=photos + "/held-5.jpg")
        late = running.get(path)  # the photo is held past the deadline, however fast the machine
        assert late.status_code == 503 and late.headers["retry-after"] == "5"
        assert late.json()["error"] == "the card is still being drawn; ask again shortly"
        _Photos.release.set()
        for _ in range(600):  # each 503 is the service's own deadline passing: on a slow machine, ask again
            again = running.get(path)  # joins the drawing under way, or finds the card kept
            if again.status_code != 503:
                break
        assert again.status_code == 200 and again.headers["content-type"] == "image/png"
        assert running.metric("quotecards_renders_total") == 1


def test_the_site_config_sets_what_no_flag_does(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/ferry.md").write_text("---\ntitle: The ferry returns\n---\n")
    (tmp_path / "quotecards.toml").write_text('site_name = "Harbour Times"\n[service]\nposts = "content"\n'
                                              'format = "webp"\nmax_pending = 8\n')
    env = {**os.environ, "QUOTECARDS_SECRET": SECRET, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "quotecards", "service", "--site-root", str(tmp_path),
                                "--port", "0", "--store", str(tmp_path / "store")],
                               stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    url = next(f"http://127.0.0.1:{found.group(1)}" for line in process.stderr if (found := READY.search(line)))
    threading.Thread(target=process.stderr.read, daemon=True).start()
    running = Running(url, process, tmp_path / "content")
    try:
        assert running.get("/og/ferry.png").status_code == 200  # the posts folder the config names
        signed = running.get(running.signed(title="No format asked"))
        assert signed.headers["content-type"] == "image/webp"  # the config's format
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_a_flag_wins_over_the_config_and_a_bad_setting_is_one_line(tmp_path):
    (tmp_path / "quotecards.toml").write_text('[service]\nport = 99999\n')
    done = subprocess.run([sys.executable, "-m", "quotecards", "service", "--site-root", str(tmp_path), "--fill", "og"],
                          capture_output=True, text=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr == f"error: {tmp_path / 'quotecards.toml'}: service.port: expected a whole number from 0 to " \
                          "65535, got 99999\n"
    (tmp_path / "quotecards.toml").write_text('[service]\nposts = "nowhere"\n')
    done = subprocess.run([sys.executable, "-m", "quotecards", "service", "--site-root", str(tmp_path), "--posts",
                           str(tmp_path), "--fill", "og"], capture_output=True, text=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert "service.posts: no folder" in done.stderr  # the file is read whole, a flag or not


@pytest.mark.parametrize("setting, told", [
    ('host = ""', "service.host: expected an address, got ''"),  # uvicorn would listen on every address
    ("timeout = inf", "service.timeout: expected a number from 1 to 3600, got inf"),
    ('store = "/proc/nope"', "/proc/nope: store: cannot keep cards here"),
])
def test_what_a_hostile_reading_of_the_settings_found_is_refused_at_the_start(tmp_path, setting, told):
    (tmp_path / "quotecards.toml").write_text(f"[service]\n{setting}\n")
    done = subprocess.run([sys.executable, "-m", "quotecards", "service", "--site-root", str(tmp_path), "--posts",
                           str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)}, timeout=120)
    assert done.returncode == 2 and told in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr


def test_the_service_settings_draw_no_card_again(tmp_path):
    from quotecards.config import find_config

    def settings(text: str) -> bytes:
        (tmp_path / "quotecards.toml").write_text(text)
        return find_config(tmp_path).card_settings.encode()

    base = settings('site_name = "Harbour Times"\n')
    assert settings('site_name = "Harbour Times"\n[service]\nport = 9000\nworkers = 4\n') == base
    assert settings('site_name = "Harbour Post"\n') != base


def test_sign_prints_the_path_the_library_makes_and_the_service_takes(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTECARDS_SECRET", SECRET)
    done = CliRunner().invoke(main, ["sign", "title=Café «x» & y", "quote=¿Sí?"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == signed_path(SECRET.encode(), "/card", {"title": "Café «x» & y", "quote": "¿Sí?"})
    assert "%C3%A9" in done.output and "&sig=" in done.output
    assert CliRunner().invoke(main, ["sign", "colour=red"]).exit_code == 2
    monkeypatch.delenv("QUOTECARDS_SECRET")
    refused = CliRunner().invoke(main, ["sign", "title=x"])
    assert refused.exit_code == 2 and "QUOTECARDS_SECRET" in refused.output


def test_the_plain_html_example_is_what_sign_prints(monkeypatch):
    """docs/service.md's plain HTML page pastes what its `quotecards sign` command prints."""
    docs = (ROOT / "docs/service.md").read_text("utf-8")
    command = next(line for line in docs.splitlines() if "quotecards sign" in line and "image=" in line)
    monkeypatch.setenv("QUOTECARDS_SECRET", SECRET)
    done = CliRunner().invoke(main, shlex.split(command.split("quotecards ", 1)[1]))
    assert done.exit_code == 0, done.output
    printed = done.output.strip()
    shown = re.search(r'og:image" content="https://[^/"]+(/card\?[^"]*)&amp;sig=…"', docs)  # the docs' own host
    assert shown is not None and printed.split("&sig=")[0] == html.unescape(shown.group(1))


@pytest.fixture(params=["s3", "gs"])
def object_store(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str]]]:
    """A bucket on this machine, S3's protocol (moto's server) or Google Cloud Storage's (an
    emulator's): its store URL, and the environment that points the service's client at it."""
    if request.param == "s3":
        yield "s3://cards/site", request.getfixturevalue("s3")
        return
    yield "gs://cards/site", request.getfixturevalue("gcs")


@pytest.fixture
def gcs() -> Iterator[dict[str, str]]:
    """Google Cloud Storage's JSON API on this machine (gcp-storage-emulator), with a bucket."""
    import socket

    from gcp_storage_emulator.server import create_server

    with socket.socket() as probe:  # the emulator takes a port number, not 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket="cards")
    server.start()
    try:
        # Anonymous credentials: no lookup of a cloud's metadata server; gcsfs's experimental
        # bucket-type probe (gRPC, which the emulator does not speak) off.
        yield {"STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{port}", "FSSPEC_GS_TOKEN": "anon",
               "FSSPEC_GS_PROJECT": "test", "GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT": "false"}
    finally:
        server.stop()


@pytest.fixture
def s3() -> Iterator[dict[str, str]]:
    """An S3-protocol server on this machine (moto's), with a bucket, and the environment that points
    an S3 client at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{server._server.server_port}", "AWS_ACCESS_KEY_ID": "test",
               "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
        boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1").create_bucket(Bucket="cards")
        yield env
    finally:
        server.stop()


def test_two_instances_share_one_object_store(tmp_path, object_store):
    """Behind a load balancer: a card one instance drew is the other's from the store, not drawn again."""
    url, env = object_store
    first = start(tmp_path / "a", "--store", url, env=env)
    second = start(tmp_path / "b", "--store", url, env=env)
    try:
        path = first.signed(title="The ferry returns", quote="We sail at dawn.")
        drawn = first.get(path)
        served = second.get(path)
        assert drawn.status_code == served.status_code == 200 and drawn.content == served.content
        assert drawn.headers["etag"] == served.headers["etag"]
        assert first.metric("quotecards_renders_total") == 1
        assert second.metric("quotecards_renders_total") == 0 and second.metric("quotecards_cache_hits_total") == 1
    finally:
        for running in (first, second):
            running.process.terminate()
            running.process.wait(timeout=60)


class _WordPress(BaseHTTPRequestHandler):
    """A WordPress site's REST API as its documentation shapes it (/wp-json/wp/v2/posts?slug=…&_embed):
    one published post with a pull quote in its ACF fields and a featured image."""

    photos = ""

    def do_GET(self) -> None:  # noqa: N802
        from urllib.parse import parse_qs, urlsplit

        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path != "/wp-json/wp/v2/posts":
            self.send_error(404)
            return
        slug = query.get("slug", [""])[0]
        if slug in ("local-photo", "asked-for-another"):  # a photo path on the server's disk; another post's answer
            posts = [{"slug": "someone-else" if slug == "asked-for-another" else slug, "title": {"rendered": "T"},
                      "_embedded": {"wp:featuredmedia": [{"source_url": "/secret.jpg"}]}}]
            body = json.dumps(posts).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)
            return
        posts = [] if slug != "harbour-ferry" else [{
            "id": 7, "date": "2024-05-01T09:00:00", "date_gmt": "2024-05-01T07:00:00", "slug": "harbour-ferry",
            "status": "publish", "type": "post", "link": "https://news.example.invalid/2024/05/harbour-ferry/",
            "title": {"rendered": "Harbour &#8220;ferry&#8221; returns"},
            "excerpt": {"rendered": "<p>After two years the ferry sails again&hellip;</p>\n", "protected": False},
            "featured_media": 12, "acf": {"pull_quote": "We sail at dawn.", "pull_quote_by": "The harbour master"},
            "_embedded": {"wp:featuredmedia": [{"id": 12, "source_url": self.photos + "/rocket.jpg",
                                                "alt_text": "The ferry at the pier", "media_type": "image"}]}}]
        body = json.dumps(posts).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("X-WP-Total", str(len(posts)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_cards_by_page_from_a_wordpress_sites_rest_api(tmp_path, photos):
    _WordPress.photos = photos
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WordPress)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (tmp_path / "quotecards.toml").write_text('site_name = "Harbour Times"\n[fields]\nquote = "acf.pull_quote"\n'
                                              'attribution = "acf.pull_quote_by"\n')
    with started(tmp_path, wordpress=f"http://127.0.0.1:{server.server_address[1]}/") as running:
        card = running.get("/og/harbour-ferry.png")
        assert card.status_code == 200 and card.headers["content-type"] == "image/png", card.text
        with Image.open(BytesIO(card.content)) as image:
            assert image.size == (1200, 630)
        assert running.get("/og/no-such-post.png").status_code == 404
        assert running.get("/og/asked-for-another.png").status_code == 404  # an answer for another post
        from quotecards.service.wordpress import WordPressPages
        from quotecards.sources.post import ReadOptions

        found = WordPressPages(f"http://127.0.0.1:{server.server_address[1]}/", ReadOptions()).find("local-photo")
        assert found is not None and found.image is None  # a path would be read from this machine's disk
        store = tmp_path / "store"
        assert len(list(store.rglob("*.png"))) == 1
        server.shutdown()
        server.server_close()


def test_a_wordpress_post_reads_as_front_matter():
    from quotecards.service.wordpress import front_matter_of

    meta = front_matter_of({"title": {"rendered": "It&#8217;s <em>here</em>"}, "excerpt": {"rendered": "<p>A&amp;B</p>"},
                            "date_gmt": "2024-05-01T07:00:00", "slug": "x", "acf": {"pull_quote": "Q"},
                            "_embedded": {"wp:featuredmedia": [{"source_url": "https://photos.example.invalid/a.jpg",
                                                                "alt_text": "Alt"}]}})
    assert meta == {"title": "It\u2019s here", "description": "A&B", "date": "2024-05-01T07:00:00", "slug": "x",
                    "featured_image": "https://photos.example.invalid/a.jpg", "image_alt": "Alt", "acf": {"pull_quote": "Q"}}


@pytest.mark.system("php")
def test_php_signs_a_card_url_as_the_service_checks_it():
    """The PHP a WordPress theme uses (docs/service.md) makes the same signature."""
    docs = (ROOT / "docs/service.md").read_text("utf-8")
    php = next((block for block in re.findall(r"```php\n(.*?)```", docs, re.DOTALL)
                if "function quotecards_card_path" in block), None)
    assert php is not None
    script = php.replace("<?php", "") + (
        '\necho quotecards_card_path(["title" => "Café «x» & y", "quote" => "¿Sí?", "platform" => "og"]);\n')
    env = {**os.environ, "QUOTECARDS_SECRET": SECRET}
    done = subprocess.run([shutil.which("php") or "php", "-r", script], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == signed_path(SECRET.encode(), "/card", {"title": "Café «x» & y", "quote": "¿Sí?",
                                                                  "platform": "og"})


def test_the_standard_library_python_signs_as_the_service_checks_it():
    """The function docs/service.md gives a Django site, without quotecards installed."""
    docs = (ROOT / "docs/service.md").read_text("utf-8")
    code = next(block for block in re.findall(r"```python\n(.*?)```", docs, re.DOTALL)
                if "def quotecards_card_path" in block)
    assert "quotecards" not in code.replace("quotecards_card_path", "")  # the standard library alone
    scope: dict[str, object] = {}
    exec(code, scope)  # noqa: S102 - the docs' own example
    params = {"title": "Café «x» & y", "quote": "¿Sí? (it's ~50% *done*)", "platform": "og"}
    assert scope["quotecards_card_path"](params, SECRET) == signed_path(SECRET.encode(), "/card", params)


@pytest.mark.system("node")
def test_javascript_signs_a_card_url_as_the_service_checks_it(tmp_path):
    docs = (ROOT / "docs/service.md").read_text("utf-8")
    js = re.search(r"```js\n(.*?)```", docs, re.DOTALL)
    assert js is not None
    script = tmp_path / "sign.mjs"
    script.write_text(js.group(1) + '\nprocess.stdout.write(quotecardsCardPath({title: "Café «x» & y", '
                      'quote: "¿Sí?", platform: "og"}, process.env.QUOTECARDS_SECRET));\n')
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QUOTECARDS_SECRET": SECRET})
    assert done.returncode == 0, done.stderr
    assert done.stdout == signed_path(SECRET.encode(), "/card", {"title": "Café «x» & y", "quote": "¿Sí?",
                                                                  "platform": "og"})


def test_many_distinct_cards_at_once_all_come_back(tmp_path):
    """A bounded load on loopback: 40 cards, 8 at a time, every one drawn once and answered 200
    (benchmarks/service.py measures speed and memory)."""
    with started(tmp_path, "--workers", "2") as running:
        paths = [running.signed(title=f"Card {n}", quote=f"Line number {n} of the load.") for n in range(40)]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(running.get, paths))
        assert [a.status_code for a in answers] == [200] * 40
        assert len({a.content for a in answers}) == 40
        assert running.metric("quotecards_renders_total") == 40
        assert running.metric('quotecards_requests_total') == 40 + 0  # /metrics itself is not counted


def test_a_build_fills_the_store_ahead_of_traffic(tmp_path):
    """`--fill og` draws every page's card into the store and exits; the service then answers them
    without drawing."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "ferry.md").write_text("---\ntitle: The ferry returns\n---\n")
    (posts / "draft.md").write_text("---\ntitle: Not yet\ndraft: true\n---\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "quotecards", "service", "--posts", str(posts), "--store",
                           str(tmp_path / "store"), "--site-root", str(tmp_path), "--fill", "og", "--fill", "x"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("2 cards drawn"), done.stdout + done.stderr
    with started(tmp_path) as running:
        assert running.get("/og/ferry.png").status_code == 200 and running.get("/x/ferry.png").status_code == 200
        assert running.metric("quotecards_renders_total") == 0 and running.metric("quotecards_cache_hits_total") == 2


def test_what_a_hostile_reading_found_is_answered_as_it_should_be(service, photos):
    # A query of thousands of names is refused at once (it froze the worker, checked pair by pair).
    crowd = "&".join(f"p{n}=1" for n in range(5000))
    refused = service.get("/card?" + crowd)
    assert refused.status_code == 400 and "parameters" in refused.json()["error"]
    # A URL that is no URL is the image parameter's 400, not a 500.
    for image in ("http://a..b.invalid/x.jpg", "http://[::1", "http://example.invalid:99999/x.jpg", "HTTP:"):
        bad = service.get(service.signed(title="T", image=image))
        assert bad.status_code == 400 and bad.json()["parameter"] == "image", (image, bad.text)
    # No redirect built from the Host header, JSON for every refusal, no 304 for a card not there.
    slash = requests.get(service.url + "/card/?title=x", timeout=60, allow_redirects=False,
                         headers={"Host": "evil.invalid"})
    assert slash.status_code == 404 and "location" not in slash.headers and slash.json()["error"]
    posted = requests.post(service.url + "/card", timeout=60)
    assert posted.status_code == 405 and posted.json()["error"] and set(posted.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert service.get(service.signed(title="Not drawn yet"), headers={"If-None-Match": "*"}).status_code == 200


def test_a_card_whose_photo_host_is_down_is_not_kept(tmp_path, photos):
    with started(tmp_path) as running:
        with socket_on_loopback() as port:  # a photo host that is down: nothing listens
            down = running.signed(title="Photo later", image=f"http://127.0.0.1:{port}/rocket.jpg")
        first = running.get(down)
        assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
        assert not list((tmp_path / "store").rglob("*.png"))  # drawn, answered, not kept
        kept = running.get(running.signed(title="Photo now", image=photos + "/rocket.jpg"))
        assert kept.headers["cache-control"].endswith("immutable")


def test_a_photo_failing_for_now_is_asked_for_again_and_one_that_never_can_be_had_is_kept(tmp_path, photos):
    with started(tmp_path, "--workers", "1") as running:
        _Photos.failing.set()
        path = running.signed(title="Host failing", image=photos + "/failing.jpg")
        first = running.get(path)
        assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
        _Photos.failing.clear()  # the host answers again: the same process asks it again
        second = running.get(path)
        assert second.headers["cache-control"].endswith("immutable") and second.content != first.content
        # A web page where a photo was named never becomes one: its card is kept, not drawn per request.
        page = running.signed(title="Not a photo", image=photos + "/page.jpg")
        answers = [running.get(page) for _ in range(3)]
        assert {a.headers["cache-control"] for a in answers} == {"public, max-age=31536000, immutable"}
        assert running.metric("quotecards_renders_total") == 3  # failing, back, the page's card once


def test_fill_goes_on_past_a_post_it_cannot_draw(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text("---\ntitle: A\n---\n")
    (posts / "b.md").write_text("---\ntitle: B\nquotecard: {layout: no-such-layout}\n---\n")
    (posts / "c.md").write_text("---\ntitle: C\n---\n")
    done = subprocess.run([sys.executable, "-m", "quotecards", "service", "--posts", str(posts), "--store",
                           str(tmp_path / "store"), "--site-root", str(tmp_path), "--fill", "og"],
                          capture_output=True, text=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")},
                          timeout=300)
    assert done.returncode == 1 and "2 cards drawn" in done.stdout and "1 failed" in done.stdout, done.stdout
    assert "error: b: " in done.stderr and "Traceback" not in done.stderr


class socket_on_loopback:
    """A loopback port that nothing listens on once the block ends."""

    def __enter__(self) -> int:
        import socket

        self.probe = socket.socket()
        self.probe.bind(("127.0.0.1", 0))
        return int(self.probe.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.probe.close()


def test_a_post_whose_photo_is_replaced_gets_a_new_card(service):
    shutil.copy(ROOT / "samples/images/rocket.jpg", service.posts / "photo.jpg")
    (service.posts / "photo.md").write_text("---\ntitle: The pad\nfeatured_image: photo.jpg\n---\n")
    first = service.get("/og/photo.png")
    shutil.copy(ROOT / "samples/images/coffee.jpg", service.posts / "photo.jpg")
    second = service.get("/og/photo.png")
    assert first.status_code == second.status_code == 200 and first.headers["etag"] != second.headers["etag"]
