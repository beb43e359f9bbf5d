"""Front-matter edits (`hugo --front-matter`, the preview's Save): one line, in the front matter, or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quotecards.build.batch import BuildOptions
from quotecards.cards import RenderOptions
from quotecards.sites.hugo import hugo_build
from quotecards.sources import frontmatter_edit
from quotecards.sources.fetch import FetchOptions
from quotecards.sources.frontmatter_edit import EditError, set_image, set_quotecard

QUOTE = "featured_quote:\n  quote: Q.\n"


def write(tmp_path: Path, data: bytes | str, name: str = "p.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_an_images_line_in_the_body_is_never_touched(tmp_path):
    body = "Body.\n\n```yaml\nimages: [\"og/x.png?v=1\"]\n```\n"
    own = write(tmp_path, f"---\ntitle: A\nimages:\n  - og/p.png?v=1\n---\n{body}", "own.md")
    before = own.read_bytes()
    assert set_image(own, "og/p.png?v=2") == "own" and own.read_bytes() == before
    fresh = write(tmp_path, f"---\ntitle: A\n{QUOTE}---\n{body}", "fresh.md")
    assert set_image(fresh, "og/p.png?v=2") == "added"
    assert fresh.read_text() == f"---\ntitle: A\n{QUOTE}images: [\"og/p.png?v=2\"]\n---\n{body}"


def test_crlf_yaml_is_edited_with_crlf(tmp_path):
    path = write(tmp_path, b"---\r\ntitle: A\r\nfeatured_quote:\r\n  quote: Q.\r\n---\r\nBody.\r\n")
    assert set_image(path, "og/p.png?v=1") == "added"
    assert path.read_bytes() == b'---\r\ntitle: A\r\nfeatured_quote:\r\n  quote: Q.\r\nimages: ["og/p.png?v=1"]\r\n---\r\nBody.\r\n'
    assert set_image(path, "og/p.png?v=2") == "updated"
    assert path.read_bytes() == b'---\r\ntitle: A\r\nfeatured_quote:\r\n  quote: Q.\r\nimages: ["og/p.png?v=2"]\r\n---\r\nBody.\r\n'


def test_cr_only_toml_is_edited_with_cr(tmp_path):
    path = write(tmp_path, b'+++\rtitle = "A"\r[featured_quote]\rquote = "Q."\r+++\rBody.\r')
    assert set_image(path, "og/p.png?v=1") == "added"
    assert path.read_bytes() == b'+++\rimages = ["og/p.png?v=1"]\rtitle = "A"\r[featured_quote]\rquote = "Q."\r+++\rBody.\r'


@pytest.mark.parametrize("text, words", [
    ("---\ntitle: [broken\n---\n", "front matter does not read"),
    ("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
     + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 12)) + "---\n",
     "aliases expand"),
    (b"---\ntitle: \xff\n---\n", "not UTF-8"),
])
def test_a_post_that_cannot_be_read_is_one_error_line_and_untouched(tmp_path, text, words):
    path = write(tmp_path, text)
    before = path.read_bytes()
    with pytest.raises(EditError) as caught:  # the alias bomb once hung here, comparing its expansion
        set_image(path, "og/p.png?v=1")
    message = str(caught.value)
    assert message.startswith(f"{path}: images: ") and words in message and "\n" not in message
    assert path.read_bytes() == before


def test_mode_owner_and_hard_links_are_kept(tmp_path):
    path = write(tmp_path, f"---\ntitle: A\n{QUOTE}---\n")
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    twin = tmp_path / "twin.md"
    os.link(path, twin)
    assert set_image(path, "og/p.png?v=1") == "added"
    info = path.stat()
    assert info.st_mode & 0o7777 == 0o640 and info.st_nlink == 2
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 2345)
    assert twin.read_text() == path.read_text() and "images:" in twin.read_text()


def test_owner_is_kept_without_a_hard_link_too(tmp_path):
    path = write(tmp_path, f"---\ntitle: A\n{QUOTE}---\n")
    path.chmod(0o604)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    assert set_quotecard(path, "brand", (0.25, 0.5)) == "added"
    info = path.stat()
    assert info.st_mode & 0o7777 == 0o604
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 2345)
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]  # no temporary file left


def test_extended_attributes_are_kept(tmp_path):
    path = write(tmp_path, f"---\ntitle: A\n{QUOTE}---\n")
    try:
        os.setxattr(path, "user.origin", b"imported from wordpress")
    except OSError as exc:  # a file system without user attributes: nothing to keep
        pytest.skip(f"no user.* extended attributes here ({exc.strerror})")
    assert set_image(path, "og/p.png?v=1") == "added"
    assert "images:" in path.read_text() and os.getxattr(path, "user.origin") == b"imported from wordpress"


def test_a_post_changed_since_it_was_read_is_not_overwritten(tmp_path, monkeypatch):
    path = write(tmp_path, f"---\ntitle: A\n{QUOTE}---\n")
    real_check = frontmatter_edit._check

    def meanwhile_the_author_saves(*args):
        real_check(*args)
        path.write_text(f"---\ntitle: B\n{QUOTE}---\nNew paragraph.\n")

    monkeypatch.setattr(frontmatter_edit, "_check", meanwhile_the_author_saves)
    with pytest.raises(EditError, match="changed since quotecards read it"):
        set_image(path, "og/p.png?v=1")
    assert path.read_text() == f"---\ntitle: B\n{QUOTE}---\nNew paragraph.\n"


def test_a_linked_post_is_edited_where_it_lives_and_stays_a_link(tmp_path):
    real = write(tmp_path, f"---\ntitle: A\n{QUOTE}---\n", "real.md")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert set_image(link, "og/p.png?v=1") == "added"
    assert link.is_symlink() and "images:" in real.read_text()


def test_hugo_does_not_edit_a_linked_post_outside_content(tmp_path):
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    outside = write(tmp_path, f"---\ntitle: Outside\n{QUOTE}---\n", "outside.md")
    before = outside.read_bytes()
    (site / "content" / "posts" / "linked.md").symlink_to(outside)
    write(site / "content" / "posts", f"---\ntitle: Inside\n{QUOTE}---\n", "inside.md")
    render = RenderOptions(out_dir=site / "static", fetch=FetchOptions(roots=(site,), cache_dir=None))
    result = hugo_build(site, BuildOptions(render=render, jobs=1, prune=True), front_matter=True)
    assert outside.read_bytes() == before
    # A link out of the content folder is not the site's content: no card, no edit, and said so.
    assert result.summary.skipped == {"links out of the content folder": 1}
    assert not list((site / "static").rglob("linked*.png"))
    assert result.edits == {"added": 1} and "images:" in (site / "content/posts/inside.md").read_text()


def test_a_nested_images_key_before_ours_is_left_alone_and_ours_is_updated(tmp_path):
    text = f"---\ntitle: A\ngallery:\n  images: [one.jpg, two.jpg]\n{QUOTE}images: [\"og/p.png?v=1\"]\n---\nBody.\n"
    path = write(tmp_path, text)
    assert set_image(path, "og/p.png?v=2") == "updated"
    assert path.read_text() == text.replace("?v=1", "?v=2")
    assert set_image(path, "og/p.png?v=2") == "kept"


@pytest.mark.parametrize("empty", ["images:", "images: []", "images: ~", "images: null", 'images: ""'])
def test_a_key_without_a_value_is_filled_in_not_written_twice(tmp_path, empty):
    """Hugo fails the build on a key given twice; a key with nothing in it is the post's
    not having one, so the card goes into that line, and only that line changes."""
    path = write(tmp_path, f"---\ntitle: A\n{empty}\n{QUOTE}---\nBody.\n")
    assert set_image(path, "og/p.png?v=1") == "updated"
    assert path.read_text() == f"---\ntitle: A\n{QUOTE}images: [\"og/p.png?v=1\"]\n---\nBody.\n"
    from quotecards.sources.frontmatter_edit import set_jekyll_image

    jekyll = write(tmp_path, "---\ntitle: A\nimage:\n---\nBody.\n", "j.md")
    assert set_jekyll_image(jekyll, "/assets/quotecards/og/j.png?v=1") == "updated"
    assert jekyll.read_text() == '---\ntitle: A\nimage: "/assets/quotecards/og/j.png?v=1"\n---\nBody.\n'
