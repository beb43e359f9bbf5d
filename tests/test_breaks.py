"""Where lines may and may not break, by a headline setter's rules on top of UAX #14, in
Chinese, Japanese, English and Russian — checked on the lines actually set, at many widths."""

from __future__ import annotations

import pytest
from helpers import SERIF, line_ends, never_inside

from quotecards.text import fonts, linebreak, typeset

WIDTHS = range(500, 1400, 20)
CJK = "fonts-noto-cjk"


@pytest.mark.system(CJK)
def test_chinese_breaks_between_words_not_inside_them():
    text = "我们在下午讨论和平的问题，也讨论每个人的责任。"
    never_inside(text, "zh", ["我们", "下午", "讨论", "和平", "问题", "责任"], range(160, 700, 23))


@pytest.mark.system(CJK)
def test_chinese_without_lang_is_still_broken_between_words():
    text = "我們在下午討論和平的問題。"
    assert "和平" in linebreak.segments(text, linebreak.locale_for(text, ""))[4]


@pytest.mark.system(CJK)
def test_japanese_keeps_a_verb_with_its_ending():
    text = "この図書館は決して閉まりません。夜の街にも、本を読みたい人がいるからです。"
    never_inside(text, "ja", ["閉まりません", "図書館は", "読みたい"], range(300, 800, 19))


@pytest.mark.system(CJK)
def test_a_japanese_phrase_wider_than_the_line_is_still_broken():
    text = "閉まりません閉まりません閉まりません"
    block = typeset.set_text(text, SERIF, 150, 5000, 40, 40, lang="ja")
    assert "".join(block.lines) == text and len(block.lines) > 1


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_units_and_compounds_are_not_split(lang):
    text = {"en": "Our HTTP/2 server answers e-mail 24/7 and we celebrate 🎉 every quiet night",
            "ru": "Наш HTTP/2 сервер отвечает на e-mail 24/7 и мы празднуем 🎉 каждую тихую ночь"}[lang]
    never_inside(text, lang, ["HTTP/2", "e-mail", "24/7", "празднуем 🎉" if lang == "ru" else "celebrate 🎉"],
                 range(330, 900, 17))


def test_an_emoji_written_against_a_word_stays_with_it():
    assert "Hurrah🎉 " in linebreak.segments("Hurrah🎉 we won", linebreak.locale_for("Hurrah🎉 we won", "en"))


def test_a_long_compound_may_still_break_at_its_hyphen():
    text = "well-established"
    assert linebreak.segments(text, linebreak.locale_for(text, "en")) == ["well-", "established"]


@pytest.mark.parametrize("lang,text,sentence_end", [
    ("en", "Four years of concrete, paperwork and patience took nine seconds to disappear behind us. "
           "That’s the job.", "us. "),
    ("ru", "Четыре года бетона, бумаг и терпения ушли за девять секунд. Такая у нас работа.", "секунд. "),
])
def test_a_break_at_a_sentence_end_is_preferred(lang, text, sentence_end):
    # "…behind | us. That’s the job." must not happen where "…behind us. | That’s the job." fits.
    at_end = text.index(sentence_end) + len(sentence_end.rstrip())
    word_before = text.rindex(" ", 0, at_end)
    font = fonts.load(SERIF[0], 40)
    hits = 0
    for width, (ends, lines) in zip(WIDTHS, line_ends(text, lang, WIDTHS)):
        hits += at_end in ends
        if word_before in ends:
            start = max([0, *(e for e in ends if e < word_before)])
            assert font.getlength(text[start:at_end].strip()) > width, (width, lines)
    assert hits >= 3


def test_a_plain_language_tag_gets_the_plain_rules():
    # _break_wide falls back to these when a phrase is wider than the line.
    assert linebreak.segments("HTTP/2 e-mail", "en") == ["HTTP/", "2 ", "e-", "mail"]


@pytest.mark.system(CJK)
@pytest.mark.parametrize("lang,pair", [("ja", "。」"), ("ja", "、「"), ("zh", "」「"), ("zh", "。」")])
def test_cjk_punctuation_that_meets_is_compressed(lang, pair):
    text = "図書館" + pair + "本"
    block = typeset.set_text(text, SERIF, 2000, 500, 100, 100, lang=lang)
    row = block.rows[0]
    halves = [p.text for p in row.pieces if p.half]
    assert halves == [pair[0]] if pair[0] in "。、」" else [pair[1]]
    # Five full-width characters and one half-width one; the ink of every glyph is still drawn.
    assert row.width == pytest.approx(550, abs=4)


@pytest.mark.system(CJK)
def test_a_cjk_line_starts_at_its_bracket_and_traditional_chinese_keeps_full_width():
    assert any(p.half for p in typeset.set_text("「慢」是招牌", SERIF, 2000, 500, 100, 100, lang="zh").rows[0].pieces)
    traditional = fonts.stack_for(SERIF[0], fonts.cjk_variant("「慢」是招牌。", "zh-hant"))
    tc = typeset.set_text("「慢」是招牌。", traditional, 2000, 500, 100, 100, lang="zh-hant")
    assert not any(p.half for p in tc.rows[0].pieces)
