"""Eleventy's `---js` and `---json` front matter, and JavaScript read as literal values only."""

from __future__ import annotations

import math

import pytest

from quotecards.sources.js_literals import JsDataError, NotData, read_export, read_statements
from quotecards.sources.post import PostError, ReadOptions, read_post

# eleventy-base-blog v9's own front matter, as its files have it.
BASE_BLOG_INDEX = '---js\nconst eleventyNavigation = {\n\tkey: "Home",\n\torder: 1\n};\n\nconst numberOfLatestPostsToShow = 3;\n---\n<h1>Latest</h1>\n'
BASE_BLOG_TAG_PAGES = """---js
// <script>
const pagination = {
	data: "collections",
	size: 1,
	alias: "tag",
	filter: ["all", "posts"],
	// addAllPagesToCollections: true,
};

const eleventyExcludeFromCollections = true;

const eleventyComputed = {
	title: "Tagged '{{ tag }}'",
	permalink: function(data) {
		// If DuplicatePermalinkOutputError occurs, check that no tag occurs
		// with differing case, e.g. "RSS" and "rss".
		return `/tags/${this.slugify(data.tag)}/`;
	}
};
---
<h1>Tagged “{{ tag }}”</h1>
"""


def test_statements_declare_the_pages_data():
    data = read_statements('const title = "My page";\nlet draft = true\nvar n = -1.5e3, hex = 0x1F, big = 10n, sep = 1_000\n'
                           "const tags = ['a', \"b\",], nothing = null, gone = undefined\n"
                           'const when = new Date("2024-05-01")\nconst plain = `no ${"$"}{} here`\n'
                           'const again = title\nconst o = { "quoted": 1, bare: { deep: [true, false] }, 2: "two", }\n')
    assert data == {"title": "My page", "draft": True, "n": -1500.0, "hex": 31, "big": 10, "sep": 1000,
                    "tags": ["a", "b"], "nothing": None, "gone": None, "when": "2024-05-01",
                    "plain": data["plain"], "again": "My page",
                    "o": {"quoted": 1, "bare": {"deep": [True, False]}, "2": "two"}}
    assert isinstance(data["plain"], NotData)  # ${…} inside: code, even when what it holds is a literal


def test_escapes_and_comments_are_read_as_javascript_reads_them():
    data = read_statements('/* a\ncomment */ const a = "\\u0041\\x42\\u{1F600}\\n\\\'" // trailing\n'
                           "const b = 'it\\'s' /* inline */, c = `two\nlines`, d = Infinity\n")
    assert data["a"] == "AB\U0001f600\n'" and data["b"] == "it's" and data["c"] == "two\nlines"
    assert math.isinf(data["d"])


@pytest.mark.parametrize("code, what", [
    ("const title = makeTitle();", "a function call"),
    ("const title = `Hi ${name}`;", "a template literal with ${…}"),
    ("const title = (data) => data.x;", "a function"),
    ("function title() { return 1 }", "a function"),
    ("const title = new URL('x');", "a new expression"),
    ("const title = /x+/g;", "a regular expression"),
    ("const title = other;", "a variable (other)"),
    ('const title = "a" + "b";', "an expression"),
    ('import title from "./t.js";', "an import"),
])
def test_code_is_a_value_that_says_what_it_is_and_where(code, what):
    value = read_statements("const first = 1;\n" + code + "\nconst after = 'still read'")
    assert value["title"] == NotData(what, 2)
    assert value["after"] == "still read"  # the code is skipped to its end, not to the end of the text


def test_the_older_object_form_and_methods_inside_it():
    data = read_statements('{\n  title: "x",\n  draft: true,\n  permalink(data) { return "/x/"; },\n  other: f(1, {a: 2}),\n}')
    assert data["title"] == "x" and data["draft"] is True
    assert data["permalink"] == NotData("a function", 4) and data["other"] == NotData("a function call", 5)


