"""quotecards' MkDocs plugin against Material for MkDocs' social plugin, on the same pages.

    python benchmarks/mkdocs_social.py --material-python /path/to/venv/bin/python [--pages 60]

Makes a docs site whose page titles come from the test corpus (twelve scripts, as a newsroom's
or a project's translated docs have them) and builds it twice in each setup, in fresh processes,
alternating: cold (no cache, no store) and warm (each plugin's own cache). Material's plugin needs
its `imaging` extra (CairoSVG, libcairo) in the Python given, and fetches its font from Google
Fonts on first use; this machine has no way out, so the benchmark puts a font where the plugin's
cache would keep the download (Inter, bundled here, under the theme font's name). Prints the
build times, the cards' bytes, and for each plugin how many titles hold characters its font
cannot draw (Material sets a card in one font; quotecards falls back per script).

Figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = tomllib.loads((ROOT / "tests/corpus/multilingual.toml").read_text("utf-8"))["quote"]
INTER = ROOT / "fonts"
STYLES = {"Regular": "Inter-Regular.otf", "Bold": "Inter-Bold.otf", "Medium": "Inter-SemiBold.otf"}


def make_site(folder: Path, pages: int, plugin: str) -> None:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    theme = "theme:\n  name: material\n" if plugin == "social" else ""
    (folder / "mkdocs.yml").write_text(f"site_name: Field Guide\nsite_url: https://example.org/\n{theme}"
                                       f"plugins:\n  - {plugin}\n")
    for i in range(pages):
        entry = CORPUS[i % len(CORPUS)]
        title = " ".join(entry["quote"].split()[:7]) if entry["lang"] not in ("zh", "ja", "zh-Hant") \
            else entry["quote"][:14]
        (docs / f"page-{i:03d}.md").write_text(f"---\ntitle: {title!r}\nlang: {entry['lang']}\n---\n\nText.\n",
                                               "utf-8")
    (docs / "index.md").write_text("# Field Guide\n\nHome.\n")


def seed_material_fonts(folder: Path) -> None:
    """The font Material would download (its theme font, Roboto), from a bundled face instead."""
    fonts = folder / ".cache/plugin/social/fonts/Roboto"
    fonts.mkdir(parents=True, exist_ok=True)
    for style, file in STYLES.items():
        shutil.copy(INTER / file, fonts / f"{style}{Path(file).suffix}")


def build(python: str, folder: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([python, "-m", "mkdocs", "build", "--quiet"], cwd=folder, env=env, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {folder}: {done.stderr[-2000:]}")
    return elapsed


def card_bytes(folder: Path, plugin: str) -> tuple[int, int]:
    where = folder / "site" / ("assets/quotecards" if plugin == "quotecards" else "assets/images/social")
    files = [p for p in where.rglob("*.png")]
    return len(files), sum(p.stat().st_size for p in files)


def untypeable(plugin: str) -> int:
    """Titles with a character the plugin's font for them has no glyph for."""
    from fontTools.ttLib import TTFont

    if plugin == "quotecards":
        from quotecards.text import fonts
        stack = fonts.stack_for(fonts.find_face("Noto Serif Display", 600))
        have = set().union(*(fonts.coverage(face) for face in stack))
    else:
        have = set(TTFont(INTER / STYLES["Bold"]).getBestCmap())
    titles = [" ".join(e["quote"].split()[:7]) for e in CORPUS]
    return sum(1 for title in titles if any(ord(ch) not in have for ch in title if not ch.isspace()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--material-python", required=True, help="a Python with mkdocs-material[imaging]")
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setups = {"quotecards": sys.executable, "social": args.material_python}
    times: dict[str, dict[str, list[float]]] = {name: {"cold": [], "warm": []} for name in setups}
    sizes: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for name, python in setups.items():
                folder = Path(tmp) / f"{name}-{round_}"
                make_site(folder, args.pages, name)
                env = {**os.environ, "XDG_CACHE_HOME": str(folder / "xdg")}
                if name == "social":
                    seed_material_fonts(folder)
                times[name]["cold"].append(build(python, folder, env))
                times[name]["warm"].append(build(python, folder, env))
                sizes[name] = card_bytes(folder, name)
    print(f"{args.pages + 1} pages, titles in {len({e['lang'] for e in CORPUS})} languages; median of {args.rounds}")
    print("| plugin | cold build s | rebuild s | cards | KB a card | corpus titles its font cannot draw |")
    print("|---|---|---|---|---|---|")
    for name in setups:
        count, total = sizes[name]
        print(f"| {name} | {statistics.median(times[name]['cold']):.2f} | {statistics.median(times[name]['warm']):.2f} "
              f"| {count} | {total / max(1, count) / 1024:.0f} | {untypeable(name)} of {len(CORPUS)} |")


if __name__ == "__main__":
    main()
