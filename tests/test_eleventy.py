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
    # The input folder is the site's root, which holds the state folder: no gallery page there for
    # Eleventy to take for a template and publish.
    assert not (root / ".quotecards/index.html").exists() and not (root / "_site/.quotecards").exists()
    for page in ("posts/launch/index.html", "posts/kyoto/index.html", "index.html"):
        html = (root / "_site" / page).read_text("utf-8")
        image = re.search(r'<meta property="og:image" content="([^"]+)"', html)
        assert image is not None and image.group(1).startswith(BASE + "assets/quotecards/og/"), html
        assert (root / "_site" / image.group(1)[len(BASE):].split("?")[0]).is_file()
        assert 'twitter:card" content="summary_large_image"' in html
    cards = json.loads((root / ".quotecards/manifest.json").read_text())["cards"]
    assert next(c for c in cards if c["post"].endswith("launch.md"))["image"] == "photo"  # /images/… found


# A site made as eleventy-base-blog v9 is: its config (input folder, includes and data beside it,
# the drafts preprocessor), its directory data files and its ---js front matter.
BASE_BLOG_CONFIG = """export default async function(eleventyConfig) {
	// Drafts, see also _data/eleventyDataSchema.js
	eleventyConfig.addPreprocessor("drafts", "*", (data, content) => {
		if (data.draft && process.env.ELEVENTY_RUN_MODE === "build") {
			return false;
		}
	});
	eleventyConfig.addPassthroughCopy({ "./public/": "/" });
};

export const config = {
	templateFormats: ["md", "njk", "html", "liquid", "11ty.js"],
	markdownTemplateEngine: "njk",
	htmlTemplateEngine: "njk",
	dir: {
		input: "content",          // default: "."
		includes: "../_includes",  // default: "_includes" (`input` relative)
		data: "../_data",          // default: "_data" (`input` relative)
		output: "_site"
	},
};
"""
BASE_BLOG = {
    "eleventy.config.js": BASE_BLOG_CONFIG,
    "package.json": '{"name": "blog", "type": "module", "private": true}\n',
    "README.md": "# eleventy-base-blog v9\n\nThe project's readme: no page.\n",
    "_data/metadata.js": 'export default { title: "Blog Title", url: "https://example.org/" };\n',
    "_includes/layouts/base.njk": ('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                                   "<title>{{ title or metadata.title }}</title>\n"
                                   '{% include "quotecards.njk" %}\n</head>\n<body>{{ content | safe }}</body>\n</html>\n'),
    "_includes/layouts/home.njk": "---\nlayout: layouts/base.njk\n---\n{{ content | safe }}\n",
    "_includes/layouts/post.njk": "---\nlayout: layouts/base.njk\n---\n<h1>{{ title }}</h1>\n{{ content | safe }}\n",
    "content/content.11tydata.js": 'export default {\n\tlayout: "layouts/home.njk",\n};\n',
    "content/blog/blog.11tydata.js": 'export default {\n\ttags: [\n\t\t"posts"\n\t],\n\t"layout": "layouts/post.njk",\n};\n',
    # Statements in ---js, as Eleventy 3 reads them.
    "content/blog/firstpost.md": ('---js\nconst title = "This is my first post.";\n'
                                  'const description = "A post in JavaScript front matter.";\n'
                                  'const date = new Date("2018-05-01");\n'
                                  'const featured_quote = {\n\tquote: "We built the pad in a year.",\n'
                                  '\tsummary: "Launch director",\n};\n'
                                  "const eleventyComputed = {\n\tpermalink: (data) => `/blog/${data.page.fileSlug}/`,\n};\n"
                                  "---\nBody.\n"),
    # The older ---js form: one object literal.
    "content/blog/secondpost.md": '---js\n{\n  title: "This is my second post.",\n  tags: ["number two"],\n}\n---\nBody.\n',
    "content/blog/thirdpost.md": ('---json\n{"title": "This is my third post.", "featured_image": "/img/rocket.jpg",'
                                  ' "date": "2018-08-24"}\n---\nBody.\n'),
    # Directory data that sets nothing odd.
    "content/blog/fourthpost/fourthpost.md": "---\ntitle: This is my fourth post.\ndate: 2018-09-30\n---\nBody.\n",
    "content/blog/wip.md": "---\ntitle: Work in progress\ndraft: true\n---\nNot yet.\n",
    "content/blog/drafts/drafts.11tydata.json": '{"draft": true}\n',
    "content/blog/drafts/unfinished.md": "---\ntitle: Unfinished\n---\nA draft by its folder's data.\n",
    "content/hidden.md": "---\ntitle: Hidden\npermalink: false\n---\nNo page.\n",
    "content/404.md": "---\npermalink: 404.html\neleventyExcludeFromCollections: true\n---\n# Content not found.\n",
    "content/sitemap.xml.njk": ('---\npermalink: /sitemap.xml\nlayout: false\neleventyExcludeFromCollections: true\n---\n'
                                '<?xml version="1.0" encoding="utf-8"?>\n<urlset></urlset>\n'),
    "content/index.njk": ('---js\nconst title = "Blog Title";\nconst eleventyNavigation = {\n\tkey: "Home",\n\torder: 1\n};\n'
                          "const numberOfLatestPostsToShow = 3;\n---\n<h1>Latest posts</h1>\n"
                          "{% for post in collections.posts %}<a href=\"{{ post.url }}\">{{ post.data.title }}</a>{% endfor %}\n"),
    "content/about.md": '---js\nconst title = "About";\nconst eleventyNavigation = { key: "About", order: 3 };\n---\nI write.\n',
}


