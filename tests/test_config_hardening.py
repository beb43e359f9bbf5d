"""A hostile probe's findings in the site config and the layout files, each kept fixed: a config
in the wrong shape or place, layout names that are paths, text a card cannot show or could not
set quickly, and templates that would format a field two billion characters wide."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotecards.cli import main
from quotecards.config import MAX_SITE_NAME_CHARS, find_config
from quotecards.draw.layout import MAX_FIXED_TEXT_CHARS, load_layout
from quotecards.errors import ConfigError, LayoutError

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = (ROOT / "layouts" / "headline.toml").read_text("utf-8")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config_error(site: Path, layout_dirs: tuple[Path, ...] = ()) -> str:
    with pytest.raises(ConfigError) as caught:
        find_config(site, layout_dirs)
    message = str(caught.value)
    assert "\n" not in message
    return message


# -- where the config is, and its shape ------------------------------------------------------------

@pytest.mark.parametrize("text, key, got", [
    ("tool = 1\n", "tool", "1"),  # was an AttributeError
    ("[tool]\nquotecards = 5\n", "tool.quotecards", "5"),  # was read as no config at all
    ('[tool]\nquotecards = "brand"\n', "tool.quotecards", "'brand'"),
])
def test_a_pyproject_tool_table_in_the_wrong_shape_is_a_one_line_error(tmp_path, text, key, got):
    path = write(tmp_path / "pyproject.toml", text)
    assert config_error(tmp_path) == f"{path}: {key}: expected a table, got {got}"


@pytest.mark.parametrize("name", ["quotecards.toml", "pyproject.toml"])
def test_a_config_file_that_is_a_folder_is_a_one_line_error(tmp_path, name):
    (tmp_path / name).mkdir()  # was skipped as if the site had no config
    assert config_error(tmp_path) == f"{tmp_path / name}: file: is a folder, not a file"


def test_a_config_file_that_links_to_nothing_is_a_one_line_error(tmp_path):
    (tmp_path / "quotecards.toml").symlink_to(tmp_path / "gone.toml")
    assert config_error(tmp_path).startswith(f"{tmp_path / 'quotecards.toml'}: file: cannot read")


# -- layout names ----------------------------------------------------------------------------------

PATHS_FOR_NAMES = [  # the config's text, the key the error names
    ('headline_layout = "../x"', "headline_layout"),
    ('layout = "/etc/passwd"', "layout"),
    ('no_image_layout = "mine/brand"', "no_image_layout"),
    ('photo_aside_layout = ".."', "photo_aside_layout"),
    ('layout = ""', "layout"),
    ('[sections]\nopinion = "../../layouts/brand"', "sections.opinion"),
    ('[step_down]\n"../x" = "long"', "step_down.../x"),
    ('[step_down]\nband = "C:\\\\layouts\\\\long"', "step_down.band"),
]


@pytest.mark.parametrize("text, key", PATHS_FOR_NAMES, ids=[key for _, key in PATHS_FOR_NAMES])
def test_a_layout_name_that_is_a_path_is_a_config_error_naming_the_key(tmp_path, text, key):
    path = write(tmp_path / "quotecards.toml", text + "\n")
    message = config_error(tmp_path)
    assert message.startswith(f"{path}: {key}: no layout named ") and "letters, digits" in message


@pytest.mark.parametrize("text, key", [
    ('layout = "brnad"', "layout"),
    ('headline_layout = "nope"', "headline_layout"),
    ('[sections]\nOpinion = "splt"', "sections.Opinion"),
    ('[step_down]\nband = "longer"', "step_down.band"),
    ('[step_down]\nhouse = "long"', "step_down.house"),
])
def test_a_layout_no_folder_has_is_a_config_error_naming_the_key(tmp_path, text, key):
    path = write(tmp_path / "quotecards.toml", text + "\n")
    message = config_error(tmp_path)
    assert message.startswith(f"{path}: {key}: no layout named ") and "(have: band, brand, headline" in message


def test_in_pyproject_the_error_names_the_tool_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "site"\n[tool.ruff]\nline-length = 100\n')
    assert find_config(tmp_path).path is None  # other tools' tables: still no config
    write(path, '[tool.quotecards]\nlayout = "../photo"\n')
    assert config_error(tmp_path).startswith(f"{path}: tool.quotecards.layout: no layout named '../photo'")


def test_the_sites_own_layouts_and_the_runs_are_names_a_config_may_use(tmp_path):
    house = HEADLINE.replace('name = "headline"', 'name = "house"')
    write(tmp_path / "design" / "house.toml", house)
    write(tmp_path / "quotecards.toml", 'layout_dirs = ["design"]\nlayout = "house"\n[step_down]\nhouse = "long"\n')
    assert find_config(tmp_path).layout == "house"
    write(tmp_path / "extra" / "desk.toml", house.replace('name = "house"', 'name = "desk"'))
    write(tmp_path / "quotecards.toml", '[sections]\nopinion = "desk"\n')
    assert config_error(tmp_path).endswith("(have: band, brand, headline, headline-split, long, photo, split)")
    assert find_config(tmp_path, (tmp_path / "extra",)).sections == {"opinion": "desk"}  # as --layout-dir gives


def test_a_bad_layout_name_stops_the_run_before_any_card(tmp_path):
    write(tmp_path / "quotecards.toml", 'headline_layout = "../x"\n')
    posts = [write(tmp_path / f"{n}.md", f"---\ntitle: Page {n}\n---\n") for n in "ab"]
    result = CliRunner().invoke(main, ["render", *map(str, posts), "--out", str(tmp_path / "out"), "--offline",
                                       "--site-root", str(tmp_path)])
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 2 and errors == [
        f"error: {tmp_path / 'quotecards.toml'}: headline_layout: no layout named '../x' (a layout name is letters, "
        "digits, '-' and '_')"]
    assert not (tmp_path / "out" / "og").exists()


def test_reading_a_config_loads_no_pillow(tmp_path):
    # The layout names are checked against the layout folders without reading a layout.
    write(tmp_path / "quotecards.toml", 'layout = "band"\n[sections]\nopinion = "split"\n')
    code = ("import sys; from pathlib import Path; from quotecards.config import find_config; "
            f"find_config(Path({str(tmp_path)!r})); print('PIL' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- the site's name -------------------------------------------------------------------------------

@pytest.mark.parametrize("escaped, shown", [
    ("\\u0007", "U+0007"), ("\\u001b[31mred", "U+001B"), ("two\\nlines", "U+000A"), ("\\t", "U+0009"),
    ("\\u007f", "U+007F"), ("\\u0085", "U+0085"), ("\\u009b", "U+009B"),
])
def test_a_site_name_with_a_control_character_is_a_config_error(tmp_path, escaped, shown):
    path = write(tmp_path / "quotecards.toml", f'site_name = "The{escaped} Times"\n')
    assert config_error(tmp_path) == f"{path}: site_name: contains {shown}, a control character, which a card " \
                                     "cannot show"


def test_a_site_name_is_bounded(tmp_path):
    path = write(tmp_path / "quotecards.toml", f'site_name = "{"x" * 400_000}"\n')
    assert config_error(tmp_path) == f"{path}: site_name: 400,000 characters; a card holds at most 200"
    # At the bound, in any script, with joiners and soft hyphens (format characters, not controls): taken.
    name = "\u0627\u0644\u200d\u00ad" * (MAX_SITE_NAME_CHARS // 4)
    write(path, f'site_name = "{name}"\n')
    assert find_config(tmp_path).site_name == name and len(name) == MAX_SITE_NAME_CHARS


# -- a layout's templates and its own text ----------------------------------------------------------

def layout_with(tmp_path: Path, line: str) -> Path:
    # layer[5] of the headline design is its byline
    assert 'text = "byline"' in HEADLINE
    return write(tmp_path / "mine.toml", HEADLINE.replace('text = "byline"', line, 1))


def layout_error(path: Path) -> str:
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


# Already refused before this round (they are the probe's cases, kept): a field is a bare name.
@pytest.mark.parametrize("template", ["{author:x}", "{author:{date}}", "{author!z}", "{author:>2147483648}",
                                      "{author!r:>99999999}", "By {author!s}", "{date:%Y}"])
def test_a_template_with_a_format_spec_or_a_conversion_names_the_file_and_the_layer(tmp_path, template):
    path = layout_with(tmp_path, f"text = {template!r}")
    assert layout_error(path).startswith(f"{path}: layer[5].text: not a template")


@pytest.mark.parametrize("template", ["{author:}", "By {author:} on {date}"])
def test_a_template_with_an_empty_format_spec_is_refused_as_the_schema_does(tmp_path, template):
    path = layout_with(tmp_path, f'text = "byline"\nfallback = {template!r}')
    assert layout_error(path).startswith(f"{path}: layer[5].fallback: not a template")


@pytest.mark.parametrize("line, key, shown", [
    ('literal = "\\u0007"', "literal", "U+0007"),
    ('literal = "\u00bb\\n"', "literal", "U+000A"),
    ('text = "{author}\\u001b[2J"', "text", "U+001B"),
    ('text = "byline"\nfallback = "\u0085{date}"', "fallback", "U+0085"),
])
def test_a_layouts_own_text_with_a_control_character_is_a_layout_error(tmp_path, line, key, shown):
    path = layout_with(tmp_path, line)
    assert layout_error(path) == f"{path}: layer[5].{key}: contains {shown}, a control character, which a card " \
                                 "cannot show"


def test_a_layouts_own_text_is_bounded(tmp_path):
    for line, key, length in ((f'literal = "{"*" * 201}"', "literal", "201"),
                              (f'text = "{"-" * 400_000}{{author}}"', "text", "400,008")):
        path = layout_with(tmp_path, line)
        assert layout_error(path) == f"{path}: layer[5].{key}: {length} characters; a layout's own text is at most 200"
    words, marks = "\u00b7" * (MAX_FIXED_TEXT_CHARS - len("{author}")), "\u201c" * MAX_FIXED_TEXT_CHARS
    layout = load_layout(layout_with(tmp_path, f'text = "{words}{{author}}"\nliteral = "{marks}"'))
    assert layout.layers[5].literal == marks  # type: ignore[union-attr]  # at the bound: taken


def test_a_config_may_name_a_layout_that_only_a_layout_dir_given_on_the_command_line_has(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "house.toml").write_text((ROOT / "layouts" / "brand.toml").read_text("utf-8"), "utf-8")
    (tmp_path / "quotecards.toml").write_text('layout = "house"\n')
    (tmp_path / "post.md").write_text("---\ntitle: T\nfeatured_quote: A quote here.\n---\n")
    result = CliRunner().invoke(main, ["render", str(tmp_path / "post.md"), "--out", str(tmp_path / "out"),
                                       "--site-root", str(tmp_path), "--layout-dir", str(extra), "--offline"])
    assert result.exit_code == 0, result.output
