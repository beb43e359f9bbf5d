"""The documentation: README.md and the MkDocs site in docs/.

The site builds with `mkdocs build --strict` and every page gets its card; README stays short and
keeps the test command CI runs; every link between the pages resolves; and every shell command
the pages show is run here, in a copy of the samples, or is named with the test that runs it —
all but the installs."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = [README, *sorted(DOCS.rglob("*.md"))]

# CI (.ci/run) runs README's test command as README gives it: that line is not to change.
TEST_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' && python -m pytest"

SHELL_BLOCKS = ("sh", "bash", "console", "shell")
# Steps that install something: the test machine has done them, and no test reaches a registry.
INSTALL_KINDS = ("apt-get", "brew", "pip install", "python3 -m venv", "npm install", "git clone")
# Steps a test elsewhere runs, in the site it needs: the command as shown → the tests that run it.
COVERED_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "python -m pytest": ("tests/test_docs.py::test_readme_is_short_and_keeps_the_test_command_ci_runs",),
    "ruff check quotecards tests benchmarks": ("tests/test_code.py::test_ruff_finds_nothing",),
    "mypy": ("tests/test_code.py::test_mypy_finds_nothing",),
    "mkdocs build": ("tests/test_docs.py::test_the_site_builds_strict_and_every_page_has_its_card",
                     "tests/test_mkdocs.py::test_every_page_gets_a_card_and_a_rebuild_takes_them_from_the_store"),
    "quotecards hugo .": ("tests/test_hugo.py::test_partial_mode_points_every_page_at_its_card_without_touching_posts",),
    "hugo": ("tests/test_hugo.py::test_partial_mode_points_every_page_at_its_card_without_touching_posts",
             "tests/test_hugo.py::test_front_matter_mode_works_with_hugos_own_templates_and_adds_one_line"),
    "quotecards hugo . --front-matter": (
        "tests/test_hugo.py::test_front_matter_mode_works_with_hugos_own_templates_and_adds_one_line",),
    "quotecards jekyll .": ("tests/test_jekyll.py::test_the_data_file_and_include_give_every_post_its_card",),
    "jekyll build": ("tests/test_jekyll.py::test_the_data_file_and_include_give_every_post_its_card",
                     "tests/test_jekyll.py::test_front_matter_mode_feeds_jekyll_seo_tag_and_changes_only_that_line"),
    "quotecards jekyll . --front-matter": (
        "tests/test_jekyll.py::test_front_matter_mode_feeds_jekyll_seo_tag_and_changes_only_that_line",),
    "quotecards eleventy . --base-url https://example.org/": (
        "tests/test_eleventy.py::test_every_page_gets_its_card_through_the_data_file_and_include",),
    "quotecards check _site": (
        "tests/test_jekyll.py::test_every_page_jekyll_renders_gets_one_set_of_tags_with_our_card",),
    'QUOTECARDS_SECRET=… quotecards sign title="Harbour ferry returns" quote="We sail at dawn."': (
        "tests/test_service.py::test_sign_prints_the_path_the_library_makes_and_the_service_takes",),
    'QUOTECARDS_SECRET=… quotecards sign title="Harbour ferry returns" quote="We sail at dawn." '
    'attribution="The harbour master" image=https://news.example.org/img/ferry.jpg': (
        "tests/test_service.py::test_the_plain_html_example_is_what_sign_prints",),
    "npx @11ty/eleventy": ("tests/test_eleventy.py::test_every_page_gets_its_card_through_the_data_file_and_include",),
}
# The commands run here, in a copy of samples/ (they name samples/posts/… as from a checkout's root).
RUN_HERE = ("render", "build", "merge", "fields", "fonts", "layouts", "platforms")
NEEDS_OFFLINE = ("render", "build", "hugo", "jekyll", "eleventy", "serve")  # they would download featured images


@dataclass(frozen=True)
class Block:
    """A shell block shown on a page: its commands in order and, for a console block, the output shown."""

    page: Path
    line: int
    commands: tuple[str, ...]
    output: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def fenced_blocks(text: str) -> list[tuple[int, str, list[str]]]:
    """Each fenced block: the line it starts on, its language and its lines."""
    blocks, lines, index = [], text.splitlines(), 0
    while index < len(lines):
        opening = re.match(r"^ *```(\S*)", lines[index])
        if opening:
            end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
            blocks.append((index + 1, opening.group(1), lines[index + 1:end]))
            index = end
        index += 1
    return blocks


def indented_blocks(text: str) -> list[tuple[int, list[str]]]:
    """README's 4-space-indented code blocks (outside fences, after a blank line): the line each starts on."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    in_fence, previous_blank = False, True
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_fence, current = not in_fence, None
        elif in_fence:
            pass
        elif line.startswith("    ") and line.strip():
            if current is None and previous_blank:
                current = []
                blocks.append((number, current))
            if current is not None:
                current.append(line[4:])
        elif line.strip():
            current = None  # a blank line keeps a code block open; text closes it
        previous_blank = not line.strip()
    return blocks


