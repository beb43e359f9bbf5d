"""A site made like a real MkDocs Material blog, built with the real `mkdocs` and `mkdocs-material`:
its palette, its blog's dates, authors and drafts, a theme override writing its own card tags;
and the <head> edit and the palette table on their own."""

from __future__ import annotations

import colorsys
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from quotecards.sites.mkdocs_head import CardImage, HeadError, PageFacts, with_card_tags
from quotecards.sites.mkdocs_material import PRIMARIES, palette_colors

SITE_URL = "https://example.org/notes/"
CARDS = SITE_URL + "assets/quotecards/og/"
MKDOCS_YML = f"""\
site_name: Field Notes
site_url: {SITE_URL}
site_description: Notes from the field.
theme:
  name: material
  custom_dir: overrides
  palette:
    - primary: teal
      toggle: {{icon: material/brightness-7, name: Dark mode}}
    - scheme: slate
      primary: deep purple
      toggle: {{icon: material/brightness-4, name: Light mode}}
plugins:
  - search
  - blog
  - quotecards
exclude_docs: |
  private.md
draft_docs: |
  wip.md
nav:
  - index.md
  - guide/install.md
  - Blog:
    - blog/index.md
"""
# As themes and sites do: the override's extrahead writes a card of its own, in both spellings.
OVERRIDE = """\
{% extends "base.html" %}
{% block extrahead %}
  <meta property="og:image" content="{{ config.site_url }}assets/social.png">
  <meta property=og:image:width content=1600 />
  <META NAME="twitter:card" CONTENT="summary">
  <meta name='twitter:image' content='{{ config.site_url }}assets/social.png'>
  <!-- <meta property="og:image" content="a comment is no tag"> -->
{% endblock %}
"""
AUTHORS = """\
authors:
  jdoe:
    name: Jane Doe
    description: Writer
    avatar: https://example.org/jane.png
  rkim:
    name: Robin Kim
    description: Editor
    avatar: https://example.org/robin.png
"""
POSTS = {
    "first.md": "---\ndate:\n  created: 2024-01-31\n  updated: 2024-03-02\nauthors:\n  - jdoe\ncategories:\n  - Releases\n"
                "---\n# Version two is out\n\nWhat changed and why.\n\n<!-- more -->\n\nMore.\n",
    "second.md": "---\ndate: 2024-02-10\nauthors: [jdoe, rkim]\nslug: field-trip\ndescription: Out with the maps.\n"
                 "---\n# A field trip\n\nText.\n",
    "third.md": "---\ndate: {created: 2024-02-20}\nauthors: [rkim]\nfeatured_quote:\n"
                "  quote: The map is not the territory.\n  summary: Alfred Korzybski\n---\n# Maps\n\nText.\n",
    "draft.md": "---\ndate: 2024-03-01\ndraft: true\nauthors: [jdoe]\n---\n# Not yet\n\nText.\n",
}
# Every page MkDocs and the blog render, and its card; the draft post, the excluded and the draft doc: none.
PAGES = {
    "index.html": "index.png",
    "guide/install/index.html": "guide-install.png",
    "orphan/index.html": "orphan.png",
    "blog/index.html": "blog-index.png",
    "blog/2024/01/31/version-two-is-out/index.html": "blog-posts-first.png",
    "blog/2024/02/10/field-trip/index.html": "blog-posts-second.png",
    "blog/2024/02/20/maps/index.html": "blog-posts-third.png",
    "blog/archive/2024/index.html": "blog-archive-2024.png",
    "blog/category/releases/index.html": "blog-category-releases.png",
}


def material_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for folder in ("docs/guide", "docs/blog/posts", "overrides"):
        (root / folder).mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "overrides" / "main.html").write_text(OVERRIDE)
    (root / "docs" / "index.md").write_text("# Welcome\n\nThe home page.\n")
    (root / "docs" / "guide" / "install.md").write_text("---\ndescription: How to \"install\" it & run it.\n---\n"
                                                         "# Install\n\nSteps.\n")
    (root / "docs" / "orphan.md").write_text("# Orphan\n\nIn no nav, and still a page of the site.\n")
    (root / "docs" / "private.md").write_text("# Private\n\nExcluded.\n")
    (root / "docs" / "wip.md").write_text("# Work in progress\n\nA draft doc.\n")
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n")
    (root / "docs" / "blog" / ".authors.yml").write_text(AUTHORS)
    for name, text in POSTS.items():
        (root / "docs" / "blog" / "posts" / name).write_text(text)
    return root


