"""The wheel as a user installs it: built from this checkout, run from outside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_its_fonts_layouts_and_licence_and_renders_from_anywhere(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
                   cwd=ROOT, check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("quotecards-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(site)
    assert {"quotecards/fonts/stacks.toml", "quotecards/layouts/brand.toml", "quotecards/preview.html"} <= names
    assert not any(name.endswith("dehint.py") for name in names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ROOT / "samples" / "posts" / "short-and-sharp.md", elsewhere / "post.md")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "quotecards", *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run([sys.executable, "-c", "import quotecards; print(quotecards.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(site)
    layouts = run("layouts")
    assert "brand" in layouts and str(site / "quotecards" / "layouts" / "brand.toml") in layouts
    assert str(site / "quotecards" / "fonts" / "NotoSerifDisplay-Regular.ttf") in run("fonts")
    run("render", "post.md", "--out", "out", "--offline", "--layout", "brand")
    manifest = json.loads((elsewhere / "out" / "manifest.json").read_text())
    assert len(manifest["cards"]) == 1 and manifest["cards"][0]["fonts_used"]
