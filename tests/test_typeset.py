from __future__ import annotations

import pytest

from quotecards import fonts, typeset

SERIF = fonts.find_face("Noto Serif Display", 600).path
QUOTE = ("We are winning and will get our territory back and ensure our territorial integrity. "
         "Let them abandon our territory in peace.")


def widths(block: typeset.Block) -> list[float]:
    font = fonts.load(SERIF, block.size)
    return [font.getlength(line) for line in block.lines]


def test_lines_fit_the_box_and_keep_every_word():
    block = typeset.set_text(QUOTE, SERIF, 900, 400, 20, 120)
    assert " ".join(block.lines) == QUOTE
    assert max(widths(block)) <= 900
    assert block.height <= 400
    assert not block.shortened


def test_size_is_the_largest_that_fits():
    block = typeset.set_text(QUOTE, SERIF, 900, 400, 20, 120)
    bigger = typeset.set_text(QUOTE, SERIF, 900, 400, block.size + 1, block.size + 1)
    assert bigger.shortened, "one size up should no longer fit"


def test_max_size_caps_short_quotes():
    block = typeset.set_text("Done.", SERIF, 900, 400, 20, 80)
    assert block.size == 80 and block.lines == ("Done.",)


def test_lines_are_balanced_not_greedy():
    text = "It was the best of times, it was the worst of times, it was the age of wisdom, it was"
    block = typeset.set_text(text, SERIF, 800, 1000, 48, 48)
    font = fonts.load(SERIF, 48)
    # Greedy filling, for comparison.
    greedy, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if font.getlength(trial) <= 800:
            line = trial
        else:
            greedy.append(line)
            line = word
    greedy.append(line)
    assert len(block.lines) == len(greedy)
    spread = lambda ws: max(ws) - min(ws)
    assert spread(widths(block)) < spread([font.getlength(g) for g in greedy])


def test_no_single_word_last_line_when_avoidable():
    text = "The council voted on Tuesday to keep every branch library open until midnight tonight"
    for width in range(500, 900, 37):
        block = typeset.set_text(text, SERIF, width, 2000, 40, 40)
        if len(block.lines) > 1:
            assert len(block.lines[-1].split()) > 1, block.lines


def test_too_long_text_is_shortened_with_an_ellipsis_and_fits():
    text = " ".join([QUOTE] * 10)
    block = typeset.set_text(text, SERIF, 600, 200, 24, 40)
    assert block.shortened and block.size == 24
    assert block.lines[-1].endswith(typeset.ELLIPSIS)
    assert block.height <= 200 and max(widths(block)) <= 600


def test_a_word_wider_than_the_box_is_cut_to_fit():
    url = "https://example.com/" + "a" * 120
    block = typeset.set_text(url, SERIF, 300, 300, 20, 30)
    assert max(widths(block)) <= 300


def test_hanging_mark_is_measured_and_kept():
    block = typeset.set_text(QUOTE + "\u201d", SERIF, 900, 400, 20, 120, hang="\u201c")
    assert block.hang_width > 0
    assert block.lines_as_set[0].startswith("\u201cWe") and block.lines_as_set[-1].endswith("\u201d")


@pytest.mark.parametrize("raw, clean", [
    ('He said "yes" -- then left...', "He said \u201cyes\u201d\u2014then left\u2026"),
    ("It's the '90s - really", "It\u2019s the \u201990s \u2013 really"),
    ("Caf&eacute; &amp; bar&#8217;s", "Caf\u00e9 & bar\u2019s"),
    ("  spaced \n  out  ", "spaced out"),
    ("She said 'no' twice", "She said \u2018no\u2019 twice"),
])
def test_clean(raw, clean):
    assert typeset.clean(raw) == clean


def test_strip_quote_marks():
    assert typeset.strip_quote_marks("\u201cWe win.\u201d") == "We win."
    assert typeset.strip_quote_marks("\u201cA\u201d and \u201cB\u201d") == "\u201cA\u201d and \u201cB\u201d"


def test_whatever_the_text_and_box_the_block_fits():
    import random

    rng = random.Random(7)
    vocabulary = (QUOTE + " Ləman Hüseynova İçərişəhər Nguyễn Phú Trọng Παπαδοπούλου Петренко WAVE AVA "
                  "Tyrannosaurus intercontinental, (“quoted”) — 2027").split()
    for _ in range(60):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 90)))
        box_w, box_h = rng.randint(250, 1100), rng.randint(120, 600)
        block = typeset.set_text(text, SERIF, box_w, box_h, 18, rng.randint(30, 110), hang="\u201c")
        assert block.height <= box_h, (text, box_w, box_h)
        assert max(widths(block)) <= box_w, (text, box_w, box_h)
        if not block.shortened:
            assert " ".join(block.lines) == text
