from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quotecards.card_warnings import Kind
from quotecards.sources.post import PostError, post_from_meta, read_post
from quotecards.sources.slugs import safe_slug

YAML_POST = """---
title: a title
description: The description.
aliases:
  - article/some-post/
featured_image:
  image: https://example.com/a.jpg
  alt: An alt text
featured_quote:
  quote: The quote.
  summary: The summary.
  citation: The citation.
---
Body.
"""


def test_seed_post_every_field(seed_post: Path):
    post = read_post(seed_post)
    assert post.slug == "azerbaijani-president-ilham-aliyev-on-a-fight-over-disputed-territories-that-armenia-also-claims"
    assert post.quote == ("We are winning and will get our territory back and ensure our territorial "
                          "integrity. Let them abandon our territory in peace.")
    assert post.attribution == ("Azerbaijani president, Ilham Aliyev, on a fight over disputed territories "
                                "that Armenia also claims.")
    assert post.citation == ""
    assert post.image.startswith("https://") and post.image.endswith("/2018/10/kyle-glenn-598701-unsplash-min-scaled.jpg")
    assert post.image_alt == ""
    assert post.title.startswith("azerbaijani president, ilham aliyev")
    assert post.description.startswith("We are winning and will get our territory back")
    assert post.date == "2020-10-12T15:51:30+00:00"
    assert post.section == "quickquotes"
    assert post.notes == ()


def test_yaml_fields(write_post):
    post = read_post(write_post("p.md", YAML_POST))
    assert (post.quote, post.attribution, post.citation) == ("The quote.", "The summary.", "The citation.")
    assert (post.image, post.image_alt, post.slug) == ("https://example.com/a.jpg", "An alt text", "some-post")


def test_crlf_and_bom_read_like_plain_yaml(write_post):
    plain = read_post(write_post("plain.md", YAML_POST))
    crlf = read_post(write_post("crlf.md", b"\xef\xbb\xbf" + YAML_POST.replace("\n", "\r\n").encode()))
    assert (crlf.quote, crlf.attribution, crlf.image, crlf.slug) == (plain.quote, plain.attribution, plain.image, plain.slug)


def test_toml_front_matter(write_post):
    post = read_post(write_post("t.md", '+++\ntitle = "T"\ndate = 2023-04-22T09:00:00Z\n'
                                        '[featured_quote]\nquote = "Q from TOML"\nsummary = "S"\n+++\nBody\n'))
    assert (post.quote, post.attribution, post.date) == ("Q from TOML", "S", "2023-04-22T09:00:00+00:00")


def test_json_front_matter(write_post):
    post = read_post(write_post("j.md", '{"title": "T", "featured_quote": {"quote": "Q from JSON"},\n'
                                        ' "featured_image": "../x.jpg"}\nBody {not json}\n'))
    assert (post.quote, post.title, post.image) == ("Q from JSON", "T", "../x.jpg")


def test_featured_image_as_plain_string(write_post):
    post = read_post(write_post("p.md", "---\nfeatured_image: https://images.example.com/x.png\ntitle: D\n---\n"))
    assert post.image == "https://images.example.com/x.png"


def test_a_page_without_a_quote_gets_a_headline_card_not_its_description_quoted(write_post):
    post = read_post(write_post("p.md", "---\ntitle: t\ndescription: Said in the description.\nfeatured_quote: ''\n---\n"))
    assert (post.kind, post.quote, post.attribution, post.title) == ("headline", "", "", "t")
    assert post.notes == ()


def test_a_quote_without_attribution_is_signed_by_no_one_never_by_the_page_title(write_post):
    post = read_post(write_post("p.md", "---\ntitle: council passes a budget\nfeatured_quote:\n  quote: Q\n  summary: ''\n---\n"))
    assert (post.attribution, post.title) == ("", "council passes a budget")
    assert post.notes == ()


def test_slug_from_file_name_without_aliases(write_post):
    assert read_post(write_post("My Post.md", "---\ntitle: D\n---\n")).slug == "my-post"


