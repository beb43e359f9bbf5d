"""Sites as they are: other schemas, languages only in the folder, pages without quotes, drafts."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import need
from helpers import house_font_site

from quotecards.cli import main
from quotecards.sources import language
from quotecards.sources.post import ReadOptions, read_post
from quotecards.sources.publish import Publishing, unpublished
from quotecards.text.cleanup import quote_marks

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "tests" / "corpus" / "site"

# page → (card kind, language, where the language came from, the opening quote mark)
EXPECTED = {
    "en/news/harbour-ferry.md": ("quote", "en", "folder", "\u201c"),
    "en/news/library-vote.md": ("quote", "en", "folder", "\u201c"),
    "en/about.md": ("headline", "en", "folder", None),
    "ja/culture/tea.md": ("quote", "ja", "folder", "\u300c"),
    "zh/city/metro.md": ("quote", "zh", "folder", "\u201c"),
    "zh-hant/city/night-market.md": ("quote", "zh-hant", "folder", "\u300c"),
    "ru/society/bridge.md": ("quote", "ru", "folder", "\u00ab"),
    "uk/culture/choir.md": ("quote", "uk", "folder", "\u00ab"),
    "de/wirtschaft/baeckerei.md": ("quote", "de", "folder", "\u201e"),
    "fr/culture/festival.md": ("quote", "fr", "folder", "\u00ab\u202f"),
    "posts/kyiv-market.md": ("quote", "uk", "text", "\u00ab"),
    "posts/taipei.md": ("quote", "zh-Hant", "text", "\u300c"),
    "posts/2024-05-01-jekyll-style.md": ("headline", "en", "text", None),  # English, read by the detector
}


@pytest.mark.system("fonts-noto-cjk", "libfribidi0")
def test_a_site_as_it_is_gets_a_right_card_for_every_public_page(tmp_path):
    result = subprocess.run([sys.executable, "-m", "quotecards", "build", str(SITE / "content"), "--out",
                             str(tmp_path / "out"), "--offline", "--site-root", str(SITE)], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr  # one post is truly broken
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {SITE / 'content/en/broken.md'}: title: unreadable YAML: found character '`' that "
                      "cannot start any token (line 2)"]
    assert "skipped: 1 draft, 1 expired, 1 future, 1 not rendered" in result.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    cards = {Path(c["post"]).relative_to(SITE / "content").as_posix(): c for c in manifest["cards"]}
    assert cards.keys() == EXPECTED.keys()
    for page, (kind, lang, source, mark) in EXPECTED.items():
        card = cards[page]
        assert (card["kind"], card["lang"], card["lang_source"]) == (kind, lang, source), page
        assert card["missing_glyphs"] == [], page
        if mark:
            assert quote_marks(card["lang"])[0] == mark, page
    assert cards["en/about.md"]["lines"] == ["About this newsroom"] and cards["en/about.md"]["layout"] == "headline"
    assert cards["en/news/library-vote.md"]["attribution_lines"] == ["Councillor Jo Adeyemi"]
    assert "no quote" not in json.dumps(manifest)  # no page was quoted with its description


def test_fields_of_another_schema_come_from_the_sites_own_paths(tmp_path):
    (tmp_path / "quotecards.toml").write_text('[fields]\nquote = "params.pull.text"\nattribution = ["params.pull.by"]\n'
                                              'image = "hero.src"\n')
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\nparams:\n  pull: {text: Said here., by: Someone}\nhero: {src: img/x.jpg}\n---\n")
    result = CliRunner().invoke(main, ["fields", str(post), "--site-root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{post}: a quote card; language - (from nowhere)"
    assert any(line.split()[:2] == ["quote", "params.pull.text"] for line in lines)
    assert any(line.split()[:2] == ["image", "hero.src"] for line in lines)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "quotecards.toml").write_text('[fields]\nheadline = "x"\n')
    result = CliRunner().invoke(main, ["fields", str(post), "--site-root", str(bad)])
    assert result.exit_code == 2 and "fields.headline: unknown card field" in result.stderr


def test_a_quote_as_a_plain_string_is_the_quote(tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\nfeatured_quote: \"It is not over.\"\n---\n")
    read = read_post(post)
    assert (read.kind, read.quote, read.sources) == ("quote", "It is not over.", (("quote", "featured_quote"),
                                                                                  ("title", "title")))


@pytest.mark.parametrize("front, why", [
    ("draft: true", "draft"), ("published: false", "draft"), ("publishDate: 2099-01-01", "future"),
    ("date: 2099-01-01T00:00:00Z", "future"), ("expiryDate: 2001-01-01", "expired"),
    ("_build: {render: never}", "not rendered"), ("build: {render: never}", "not rendered"),
    ("date: 2020-01-01", None), ("published: true", None), ("date: {created: 2099-01-01}", "future"),
    ("headless: true", "not rendered"), ("permalink: false", "not rendered"), ("build: {render: link}", "not rendered"),
])
def test_what_is_public_is_decided_as_hugo_decides_it(front, why):
    import yaml

    rules = Publishing(now=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    assert unpublished(yaml.safe_load(front), rules) == why
    everything = Publishing(drafts=True, future=True, expired=True, now=rules.now)
    assert unpublished(yaml.safe_load(front), everything) in (None, "not rendered")


def test_language_from_the_post_the_path_the_text_or_the_site(tmp_path):
    content = tmp_path / "content"
    assert language.decide("de", content / "fr/x.md", content, (), "Hello", "en") == ("de", "post")
    assert language.decide("", content / "fr/x.md", content, (), "Hello", "en") == ("fr", "folder")
    french = "Le pont rouvre demain matin pour tout le monde"
    assert language.decide("", content / "news/x.fr.md", content, (), french, "en") == ("fr", "file name")
    # Without the site's languages, a file name's code is taken only where the text is in it.
    assert language.decide("", content / "news/x.fr.md", content, (), "Hello", "en") == ("en", "site")
    assert language.decide("", content / "news/x.md", content, (), "这是简体中文", "en") == ("zh-Hans", "text")
    assert language.decide("", content / "news/x.md", content, (), "這是繁體中文", "en") == ("zh-Hant", "text")
    assert language.decide("", content / "news/x.md", content, (), "Плануємо ремонт", "") == ("uk", "text")
    assert language.decide("", content / "news/x.md", content, (), "Hello Ilham Əliyev", "en") == ("en", "site")
    assert language.decide("", content / "tech/x.md", content, (), "Hello", "") == ("", "")  # not a language
    assert language.decide("", content / "it/x.md", content, ("en", "de"), "Hello", "en") == ("en", "site")


def test_a_card_no_font_can_draw_is_an_error_unless_allowed(tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\nfeatured_quote: \"\U00010000\U00010001 Linear B\"\n---\n")
    result = CliRunner().invoke(main, ["render", str(post), "--out", str(tmp_path / "out"), "--offline"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: {post}: featured_quote: no font has '\U00010000' (U+10000), '\U00010001' (U+10001) (Linear) "
        "(--allow-missing-glyphs makes the card anyway)")
    result = CliRunner().invoke(main, ["render", str(post), "--out", str(tmp_path / "out"), "--offline",
                                       "--allow-missing-glyphs"])
    assert result.exit_code == 0 and "quote: no font has" in result.stdout


def test_files_written_honour_the_umask(tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\nfeatured_quote: Q.\n---\n")
    old = os.umask(0o022)
    try:
        CliRunner().invoke(main, ["render", str(post), "--out", str(tmp_path / "out"), "--offline"])
    finally:
        os.umask(old)
    for name in ("og/p.png", "manifest.json", "index.html"):
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o644, name


def test_language_folders_are_read_by_build_and_render_alike():
    options = ReadOptions(content_dir=SITE / "content")
    post = read_post(SITE / "content/ja/culture/tea.md", options)
    assert (post.lang, post.lang_source, post.section, post.attribution) == ("ja", "folder", "culture",
                                                                             "山本 美咲、茶屋の三代目")


def test_a_sites_own_font_is_used_by_name_and_listed(tmp_path):
    from fontTools.ttLib import TTFont

    from quotecards.text import fonts

    (tmp_path / "brand-fonts").mkdir()
    font = TTFont(fonts.find_face("Inter", 700).path)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = "House Sans"
    font.save(tmp_path / "brand-fonts" / "HouseSans-Bold.otf")
    post = house_font_site(tmp_path)
    result = CliRunner().invoke(main, ["render", str(post), "--out", str(tmp_path / "out"), "--offline",
                                       "--site-root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"][0]
    assert "House Sans 700" in card["fonts_used"]
    listing = CliRunner().invoke(main, ["fonts", "--site-root", str(tmp_path)]).output
    assert any(line.startswith("site   House Sans 700") and "HouseSans-Bold.otf" in line for line in listing.splitlines())


def test_an_installed_family_is_found_by_name(tmp_path):
    need("fonts-noto-cjk")
    layout = (ROOT / "layouts" / "brand.toml").read_text().replace('font = "Inter"', 'font = "Noto Sans CJK JP"')
    (tmp_path / "sys.toml").write_text(layout.replace('name = "brand"', 'name = "sys"'))
    from quotecards.draw.layout import load_layout

    faces = {layer.face.family for layer in load_layout(tmp_path / "sys.toml").layers if hasattr(layer, "face")}
    assert "Noto Sans CJK JP" in faces
