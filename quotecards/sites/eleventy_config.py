"""An Eleventy project as its config file sets it up: the input, includes, data and output
folders, the template formats, what it ignores — read without running the config.

The config is JavaScript (`.eleventy.js`, `eleventy.config.js`, `.mjs`, `.cjs`: the first of
them Eleventy finds, in its own order), usually a function that Eleventy calls. Running it would
run the site's plugins, so the file is read as tokens instead (js_literals.py), looking for the
calls and objects that name folders with string literals:

- a `dir: {input: "content", includes: "../_includes", …}` object, wherever it is: in
  `export const config = {…}` or the object the config function returns;
- `eleventyConfig.setInputDirectory("content")` and its siblings for output, includes, data
  and layouts (a `dir` object wins over them, as in Eleventy);
- `templateFormats: [...]`, `setTemplateFormats(…)`, `addTemplateFormats(…)`;
- `ignores.add("…")`, `setUseGitIgnore(false)`, and `addPassthroughCopy({"public/": "/"})` (where
  the site's root-relative images are).

A folder named by anything but a string literal (`process.env.INPUT || "src"`) is a warning,
and Eleventy's default is taken. Includes, data and layouts are relative to the input folder;
the output and the input to the project (where Eleventy runs, and `page.inputPath` counts from).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..sources.js_literals import JsDataError, NotData, Token, tokens, value_at

__all__ = ["CONFIG_FILES", "DataWarning", "EleventySite", "read_site"]

CONFIG_FILES = (".eleventy.js", "eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs")
DEFAULT_FORMATS = ("liquid", "md", "njk", "html", "11ty.js")
_DIR_KEYS = ("input", "output", "includes", "data", "layouts")
_SETTERS = {f"set{key.title()}Directory": key for key in _DIR_KEYS}
_DEFAULTS = {"input": ".", "output": "_site", "includes": "_includes", "data": "_data"}
_DEFAULT_IGNORES = ("**/node_modules/**", ".git/**")  # Eleventy's own


@dataclass(frozen=True)
class DataWarning:
    """Something of the site's JavaScript that quotecards could not read, and what it did instead."""

    path: Path
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


@dataclass(frozen=True)
class EleventySite:
    """Where an Eleventy project's pages, includes, data and output are."""

    root: Path  # where Eleventy runs: page.inputPath counts from here
    input: Path
    includes: Path
    data: Path
    output: Path
    layouts: Path | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    ignores: tuple[str, ...] = ()  # globs below the root (Eleventy's ignore files and ignores.add)
    web_roots: tuple[Path, ...] = ()  # folders the site serves at its root, for a page's /images/… path
    config: Path | None = None
    warnings: tuple[DataWarning, ...] = ()

    def input_path(self, page: Path) -> str:
        """Eleventy's `page.inputPath` of a page below the input folder (ValueError for any other):
        from the project's root, starting ./"""
        below = page.relative_to(self.input).as_posix()
        folder = Path(_relative(self.input, self.root)).as_posix()
        relative = below if folder == "." else f"{folder}/{below}"
        return relative if relative.startswith("../") else "./" + relative

    def own_folders(self) -> tuple[Path, ...]:
        """The folders below the input that hold no pages: includes, layouts, data, output."""
        return tuple(f for f in (self.includes, self.layouts, self.data, self.output) if f is not None)

    def ignored(self, page: Path) -> bool:
        relative = Path(_relative(page, self.root)).as_posix()
        return any(_glob(pattern).fullmatch(relative) for pattern in self.ignores)


@dataclass
class _Found:
    """What the config file says, as it is read."""

    dirs: dict[str, str] = field(default_factory=dict)  # from `dir` objects: they win
    setters: dict[str, str] = field(default_factory=dict)  # from set*Directory calls
    formats: list[str] | None = None
    added_formats: list[str] = field(default_factory=list)
    ignores: list[str] = field(default_factory=list)
    git_ignore: bool = True
    served: list[str] = field(default_factory=list)  # passthrough copies to the output's root
    warnings: list[DataWarning] = field(default_factory=list)


def read_site(root: Path, output: Path | None = None) -> EleventySite:
    """The project at `root` as its config file sets it up (Eleventy's defaults where it has none);
    `output` (the command's --output) overrides the config's."""
    config = next((root / name for name in CONFIG_FILES if (root / name).is_file()), None)
    found = _read_config(config) if config is not None else _Found()
    dirs = {**_DEFAULTS, **found.setters, **found.dirs}
    source = _join(root, dirs["input"])
    out = output if output is not None else _join(root, dirs["output"])
    formats = tuple(dict.fromkeys([*(found.formats or DEFAULT_FORMATS), *found.added_formats]))
    ignore_files = [(root, root / ".eleventyignore"), (source, source / ".eleventyignore")]
    if found.git_ignore:
        ignore_files.insert(0, (root, root / ".gitignore"))
    ignores = [*_DEFAULT_IGNORES, *_ignore_lines(root, ignore_files),
               *(_from_root(root, root, line) for line in found.ignores)]
    served = [root / entry for entry in found.served]
    return EleventySite(root=root, input=source, includes=_join(source, dirs["includes"]),
                        data=_join(source, dirs["data"]), output=out,
                        layouts=_join(source, dirs["layouts"]) if "layouts" in dirs else None, formats=formats,
                        ignores=tuple(dict.fromkeys(ignores)), web_roots=(source, root, *served, out), config=config,
                        warnings=tuple(found.warnings))