@pytest.mark.parametrize("alias", ["../../../etc/passwd", "/..", "..\\..\\windows", "a/b/..%2F..%2Fescape"])
def test_slug_cannot_escape_the_output_folder(write_post, alias):
    slug = read_post(write_post("x.md", f"---\ntitle: D\naliases: ['{alias}']\n---\n")).slug
    assert slug and "/" not in slug and "\\" not in slug and not slug.startswith(".")


def test_safe_slug_keeps_letters_of_any_script():
    assert safe_slug("Ləman Hüseynova: İçərişəhər") == "ləman-hüseynova-içərişəhər"
    assert safe_slug("../..") == ""


def test_a_slug_is_cut_by_bytes_so_its_file_name_fits_in_any_script(tmp_path):
    """An 80-character Japanese slug is 240 bytes: the file system's 255-byte name limit, with
    the extension and the temporary name's parts, would refuse it."""
    slug = safe_slug("東京" * 40)
    assert len(slug.encode("utf-8")) <= 200 and slug.startswith("東京")
    (tmp_path / f".{slug}-12.webp.abcdefgh.tmp").write_bytes(b"")  # the longest name it is written under
    assert safe_slug("a" * 300) == "a" * 120  # Latin slugs keep their 120 characters


def test_odd_date_is_left_out_with_a_note(write_post):
    post = read_post(write_post("p.md", "---\ntitle: D\ndate: 'sometime in 2020'\n---\n"))
    assert post.date is None and any(n.kind is Kind.DATE_UNREADABLE for n in post.notes)
    assert read_post(write_post("q.md", "---\ntitle: D\ndate: 'October 12, 2020'\n---\n")).date == "2020-10-12T00:00:00"


@pytest.mark.parametrize("value", ["2020-13-45", "2020-02-30", "2020-01-01 25:00:00"])
def test_an_impossible_yaml_date_is_a_note_not_a_failed_post(write_post, value):
    post = read_post(write_post("p.md", f"---\ntitle: D\ndate: {value}\n---\n"))
    assert post.date is None and any(n.kind is Kind.DATE_UNREADABLE and value in n.message for n in post.notes)


@pytest.mark.parametrize("value, iso", [("2020-02-03", "2020-02-03"), ("2018-10-25 10:00:00+00:00", "2018-10-25T10:00:00+00:00"),
                                        ("2018-10-25T10:00:00Z", "2018-10-25T10:00:00+00:00")])
def test_yaml_dates_read_as_before(write_post, value, iso):
    assert read_post(write_post("p.md", f"---\ntitle: D\ndate: {value}\n---\n")).date == iso


def test_a_mapping_of_dates_is_the_day_the_page_was_created(write_post):
    """MkDocs Material's blog: `date: {created: …, updated: …}`; a card shows when it was published."""
    post = read_post(write_post("p.md", "---\ntitle: D\ndate:\n  created: 2024-01-31\n  updated: 2024-03-02\n---\n"))
    assert post.date == "2024-01-31" and dict(post.sources)["date"] == "date.created" and not post.notes
    # Material's blog plugin turns them into aware datetimes in the page's meta, which MkDocs hands on.
    meta = {"title": "D", "date": {"created": dt.datetime(2024, 1, 31, tzinfo=dt.UTC), "updated": None}}
    assert post_from_meta(Path("p.md"), meta).date == "2024-01-31T00:00:00+00:00"
    # Any other mapping is no date, and its field's error (Material needs `created` too).
    with pytest.raises(PostError, match=r"q\.md: date: expected text, got a mapping"):
        read_post(write_post("q.md", "---\ntitle: D\ndate: {updated: 2024-03-02}\npublishDate: 2023-05-06\n---\n"))
    post = read_post(write_post("r.md", "---\ntitle: D\ndate: {created: someday}\n---\n"))
    assert post.date is None and any(n.kind is Kind.DATE_UNREADABLE for n in post.notes)