def base_blog(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    for name, text in BASE_BLOG.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    (root / "public/img").mkdir(parents=True)
    shutil.copy(ROOT / "samples/images/rocket.jpg", root / "public/img/rocket.jpg")
    return root


def test_a_site_made_like_eleventy_base_blog_gets_one_card_per_page_and_none_for_the_rest(tmp_path):
    root = base_blog(tmp_path)
    done = subprocess.run([sys.executable, "-m", "quotecards", "eleventy", str(root), "--base-url", BASE, "--no-store"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("11 posts: 6 cards made, 0 reused, 0 failed, skipped: 2 draft, 1 error page, 1 not HTML, "
            "1 not rendered;") in done.stdout
    assert "warning" not in done.stderr and "error" not in done.stderr
    data = json.loads((root / "_data/quotecards.json").read_text())
    keys = {"./content/index.njk", "./content/about.md", *(f"./content/blog/{p}" for p in (
        "firstpost.md", "secondpost.md", "thirdpost.md", "fourthpost/fourthpost.md"))}
    assert set(data) == keys  # Eleventy's page.inputPath, the input folder in it
    assert (root / "_includes/quotecards.njk").is_file() and not (root / "content/_includes").exists()
    built = subprocess.run(["eleventy"], cwd=root, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    site = root / "_site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    # No page for the drafts (the preprocessor), permalink: false, nor the readme outside the input folder.
    assert pages == ["404.html", "about/index.html", "blog/firstpost/index.html", "blog/fourthpost/index.html",
                     "blog/secondpost/index.html", "blog/thirdpost/index.html", "index.html"]
    images = []
    for page in pages:
        html = (site / page).read_text("utf-8")
        og = re.findall(r'<meta property="og:image" content="([^"]+)"', html)
        if page == "404.html":
            assert og == [] and "twitter:" not in html
            continue
        assert len(og) == 1 and og[0].startswith(BASE + "assets/quotecards/og/"), (page, html)
        assert (site / og[0][len(BASE):].split("?")[0]).is_file()
        assert re.findall(r'<meta name="twitter:card" content="([^"]+)"', html) == ["summary_large_image"]
        assert re.findall(r'<meta name="twitter:image" content="([^"]+)"', html) == og
        assert re.findall(r'<meta property="og:url" content="([^"]+)"', html) == [BASE + page.removesuffix("index.html")]
        images.append(og[0])
    assert sorted(images) == sorted(entry["image"] for entry in data.values())  # each page its own card
    checked = subprocess.run([sys.executable, "-m", "quotecards", "check", str(site)], capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0 and checked.stdout.endswith("; 0 problems\n"), checked.stdout + checked.stderr
    first = (site / "blog/firstpost/index.html").read_text("utf-8")
    assert '<meta property="og:description" content="A post in JavaScript front matter.">' in first
    cards = json.loads((root / ".quotecards/manifest.json").read_text())["cards"]
    by_page = {Path(c["post"]).relative_to(root / "content").as_posix(): c for c in cards}
    assert by_page["blog/firstpost.md"]["kind"] == "quote"
    assert by_page["blog/thirdpost.md"]["image"] == "photo"  # /img/… served from public/
    # Sections are the folders below the input folder: a top-level page has none (not "Content").
    for name in ("about.md", "index.njk"):
        assert "section" not in by_page[name]["text_boxes"], by_page[name]
    again = subprocess.run([sys.executable, "-m", "quotecards", "eleventy", str(root), "--base-url", BASE, "--no-store"],
                           capture_output=True, text=True, timeout=300)
    assert "11 posts: 0 cards made, 6 reused, 0 failed, skipped: 2 draft" in again.stdout, again.stdout


def test_without_a_base_url_the_cards_start_at_the_root_and_the_command_says_so(tmp_path):
    root = site(tmp_path)
    done = subprocess.run([sys.executable, "-m", "quotecards", "eleventy", str(root), "--no-store"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: no --base-url: the cards' URLs start at / and og:image wants an absolute URL; "
        "pass --base-url with the site's own address"]
    data = json.loads((root / "_data/quotecards.json").read_text())
    assert data["./index.md"]["image"].startswith("/assets/quotecards/og/") and data["./index.md"]["site_url"] == ""


def test_a_liquid_layout_and_a_config_returning_dir_by_shorthand(tmp_path):
    """`return { dir }` names the folders as `dir: {…}` does; a Liquid layout takes the Liquid include."""
    root = tmp_path / "liquid"
    (root / "src/_includes").mkdir(parents=True)
    (root / ".eleventy.js").write_text('module.exports = function(eleventyConfig) {\n'
                                       '  const dir = { input: "src", output: "dist" };\n  return { dir };\n};\n')
    (root / "README.md").write_text("# Not a page: outside the input folder\n")
    (root / "src/_includes/base.liquid").write_text(
        '<!doctype html><html><head><title>{{ title }}</title>{% include "quotecards.liquid" %}</head>'
        "<body>{{ content }}</body></html>\n")
    (root / "src/ferry.md").write_text("---\nlayout: base.liquid\ntitle: The ferry returns\n---\nBody.\n")
    done = subprocess.run([sys.executable, "-m", "quotecards", "eleventy", str(root), "--base-url", BASE,
                           "--no-store", "--offline"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "1 posts: 1 cards made" in done.stdout, done.stdout + done.stderr
    assert "your layouts include quotecards' tags" in done.stdout
    subprocess.run(["eleventy", "--quiet"], cwd=root, check=True, capture_output=True, timeout=300)
    html = (root / "dist/ferry/index.html").read_text()
    assert html.count('property="og:image"') == 1 and 'content="The ferry returns"' in html
    checked = subprocess.run([sys.executable, "-m", "quotecards", "check", str(root / "dist")], capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout
