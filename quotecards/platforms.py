"""Platform presets: canvas size and the network's file-size limit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    name: str
    width: int
    height: int
    max_bytes: int
    description: str


# Open Graph: 1200×630 is the size Facebook recommends for link shares (1.91:1), and its
# sharing documentation caps og:image at 8 MB.
PLATFORMS: dict[str, Platform] = {
    "og": Platform("og", 1200, 630, 8 * 1024 * 1024, "Open Graph / Facebook link preview"),
}


def get_platform(name: str) -> Platform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r} (have: {', '.join(PLATFORMS)})") from None
