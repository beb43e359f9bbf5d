"""A Jekyll site's pages as Jekyll finds them: which files it renders, and what each inherits.

Read from `_config.yml` (and `_config.toml`), the keys Jekyll itself reads: `markdown_ext`,
`collections` (those with `output: true`) and `collections_dir`, `exclude`, `future`,
`unpublished`, `defaults` and `title`. The rules are Jekyll's:

- posts are the files named `YYYY-MM-DD-title.ext` in any `_posts` folder (`_posts/`,
  `news/_posts/`), in Markdown by any of its extensions (`.markdown`, the default of `jekyll
  new`, `.md`, `.mkdn`, …) or HTML, with front matter or without; `_drafts/` is not published;
  elsewhere (pages, collections) a file without front matter is copied, not rendered;
- a post's date and title come from its file name (`2024-05-01-harbour-ferry.markdown`) where
  its front matter gives none, its title as Jekyll makes it ("Harbour Ferry");
- a future post is not built unless `future: true`; `published: false` unless `unpublished: true`;
- pages are the other files with front matter outside folders Jekyll leaves out (`_…`, `.…`,
  `exclude`); a page without a title or description is shown with the site's, as
  jekyll-seo-tag does;
- front-matter `defaults` apply by scope (path prefix, type), the more specific path winning;
- a post's section is its first category, as Jekyll counts them: the folders above its `_posts`,
  then its `category` or `categories` (a list, or words in one string); a collection's
  document's is the collection's name.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..sources.frontmatter import front_matter
from ..sources.inherited import Inherited, deep_merge

__all__ = ["JekyllSite", "read_jekyll"]

MARKDOWN = ("markdown", "mkdown", "mkdn", "mkd", "md")  # Jekyll's default markdown_ext
POST_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
# What Jekyll leaves out of every site besides `exclude` (its defaults since 3.x).
ALWAYS_OUT = ("_site", "node_modules", "vendor", "Gemfile", "Gemfile.lock", ".quotecards")


@dataclass(frozen=True)
class JekyllSite:
    root: Path
    pages: tuple[Path, ...]  # the posts, collection documents and pages Jekyll renders
    inherited: Inherited  # defaults, and dates and titles from file names
    future: bool  # `future: true`: future-dated posts are built
    unpublished: bool  # `unpublished: true`: `published: false` posts are built
    title: str = ""  # the site's title


def read_jekyll(root: Path) -> JekyllSite:
    config = _config(root)
    suffixes = tuple(f".{e.strip()}" for e in str(config.get("markdown_ext") or ",".join(MARKDOWN)).split(","))
    suffixes += (".html",)
    excluded = (*ALWAYS_OUT, *[str(e).strip("/") for e in config.get("exclude") or [] if isinstance(e, str)])
    documents = [(p, "posts") for p in _posts(root, suffixes, excluded)]
    documents += list(_collections(root, config, suffixes))
    documents += [(p, "pages") for p in _pages(root, suffixes, excluded)]
    defaults = [d for d in config.get("defaults") or [] if isinstance(d, dict)]
    title = config.get("title") if isinstance(config.get("title"), str) else ""
    site = {key: config[key] for key in ("title", "description") if isinstance(config.get(key), str)}
    values = {}
    for path, kind in documents:
        inherited = _inherited(root, path, kind, defaults, site)
        if inherited:
            values[str(path)] = inherited
    return JekyllSite(root=root, pages=tuple(p for p, _kind in documents), inherited=Inherited(values, deep=True),
                      future=config.get("future") is True, unpublished=config.get("unpublished") is True,
                      title=" ".join(title.split()) if isinstance(title, str) else "")


def _config(root: Path) -> dict[str, Any]:
    path = root / "_config.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(path, "file", f"cannot read the Jekyll configuration ({str(exc).splitlines()[0]})") from None
    return data if isinstance(data, dict) else {}


def _has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(5).lstrip(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return False


def _walk(folder: Path, suffixes: tuple[str, ...], out: tuple[str, ...], posts: bool = False) -> Iterator[Path]:
    """The files below `folder` Jekyll renders, sorted, not in folders it leaves out: posts by
    their dated names, other files by their front matter."""
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        name = path.name
        if name.startswith((".", "_", "#", "~")) or name in out:
            continue
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path, suffixes, out, posts)
        elif path.is_file() and path.suffix in suffixes and (POST_NAME.match(path.stem) if posts
                                                              else _has_front_matter(path)):
            yield path


def _posts(root: Path, suffixes: tuple[str, ...], out: tuple[str, ...]) -> Iterator[Path]:
    """Every `_posts` folder's posts: at the root and below category folders (news/_posts/)."""
    folders = [root / "_posts", *(p for p in sorted(root.rglob("_posts")) if p.parent != root)]
    for folder in folders:
        relative = folder.relative_to(root).parts[:-1]
        if any(part.startswith((".", "_")) or part in out for part in relative):
            continue
        yield from _walk(folder, suffixes, out, posts=True)


