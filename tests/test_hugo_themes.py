"""Hugo sites made like the popular themes, built with the real `hugo`: the content rules Hugo
applies (cascade with targets, build options, headless bundles, drafts) decide which pages get a
card, and every page ends with exactly one og:image, twitter:image and twitter:card, our card.

The two themes are our own, written after the way PaperMod and Ananke put their tags in <head>:
PaperMod calls its own copies of Hugo's writers (`templates/opengraph.html`, falling back to a
site-wide cover image, and `templates/twitter_cards.html`, `summary` without an image) after its
`extend_head.html` hook; Ananke calls Hugo's embedded `opengraph.html` and `twitter_cards.html`
partials and a `head-additions.html` hook.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecards.cli import main
from quotecards.sites.hugo_cascade import cascade_of, pages_of
from quotecards.sites.hugo_config import read_site
from quotecards.sources.publish import Publishing, unpublished

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://example.org/"
pytestmark = pytest.mark.system("hugo")

PAPERMOD_LIKE = {
    "_default/baseof.html": '<!doctype html><html lang="en"><head>{{ partial "head.html" . }}</head>'
                            '<body>{{ block "main" . }}{{ end }}</body></html>\n',
    "_default/single.html": '{{ define "main" }}<article>{{ .Content }}</article>{{ end }}\n',
    "_default/list.html": '{{ define "main" }}{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>'
                          '{{ end }}{{ end }}\n',
    "_partials/head.html": '<title>{{ .Title }}</title>\n<meta name="author" content="{{ .Params.author }}">\n'
                           '{{- partial "extend_head.html" . -}}\n{{- partial "templates/opengraph.html" . }}\n'
                           '{{- partial "templates/twitter_cards.html" . }}\n',
    "_partials/extend_head.html": "{{- /* for the site to fill */ -}}\n",
    "_partials/templates/_funcs/get-page-images.html":
        '{{- $imgs := slice }}{{- with site.Params.images }}{{ range first 1 . }}'
        '{{ $imgs = $imgs | append (dict "Permalink" (absURL .)) }}{{ end }}{{ end }}{{- return $imgs }}\n',
    "_partials/templates/opengraph.html":
        '<meta property="og:url" content="{{ .Permalink }}">\n<meta property="og:title" content="{{ .Title }}">\n'
        '{{- if .Params.cover.image }}\n<meta property="og:image" content="{{ .Params.cover.image | absURL }}">\n'
        '{{- else }}{{ range partial "templates/_funcs/get-page-images" . }}\n'
        '<meta property="og:image" content="{{ .Permalink }}">{{ end }}{{ end }}\n',
    "_partials/templates/twitter_cards.html":
        '{{- $images := partial "templates/_funcs/get-page-images" . }}{{- with index $images 0 }}\n'
        '<meta name="twitter:card" content="summary_large_image">\n<meta name="twitter:image" content="{{ .Permalink }}">'
        '{{- else }}\n<meta name="twitter:card" content="summary">{{- end }}\n',
}

ANANKE_LIKE = {
    "baseof.html": '<!DOCTYPE html><html><head><title>{{ .Title }}</title>\n{{ partial "opengraph.html" . -}}\n'
                   '{{ partial "twitter_cards.html" . -}}\n{{ block "head" . }}{{ partials.Include "head-additions.html" . }}'
                   '{{ end }}</head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "single.html": '{{ define "main" }}{{ .Content }}{{ end }}\n',
    "list.html": '{{ define "main" }}{{ range .Pages }}{{ .Title }}{{ end }}{{ end }}\n',
    "_partials/head-additions.html": "",
}


def write_files(folder: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)


def make_site(tmp_path: Path, theme: dict[str, str], name: str) -> Path:
    root = tmp_path / name
    write_files(root / "themes" / name / "layouts", theme)
    (root / "hugo.toml").write_text(
        f'baseURL = "{BASE}"\ntitle = "Harbour Times"\ntheme = "{name}"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[params]\nimages = ["site-cover.png"]\n'
        # Hugo's own docs switch off their glossary this way: a cascade from the configuration.
        '[[cascade]]\n[cascade.build]\nrender = "never"\nlist = "never"\n[cascade.target]\npath = "/glossary/**"\n')
    write = {
        "_index.md": "---\ntitle: Harbour Times\n---\n",
        "posts/_index.md": "---\ntitle: News\ncascade:\n  - draft: true\n    _target: {path: '/posts/embargoed/**'}\n---\n",
        "posts/launch/index.md": "---\ntitle: Launch day\ndate: 2024-05-01\nauthor: [\"Jo Adeyemi\", \"Sam Lee\"]\n"
                                 "cover: {image: rocket.jpg, relative: true}\nfeatured_quote:\n"
                                 "  quote: We built the pad in a year.\n  attribution: Launch director\n---\nBody.\n",
        "posts/ferry.markdown": "---\ntitle: The ferry returns\ndate: 2024-05-03\nauthor: [\"Jo Adeyemi\"]\n"
                                "description: After two years the harbour ferry sails again.\n---\nBody.\n",
        "posts/embargoed/budget.md": "---\ntitle: Budget\nauthor: [\"Sam Lee\"]\nfeatured_quote: Not yet.\n---\n",
        "posts/old-draft.md": "---\ntitle: Old\ndraft: true\nauthor: [{name: 1}]\n---\n",  # read no further
        "glossary/_index.md": "---\ntitle: Glossary\n---\n",
        "glossary/tide.md": "---\ntitle: Tide\n---\nThe sea rising.\n",
        # As Hugo's own docs keep shared text: a section that is never a page, a headless bundle in it.
        "_common/_index.md": "---\ncascade:\n  build: {render: never, list: never, publishResources: false}\n---\n",
        "_common/snippet/index.md": "---\nheadless: true\n---\nShared text, never a page.\n",
        "docs/_index.md": "---\ntitle: Docs\ncascade:\n  build: {render: never, list: never}\n---\n",
        "docs/setup.md": "---\ntitle: Setup\n---\n",
        "about.md": "---\ntitle: About us\n---\nWho we are.\n",
    }
    write_files(root / "content", write)
    shutil.copy(ROOT / "samples/images/rocket.jpg", root / "content/posts/launch/rocket.jpg")
    return root


def build(root: Path) -> None:
    done = subprocess.run([shutil.which("hugo") or "hugo", "--source", str(root), "--quiet"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def share_tags(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html):
        found.setdefault(key, []).append(value)
    return found


RENDERED_WITH_CARDS = {"index.html", "posts/index.html", "posts/launch/index.html", "posts/ferry/index.html",
                       "glossary/index.html", "about/index.html"}


@pytest.mark.parametrize("theme, name", [(PAPERMOD_LIKE, "papermod-like"), (ANANKE_LIKE, "ananke-like")])
def test_every_page_hugo_renders_has_one_set_of_tags_and_they_carry_our_card(tmp_path, theme, name):
    root = make_site(tmp_path, theme, name)
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert result.exit_code == 0, result.output
    # Not rendered by Hugo, so no card, and no error: the glossary term, the headless bundle, the
    # docs switched off by their section's cascade, the draft by its own flag and by a cascade.
    assert "skipped: 2 draft, 5 not rendered" in result.output, result.output
    assert "to do" not in result.output
    build(root)
    pages = {p.relative_to(root / "public").as_posix() for p in (root / "public").rglob("*.html")}
    assert pages == RENDERED_WITH_CARDS  # the pages Hugo wrote are the pages that got cards
    for page in sorted(pages):
        tags = share_tags((root / "public" / page).read_text())
        for key in ("og:image", "twitter:image", "twitter:card", "og:title", "og:url", "og:image:alt"):
            assert len(tags.get(key, [])) == 1, (page, key, tags)
        assert tags["twitter:card"] == ["summary_large_image"], page
        assert tags["og:image"] == tags["twitter:image"] and tags["og:image"][0].startswith(BASE + "og/"), page
        card = root / "public" / tags["og:image"][0][len(BASE):].split("?")[0]
        assert card.is_file(), page
    checked = CliRunner().invoke(main, ["check", str(root / "public")])
    assert checked.exit_code == 0 and "; 0 problems" in checked.output, checked.output
    launch = share_tags((root / "public/posts/launch/index.html").read_text())
    assert launch["og:image:alt"] == ["Quote: We built the pad in a year. — Launch director"]


def test_a_second_run_keeps_the_sites_own_partial_and_says_what_to_change(tmp_path):
    root = make_site(tmp_path, ANANKE_LIKE, "ananke-like")
    own = root / "layouts/partials/twitter_cards.html"
    own.parent.mkdir(parents=True)
    own.write_text('<meta name="twitter:card" content="summary">\n')
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert result.exit_code == 0, result.output
    assert own.read_text() == '<meta name="twitter:card" content="summary">\n'
    assert ("to do: layouts/partials/twitter_cards.html is your own: remove its og:image, twitter:image and "
            'twitter:card lines and add {{ partial "quotecards/image-tags.html" . }}') in result.output
    again = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert (root / "layouts/partials/opengraph.html").read_text().count("quotecards: generated") == 1
    assert "takes over" not in again.output  # written once; still ours, so kept up to date quietly


def test_a_theme_calling_hugos_old_internal_templates_is_told_what_to_change(tmp_path):
    theme = {**ANANKE_LIKE, "baseof.html": ANANKE_LIKE["baseof.html"].replace(
        '{{ partial "opengraph.html" . -}}', '{{ template "_internal/opengraph.html" . -}}')}
    root = make_site(tmp_path, theme, "old-theme")
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert ('to do: themes/old-theme/layouts/baseof.html calls {{ template "_internal/opengraph.html" . }}: make it '
            '{{ partial "opengraph.html" . }}') in result.output


def test_the_cascade_is_read_as_hugo_reads_it(tmp_path):
    """Which pages are public, by our reading of the cascade, matches the pages Hugo writes."""
    root = make_site(tmp_path, ANANKE_LIKE, "ananke-like")
    site = read_site(root)
    pages = sorted(p for p in (root / "content").rglob("*") if p.suffix in (".md", ".markdown"))
    inherited = cascade_of(site, pages)
    from quotecards.sources.frontmatter import front_matter

    public = set()
    for page in pages:
        meta = inherited.under(page, front_matter(page, page.read_text()))
        if unpublished(meta, Publishing()) is None:
            public.add(page.relative_to(root / "content").as_posix())
    assert public == {"_index.md", "posts/_index.md", "posts/launch/index.md", "posts/ferry.markdown",
                      "glossary/_index.md", "about.md"}
    build(root)
    assert len(public) == len(RENDERED_WITH_CARDS)
    assert inherited.under(root / "content/posts/embargoed/budget.md", {})["draft"] is True
    assert "draft" not in inherited.under(root / "content/posts/ferry.markdown", {})  # the target is elsewhere


def test_content_mounted_from_a_module_is_the_sites_content(tmp_path):
    """As Hugo's own docs mount content/en as the English content: its pages, its language."""
    (tmp_path / "content/en/news").mkdir(parents=True)
    (tmp_path / "hugo.toml").write_text(
        'defaultContentLanguage = "en"\n[languages.en]\nlocale = "en-US"\n[languages.de]\nlocale = "de-DE"\n'
        '[module]\n[[module.mounts]]\nsource = "content/en"\ntarget = "content"\n'
        "[module.mounts.sites.matrix]\nlanguages = ['en']\n"
        '[[module.mounts]]\nsource = "content/de"\ntarget = "content"\nlang = "de"\n')
    site = read_site(tmp_path)
    assert site.lang_dirs == ((tmp_path / "content/en", "en"), (tmp_path / "content/de", "de"))
    assert site.content == tmp_path / "content"
    page = tmp_path / "content/en/news/x.md"
    (tmp_path / "content/en/news/_index.md").write_text("---\ncascade:\n  - draft: true\n    target: {path: /news/**}\n---\n")
    page.write_text("---\ntitle: X\n---\n")
    assert cascade_of(site, [tmp_path / "content/en/news/_index.md", page]).under(page, {})["draft"] is True


