"""Every script a newsroom publishes: no missing glyph, text inside its box, right order, right breaks.

The corpus is tests/corpus/multilingual.toml. CJK faces come from the system (fonts-noto-cjk,
which .ci/run installs); everything else is bundled.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import need
from helpers import ink_inside, ink_outside
from PIL import Image, ImageChops, ImageDraw

from quotecards.cards import RenderOptions, render_posts
from quotecards.draw.geometry import PixelBox
from quotecards.draw.layout import RectLayer, find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import Platform, get_platform
from quotecards.draw.render import render
from quotecards.sources.post import Post
from quotecards.text import fonts, textruns, typeset

CJK_SAMPLES = {"chinese", "japanese", "korean"}  # their faces come from the system, not fonts/
CORPUS = {q["name"]: q for q in tomllib.loads(
    (Path(__file__).parent / "corpus" / "multilingual.toml").read_text("utf-8"))["quote"]}
LAYOUT = load_layout(find_layout("photo"))
CANVASES = [get_platform("og"), Platform("square", 1080, 1080, 8 << 20, ""),
            Platform("story", 1080, 1920, 8 << 20, "")]
# The face that must have drawn each sample's quote: proof the fallback reached the script.
EXPECTED_FACE = {
    "arabic": "Noto Naskh Arabic", "arabic-long": "Noto Naskh Arabic", "hebrew": "Noto Serif Hebrew",
    "armenian": "Noto Serif Armenian", "georgian": "Noto Serif Georgian", "hindi": "Noto Serif Devanagari",
    "thai": "Noto Serif Thai", "chinese": "Noto Serif CJK SC", "japanese": "Noto Serif CJK JP",
    "korean": "Noto Serif CJK KR", "emoji": "Noto Color Emoji", "vietnamese": "Noto Serif Display",
    "azerbaijani": "Noto Serif Display", "greek": "Noto Serif Display", "russian": "Noto Serif Display",
}
SERIF = fonts.stack_for(fonts.find_face("Noto Serif Display", 600))


def post_of(sample: dict) -> Post:
    return Post(source=Path(f"{sample['name']}.md"), slug=sample["name"], quote=sample["quote"],
                attribution=sample["attribution"], citation="", image=None, image_alt="", title="",
                description="", date=None, section="", lang=sample["lang"])


def rect_boxes(card, width: int, height: int) -> list[tuple[int, int, int, int]]:
    boxes = [layer.box.within(PixelBox(0, 0, width, height)) for layer in LAYOUT.layers if isinstance(layer, RectLayer)]
    if card.blocks["quote"].rtl:  # a right-to-left card is the mirror image of the design
        boxes = [(width - b[2], b[1], width - b[0], b[3]) for b in boxes]
    return boxes


@pytest.mark.parametrize("platform", CANVASES, ids=lambda p: p.name)
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_script_is_drawn_whole_and_inside_its_box(name, platform):
    need("libfribidi0", *(["fonts-noto-cjk"] if name in CJK_SAMPLES else []))
    card = render(plan_card(post_of(CORPUS[name]), LAYOUT, platform), None)
    assert card.missing_glyphs == [], card.warnings
    assert not any(b.shortened for b in card.blocks.values())
    if name in EXPECTED_FACE:
        assert EXPECTED_FACE[name] in {f.family for f in card.blocks["quote"].faces_used}
    allowed = list(card.boxes.values()) + rect_boxes(card, platform.width, platform.height)
    assert ink_outside(card.image, card.backdrop, allowed) is None
    for source, box in card.boxes.items():
        assert ink_inside(card.image, card.backdrop, box) is not None, f"{source} drew nothing"


def test_bidi_order_matches_raqm_on_a_one_face_line():
    # One face holds every character of this line, so raqm can lay it out in a single call; our
    # run-by-run drawing (ICU bidi + L2 reordering) must put the same glyphs in the same places.
    text = "عام 2027، وإن المياه 15 نظيفة"
    face = fonts.find_face("Noto Naskh Arabic", 400)
    block = typeset.set_text(text, (face,), 1100, 200, 48, 48)
    assert len(block.rows) == 1 and len(block.rows[0].pieces) > 1
    font = fonts.load(face, 48)
    ours = Image.new("L", (1200, 120))
    draw = ImageDraw.Draw(ours)
    for piece in block.rows[0].pieces:
        draw.text((20 + piece.x, 80), piece.text, font=font, fill=255, anchor="ls",
                  direction="rtl" if piece.rtl else "ltr")
    theirs = Image.new("L", (1200, 120))
    ImageDraw.Draw(theirs).text((20, 80), text, font=font, fill=255, anchor="ls", direction="rtl")
    assert ours.getbbox() == pytest.approx(theirs.getbbox(), abs=2)
    diff = ImageChops.difference(ours, theirs).point(lambda v: 255 if v > 128 else 0)
    assert diff.histogram()[255] < 0.02 * theirs.point(lambda v: 255 if v > 128 else 0).histogram()[255]


def test_latin_name_in_arabic_sits_where_the_reader_expects_it():
    # "The director said that the Kura River project…": reading right to left, the name comes
    # after "project" (مشروع), so on the page it sits to the left of it, and the Latin reads
    # left to right inside.
    text = "قال المدير إن مشروع Kura River سيكتمل"
    block = typeset.set_text(text, SERIF, 1100, 200, 40, 40)
    pieces = block.rows[0].pieces
    order = [p.text.strip() for p in pieces if p.text.strip()]
    assert order == ["سيكتمل", "Kura River", "قال المدير إن مشروع"]
    assert [p.rtl for p in pieces if p.text.strip()] == [True, False, True]


def test_hebrew_attribution_with_a_latin_institution_reads_right_to_left():
    text = CORPUS["hebrew"]["attribution"]  # "Noa Levi, Tel Aviv Public Library"
    block = typeset.set_text(text, fonts.stack_for(fonts.find_face("Inter", 600)), 1100, 200, 30, 30)
    assert block.rtl
    visual = [p.text for p in block.rows[0].pieces]
    # Reading from the right: the name, its comma, then the institution to its left.
    assert visual[0] == "Tel Aviv Public Library" and visual[-1].startswith("נועה לוי")


def test_a_missing_cjk_face_says_what_to_install():
    assert fonts.install_hint("中") == "Debian/Ubuntu: apt install fonts-noto-cjk"
    assert fonts.install_hint("\U00010000") == ""


def test_mixed_direction_card_draws_each_run_where_its_piece_says():
    sample = CORPUS["arabic"]
    card = render(plan_card(post_of(sample), LAYOUT, get_platform("og")), None)
    block = card.blocks["quote"]
    row_index, row = next((i, r) for i, r in enumerate(block.rows) if "Kura" in r.text)
    piece = next(p for p in row.pieces if p.text == "Kura River")
    right = card.boxes["quote"][2] - block.hang_width  # RTL: lines end at the box's right edge, the hang beyond it
    left = right - row.width + piece.x
    baseline = card.text_boxes["quote"][1] + block.ascent + row_index * block.line_height
    # Draw the name alone at that spot on the backdrop: wherever that puts ink, the card must
    # show the same pixels.
    alone = card.backdrop.convert("RGBA")
    ImageDraw.Draw(alone).text((left, baseline), "Kura River", font=fonts.load(piece.face, block.size),
                               fill="#ffffff", anchor="ls", direction="ltr", language="ar")
    alone = alone.convert("RGB")
    name_ink = ImageChops.difference(alone, card.backdrop).convert("L").point(lambda v: 255 if v > 40 else 0)
    assert name_ink.getbbox() is not None
    mismatch = ImageChops.difference(alone, card.image).convert("L").point(lambda v: 255 if v > 40 else 0)
    mismatch = ImageChops.multiply(mismatch, name_ink)
    assert mismatch.histogram()[255] < 0.01 * name_ink.histogram()[255]


def test_thai_breaks_between_words_not_inside_them():
    sample = CORPUS["thai"]
    words = ("เรา ไม่ ได้ ขาย ความ เร็ว |เรา ขาย เวลา สิบ นาที ที่ คุณ ได้ นั่ง กับ เพื่อน ของ คุณ ใน ร้าน กาแฟ "
             "เล็กๆ แห่ง นี้").replace("|", "").split()
    assert "".join(words) == sample["quote"].replace(" ", "")
    boundaries, at = {0}, 0
    for w in words:
        at += len(w)
        boundaries.add(at)
    for width in (420, 560, 700, 900):
        block = typeset.set_text(sample["quote"], SERIF, width, 2000, 40, 40, lang="th")
        at = 0
        for line in block.lines[:-1]:
            at += len(line.replace(" ", ""))
            assert at in boundaries, (width, block.lines)


@pytest.mark.parametrize("name", ["chinese", "japanese"])
def test_cjk_lines_never_start_with_closing_punctuation(name):
    text = CORPUS[name]["quote"] + "”"
    for width in range(300, 1000, 31):
        block = typeset.set_text(text, SERIF, width, 3000, 40, 40, lang=CORPUS[name]["lang"])
        for line in block.lines[1:]:
            assert line[0] not in "。，、」』）！？：；”", (width, block.lines)
        for line in block.lines[:-1]:
            assert line[-1] not in "「『（“", (width, block.lines)  # nor ends with an opening one
        assert "".join(block.lines) == text


def test_korean_breaks_only_at_spaces():
    text = CORPUS["korean"]["quote"]
    for width in range(300, 1000, 41):
        block = typeset.set_text(text, SERIF, width, 3000, 40, 40, lang="ko")
        assert " ".join(block.lines) == text, block.lines


def test_emoji_are_drawn_in_colour_at_the_text_size():
    card = render(plan_card(post_of(CORPUS["emoji"]), LAYOUT, get_platform("og")), None)
    x0, y0, x1, y1 = card.text_boxes["quote"]
    pixels = card.image.crop((x0, y0, x1, y1)).get_flattened_data()
    colourful = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 120)
    assert colourful > 2000  # the text is white; only the emoji bring colour
    emoji = next(p for row in card.blocks["quote"].rows for p in row.pieces if p.face.bitmap_size)
    assert emoji.width == pytest.approx(typeset.measure(emoji.text, emoji.face, card.blocks["quote"].size))
    assert emoji.width < 2.5 * card.blocks["quote"].size * len(textruns_graphemes(emoji.text))


def textruns_graphemes(text: str) -> list[str]:
    from quotecards.text.linebreak import graphemes
    return [g for g in graphemes(text) if not g.isspace()]


def test_zwj_sequences_and_flags_stay_in_one_emoji_run():
    faces, missing = textruns.faces_for("boat 🚣🏽\u200d♀️ flag 🇦🇿 bird 🐦\u200d⬛", SERIF)
    text = "boat 🚣🏽\u200d♀️ flag 🇦🇿 bird 🐦\u200d⬛"
    emoji_chars = {ch for ch, f in zip(text, faces) if f.bitmap_size}
    assert {"\u200d", "♀", "⬛", "\U0001F1E6", "\U0001F1FF", "\U0001F3FD"} <= emoji_chars
    assert " " not in emoji_chars and missing == []


def test_complex_text_is_refused_without_raqm_rather_than_drawn_wrong(monkeypatch, write_post, tmp_path):
    monkeypatch.setattr(fonts, "has_complex_shaping", lambda: False)
    with pytest.raises(typeset.ShapingUnavailable):
        typeset.set_text(CORPUS["arabic"]["quote"], SERIF, 900, 400, 20, 80)
    typeset.set_text("Plain Latin is fine", SERIF, 900, 400, 20, 80)
    post = write_post("ar.md", f"---\ntitle: t\nfeatured_quote:\n  quote: {CORPUS['hebrew']['quote']}\n---\n")
    result = render_posts([post], RenderOptions(out_dir=tmp_path / "out"))
    assert result.cards == []
    assert "ar.md: featured_quote.quote: right-to-left" in result.errors[0].error
    assert "libfribidi0" in result.errors[0].error


def test_a_face_missing_from_the_machine_is_left_out_of_the_stack_not_fatal(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    for face in fonts.faces():
        if face.family in ("Noto Serif Display", "Inter"):
            (folder / face.path.name).write_bytes(face.path.read_bytes())
    (folder / "stacks.toml").write_text('serif = ["Noto Serif Display", "Noto Serif Nowhere"]\nsans = ["Inter"]\n')
    stack = fonts.stack_for(fonts.find_face("Noto Serif Display", 400, folder=folder), folder=folder)
    assert [f.family for f in stack] == ["Noto Serif Display", "Inter"]
    assert [e.family for e in fonts.describe_stacks(folder) if e.face is None] == ["Noto Serif Nowhere"]


def test_cjk_variant_follows_the_text_and_the_language():
    assert fonts.cjk_variant("この図書館") == "JP"
    assert fonts.cjk_variant("고양이") == "KR"
    assert fonts.cjk_variant("图书馆") == "SC"
    assert fonts.cjk_variant("圖書館", "zh-TW") == "TC"

