from __future__ import annotations

import pytest

from quotecards.text.cleanup import NBSP, NNBSP, clean, strip_quote_marks


@pytest.mark.parametrize("raw, want", [
    ('He said "yes" -- then left...', "He said \u201cyes\u201d\u2014then left\u2026"),
    ("It's the '90s - really", "It\u2019s the \u201990s\u00a0\u2013 really"),
    ("Caf&eacute; &amp; bar&#8217;s", "Caf\u00e9 & bar\u2019s"),
    ("  spaced \n  out  ", "spaced out"),
    ("She said 'no' twice", "She said \u2018no\u2019 twice"),
    # As a CMS stores it: tags, Markdown links and emphasis, escaped quotes.
    ("We <em>will</em> win<br/>", "We will win"),
    ("Read [the report](https://example.com/r?a=1 \"Report\") now", "Read the report now"),
    ("It is **very** _important_ to *us*", "It is very important to us"),
    (r"He called it \"historic\" and \*final\*", "He called it \u201chistoric\u201d and *final*"),
    ("snake_case_name stays", "snake_case_name stays"),
    ("Why ? Because !", "Why? Because!"),
])
def test_clean(raw, want):
    assert clean(raw) == want


def test_french_sets_a_narrow_no_break_space_before_high_punctuation():
    assert clean("Pourquoi? Parce que : « voilà »!", "fr") == f"Pourquoi{NNBSP}? Parce que{NNBSP}: «{NNBSP}voilà{NNBSP}»{NNBSP}!"
    assert clean("Voir https://example.com", "fr") == "Voir https://example.com"


def test_czech_ties_one_letter_words_to_the_next():
    assert clean("Byl v Praze a k tomu s námi", "cs") == f"Byl v{NBSP}Praze a{NBSP}k{NBSP}tomu s{NBSP}námi"
    assert clean("Byl v Praze", "en") == "Byl v Praze"


def test_strip_quote_marks():
    assert strip_quote_marks("\u201cWe win.\u201d") == "We win."
    assert strip_quote_marks("\u201cA\u201d and \u201cB\u201d") == "\u201cA\u201d and \u201cB\u201d"