def test_a_changed_cascade_is_seen_though_the_pages_files_did_not_change(tmp_path):
    root = make_site(tmp_path, ANANKE_LIKE, "ananke-like")
    first = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert first.exit_code == 0 and "skipped: 2 draft, 5 not rendered" in first.output, first.output
    # A bundle's card and a section's are named by their folders, the home page's `index`: stable
    # names, whatever pages come and go.
    assert {p.name for p in (root / "static/og").iterdir()} == {"index.png", "posts.png", "launch.png", "ferry.png",
                                                                "glossary.png", "about.png", "_site.png"}
    section = root / "content/posts/_index.md"
    section.write_text("---\ntitle: News\ncascade:\n  - build: {render: never}\n    target: {path: '/posts/**'}\n---\n")
    again = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert again.exit_code == 0, again.output
    # launch and ferry, unchanged themselves, are now not rendered, and their cards are gone.
    assert "skipped: 1 draft, 8 not rendered" in again.output, again.output
    assert {p.name for p in (root / "static/og").iterdir()} == {"index.png", "posts.png", "glossary.png", "about.png",
                                                                "_site.png"}
    section.write_text("---\ntitle: News\n---\n")  # no cascade at all: the embargoed budget is public too
    back = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert "3 cards made, 4 reused, 0 failed, skipped: 1 draft, 5 not rendered" in back.output, back.output


