"""The docs' reference tables (docs/hooks/reference.py) are made from the code when the site is
built: the platform presets, the config's and layouts' keys, and each command's --help. Here the
built pages are read back: every preset, key and command the code has is in them."""

from __future__ import annotations

import html
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import click
import pytest

from quotecards import config
from quotecards.cli import main
from quotecards.draw import layout
from quotecards.draw.platforms import PLATFORMS

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "docs" / "hooks" / "reference.py"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(folder)], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text("utf-8")


def tables_of(text: str) -> str:
    """The page's tables as their words, one space apart."""
    tables = " ".join(re.findall(r"<table>.*?</table>", text, re.DOTALL))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", tables)).split())


def codes_in_tables(text: str) -> set[str]:
    found = re.findall(r"<code>(.*?)</code>", " ".join(re.findall(r"<table>.*?</table>", text, re.DOTALL)))
    return {html.unescape(code) for code in found}


def test_no_page_keeps_a_marker(site):
    left = [str(path.relative_to(site)) for path in site.rglob("*.html") if "reference:" in path.read_text("utf-8")]
    assert not left, left


def test_the_platforms_table_has_every_preset_as_the_code_has_it(site):
    text = page(site, "platforms")
    codes, words = codes_in_tables(text), tables_of(text)
    for platform in PLATFORMS.values():
        assert platform.name in codes and f"{platform.width}×{platform.height}" in words
        assert platform.description in words
    assert "1,000,000 bytes" in words and "keep clear: top 250, right 60, bottom 340, left 60 px" in words


@pytest.mark.parametrize("name, tables", [("config", config.TABLES), ("layouts", layout.TABLES)])
def test_the_key_tables_have_every_key_the_loader_takes(site, name, tables):
    text = page(site, name)
    codes, words = codes_in_tables(text), tables_of(text)
    for caption, keys in tables.items():
        assert not caption or f"<strong><code>{html.escape(caption, quote=False)}</code></strong>" in text, caption
        for key in keys:
            assert {key.name, f"[{key.name}]", f"[[{key.name}]]"} & codes, (caption, key.name)
            assert " ".join(key.meaning.replace("`", "").split()) in words, (caption, key.name)


def test_the_key_tables_say_defaults_and_ranges(site):
    words = tables_of(page(site, "layouts"))
    assert "number from 0.6 to 3" in words and '"#ffffff"' in words and '"top", "center" or "bottom"' in words
    words = tables_of(page(site, "config"))
    assert "whole number, at least 1000" in words and '{band = "photo", photo = "brand"' in words


def test_the_command_page_has_every_commands_help(site):
    text = html.unescape(page(site, "cli"))
    for name, command in main.commands.items():
        assert f'<h2 id="quotecards-{name}">quotecards {name}</h2>' in text
        assert f"Usage: quotecards {name} " in text
        for option in (opt for param in command.params if isinstance(param, click.Option) for opt in param.opts):
            assert option in text, (name, option)
    render = text.split('<h2 id="quotecards-render">', 1)[1].split("<h2", 1)[0]
    assert "--platform [og|x|linkedin" in render


def hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_hook", HOOK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGE = SimpleNamespace(file=SimpleNamespace(src_path="mine.md"))  # all of MkDocs' Page the hook reads


def test_a_marker_naming_no_table_fails_the_build_and_a_shown_one_is_left_alone():
    from mkdocs.exceptions import PluginError

    reference = hook()
    with pytest.raises(PluginError, match="no reference named 'nope'"):
        reference.on_page_markdown("# Mine\n\n<!-- reference: nope -->\n", page=PAGE, config=None, files=None)
    shown = "Write `<!-- reference: platforms -->` on a line of its own.\n"
    assert reference.on_page_markdown(shown, page=PAGE, config=None, files=None) == shown
