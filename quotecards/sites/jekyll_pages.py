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
  then its `category` or `categories` (a list, or words in one string: WORD_LISTS, split by the
  reader, so the site layer reads no post); a collection's document's is the collection's name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..sources.inherited import Inherited, deep_merge

__all__ = ["WORD_LISTS", "JekyllSite", "read_jekyll"]

WORD_LISTS = ("categories", "tags")  # Jekyll reads `categories: jekyll update` as two

MARKDOWN = ("markdown", "mkdown", "mkdn", "mkd", "md")  # Jekyll's default markdown_ext
POST_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.+)$")  # Jekyll's DATE_FILENAME_MATCHER
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
    collections: Path | None = None  # `collections_dir`, where posts and collections live, if set
    has_url: bool = True  # `url:` set, so that absolute_url makes og:image absolute

    def page_path(self, path: Path) -> str:
        """Jekyll's page.path: a document's below `collections_dir` (which it leaves out), else the
        file's below the site's source folder."""
        if self.collections is not None and path.is_relative_to(self.collections):
            return path.relative_to(self.collections).as_posix()
        return path.relative_to(self.root).as_posix()


def read_jekyll(root: Path) -> JekyllSite:
    config = _config(root)
    suffixes = tuple(f".{e.strip()}" for e in str(config.get("markdown_ext") or ",".join(MARKDOWN)).split(","))
    out = _Excluded((*ALWAYS_OUT, *[str(e).strip("/") for e in config.get("exclude") or [] if isinstance(e, str)]))
    walk = _Walk(root, (*suffixes, ".html"), out)
    collections = root / str(config["collections_dir"]).strip("/") if config.get("collections_dir") else None
    documents = [(p, "posts") for p in _posts(collections or root, walk)]
    documents += list(_collections(collections or root, config, walk))
    documents += [(p, "pages") for p in walk.pages(collections)]
    site = JekyllSite(root=root, pages=(), inherited=Inherited(), future=config.get("future") is True,
                      unpublished=config.get("unpublished") is True, collections=collections,
                      title=" ".join(config["title"].split()) if isinstance(config.get("title"), str) else "",
                      has_url=isinstance(config.get("url"), str) and config["url"].startswith(("http://", "https://")))
    defaults = [d for d in config.get("defaults") or [] if isinstance(d, dict)]
    shown = {key: config[key] for key in ("title", "description") if isinstance(config.get(key), str)}
    values = {}
    for path, kind in documents:
        inherited = _inherited(site, path, kind, defaults, shown)
        if inherited:
            values[str(path)] = inherited
    return replace(site, pages=tuple(p for p, _kind in documents), inherited=Inherited(values, deep=True))


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


def _glob(pattern: str) -> re.Pattern[str]:
    """A path glob as Jekyll's File.fnmatch reads one: * and ? within a folder's name, [ab] a class."""
    out = []
    for part in re.split(r"(\*\*|\*|\?|\[[^\]]*\])", pattern):
        if part == "**":
            out.append(".*")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        elif part.startswith("[") and part.endswith("]") and len(part) > 2:
            out.append("[" + ("^" + re.escape(part[2:-1]) if part[1] == "!" else re.escape(part[1:-1])) + "]")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


class _Excluded:
    """`exclude`'s entries: a name anywhere (Gemfile), a path from the source (old/archive), or a
    glob (drafts*); a folder's entry leaves out all below it."""

    def __init__(self, patterns: tuple[str, ...]):
        self.patterns = [_glob(p) for p in patterns if p]

    def __call__(self, relative: str) -> bool:
        steps = relative.split("/")
        prefixes = ["/".join(steps[:n]) for n in range(1, len(steps) + 1)]
        return any(p.fullmatch(prefix) or p.fullmatch(steps[n - 1]) for p in self.patterns
                   for n, prefix in enumerate(prefixes, 1))


@dataclass(frozen=True)
class _Walk:
    """The site's files as Jekyll walks them: not in folders it leaves out (`_…`, `.…`, `exclude`)."""

    root: Path
    suffixes: tuple[str, ...]
    out: _Excluded

    def files(self, folder: Path, posts: bool = False) -> Iterator[Path]:
        """The files below `folder` Jekyll renders, sorted: posts by their dated names, other
        files by their front matter."""
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.name.startswith((".", "_", "#", "~")) or self.out(path.relative_to(self.root).as_posix()):
                continue
            if path.is_dir() and not path.is_symlink():
                yield from self.files(path, posts)
            elif path.is_file() and path.suffix in self.suffixes and (POST_NAME.match(path.stem) if posts
                                                                       else _has_front_matter(path)):
                yield path

    def pages(self, collections: Path | None) -> Iterator[Path]:
        """The site's pages, less its error page (nobody shares a 404) and what is in `collections_dir`."""
        return (p for p in self.files(self.root) if p.stem != "404"
                and (collections is None or collections == self.root or not p.is_relative_to(collections)))


