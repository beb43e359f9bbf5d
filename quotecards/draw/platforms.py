"""Platform presets: canvas size, the network's file-size limit, and its safe area.

The safe area is where the network's own interface does not cover the picture (a story's
progress bar and reply box); layouts place their layers inside it. Sizes and limits are the
networks' own published figures, each cited beside its preset.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PlatformError
from .geometry import PixelBox

__all__ = ["PLATFORMS", "Platform", "expand", "get_platform"]

MB = 1024 * 1024
# A quote is not set smaller than this share of the canvas width: on a phone, where a 1200 px
# card is shown some 400 px wide, that is about the size of the network's own small print.
LEGIBLE_SHARE = 0.03


@dataclass(frozen=True)
class Platform:
    """A network's preset: its canvas, the byte limit it takes, and the safe area its apps cover."""

    name: str
    width: int
    height: int
    max_bytes: int
    description: str
    safe: tuple[int, int, int, int] = (0, 0, 0, 0)  # px kept clear at the top, right, bottom, left
    min_text: int = 0  # px: no quote is set smaller; 0: LEGIBLE_SHARE of the width

    @property
    def legible_px(self) -> int:
        return self.min_text or round(self.width * LEGIBLE_SHARE)

    @property
    def canvas(self) -> tuple[int, int, tuple[int, int, int, int], int]:
        """What a card is drawn from: platforms alike in these get the same picture."""
        return (self.width, self.height, self.safe, self.min_text)

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def safe_box(self) -> PixelBox:
        """The part of the canvas layers are placed in."""
        top, right, bottom, left = self.safe
        return PixelBox(left, top, self.width - right, self.height - bottom)


PLATFORMS: dict[str, Platform] = {p.name: p for p in [
    # Facebook "Sharing → Images": 1200×630 (1.91:1) recommended for link shares; og:image up to 8 MB.
    # https://developers.facebook.com/docs/sharing/webmasters/images/
    Platform("og", 1200, 630, 8 * MB, "Open Graph / Facebook link preview"),
    # X "Cards → summary_large_image": 2:1 shown, up to 5 MB; 1200×675 (16:9) is X's recommended
    # in-stream image and keeps its centre in the 2:1 crop.
    # https://developer.x.com/en/docs/x-for-websites/cards/overview/summary-card-with-large-image
    Platform("x", 1200, 675, 5 * MB, "X / Twitter large image card"),
    # LinkedIn "Share on LinkedIn": link images 1200×627 (1.91:1), up to 5 MB.
    # https://www.linkedin.com/help/linkedin/answer/a521928
    Platform("linkedin", 1200, 627, 5 * MB, "LinkedIn link share"),
    # Instagram content publishing API: JPEG/PNG up to 8 MB; 1:1 at 1080 px wide.
    # https://developers.facebook.com/docs/instagram-platform/content-publishing/
    Platform("instagram", 1080, 1080, 8 * MB, "Instagram square post"),
    # Same API: 4:5 is the tallest feed ratio; the profile grid shows a 3:4 centre crop, so keep
    # 34 px clear at each side.
    Platform("instagram-portrait", 1080, 1350, 8 * MB, "Instagram portrait post (4:5)", (0, 34, 0, 34)),
    # Instagram/Facebook Stories: 1080×1920 (9:16); Meta's guidance keeps ~14 % top and bottom
    # (250 px) free of text for the profile bar and the reply box. Story images up to 30 MB.
    # https://www.facebook.com/business/help/2222978001316694
    Platform("story", 1080, 1920, 30 * MB, "Instagram / Facebook story or reel cover", (250, 60, 340, 60)),
    # Pinterest "Product specs → Standard pins": 2:3, 1000×1500 recommended, up to 20 MB.
    # https://help.pinterest.com/en/business/article/pinterest-product-specs
    Platform("pinterest", 1000, 1500, 20 * MB, "Pinterest standard pin"),
    # Threads API: JPEG/PNG up to 8 MB, 320–1440 px wide; 4:5 fills the feed best.
    # https://developers.facebook.com/docs/threads/overview/
    Platform("threads", 1080, 1350, 8 * MB, "Threads post image (4:5)"),
    # Bluesky lexicon app.bsky.embed.external: a link card's thumb is a blob of at most 1,000,000
    # bytes, shown at 1.91:1.
    # https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/external.json
    Platform("bluesky", 1200, 630, 1_000_000, "Bluesky link card"),
    # Mastodon: preview cards come from og:image; media attachments up to 16 MB (images), and
    # 16:9 is shown uncropped in the web and mobile timelines.
    # https://docs.joinmastodon.org/user/posting/#media
    Platform("mastodon", 1200, 675, 16 * MB, "Mastodon image post (16:9)"),
]}


def get_platform(name: str) -> Platform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise PlatformError("", "platform", f"unknown platform {name!r} (have: {', '.join(PLATFORMS)}, all)") from None


def expand(names: tuple[str, ...] | list[str]) -> list[Platform]:
    """Platform names as given on the command line; "all" is every preset, each once."""
    out: list[Platform] = []
    for name in names:
        for platform in (PLATFORMS.values() if name == "all" else [get_platform(name)]):
            if platform not in out:
                out.append(platform)
    return out
