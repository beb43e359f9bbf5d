"""DIR/index.html: every card of a run on one static page, for people to review.

Grouped by post (title and date), each platform's card with its size and alt text, warnings
flagged, a download link; filters by platform and "has warnings". One file, no server, nothing
loaded from the internet, readable on a phone.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import files
from ..card_warnings import FLAGGED, Kind
from . import manifest

if TYPE_CHECKING:
    from .state import BuildState

__all__ = ["gallery_from_manifest", "write_state_page"]

# Warning text → the flag shown on the card.

STYLE = """
:root { color-scheme: light dark; --line: #8884; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 12px; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; position: sticky; top: 0;
         background: Canvas; padding: 8px 0; border-bottom: 1px solid var(--line); z-index: 1; }
h1 { font-size: 20px; margin: 0 12px 0 0; }
section { border-bottom: 1px solid var(--line); padding: 12px 0; }
h2 { font-size: 17px; margin: 0 0 2px; }
.meta { opacity: .7; font-size: 13px; margin: 0 0 8px; }
.cards { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
figure img { width: 100%; height: auto; display: block; border-radius: 4px; background: #8882; }
figcaption { font-size: 13px; margin-top: 6px; }
.flag { display: inline-block; background: #d62828; color: #fff; border-radius: 4px; padding: 0 6px;
        margin: 2px 4px 0 0; font-size: 12px; }
.alt { opacity: .75; font-size: 12px; margin: 4px 0 0; }
.errors { color: #d62828; }
[hidden] { display: none !important; }
"""

SCRIPT = """
const platform = document.getElementById('platform');
const warned = document.getElementById('warned');
function apply() {
  for (const fig of document.querySelectorAll('figure')) {
    fig.hidden = (platform.value && fig.dataset.platform !== platform.value) ||
                 (warned.checked && fig.dataset.warnings === '0');
  }
  for (const sec of document.querySelectorAll('section.post')) {
    sec.hidden = !sec.querySelector('figure:not([hidden])');
  }
  document.getElementById('shown').textContent =
    document.querySelectorAll('figure:not([hidden])').length + ' shown';
}
platform.addEventListener('change', apply);
warned.addEventListener('change', apply);
apply();
"""


def flags(card: dict[str, Any]) -> list[str]:
    """The red flags of a card record, from its warnings' kinds, in the order they came."""
    found = []
    for value in card.get("warning_kinds", ()):
        try:
            flag = FLAGGED.get(Kind(value))
        except ValueError:  # a kind from another version of the tool
            continue
        if flag and flag not in found:
            found.append(flag)
    return found


def write_gallery(folder: Path, cards: list[dict[str, Any]], errors: list[dict[str, Any]],
                  images_dir: Path | None = None) -> Path:
    """Write folder/index.html for `cards` (manifest records); their paths are under `images_dir`."""
    by_post: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        by_post.setdefault(card["post"], []).append(card)
    order = sorted(by_post, key=lambda post: (by_post[post][0].get("date") or "", post), reverse=True)
    newest_first = [by_post[post] for post in order]
    return write_page(folder, Shown(newest_first, len(cards), sorted({c["platform"] for c in cards})), errors,
                      images_dir)


@dataclass(frozen=True)
class Shown:
    """What the page shows: each post's cards, newest post first (by its first card's date, then
    its path), given a post at a time; and, for the header, how many cards and which platforms."""

    posts: Iterable[list[dict[str, Any]]]
    count: int
    platforms: list[str]


def write_state_page(folder: Path, state: BuildState, errors: list[dict[str, Any]],
                     images_dir: Path | None = None) -> Path:
    """Write folder/index.html for the cards a build's (or a merge's) state holds, a post at a time."""
    return write_page(folder, Shown(state.posts_newest_first(), state.card_count(), state.platforms()), errors,
                      images_dir)


def write_page(folder: Path, shown: Shown, errors: list[dict[str, Any]], images_dir: Path | None = None) -> Path:
    """Write folder/index.html, a post's cards at a time (a build's archive is never held whole)."""
    prefix = os.path.relpath(images_dir or folder, folder).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    path = folder / "index.html"
    files.write_atomic_text(path, _lines(_page(shown, errors, prefix)))
    return path


def _page(shown: Shown, errors: list[dict[str, Any]], prefix: str) -> Iterator[str]:
    e = html.escape
    yield from [
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>quotecards: {shown.count} cards</title><style>{STYLE}</style></head><body>",
        "<header><h1>Cards</h1><label>Platform <select id=\"platform\"><option value=\"\">all</option>",
        *(f"<option value=\"{e(p)}\">{e(p)}</option>" for p in shown.platforms),
        "</select></label><label><input type=\"checkbox\" id=\"warned\"> has warnings</label>",
        "<span id=\"shown\"></span></header><main>",
    ]
    if errors:
        yield "<section class=\"errors\"><h2>Posts that failed</h2><ul>"
        yield from (f"<li>{e(err['error'])}</li>" for err in errors)
        yield "</ul></section>"
    for group in shown.posts:
        yield from _post(group, prefix)
    yield f"</main><script>{SCRIPT}</script></body></html>\n"


def _post(group: list[dict[str, Any]], prefix: str) -> Iterator[str]:
    e = html.escape
    first = group[0]
    yield (f"<section class=\"post\"><h2>{e(first.get('title') or first['slug'])}</h2>"
           f"<p class=\"meta\">{e(first.get('date') or 'no date')} · {e(first['post'])}</p><div class=\"cards\">")
    for card in group:
        marks = flags(card)
        src = prefix + card["path"]
        yield (f"<figure data-platform=\"{e(card['platform'])}\" data-warnings=\"{len(card['warnings'])}\">"
               f"<a href=\"{e(src)}\"><img src=\"{e(src)}\" alt=\"{e(card.get('alt', ''))}\" loading=\"lazy\" "
               f"width=\"{card['width']}\" height=\"{card['height']}\"></a><figcaption>"
               f"<strong>{e(card['platform'])}</strong> {card['width']}\u00d7{card['height']} · "
               f"{card['bytes'] / 1024:.0f} KB · {e(card['layout'])} · "
               f"<a href=\"{e(src)}\" download>download</a><br>"
               + "".join(f"<span class=\"flag\" title=\"{e('; '.join(card['warnings']))}\">{e(m)}</span>"
                         for m in marks)
               + f"<p class=\"alt\">{e(card.get('alt', ''))}</p></figcaption></figure>")
    yield "</div></section>"


def _lines(parts: Iterable[str]) -> Iterator[str]:
    """The parts joined by newlines, a piece at a time (10,000 cards make a page of some 10 MB)."""
    for i, part in enumerate(parts):
        yield "\n" + part if i else part


def gallery_from_manifest(folder: Path, images_dir: Path | None = None) -> Path:
    records = manifest.read(folder)
    return write_gallery(folder, records["cards"], records["errors"], images_dir)
