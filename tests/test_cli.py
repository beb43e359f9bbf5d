from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from quotecards import files
from quotecards.cli import GC_THRESHOLD, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "posts").glob("*.md"))
MANIFEST_CARD_KEYS = {"post", "slug", "platform", "layout", "path", "width", "height", "bytes", "font_size",
                      "lines", "warnings"}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_render_writes_card_manifest_and_one_line_per_card(tmp_path, seed_post):
    out = tmp_path / "out"
    result = run("render", str(seed_post), "--out", str(out))
    assert result.exit_code == 0, result.output
    slug = "azerbaijani-president-ilham-aliyev-on-a-fight-over-disputed-territories-that-armenia-also-claims"
    png = out / "og" / f"{slug}.png"
    assert Image.open(png).size == (1200, 630)
    line = result.stdout.strip()
    assert line.count("\n") == 0
    assert line.startswith(f"{png}  {png.stat().st_size} bytes  warnings: featured image unavailable")
    manifest = json.loads((out / "manifest.json").read_text())
    card = manifest["cards"][0]
    assert MANIFEST_CARD_KEYS <= card.keys()
    assert card["path"] == f"og/{slug}.png" and card["bytes"] == png.stat().st_size
    # No photo to be had: the brand card (a large decorative quote mark, the quote unquoted).
    assert card["layout"] == "brand" and card["layout_source"] == "no image"
    assert card["lines"][0].startswith("We are winning") and manifest["errors"] == []


def test_bad_post_fails_alone_with_one_line(tmp_path, seed_post):
    bad = tmp_path / "bad.md"
    bad.write_text("---\nfeatured_quote:\n  quote: [not, text]\n---\n")
    out = tmp_path / "out"
    result = run("render", str(bad), str(seed_post), "--out", str(out))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {bad}: featured_quote.quote: expected text, got a list"]
    assert "Traceback" not in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert [c["post"] for c in manifest["cards"]] == [str(seed_post)]
    assert manifest["errors"] == [{"post": str(bad), "error": f"{bad}: featured_quote.quote: expected text, got a list"}]


