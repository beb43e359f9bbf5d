"""A Hugo site: cards where Hugo serves them, and every page pointing at its card.

Cards go to SITE/static/<platform>/<slug>.png, so Hugo publishes them at /<platform>/<slug>.png.
Pages learn of them in one of two ways:

- a data file, SITE/assets/quotecards.json (page path → card), read by a partial,
  SITE/layouts/partials/quotecards.html, that emits og:image and twitter:image — include it in
  the <head> of your base template; no post is touched;
- with `front_matter=True`, an `images:` entry in each post, which Hugo's own opengraph and
  twitter_cards templates already read; only that line is added to the file.

Entries carry no leading slash (a site under a sub-path baseURL would lose it) and a `?v=`
version made from the card's bytes, so networks that cache a card by URL fetch a changed one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import export
from .batch import BuildOptions, Summary, build
from .frontmatter_edit import EditError, set_image

PARTIAL = """{{- /* quotecards: og:image and twitter:image for this page, from assets/quotecards.json */ -}}
{{- with resources.Get "quotecards.json" -}}
  {{- $cards := . | transform.Unmarshal -}}
  {{- with $.File -}}
    {{- with index $cards .Path -}}
<meta property="og:image" content="{{ .image | absURL }}">
<meta property="og:image:width" content="{{ .width }}">
<meta property="og:image:height" content="{{ .height }}">
<meta property="og:image:alt" content="{{ .alt }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{ .image | absURL }}">
<meta name="twitter:image:alt" content="{{ .alt }}">
    {{- end -}}
  {{- end -}}
{{- end -}}
"""


@dataclass
class HugoResult:
    summary: Summary
    pages: int = 0  # pages that point at a card
    edits: dict[str, int] = field(default_factory=dict)  # front-matter outcome → posts
    problems: list[str] = field(default_factory=list)


def hugo_build(site: Path, options: BuildOptions, front_matter: bool = False,
               progress: Callable[[int, int], None] | None = None) -> HugoResult:
    """Render the site's cards into static/, then point its pages at them."""
    content = site / "content"
    render = replace(options.render, out_dir=site / "static")
    summary = build(content, replace(options, render=render), progress, state_dir=site / ".quotecards")
    first_platform = render.platforms[0] if render.platforms[0] != "all" else "og"
    pages: dict[str, dict[str, object]] = {}
    for card in summary.cards:
        if card.platform != first_platform:
            continue
        # The hash was taken when the card was encoded: no need to read 10,000 PNGs back per run.
        digest = card.sha256 or hashlib.sha256((site / "static" / card.path).read_bytes()).hexdigest()
        # The path as found below content/, not resolved: a linked post is a page where its link is.
        page = Path(card.post).relative_to(content).as_posix()
        pages[page] = {"image": f"{card.path}?v={digest[:10]}", "width": card.width, "height": card.height,
                       "alt": card.alt}
    data = (json.dumps(pages, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    export.write_atomic(site / "assets" / "quotecards.json", data)
    partial = site / "layouts" / "partials" / "quotecards.html"
    if not partial.exists():  # the site's own copy, if it has one, is its own
        export.write_atomic(partial, PARTIAL.encode("utf-8"))
    result = HugoResult(summary=summary, pages=len(pages))
    if front_matter:
        inside = content.resolve()
        for page, entry in sorted(pages.items()):
            post = content / page
            if not post.resolve().is_relative_to(inside):
                result.problems.append(f"{post}: images: a link to {post.resolve()}, outside {content}; not edited")
                continue
            try:
                outcome = set_image(post, str(entry["image"]))
            except EditError as exc:
                result.problems.append(str(exc))
                continue
            result.edits[outcome] = result.edits.get(outcome, 0) + 1
    return result

