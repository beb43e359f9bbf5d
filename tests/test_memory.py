"""What a run keeps is bounded by bytes, and what it stops keeping changes no pixel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from quotecards import context
from quotecards.cards import RenderOptions
from quotecards.context import RunContext
from quotecards.draw import photo
from quotecards.draw.layout import find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import get_platform
from quotecards.draw.render import render
from quotecards.sources.fetch import FetchOptions
from quotecards.sources.post import read_post
from quotecards.text import fonts

ROOT = Path(__file__).resolve().parent.parent
SERIF = fonts.stack_for(fonts.find_face("Noto Serif Display", 600))
LATIN = SERIF[0]


def test_sized_faces_are_kept_within_their_budget_newest_first():
    sized = fonts.SizedFaces(budget=2 << 20)
    for size in range(20, 60):
        sized.get(LATIN, size)
    assert sized.used <= sized.budget
    assert (LATIN, 59) in sized.fonts  # the newest stays
    assert (LATIN, 20) not in sized.fonts  # the oldest went first
    assert 1 < len(sized.fonts) < 40


@pytest.mark.system("fonts-noto-cjk")
def test_a_cjk_face_weighs_many_latin_ones():
    cjk = next(f for f in SERIF if "CJK" in f.family)
    latin, chinese = fonts.SizedFaces(budget=8 << 20), fonts.SizedFaces(budget=8 << 20)
    for size in range(20, 60):
        latin.get(LATIN, size)
        chinese.get(cjk, size)
    assert len(chinese.fonts) * 5 < len(latin.fonts)
    assert chinese.used <= chinese.budget and len(chinese.fonts) >= 1


def test_a_face_larger_than_the_budget_is_still_served():
    sized = fonts.SizedFaces(budget=1)
    font = sized.get(LATIN, 40)
    assert font.size == 40 and list(sized.fonts) == [(LATIN, 40)]


def test_the_photo_cache_holds_no_more_bytes_than_its_budget(tmp_path, monkeypatch):
    for i in range(4):
        Image.new("RGB", (1600, 1200), (40 * i, 90, 120)).save(tmp_path / f"p{i}.jpg")
        (tmp_path / f"post{i}.md").write_text(
            f"---\ntitle: Post {i}\nfeatured_image: p{i}.jpg\nfeatured_quote: Said {i}.\n---\n", encoding="utf-8")
    options = RenderOptions(out_dir=tmp_path / "out", fetch=FetchOptions(roots=(tmp_path,)))
    with RunContext.open(options) as ctx:
        one = ctx.picture(read_post(tmp_path / "post0.md"))[0]
        assert one is not None
        each = context._bytes_of(one)
        monkeypatch.setattr(context, "PHOTO_CACHE_BYTES", int(each * 2.5))
        for i in range(1, 4):
            ctx.picture(read_post(tmp_path / f"post{i}.md"))
        assert len(ctx.photos.entries) == 2
        assert ctx.photos.held == 2 * each
        # The one just decoded is kept, however large.
        monkeypatch.setattr(context, "PHOTO_CACHE_BYTES", 1)
        ctx.picture(read_post(tmp_path / "post0.md"))
        assert len(ctx.photos.entries) == 1 and ctx.photos.held == each
        ctx.photos.clear()
        assert ctx.photos.held == 0 and not ctx.photos.entries


def test_a_card_drawn_without_keeping_its_backdrop_is_the_same_card():
    layout = load_layout(find_layout("photo"))
    picture = photo.decode((ROOT / "samples/images/rocket.jpg").read_bytes())
    for platform in ("og", "story"):
        spec = plan_card(read_post(ROOT / "samples/posts/launch-day.md"), layout, get_platform(platform))
        kept, drawn = render(spec, picture), render(spec, picture, keep_backdrop=False)
        assert drawn.backdrop is None and kept.backdrop is not None
        assert ImageChops.difference(kept.image, drawn.image).getbbox() is None
        # Keeping it still means a backdrop without the text on it.
        assert ImageChops.difference(kept.image, kept.backdrop).getbbox() is not None


@pytest.mark.skipif(not Path("/proc/self/maps").exists() or "libc.so.6" not in Path("/proc/self/maps").read_text(),
                    reason="glibc only")
def test_a_run_with_encoder_threads_asks_glibc_for_one_arena():
    import subprocess
    import sys

    code = ("from pathlib import Path; from quotecards import heap; from quotecards.context import RunContext; "
            "from quotecards.cards import RenderOptions; "
            "ctx = RunContext.open(RenderOptions(out_dir=Path('.')), encode_threads=2); "
            "print(heap.share_one_arena.cache_info().misses, heap.share_one_arena()); ctx.close()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "True"]  # asked by the context before its threads started, and glibc took it


@pytest.mark.skipif(not Path("/proc/self/maps").exists() or "libc.so.6" not in Path("/proc/self/maps").read_text(),
                    reason="glibc only")
def test_memory_freed_below_live_blocks_goes_back_to_the_system():
    """What a post frees in the middle of the heap stays in the process until given back
    (heap.give_back, called between posts)."""
    import subprocess
    import sys

    code = ("from quotecards import heap\n"
            "def rss():\n"
            "    return int(open('/proc/self/statm').read().split()[1]) * 4096 >> 20\n"
            "blocks = [bytearray(4200) for i in range(20000)]\n"  # some 80 MB on the heap, touched
            "pin = bytearray(4200)\n"  # allocated after them: the heap cannot shrink from the top past it
            "del blocks\n"
            "before = rss()\n"
            "gave = heap.give_back()\n"
            "print(before, rss(), gave)\n")
    before, after, gave = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                         check=True).stdout.split()
    assert gave == "True" and int(after) < int(before) - 40, (before, after)
