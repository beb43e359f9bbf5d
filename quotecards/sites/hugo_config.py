"""A Hugo site as its configuration describes it: where its content and static files are, its
languages, and the theme hook a partial can go into.

Read from hugo.toml / hugo.yaml / hugo.json (or the older config.*) at the site's root, the keys
Hugo itself reads: contentDir, staticDir, publishDir, theme, defaultContentLanguage,
languageCode, and [languages] with each language's own contentDir.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

__all__ = ["HugoSite", "author_names", "head_hook", "read_site"]

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
# Theme partials that a theme includes inside <head> for the site to fill: PaperMod's
# extend_head.html and the like. A site file of the same name is the theme's hook.
HEAD_HOOKS = ("extend_head.html", "head/extend.html", "custom_head.html", "head-additions.html", "hooks/head-end.html")


@dataclass(frozen=True)
class HugoSite:
    root: Path
    config: Path | None
    content: Path  # the folder all content is below (the languages' folders' common parent)
    static: Path
    publish: Path
    languages: tuple[str, ...]  # the site's language codes, default first
    default_lang: str
    lang_dirs: tuple[tuple[Path, str], ...]  # a language's own contentDir → its code
    themes: tuple[Path, ...]  # the theme folders, the site's own layouts first in Hugo's lookup
    authors: tuple[tuple[str, str], ...] = ()  # data/authors: an author's handle → display name
    cascade: tuple[dict[str, Any], ...] = ()  # the configuration's own cascade, for every page
    title: str = ""  # the site's title: the cards' brand unless quotecards.toml names one
    params: dict[str, Any] = field(default_factory=dict)  # the site's [params], where themes keep their colours
    # Hugo's key for the default language, as a page's .Lang names it: defaultContentLanguage, else
    # "en" (whatever languageCode says: that is the language's locale, not its key).
    default_key: str = "en"
    taxonomies: tuple[str, ...] = ("tags", "categories")  # their folders hold taxonomy and term pages


def read_site(root: Path) -> HugoSite:
    config = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
    data = _load(config) if config else {}
    found = data.get("languages")
    languages: dict[str, Any] = found if isinstance(found, dict) else {}
    default = str(data.get("defaultContentLanguage") or "").lower()
    # `locale` replaced languageCode in Hugo 0.158; sites of either age are read.
    code = str(data.get("locale") or data.get("languageCode") or "").replace("_", "-")
    default_lang = default or (code.split("-")[0].lower() if code else "")
    lang_dirs = tuple((root / str(v["contentDir"]), str(k).lower()) for k, v in languages.items()
                      if isinstance(v, dict) and v.get("contentDir"))
    lang_dirs += _content_mounts(root, data.get("module"))
    content = root / str(data.get("contentDir") or "content")
    if lang_dirs:
        content = Path(os.path.commonpath([str(d) for d, _lang in lang_dirs]))
    codes = [str(k).lower() for k in languages]
    ordered = tuple(dict.fromkeys([default_lang, *codes])) if codes else ()
    theme = data.get("theme")
    names = theme if isinstance(theme, list) else [theme] if isinstance(theme, str) else []
    themes_dir = root / str(data.get("themesDir") or "themes")
    return HugoSite(root=root, config=config, content=content, static=root / str(data.get("staticDir") or "static"),
                    publish=root / str(data.get("publishDir") or "public"), languages=tuple(c for c in ordered if c),
                    default_lang=default_lang, lang_dirs=lang_dirs,
                    themes=tuple(themes_dir / str(n) for n in names),
                    authors=author_names(root / str(data.get("dataDir") or "data")),
                    cascade=_entries(data.get("cascade")), title=_title(data.get("title")),
                    params=data["params"] if isinstance(data.get("params"), dict) else {}, default_key=default or "en",
                    taxonomies=_taxonomies(data.get("taxonomies")))


def _title(value: object) -> str:
    return " ".join(value.split())[:MAX_TITLE_CHARS] if isinstance(value, str) else ""


def _content_mounts(root: Path, module: object) -> tuple[tuple[Path, str], ...]:
    """Folders mounted as content (`[[module.mounts]]` with target "content", as Hugo's own docs
    mount content/en), each with its language where the mount names one (its `lang`, or its
    sites matrix's first language), else "": the default language's, whose code the site's
    languageCode gives, not the mount."""
    mounts = module.get("mounts") if isinstance(module, dict) else None
    found = []
    for mount in mounts if isinstance(mounts, list) else []:
        if not isinstance(mount, dict) or not mount.get("source"):
            continue
        if str(mount.get("target", "")).strip("/") != "content":
            continue
        matrix = mount["sites"].get("matrix") if isinstance(mount.get("sites"), dict) else None
        listed = matrix.get("languages") if isinstance(matrix, dict) else None
        lang = mount.get("lang") or (listed[0] if isinstance(listed, list) and listed else "")
        found.append((root / str(mount["source"]), str(lang).lower()))
    return tuple(found)


def _taxonomies(found: object) -> tuple[str, ...]:
    """The site's taxonomies' folder names (their plural), Hugo's tags and categories unless it says."""
    if not isinstance(found, dict):
        return ("tags", "categories")
    return tuple(str(plural) for plural in found.values() if isinstance(plural, str))


def _entries(cascade: object) -> tuple[dict[str, Any], ...]:
    """A cascade as its list of entries (one table, or an array of tables)."""
    found = [cascade] if isinstance(cascade, dict) else cascade if isinstance(cascade, list) else []
    return tuple(entry for entry in found if isinstance(entry, dict))


MAX_TITLE_CHARS = 100  # a site's name on a card; a longer one is no name
AUTHOR_NAME_KEYS = ("name", "displayName", "display_name", "title")


def author_names(data_dir: Path) -> tuple[tuple[str, str], ...]:
    """Display names from the site's author data, as themes keep it: a file per author
    (`data/authors/jdoe.yaml` with `name:`), or one file of them all (`data/authors.yaml`,
    `jdoe: {name: …}`). What does not read is passed over: it is the theme's data, not ours."""
    found: dict[str, str] = {}
    folder = data_dir / "authors"
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        name = _display_name(_data(path))
        if name:
            found[path.stem.casefold()] = name
    for path in (data_dir / f"authors{suffix}" for suffix in (".yaml", ".yml", ".toml", ".json")):
        table = _data(path)
        for handle, entry in (table.items() if isinstance(table, dict) else ()):
            name = _display_name(entry)
            if name:
                found.setdefault(str(handle).casefold(), name)
    return tuple(found.items())


def _display_name(entry: object) -> str:
    if not isinstance(entry, dict):
        return ""
    return next((v.strip() for k in AUTHOR_NAME_KEYS if isinstance(v := entry.get(k), str) and v.strip()), "")


def _data(path: Path) -> object:
    if path.suffix not in (".yaml", ".yml", ".toml", ".json") or not path.is_file():
        return None
    try:
        return _load(path)
    except ConfigError:
        return None


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = (tomllib.loads(text) if path.suffix == ".toml" else json.loads(text) if path.suffix == ".json"
                else yaml.safe_load(text))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(path, "file", f"cannot read the Hugo configuration ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise ConfigError.expecting(path, "file", "a table of settings", data)
    return data


def head_hook(site: HugoSite) -> str | None:
    """The partial (relative to layouts/partials/) that the site's theme includes in <head> for the
    site to fill, or None when the theme has none."""
    for theme in site.themes:
        for name in HEAD_HOOKS:
            if (theme / "layouts" / "partials" / name).is_file() or (theme / "layouts" / "_partials" / name).is_file():
                return name
    return None
