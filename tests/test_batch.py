"""The whole archive: parallel, incremental, interruptible, shardable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from quotecards.build import batch, outputs
from quotecards.build.batch import BuildOptions, build, in_shard
from quotecards.cards import RenderOptions
from quotecards.cli import main
from quotecards.sources.fetch import FetchOptions

ROOT = Path(__file__).resolve().parent.parent


def archive(folder: Path, n: int = 6) -> Path:
    """n posts with a local photo, one draft, one broken."""
    content = folder / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "rocket.jpg").write_bytes((ROOT / "samples/images/rocket.jpg").read_bytes())
    for i in range(n):
        (content / "posts" / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\naliases: [/posts/post-{i}/]\nfeatured_image:\n  image: rocket.jpg\n"
            f"featured_quote:\n  quote: Quote number {i}, short and sweet.\n  summary: Person {i}\n---\nBody.\n")
    (content / "posts" / "_index.md").write_text("---\ntitle: Posts\ndraft: true\n---\n")
    (content / "posts" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    return content


def options(folder: Path, **kw) -> BuildOptions:
    render = RenderOptions(out_dir=folder / "out", fetch=FetchOptions(roots=(folder,)),
                           **{k: kw.pop(k) for k in list(kw) if k in ("layout", "platforms")})
    return BuildOptions(render=render, jobs=2, **kw)


def test_first_build_renders_every_post_and_reports_the_rest(tmp_path):
    content = archive(tmp_path)
    summary = build(content, options(tmp_path))
    assert summary.made == 6 and summary.reused == 0
    assert summary.skipped == {"draft": 1}
    assert [e.post for e in summary.failed] == [str(content / "posts" / "broken.md")]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert len(manifest["cards"]) == 6 and len(manifest["errors"]) == 1
    for card in manifest["cards"]:
        assert Image.open(tmp_path / "out" / card["path"]).size == (1200, 630)


def test_an_unchanged_rebuild_reads_no_post(tmp_path, monkeypatch):
    content = archive(tmp_path)
    build(content, options(tmp_path))
    reads: list[Path] = []
    real = batch.read_post
    monkeypatch.setattr(batch, "read_post", lambda p, *options: reads.append(p) or real(p, *options))
    summary = build(content, options(tmp_path))
    assert summary.made == 0 and summary.reused == 6
    # Only a post that failed is read again; a draft is remembered as one while its file is unchanged.
    assert sorted(p.name for p in reads) == ["broken.md"]


def test_an_unchanged_rebuild_rewrites_nothing_and_a_change_rewrites_the_records(tmp_path):
    content = archive(tmp_path)
    build(content, options(tmp_path))
    out = tmp_path / "out"
    written = {name: (out / name).stat().st_mtime_ns for name in ("manifest.json", outputs.STATE_FILE, "index.html")}
    time.sleep(0.01)
    build(content, options(tmp_path))  # the broken post fails again, with the same error: no change
    assert {name: (out / name).stat().st_mtime_ns for name in written} == written
    (content / "posts" / "broken.md").write_text("---\ntitle: Broken\nfeatured_quote:\n  quote: [a, list]\n---\n")
    summary = build(content, options(tmp_path))  # broken differently: the manifest must say so
    assert "featured_quote.quote" in summary.failed[0].error
    assert all((out / name).stat().st_mtime_ns != when for name, when in written.items())
    (out / "index.html").unlink()
    build(content, options(tmp_path))
    assert (out / "index.html").is_file()  # a missing file is written again, changed or not


def test_only_what_changed_is_rendered_again(tmp_path):
    content = archive(tmp_path)
    build(content, options(tmp_path))
    post = content / "posts" / "p2.md"
    post.write_text(post.read_text().replace("Quote number 2", "Quote number two"))
    touched = content / "posts" / "p3.md"
    touched.write_text(touched.read_text() + "More body text, which reaches no card.\n")
    summary = build(content, options(tmp_path))
    assert summary.made == 1 and summary.reused == 5
    cards = {c["slug"]: c for c in json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]}
    assert " ".join(cards["post-2"]["lines"]).startswith("\u201cQuote number two")


def test_settings_change_or_force_renders_everything(tmp_path):
    content = archive(tmp_path)
    build(content, options(tmp_path))
    assert build(content, options(tmp_path, layout="band")).made == 6
    assert build(content, options(tmp_path, layout="band")).made == 0
    assert build(content, options(tmp_path, layout="band", force=True)).made == 6


def test_prune_removes_the_cards_of_deleted_posts(tmp_path):
    content = archive(tmp_path)
    build(content, options(tmp_path))
    (content / "posts" / "p0.md").unlink()
    build(content, options(tmp_path))
    assert (tmp_path / "out" / "og" / "post-0.png").exists()  # kept without --prune
    summary = build(content, options(tmp_path, prune=True))
    assert summary.pruned == 1 and not (tmp_path / "out" / "og" / "post-0.png").exists()
    assert (tmp_path / "out" / "og" / "post-1.png").exists()
    slugs = {c["slug"] for c in json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]}
    assert "post-0" not in slugs and len(slugs) == 5


def test_shards_split_the_archive_stably_and_completely(tmp_path):
    content = archive(tmp_path, n=12)
    posts = list(batch.discover(content))
    shards = [{p for p in posts if in_shard(p, content, (k, 3))} for k in (1, 2, 3)]
    assert set().union(*shards) == set(posts) and sum(len(s) for s in shards) == len(posts)
    assert all(shards)
    made = [build(content, options(tmp_path / f"s{k}", shard=(k, 3))).made for k in (1, 2, 3)]
    assert sum(made) == 12


def test_cli_build_summarises_and_fails_when_a_post_fails(tmp_path):
    content = archive(tmp_path)
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(tmp_path / "out"), "--jobs", "2",
                                       "--site-root", str(tmp_path)])
    assert result.exit_code == 1
    assert "8 posts: 6 cards made, 0 reused, 1 posts failed, skipped: 1 draft" in result.stdout
    assert f"error: {content / 'posts' / 'broken.md'}: title: unreadable YAML" in result.stderr
    assert "rendered 6/6 posts" in result.stderr  # not a terminal: plain progress lines
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(tmp_path / "out"), "--site-root",
                                       str(tmp_path), "--shard", "4/3"])
    assert result.exit_code == 2 and "expected K/N" in result.output


class _Holding(BaseHTTPRequestHandler):
    """Serves an image that never finishes until the test says so: a build is held mid-run."""

    asked = threading.Event()
    release = threading.Event()

    def do_GET(self):  # noqa: N802
        _Holding.asked.set()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            while not _Holding.release.wait(0.5):  # a byte now and then: no read timeout fires
                self.wfile.write(b"\xff")
                self.wfile.flush()
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_kill_9_mid_run_leaves_whole_files_and_the_next_run_resumes(tmp_path):
    content = archive(tmp_path, n=80)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Holding)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    held = sorted(batch.discover(content))[40]  # one worker renders in this order: 40 cards, then it waits
    held.write_text(held.read_text().replace("image: rocket.jpg", f"image: http://127.0.0.1:{server.server_address[1]}/held.jpg"))
    out = tmp_path / "out"
    batch_run = [sys.executable, "-m", "quotecards", "build", str(content), "--out", str(out),
                 "--jobs", "1", "--site-root", str(tmp_path), "--no-cache"]
    proc = subprocess.Popen(batch_run, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def checkpointed_cards() -> int:
        try:
            return len(json.loads((out / "manifest.json").read_text())["cards"])
        except (OSError, ValueError, KeyError):
            return 0

    try:
        assert _Holding.asked.wait(120), "the build should have reached the held post"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not checkpointed_cards():  # a checkpoint with cards in it
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        _Holding.release.set()
        server.shutdown()
        server.server_close()  # refused from now on: the resumed build falls back at once
    pngs = list((out / "og").glob("*.png"))
    assert 0 < len(pngs) <= 40  # stopped at the held post, which had no card yet
    for png in pngs:
        with Image.open(png) as image:
            image.load()  # a truncated PNG would fail here
    assert checkpointed_cards() > 0  # whole, not torn
    summary = build(content, options(tmp_path))
    assert summary.reused > 0 and summary.made + summary.reused == 80


def test_prune_in_one_shard_spares_the_other_shards_cards(tmp_path):
    content = archive(tmp_path, n=8)
    build(content, options(tmp_path))
    before = sorted((tmp_path / "out" / "og").glob("*.png"))
    summary = build(content, options(tmp_path, shard=(1, 2), prune=True))
    assert summary.pruned == 0 and sorted((tmp_path / "out" / "og").glob("*.png")) == before
    assert summary.made == 0 and summary.reused > 0  # its share of the whole build's state is its own


def test_the_build_returns_every_card_as_a_typed_record(tmp_path):
    content = archive(tmp_path)
    first = build(content, options(tmp_path))
    again = build(content, options(tmp_path))  # all reused: the records come from the state
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]
    for summary in (first, again):
        assert [c.to_json() for c in summary.cards] == on_disk
    assert again.made == 0 and all(c.sha256 for c in again.cards)
    assert [c.warning_kinds for c in again.cards] == [c.warning_kinds for c in first.cards]


def test_posts_are_found_a_folder_at_a_time_in_the_order_of_their_sorted_paths(tmp_path):
    import random

    rng = random.Random(3)
    names = ["a", "a.md", "a-b", "a b", "B", "b.md", "z", "é", "_x", "2024", "2024-01"]
    for i in range(300):
        depth = rng.randrange(1, 4)
        path = tmp_path.joinpath(*(rng.choice(names) for _ in range(depth)), f"{rng.choice(names)}{i % 7}.md")
        if not any(p.is_file() for p in path.parents):
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.is_dir():
                path.write_text("x")
    (tmp_path / "a.md").mkdir(exist_ok=True)  # a folder named like a post is a folder
    expected = sorted(p for p in tmp_path.rglob("*.md") if p.is_file())
    assert list(batch.discover(tmp_path)) == expected and len(expected) > 100


def test_render_and_build_number_a_taken_slug_alike_and_say_so(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for name in ("a.md", "b.md"):
        (content / name).write_text("---\ntitle: T\nslug: same\nfeatured_quote: One slug, two posts.\n---\n")
    render = RenderOptions(out_dir=tmp_path / "built", fetch=FetchOptions(cache_dir=None))
    build(content, BuildOptions(render=render, jobs=1))
    built = json.loads((tmp_path / "built/manifest.json").read_text())["cards"]
    rendered_out = tmp_path / "rendered"
    assert CliRunner().invoke(main, ["render", str(content / "a.md"), str(content / "b.md"), "--out",
                                     str(rendered_out), "--offline"]).exit_code == 0
    rendered = json.loads((rendered_out / "manifest.json").read_text())["cards"]
    for cards in (built, rendered):
        by_post = {Path(c["post"]).name: c for c in cards}
        assert by_post["a.md"]["path"] == "og/same.png" and "slug taken" not in by_post["a.md"]["warning_kinds"]
        assert by_post["b.md"]["path"] == "og/same-2.png"
        assert by_post["b.md"]["warning_kinds"][0] == "slug taken"
        assert by_post["b.md"]["warnings"][0] == "slug 'same' already used by another post: wrote same-2"


def test_render_runs_into_one_folder_number_a_slug_an_earlier_runs_post_has(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\ntitle: T\nslug: same\nfeatured_quote: One slug, two posts.\n---\n")
    out = tmp_path / "out"
    for name in ("a.md", "b.md", "a.md"):  # a again: its own slug is its own
        done = CliRunner().invoke(main, ["render", str(tmp_path / name), "--out", str(out), "--offline"])
        assert done.exit_code == 0, done.output
    cards = {Path(c["post"]).name: c for c in json.loads((out / "manifest.json").read_text())["cards"]}
    assert cards["a.md"]["path"] == "og/same.png" and cards["b.md"]["path"] == "og/same-2.png"
    assert cards["b.md"]["warning_kinds"][0] == "slug taken" and "slug taken" not in cards["a.md"]["warning_kinds"]
    assert (out / "og/same.png").is_file() and (out / "og/same-2.png").is_file()