def mkdocs_build(root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *flags], cwd=root, capture_output=True,
                          text=True, timeout=300, env=env)


class _Head(HTMLParser):
    """The <meta> tags of a page's <head>, as a browser reads them: each its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.metas: list[dict[str, str]] = []
        self.in_head = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_head = False
        elif tag == "meta" and self.in_head:
            self.metas.append({k: v or "" for k, v in attrs})

    handle_startendtag = handle_starttag


def metas(html: str) -> dict[str, list[str]]:
    """Each Open Graph or Twitter key of a page's <head> → the values given for it."""
    parser = _Head()
    parser.feed(html)
    found: dict[str, list[str]] = {}
    for meta in parser.metas:
        key = meta.get("property") or meta.get("name") or ""
        found.setdefault(key.casefold(), []).append(meta.get("content", ""))
    return found


def test_a_material_blog_gets_one_card_a_page_in_its_palette_with_its_dates_and_authors(tmp_path):
    root = material_site(tmp_path)
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))], done.stderr
    assert f"quotecards: {len(PAGES)} cards made, 0 from the store" in done.stderr
    built = {str(p.relative_to(root / "site")) for p in (root / "site").rglob("*.html")} - {"404.html"}
    assert built == set(PAGES)  # no page for the draft post, the excluded doc or the draft doc
    assert {p.name for p in (root / "site/assets/quotecards/og").iterdir()} == set(PAGES.values())
    for page, card in PAGES.items():
        tags = metas((root / "site" / page).read_text("utf-8"))
        for key in ("og:image", "og:image:type", "og:image:width", "og:image:height", "og:image:alt", "twitter:card",
                    "twitter:image", "twitter:image:alt", "og:title", "og:url", "og:type", "og:description"):
            assert len(tags.get(key, [])) == 1, (page, key, tags.get(key))
        image = tags["og:image"][0]
        assert image.startswith(CARDS + card + "?v=") and tags["twitter:image"] == [image], (page, image)
        assert tags["twitter:card"] == ["summary_large_image"] and tags["og:image:width"] == ["1200"], page
        assert tags["og:url"] == [SITE_URL + page.removesuffix("index.html")], page
        assert (root / "site" / image[len(SITE_URL):].split("?")[0]).is_file()
    checked = subprocess.run([sys.executable, "-m", "quotecards", "check", str(root / "site")], capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0 and checked.stdout.endswith("; 0 problems\n"), checked.stdout + checked.stderr
    pages = {page: metas((root / "site" / page).read_text("utf-8")) for page in PAGES}
    first = pages["blog/2024/01/31/version-two-is-out/index.html"]
    # The date from `created`, the author's name from .authors.yml: the headline card's byline.
    assert first["og:image:alt"] == ["Version two is out \u2014 Jane Doe\u00a0\u00b7 January 31, 2024"]
    assert first["og:type"] == ["article"] and first["og:description"] == ["Notes from the field."]
    second = pages["blog/2024/02/10/field-trip/index.html"]
    assert second["og:image:alt"] == ["A field trip \u2014 Jane Doe and Robin Kim\u00a0\u00b7 February 10, 2024"]
    assert second["og:description"] == ["Out with the maps."]
    third = pages["blog/2024/02/20/maps/index.html"]
    assert third["og:image:alt"] == ["Quote: The map is not the territory. \u2014 Alfred Korzybski"]
    install = pages["guide/install/index.html"]
    assert install["og:type"] == ["website"] and install["og:description"] == ['How to "install" it & run it.']
    assert install["og:title"] == ["Install"]
    # The palette's first (default) primary: the headline card's field is teal, darkened as far as
    # white text needs to read on it, to a darker shade.
    with Image.open(root / "site/assets/quotecards/og/blog-posts-first.png") as card:
        corner, edge = card.convert("RGB").getpixel((1195, 625)), card.convert("RGB").getpixel((5, 625))
    assert all(abs(a - b) <= 4 for a, b in zip(corner, (0x00, 0x57, 0x4E))), corner
    hue, _light, saturation = colorsys.rgb_to_hls(*(v / 255 for v in edge))
    assert abs(hue * 360 - 174) < 4 and saturation > 0.5, edge


def test_the_site_config_colours_win_and_a_new_palette_draws_the_cards_again(tmp_path):
    root = material_site(tmp_path)
    assert mkdocs_build(root).returncode == 0
    (root / "mkdocs.yml").write_text(MKDOCS_YML.replace("primary: teal", "primary: indigo"))
    done = mkdocs_build(root)
    assert f"quotecards: {len(PAGES)} cards made, 0 from the store" in done.stderr, done.stderr
    with Image.open(root / "site/assets/quotecards/og/index.png") as card:
        assert card.convert("RGB").getpixel((1195, 625)) == (0x30, 0x3F, 0xA1)  # indigo's dark shade
    (root / "quotecards.toml").write_text('[colors]\nfield2 = "#5c1f4f"\n')
    assert mkdocs_build(root).returncode == 0
    with Image.open(root / "site/assets/quotecards/og/index.png") as card:
        assert card.convert("RGB").getpixel((1195, 625)) == (0x5C, 0x1F, 0x4F)


# Material's social plugin fetches its fonts from Google, so is not run here: a hook writes its
# tags as it does (its on_post_page, at its priority, in its format).
SOCIAL_HOOK = """\
from mkdocs.plugins import event_priority


@event_priority(50)
def on_post_page(output, page, config):
    image = config.site_url + "assets/images/social/" + page.file.src_uri.replace(".md", ".png")
    tags = {"og:type": "website", "og:title": page.title, "og:description": "Theirs.", "og:image": image,
            "og:image:type": "image/png", "og:image:width": "1200", "og:image:height": "630",
            "og:url": page.canonical_url, "twitter:card": "summary_large_image", "twitter:title": page.title,
            "twitter:image": image}
    at = output.find("</head>")
    return "\\n".join([output[:at], "\\n".join(f'<meta property="{k}" content="{v}" />' for k, v in tags.items()),
                       output[at:]])
"""


def test_the_social_plugins_card_tags_are_taken_over_and_its_other_tags_kept(tmp_path):
    root = material_site(tmp_path)
    (root / "hooks").mkdir()
    (root / "hooks" / "social.py").write_text(SOCIAL_HOOK)
    (root / "mkdocs.yml").write_text(MKDOCS_YML + "hooks:\n  - hooks/social.py\n")
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    for page, card in PAGES.items():
        tags = metas((root / "site" / page).read_text("utf-8"))
        assert tags["og:image"] == tags["twitter:image"] and tags["og:image"][0].startswith(CARDS + card), page
        assert tags["twitter:card"] == ["summary_large_image"] and tags["og:image:width"] == ["1200"], page
        assert tags["og:description"] == ["Theirs."] and tags["og:type"] == ["website"], page  # theirs, once
        assert len(tags["og:title"]) == len(tags["twitter:title"]) == len(tags["og:url"]) == 1, page
        assert "assets/images/social" not in str(tags), page


def test_a_theme_writing_its_card_tags_from_a_script_is_one_warning_and_its_pages_are_left_alone(tmp_path):
    root = material_site(tmp_path)
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}<script>document.head.insertAdjacentHTML("beforeend", '
        "'<meta property=\"og:image\" content=\"/social.png\">')</script>{% endblock %}\n")
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "og:image: the theme writes its own card tags from a script" in warnings[0], warnings
    assert "quotecards: 0 cards made" in done.stderr
    assert "og:image" not in metas((root / "site" / "index.html").read_text("utf-8"))


