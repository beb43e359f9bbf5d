"""A real Eleventy site (npm's @11ty/eleventy) built with quotecards' cards."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.system("eleventy")
BASE = "https://example.org/"


def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for folder in ("posts", "_includes", "images", "node_modules/some-package"):
        (root / folder).mkdir(parents=True)
    (root / "_includes" / "base.njk").write_text(
        '<!doctype html><html><head><title>{{ title }}</title>{% include "quotecards.njk" %}</head>'
        "<body>{{ content | safe }}</body></html>\n")
    shutil.copy(ROOT / "samples/images/rocket.jpg", root / "images/rocket.jpg")
    (root / "posts" / "launch.md").write_text(
        "---\nlayout: base.njk\ntitle: Launch day\nfeatured_image: /images/rocket.jpg\n"
        "featured_quote:\n  quote: We built the pad in a year.\n  summary: Launch director\n---\nBody.\n", "utf-8")
    (root / "posts" / "kyoto.md").write_text(
        "---\nlayout: base.njk\ntitle: 京都\nlang: ja\nfeatured_quote: 本は、静かな場所で読みたい。\n---\n本文。\n", "utf-8")
    (root / "index.md").write_text("---\nlayout: base.njk\ntitle: Home\n---\nWelcome.\n", "utf-8")
    # Not pages: a package's readme, and the layouts' folder.
    (root / "node_modules/some-package/README.md").write_text("# a package\n")
    (root / "_includes" / "notes.md").write_text("---\ntitle: not a page\n---\n")
    return root


def test_every_page_gets_its_card_through_the_data_file_and_include(tmp_path):
    root = site(tmp_path)
    done = subprocess.run([sys.executable, "-m", "quotecards", "eleventy", str(root), "--base-url", BASE,
                           "--no-store"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 posts: 3 cards made" in done.stdout
    data = json.loads((root / "_data/quotecards.json").read_text())
    assert set(data) == {"./posts/launch.md", "./posts/kyoto.md", "./index.md"}
    subprocess.run(["eleventy", "--quiet"], cwd=root, check=True, capture_output=True, timeout=300)
    for page in ("posts/launch/index.html", "posts/kyoto/index.html", "index.html"):
        html = (root / "_site" / page).read_text("utf-8")
        image = re.search(r'<meta property="og:image" content="([^"]+)"', html)
        assert image is not None and image.group(1).startswith(BASE + "assets/quotecards/og/"), html
        assert (root / "_site" / image.group(1)[len(BASE):].split("?")[0]).is_file()
        assert 'twitter:card" content="summary_large_image"' in html
    cards = json.loads((root / ".quotecards/manifest.json").read_text())["cards"]
    assert next(c for c in cards if c["post"].endswith("launch.md"))["image"] == "photo"  # /images/… found
