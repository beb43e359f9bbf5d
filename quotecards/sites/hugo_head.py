"""A Hugo page's share tags, one of each: the card as og:image and twitter:image, and og:title,
og:url and og:description where nothing else writes them.

Themes write their own tags, through Hugo's embedded `opengraph.html` and `twitter_cards.html`
partials (Ananke) or copies of them (PaperMod's `templates/…`), which fall back to a site-wide
image; a second set beside them gives two og:image and two conflicting twitter:card tags. So
the site gets its own version of each such partial the theme's <head> calls (a site's partial
wins over the theme's and Hugo's), which writes the card where the page has one and does what
the theme's did where it has none. Our tags are written once per page whichever partial runs
first (`.Store` remembers), so the head hook's partial and the theme's writers can both run.

The partials in layouts/partials/quotecards/ are quotecards' own, rewritten by every run. A
writer override is written where the site has none, and rewritten while it is still ours (it
carries MARK); a site's own partial of that name is left alone, and the run says what to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from .card_data import write_once
from .hugo_config import HugoSite, head_hook

__all__ = ["HeadResult", "MARK", "wire_head"]

MARK = "quotecards: generated"

CARD = """{{- /* quotecards: generated. This page's card from assets/quotecards.json (the site's own for
     a page no file stands for), or nothing. */ -}}
{{- $card := false -}}
{{- with resources.Get "quotecards.json" -}}
  {{- $cards := . | transform.Unmarshal -}}
  {{- with $.File -}}
    {{- $card = index $cards (printf "%s/%s" $.Lang .Path) -}}
  {{- else -}}
    {{- $card = index $cards "_site" -}}{{- /* a page no file stands for: a taxonomy, a section list */ -}}
  {{- end -}}
{{- end -}}
{{- return $card -}}
"""

IMAGE_TAGS = """{{- /* quotecards: generated. The card's tags, once per page. */ -}}
{{- if not (.Store.Get "quotecards-image") -}}
{{- .Store.Set "quotecards-image" true -}}
{{- with partial "quotecards/card.html" . }}
<meta property="og:image" content="{{ .image | absURL }}">
{{- with .type }}
<meta property="og:image:type" content="{{ . }}">
{{- end }}
<meta property="og:image:width" content="{{ .width }}">
<meta property="og:image:height" content="{{ .height }}">
<meta property="og:image:alt" content="{{ .alt }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{ .image | absURL }}">
<meta name="twitter:image:alt" content="{{ .alt }}">
{{- end -}}
{{- end -}}
"""

TEXT_TAGS = """{{- /* quotecards: generated. og:title, og:url, og:description and og:type, once per page. */ -}}
{{- if not (.Store.Get "quotecards-text") -}}
{{- .Store.Set "quotecards-text" true }}
<meta property="og:url" content="{{ .Permalink }}">
{{- with or site.Title site.Params.title | plainify }}
<meta property="og:site_name" content="{{ . }}">
{{- end }}
{{- with or .Title site.Title | plainify }}
<meta property="og:title" content="{{ . }}">
{{- end }}
{{- with or .Description .Summary site.Params.description | plainify | htmlUnescape }}
<meta property="og:description" content="{{ trim . "\\n\\r\\t " }}">
{{- end }}
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
{{- end -}}
"""

# The head hook's partial: every tag the page needs, each once.
HEAD = """{{- /* quotecards: og:image, twitter:image and the page's og tags, from assets/quotecards.json */ -}}
{{- partial "quotecards/text-tags.html" . -}}
{{- partial "quotecards/image-tags.html" . -}}
"""

# What earlier versions wrote as the head partial: replaced, being quotecards' own and unedited.
OLD_HEADS = ("{{- /* quotecards: og:image and twitter:image for this page, from assets/quotecards.json */ -}}",)

OPENGRAPH = """{{- /* quotecards: generated, in place of the theme's IMAGES-WRITER. Edit it (and remove this
     line's first words) to make it yours. */ -}}
{{- partial "quotecards/text-tags.html" . -}}
{{- with or .Params.locale site.Language.Locale }}
<meta property="og:locale" content="{{ replace . `-` `_` }}">
{{- end }}
{{- if .IsPage }}
{{- with .Section }}
<meta property="article:section" content="{{ . }}">
{{- end }}
{{- with .PublishDate }}
<meta property="article:published_time" {{ .Format "2006-01-02T15:04:05-07:00" | printf "content=%q" | safeHTMLAttr }}>
{{- end }}
{{- with .Lastmod }}
<meta property="article:modified_time" {{ .Format "2006-01-02T15:04:05-07:00" | printf "content=%q" | safeHTMLAttr }}>
{{- end }}
{{- range .GetTerms "tags" | first 6 }}
<meta property="article:tag" content="{{ .Page.Title | plainify }}">
{{- end }}
{{- end }}
{{- if partial "quotecards/card.html" . }}
{{- partial "quotecards/image-tags.html" . -}}
{{- else }}
{{- with partial "quotecards/cover.html" . }}
<meta property="og:image" content="{{ . }}">
{{- else }}
{{- range partial "IMAGES" . | first 6 }}
<meta property="og:image" content="{{ .Permalink }}">
{{- end }}
{{- end }}
{{- end }}
{{- with .Params.audio }}{{ range . | first 6 }}
<meta property="og:audio" content="{{ . | absURL }}">
{{- end }}{{ end }}
{{- with .Params.videos }}{{ range . | first 6 }}
<meta property="og:video" content="{{ . | absURL }}">
{{- end }}{{ end }}
{{- range .GetTerms "series" }}{{ range .Pages | first 7 }}{{ if ne $ . }}
<meta property="og:see_also" content="{{ .Permalink }}">
{{- end }}{{ end }}{{ end }}
{{- with site.Params.social }}{{ if reflect.IsMap . }}
{{- with .facebook_app_id }}
<meta property="fb:app_id" content="{{ . }}">
{{- else }}{{ with .facebook_admin }}
<meta property="fb:admins" content="{{ . }}">
{{- end }}{{ end }}
{{- with .fediverse_creator }}
<meta name="fediverse:creator" content="{{ . }}">
{{- end }}
{{- end }}{{ end -}}
"""

TWITTER = """{{- /* quotecards: generated, in place of the theme's IMAGES-WRITER. Edit it (and remove this
     line's first words) to make it yours. */ -}}
{{- if partial "quotecards/card.html" . }}
{{- partial "quotecards/image-tags.html" . -}}
{{- else }}
{{- $image := partial "quotecards/cover.html" . }}
{{- with index (partial "IMAGES" .) 0 }}{{ if not $image }}{{ $image = .Permalink }}{{ end }}{{ end }}
{{- with $image }}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="{{ . }}">
{{- else }}
<meta name="twitter:card" content="summary">
{{- end }}
{{- end }}
{{- with or .Title site.Title | plainify }}
<meta name="twitter:title" content="{{ . }}">
{{- end }}
{{- with or .Description .Summary site.Params.description | plainify | htmlUnescape }}
<meta name="twitter:description" content="{{ trim . "\\n\\r\\t " }}">
{{- end }}
{{- with site.Params.social }}{{ if reflect.IsMap . }}{{ with .twitter }}
<meta name="twitter:site" content="{{ if strings.HasPrefix . "@" }}{{ . }}{{ else }}@{{ . }}{{ end }}">
{{- end }}{{ end }}{{ end -}}
"""

# A page's own cover image, as PaperMod (and themes after it) set one: `cover: {image: …,
# relative: true}`, its URL; the theme shows it where the page has no card.
COVER = """{{- /* quotecards: generated. The page's cover.image as a URL, or nothing. */ -}}
{{- $url := "" -}}
{{- with .Params.cover -}}
  {{- if and (reflect.IsMap .) .image -}}
    {{- $url = cond (eq .relative true) (path.Join $.RelPermalink .image | absURL) (.image | absURL) -}}
  {{- end -}}
{{- end -}}
{{- return $url -}}
"""

WRITERS = {"opengraph.html": OPENGRAPH, "twitter_cards.html": TWITTER}
_CALL = re.compile(r'partial(?:Cached|s\.Include(?:Cached)?)?\s+'
                   r'"((?:templates/)?(?:opengraph|twitter_cards)(?:\.html)?)"')
_OWN_TAGS = re.compile(r"""og:image|twitter:image|twitter:card""")
# Hugo before 0.146 called its embedded writers so; a site partial of the same name does not
# replace them (and breaks that call), so such a theme is told what to change instead.
_INTERNAL = re.compile(r'template\s+"_internal/(opengraph|twitter_cards)\.html"')


@dataclass
class HeadResult:
    """What was done to give every page one set of share tags, and what the site must do itself."""

    done: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)


def wire_head(site: HugoSite) -> HeadResult:
    """Write quotecards' partials, take over the theme's tag writers, include the head partial."""
    result = HeadResult()
    for name, text in (("card.html", CARD), ("image-tags.html", IMAGE_TAGS), ("text-tags.html", TEXT_TAGS),
                       ("cover.html", COVER)):
        _write_ours(_site_partial(site, f"quotecards/{name}"), text)
    _write_head(site, result)
    writers = sorted(set(_writers_called(site)))
    for name in writers:
        _take_over(site, name, result)
    for template in _inline_writers(site):
        result.todo.append(f"{template} writes its own og:image or twitter:card: copy it into your site's layouts/ "
                           "and remove those lines, or each page has two")
    for template, name in _internal_writers(site):
        result.todo.append(f'{template} calls {{{{ template "_internal/{name}.html" . }}}}: make it {{{{ partial '
                           f'"{name}.html" . }}}} (as Hugo 0.146 and later have it), so its tags can carry the card')
    _include_in_hook(site, result, needed=not writers)
    return result


def _write_ours(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text:
        files.write_atomic(path, text.encode("utf-8"))


def _site_partial(site: HugoSite, name: str) -> Path:
    """Where the site's own partial of this name is, or goes: Hugo 0.146 and later read
    layouts/_partials/ (and still the older layouts/partials/); a site that has the new folder
    gets its partials there, where a partial of the same name in the old one would lose to it."""
    layouts = site.root / "layouts"
    for folder in ("_partials", "partials"):
        if (layouts / folder / name).is_file():
            return layouts / folder / name
    return layouts / ("_partials" if (layouts / "_partials").is_dir() else "partials") / name


def _shown(site: HugoSite, path: Path) -> str:
    return path.relative_to(site.root).as_posix()


def _write_head(site: HugoSite, result: HeadResult) -> None:
    path = _site_partial(site, "quotecards.html")
    if write_once(path, HEAD):
        return
    if path.read_text(encoding="utf-8", errors="replace").startswith(OLD_HEADS):
        files.write_atomic(path, HEAD.encode("utf-8"))
        result.done.append(f"{_shown(site, path)}: brought up to date (it writes each tag once)")


def _theme_layouts(site: HugoSite) -> Iterator[Path]:
    for theme in site.themes:
        yield from (theme / "layouts").rglob("*.html")


def _writers_called(site: HugoSite) -> Iterator[str]:
    """The tag-writing partials (opengraph, twitter_cards, or PaperMod's templates/ copies) the
    site's or theme's templates call, as layouts/partials/ names."""
    for path in (*_theme_layouts(site), *(site.root / "layouts").rglob("*.html")):
        if MARK in _read(path):
            continue
        for match in _CALL.finditer(_read(path)):
            yield match.group(1) if match.group(1).endswith(".html") else match.group(1) + ".html"


def _take_over(site: HugoSite, name: str, result: HeadResult) -> None:
    path = _site_partial(site, name)
    if path.is_file() and MARK not in _read(path):
        result.todo.append(f"{_shown(site, path)} is your own: remove its og:image, twitter:image and "
                           f"twitter:card lines and add {{{{ partial \"quotecards/image-tags.html\" . }}}}")
        return
    text = WRITERS[Path(name).name].replace("IMAGES-WRITER", name).replace("IMAGES", _images_function(site, name))
    if not path.is_file():
        result.done.append(f"{_shown(site, path)} now takes over the theme's {name}, with the card as its image")
    _write_ours(path, text)


def _images_function(site: HugoSite, writer: str) -> str:
    """The partial that lists a page's images where it has no card: the theme's own beside its
    writer (PaperMod's templates/_funcs/…), else Hugo's embedded one."""
    folder = str(Path(writer).parent)
    if folder != ".":
        own = f"{folder}/_funcs/get-page-images"
        if any((t / "layouts" / p / f"{own}.html").is_file() for t in site.themes for p in ("_partials", "partials")):
            return own
    return "_funcs/get-page-images"


def _inline_writers(site: HugoSite) -> Iterator[str]:
    """Theme templates that write share tags themselves, not through a partial the site can replace."""
    for path in _theme_layouts(site):
        parts = path.parts
        if _CALL.search(f'partial "{"/".join(parts[parts.index("layouts") + 2:])}"') or "_funcs" in parts:
            continue  # a writer or an image list that is taken over
        if _OWN_TAGS.search(_read(path)):
            yield path.relative_to(site.root).as_posix()


def _internal_writers(site: HugoSite) -> Iterator[tuple[str, str]]:
    for path in (*_theme_layouts(site), *(site.root / "layouts").rglob("*.html")):
        for name in sorted(set(_INTERNAL.findall(_read(path)))):
            yield path.relative_to(site.root).as_posix(), name


def _include_in_hook(site: HugoSite, result: HeadResult, needed: bool) -> None:
    """Put the head partial into the theme's <head> hook where there is one; else, where no writer
    taken over writes the tags, say exactly what to add."""
    include = '{{ partial "quotecards.html" . }}'
    hook = head_hook(site)
    if hook is None:
        if needed:
            partial = _shown(site, _site_partial(site, "quotecards.html"))
            result.todo.append(f"include {include} in your <head> (it is {partial})")
        return
    path = _site_partial(site, hook)
    if write_once(path, include + "\n"):
        result.done.append(f"{_shown(site, path)}, the site's fill of the theme's <head> hook, now includes "
                           "quotecards.html")
    elif "quotecards.html" not in _read(path):
        result.todo.append(f"add {include} to {_shown(site, path)} (the site's fill of the theme's <head> hook; it is "
                           "yours, so not edited)")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
