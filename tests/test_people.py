"""Cards on photos of people, animals and things (tests/corpus/people: public-domain and CC0
photos, subject boxes drawn by hand and carried through by make.py): faces found, kept whole in
every crop and never under the text, no ink in the margin, one veil per text group — on every
platform preset and every design that shows a photo."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from quotecards import render_posts
from quotecards.card_warnings import Kind
from quotecards.cards import Chosen, compose_card
from quotecards.config import SiteConfig
from quotecards.context import RenderOptions, RunContext
from quotecards.draw import photo
from quotecards.draw.arrange import MARGIN
from quotecards.draw.geometry import PixelBox
from quotecards.draw.platforms import PLATFORMS
from quotecards.draw.render import Rendered
from quotecards.draw.subjects import see
from quotecards.sources.fetched import FetchOptions
from quotecards.sources.post import read_post

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ROOT / "tests/corpus/people"
CORPUS: list[dict[str, Any]] = tomllib.loads((PEOPLE / "corpus.toml").read_text("utf-8"))["photo"]
WITH_FACES = [p["file"] for p in CORPUS if any(s["kind"] == "face" for s in p.get("subject", []))
              and p["detectable"]]
DESIGNS = ["photo", "band", "split", "headline"]
QUOTE = "We trained for years for nine minutes of flight, and every one of those minutes was worth the wait."
BASE = read_post(ROOT / "samples/posts/launch-day.md")


def _entry(name: str) -> dict[str, Any]:
    return next(p for p in CORPUS if p["file"] == name)


@functools.lru_cache(maxsize=16)  # each photo decoded once for the whole module
def _picture(name: str) -> Image.Image:
    return photo.decode((PEOPLE / name).read_bytes(), target=(1920, 1920))


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


@pytest.mark.parametrize("entry", CORPUS, ids=[p["file"] for p in CORPUS])
def test_the_faces_in_a_photo_are_found_and_nothing_else_is_taken_for_one(entry):
    found = [s for s in see(_picture(entry["file"])).subjects if s.kind == "face"]
    width, height = entry["size"]
    drawn = [tuple(v / (width, height)[i % 2] for i, v in enumerate(s["box"]))
             for s in entry.get("subject", []) if s["kind"] == "face"]
    if not entry["detectable"]:
        assert all(any(_iou(f.box, d) > 0.3 for d in drawn) for f in found)  # a miss, never a false face
        return
    assert len(found) == len(drawn)
    for box in drawn:
        assert any(_iou(f.box, box) > 0.4 for f in found), f"no face found at {box}"
        head = next(f.keep for f in found if _iou(f.box, box) > 0.4)
        assert head[1] <= box[1] and head[3] >= box[3]  # the head reaches over the brow and the chin


def _card(name: str, design: str, platform: str) -> tuple[Rendered, str, list[str]]:
    post = replace(BASE, quote=QUOTE if design != "headline" else "", attribution="Eileen Collins, pilot",
                   kind="headline" if design == "headline" else "quote", focal_point=None,
                   title="Nine minutes of flight after years of training")
    options = RenderOptions(out_dir=ROOT / "unused", config=SiteConfig(site_name="The Harbour Times"))
    with RunContext.open(options) as ctx:
        _spec, card, used = compose_card(post, ctx, Chosen(ctx.layouts.get(design), "site", _picture(name), None),
                                         PLATFORMS[platform], keep_backdrop=False)
    return card, used.layout.name, [w.kind.value for w in [*card.warnings, *used.warnings_on(PLATFORMS[platform])]]


def _on_card(box: list[int], card: Rendered) -> PixelBox:
    """A box of the photo's own pixels where it lands on the card (clipped to the photo's box)."""
    assert card.crop is not None and card.photo_box is not None
    x, y, w, h = card.crop
    area = card.photo_box
    sx, sy = area.width / w, area.height / h
    left, top = area.left + (box[0] - x) * sx, area.top + (box[1] - y) * sy
    right, bottom = area.left + (box[2] - x) * sx, area.top + (box[3] - y) * sy
    return PixelBox(round(max(area.left, left)), round(max(area.top, top)), round(min(area.right, right)),
                    round(min(area.bottom, bottom)))


def _share_inside(box: list[int], card: Rendered) -> float:
    assert card.crop is not None
    x, y, w, h = card.crop
    inside = max(0, min(box[2], x + w) - max(box[0], x)) * max(0, min(box[3], y + h) - max(box[1], y))
    return inside / ((box[2] - box[0]) * (box[3] - box[1]))


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("name", WITH_FACES)
def test_faces_are_kept_whole_and_never_under_the_text(name, design):
    faces = [s["box"] for s in _entry(name)["subject"] if s["kind"] == "face"]
    for platform in PLATFORMS:
        card, used, kinds = _card(name, design, platform)
        where = f"{name} in {design} (used {used}) on {platform}"
        assert card.crop is not None, where
        for face in faces:
            share = _share_inside(face, card)
            # A face is in the crop whole, or (a panel too wide for a split card's half) left out
            # whole and the card says so: never cut through.
            assert share >= 0.9 or (share == 0 and Kind.SUBJECT_CROPPED.value in kinds), f"{where}: {share:.0%}"
            if share == 0:
                continue
            on_card = _on_card(face, card)
            for source, ink in card.text_boxes.items():
                assert not ink.overlap(on_card), f"{where}: {source} over a face"


@pytest.mark.parametrize("design", DESIGNS + ["brand", "long"])
@pytest.mark.parametrize("name", ["face-left.jpg", "two-faces.jpg", "flat-bright.jpg"])
def test_no_ink_within_the_margin(name, design):
    for platform, spec in PLATFORMS.items():
        card, used, _kinds = _card(name, design, platform)
        margin = MARGIN * spec.width
        for source, ink in card.text_boxes.items():
            assert ink.left >= margin - 1 and ink.top >= margin - 1, f"{source} in {used} on {platform}: {ink}"
            assert ink.right <= spec.width - margin + 1 and ink.bottom <= spec.height - margin + 1, \
                f"{source} in {used} on {platform}: {ink}"


def test_one_veil_per_text_group_and_no_box_per_line():
    """On a bright photo kept under the text (no aside design), the extra veil is one soft panel
    for the text group, as dark between the lines as on them: no stair-stepped slabs."""
    post = replace(BASE, quote=QUOTE, focal_point=None)
    config = SiteConfig(site_name="T", photo_aside_layout="")
    with RunContext.open(RenderOptions(out_dir=ROOT / "unused", config=config)) as ctx:
        _spec, card, used = compose_card(post, ctx, Chosen(ctx.layouts.get("photo"), "site",
                                                           _picture("flat-bright.jpg"), None), PLATFORMS["og"])
    assert used.layout.name == "photo" and Kind.HEAVY_VEIL in [w.kind for w in card.warnings]
    assert len(card.veils) == 1 and card.backdrop is not None
    panel, quote = card.veils[0], card.blocks["quote"]
    assert len(quote.rows) >= 2
    inner = card.text_boxes["quote"]
    # Down a column inside the quote the design's scrim darkens smoothly; a veil per line would
    # step at every line's edge.
    column = card.backdrop.convert("L").crop((inner.left + 5, inner.top, inner.left + 6, inner.bottom))
    values = list(column.get_flattened_data())
    assert max(abs(a - b) for a, b in zip(values, values[1:])) <= 3, "the veil steps from line to line"
    assert panel.left <= inner.left and panel.right >= inner.right and panel.bottom >= card.text_boxes[
        "attribution"].bottom


def test_a_near_white_photo_goes_beside_the_text_rather_than_greyed():
    card, used, kinds = _card("flat-bright.jpg", "photo", "og")
    assert used == "split" and Kind.HEAVY_VEIL.value in kinds


def test_a_panel_too_wide_for_a_split_half_keeps_one_face_whole_and_says_so():
    card, used, kinds = _card("two-faces.jpg", "split", "og")
    assert used == "split" and Kind.SUBJECT_CROPPED.value in kinds
    shares = sorted(_share_inside(s["box"], card) for s in _entry("two-faces.jpg")["subject"])
    assert shares[0] == 0 and shares[1] >= 0.99


def test_the_manifest_records_the_composition(tmp_path):
    post = tmp_path / "p.md"
    post.write_text(f"---\ntitle: T\nfeatured_image: {PEOPLE / 'face-right.jpg'}\nfeatured_quote:\n"
                    f"  quote: \"{QUOTE}\"\n  summary: Eileen Collins\n---\n", encoding="utf-8")
    result = render_posts([post], RenderOptions(out_dir=tmp_path / "out", fetch=FetchOptions(roots=(PEOPLE,))))
    record = result.cards[0]
    assert record.layout == "photo" and record.crop is not None and record.photo_box == [0, 0, 1200, 630]
    assert [s["kind"] for s in record.subjects] == ["face"] and record.subjects[0]["source"] == "opencv"
    face = record.subjects[0]["box"]
    assert face[0] > 600  # on the right, where the photo has her
    assert set(record.text_boxes) >= {"quote", "attribution"}
    assert record.placement["candidate"] in record.placement["scores"]
    x, y, w, h = record.crop
    assert 0 <= x and 0 <= y and x + w <= 1200 and y + h <= 675  # in the photo's own pixels


@pytest.mark.parametrize("platform", ["story", "instagram-portrait", "pinterest"])
@pytest.mark.parametrize("quote", ["Done is a feature.", QUOTE])
def test_a_tall_split_card_gives_the_photo_the_room_its_text_does_not_use(platform, quote):
    post = replace(BASE, quote=quote, focal_point=None)
    config = SiteConfig(site_name="T", photo_aside_layout="")
    picture = _picture("face-left.jpg").resize((2400, 1350))  # large enough for any canvas
    with RunContext.open(RenderOptions(out_dir=ROOT / "unused", config=config)) as ctx:
        _spec, card, _used = compose_card(post, ctx, Chosen(ctx.layouts.get("split"), "site", picture, None),
                                          PLATFORMS[platform])
    height = PLATFORMS[platform].height
    assert card.photo_box is not None and card.photo_box.bottom >= 0.42 * height - 1  # never smaller than designed
    text_top = min(box.top for box in card.text_boxes.values())
    assert text_top - card.photo_box.bottom < 0.12 * height  # the text follows the photo, not half a card down
    for face in [s.box for s in card.subjects if s.subject.kind == "face"]:
        assert face.bottom <= card.photo_box.bottom


def test_the_site_name_is_left_off_a_face_at_the_top_of_a_tall_card():
    post = replace(BASE, quote=QUOTE, focal_point=None)
    config = SiteConfig(site_name="The Harbour Times", photo_aside_layout="")
    picture = _picture("face-left.jpg").resize((2400, 1350))
    with RunContext.open(RenderOptions(out_dir=ROOT / "unused", config=config)) as ctx:
        _spec, card, _used = compose_card(post, ctx, Chosen(ctx.layouts.get("photo"), "site", picture, None),
                                          PLATFORMS["story"])
    assert "the site's name left out: it would cover a face" in [w.message for w in card.warnings]


SCRIPTS = [("ja", "本は、待ってくれる。", "佐藤花子、図書館長"),
           ("zh", "我们不卖速度。我们卖的是你和朋友一起度过的十分钟，一杯慢慢冲泡的咖啡，和一个安静的下午。", "王小明，咖啡馆店主"),
           ("ar", "المكتبة لا تغلق أبدًا، لأن في المدينة ليلًا من يريد أن يقرأ.", "ليلى حسن، أمينة المكتبة"),
           ("en", "Done is a feature.", "Jürgen Weiß, managing editor")]


@pytest.mark.parametrize("design", ["brand", "long", "split", "band", "photo"])
@pytest.mark.parametrize(("lang", "quote", "attribution"), SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_every_text_stays_inside_the_canvas_margin_in_every_script(design, lang, quote, attribution):
    """Moving text in from the margin, and centring its group again, never walks it off the card
    (the group's room is taken from the design, not from where the last round left it)."""
    post = replace(BASE, quote=quote, attribution=attribution, lang=lang, focal_point=None)
    options = RenderOptions(out_dir=ROOT / "unused", config=SiteConfig(site_name="The Harbour Times"))
    with RunContext.open(options) as ctx:
        for platform, spec in PLATFORMS.items():
            _spec, card, used = compose_card(post, ctx, Chosen(ctx.layouts.get(design), "site",
                                                               _picture("coffee.jpg"), None), spec,
                                             keep_backdrop=False)
            margin = MARGIN * spec.width
            for source, ink in card.text_boxes.items():
                where = f"{source} ({lang}) in {used.layout.name} on {platform}: {ink}"
                assert ink.left >= margin - 1 and ink.top >= margin - 1, where
                assert ink.right <= spec.width - margin + 1 and ink.bottom <= spec.height - margin + 1, where


@pytest.mark.parametrize("design", ["photo", "headline"])
def test_a_face_is_not_dimmed_by_the_design_s_veil(design):
    """The layout's scrim darkens the photo towards the text; over a face it keeps at most a
    quarter of itself (the text is never there, and its own veil is made where it is)."""
    post = replace(BASE, quote=QUOTE if design == "photo" else "", kind="quote" if design == "photo" else "headline",
                   title="Nine minutes of flight after years of training", focal_point=None)
    config = SiteConfig(site_name="T", photo_aside_layout="")
    picture = _picture("small-face.jpg").resize((3600, 1620))
    with RunContext.open(RenderOptions(out_dir=ROOT / "unused", config=config)) as ctx:
        _spec, card, _used = compose_card(post, ctx, Chosen(ctx.layouts.get(design), "site", picture, None),
                                          PLATFORMS["og"])
    assert card.backdrop is not None and card.focus is not None and card.placement != "designed"
    face = next(s.box for s in card.subjects if s.subject.kind == "face")
    core = (face.left + face.width // 4, face.top + face.height // 4, face.right - face.width // 4,
            face.bottom - face.height // 4)
    bare = photo.cover(picture, card.image.size, card.focus).crop(core).convert("L")
    shown = card.backdrop.crop(core).convert("L")
    mean = lambda im: sum(im.get_flattened_data()) / (im.width * im.height)  # noqa: E731
    assert mean(shown) >= 0.7 * mean(bare)


def test_the_face_detector_loads_safely_from_many_threads_at_once():
    """A service's or preview's first photo cards are drawn together: each thread's first look for
    faces imports OpenCV, which, imported from two threads at once, was met half loaded."""
    import subprocess
    import sys

    code = ("import threading\nfrom quotecards.draw import subjects\nerrors = []\n"
            "def load():\n    try:\n        subjects._detector()\n    except Exception as exc:\n"
            "        errors.append(repr(exc))\n"
            "threads = [threading.Thread(target=load) for _ in range(8)]\n"
            "[t.start() for t in threads]\n[t.join() for t in threads]\nprint(errors)\n")
    for _ in range(3):  # a fresh process each time: OpenCV not yet imported
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr
