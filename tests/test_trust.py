"""What quotecards trusts and what it does not: paths read back from a store, a shard's part or a
build's state; the formats a downloaded picture may be in; symbolic links in a content tree; the
preview's public-address rule against a cache that other runs share. Each test is a way in that
once worked."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from quotecards.build.batch import discover
from quotecards.build.state import BuildState
from quotecards.draw.photo import ImageError, decode
from quotecards.records import card_path
from quotecards.sources.download import PUBLIC_ONLY_CACHE, open_session
from quotecards.sources.fetch import FetchOptions
from quotecards.sources.public_net import is_public

ROOT = Path(__file__).resolve().parent.parent
POST = "---\ntitle: Post {n}\nfeatured_quote:\n  quote: Number {n} said something worth a card.\n  summary: Someone\n---\n"


def quotecards(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quotecards", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def site(folder: Path, posts: int = 2) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    for n in range(posts):
        (content / f"post-{n}.md").write_text(POST.format(n=n), "utf-8")
    return content


def build(folder: Path, *more: str) -> subprocess.CompletedProcess:
    done = quotecards("build", "content", "--out", "out", "--offline", "--platform", "og", *more, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


# -- paths read back from files another party may have written ------------------------------

@pytest.mark.parametrize("path", ["../../outside.png", "{abs}", "og/../../outside.png", "og/a/../../../outside.png",
                                  "og/.hidden.png", "og/post-0.txt", "x/post-0.png"])
def test_a_stored_record_naming_a_path_outside_the_output_writes_nothing_there(tmp_path, path):
    site(tmp_path)
    store = tmp_path / "store"
    build(tmp_path, "--store", str(store))
    target = tmp_path / "outside.png"
    for records_file in (store / "v1").glob("??/*/cards.json"):
        data = json.loads(records_file.read_text())
        for record in data["cards"]:
            record["path"] = path.format(abs=target)
        records_file.write_text(json.dumps(data))
    shutil.rmtree(tmp_path / "out")
    again = build(tmp_path, "--store", str(store))
    assert not target.exists()
    assert "2 cards made" in again.stdout  # the poisoned entries are misses: the posts are drawn
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert sorted(c["path"] for c in manifest["cards"]) == ["og/post-0.png", "og/post-1.png"]


def test_a_stored_card_that_is_a_link_is_not_taken(tmp_path):
    site(tmp_path)
    store = tmp_path / "store"
    build(tmp_path, "--store", str(store))
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the output")
    for card in (store / "v1").glob("??/*/og.png"):
        card.unlink()
        card.symlink_to(secret)
    shutil.rmtree(tmp_path / "out")
    assert "2 cards made" in build(tmp_path, "--store", str(store)).stdout
    assert all(b"not for the output" not in p.read_bytes() for p in (tmp_path / "out/og").iterdir())


def test_prune_deletes_no_file_a_tampered_state_names_outside_the_output(tmp_path):
    content = site(tmp_path)
    build(tmp_path, "--no-store")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    with closing(BuildState(tmp_path / "out/.quotecards-state.sqlite")) as state:
        for key in state.keys():
            entry = state.get(key)
            assert entry is not None and entry.cards
            entry.cards[0]["path"] = "../victim.txt"
            state.put(key, entry)
        state.commit()
    (content / "post-1.md").unlink()
    build(tmp_path, "--no-store", "--prune")
    assert victim.read_text() == "keep me"


def test_merge_places_no_card_a_part_names_outside_the_output(tmp_path):
    site(tmp_path, posts=8)
    for k in (1, 2):
        done = quotecards("build", "content", "--out", f"part{k}", "--shard", f"{k}/2", "--offline", "--no-store",
                          "--platform", "og", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    part = tmp_path / "part1" / "manifest.shard-1-of-2.json"
    (tmp_path / "part1" / ".quotecards-state.shard-1-of-2.sqlite").unlink()  # the part is read from its manifest
    data = json.loads(part.read_text())
    assert data["cards"]
    poisoned = data["cards"][0]
    os.makedirs(tmp_path / "pa")
    shutil.copy(tmp_path / "part1" / poisoned["path"], tmp_path / "pa/payload.png")
    poisoned["path"] = "../pa/payload.png"
    data["cards"].extend(["a string", {"post": "content/x.md"}, {"post": ["a", "list"], "path": 5}])
    data["errors"].extend(["a string", {"post": 1}])
    part.write_text(json.dumps(data))
    done = quotecards("merge", "merged", "part1", "part2", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "merged" / ".." / "pa" / "payload.png").resolve().is_relative_to(tmp_path / "merged")
    assert sorted(p.name for p in (tmp_path / "pa").iterdir()) == ["payload.png"]  # nothing more placed there
    assert f"{poisoned['post']}: its records in manifest.shard-1-of-2.json are not cards a build wrote" in done.stderr
    merged = json.loads((tmp_path / "merged/manifest.json").read_text())
    assert all(card_path(c) == c["path"] for c in merged["cards"])
    assert len(merged["cards"]) == 7


@pytest.mark.parametrize(("record", "trusted"), [
    ({"platform": "og", "path": "og/launch-day.png"}, True),
    ({"platform": "story", "path": "story/азербайджан-ilham.webp"}, True),
    ({"platform": "og", "path": "og/京都.jpg"}, True),
    ({"platform": "og", "path": "og/../x.png"}, False),
    ({"platform": "..", "path": "../x.png"}, False),
    ({"platform": "og", "path": "/og/x.png"}, False),
    ({"platform": "og", "path": "og/x/y.png"}, False),
    ({"platform": "og", "path": "og\\..\\x.png"}, False),
    ({"platform": "og", "path": "og/x.png\0"}, False),
    ({"platform": "og", "path": "og/-x.png"}, False),
    ({"platform": "og", "path": "og/x.sh"}, False),
    ({"platform": "og", "path": 5}, False),
    ("og/x.png", False),
])
def test_a_card_path_is_trusted_only_in_a_cards_shape(record, trusted):
    assert (card_path(record) is not None) is trusted


# -- pictures -----------------------------------------------------------------------------------

def _saved(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, image_format)
    return out.getvalue()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF", "AVIF"])
def test_the_formats_we_read_are_decoded(image_format):
    assert decode(_saved(image_format)).size == (16, 12)


@pytest.mark.parametrize("image_format", ["EPS", "PCX", "TGA", "ICO", "PPM", "SGI", "DDS"])
def test_other_formats_pillow_could_open_are_refused(image_format):
    with pytest.raises(ImageError, match="not an image"):
        decode(_saved(image_format))


def test_a_postscript_featured_image_gives_the_fallback_card_not_an_internal_error(tmp_path):
    content = site(tmp_path, posts=0)
    (content / "cover.jpg").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    (content / "post.md").write_text(POST.format(n=1).replace("title:", "featured_image: cover.jpg\ntitle:"))
    done = quotecards("render", "content/post.md", "--out", "out", "--platform", "og", "--offline", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "PostScript, which quotecards does not read" in done.stderr + done.stdout
    record = json.loads((tmp_path / "out/manifest.json").read_text())["cards"][0]
    assert record["image"] == "fallback"


# -- symbolic links in the content tree ---------------------------------------------------------

def test_links_out_of_the_content_tree_are_not_followed(tmp_path):
    content = site(tmp_path)
    beside = tmp_path / "beside"
    beside.mkdir()
    (beside / "elsewhere.md").write_text(POST.format(n=9))
    (content / "x").symlink_to(beside)
    (content / "root").symlink_to("/")
    (content / "lone.md").symlink_to(beside / "elsewhere.md")
    inside = content / "real"
    inside.mkdir()
    (inside / "deep.md").write_text(POST.format(n=3))
    (inside / "loop").symlink_to(content)  # back up the tree
    (content / "alias").symlink_to(inside)  # a second name for a folder inside
    found = [p.relative_to(content).as_posix() for p in discover(content)]
    assert found == ["alias/deep.md", "post-0.md", "post-1.md"]


def test_a_folder_nested_past_pythons_recursion_limit_is_walked(tmp_path):
    folder = deep = tmp_path / "content"
    folder.mkdir()
    for _ in range(1500):  # past Python's recursion limit, within the system's longest path
        deep = deep / "d"
        deep.mkdir()
    (deep / "post.md").write_text(POST.format(n=1))
    try:
        assert [p.name for p in discover(folder)] == ["post.md"]
    finally:  # bottom up: shutil.rmtree (pytest's clean-up) recurses a frame a folder
        (deep / "post.md").unlink()
        while deep != folder:
            deep.rmdir()
            deep = deep.parent


# -- the preview's public-address rule and the shared cache -------------------------------------

def test_a_public_only_run_keeps_its_own_cache(tmp_path):
    shared = FetchOptions(cache_dir=tmp_path / "cache")
    public = FetchOptions(cache_dir=tmp_path / "cache", public_only=True)
    caches = [open_session(o).get_adapter("http://cards.invalid/").cache.directory for o in (shared, public)]  # type: ignore[attr-defined]
    assert Path(caches[0]) == tmp_path / "cache"
    assert Path(caches[1]) == tmp_path / "cache" / PUBLIC_ONLY_CACHE


@pytest.mark.parametrize(("address", "public"), [
    ("64:ff9b::7f00:1", False), ("64:ff9b::a9fe:a9fe", False), ("64:ff9b:1::a00:1", False),
    ("2002:7f00:1::", False), ("2002:a9fe:a9fe::1", False), ("::127.0.0.1", False), ("::10.0.0.1", False),
    ("::ffff:0:127.0.0.1", False), ("::ffff:127.0.0.1", False), ("::1", False), ("::", False),
    ("64:ff9b::808:808", True), ("2002:808:808::1", True), ("2606:4700:4700::1111", True), ("8.8.8.8", True),
])
def test_ipv6_forms_that_carry_an_ipv4_address_are_judged_by_it(address, public):
    assert is_public(address) is public


@pytest.mark.system("hugo")
def test_a_post_reached_by_a_link_too_is_one_post_and_a_second_run_changes_nothing(tmp_path):
    site = tmp_path / "site"
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://news.invalid/"\ntitle = "T"\n')
    (posts / "real.md").write_text(POST.format(n=1))
    (posts / "link.md").symlink_to("real.md")
    assert [p.name for p in discover(site / "content")] == ["link.md"]
    first = quotecards("hugo", ".", "--front-matter", "--offline", cwd=site)
    assert first.returncode == 0, first.stderr
    assert "front matter: 1 added" in first.stdout
    text = (posts / "real.md").read_text()
    second = quotecards("hugo", ".", "--front-matter", "--offline", cwd=site)
    assert "front matter: 1 kept" in second.stdout, second.stdout
    assert (posts / "real.md").read_text() == text and (posts / "link.md").is_symlink()