def _collections(root: Path, config: Mapping[str, Any], suffixes: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    collections = config.get("collections")
    if isinstance(collections, list):  # `collections: [recipes]`: listed, but not written out
        return
    base = root / str(config.get("collections_dir") or "")
    for name, settings in (collections or {}).items() if isinstance(collections, dict) else ():
        if name != "posts" and isinstance(settings, dict) and settings.get("output") is True:
            yield from ((p, str(name)) for p in _walk(base / f"_{name}", suffixes, ()))


def _pages(root: Path, suffixes: tuple[str, ...], out: tuple[str, ...]) -> Iterator[Path]:
    """The site's pages, less its error page: nobody shares a 404."""
    return (p for p in _walk(root, suffixes, out) if p.stem != "404")


def _inherited(root: Path, path: Path, kind: str, defaults: list[dict[str, Any]], site: Mapping[str, str]
               ) -> dict[str, Any]:
    """Defaults that apply to the page, then what its file name says (a post's date and title)."""
    relative = path.relative_to(root).as_posix()
    values: dict[str, Any] = {}
    for entry in sorted((d for d in defaults if _in_scope(d.get("scope"), relative, kind)),
                        key=lambda d: len(str((d.get("scope") or {}).get("path") or ""))):
        if isinstance(entry.get("values"), dict):
            values = deep_merge(values, entry["values"])
    named = POST_NAME.match(path.stem) if kind != "pages" else None
    if named:
        values.setdefault("date", named.group(1))
        values.setdefault("title", _titleize(named.group(2)))
    elif kind == "pages":  # shown with the site's title and description, as jekyll-seo-tag shows it
        values["_site"] = {key: " ".join(value.split()) for key, value in site.items()}
    section = _category(root, path, values) if kind == "posts" else kind if kind != "pages" else ""
    if section:
        values.setdefault("section", section)
    return values


def _category(root: Path, post: Path, defaults: Mapping[str, Any]) -> str:
    """Jekyll's first category of a post: a folder above its _posts, else its own (or its
    defaults') `category` or `categories`, whose string form is words."""
    folders = post.relative_to(root).parts
    above = folders[:folders.index("_posts")] if "_posts" in folders else ()
    if above:
        return above[0]
    try:
        own = front_matter(post, post.read_text(encoding="utf-8-sig"))
    except Exception:  # noqa: BLE001 - the post's own error, said where it is read
        own = {}
    for key in ("category", "categories"):
        value = own.get(key, defaults.get(key))
        words = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
        if words and isinstance(words[0], (str, int)):
            return str(words[0])
    return ""


def _in_scope(scope: object, relative: str, kind: str) -> bool:
    if not isinstance(scope, dict):
        return False
    where = str(scope.get("path") or "").strip("/")
    of_type = scope.get("type")
    if of_type and str(of_type) != kind:
        return False
    if not where:
        return True
    if "*" in where:
        return fnmatch.fnmatchcase(relative, where) or fnmatch.fnmatchcase(relative, where + "/*")
    return relative == where or relative.startswith(where + "/")


def _titleize(slug: str) -> str:
    """Jekyll's Utils.titleize_slug: each hyphen-separated word capitalised, the rest lowered."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-") if word)