def _read_config(config: Path) -> _Found:
    found = _Found()
    try:
        toks = tokens(config.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        found.warnings.append(DataWarning(config, "config", f"cannot read it ({exc}): Eleventy's defaults are taken"))
        return found
    except (JsDataError, RecursionError) as exc:
        found.warnings.append(DataWarning(config, "config", f"cannot read it as JavaScript ({exc}): Eleventy's "
                                                            "defaults are taken"))
        return found
    try:
        for i, tok in enumerate(toks):
            if tok.kind in ("name", "str"):
                _read_at(config, toks, i, found)
    except RecursionError:  # a literal nested thousands deep: no config names folders so
        found.warnings.append(DataWarning(config, "config", "nested too deeply: Eleventy's defaults are taken"))
        return _Found(warnings=found.warnings)
    return found


def _read_at(config: Path, toks: list[Token], i: int, found: _Found) -> None:
    """What the token at `i` says of the project, if it is a `dir:` key or a call that says something."""
    name, after = toks[i].text if toks[i].kind == "name" else toks[i].value, toks[i + 1].text
    shorthand = name == "dir" and after in (",", "}") and i > 0 and toks[i - 1].text in ("{", ",")
    if shorthand:  # `return { dir }`: the object a `const dir = {…}` above it declared
        declared = next((j for j in range(i - 1, 0, -1) if toks[j].text == "dir" and toks[j + 1].text == "="
                         and toks[j - 1].text in ("const", "let", "var")), None)
        value = _value(config, toks, declared + 2, name, found) if declared is not None else None
        if isinstance(value, dict):
            found.dirs.update(_strings(config, value, found))
        return
    if after == ":" and name in ("dir", "templateFormats"):
        value = _value(config, toks, i + 2, name, found)
        if name == "dir" and isinstance(value, dict):
            found.dirs.update(_strings(config, value, found))
        elif name == "templateFormats":
            found.formats = _formats(value)
        return
    if after != "(" or toks[i].kind != "name":
        return
    if name in _SETTERS:
        value = _value(config, toks, i + 2, name, found)
        if isinstance(value, str):
            found.setters[_SETTERS[name]] = value
    elif name in ("setTemplateFormats", "addTemplateFormats"):
        formats = _formats(_value(config, toks, i + 2, name, found))
        if name == "setTemplateFormats":
            found.formats = formats
        else:
            found.added_formats += formats or []
    elif name == "add" and i >= 2 and toks[i - 1].text == "." and toks[i - 2].text == "ignores":
        value = _value(config, toks, i + 2, "ignores.add", found)
        found.ignores += [value] if isinstance(value, str) else []
    elif name == "setUseGitIgnore":
        found.git_ignore = toks[i + 2].text != "false"
    elif name == "addPassthroughCopy":
        value = _value(config, toks, i + 2, name, found, quiet=True)
        copies = value if isinstance(value, dict) else {}
        found.served += [src for src, dest in copies.items() if isinstance(dest, str) and dest.strip("/.") == ""]


def _value(config: Path, toks: list[Token], i: int, name: str, found: _Found, quiet: bool = False) -> Any:
    value, _end = value_at(toks, i, (",", ")", "}", ";"))
    if isinstance(value, NotData) and not quiet:
        found.warnings.append(DataWarning(config, name, f"{value}: Eleventy's default is taken"))
    return value


def _strings(config: Path, dirs: dict[str, Any], found: _Found) -> dict[str, str]:
    out = {}
    for key in _DIR_KEYS:
        value = dirs.get(key)
        if isinstance(value, str):
            out[key] = value
        elif key in dirs and value is not None:
            found.warnings.append(DataWarning(config, f"dir.{key}", f"{value}: Eleventy's default is taken"))
    return out


def _formats(value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return None
    return [f.strip().lower().lstrip(".") for f in value if isinstance(f, str) and f.strip()]


def _ignore_lines(root: Path, files: list[tuple[Path, Path]]) -> list[str]:
    """Eleventy's ignore files' entries as globs below the root: each relative to its file's folder,
    a folder standing for everything in it; negations (`!…`), which Eleventy does not support, left out."""
    out = []
    for folder, path in files:
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        out += [_from_root(root, folder, line.strip()) for line in lines if line.strip()[:1] not in ("", "#", "!")]
    return out


def _from_root(root: Path, folder: Path, entry: str) -> str:
    path = (folder / entry.strip().lstrip("/").removeprefix("./").rstrip("/"))
    glob = Path(_relative(path, root)).as_posix()
    return f"{glob}/**" if path.is_dir() else glob


def _join(folder: Path, relative: str) -> Path:
    """`relative` below `folder`, its ../ taken out as Eleventy takes them out: by the names, not
    by following links (`content/../_includes` is `_includes`)."""
    return Path(os.path.normpath(folder / relative))


def _relative(path: Path, root: Path) -> str:
    """`path` from `root`, with ../ where it is outside; both as given, not resolved (links stay links)."""
    return os.path.relpath(path, root)


_GLOBS: dict[str, re.Pattern[str]] = {}


def _glob(pattern: str) -> re.Pattern[str]:
    """An ignore glob as Eleventy matches it: ** crosses folders, * and ? do not, {a,b} is either."""
    if pattern not in _GLOBS:
        out, depth, i = [], 0, 0
        while i < len(pattern):
            if pattern.startswith("/**", i) and i + 3 == len(pattern):
                out.append("(?:/.*)?")
                break
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            ch = pattern[i]
            depth += (ch == "{") - (ch == "}")
            special = {"*": "[^/]*", "?": "[^/]", "{": "(?:", "}": ")", **({",": "|"} if depth else {})}
            out.append(".*" if pattern.startswith("**", i) else special.get(ch, re.escape(ch)))
            i += 2 if pattern.startswith("**", i) else 1
        _GLOBS[pattern] = re.compile("".join(out))
    return _GLOBS[pattern]
