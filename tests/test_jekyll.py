"""A real Jekyll site (Debian's jekyll, with jekyll-seo-tag) built with quotecards' cards."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JEKYLL = shutil.which("jekyll")
pytestmark = pytest.mark.system("jekyll")


def site(tmp_path: Path, head: str, plugins: str = "") -> Path:
    root = tmp_path / "site"
    for folder in ("_posts", "_layouts", "assets/images"):
        (root / folder).mkdir(parents=True)
    (root / "_config.yml").write_text(f"title: T\nurl: https://example.org\nbaseurl: /news\n{plugins}")
    (root / "_layouts" / "default.html").write_text(
        f"<!doctype html><html><head><title>{{{{ page.title }}}}</title>{head}</head><body>{{{{ content }}}}</body></html>\n")
    shutil.copy(ROOT / "samples/images/rocket.jpg", root / "assets/images/rocket.jpg")
    (root / "_posts" / "2024-05-01-launch.md").write_text(
        "---\nlayout: default\ntitle: Launch day\nfeatured_image: /assets/images/rocket.jpg\n"
        "featured_quote:\n  quote: We built the pad in a year.\n  summary: Launch director\n---\nBody.\n", "utf-8")
    (root / "_posts" / "2024-05-02-kyoto.md").write_text(
        "---\nlayout: default\ntitle: 京都\nlang: ja\nfeatured_quote: 本は、静かな場所で読みたい。\n---\n本文。\n", "utf-8")
    (root / "_posts" / "2024-05-03-own.md").write_text(
        "---\nlayout: default\ntitle: Own image\nimage: /assets/images/rocket.jpg\n---\nNo quote here.\n", "utf-8")
    return root


def quotecards_jekyll(root: Path, *more: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "quotecards", "jekyll", str(root), "--no-store", *more],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def jekyll_build(root: Path) -> dict[str, str]:
    subprocess.run([JEKYLL, "build", "--source", str(root), "--destination", str(root / "_site"), "--quiet"],
                   check=True, capture_output=True, timeout=300)
    found = {}
    for page in (root / "_site").rglob("*.html"):
        image = re.search(r'<meta property="og:image" content="([^"]+)"', page.read_text("utf-8"))
        if image:
            found[page.stem] = image.group(1)
    return found


def served(root: Path, url: str) -> Path:
    """The built file an absolute card URL names."""
    assert url.startswith("https://example.org/news/assets/quotecards/og/"), url
    return root / "_site" / url.split("/news/", 1)[1].split("?")[0]


def test_the_data_file_and_include_give_every_post_its_card(tmp_path):
    root = site(tmp_path, "{% include quotecards.html %}")
    posts_before = {p: p.read_bytes() for p in (root / "_posts").iterdir()}
    done = quotecards_jekyll(root)
    assert "3 cards made" in done.stdout and "3 pages point at a card" in done.stdout
    data = json.loads((root / "_data/quotecards.json").read_text())
    assert set(data) == {f"_posts/{p.name}" for p in posts_before}
    pages = jekyll_build(root)
    assert set(pages) == {"launch", "kyoto", "own"}
    for url in pages.values():
        assert served(root, url).is_file()
    launch = (root / "_site/2024/05/01/launch.html").read_text("utf-8")
    assert 'name="twitter:card" content="summary_large_image"' in launch and 'og:image:width" content="1200"' in launch
    assert {p: p.read_bytes() for p in (root / "_posts").iterdir()} == posts_before  # no post touched
    assert not (root / "_site/.quotecards").exists()  # the state is not published
    # The photo was found from the site's root, as Jekyll serves it: a photo card, not a brand card.
    card = next(c for c in json.loads((root / ".quotecards/manifest.json").read_text())["cards"]
                if c["post"].endswith("launch.md"))
    assert card["image"] == "photo"


def test_front_matter_mode_feeds_jekyll_seo_tag_and_changes_only_that_line(tmp_path):
    root = site(tmp_path, "{% seo %}", plugins="plugins:\n  - jekyll-seo-tag\n")
    launch = root / "_posts/2024-05-01-launch.md"
    before = launch.read_text("utf-8")
    quotecards_jekyll(root, "--front-matter")
    after = launch.read_text("utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(added) == 1 and re.fullmatch(r"image: \"/assets/quotecards/og/[a-z0-9-]+\.png\?v=[0-9a-f]{10}\"", added[0])
    assert after.replace(added[0] + "\n", "") == before
    own = (root / "_posts/2024-05-03-own.md").read_text("utf-8")
    assert "image: /assets/images/rocket.jpg" in own and "quotecards" not in own  # its own image is kept
    pages = jekyll_build(root)
    assert served(root, pages["launch"]).is_file() and served(root, pages["kyoto"]).is_file()
    assert pages["own"] == "https://example.org/news/assets/images/rocket.jpg"
    # A second run reads the card it wrote as the card, not as a photo, and changes nothing.
    again = quotecards_jekyll(root, "--front-matter")
    assert "0 cards made" in again.stdout and launch.read_text("utf-8") == after
