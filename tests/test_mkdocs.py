"""A real MkDocs site with `plugins: [quotecards]` in its mkdocs.yml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.system("fonts-noto-cjk")
SITE_URL = "https://example.org/docs/"


def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "docs" / "guide").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(f"site_name: Field Guide\nsite_url: {SITE_URL}\nplugins:\n  - quotecards\n")
    (root / "docs" / "index.md").write_text("# Welcome\n\nNo front matter at all: the heading is the title.\n")
    (root / "docs" / "guide" / "writing.md").write_text(
        "---\nfeatured_quote:\n  quote: Documentation is a love letter to your future self.\n"
        "  summary: Damian Conway\n---\n# Writing docs\n\nText.\n")
    (root / "docs" / "ja.md").write_text("---\ntitle: 京都の図書館\nlang: ja\n---\n本文。\n", "utf-8")
    return root


def mkdocs_build(root: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stderr  # MkDocs logs there


def og_images(root: Path) -> dict[str, str]:
    found = {}
    for page in ("index.html", "guide/writing/index.html", "ja/index.html"):
        image = re.search(r'<meta property="og:image" content="([^"]+)"', (root / "site" / page).read_text("utf-8"))
        assert image is not None, page
        found[page] = image.group(1)
    return found


def test_every_page_gets_a_card_and_a_rebuild_takes_them_from_the_store(tmp_path):
    root = site(tmp_path)
    log = mkdocs_build(root)
    assert "quotecards: 3 cards made, 0 from the store" in log
    images = og_images(root)
    cards = {}
    for page, url in images.items():
        assert url.startswith(SITE_URL + "assets/quotecards/og/"), url
        cards[page] = (root / "site" / url[len(SITE_URL):].split("?")[0]).read_bytes()
    html = (root / "site/guide/writing/index.html").read_text("utf-8")
    assert 'og:image:alt" content="Quote: Documentation is a love letter to your future self. — Damian Conway"' in html
    assert 'name="twitter:card" content="summary_large_image"' in html
    # MkDocs empties site/ on every build: the cards come back from the store, the same bytes.
    again = mkdocs_build(root)
    assert "quotecards: 0 cards made, 3 from the store" in again
    assert og_images(root) == images
    for page, url in images.items():
        assert (root / "site" / url[len(SITE_URL):].split("?")[0]).read_bytes() == cards[page]
    # An edited page is drawn again, and only that one.
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("# Welcome", "# Welcome aboard"))
    assert "quotecards: 1 cards made, 2 from the store" in mkdocs_build(root)


def test_a_page_whose_card_cannot_be_made_is_one_warning_and_the_site_builds(tmp_path):
    root = site(tmp_path)
    (root / "docs" / "odd.md").write_text("---\nquotecard: {layout: nonexistent}\n---\n# Odd\n")
    Image.new("RGB", (1, 700), (200, 60, 40)).save(root / "docs" / "strip.png")
    (root / "docs" / "strip.md").write_text("---\nfeatured_image: strip.png\n---\n# A strip of a photo\n")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING") and "quotecards" in line]
    assert len(warnings) == 1 and f"{root / 'docs' / 'odd.md'}: layout: no layout named 'nonexistent'" in warnings[0]
    assert "quotecards: 4 cards made" in done.stderr
    og_images(root)  # the other pages have their cards
    assert 'property="og:image"' in (root / "site" / "strip" / "index.html").read_text("utf-8")
    assert 'property="og:image"' not in (root / "site" / "odd" / "index.html").read_text("utf-8")


def test_a_bug_on_one_page_is_a_warning_naming_it_and_the_site_builds(tmp_path, monkeypatch, caplog):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from quotecards.sites import mkdocs as plugin

    real = plugin.render_post

    def render_post(post, ctx, slug=None):
        if post.source.name == "index.md":
            raise RuntimeError("a bug")
        return real(post, ctx, slug)

    root = site(tmp_path)
    monkeypatch.setattr(plugin, "render_post", render_post)
    build(load_config(str(root / "mkdocs.yml")))
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [f"quotecards: {root / 'docs' / 'index.md'}: internal error: RuntimeError: a bug"]
    assert (root / "site" / "index.html").exists() and (root / "site" / "ja" / "index.html").exists()
    assert 'property="og:image"' in (root / "site" / "guide" / "writing" / "index.html").read_text("utf-8")


def test_a_site_setting_quotecards_cannot_use_is_mkdocs_one_error_line(tmp_path):
    root = site(tmp_path)
    (root / "fonts").mkdir()
    (root / "fonts" / "x.ttf").write_bytes(b"not a font at all" * 100)
    (root / "quotecards.toml").write_text('font_dirs = ["fonts"]\n')
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and f"quotecards: {root / 'fonts' / 'x.ttf'}: font_dirs: not a font" in errors[0], errors


def test_each_page_has_a_card_of_its_own_name(tmp_path):
    """Names that would be one (guide/install.md and guide-install.md; pages named in other
    scripts) each get their own card, numbered the same way every build."""
    root = site(tmp_path)
    (root / "docs/guide/install.md").write_text("# Install\n")
    (root / "docs/guide-install.md").write_text("# Install, the short way\n")
    (root / "docs/日本.md").write_text("# 日本\n", "utf-8")
    (root / "docs/страница.md").write_text("# Страница\n", "utf-8")
    mkdocs_build(root)
    cards = {p.name for p in (root / "site/assets/quotecards/og").iterdir()}
    assert cards == {"index.png", "guide-writing.png", "ja.png", "guide-install.png", "guide-install-2.png",
                     "日本.png", "страница.png"}, cards
    first = {p.name: p.read_bytes() for p in (root / "site/assets/quotecards/og").iterdir()}
    mkdocs_build(root)
    assert {p.name: p.read_bytes() for p in (root / "site/assets/quotecards/og").iterdir()} == first