@pytest.mark.parametrize("params, field", [
    ('background_color_class = "bg-dark-blue"', (0x00, 0x44, 0x9E)),  # Ananke's Tachyons class
    ('themeColor = "#7a1f3d"', (0x7A, 0x1F, 0x3D)),
])
def test_the_themes_colour_is_the_cards_and_the_site_config_wins(tmp_path, params, field):
    from PIL import Image

    root = make_site(tmp_path, ANANKE_LIKE, "ananke-like")
    config = root / "hugo.toml"
    config.write_text(config.read_text().replace("[params]\n", f"[params]\n{params}\n"))
    done = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert done.exit_code == 0, done.output

    def corner(page: str) -> tuple[int, ...]:
        with Image.open(root / "static/og" / page) as card:  # a headline card without a photo: the field
            return card.convert("RGB").getpixel((card.width - 4, card.height - 4))

    assert all(abs(a - b) <= 40 for a, b in zip(corner("about.png"), field)), corner("about.png")
    (root / "quotecards.toml").write_text('[colors]\nfield = "#1b5e20"\nfield2 = "#1b5e20"\n')
    again = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert "0 reused" in again.output, again.output  # new colours: every card drawn again
    assert all(abs(a - b) <= 12 for a, b in zip(corner("about.png"), (0x1B, 0x5E, 0x20))), corner("about.png")