def test_missing_file_is_an_error_line(tmp_path):
    result = run("render", str(tmp_path / "nope.md"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"{tmp_path / 'nope.md'}: file: cannot read it" in result.stderr


def test_manifest_keeps_cards_from_earlier_runs(tmp_path):
    out = tmp_path / "out"
    run("render", str(SAMPLES[0]), "--out", str(out))
    run("render", str(SAMPLES[1]), "--out", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert {c["post"] for c in manifest["cards"]} == {str(SAMPLES[0]), str(SAMPLES[1])}


def test_same_slug_twice_does_not_overwrite(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\ntitle: D\naliases: [article/same/]\n---\n")
    result = run("render", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert (tmp_path / "out/og/same.png").is_file() and (tmp_path / "out/og/same-2.png").is_file()
    assert "already used" in result.stdout


def test_no_temp_files_left_after_a_run(tmp_path):
    out = tmp_path / "out"
    run("render", *map(str, SAMPLES[:3]), "--out", str(out))
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_crash_while_writing_leaves_neither_temp_nor_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "og" / "card.png"

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        files.write_atomic(target, b"\x89PNG" + b"0" * 1000)
    assert list(target.parent.iterdir()) == []


@pytest.mark.system("fonts-noto-cjk", "libfribidi0")
def test_every_sample_renders_cleanly(tmp_path):
    out = tmp_path / "out"
    result = run("render", *map(str, SAMPLES), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["cards"]) == len(SAMPLES) >= 11
    for card in manifest["cards"]:
        assert (card["width"], card["height"]) == (1200, 630)
        assert Image.open(out / card["path"]).size == (1200, 630)
        assert card["missing_glyphs"] == [], card
        assert card["contrast"] >= 4.5, card
        assert card["lines"] and card["font_size"] >= 28
    images = {Path(c["post"]).name: c["image"] for c in manifest["cards"]}
    assert images["seed-post.md"] == "fallback" and images["launch-day.md"] == "photo"


def test_manifest_records_fonts_text_box_and_overflow(tmp_path):
    out = tmp_path / "out"
    posts = [ROOT / "samples/posts/world-cairo-water.md", ROOT / "samples/posts/deep-field.md"]
    assert run("render", *map(str, posts), "--out", str(out)).exit_code == 0
    cards = {Path(c["post"]).name: c for c in json.loads((out / "manifest.json").read_text())["cards"]}
    arabic = cards["world-cairo-water.md"]
    assert {"Noto Naskh Arabic 600", "Noto Serif Display 600", "Noto Sans Arabic 600"} <= set(arabic["fonts_used"])
    x, y, w, h = arabic["text_box"]
    assert 0 <= x and x + w <= 1200 and 0 <= y and y + h <= 630 and w > 600
    # Right to left: the quote is set against the right margin.
    assert x + w > 1100 and arabic["overflow"] is False and arabic["missing_glyphs"] == []
    assert cards["deep-field.md"]["overflow"] is False


def test_a_quote_that_fits_no_layout_is_an_error_unless_shortening_is_allowed(tmp_path, write_post):
    # No title: no headline card for the quote to give way to (tests/test_editorial.py has that).
    post = write_post("long.md", "---\nfeatured_quote:\n  quote: " + "words that go on " * 85 + "\n---\n")
    out = tmp_path / "out"
    refused = run("render", str(post), "--out", str(out))
    assert refused.exit_code == 1 and not (out / "og" / "long.png").exists()
    assert refused.stderr.splitlines()[0].startswith(f"error: {post}: featured_quote.quote: 340 words do not fit a ")
    assert "on og in brand or long; it is never shortened unless asked (--allow-shortening" in refused.stderr
    assert run("render", str(post), "--out", str(out), "--allow-shortening").exit_code == 0
    card = json.loads((out / "manifest.json").read_text())["cards"][0]
    assert card["overflow"] is True and card["lines"][-1].endswith("\u2026")
    assert any("shortened" in w for w in card["warnings"])


@pytest.mark.system("fonts-noto-cjk", "libfribidi0")
def test_fonts_lists_each_face_its_origin_and_scripts():
    result = run("fonts")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    naskh = next(line for line in lines if "Noto Naskh Arabic" in line)
    assert "Arabic" in naskh and "bundled:" in naskh and naskh.endswith("NotoNaskhArabic-Regular.ttf")
    cjk = next(line for line in lines if "Noto Serif CJK SC" in line)
    assert "system:" in cjk and "Han" in cjk and "Kana" in cjk
    assert lines[-1] == "text layout: raqm with fribidi"


def test_image_base_maps_a_dead_domain_onto_local_files(tmp_path, write_post, photo_file):
    uploads = tmp_path / "static" / "uploads" / "2019"
    uploads.mkdir(parents=True)
    (uploads / "pic.jpg").write_bytes(photo_file.read_bytes())
    post = write_post("p.md", "---\ntitle: T\nfeatured_image:\n  image: https://old.example.invalid/wp-content/"
                      "uploads/2019/pic.jpg\nfeatured_quote:\n  quote: Q.\n---\n")
    out = tmp_path / "out"
    result = run("render", str(post), "--out", str(out), "--site-root", str(tmp_path),
                 "--image-base", f"https://old.example.invalid/wp-content/uploads/={tmp_path / 'static' / 'uploads'}")
    assert result.exit_code == 0, result.output
    card = json.loads((out / "manifest.json").read_text())["cards"][0]
    assert card["image"] == "photo" and not any("image" in w for w in card["warnings"])


def test_bad_image_base_is_a_usage_error(tmp_path, seed_post):
    result = CliRunner().invoke(main, ["render", str(seed_post), "--out", str(tmp_path), "--image-base", "nope"])
    assert result.exit_code == 2 and "expected URL=DIR" in result.output


def test_strict_fails_the_post_whose_image_is_missing(tmp_path, write_post):
    post = write_post("p.md", "---\ntitle: T\nfeatured_image:\n  image: gone.jpg\nfeatured_quote:\n  quote: Q.\n---\n")
    result = CliRunner().invoke(main, ["render", str(post), "--out", str(tmp_path / "out"), "--strict",
                                       "--site-root", str(tmp_path)])
    assert result.exit_code == 1
    assert f"error: {post}: featured_image.image: gone.jpg: No such file or directory" in result.stderr


def test_local_image_outside_the_site_root_falls_back_with_a_warning(tmp_path, write_post, photo_file):
    site = tmp_path / "site"
    site.mkdir()
    post = site / "p.md"
    post.write_text(f"---\ntitle: T\nfeatured_image:\n  image: {photo_file}\nfeatured_quote:\n  quote: Q.\n---\n")
    result = run("render", str(post), "--out", str(tmp_path / "out"), "--site-root", str(site))
    assert result.exit_code == 0
    assert "outside the site and post folders" in result.stdout


def test_a_quote_too_long_for_its_layout_steps_down_to_a_roomier_one(tmp_path):
    text = (ROOT / "samples/posts/deep-field.md").read_text()  # about eighty words: too many for band
    post = tmp_path / "deep.md"
    post.write_text(text.replace("---\n", "---\nquotecard: {layout: band}\n", 1).replace("../images/", "images/"))
    shutil.copytree(ROOT / "samples/images", tmp_path / "images")
    (tmp_path / "quotecards.toml").write_text("long_quote_words = 0\n")  # set as a quote, however long
    result = run("render", str(post), "--out", str(tmp_path / "out"), "--site-root", str(tmp_path), "--platform", "all")
    assert result.exit_code == 0, result.stderr
    cards = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]
    assert not any(card["overflow"] for card in cards)  # nothing was cut
    stepped = [card for card in cards if card["layout_source"] == "step-down"]
    # band → photo, and where the photo design cannot hold it at a legible size either, on to brand and long.
    assert stepped and all(card["layout"] in ("photo", "brand", "long") and "stepped down" in card["warning_kinds"]
                           for card in stepped)
    assert all(any(f"does not fit the band layout on {card['platform']}: used photo" in w for w in card["warnings"])
               for card in stepped)
    steps = {"photo": 1, "brand": 2, "long": 3}
    assert all(card["warning_kinds"].count("stepped down") == steps[card["layout"]] for card in stepped)
    assert {card["layout"] for card in cards if card["layout_source"] == "post"} <= {"band"}
    # A photo too small for a canvas is set beside the text instead, and the manifest says why.
    aside = [card for card in cards if card["layout_source"] == "small photo"]
    assert aside and all(card["layout"] == "split" and "small photo" in card["warning_kinds"] for card in aside)


def test_a_card_no_layout_holds_fails_alone_and_the_other_platforms_cards_are_made(tmp_path, write_post):
    # About 150 words: too many for a 1200×630 card at its legible floor, not for a story's tall canvas.
    words = ("The archive keeps what the city forgets, and every box we open tells another story. " * 10).strip()
    post = write_post("tall.md", f"---\nfeatured_quote:\n  quote: {words}\n  summary: An archivist\n---\n")  # no title
    out = tmp_path / "out"
    result = run("render", str(post), "--out", str(out), "--platform", "og", "--platform", "story")
    assert result.exit_code == 1
    assert "on og in " in result.stderr and "on story" not in result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [card["platform"] for card in manifest["cards"]] == ["story"]
    assert (out / "story" / "tall.png").exists() and not (out / "og" / "tall.png").exists()
    assert manifest["errors"][0]["error"].startswith(f"{post}: featured_quote.quote: ")


def test_a_build_keeps_the_cards_it_could_make_and_tries_the_post_again(tmp_path):
    words = ("The archive keeps what the city forgets, and every box we open tells another story. " * 10).strip()
    content = tmp_path / "content"
    content.mkdir()
    (content / "tall.md").write_text(f"---\nfeatured_quote:\n  quote: {words}\n---\n")  # no title: no headline card
    args = ("build", str(content), "--out", str(tmp_path / "out"), "--platform", "og", "--platform", "story",
            "--jobs", "1")
    first = run(*args)
    assert first.exit_code == 1, first.output
    cards = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]
    assert [card["platform"] for card in cards] == ["story"]
    again = run(*args)  # not skipped as done: the failing card is tried again
    assert again.exit_code == 1 and "1 cards made, 0 reused" in again.output
    assert "on og in " in again.stderr


def test_the_collector_is_tuned_in_the_commands_own_process_only(tmp_path):
    import gc
    import subprocess
    import sys

    # Called inside another program (here, pytest), the command leaves its collector alone…
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert run("render", str(ROOT / "samples/posts/council-budget.md"), "--out", str(tmp_path / "a")).exit_code == 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
    # …and as its own process, collects less often and freezes what is left at the end.
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print(gc.get_threshold()[0], gc.get_freeze_count() > 0))\n"
             "from quotecards.cli import run\n"
             "sys.argv = ['quotecards', 'render', sys.argv[1], '--out', sys.argv[2]]\n"
             "run()\n")
    done = subprocess.run([sys.executable, "-c", probe, str(ROOT / "samples/posts/council-budget.md"),
                           str(tmp_path / "b")], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == [str(GC_THRESHOLD), "True"]


def test_a_shard_builds_summary_names_the_manifest_part_it_wrote(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for n in range(4):
        (content / f"p{n}.md").write_text(f"---\ntitle: P{n}\nfeatured_quote: Quote number {n}.\n---\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(content), "--out", str(out), "--shard", "1/2", "--offline", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    named = result.output.strip().splitlines()[-1]
    assert named == f"manifest: {out / 'manifest.shard-1-of-2.json'}"
    assert (out / "manifest.shard-1-of-2.json").is_file() and not (out / "manifest.json").exists()


def test_a_site_command_honours_site_root_for_local_images(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "rocket.jpg").write_bytes((ROOT / "samples/images/rocket.jpg").read_bytes())
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://news.invalid/"\ntitle = "T"\n')
    (site / "content" / "posts" / "p.md").write_text(
        "---\ntitle: P\nfeatured_image: ../../../images/rocket.jpg\nfeatured_quote: A quote here.\n---\n")
    result = CliRunner().invoke(main, ["hugo", str(site), "--site-root", str(tmp_path), "--offline", "--no-store"])
    assert result.exit_code == 0, result.output
    assert "fallback" not in result.output and "outside the site" not in result.output
    records = json.loads((site / ".quotecards" / "manifest.json").read_text())["cards"]
    assert records[0]["image"] == "photo"