# -- the <head> edit ---------------------------------------------------------------------------

CARD = CardImage(url="https://example.org/assets/quotecards/og/a.png?v=1&x=2", mime="image/png", width=1200,
                 height=630, alt='Quote: "Less" & more \u2014 A. N. Other')
FACTS = PageFacts(title="A <title>", url="https://example.org/a/", description="About a.", kind="website")


def test_the_theme_card_tags_in_any_spelling_are_replaced_by_ours_and_the_body_is_untouched():
    theirs = ('<!doctype html><html><HEAD>\n'
              '  <meta property="og:image" content="https://example.org/social.png" />\n'
              "  <meta property='og:image:width' content='1600'>\n"
              "  <meta name=twitter:card content=summary>\n"
              '  <Meta Name="Twitter:Image" content="x.png"/>\n'
              '  <meta name="twitter:image:alt" content="theirs">\n'
              '  <meta property="og:title" content="The theme\'s title">\n'
              '  <!-- <meta property="og:image" content="in a comment"> -->\n'
              "  <script>var s = '<meta property=\"og:type\" content=\"x\">';</script>\n"
              "</HEAD><body><p>&lt;meta property=\"og:image\"&gt;</p>"
              '<meta property="og:image" content="in the body"></body></html>')
    html = with_card_tags(theirs, CARD, FACTS)
    tags = metas(html)
    assert tags["og:image"] == [CARD.url] and tags["twitter:image"] == [CARD.url]
    assert tags["og:image:width"] == ["1200"] and tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == [CARD.alt]
    assert tags["og:title"] == ["The theme's title"]  # the theme's own: kept, not doubled
    assert tags["og:type"] == ["website"] and tags["og:url"] == [FACTS.url] and tags["og:description"] == ["About a."]
    assert "in a comment" in html and "var s = '<meta property=\"og:type\"" in html
    assert html.endswith('<meta property="og:image" content="in the body"></body></html>')  # only <head> is ours
    assert "https://example.org/social.png" not in html and "theirs" not in html and "\n\n" not in html
    assert '<meta property="og:image" content="https://example.org/assets/quotecards/og/a.png?v=1&amp;x=2">' in html