@pytest.mark.parametrize("content, field, words", [
    ("---\ndescription: only a description\n---\n", "title", "nothing to put on a card"),
    ("---\ntitle: [unclosed\n---\n", "title", "unreadable YAML"),
    ("---\ntitle: t\n", "front matter", "no closing delimiter"),
    ("+++\ntitle = \n+++\n", "title", "unreadable TOML"),
    ("---\ntitle: T\nsection: !!int abc\n---\n", "section", "cannot read the value"),
    ("---\ntitle: D\nweight: " + "9" * 5000 + "\n---\n", "weight", "more than 4,300 digits"),
    ('{"title": "D", "weight": ' + "9" * 5000 + "}\n", "front matter", "more than 4,300 digits"),
    ("+++\ntitle = 'D'\nweight = " + "9" * 5000 + "\n+++\n", "front matter", "more than 4,300 digits"),
    ("+++\ntitle = 0x" + "f" * 4000 + "\nquote = 'D'\n+++\n", "title", "number too long"),
    ("+++\ntitle = 'T'\ndate = 2020-13-45\n+++\n", "date", "unreadable TOML"),
    ('{"a": ' + "[" * 1000 + "]" * 1000 + "}\n", "front matter", "nested too deeply"),
    ("---\na: " + "[" * 1000 + "]" * 1000 + "\n---\n", "front matter", "nested too deeply"),
    ("+++\na = " + "[" * 1000 + "]" * 1000 + "\n+++\n", "front matter", "nested too deeply"),
    ("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
     + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 12))
     + "title: D\n---\n", "front matter", "aliases expand to more than"),
    ("---\nfeatured_quote:\n  quote: " + "word " * 400 + "\n---\n", "featured_quote.quote", "at most 1,500"),
    ("---\nquote: " + "word " * 400 + "\n---\n", "quote", "at most 1,500"),
    ("---\nfeatured_quote: {quote: Q, summary: " + "x" * 301 + "}\n---\n", "featured_quote.summary", "at most 300"),
    ("---\nfeatured_quote: {quote: Q}\nbody: " + "x" * 600_000 + "\n---\n", "front matter", "characters long"),
    ("{\"title\": \n", "front matter", "unreadable JSON"),
    ("just text\n", "front matter", "none found"),
    ("---\nfeatured_quote:\n  quote: [a, b]\n---\n", "featured_quote.quote", "expected text, got a list"),
    ("---\nfeatured_quote: [a]\ntitle: D\n---\n", "featured_quote", "expected text, got a list"),
    ("---\ntitle: {a: 1}\nquote: D\n---\n", "title", "expected text, got a mapping"),
    ("---\ntitle: D\naliases: 7\n---\n", "aliases", "expected a list"),
    ("---\n- a\n- b\n---\n", "front matter", "expected key: value pairs"),
    ("---\n# only a comment: empty front matter, read as Hugo reads it\n---\n", "title", "nothing to put on a card"),
])
def test_bad_input_is_one_line_naming_file_and_field(write_post, content, field, words):
    path = write_post("bad.md", content)
    with pytest.raises(PostError) as caught:
        read_post(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: ")
    assert words in message


def test_not_utf8(write_post):
    path = write_post("latin1.md", "---\ndescription: caf\u00e9\n---\n".encode("latin-1"))
    with pytest.raises(PostError, match=r"latin1\.md: file: not UTF-8 text \(byte 0xe9"):
        read_post(path)


def test_yaml_error_names_the_file_line(write_post):
    path = write_post("bad.md", "---\ntitle: ok\ndescription: [unclosed\nother: x\n---\n")
    with pytest.raises(PostError, match=r"\(line \d+\)"):
        read_post(path)


def test_quotecard_front_matter_overrides_layout_and_focal_point(write_post):
    from quotecards.sources.post import read_post
    post = read_post(write_post("p.md", "---\ntitle: T\nfeatured_image:\n  image: a.jpg\n  focal_point: [0.9, 0.9]\n"
                                        "quotecard:\n  layout: split\n  focal_point: [0.2, 0.3]\n"
                                        "featured_quote:\n  quote: Q.\n---\n"))
    assert post.layout == "split" and post.focal_point == (0.2, 0.3)
    plain = read_post(write_post("q.md", "---\ntitle: T\nfeatured_image:\n  image: a.jpg\n  focal_point: [0.9, 0.1]\n"
                                         "featured_quote:\n  quote: Q.\n---\n"))
    assert plain.layout == "" and plain.focal_point == (0.9, 0.1)