def shell_block(page: Path, line: int, lines: list[str], console: bool) -> Block:
    if console or any(text.startswith("$ ") for text in lines):
        commands = tuple(text[2:] for text in lines if text.startswith("$ "))
        return Block(page, line, commands, tuple(text for text in lines if not text.startswith("$ ")))
    return Block(page, line, tuple(text for text in lines if text.strip() and not text.lstrip().startswith("#")))


def shown_blocks() -> list[Block]:
    found = []
    for page in PAGES:
        text = page.read_text("utf-8")
        for line, language, lines in fenced_blocks(text):
            if language in SHELL_BLOCKS:
                found.append(shell_block(page, line, lines, language == "console"))
        for line, lines in indented_blocks(text):
            found.append(shell_block(page, line, lines, False))
    return found


def steps(command: str) -> list[str]:
    """A command line's steps (`a && b`), each without a trailing comment."""
    return [re.sub(r"\s+#.*$", "", step).strip() for step in command.split(" && ")]


def install_kind(step: str) -> str | None:
    bare = step.removeprefix("sudo ")
    if bare == ". .venv/bin/activate":  # the second half of `python3 -m venv`
        return "python3 -m venv"
    return next((kind for kind in INSTALL_KINDS if bare.startswith(kind)), None)


def run_here(step: str) -> bool:
    words = step.split()
    return len(words) > 1 and words[0] == "quotecards" and words[1] in RUN_HERE


def runnable(blocks: list[Block]) -> dict[tuple[str, ...], list[Block]]:
    """The blocks with a command to run here, by those commands: a block shown on two pages runs once."""
    found: dict[tuple[str, ...], list[Block]] = {}
    for block in blocks:
        commands = tuple(step for command in block.commands for step in steps(command) if run_here(step))
        if commands:
            found.setdefault(commands + block.output, []).append(block)
    return found


BLOCKS = shown_blocks()
RUNNABLE = list(runnable(BLOCKS).values())


def test_every_command_shown_is_an_install_or_run_by_a_test():
    assert BLOCKS and RUNNABLE  # the parser found the pages' commands
    installs: dict[str, list[str]] = {}
    unrun = []
    for block in BLOCKS:
        for command in block.commands:
            for step in steps(command):
                kind = install_kind(step)
                if kind:
                    installs.setdefault(kind, []).append(step)
                elif not (run_here(step) or step in COVERED_ELSEWHERE):
                    unrun.append(f"{block.name}: {step}")
    assert not unrun, "no test runs these commands: " + "; ".join(unrun)
    # What is left unrun is installs, of exactly these kinds.
    assert set(installs) == set(INSTALL_KINDS), installs


def test_no_page_installs_quotecards_from_pypi():
    """It is installed from a checkout or from its git repository: it is not on PyPI."""
    from_pypi = re.compile(r"pip install( -\S+)* ['\"]?quotecards\b")
    found = [f"{page.relative_to(ROOT)}: {line}" for page in PAGES for _, _, lines in fenced_blocks(page.read_text("utf-8"))
             for line in lines if from_pypi.search(line)]
    found += [f"README.md: {line}" for _, lines in indented_blocks(README.read_text("utf-8")) for line in lines
              if from_pypi.search(line)]
    assert not found, found


def test_each_test_named_for_a_command_exists_and_each_command_is_shown():
    shown = {step for block in BLOCKS for command in block.commands for step in steps(command)}
    assert set(COVERED_ELSEWHERE) <= shown, set(COVERED_ELSEWHERE) - shown  # no entry outlives its command
    for tests in COVERED_ELSEWHERE.values():
        for test in tests:
            path, name = test.split("::")
            tree = ast.parse((ROOT / path).read_text("utf-8"))
            assert name in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}, test


