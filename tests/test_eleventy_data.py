"""An Eleventy project's folders, pages and data cascade, read without Eleventy (test_eleventy.py builds real sites)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotecards.sites.eleventy_config import read_site
from quotecards.sites.eleventy_data import data_cascade, find_pages

BASE_BLOG_CONFIG = """import { IdAttributePlugin } from "@11ty/eleventy";
import pluginFilters from "./_config/filters.js";

/** @param {import("@11ty/eleventy").UserConfig} eleventyConfig */
export default async function(eleventyConfig) {
	eleventyConfig.addPreprocessor("drafts", "*", (data, content) => {
		if(data.draft && process.env.ELEVENTY_RUN_MODE === "build") {
			return false;
		}
	});
	eleventyConfig
		.addPassthroughCopy({
			"./public/": "/"
		})
		.addPassthroughCopy("./content/feed/pretty-atom-feed.xsl");
	eleventyConfig.addPlugin(IdAttributePlugin, {
		// slugify: eleventyConfig.getFilter("slugify"),
	});
};

export const config = {
	// e.g.: *.md, *.njk, *.html, *.liquid
	templateFormats: [
		"md",
		"njk",
		"html",
		"liquid",
		"11ty.js",
	],
	markdownTemplateEngine: "njk",
	dir: {
		input: "content",          // default: "."
		includes: "../_includes",  // default: "_includes" (`input` relative)
		data: "../_data",          // default: "_data" (`input` relative)
		output: "_site"
	},
};
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def test_the_base_blogs_config_names_its_folders(tmp_path):
    site = read_site(write(tmp_path, {"eleventy.config.js": BASE_BLOG_CONFIG}))
    assert (site.input, site.includes, site.data, site.output) == (
        tmp_path / "content", tmp_path / "_includes", tmp_path / "_data", tmp_path / "_site")
    assert site.formats == ("md", "njk", "html", "liquid", "11ty.js")
    assert tmp_path / "public/" in site.web_roots and not site.warnings
    assert site.input_path(tmp_path / "content/blog/x.md") == "./content/blog/x.md"
    with pytest.raises(ValueError):
        site.input_path(tmp_path / "README.md")  # not below the input folder: no page of Eleventy's


@pytest.mark.parametrize("name, text", [
    (".eleventy.js", 'module.exports = function(eleventyConfig) {\n  return {\n    dir: { input: "src", output: "dist" },\n  };\n};\n'),
    ("eleventy.config.mjs", 'export default function(c) {\n  c.setInputDirectory("src");\n  c.setOutputDirectory("dist");\n}\n'),
    ("eleventy.config.cjs", "module.exports = (c) => ({ dir: { 'input': 'src', \"output\": `dist` } })\n"),
])
def test_each_config_file_and_way_of_naming_folders(tmp_path, name, text):
    site = read_site(write(tmp_path, {name: text}))
    assert (site.input, site.output, site.includes) == (tmp_path / "src", tmp_path / "dist", tmp_path / "src/_includes")


def test_eleventys_own_order_of_config_files_and_defaults(tmp_path):
    assert read_site(tmp_path).input == tmp_path and read_site(tmp_path).output == tmp_path / "_site"
    write(tmp_path, {".eleventy.js": 'module.exports = () => ({dir: {input: "first"}})',
                     "eleventy.config.js": 'export const config = {dir: {input: "second"}}'})
    assert read_site(tmp_path).input == tmp_path / "first"
    assert read_site(tmp_path, output=tmp_path / "elsewhere").output == tmp_path / "elsewhere"


def test_a_folder_named_by_code_is_a_warning_and_the_default(tmp_path):
    write(tmp_path, {"eleventy.config.js": 'export const config = { dir: { input: process.env.IN || "src" } };\n'})
    site = read_site(tmp_path)
    assert site.input == tmp_path
    assert [w.field for w in site.warnings] == ["dir.input"] and "line 1" in str(site.warnings[0])


def test_pages_are_templates_with_front_matter_outside_eleventys_own_folders(tmp_path):
    write(tmp_path, {
        "eleventy.config.js": BASE_BLOG_CONFIG, ".eleventyignore": "content/scratch\n",
        "README.md": "# the project\n",  # outside the input folder
        "_includes/layouts/base.njk": "---\ntitle: a layout\n---\n",
        "content/index.njk": "---js\nconst title = 'Home';\n---\n",
        "content/tags.njk": "<h1>Tags</h1>\n",  # no front matter
        "content/blog/post.md": "---\ntitle: A post\n---\n",
        "content/blog/blog.11tydata.js": "export default {}\n",
        "content/style.css": "---\n",
        "content/scratch/note.md": "---\ntitle: ignored\n---\n",
        "content/node_modules/pkg/README.md": "---\ntitle: a package\n---\n",
        "content/.hidden/x.md": "---\ntitle: hidden\n---\n",
        "content/gen.11ty.js": "---\n",
    })
    site = read_site(tmp_path)
    scan = find_pages(site)
    assert [p.relative_to(tmp_path).as_posix() for p in scan.pages] == ["content/blog/post.md", "content/index.njk"]
    assert [p.relative_to(tmp_path).as_posix() for p in scan.bare] == ["content/tags.njk"]


