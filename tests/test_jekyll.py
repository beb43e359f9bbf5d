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


# -- a site made like `jekyll new` with minima: .markdown posts, seo-tag in the head ----------

MINIMA_LIKE_HEAD = "<meta charset=\"utf-8\">{%- seo -%}{%- include quotecards.html -%}"


def minima_like(tmp_path: Path, head: str = MINIMA_LIKE_HEAD, plugins: str = "plugins:\n  - jekyll-seo-tag\n") -> Path:
    """A site as `jekyll new` makes it (its starter post is .markdown), with the things real
    archives have: posts without a title (Jekyll takes it from the file name), a future post, an
    unpublished one, a draft, a category's own _posts, a collection, front-matter defaults, a
    site-wide image that jekyll-seo-tag would show on every page."""
    root = tmp_path / "minima-like"
    for folder in ("_posts", "_drafts", "_layouts", "news/_posts", "_recipes", "_notes", "assets/images"):
        (root / folder).mkdir(parents=True)
    (root / "_config.yml").write_text(
        f"title: Harbour Times\ndescription: News from the harbour.\nurl: https://example.org\nimage: /assets/images/site.png\n"
        f"{plugins}collections:\n  recipes: {{output: true}}\n  notes: {{output: false}}\n"
        "defaults:\n  - scope: {path: ''}\n    values: {layout: default}\n"
        "  - scope: {path: '', type: recipes}\n    values: {section: Recipes}\n")
    (root / "_layouts/default.html").write_text(
        f"<!doctype html><html><head>{head}</head><body>{{{{ content }}}}</body></html>\n")
    (root / "_layouts/post.html").write_text("---\nlayout: default\n---\n<article>{{ content }}</article>\n")
    shutil.copy(ROOT / "samples/images/rocket.jpg", root / "assets/images/rocket.jpg")
    posts = {
        "_posts/2024-05-01-welcome-to-jekyll.markdown": "---\nlayout: post\ncategories: jekyll update\n---\nWelcome.\n",
        "_posts/2024-05-02-launch.md": "---\ntitle: Launch day\nimage: /assets/images/rocket.jpg\nfeatured_quote:\n"
                                       "  quote: We built the pad in a year.\n  summary: Launch director\n---\nBody.\n",
        "_posts/2024-05-03-ferry-returns.mkdn": "---\ndescription: The harbour ferry sails again.\n---\nBody.\n",
        "_posts/2024-05-04-html-post.html": "---\ntitle: An HTML post\n---\n<p>Body.</p>\n",
        "_posts/2024-05-05-no-front-matter.md": "A post all the same, its title from its name.\n",
        "_posts/notes-without-a-date.md": "---\ntitle: Not a post: no date in its name\n---\n",
        "_posts/2999-01-01-from-the-future.md": "---\ntitle: Tomorrow\n---\n",
        "_posts/2024-05-06-held-back.md": "---\ntitle: Held\npublished: false\n---\n",
        "_drafts/a-draft.md": "---\ntitle: Draft\n---\n",
        "news/_posts/2024-05-07-council-budget.markdown": "---\ntitle: Council budget\n---\nBody.\n",
        "_recipes/fish-stew.md": "---\ntitle: Fish stew\n---\nCook it.\n",
        "_notes/private.md": "---\ntitle: Not written out\n---\n",
        "index.markdown": "---\nlayout: default\n---\nHome.\n",  # no title: the site's, as seo-tag shows it
        "about.markdown": "---\ntitle: About\npermalink: /about/\n---\nAbout us.\n",
        "404.html": "---\npermalink: /404.html\n---\nNot here.\n",
        "README.md": "# A readme, no front matter: not a page\n",
    }
    for path, text in posts.items():
        (root / path).write_text(text, "utf-8")
    return root


PAGES_WITH_CARDS = {"_posts/2024-05-01-welcome-to-jekyll.markdown", "_posts/2024-05-02-launch.md",
                    "_posts/2024-05-03-ferry-returns.mkdn", "_posts/2024-05-04-html-post.html",
                    "_posts/2024-05-05-no-front-matter.md",
                    "news/_posts/2024-05-07-council-budget.markdown", "_recipes/fish-stew.md", "index.markdown",
                    "about.markdown"}


def share_tags(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html):
        found.setdefault(key, []).append(value)
    return found