def test_a_site_with_hugos_new_partials_folder_keeps_its_own_there(tmp_path):
    """Hugo 0.146 reads layouts/_partials/ before layouts/partials/: a site's own partial there is
    its own (said on a to-do line), and quotecards' partials go there too, where they are read."""
    root = make_site(tmp_path, PAPERMOD_LIKE, "papermod-like")
    own = root / "layouts/_partials/templates/opengraph.html"
    own.parent.mkdir(parents=True)
    own.write_text('<meta property="og:image" content="{{ site.BaseURL }}mine.png">\n')
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert result.exit_code == 0, result.output
    assert "to do: layouts/_partials/templates/opengraph.html is your own" in result.output
    assert not (root / "layouts/partials").exists()
    assert (root / "layouts/_partials/templates/twitter_cards.html").is_file()
    assert (root / "layouts/_partials/extend_head.html").read_text().strip() == '{{ partial "quotecards.html" . }}'


def test_pages_no_file_stands_for_get_the_sites_card(tmp_path):
    """Taxonomy and term pages, and a home page and section list without _index.md, are pages
    Hugo writes and networks are shown: they get the site's own card."""
    root = tmp_path / "site"
    write_files(root / "themes/pm/layouts", PAPERMOD_LIKE)
    (root / "hugo.toml").write_text(f'baseURL = "{BASE}"\ntitle = "Harbour Times"\ntheme = "pm"\n'
                                    '[params]\ndescription = "News from the harbour."\n')
    (root / "content/posts").mkdir(parents=True)
    (root / "content/posts/ferry.md").write_text("---\ntitle: The ferry returns\ntags: [harbour]\n---\nBody.\n")
    result = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert result.exit_code == 0, result.output
    build(root)
    checked = CliRunner().invoke(main, ["check", str(root / "public")])
    assert checked.exit_code == 0 and "; 0 problems" in checked.output, checked.output
    for page in ("index.html", "posts/index.html", "tags/index.html", "tags/harbour/index.html"):
        tags = share_tags((root / "public" / page).read_text())
        assert tags["og:image"][0].startswith(BASE + "og/_site.png?v="), (page, tags)
        assert tags["og:image:alt"] == ["Harbour Times"], page
    ferry = share_tags((root / "public/posts/ferry/index.html").read_text())
    assert ferry["og:image"][0].startswith(BASE + "og/ferry.png?v=")