def copy_of_samples(folder: Path) -> Path:
    """A checkout's samples/ as the commands see it: posts, images, the site config (not the made cards)."""
    for part in ("posts", "images"):
        shutil.copytree(ROOT / "samples" / part, folder / "samples" / part)
    shutil.copy(ROOT / "samples" / "quotecards.toml", folder / "samples" / "quotecards.toml")
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache folder for these commands, as a user's machine has: the fonts' facts are read once, not per command."""
    return tmp_path_factory.mktemp("docs-cache")


def shell_env(cache: Path) -> dict[str, str]:
    """This environment (tests/conftest.py's no-network guard) with this Python's commands first."""
    return {**os.environ, "XDG_CACHE_HOME": str(cache),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}


def offline(step: str) -> str:
    words = step.split()
    return step + " --offline" if words[1] in NEEDS_OFFLINE and "--offline" not in words else step


def comparable(line: str) -> str:
    """An output line as the docs show it, without what differs from run to run or offline: sizes and warnings."""
    return re.sub(r"\d[\d,]* bytes", "N bytes", line.split("  warnings: ", 1)[0]).rstrip()


@pytest.mark.system("fonts-noto-cjk", "libfribidi0")  # the samples are in every script
@pytest.mark.parametrize("blocks", RUNNABLE, ids=["+".join(block.name for block in blocks) for blocks in RUNNABLE])
def test_the_commands_shown_run_as_shown(tmp_path, cache, blocks):
    block = blocks[0]
    folder = copy_of_samples(tmp_path)
    printed = []
    for command in block.commands:
        for step in steps(command):
            if not run_here(step):
                continue  # an install, or a command another test runs (see above)
            done = subprocess.run(offline(step), shell=True, executable="/bin/bash", cwd=folder, env=shell_env(cache),
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{step}: {done.stdout}{done.stderr}"
            assert "error:" not in done.stderr, f"{step}: {done.stderr}"
            printed += done.stdout.splitlines() + done.stderr.splitlines()
    for shown in block.output:
        assert comparable(shown) in {comparable(line) for line in printed}, f"{block.name}: not printed: {shown}"
    if "quotecards render samples/posts/*.md --out samples/cards" in block.commands:  # docs/samples.md's claim
        made = {card.name for card in (folder / "samples/cards/og").iterdir()}
        assert made == {card.name for card in (ROOT / "samples/cards/og").iterdir()}


@pytest.mark.system("fonts-noto-cjk", "libfribidi0")
def test_the_library_examples_run(tmp_path, cache):
    first, second = [lines for _, language, lines in fenced_blocks((DOCS / "library.md").read_text("utf-8"))
                     if language == "python"]
    folder = copy_of_samples(tmp_path / "one")
    done = subprocess.run([sys.executable, "-c", "\n".join(first)], cwd=folder, env=shell_env(cache),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("og/") and ".png" in done.stdout
    assert json.loads((folder / "out/manifest.json").read_text("utf-8"))["cards"]
    folder = copy_of_samples(tmp_path / "two")
    done = subprocess.run([sys.executable, "-c", "\n".join(second)], cwd=folder, env=shell_env(cache),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("22 cards made, 0 reused, 0 failed"), done.stdout
    assert len(json.loads((folder / "out/archive/manifest.json").read_text("utf-8"))["cards"]) == 22


def usage_lines() -> list[tuple[str, str, str]]:
    """Each usage block (```text starting with `quotecards COMMAND`): its page, the command and its text."""
    found = []
    for page in PAGES:
        for _, language, lines in fenced_blocks(page.read_text("utf-8")):
            words = lines[0].split() if lines else []
            if language == "text" and words[:1] == ["quotecards"]:
                found.append((page.name, words[1], "\n".join(lines)))
    return found


def test_the_usage_lines_name_only_real_options():
    usages = usage_lines()
    assert {command for _, command, _ in usages} >= {"render", "build", "merge", "hugo", "jekyll", "eleventy", "serve"}
    helps: dict[str, str] = {}
    for page, command, text in usages:
        if command not in helps:
            done = subprocess.run([sys.executable, "-m", "quotecards", command, "--help"], capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            helps[command] = done.stdout
        options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", helps[command]))
        shown = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))
        assert shown <= options, f"{page}: quotecards {command} has no {shown - options}"


def test_readme_is_short_and_keeps_the_test_command_ci_runs():
    readme = README.read_bytes()
    assert len(readme) < 8 * 1024, len(readme)
    lines = readme.decode("utf-8").splitlines()
    assert "    " + TEST_COMMAND in lines
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
LINKED_FILES = (".md", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")


def test_every_link_to_a_page_or_an_image_resolves():
    broken = []
    for page in PAGES:
        text = page.read_text("utf-8")
        for _, _, lines in fenced_blocks(text):  # code shows links, it does not make them
            text = text.replace("\n".join(lines), "")
        for target in LINK.findall(text):
            path = target.split("#", 1)[0]
            if urlsplit(target).scheme or not path.lower().endswith(LINKED_FILES):
                continue
            if not (page.parent / path).resolve().is_file():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_the_pages_name_no_file_of_the_package():
    """Where the code lives is changing: the pages describe commands, options and keys, and leave the
    package's files to docs/architecture.md."""
    names = {path.name for path in (ROOT / "quotecards").rglob("*") if path.is_file() and path.suffix in (".py", ".html")}
    names -= {"__init__.py", "__main__.py"}
    named = re.compile(r"(?<![\w/.-])(?:quotecards/[\w/]+\.\w+|" + "|".join(map(re.escape, sorted(names))) + r")\b")
    found = [f"{page.relative_to(ROOT)}: {match}" for page in PAGES if page.name != "architecture.md"
             for match in named.findall(page.read_text("utf-8"))]
    assert not found, found


def test_the_site_builds_strict_and_every_page_has_its_card(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(site)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    assert "quotecards" in config["plugins"]
    prefix = urlsplit(config.get("site_url") or "/").path
    for source in DOCS.rglob("*.md"):
        page = source.relative_to(DOCS).with_suffix("")
        html = site / (page.parent if page.name == "index" else page) / "index.html"
        image = re.search(r'<meta property="og:image" content="([^"]+)"', html.read_text("utf-8"))
        assert image is not None, html
        path = urlsplit(image.group(1)).path
        assert path.startswith(prefix), image.group(1)
        with Image.open(site / path[len(prefix):]) as card:
            assert card.size == (1200, 630), page
