"""A real MkDocs site with `plugins: [quotecards]` in its mkdocs.yml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

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
