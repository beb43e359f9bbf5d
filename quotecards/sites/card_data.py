"""What a site generator's templates read about each page's card: one data file, page → card.

Each generator names a page its own way (Hugo's .File.Path, Jekyll's page.path, Eleventy's
page.inputPath) and serves the cards under its own URL; the entry is the same everywhere: the
card's URL with a `?v=` version from its bytes (so networks that cache a card by URL fetch a
changed one), its size, type and alt text, and the post it was made from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import files
from ..build.batch import Summary
from ..options import RenderOptions
from ..records import CardRecord
from ..sources.frontmatter_edit import EditError

__all__ = ["Entry", "SiteResult", "edit_posts", "page_entries", "shard_part", "with_brand", "write_data", "write_once"]

Entry = dict[str, object]


@dataclass
class SiteResult:
    """A generator's build: the cards' summary, the pages that point at a card, what was edited."""

    summary: Summary
    data_file: Path  # the page → card file the templates read
    pages: int = 0
    edits: dict[str, int] = field(default_factory=dict)  # front-matter outcome → posts
    problems: list[str] = field(default_factory=list)
    head: str = ""  # how the cards reach the pages' <head>: what was done, or what to do


def page_entries(cards: Iterable[CardRecord], platform: str, page_key: Callable[[Path], str],
                 url: Callable[[CardRecord], str]) -> dict[str, Entry]:
    """Page → its `platform` card, for every card a build recorded. A record of a post outside
    the site's folder (an earlier run's, which named the site another way and was not pruned)
    points no page."""
    pages: dict[str, Entry] = {}
    for card in cards:
        if card.platform != platform:
            continue
        try:
            page = page_key(Path(card.post))
        except ValueError:  # not below the folder the key is made from
            continue
        pages[page] = {"image": f"{url(card)}?v={card.sha256[:10]}", "width": card.width,
                                            "height": card.height, "alt": card.alt, "post": card.post,
                                            "type": card.mime, "title": card.title}
    return pages


def with_brand(options: RenderOptions, site_title: str) -> RenderOptions:
    """The site's own title as the cards' brand, unless quotecards.toml names the site itself."""
    if options.config.site_name or not site_title:
        return options
    return replace(options, config=replace(options.config, site_name=site_title))


def write_data(path: Path, pages: dict[str, Entry]) -> None:
    data = json.dumps(pages, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    files.write_atomic(path, data.encode("utf-8"))


def write_once(path: Path, text: str) -> bool:
    """A template the site may have made its own: written only where there is none. Whether written."""
    if path.exists():
        return False
    files.write_atomic(path, text.encode("utf-8"))
    return True


def shard_part(summary: Summary, data_file: Path, shard: tuple[int, int]) -> SiteResult:
    """A shard of a site's build: its cards and its part of the state are written; the data file
    waits for the whole, which the same command without --shard makes from the parts."""
    k, n = shard
    return SiteResult(summary=summary, data_file=data_file,
                      head=f"shard {k} of {n}: its cards and its part of the state are written; once every shard "
                           "has run, the same command without --shard takes them in and points the pages at them")


def edit_posts(pages: dict[str, Entry], result: SiteResult, edit: Callable[[Path, str], str]) -> None:
    """Each page's post is given its card's URL by `edit`, which says what it did ("added",
    "kept", …) or raises EditError; a post not edited is a problem line, the others go on."""
    for entry in (pages[key] for key in sorted(pages)):
        try:
            outcome = edit(Path(str(entry["post"])), str(entry["image"]))
        except EditError as exc:
            result.problems.append(str(exc))
            continue
        result.edits[outcome] = result.edits.get(outcome, 0) + 1

