"""A quote is set as said: its own marks kept, nested quotations in the language's inner marks,
ranges with an en dash, each language's outer marks; a long one is flagged, not cut."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecards.cli import main
from quotecards.draw.layout import find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS
from quotecards.draw.render import render
from quotecards.sources.post import Post, ReadOptions, read_post
from quotecards.text.cleanup import clean, quotation, quote_marks

ROOT = Path(__file__).resolve().parent.parent


def post(quote: str, lang: str = "") -> Post:
    return Post(source=ROOT / "x.md", slug="x", quote=quote, attribution="Someone", citation="", image=None,
                image_alt="", title="", description="", date=None, section="", lang=lang)


def test_a_quote_with_its_own_marks_is_not_marked_again():
    card = render(plan_card(post("\u201cIt\u2019s not over,\u201d she said."), load_layout(find_layout("photo")),
                            PLATFORMS["og"]), None)
    block = card.blocks["quote"]
    assert block.hang == "" and " ".join(block.lines_as_set).startswith("\u201cIt\u2019s not over,\u201d")
    assert " ".join(block.lines_as_set).count("\u201c") == 1
    plain = render(plan_card(post("It is not over."), load_layout(find_layout("photo")), PLATFORMS["og"]), None)
    assert plain.blocks["quote"].hang == "\u201c"  # a bare quote still gets the language's marks


@pytest.mark.parametrize("text, lang, expected", [
    ('He told me "we will win" and left.', "en", "He told me \u2018we will win\u2019 and left."),
    ('Он сказал "нет" вчера', "ru", "Он сказал \u201eнет\u201c вчера"),
    ('Ми почули "так" від усіх', "uk", "Ми почули \u201eтак\u201c від усіх"),
    ('Er sagte "nein" gestern', "de", "Er sagte \u201anein\u2018 gestern"),
    ('彼は"はい"と言った', "ja", "彼は\u300eはい\u300fと言った"),
    # Whichever marks the author typed inside: never «…«нет»…», „…„Web“…“ or «…« cookies »…».
    ("Мы говорим «нет» этим «правилам».", "ru", "Мы говорим \u201eнет\u201c этим \u201eправилам\u201c."),
    ("Das „Web“ gehört allen.", "de", "Das \u201aWeb\u2018 gehört allen."),
    ("Nous refusons les « cookies » tiers.", "fr", "Nous refusons les \u201ccookies\u201d tiers."),
    ("Mówimy «nie» tym zasadom.", "pl", "Mówimy \u00abnie\u00bb tym zasadom."),
    ("Mówimy „nie” tym zasadom.", "pl", "Mówimy \u00abnie\u00bb tym zasadom."),
    # Inside the marks the author typed around the whole quote too.
    ("« Il a dit «cookies» hier. »", "fr", "Il a dit \u201ccookies\u201d hier."),
    ("„Er sagte „nie“ und ging.“", "de", "Er sagte \u201anie\u2018 und ging."),
    ("„Er sagte \"nie wieder\" und ging.“", "de", "Er sagte \u201anie wieder\u2018 und ging."),
    ("«Он сказал «никогда» и ушёл»", "ru", "Он сказал \u201eникогда\u201c и ушёл"),
    ("\u201cHe said \"never\" and left.\u201d", "en", "He said \u2018never\u2019 and left."),
])
def test_a_quotation_inside_the_quote_takes_the_languages_inner_marks(text, lang, expected):
    assert quotation(clean(text, lang), lang) == (expected, False)


def test_ranges_take_an_en_dash_and_dates_do_not():
    assert clean("From 2024-2025, on 2024-05-01, pages 10-12.", "en") == \
        "From 2024\u20132025, on 2024-05-01, pages 10\u201312."


@pytest.mark.parametrize("lang, marks", [
    ("en", ("\u201c", "\u201d")), ("de", ("\u201e", "\u201c")), ("fr", ("\u00ab\u202f", "\u202f\u00bb")),
    ("ru", ("\u00ab", "\u00bb")), ("uk", ("\u00ab", "\u00bb")), ("el", ("\u00ab", "\u00bb")),
    ("hy", ("\u00ab", "\u00bb")), ("ka", ("\u201e", "\u201c")),
    ("ja", ("\u300c", "\u300d")), ("zh-Hant", ("\u300c", "\u300d")),
])
def test_each_language_its_own_marks(lang, marks):
    assert quote_marks(lang) == marks


def test_a_japanese_quote_without_a_language_gets_japanese_marks(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: T\nfeatured_quote: この図書館は閉まりません。\n---\n")
    assert read_post(page).lang == "ja" and quote_marks(read_post(page).lang)[0] == "\u300c"


def test_a_long_quote_is_set_whole_and_flagged(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: T\nfeatured_quote: {quote: " + "a rather long quotation indeed " * 10 + ", summary: S}\n---\n")
    result = CliRunner().invoke(main, ["render", str(page), "--out", str(tmp_path / "out"), "--offline"])
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"][0]
    assert "long quote" in card["warning_kinds"] and not card["overflow"]
    assert any("the quote is 50 words" in w for w in card["warnings"])


def test_the_attribution_is_never_set_larger_than_the_quote():
    long_quote = read_post(ROOT / "samples/posts/deep-field.md", ReadOptions(long_quote_words=0))  # a small quote
    for platform in PLATFORMS.values():
        card = render(plan_card(long_quote, load_layout(find_layout("photo")), platform), None)
        assert card.blocks["attribution"].size <= card.blocks["quote"].size, platform.name


def test_an_attribution_does_not_break_inside_the_name_it_opens_with():
    from quotecards.text import fonts, typeset

    stack = fonts.stack_for(fonts.find_face("Inter", 600))
    text = "Oksana Petrenko, head of the regional water board"
    for width in range(220, 520, 20):
        block = typeset.set_text(text, stack, width, 400, 24, 24, opens_with_name=True)
        assert not any(line.rstrip().endswith("Oksana") for line in block.lines_as_set), (width, block.lines_as_set)


@pytest.mark.parametrize("text, tied", [
    ("We walked 12 km \u2014 then more", ["12\u00a0km", "km\u00a0\u2014"]),
    ("Prices rose 40 % this year", ["40\u00a0%"]),
    ("The line took 10 min, not 5 s", ["10\u00a0min", "5\u00a0s"]),
])
def test_a_number_stays_with_its_unit_and_a_dash_with_the_word_before_it(text, tied):
    cleaned = clean(text, "en")
    assert all(piece in cleaned for piece in tied), cleaned
    assert clean("Page 10 of 20", "en") == "Page 10 of 20"
