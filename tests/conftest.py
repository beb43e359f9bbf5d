from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "posts"
IMAGES = ROOT / "samples" / "images"


def _seed() -> Path:
    # The seed post is kept in samples/; shared/ holds the original beside the checkout.
    return SAMPLES / "seed-post.md"


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
