"""The public API: what `import quotecards` offers, that each name is there and is what the docs
say, that importing it loads nothing heavy, and that the docs' examples use only it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import quotecards

ROOT = Path(__file__).resolve().parent.parent


def test_all_lists_every_public_name_and_each_is_there():
    assert quotecards.__all__[0] == "__version__" and len(set(quotecards.__all__)) == len(quotecards.__all__)
    for name in quotecards.__all__:
        assert getattr(quotecards, name) is not None
    assert quotecards.build_archive.__name__ == "build" and quotecards.WarningKind.SLUG_TAKEN == "slug taken"
    assert sorted(dir(quotecards)) == sorted(quotecards.__all__)


def test_an_unknown_name_is_an_attribute_error():
    try:
        quotecards.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_quotecards_loads_no_pillow_icu_or_numpy():
    code = "import sys, quotecards; print(sorted(m for m in ('PIL', 'icu', 'numpy', 'requests') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_docs_examples_import_only_the_public_api():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text("utf-8")
        for block in text.split("```python")[1:]:
            code = block.split("```", 1)[0]
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("quotecards"):
                    assert node.module == "quotecards", f"{page.name}: imports from {node.module}"
                    assert {alias.name for alias in node.names} <= set(quotecards.__all__), page.name


def test_a_site_command_from_python_after_the_cli_named_the_site_another_way(tmp_path):
    """`quotecards hugo .` records its posts by relative paths; a program then names the site by
    its absolute path, without the CLI's --prune: the earlier records point no page, and no
    ValueError comes out of the library."""
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://news.invalid/"\ntitle = "T"\n')
    (site / "content" / "posts" / "first.md").write_text("---\ntitle: First\nfeatured_quote: A quote here.\n---\n")
    done = subprocess.run([sys.executable, "-m", "quotecards", "hugo", ".", "--offline"], cwd=site,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    render = quotecards.RenderOptions(out_dir=site / "static", fetch=quotecards.FetchOptions(offline=True))
    result = quotecards.hugo_build(site, quotecards.BuildOptions(render=render))
    assert result.pages == 1 and not result.summary.failed
