"""What a one-card process loads: font facts from the store, not from the fonts; no HTTP stack for
a local photo; no numpy. (How long it takes is measured by benchmarks/, not here.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import house_font_site

from quotecards.text import font_facts

ROOT = Path(__file__).resolve().parent.parent

# Renders one card from a local photo, then says which heavy modules the process had loaded.
PROBE = """
import sys
from pathlib import Path
from quotecards.cards import RenderOptions, render_posts
from quotecards.sources.fetch import FetchOptions
result = render_posts([Path(sys.argv[1])], RenderOptions(out_dir=Path(sys.argv[2]),
                                                         fetch=FetchOptions(roots=(Path(sys.argv[3]),))))
assert result.cards and not result.errors, result.errors
print(" ".join(m for m in ("fontTools", "requests", "urllib3", "cachecontrol", "numpy", "cv2") if m in sys.modules))
"""


def probe(tmp_path: Path, cache: Path) -> set[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("QUOTECARDS_NO_FONT_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "samples/posts/launch-day.md"),
                           str(tmp_path / "out"), str(ROOT)], env=env, capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_a_local_photo_card_loads_no_http_stack_and_with_warm_font_facts_no_font_parser(tmp_path):
    cache = tmp_path / "cache"
    first = probe(tmp_path, cache)
    assert "fontTools" in first  # a cold store: the fonts are read once…
    assert (cache / "quotecards" / font_facts.STORE_NAME).is_file()
    second = probe(tmp_path, cache)
    # …and never again; and no HTTP stack for a local photo either time. OpenCV (and numpy under
    # it) is loaded to look for faces in the photo, and only then.
    assert second == {"numpy", "cv2"}, second
    assert not first & {"requests", "urllib3", "cachecontrol"}


def test_a_changed_font_file_is_read_again(tmp_path):
    font = tmp_path / "Inter-Regular.otf"
    shutil.copy(ROOT / "fonts" / "Inter-Regular.otf", font)
    store = font_facts.FontFacts(tmp_path / "store.json")
    assert store.faces(font)[0]["family"] == "Inter"
    assert ord("A") in store.coverage(font, 0)
    saved = json.loads((tmp_path / "store.json").read_text())
    assert saved[str(font)]["faces"][0]["weight"] == 400
    # Another font under the same name: its size and mtime differ, so it is read afresh.
    shutil.copy(ROOT / "fonts" / "NotoSansHebrew-Regular.ttf", font)
    os.utime(font, ns=(1, 1))
    again = font_facts.FontFacts(tmp_path / "store.json")
    assert again.faces(font)[0]["family"] == "Noto Sans Hebrew"
    assert ord("\u05d0") in again.coverage(font, 0)


def test_a_store_that_cannot_be_written_is_no_store(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = font_facts.FontFacts(blocker / "store.json")  # under a regular file: never writable
    assert store.faces(ROOT / "fonts" / "Inter-Regular.otf")[0]["family"] == "Inter"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert font_facts.FontFacts(broken).faces(ROOT / "fonts" / "Inter-Regular.otf")[0]["family"] == "Inter"


def test_the_store_forgets_fonts_that_are_gone(tmp_path):
    kept, temporary = tmp_path / "kept.otf", tmp_path / "temporary.otf"
    for font in (kept, temporary):
        shutil.copy(ROOT / "fonts" / "Inter-Regular.otf", font)
    store = font_facts.FontFacts(tmp_path / "store.json")
    assert ord("A") in store.coverage(kept, 0) and ord("A") in store.coverage(temporary, 0)
    assert set(json.loads((tmp_path / "store.json").read_text())) == {str(kept), str(temporary)}
    temporary.unlink()  # a test run's or a CI job's folder, gone
    shutil.copy(ROOT / "fonts" / "NotoSansHebrew-Regular.ttf", tmp_path / "new.ttf")
    assert ord("\u05d0") in store.coverage(tmp_path / "new.ttf", 0)  # the next write drops the lost one
    assert set(json.loads((tmp_path / "store.json").read_text())) == {str(kept), str(tmp_path / "new.ttf")}
    assert font_facts.FontFacts(tmp_path / "store.json").coverage(kept, 0) == store.coverage(kept, 0)


def test_a_coverage_holds_exactly_the_fonts_code_points(tmp_path):
    from fontTools.ttLib import TTFont

    font = ROOT / "fonts" / "NotoSansHebrew-Regular.ttf"
    cmap = set(TTFont(font).getBestCmap())
    coverage = font_facts.FontFacts(tmp_path / "store.json").coverage(font, 0)
    assert len(coverage) == len(cmap)
    assert {cp for cp in range(0x110000) if cp in coverage} == cmap  # ranges' first, last and next points alike
    assert "A" not in coverage and -1 not in coverage


# Builds a folder of two posts, then again after one changed: which modules the second build loaded.
BUILD_PROBE = """
import sys
from pathlib import Path
from quotecards.build.batch import BuildOptions, build
from quotecards.options import RenderOptions
from quotecards.sources.fetch import FetchOptions
content, out = Path(sys.argv[1]), Path(sys.argv[2])
summary = build(content, BuildOptions(RenderOptions(out_dir=out, fetch=FetchOptions(roots=(content,))), jobs=2))
assert summary.made == int(sys.argv[3]) and not summary.failed, summary
print(" ".join(m for m in ("numpy", "PIL", "icu", "quotecards.cards") if m in sys.modules))
"""


def test_a_build_with_one_changed_post_loads_no_numpy(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "samples/images/rocket.jpg", content / "rocket.jpg")
    for name in ("a", "b"):
        (content / f"{name}.md").write_text(f"---\ntitle: Post {name}\nfeatured_image:\n  image: rocket.jpg\n"
                                            f"featured_quote:\n  quote: Quote {name}, short.\n---\n")

    def loaded(made: int) -> set[str]:
        done = subprocess.run([sys.executable, "-c", BUILD_PROBE, str(content), str(tmp_path / "out"), str(made)],
                              capture_output=True, text=True, check=True)
        return set(done.stdout.split())

    assert "numpy" in loaded(2)  # two cards: numpy's filters, loaded once before the workers fork
    (content / "a.md").write_text((content / "a.md").read_text().replace("short.", "shorter."))
    assert "numpy" not in loaded(1)  # one card: Pillow's filters, in the one worker


def test_a_build_with_nothing_changed_loads_no_rendering(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "samples/images/rocket.jpg", content / "rocket.jpg")
    (content / "a.md").write_text("---\ntitle: A\nlang: ja\nfeatured_image:\n  image: rocket.jpg\n"
                                  "featured_quote:\n  quote: 図書館は閉まりません。\n---\n")

    def loaded(made: int) -> set[str]:
        done = subprocess.run([sys.executable, "-c", BUILD_PROBE, str(content), str(tmp_path / "out"), str(made)],
                              capture_output=True, text=True, check=True)
        return set(done.stdout.split())

    assert loaded(1) >= {"PIL", "icu"}
    # Nothing to draw: neither Pillow, nor ICU, nor numpy, nor the renderer is loaded to find that out.
    assert loaded(0) == set()


def broken_font(kind: str, folder: Path) -> Path:
    """A site font that cannot be drawn with, named House Sans where its name table still reads."""
    import random

    from fontTools.ttLib import TTFont

    if kind == "garbage":
        path = folder / "x.ttf"
        path.write_bytes(random.Random(3).randbytes(5000))
        return path
    font = TTFont(ROOT / "fonts" / ("Inter-Bold.otf" if kind == "truncated" else "NotoSerifDisplay-Bold.ttf"))
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = "House Sans"
    path = folder / f"HouseSans-Bold{'.otf' if kind == 'truncated' else '.ttf'}"
    font.save(path)
    data = bytearray(path.read_bytes())
    if kind == "truncated":  # cut inside the cmap: the name table reads, the characters do not
        path.write_bytes(bytes(data[:20000]))
        return path
    glyf = TTFont(path).reader.tables["glyf"]  # outlines garbled: only FreeType, drawing them, finds out
    data[glyf.offset:glyf.offset + glyf.length] = random.Random(1).randbytes(glyf.length)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("kind", ["garbage", "truncated", "garbled outlines"])
def test_a_broken_font_in_the_sites_font_dirs_is_an_error_naming_it(tmp_path, kind):
    from click.testing import CliRunner

    from quotecards.cli import main

    (tmp_path / "brand-fonts").mkdir()
    broken = broken_font(kind, tmp_path / "brand-fonts")
    post = house_font_site(tmp_path)
    result = CliRunner().invoke(main, ["render", str(post), "--out", str(tmp_path / "out"), "--offline",
                                       "--site-root", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {broken}: font_dirs: not a font"), result.stderr
    assert result.stderr.count("\n") == 1 and "replace it" in result.stderr


def test_a_broken_fonts_verdict_is_kept_until_the_file_changes(tmp_path, monkeypatch):
    font = broken_font("truncated", tmp_path)
    store = font_facts.FontFacts(tmp_path / "store.json")
    assert "unexpected end of 'cmap' table" in store.problem(font)
    assert store.problem(ROOT / "fonts" / "Inter-Regular.otf") == ""
    store.save()
    monkeypatch.setattr(font_facts, "_problem", lambda path: pytest.fail(f"{path} checked again"))
    again = font_facts.FontFacts(tmp_path / "store.json")
    assert again.problem(font) == store.problem(font) and again.problem(ROOT / "fonts" / "Inter-Regular.otf") == ""
