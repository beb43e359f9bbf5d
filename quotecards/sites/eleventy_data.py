"""An Eleventy site's pages, and what each inherits from Eleventy's data cascade.

Pages are the files below the input folder in one of the site's template formats, not in its
includes, layouts, data or output folders, nor in node_modules, dot folders or what its ignore
files name; and that start with front matter (`---`, `---js`, `---json`): a page without any has
no title to set, so it is counted as untitled without being read. JavaScript templates
(`.11ty.js`) are code: not read.

What a page inherits are its directory data files, as Eleventy looks for them: for each folder
from the input folder down to the page's, `<folder>/<folder>.json`, `.11tydata.json` and
`.11tydata.js` (`.cjs`, `.mjs`), then the page's own `<name>.json`, `<name>.11tydata.json`, … —
each nearer, and each later, file's values over the ones before, merged deeply (lists joined, as
Eleventy joins them); the page's front matter is laid over them all by the reader (its own lists
replace the folders': a card's tag is the page's own first tag, not the folder's `posts`).

A JavaScript data file is read as its exported object literal (js_literals.py); one that exports
anything else (a function, a value computed at build time) is left out with a warning, as is a
JSON file that cannot be read; a `draft` in one that is code is a warning too, and its pages are
taken as no drafts. The global data folder (`_data`) is the templates', not front matter: it is
not read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build.batch import discover
from ..sources.inherited import Inherited
from ..sources.js_literals import JsDataError, NotData, read_export
from ..sources.publish import DRAFT_KEYS
from .eleventy_config import DataWarning, EleventySite

__all__ = ["Cascade", "PageScan", "data_cascade", "find_pages", "site_metadata"]

# Each base name's data files, the later winning (Eleventy's order, .11tydata.js last).
_SUFFIXES = (".json", ".11tydata.json", ".11tydata.mjs", ".11tydata.cjs", ".11tydata.js")
_OVERRIDE = "override:"
_FRONT_MATTER_BYTES = 16  # enough of a file's start to tell front matter


@dataclass(frozen=True)
class PageScan:
    """The site's pages: those with front matter, which the build reads, and those without."""

    pages: tuple[Path, ...]
    bare: tuple[Path, ...]  # in a template format, without front matter: no title, no card


def find_pages(site: EleventySite) -> PageScan:
    """The files Eleventy renders as templates, split by whether they start with front matter."""
    suffixes = tuple(f".{fmt}" for fmt in site.formats if not fmt.endswith("js") and fmt not in ("jsx", "tsx"))
    if not suffixes:
        return PageScan((), ())
    own = [folder.resolve() for folder in site.own_folders()]
    skip = ("node_modules", *(f.name for f in site.own_folders() if f.parent.resolve() == site.input.resolve()))
    pages: list[Path] = []
    bare: list[Path] = []
    for path in discover(site.input, skip=skip, suffixes=suffixes):
        resolved = path.resolve()
        if any(resolved.is_relative_to(folder) for folder in own) or site.ignored(path):
            continue
        (pages if _has_front_matter(path) else bare).append(path)
    return PageScan(tuple(pages), tuple(bare))


def _has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            start = file.read(_FRONT_MATTER_BYTES)
    except OSError:
        return True  # the build reads it, and says why it cannot
    return start.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


@dataclass
class Cascade:
    """What each page inherits, and the data files that could not be read."""

    inherited: Inherited
    warnings: list[DataWarning] = field(default_factory=list)


def data_cascade(site: EleventySite, pages: Iterable[Path]) -> Cascade:
    """Each page's directory and template data files, merged as Eleventy merges them."""
    reader = _DataFiles()
    values: dict[str, Mapping[str, Any]] = {}
    for page in pages:
        merged: dict[str, Any] = {}
        for base in _bases(site, page):
            for suffix in _SUFFIXES:
                merged = _merge(merged, reader.read(base.with_name(base.name + suffix)))
        if merged:
            values[str(page)] = merged
    return Cascade(Inherited(values, deep=True), reader.warnings)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Eleventy's deep merge of data files: objects key by key, lists joined (a folder's tags and
    a page's), anything else replaced; an `override:` key replaces whatever it is."""
    merged = dict(base)
    for key, value in over.items():
        if key.startswith(_OVERRIDE):
            merged[key.removeprefix(_OVERRIDE)] = value
            continue
        below = merged.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            merged[key] = _merge(below, value)
        elif isinstance(value, list) and isinstance(below, list):
            merged[key] = below + value
        else:
            merged[key] = value
    return merged


def _bases(site: EleventySite, page: Path) -> list[Path]:
    """The data files' names without their endings, the farthest first: each folder's own (the
    input folder's too, unless it is the project's root), then the page's."""
    folders = []
    folder = page.parent
    while folder != site.input and folder.is_relative_to(site.input):
        folders.append(folder)
        folder = folder.parent
    if site.input.resolve() != site.root.resolve():
        folders.append(site.input)
    bases = [f / f.name for f in reversed(folders)]
    return [*bases, page.with_name(_template_stem(page.name))]


def _template_stem(name: str) -> str:
    """`post.md` → post; `sitemap.xml.njk` → sitemap.xml (only the template's own extension goes)."""
    return name.rsplit(".", 1)[0]


METADATA = "metadata"  # the global data file eleventy-base-blog keeps the site's title and description in


def site_metadata(site: EleventySite) -> dict[str, str]:
    """The site's title and description from its global metadata data file, where it has one."""
    reader = _DataFiles()
    for suffix in (".json", ".js", ".mjs", ".cjs"):
        found = reader.read(site.data / f"{METADATA}{suffix}")
        if found:
            return {key: " ".join(value.split()) for key in ("title", "description")
                    if isinstance(value := found.get(key), str) and value.strip()}
    return {}


@dataclass
class _DataFiles:
    """Data files read once each, however many pages inherit them."""

    read_files: dict[Path, Mapping[str, Any]] = field(default_factory=dict)
    warnings: list[DataWarning] = field(default_factory=list)

    def read(self, path: Path) -> Mapping[str, Any]:
        if path not in self.read_files:
            self.read_files[path] = self._load(path) if path.is_file() else {}
        return self.read_files[path]

    def _load(self, path: Path) -> Mapping[str, Any]:
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return self._skip(path, "file", f"cannot read it ({exc})")
        try:
            found = json.loads(text) if path.suffix == ".json" else read_export(text)
        except json.JSONDecodeError as exc:
            return self._skip(path, "data", f"unreadable JSON ({exc})")
        except JsDataError as exc:
            return self._skip(path, "data", f"JavaScript that is not plain data ({exc}); quotecards reads an "
                                            "exported object literal only")
        except RecursionError:
            return self._skip(path, "data", "nested too deeply")
        if not isinstance(found, dict):
            return self._skip(path, "data", "not an object")
        for key in DRAFT_KEYS:
            if isinstance(found.get(key), NotData):
                self.warnings.append(DataWarning(path, key, f"{found[key]}: its pages are taken as not drafts"))
                found.pop(key)
        return found

    def _skip(self, path: Path, field: str, why: str) -> Mapping[str, Any]:
        self.warnings.append(DataWarning(path, field, f"{why}: its values are left out"))
        return {}