@pytest.mark.parametrize("with_seo", [True, False])
def test_every_page_jekyll_renders_gets_one_set_of_tags_with_our_card(tmp_path, with_seo):
    root = minima_like(tmp_path) if with_seo else minima_like(tmp_path, "{% include quotecards.html %}", "")
    done = quotecards_jekyll(root)
    assert "11 posts: 9 cards made, 0 reused, 0 failed, skipped: 1 draft, 1 future;" in done.stdout, done.stdout
    data = json.loads((root / "_data/quotecards.json").read_text())
    assert set(data) == PAGES_WITH_CARDS
    cards = {Path(c["post"]).relative_to(root).as_posix(): c
             for c in json.loads((root / ".quotecards/manifest.json").read_text())["cards"]}
    # Titles and dates from file names, as Jekyll makes them; the home page has the site's title.
    assert cards["_posts/2024-05-01-welcome-to-jekyll.markdown"]["lines"] == ["Welcome To Jekyll"]
    assert cards["_posts/2024-05-03-ferry-returns.mkdn"]["lines"][0].startswith("Ferry Returns")
    assert cards["index.markdown"]["lines"] == ["Harbour Times"]
    # The kicker is the post's first category as Jekyll counts them (a folder above _posts, else
    # its own, words in a string), never the _posts folder.
    from quotecards.sites.jekyll_pages import WORD_LISTS, read_jekyll
    from quotecards.sources.post import ReadOptions, read_post

    site = read_jekyll(root)
    reading = ReadOptions(inherited=site.inherited, bare_files=True, content_dir=root, word_lists=WORD_LISTS)
    sections = {page: read_post(root / page, reading).section for page in cards}
    assert sections["_posts/2024-05-01-welcome-to-jekyll.markdown"] == "jekyll"
    assert sections["news/_posts/2024-05-07-council-budget.markdown"] == "news"
    assert sections["_recipes/fish-stew.md"] == "Recipes"  # from the defaults, as the site set it
    assert not any(str(section).startswith("_") for section in sections.values()), sections
    built = {}
    subprocess.run([JEKYLL, "build", "--source", str(root), "--destination", str(root / "_site"), "--quiet"],
                   check=True, capture_output=True, timeout=300)
    for page in sorted((root / "_site").rglob("*.html")):
        if page.name == "404.html":
            continue
        tags = share_tags(page.read_text("utf-8"))
        for key in ("og:image", "twitter:image", "twitter:card", "og:image:alt", "og:title", "og:url"):
            assert len(tags.get(key, [])) == 1, (page, key, tags)
        assert tags["twitter:card"] == ["summary_large_image"], page
        assert tags["og:image"][0].startswith("https://example.org/assets/quotecards/og/"), page
        assert (root / "_site" / tags["og:image"][0].split("example.org/", 1)[1].split("?")[0]).is_file()
        built[page.relative_to(root / "_site").as_posix()] = tags
    assert len(built) == len(PAGES_WITH_CARDS)  # every page Jekyll wrote, and only those, has a card
    checked = subprocess.run([sys.executable, "-m", "quotecards", "check", str(root / "_site")], capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0 and checked.stdout.endswith("; 0 problems\n"), checked.stdout + checked.stderr
    assert not any("future" in page or "held" in page or "draft" in page or "private" in page for page in built)


def test_jekylls_finer_rules_collections_dir_exclude_defaults_and_dates(tmp_path):
    """What a hostile reading of Jekyll's rules found, each as Jekyll 4.3 builds it."""
    root = tmp_path / "finer"
    write = {
        "_config.yml": "title: T\nurl: https://example.org\ncollections_dir: my_coll\n"
                       "collections:\n  recipes: {output: true}\nexclude: [old/archive, 'drafts*']\n"
                       "defaults:\n  - scope: {path: '', type: posts}\n    values: {author: Type Author}\n"
                       "  - scope: {path: ''}\n    values: {author: Plain Author}\n"
                       "  - scope: {path: 'docs/*/index.md'}\n    values: {description: One level down}\n",
        "_layouts/default.html": "<html><head>{% include quotecards.html %}</head><body>{{ content }}</body></html>\n",
        "my_coll/_posts/2024-2-3-short-date.md": "---\nlayout: default\n---\nA post dated 2024-2-3.\n",
        "my_coll/_recipes/soup.md": "---\nlayout: default\ntitle: Soup\n---\n",
        "_posts/2024-05-01-ignored.md": "---\ntitle: Jekyll reads _posts from collections_dir only\n---\n",
        "old/archive/_posts/2020-01-01-old.md": "---\ntitle: Old\n---\n",
        "drafts-x/_posts/2020-01-02-x.md": "---\ntitle: X\n---\n",
        "docs/a/index.md": "---\nlayout: default\ntitle: A\n---\n",
        "docs/a/b/index.md": "---\nlayout: default\ntitle: B\n---\n",
    }
    for path, text in write.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    from quotecards.sites.jekyll_pages import read_jekyll

    site = read_jekyll(root)
    assert sorted(site.page_path(p) for p in site.pages) == ["_posts/2024-2-3-short-date.md", "_recipes/soup.md",
                                                              "docs/a/b/index.md", "docs/a/index.md"]
    post = root / "my_coll/_posts/2024-2-3-short-date.md"
    assert site.inherited.under(post, {})["date"] == "2024-02-03"
    assert site.inherited.under(post, {})["author"] == "Type Author"  # the typed scope wins at equal length
    assert site.inherited.under(root / "docs/a/index.md", {})["description"] == "One level down"
    assert "description" not in site.inherited.under(root / "docs/a/b/index.md", {})  # * stays in one folder
    done = quotecards_jekyll(root)
    assert "4 posts: 4 cards made" in done.stdout, done.stdout
    subprocess.run([JEKYLL, "build", "--source", str(root), "--destination", str(root / "_site"), "--quiet"],
                   check=True, capture_output=True, timeout=300)
    checked = subprocess.run([sys.executable, "-m", "quotecards", "check", str(root / "_site")], capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0 and "4 with a card, 0 without" in checked.stdout, checked.stdout


def test_a_site_without_url_or_seo_tag_is_told_what_to_set(tmp_path):
    root = minima_like(tmp_path, head="{% include quotecards.html %}", plugins="")
    config = root / "_config.yml"
    config.write_text(config.read_text().replace("url: https://example.org\n", ""))
    done = quotecards_jekyll(root)
    assert "your layouts include _includes/quotecards.html" in done.stdout
    assert "to do: set url: in _config.yml" in done.stdout
    (root / "_layouts/default.html").write_text("<html><head></head><body>{{ content }}</body></html>\n")
    assert "to do: include {% include quotecards.html %}" in quotecards_jekyll(root).stdout
