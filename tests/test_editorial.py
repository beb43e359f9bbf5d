"""Every page a card worth posting (issue 28): headline cards with a deck, long quotes, no title
as attribution, one language decision, nested marks, words kept whole in every script, bidi
bylines, and text never re-cased. Posts are our own, written in each test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SERIF, line_ends, never_inside

from quotecards.card_warnings import Kind
from quotecards.cli import main
from quotecards.draw.plan import plan_card
from quotecards.sites.hugo_config import author_names
from quotecards.sources.post import ReadOptions, read_post
from quotecards.text import fonts, linebreak, textruns, typeset
from quotecards.text.cleanup import clean, quotation, quote_marks

ROOT = Path(__file__).resolve().parent.parent
CJK = "fonts-noto-cjk"
PEOPLE = ROOT / "tests/corpus/people"
WORDS_69 = ("We have spent eleven years arguing about this river, and in those eleven years the water has not waited "
            "for us, the fish have not waited for us, and the families who live along its banks have not waited for "
            "us either; tonight, at last, we stop arguing and start the work that should have begun a decade ago, "
            "and we owe them that much.")


def render(tmp_path: Path, *posts: Path, platforms: tuple[str, ...] = ("og",), config: str = "",
           site: Path | None = None) -> dict[str, dict]:
    """Render `posts` with the CLI; the manifest's cards by platform/file stem."""
    site = site or tmp_path
    if config:
        (site / "quotecards.toml").write_text(config)
    out = tmp_path / "out"
    args = ["render", *map(str, posts), "--out", str(out), "--site-root", str(site), "--offline"]
    for platform in platforms:
        args += ["--platform", platform]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    cards = json.loads((out / "manifest.json").read_text())["cards"]
    return {f"{c['platform']}/{Path(c['post']).stem}": c for c in cards}


def _dusk(path: Path) -> None:
    """A large photo with no subject in it (a clear evening sky): the headline's own design over
    it, on every canvas."""
    import numpy as np
    from PIL import Image

    rows = np.linspace(0, 1, 2000)[:, None, None]
    sky = np.array([40, 60, 110]) * (1 - rows) + np.array([230, 140, 90]) * rows
    Image.fromarray(np.broadcast_to(sky, (2000, 1600, 3)).astype("uint8")).save(path, quality=90)