def _posts(base: Path, walk: _Walk) -> Iterator[Path]:
    """Every `_posts` folder's posts (in `collections_dir` where it is set): the base folder's and
    category folders' (news/_posts/)."""
    folders = [base / "_posts", *(p for p in sorted(base.rglob("_posts")) if p.parent != base)]
    for folder in folders:
        relative = folder.relative_to(base).parts[:-1]
        if any(part.startswith((".", "_")) for part in relative) or walk.out(folder.relative_to(walk.root).as_posix()):
            continue
        yield from walk.files(folder, posts=True)


def _collections(base: Path, config: Mapping[str, Any], walk: _Walk) -> Iterator[tuple[Path, str]]:
    collections = config.get("collections")
    if isinstance(collections, list):  # `collections: [recipes]`: listed, but not written out
        return
    for name, settings in (collections or {}).items() if isinstance(collections, dict) else ():
        if name != "posts" and isinstance(settings, dict) and settings.get("output") is True:
            yield from ((p, str(name)) for p in walk.files(base / f"_{name}"))


def _inherited(site: JekyllSite, path: Path, kind: str, defaults: list[dict[str, Any]], shown: Mapping[str, str]
               ) -> dict[str, Any]:
    """Defaults that apply to the page, then what its file name says (a post's date and title)."""
    values = _defaults(defaults, site.page_path(path), kind)
    named = POST_NAME.match(path.stem) if kind != "pages" else None
    if named:
        values.setdefault("date", _day(named.group(1)))
        values.setdefault("title", _titleize(named.group(2)))
    elif kind == "pages":  # shown with the site's title and description, as jekyll-seo-tag shows it
        values["_site"] = {key: " ".join(value.split()) for key, value in shown.items()}
    section = _category(site.root, path) if kind == "posts" else kind if kind != "pages" else ""
    if section:
        values.setdefault("section", section)
    return values


def _defaults(defaults: list[dict[str, Any]], relative: str, kind: str) -> dict[str, Any]:
    """The `defaults` that apply, merged as Jekyll's FrontmatterDefaults#all merges them: a scope
    with a longer path wins, at equal length one with a type; else the earlier one stays above."""
    values: dict[str, Any] = {}
    winner: dict[str, Any] | None = None
    for entry in defaults:
        scope = entry.get("scope")
        if not isinstance(scope, dict) or not _in_scope(scope, relative, kind) or not isinstance(entry.get("values"),
                                                                                                   dict):
            continue
        if _precedes(winner, scope):
            values, winner = deep_merge(values, entry["values"]), scope
        else:
            values = deep_merge(entry["values"], values)
    return values


def _precedes(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    if old is None:
        return True
    new_path, old_path = str(new.get("path") or "").strip("/"), str(old.get("path") or "").strip("/")
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new or "type" not in old


def _day(text: str) -> str:
    """A file name's date as a day (2024-2-3 → 2024-02-03), or as written where it is no day."""
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return text


def _category(root: Path, post: Path) -> str:
    """Jekyll's first category of a post where a folder above its _posts gives it (news/_posts/);
    else its own `category` or `categories`, which the reader takes (they are word lists)."""
    folders = post.relative_to(root).parts
    above = folders[:folders.index("_posts")] if "_posts" in folders else ()
    return above[0] if above else ""


def _in_scope(scope: dict[str, Any], relative: str, kind: str) -> bool:
    where = str(scope.get("path") or "").strip("/")
    of_type = scope.get("type")
    if of_type and str(of_type) != kind:
        return False
    if not where:
        return True
    if "*" in where or "?" in where:  # Jekyll globs the scope, then takes what starts with a match
        steps = relative.split("/")
        return any(_glob(where).fullmatch("/".join(steps[:n])) for n in range(1, len(steps) + 1))
    return relative == where or relative.startswith(where + "/")


def _titleize(slug: str) -> str:
    """Jekyll's Utils.titleize_slug: each hyphen-separated word capitalised, the rest lowered."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-") if word)
