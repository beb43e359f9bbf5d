"""No input makes a run wait for ever or work without end: files that are not regular files,
files far larger than a post or a photo, and text fields far longer than a card holds. Each
case once hung a run, used gigabytes, or took seconds a card."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotecards.errors import PostError
from quotecards.sources.post import MAX_FIELD_CHARS, MAX_POST_BYTES, read_post

POST = "---\ntitle: T\nfeatured_quote:\n  quote: A quote worth a card.\n  summary: Someone\n---\n"


def quotecards(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # A run that hangs is the failure these tests look for: the timeout only bounds it.
    return subprocess.run([sys.executable, "-m", "quotecards", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_a_fifo_as_a_post_is_one_error_line_not_a_hang(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.md").write_text(POST)
    os.mkfifo(content / "pipe.md")
    done = quotecards("render", "content/good.md", "content/pipe.md", "--out", "out", "--offline", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "content/pipe.md: file: cannot read it (not a regular file" in done.stderr
    assert "1 cards written" in done.stderr + done.stdout
    built = quotecards("build", "content", "--out", "built", "--offline", "--jobs", "1", cwd=tmp_path)
    assert built.returncode == 0 and "1 posts: 1 cards made" in built.stdout  # the walk takes regular files only


def test_a_device_linked_as_a_post_is_refused_without_reading_it(tmp_path):
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    with pytest.raises(PostError, match="not a regular file"):
        read_post(tmp_path / "zero.md")


def test_a_huge_sparse_post_is_refused_after_reading_no_more_than_the_bound(tmp_path):
    post = tmp_path / "huge.md"
    with open(post, "wb") as handle:
        handle.write(POST.encode())
        handle.truncate(2 * 1024 ** 3)  # 2 GB, sparse: costs no disk
    with pytest.raises(PostError, match=f"larger than {MAX_POST_BYTES:,} bytes"):
        read_post(post)


def test_a_fifo_as_a_local_image_gives_the_fallback_card(tmp_path):
    os.mkfifo(tmp_path / "photo.jpg")
    (tmp_path / "post.md").write_text(POST.replace("title: T", "title: T\nfeatured_image: photo.jpg"))
    done = quotecards("render", "post.md", "--out", "out", "--offline", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "photo.jpg: not a regular file" in done.stdout + done.stderr
    assert json.loads((tmp_path / "out/manifest.json").read_text())["cards"][0]["image"] == "fallback"


@pytest.mark.parametrize("field", ["title", "description", "citation", "author", "tag", "image_alt"])
def test_every_text_field_that_reaches_a_card_is_bounded(tmp_path, field):
    key = {"citation": "featured_quote:\n  citation", "image_alt": "featured_image:\n  alt"}.get(field, field)
    long = "word " * (MAX_FIELD_CHARS[field] // 5 + 10)
    text = POST.replace("title: T\n", "" if field == "title" else "title: T\n")
    if field == "citation":
        text = text.replace("  summary: Someone\n", f"  summary: Someone\n  citation: {long}\n")
    elif field == "image_alt":
        text = text.replace("---\ntitle", f"---\nfeatured_image:\n  image: x.jpg\n  alt: {long}\ntitle", 1)
    else:
        text = text.replace("---\n", f"---\n{key}: {long}\n", 1)
    (tmp_path / "post.md").write_text(text)
    with pytest.raises(PostError, match="a card holds at most"):
        read_post(tmp_path / "post.md")