def test_without_site_url_there_is_no_og_url_and_nothing_is_written_twice():
    facts = PageFacts(title="T", url="", description="", kind="article")
    once = with_card_tags("<html><head><title>T</title></head><body></body></html>", CARD, facts)
    tags = metas(once)
    assert "og:url" not in tags and "og:description" not in tags and tags["og:type"] == ["article"]
    assert metas(with_card_tags(once, CARD, facts)) == tags  # a page edited again has its tags once


def test_a_head_without_an_end_or_with_a_script_writing_card_tags_is_a_head_error():
    with pytest.raises(HeadError, match="no </head> or <body>"):
        with_card_tags("<p>a fragment</p>", CARD, FACTS)
    with pytest.raises(HeadError, match="from a script in <head>"):
        with_card_tags("<head><script>m.setAttribute('property', 'twitter:card')</script></head>", CARD, FACTS)
    # A script that only reads a card tag (analytics, a share button) writes none: no matter.
    reads = "<head><script>var i = document.querySelector('meta[property=\"og:image\"]');</script></head>"
    assert metas(with_card_tags(reads, CARD, FACTS))["og:image"]
    # An omitted </head> ends at <body>: the tags go there.
    assert "og:image" in metas(with_card_tags("<html><head><title>x</title><body>b</body>", CARD, FACTS))


# -- the palette -------------------------------------------------------------------------------

def test_materials_palette_gives_the_cards_colours_as_its_pages_show_them():
    from quotecards.draw.contrast import luminance, ratio

    indigo = PRIMARIES["indigo"]  # white text reads on it: its colour and its dark shade
    assert palette_colors("material", {"primary": "indigo"}) == {"field": indigo.color, "field2": indigo.dark,
                                                                 "band": indigo.color}
    # Teal carries white text at 3.8:1 only: the field is teal darkened until it reads at 5.5:1
    # (4.5 under the fallback's soft light), the band teal itself; no dark panel behind the lines.
    teal = palette_colors("material", {"primary": "teal"})
    field = tuple(int(teal["field"][i:i + 2], 16) for i in (1, 3, 5))
    assert 5.5 <= ratio(luminance((255, 255, 255)), luminance(field)) < 6.0 and teal["band"] == "#009485"
    # A light/dark toggle: the first palette is the default; a name as Material writes it, with spaces.
    chosen = palette_colors("material", [{"primary": "deep orange"}, {"primary": "teal", "scheme": "slate"}])
    assert chosen["band"] == PRIMARIES["deep-orange"].color
    # No palette at all: Material's own indigo.
    assert palette_colors("material", None)["field"] == PRIMARIES["indigo"].color
    # An accent is the cards' only where it reads on the primary; Material's default indigo would not.
    assert "accent" not in palette_colors("material", {"primary": "indigo", "accent": "indigo"})
    assert palette_colors("material", {"primary": "indigo", "accent": "yellow"})["accent"] == "#ffd500"
    # Dark text on the primary: the layouts' light text cannot sit on it, so it is their accent.
    assert palette_colors("material", {"primary": "amber", "accent": "indigo"}) == {"accent": "#ffc105"}
    # A colour of the site's own CSS, or another theme: the layouts' colours.
    assert palette_colors("material", {"primary": "custom"}) == {}
    assert palette_colors("mkdocs", {"primary": "teal"}) == {}
