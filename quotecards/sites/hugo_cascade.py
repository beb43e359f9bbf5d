"""Hugo's front-matter cascade: what each page inherits from its sections' `_index` files and
the site's configuration, as Hugo applies it.

A `cascade` (a mapping, or a list of them) in a section's `_index.md` passes its values to every
page below that section, the nearest section's winning and the page's own front matter above
all; a `_target` (Hugo 0.143 and later also spell it `target`) limits an entry to pages whose
path matches a glob, of a kind, in a language or environment. That is how real sites switch off
whole folders (`build: {render: never}` on glossary terms, headless `_common` bundles) or make
them drafts, so it decides which pages get a card.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..sources.frontmatter import front_matter
from ..sources.inherited import Inherited
from .hugo_config import HugoSite

__all__ = ["BRANCH_INDEX", "LEAF_INDEX", "cascade_of", "pages_of"]

BRANCH_INDEX = "_index"  # a section's own page, whose cascade its descendants inherit
LEAF_INDEX = "index"  # a leaf bundle's page: every other file in its folder, and below, is its resource
ENVIRONMENT = "production"  # `hugo` builds for production; `hugo server` for development


def pages_of(site: HugoSite, found: Iterable[Path]) -> list[Path]:
    """The content files that are pages: not the Markdown inside a leaf bundle (a folder with an
    index.md, below a content folder's root), which is the bundle's resource, not a page."""
    found = list(found)
    roots = {site.content, *(folder for folder, _lang in site.lang_dirs)}
    leaves = {p.parent for p in found if p.stem.split(".")[0] == LEAF_INDEX and p.parent not in roots}
    return [p for p in found if p.stem.split(".")[0] == LEAF_INDEX
            or not any(folder in leaves for folder in (p.parent, *p.parent.parents))]


def cascade_of(site: HugoSite, pages: Iterable[Path]) -> Inherited:
    """What each of `pages` inherits from the cascades above it (only pages that inherit something)."""
    pages = list(pages)
    # A section's cascade is its language's: _index.fr.md's passes to the French pages only.
    sections = {(p.parent, _language(site, p)[0]): _cascade(front_matter_of(p)) for p in pages
                if p.stem.split(".")[0] == BRANCH_INDEX}
    values: dict[str, Mapping[str, Any]] = {}
    for page in pages:
        lang, root = _language(site, page)
        target = _Target(_hugo_path(page, root), _kind(page, root, site.taxonomies), lang)
        merged: dict[str, Any] = {}
        chain: list[list[Mapping[str, Any]]] = [list(site.cascade)]
        chain += [sections.get((folder, lang), []) for folder in _ancestors(page, root)]
        for entries in chain:
            for entry in entries:  # nearer sections come later and win
                if target.matches(entry):
                    merged.update({k: v for k, v in entry.items() if k not in ("_target", "target")})
        if merged:
            values[str(page)] = merged
    return Inherited(values)


def front_matter_of(path: Path) -> Mapping[str, Any]:
    """A section's front matter, or nothing: a section that cannot be read is its own page's
    error, reported when that page is read, not here."""
    try:
        return front_matter(path, path.read_text(encoding="utf-8-sig"))
    except Exception:  # noqa: BLE001 - any failure is the page's own error, said where it is read
        return {}


def _cascade(meta: object) -> list[Mapping[str, Any]]:
    found = meta.get("cascade") if isinstance(meta, Mapping) else meta
    if isinstance(found, Mapping):
        return [found]
    if isinstance(found, list):
        return [entry for entry in found if isinstance(entry, Mapping)]
    return []


def _language(site: HugoSite, page: Path) -> tuple[str, Path]:
    """The page's language and the content folder its paths count from."""
    for folder, lang in site.lang_dirs:
        if page.is_relative_to(folder):
            return lang or site.default_key, folder
    parts = page.name.split(".")
    named = parts[-2].lower() if len(parts) > 2 else ""
    return (named if named in site.languages else site.default_key), site.content


def _ancestors(page: Path, root: Path) -> list[Path]:
    """The sections the page is in, the outermost first (a section's own cascade applies to its own page too)."""
    folder = page.parent
    chain = []
    while folder.is_relative_to(root):
        chain.append(folder)
        if folder == root:
            break
        folder = folder.parent
    return chain[::-1]


def _hugo_path(page: Path, root: Path) -> str:
    """The page's logical path as Hugo matches `_target.path` against it: from the content
    folder, no extension or language, a bundle named by its folder, lower case."""
    parts = list(page.relative_to(root).parts)
    stem = parts.pop().split(".")[0]
    if stem not in ("index", BRANCH_INDEX):
        parts.append(stem)
    return "/" + "/".join(p.lower().replace(" ", "-") for p in parts)


def _kind(page: Path, root: Path, taxonomies: tuple[str, ...]) -> str:
    """Hugo's page kind: a taxonomy's own folder (tags/) is a taxonomy, a folder in it a term."""
    if page.stem.split(".")[0] != BRANCH_INDEX:
        return "page"
    folders = page.parent.relative_to(root).parts
    if not folders:
        return "home"
    if folders[0] in taxonomies:
        return "taxonomy" if len(folders) == 1 else "term"
    return "section"


class _Target:
    """The page an entry's `_target` is matched against."""

    def __init__(self, path: str, kind: str, lang: str):
        self.path, self.kind, self.lang = path, kind, lang

    def matches(self, entry: Mapping[str, Any]) -> bool:
        target = entry.get("_target", entry.get("target"))
        if not isinstance(target, Mapping):
            return True
        tests = {"path": self.path, "kind": self.kind, "lang": self.lang, "environment": ENVIRONMENT}
        return all(_glob(str(pattern)).fullmatch(tests[key]) is not None
                   for key, pattern in target.items() if key in tests and pattern)


def _glob(pattern: str) -> re.Pattern[str]:
    """Hugo's glob (gobwas/glob with '/' as separator): ** crosses folders, * and ? do not, {a,b} is either."""
    out, i, depth = [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        depth += (ch == "{") - (ch == "}")
        special = {"*": "[^/]*", "?": "[^/]", "{": "(?:", "}": ")", **({",": "|"} if depth else {})}
        if ch == "[" and "]" in pattern[i + 2:]:  # a class, [ab] or [!ab]: one character, any of them or none
            end = pattern.index("]", i + 2)
            inside = pattern[i + 1:end]
            out.append("[" + ("^" + re.escape(inside[1:]) if inside.startswith("!") else re.escape(inside)) + "]")
            i = end + 1
            continue
        out.append(special.get(ch, re.escape(ch)))
        i += 1
    return re.compile("".join(out), re.IGNORECASE)
