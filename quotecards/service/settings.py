"""What a service is set up with: flags, the site config's [service] table, or a program's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import SiteConfig

__all__ = ["ServiceConfig"]


@dataclass(frozen=True)
class ServiceConfig:
    store: str  # where drawn cards are kept: a folder, or an fsspec URL (s3://bucket/cards)
    posts: Path | None = None  # the site's posts, for cards by page
    wordpress: str | None = None  # or a WordPress site's address, whose REST API gives them
    secret: bytes | None = None  # signs card URLs; None: no cards by parameters
    site: SiteConfig = field(default_factory=SiteConfig)
    max_pending: int = 64  # distinct cards being drawn or waiting to be; past this, 503
    workers: int = 0  # processes drawing cards; 0: one per core
    timeout: float = 30.0  # seconds a request waits for its card; then 503 (the card is still kept)
    default_format: str = "png"
    allow_private_images: bool = False  # fetch photos from this machine's or the LAN's addresses (tests, intranets)
    cache_dir: Path | None = None  # downloaded photos
    site_root: Path | None = None  # a post's local photo is found below it (and below the posts folder)