def test_the_cascade_merges_folder_and_page_data_deeply_nearest_last(tmp_path):
    write(tmp_path, {
        "eleventy.config.js": BASE_BLOG_CONFIG,
        "content/content.11tydata.js": 'export default {\n\tlayout: "layouts/home.njk",\n\tsocial: {site: "A"},\n};\n',
        "content/blog/blog.json": '{"layout": "from-json", "tags": ["json"]}',
        "content/blog/blog.11tydata.js": 'export default { tags: ["posts"], "layout": "layouts/post.njk" };',
        "content/blog/deep/deep.11tydata.json": '{"draft": true, "social": {"handle": "@b"}}',
        "content/blog/deep/post.md": "---\ntitle: A\n---\n",
        "content/blog/deep/post.11tydata.json": '{"override:tags": ["own"]}',
        "content/blog/other.md": "---\ntitle: B\n---\n",
        "content/top.md": "---\ntitle: C\n---\n",
    })
    site = read_site(tmp_path)
    cascade = data_cascade(site, find_pages(site).pages)
    values = cascade.inherited.values
    deep = values[str(tmp_path / "content/blog/deep/post.md")]
    assert deep == {"layout": "layouts/post.njk", "social": {"site": "A", "handle": "@b"}, "draft": True,
                    "tags": ["own"]}
    assert values[str(tmp_path / "content/blog/other.md")]["tags"] == ["json", "posts"]  # Eleventy joins lists
    assert values[str(tmp_path / "content/top.md")] == {"layout": "layouts/home.njk", "social": {"site": "A"}}
    assert not cascade.warnings
    # The page's own front matter is laid over it, and wins.
    assert cascade.inherited.under(tmp_path / "content/blog/deep/post.md", {"draft": False})["draft"] is False


def test_a_data_file_that_is_code_is_left_out_with_a_warning(tmp_path):
    write(tmp_path, {
        "content/blog/blog.11tydata.js": "export default function() {\n  return { draft: true };\n}\n",
        "content/blog/post.md": "---\ntitle: A\n---\n",
        "content/news/news.11tydata.js": 'export default { layout: "x", draft: process.env.DRAFTS === "1" };\n',
        "content/news/post.md": "---\ntitle: B\n---\n",
        "content/bad/bad.json": "{not json",
        "content/bad/post.md": "---\ntitle: C\n---\n",
    })
    site = read_site(tmp_path)
    cascade = data_cascade(site, find_pages(site).pages)
    said = {(w.path.name, w.field): str(w) for w in cascade.warnings}
    assert set(said) == {("blog.11tydata.js", "data"), ("news.11tydata.js", "draft"), ("bad.json", "data")}
    assert "an export that is not an object literal (a function) at line 1" in said["blog.11tydata.js", "data"]
    assert "taken as not drafts" in said["news.11tydata.js", "draft"]
    assert cascade.inherited.values[str(tmp_path / "content/news/post.md")] == {"layout": "x"}


def test_pages_without_a_title_are_shown_with_the_sites_as_its_layout_shows_them(tmp_path):
    """eleventy-base-blog titles its home, about and tags pages only in its menu, or not at all,
    and its layout shows `title or metadata.title`: so do the cards, the home page with the site's."""
    import json

    from click.testing import CliRunner

    from quotecards.cli import main

    (tmp_path / "_data").mkdir()
    (tmp_path / "_data/metadata.js").write_text(
        'export default {\n\ttitle: "Harbour Times",\n\tdescription: "News from the harbour.",\n\tlanguage: "en",\n};\n')
    (tmp_path / "index.njk").write_text("---\neleventyNavigation:\n  key: Home\n---\n<h1>Latest</h1>\n")
    (tmp_path / "about.md").write_text("---\neleventyNavigation:\n  key: About\n---\n# About\n")
    (tmp_path / "tags.njk").write_text("<h1>Tags</h1>\n")  # no front matter at all
    (tmp_path / "post.md").write_text("---\ntitle: The ferry returns\ndescription: It sails again.\n---\n")
    done = CliRunner().invoke(main, ["eleventy", str(tmp_path), "--base-url", "https://example.org/", "--no-store",
                                     "--offline"])
    assert done.exit_code == 0 and "4 posts: 4 cards made" in done.output, done.output
    cards = {Path(c["post"]).name: c for c in json.loads((tmp_path / ".quotecards/manifest.json").read_text())["cards"]}
    assert {name: card["lines"] for name, card in cards.items()} == {
        "index.njk": ["Harbour Times"], "about.md": ["About"], "tags.njk": ["Harbour Times"],
        "post.md": ["The ferry returns"]}
    assert cards["about.md"]["alt"] == "About"


def test_a_draft_is_published_where_the_sites_config_does_not_leave_drafts_out(tmp_path):
    """Eleventy publishes a `draft: true` page unless the site's own code drops it (the base
    blog's preprocessor): the card follows what Eleventy will do."""
    from click.testing import CliRunner

    from quotecards.cli import main

    (tmp_path / "draft.md").write_text("---\ntitle: Not yet\ndraft: true\n---\n")
    run = ["eleventy", str(tmp_path), "--base-url", "https://example.org/", "--no-store", "--offline"]
    done = CliRunner().invoke(main, run)
    assert "1 posts: 1 cards made" in done.output, done.output
    (tmp_path / "eleventy.config.js").write_text(
        'export default function(eleventyConfig) {\n\televentyConfig.addPreprocessor("drafts", "*", (data) => {\n'
        '\t\tif (data.draft && process.env.ELEVENTY_RUN_MODE === "build") return false;\n\t});\n};\n')
    done = CliRunner().invoke(main, run)
    assert "skipped: 1 draft" in done.output, done.output