@pytest.mark.parametrize("code, what", [
    ("if (x) { draft = true }", "an if statement"),
    ("console.log('hi')", "a statement that is not a declaration"),
    ("const {a} = b", "a destructuring declaration"),
    ("const a = 'unclosed", "an unclosed string"),
    ("/* unclosed", "an unclosed /* comment"),
    ("{ ...spread }", "an object that is not plain data (an expression)"),
])
def test_javascript_that_is_not_data_at_all_is_an_error(code, what):
    with pytest.raises(JsDataError) as caught:
        read_statements(code)
    assert caught.value.what == what


def test_a_data_file_is_its_exported_object():
    assert read_export('export default {\n\ttags: [\n\t\t"posts"\n\t],\n\t"layout": "layouts/post.njk",\n};\n') == \
        {"tags": ["posts"], "layout": "layouts/post.njk"}
    assert read_export('"use strict";\nconst layout = "post.njk";\nmodule.exports = { layout, draft: false };') == \
        {"layout": "post.njk", "draft": False}
    for code in ("export default function() { return {} }", "module.exports = async () => ({})", "const a = 1"):
        with pytest.raises(JsDataError):
            read_export(code)


def test_base_blog_front_matter_reads_and_its_pages_without_titles_are_untitled(write_post):
    index = read_post(write_post("index.njk", BASE_BLOG_INDEX), ReadOptions(untitled="skip"))
    # Named only in the site's menu: that name is its title (the Eleventy site layer gives the
    # home page the site's own title over it).
    assert index.title == "Home" and dict(index.sources)["title"] == "eleventyNavigation.key"
    tags = read_post(write_post("tags.njk", BASE_BLOG_TAG_PAGES), ReadOptions(untitled="skip", public_only=True))
    assert tags.unpublished == "untitled"  # its title is computed, page by page: nothing to read


def test_js_and_json_front_matter_make_posts(write_post):
    js = read_post(write_post("a.md", '---js\nconst title = "From JS";\nconst featured_quote = {\n  quote: "We '
                                      'built it.",\n  summary: "The director",\n};\nconst date = new Date("2024-05-01");'
                                      '\n---\nBody.\n'))
    assert (js.title, js.quote, js.attribution, js.date) == ("From JS", "We built it.", "The director", "2024-05-01")
    json = read_post(write_post("b.md", '---json\n{"title": "From JSON", "draft": true}\n---\nBody.\n'),
                     ReadOptions(public_only=True))
    assert json.unpublished == "draft"
    draft = read_post(write_post("c.md", '---js\nconst title = "x";\nconst draft = true;\n---\n'),
                      ReadOptions(public_only=True))
    assert draft.unpublished == "draft"
    assert read_post(write_post("d.md", "---yaml\ntitle: Named YAML\n---\n")).title == "Named YAML"


@pytest.mark.parametrize("front, field, words", [
    ('const title = makeTitle();', "title", "JavaScript that is not plain data (a function call at line 2); "
                                            "quotecards reads literal values only"),
    ('const title = "x";\nconst draft = isDraft();', "draft", "whether the page is a draft depends on it"),
    ('const title = "x";\nif (draft) {}', "front matter", "---js that is not plain data (an if statement at line 3)"),
    ('const title = "x";', "front matter", "no closing delimiter"),
])
def test_code_a_card_or_a_draft_needs_is_one_line_naming_file_and_field(write_post, front, field, words):
    closing = "" if words == "no closing delimiter" else "\n---\n"
    path = write_post("p.md", f"---js\n{front}{closing}")
    with pytest.raises(PostError) as caught:
        read_post(path, ReadOptions(public_only=True))
    assert caught.value.field == field and words in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_code_no_card_reads_is_no_error(write_post):
    post = read_post(write_post("p.md", '---js\nconst title = "Kept";\nconst eleventyComputed = {\n  permalink: '
                                        '(data) => `/x/${data.y}/`,\n};\nfunction helper() { return 1 }\n---\n'))
    assert post.title == "Kept"