def post_file(folder: Path, name: str, front: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\nBody.\n", encoding="utf-8")
    return path


# Headline cards


def headline(tmp_path: Path, description: bool = True, photo: str = "dusk.jpg") -> Path:
    if photo == "dusk.jpg":
        _dusk(tmp_path / photo)
    elif photo:
        shutil.copy(PEOPLE / photo, tmp_path / photo)
    return post_file(tmp_path, "story.md", f"""
title: "The night the launch pad went quiet"
{'description: "Engineers spent eleven hours tracing a valve fault before the countdown resumed."' if description else ''}
published: 2026-03-14
authors: ["Maria Lopez", "Sam Ortiz"]
section: Science
{f'image: {photo}' if photo else ''}
""")


@pytest.mark.parametrize("photo", ["dusk.jpg", ""], ids=["photo", "no-photo"])
@pytest.mark.parametrize("platform", ["og", "instagram", "story"])
def test_a_headline_card_sets_kicker_title_deck_and_byline_together(tmp_path, photo, platform):
    card = render(tmp_path, headline(tmp_path, photo=photo), platforms=(platform,))[f"{platform}/story"]
    assert card["kind"] == "headline" and card["date"] == "2026-03-14" and card["layout"] == "headline"
    assert card["subjects"] == [] and card["warnings"] == []  # a clear sky has no subject to keep clear of
    boxes = card["text_boxes"]
    assert {"section", "title", "description", "byline"} <= set(boxes)
    # The kicker sits directly above the title, the deck directly below it: one group.
    assert 0 <= boxes["title"][1] - (boxes["section"][1] + boxes["section"][3]) < 0.06 * card["height"]
    assert 0 <= boxes["description"][1] - (boxes["title"][1] + boxes["title"][3]) < 0.06 * card["height"]
    assert card["alt"] == "The night the launch pad went quiet \u2014 Maria Lopez and Sam Ortiz\u00a0\u00b7 March 14, 2026"


@pytest.mark.parametrize("photo", ["face-left.jpg", "face-right.jpg", "face-high.jpg", "two-faces.jpg"])
def test_a_headline_card_never_sets_text_on_a_face(tmp_path, photo):
    cards = render(tmp_path, headline(tmp_path, photo=photo), platforms=("all",))
    for name, card in cards.items():
        faces = [s["box"] for s in card["subjects"] if s["kind"] == "face"]
        for source, box in card["text_boxes"].items():
            assert not any(_overlap(box, face) for face in faces), (name, source)


def _overlap(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_a_tall_headline_card_fills_its_height(tmp_path):
    card = render(tmp_path, headline(tmp_path, photo=False), platforms=("story",))["story/story"]
    tops = [box[1] for box in card["text_boxes"].values()]
    bottoms = [box[1] + box[3] for box in card["text_boxes"].values()]
    assert (max(bottoms) - min(tops)) > 0.3 * card["height"]  # not a small block in an empty canvas
    assert card["font_size"] >= 100


def test_a_headline_card_without_a_description_closes_up(tmp_path):
    card = render(tmp_path, headline(tmp_path, description=False, photo=False))["og/story"]
    boxes = card["text_boxes"]
    assert "description" not in boxes
    gap = boxes["byline"][1] - (boxes["title"][1] + boxes["title"][3])
    assert 0 <= gap < 0.15 * card["height"]  # the deck's room is not left as a hole


def test_dates_come_from_published_and_a_published_flag_is_passed_over(tmp_path):
    assert read_post(post_file(tmp_path, "a.md", "title: T\npublishDate: 2026-01-02")).date == "2026-01-02"
    flag = read_post(post_file(tmp_path, "b.md", "title: T\npublished: true"))
    assert flag.date is None and flag.notes == ()
    both = read_post(post_file(tmp_path, "c.md", "title: T\ndate: 2026-05-06\npublished: 2026-01-02"))
    assert both.date == "2026-05-06"


def test_author_lists_are_joined_as_the_language_lists_names(tmp_path):
    en = read_post(post_file(tmp_path, "en.md", "title: T\nauthor: [Maria Lopez, Sam Ortiz, Kim Lee]"))
    de = read_post(post_file(tmp_path, "de.md", "title: T\nlang: de\nauthors: [{name: Anna Weber}, {name: Jonas Berg}]"))
    assert (en.author, de.author) == ("Maria Lopez, Sam Ortiz, and Kim Lee", "Anna Weber und Jonas Berg")


def test_a_bare_handle_is_never_a_byline_unless_the_site_names_it(tmp_path):
    post = post_file(tmp_path, "p.md", "title: T\nauthors: [bazzadp]\ndate: 2026-02-01")
    assert read_post(post).author == ""
    assert read_post(post, ReadOptions(authors=(("bazzadp", "Barry Pollard"),))).author == "Barry Pollard"
    card = render(tmp_path, post, config='[authors]\nbazzadp = "Barry Pollard"\n')["og/p"]
    assert card["alt"] == "T \u2014 Barry Pollard\u00a0\u00b7 February 1, 2026"
    assert read_post(post_file(tmp_path, "q.md", "title: T\nauthor: Cher")).author == "Cher"


def test_hugo_author_data_gives_display_names(tmp_path):
    (tmp_path / "data" / "authors").mkdir(parents=True)
    (tmp_path / "data" / "authors" / "jdoe.yaml").write_text("name: Jane Doe\nbio: Writes.\n")
    (tmp_path / "data" / "authors.toml").write_text('[kim]\ndisplayName = "Kim Lee"\n[jdoe]\nname = "Not her"\n')
    assert dict(author_names(tmp_path / "data")) == {"jdoe": "Jane Doe", "kim": "Kim Lee"}


# Long quotes


def test_a_long_quote_gets_the_pages_headline_card_and_a_warning(tmp_path):
    post = post_file(tmp_path, "long.md", f'title: "Council approves the river plan"\nfeatured_quote:\n'
                                          f'  quote: "{WORDS_69}"\n  summary: Ana Ruiz')
    card = render(tmp_path, post)["og/long"]
    assert card["kind"] == "headline" and card["lines"] == ["Council approves", "the river plan"] or \
        card["lines"][0].startswith("Council")
    assert "long quote" in card["warning_kinds"] and "more than a card reads well with (40)" in card["warnings"][0]
    assert not card["overflow"] and card["alt"].startswith("Council approves the river plan")
    # A site that wants longer quotes says so; a post may give a shorter card quote of its own.
    longer = render(tmp_path, post, config="long_quote_words = 80\n")["og/long"]
    assert longer["kind"] == "quote" and longer["layout"] in ("photo", "brand", "long")
    short = post_file(tmp_path, "short.md", f'title: T\nfeatured_quote:\n  quote: "{WORDS_69}"\n  summary: Ana Ruiz\n'
                                            'quotecard:\n  quote: "Tonight we stop arguing and start the work."')
    card = render(tmp_path, short, config="")["og/short"]
    assert card["kind"] == "quote" and card["alt"] == ("Quote: Tonight we stop arguing and start the work. "
                                                       "\u2014 Ana Ruiz")


def test_a_quote_that_fits_no_layout_gets_the_headline_card_never_no_card(tmp_path):
    words = ("The archive keeps what the city forgets, and every box we open tells another story. " * 10).strip()
    post = post_file(tmp_path, "tall.md", f"title: The archive\nfeatured_quote:\n  quote: {words}\n  summary: Ann")
    card = render(tmp_path, post, config="long_quote_words = 0\n")["og/tall"]
    assert card["kind"] == "headline" and card["lines"] == ["The archive"]
    assert Kind.HEADLINE_INSTEAD.value in card["warning_kinds"] and not card["overflow"]


# No title as attribution


def test_a_quote_without_attribution_is_signed_by_no_one(tmp_path):
    post = post_file(tmp_path, "p.md", "title: WebAssembly\nauthor: Jane Doe\nfeatured_quote: Fast code everywhere.")
    card = render(tmp_path, post)["og/p"]
    assert card["attribution_lines"] == [] and card["alt"] == "Quote: Fast code everywhere."
    signed = render(tmp_path, post, config='unattributed = "author"\n')["og/p"]
    assert signed["attribution_lines"] == ["Jane Doe"]


# One language decision


def test_render_reads_the_language_of_a_content_folder(tmp_path):
    post = post_file(tmp_path / "content" / "de" / "news", "brot.md",
                     'title: Brot\nfeatured_quote: "Wir backen jeden Morgen frisch."\nsummary: x')
    card = render(tmp_path, post)["og/brot"]
    assert (card["lang"], card["lang_source"]) == ("de", "folder") and quote_marks(card["lang"])[0] == "\u201e"


@pytest.mark.parametrize(("lang", "quote", "opening"), [
    ("de", "Wir haben diese Brücke nicht gebaut, damit sie hübsch aussieht, sondern damit sie hält.", "\u201e"),
    ("fr", "Nous n'avons pas construit ce pont pour qu'il soit joli, mais pour qu'il tienne.", "\u00ab"),
    ("en", "We did not build this bridge to look pretty; we built it to stand for a century.", "\u201c"),
])
def test_latin_text_without_a_language_is_detected(tmp_path, lang, quote, opening):
    post = post_file(tmp_path, "p.md", f'title: Die Brücke\nfeatured_quote: "{quote}"')
    card = render(tmp_path, post)["og/p"]
    assert (card["lang"], card["lang_source"]) == (lang, "text") and quote_marks(card["lang"])[0].strip() == opening


def test_a_short_latin_text_is_not_guessed_at(tmp_path):
    post = read_post(post_file(tmp_path, "p.md", "title: WebAssembly"))
    assert (post.lang, post.lang_source) == ("", "")


def test_the_site_language_comes_before_detection(tmp_path):
    post = post_file(tmp_path, "p.md", 'title: T\nfeatured_quote: "Wir haben diese Brücke nicht gebaut, damit sie '
                                       'hübsch aussieht."')
    assert read_post(post, ReadOptions(default_lang="en")).lang_source == "site"


def test_nested_marks_on_a_german_card(tmp_path):
    post = post_file(tmp_path / "content" / "de", "p.md", 'title: T\nfeatured_quote: "Das „Web“ gehört allen."')
    assert render(tmp_path, post)["og/p"]["alt"] == "Quote: Das \u201aWeb\u2018 gehört allen."


# Words kept whole


@pytest.mark.system(CJK)
@pytest.mark.parametrize(("lang", "text", "words"), [
    ("zh-Hans", "浏览器的性能优化是一项全球性的长期工作，每个团队都要参与。", ["浏览器", "优化", "全球性"]),
    ("zh-Hans", "最佳化网页加载速度是我们今年最重要的目标之一。", ["最佳化"]),
    ("zh-Hant", "無障礙性是網頁設計的基本要求，也是我們的責任。", ["無障礙性", "網頁"]),
    ("ja", "国民の皆さまが、安心して暮らせる社会を目指します。", ["国民の", "皆さまが、"]),
])
def test_cjk_words_and_phrases_are_never_split(lang, text, words):
    never_inside(text, lang, words, range(260, 900, 17))  # a line holds six characters or more


@pytest.mark.system(CJK)
def test_no_japanese_line_opens_with_a_particle_or_comma():
    text = "国民の皆さまが、安心して暮らせる社会を目指します。"
    for _ends, lines in line_ends(text, "ja", range(260, 900, 17)):
        assert not any(line.startswith(("が", "、", "の")) for line in lines[1:]), lines


@pytest.mark.system("libfribidi0")
def test_thai_breaks_at_its_clause_space_not_after_its_conjunction():
    text = "ห้องสมุดจะเปิดถึงเที่ยงคืน แต่ต้องมีบัตรสมาชิก"
    assert "แต่ต้อง" in linebreak.segments(text, linebreak.locale_for(text, "th"))
    thai = fonts.stack_for(fonts.find_face("Noto Sans Thai", 600)) if fonts.find_face("Noto Sans Thai", 600) else SERIF
    for width in range(200, 900, 23):
        block = typeset.set_text(text, thai, width, 5000, 40, 40, lang="th", shorten=False)
        assert not any(line.rstrip().endswith("แต่") for line in block.lines), block.lines


def test_vietnamese_words_keep_their_syllables_together():
    text = "Chúng tôi kiên quyết bảo vệ chủ quyền lãnh thổ của đất nước."
    never_inside(text, "vi", ["kiên quyết", "bảo vệ", "lãnh thổ", "đất nước"], range(300, 900, 19))


@pytest.mark.parametrize("text", ["The meeting ran until 3 a.m. and nobody left the room before it ended.",
                                  "Read clause No. 5 before you sign anything at all, please."])
def test_abbreviations_stay_with_their_numbers(text):
    cleaned = clean(text, "en")
    never_inside(cleaned, "en", ["3\u00a0a.m."] if "a.m." in text else ["No.\u00a05"], range(300, 900, 11))


def test_no_line_opens_with_a_dash_or_an_ellipsis():
    text = clean("It was over\u2014or so we thought\u2026 and then the lights came back on for good.", "en")
    for _ends, lines in line_ends(text, "en", range(300, 900, 11)):
        assert not any(line.startswith(("\u2014", "\u2013", "\u2026")) for line in lines[1:]), lines


@pytest.mark.system("libfribidi0")
@pytest.mark.parametrize(("lang", "text", "clause"), [
    ("ar", "سنبني الجسر هذا العام، وسنفتح المكتبة في الربيع المقبل", "،"),
    ("he", "נבנה את הגשר השנה, ונפתח את הספרייה באביב הבא", ","),
])
def test_right_to_left_text_prefers_its_clause_breaks(lang, text, clause):
    stack = fonts.stack_for(fonts.find_face("Noto Naskh Arabic" if lang == "ar" else "Noto Sans Hebrew", 600)) \
        if fonts.find_face("Noto Naskh Arabic" if lang == "ar" else "Noto Sans Hebrew", 600) else SERIF
    width = typeset.measure(text, stack[0], 40, rtl=True, lang=lang)
    block = typeset.set_text(text, stack, round(width * 0.62), 5000, 40, 40, lang=lang, shorten=False)
    assert len(block.lines) == 2 and block.lines[0].endswith(clause), block.lines


def test_a_quote_of_many_lines_gets_more_leading():
    text = "word " * 60
    short = typeset.set_text("word " * 6, SERIF, 400, 5000, 40, 40, line_height=1.2)
    long = typeset.set_text(text, SERIF, 400, 5000, 40, 40, line_height=1.2)
    assert len(long.lines) > 8 and long.line_height > short.line_height


# Bylines, dates and titles as written


@pytest.mark.system("libfribidi0")
def test_a_persian_byline_keeps_its_date_whole_in_right_to_left_order(tmp_path):
    post = read_post(post_file(tmp_path, "fa.md", 'title: "راهنمای شروع کار با هوگو"\nauthor: Hugo Authors\n'
                                                  "date: 2019-03-11\nlang: fa"))
    from quotecards.draw.layout import find_layout, load_layout
    from quotecards.draw.platforms import PLATFORMS

    byline = plan_card(post, load_layout(find_layout("headline")), PLATFORMS["og"]).texts["byline"]
    date = "\u06f2\u06f0 \u0627\u0633\u0641\u0646\u062f \u06f1\u06f3\u06f9\u06f7"  # ۲۰ اسفند ۱۳۹۷
    assert date in byline
    paragraph = textruns.analyse(byline, fonts.stack_for(fonts.find_face("Inter", 600)))
    assert paragraph.rtl  # the line runs the card's way
    visual = [i for run in paragraph.line(0, len(byline)) for i in
              (range(run.end - 1, run.start - 1, -1) if run.rtl else range(run.start, run.end))]
    start = byline.index(date)
    inside = [k for k, i in enumerate(visual) if start <= i < start + len(date)]
    assert inside == list(range(inside[0], inside[0] + len(date)))  # the date is one unit on the line
    digits_day = [visual.index(start + k) for k in range(2)]
    digits_year = [visual.index(start + len(date) - 4 + k) for k in range(4)]
    assert min(digits_day) > max(digits_year)  # read right to left: the day first, the year last


@pytest.mark.parametrize("title", ["How to use strings.Contains in Go", "if statements, explained", "iOS and macOS"])
def test_titles_are_set_as_written(tmp_path, title):
    post = post_file(tmp_path, "p.md", f'title: "{title}"')
    card = render(tmp_path, post)["og/p"]
    assert " ".join(card["lines"]) == title and card["alt"] == title


# What a hostile reading found


@pytest.mark.parametrize(("typed", "lang", "expected"), [
    ("\u2018Yes\u2019 and \u2018no\u2019", "en", ("\u2018Yes\u2019 and \u2018no\u2019", True)),
    ("\u00abOui\u00bb et \u00abnon\u00bb", "fr", ("\u00ab\u202fOui\u202f\u00bb et \u00ab\u202fnon\u202f\u00bb", True)),
    ("\u201cIt\u2019s over\u201d", "en", ("It\u2019s over", False)),
])
def test_two_quotations_keep_their_own_marks(typed, lang, expected):
    assert quotation(clean(typed, lang), lang) == expected


@pytest.mark.parametrize("text", ["If a < b and c > d, we stop.", "I <3 this town and >50 of its people.",
                                  "Write to <news@example.invalid> today."])
def test_angle_brackets_that_are_words_are_kept(text):
    assert clean(text, "en").replace("\u00a0", " ") == text


def test_a_quote_with_nothing_to_read_or_only_blanks_is_no_quote(tmp_path):
    empty = read_post(post_file(tmp_path, "e.md", 'title: T\ncard_quote: "<b></b>"'))
    assert (empty.kind, empty.quote) == ("headline", "")
    blank = read_post(post_file(tmp_path, "b.md", 'title: T\nfeatured_quote: {quote: "   "}\npullquote: "The real one."'))
    assert blank.quote == "The real one." and dict(blank.sources)["quote"] == "pullquote"


@pytest.mark.parametrize("author", ['"   "', "[null]", "{email: a@example.invalid}", "jdoe", '"@"', '"-"'])
def test_an_author_field_with_no_name_gives_way_to_the_next(tmp_path, author):
    post = read_post(post_file(tmp_path, "p.md", f'title: T\nauthor: {author}\nauthors: ["Ana Ruiz"]'))
    assert post.author == "Ana Ruiz"


def test_the_same_name_twice_is_named_once(tmp_path):
    post = read_post(post_file(tmp_path, "p.md", 'title: T\nauthors: ["Ana Ruiz", "ana ruiz", "ANA RUIZ", "Sam Ortiz"]'))
    assert post.author == "Ana Ruiz and Sam Ortiz"


def test_eight_long_names_make_a_byline_not_an_error(tmp_path):
    names = ", ".join(f'"Alexandra Papadopoulou-Smith {i}"' for i in range(8))
    assert read_post(post_file(tmp_path, "p.md", f"title: T\nauthors: [{names}]")).author.count("Alexandra") == 8


def test_a_bidi_override_is_refused_naming_the_field(tmp_path):
    from quotecards.errors import PostError

    with pytest.raises(PostError, match=r"featured_quote\.quote: contains U\+202E, a bidi override"):
        read_post(post_file(tmp_path, "p.md", 'title: T\nfeatured_quote: {quote: "\\u202eWe built it"}'))


def test_the_sites_author_names_are_checked_and_matched_in_any_case(tmp_path):
    from quotecards.config import find_config
    from quotecards.errors import ConfigError

    (tmp_path / "quotecards.toml").write_text('[authors]\nJDoe = "Jane Doe"\n')
    assert find_config(tmp_path).authors == {"jdoe": "Jane Doe"}
    (tmp_path / "quotecards.toml").write_text('[authors]\njdoe = "Jane\\u0007Doe"\n')
    with pytest.raises(ConfigError, match=r"authors\.jdoe: contains"):
        find_config(tmp_path)


@pytest.mark.parametrize(("front", "date"), [
    ('published: "true"\npublished_at: 2024-05-01', "2024-05-01"),
    ("published: false\ndate: 2024-05-02", "2024-05-02"),
])
def test_a_flag_is_never_read_as_a_date(tmp_path, front, date):
    post = read_post(post_file(tmp_path, "p.md", f"title: T\n{front}"))
    assert post.date == date and post.notes == ()


def test_a_date_error_names_the_field_it_came_from(tmp_path):
    from quotecards.errors import PostError

    with pytest.raises(PostError, match=r"pubDate: expected text, got a mapping"):
        read_post(post_file(tmp_path, "p.md", "title: T\npubDate: {a: 1}"))


def test_a_post_language_that_is_no_code_is_left_out(tmp_path):
    post = read_post(post_file(tmp_path, "p.md", 'title: T\nlang: "../../etc/passwd"'))
    assert post.lang == "" and [n.kind for n in post.notes] == [Kind.LANG_UNREADABLE]


def test_a_folder_named_like_a_language_its_posts_are_not_in_is_a_section(tmp_path):
    post = read_post(post_file(tmp_path / "content" / "uk", "p.md",
                               'title: T\nfeatured_quote: "The ferry will run again from Monday, the council said."'))
    assert post.lang == "en" and post.lang_source == "text"


@pytest.mark.system(CJK)
def test_a_korean_particle_stays_with_the_quoted_word():
    text = "그는 \u2018네\u2019라고 말했습니다."
    assert "\u2018네\u2019라고 " in linebreak.segments(text, linebreak.locale_for(text, "ko"))


def test_a_quote_without_attribution_is_not_signed_beside_a_small_photo(tmp_path):
    from PIL import Image

    Image.new("RGB", (400, 260), (90, 120, 160)).save(tmp_path / "small.jpg")
    post = post_file(tmp_path, "p.md", 'title: T\nauthor: Ana Ruiz\ndate: 2024-05-01\nimage: small.jpg\n'
                                       'featured_quote: "The bridge held."')
    card = render(tmp_path, post)["og/p"]
    assert card["layout"] == "split" and card["attribution_lines"] == []


def test_a_quote_shortened_to_its_box_edge_is_still_set(tmp_path):
    post = post_file(tmp_path, "w.md", f'title: T\nfeatured_quote:\n  quote: "{"word " * 170}"\n  summary: Ann')
    (tmp_path / "quotecards.toml").write_text("long_quote_words = 0\nallow_shortening = true\n")
    card = render(tmp_path, post, platforms=("story",))["story/w"]
    assert card["overflow"] and card["lines"][-1].endswith("\u2026")


@pytest.mark.system("libfribidi0")
def test_names_of_both_directions_keep_the_lists_words_in_order(tmp_path):
    post = read_post(post_file(tmp_path, "p.md", 'title: T\nauthors: ["محمد علي", "سارة أحمد", "Ana Ruiz"]'))
    text = post.author
    paragraph = textruns.analyse(text, fonts.stack_for(fonts.find_face("Inter", 600)))
    visual = [i for run in paragraph.line(0, len(text)) for i in
              (range(run.end - 1, run.start - 1, -1) if run.rtl else range(run.start, run.end))]
    shown = "".join(text[i] for i in visual if text[i] not in "\u2068\u2069")
    assert not paragraph.rtl and shown.endswith(", and Ana Ruiz")  # "and" stays before the last name
    alt = render(tmp_path, tmp_path / "p.md")["og/p"]["alt"]
    assert alt.startswith("T \u2014 محمد علي, سارة أحمد, and Ana Ruiz") and "\u2068" not in alt  # nothing unspoken


# What a new user's reading of the docs found


def test_a_dot_in_a_file_name_is_a_language_only_when_the_text_is_in_it(tmp_path):
    assert read_post(post_file(tmp_path, "how.to.md", "title: How to")).lang == ""
    german = read_post(post_file(tmp_path, "post.de.md", 'title: "Die Brücke hält seit hundert Jahren stand"'))
    assert (german.lang, german.lang_source) == ("de", "file name")


def test_render_reads_a_section_from_a_content_folder(tmp_path):
    post = read_post(post_file(tmp_path / "content" / "culture", "museum.md", "title: The museum reopens"))
    assert post.section == "culture"


def test_the_sites_language_must_be_a_language_code(tmp_path):
    from quotecards.config import find_config
    from quotecards.errors import ConfigError

    (tmp_path / "quotecards.toml").write_text('lang = "english"\n')
    with pytest.raises(ConfigError, match=r"lang: expected a language code"):
        find_config(tmp_path)
    (tmp_path / "quotecards.toml").write_text('lang = "pt_BR"\n')
    assert find_config(tmp_path).lang == "pt-BR"


def test_a_long_card_quote_is_what_the_warning_says_to_shorten(tmp_path):
    post = read_post(post_file(tmp_path, "p.md", f'title: T\nquotecard:\n  quote: "{WORDS_69}"'))
    assert post.kind == "headline" and "shorten the post's card_quote" in post.notes[0].message


def test_a_home_page_titled_as_its_site_sets_the_name_once(tmp_path):
    from quotecards.draw.brand import Brand
    from quotecards.draw.layout import available, load_layout
    from quotecards.draw.platforms import PLATFORMS
    from quotecards.sites.hugo_config import read_site

    (tmp_path / "hugo.toml").write_text('title = "  Harbour   Times "\n')
    assert read_site(tmp_path).title == "Harbour Times"  # the cards' brand where quotecards.toml names none
    layout = load_layout(available()["headline"])
    brand = Brand(site_name="Harbour Times")
    home = read_post(post_file(tmp_path, "_index.md", "title: harbour times"))
    about = read_post(post_file(tmp_path, "about.md", "title: About us"))
    assert plan_card(home, layout, PLATFORMS["og"], brand=brand).brand.site_name == ""
    assert plan_card(about, layout, PLATFORMS["og"], brand=brand).brand.site_name == "Harbour Times"