def test_each_page_finds_its_own_card_by_its_language_and_path(tmp_path):
    """A single-language site with a folder named like its language (content/en/x.md beside
    content/x.md), and content mounted without a language: every page gets its own card."""
    import json

    root = tmp_path / "site"
    write_files(root / "themes/an/layouts", ANANKE_LIKE)
    (root / "hugo.toml").write_text(f'baseURL = "{BASE}"\ntitle = "T"\ntheme = "an"\nlanguageCode = "fr-fr"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
                                    '[[module.mounts]]\nsource = "content"\ntarget = "content"\n')
    (root / "content/en").mkdir(parents=True)
    (root / "content/x.md").write_text("---\ntitle: The top one\n---\n")
    (root / "content/en/x.md").write_text("---\ntitle: The one in en\n---\n")
    done = CliRunner().invoke(main, ["hugo", str(root), "--no-store", "--offline"])
    assert done.exit_code == 0, done.output
    data = json.loads((root / "assets/quotecards.json").read_text())
    assert {"en/x.md", "en/en/x.md"} <= set(data)  # Hugo's .Lang is "en": languageCode is a locale, not a key
    build(root)
    for page, key in (("x/index.html", "en/x.md"), ("en/x/index.html", "en/en/x.md")):
        image = share_tags((root / "public" / page).read_text())["og:image"]
        assert image == [BASE + data[key]["image"]], (page, image)
    checked = CliRunner().invoke(main, ["check", str(root / "public")])
    assert checked.exit_code == 0, checked.output


def test_hugos_finer_rules_language_cascades_bundles_classes_and_kinds(tmp_path):
    """What a hostile reading of Hugo's rules turned up, each as Hugo 0.168 builds it: a section's
    cascade is its language's; Markdown inside a leaf bundle is the bundle's resource, not a page;
    a target's [ab] class; "true" as text; tags/_index.md is a taxonomy, not a section."""
    from quotecards.sources.frontmatter import front_matter

    root = tmp_path / "site"
    root.mkdir()
    (root / "hugo.toml").write_text('defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n'
                                    "[languages.fr]\nweight = 2\n"
                                    "[[cascade]]\ndraft = true\n[cascade.target]\npath = '/notes/[ab]*'\n"
                                    "[[cascade]]\n[cascade.build]\nrender = 'never'\n[cascade.target]\nkind = 'taxonomy'\n")
    write = {
        "blog/_index.fr.md": "---\ncascade: {draft: true}\n---\n", "blog/_index.md": "---\ntitle: Blog\n---\n",
        "blog/p.md": "---\ntitle: P\n---\n", "blog/p.fr.md": "---\ntitle: P\n---\n",
        "posts/bundle/index.md": "---\ntitle: B\n---\n", "posts/bundle/extra.md": "---\ntitle: E\n---\n",
        "posts/bundle/sub/deep.md": "---\ntitle: D\n---\n",
        "notes/alpha.md": "---\ntitle: A\n---\n", "notes/beta.md": "---\ntitle: B\n---\n",
        "notes/gamma.md": "---\ntitle: G\n---\n", "notes/quoted.md": '---\ntitle: Q\ndraft: "true"\n---\n',
        "tags/_index.md": "---\ntitle: Tags\n---\n", "tags/harbour/_index.md": "---\ntitle: Harbour\n---\n",
    }
    write_files(root / "content", write)
    site = read_site(root)
    pages = pages_of(site, sorted((root / "content").rglob("*.md")))
    inherited = cascade_of(site, pages)
    public = {p.relative_to(root / "content").as_posix() for p in pages
              if unpublished(inherited.under(p, front_matter(p, p.read_text())), Publishing()) is None}
    assert public == {"blog/_index.md", "blog/p.md", "posts/bundle/index.md", "notes/gamma.md",
                      "tags/harbour/_index.md"}
