"""Split a post into its front matter and read that as a mapping: YAML, TOML or JSON, as Hugo does,
and Eleventy's `---json` and `---js` (JavaScript read as literal values only: js_literals.py).

Every way a front matter can fail to read — bad syntax, an impossible value (`!!int abc`, a
5,000-digit number), nesting a thousand deep, an alias bomb — is a `PostError` naming the
file and, where it can be told, the top-level key; nothing else escapes.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from ..errors import PostError
from .js_literals import JsDataError, NotData, read_statements
from .publish import DRAFT_KEYS

__all__ = ["front_matter", "kind_of"]

# A YAML alias may stand for a whole subtree; eleven nested levels of ten aliases each make a
# mapping of 10^11 nodes that takes no room in memory but forever to walk or compare.
MAX_EXPANDED_NODES = 100_000
# Real front matter is a few kilobytes; parsing megabytes of YAML takes seconds per post.
MAX_FRONT_MATTER_CHARS = 512 * 1024
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and turns every value it cannot build into a YAMLError.

    An impossible date (2020-02-30) is then the date field's own note, not an unreadable file.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # PyYAML's constructors fail in many ways on bad tagged values  # noqa: BLE001
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value ({_short(str(exc))})", node.start_mark) from None


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _YAMLHandler(YAMLHandler):
    FM_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_Loader)  # noqa: S506 - a SafeLoader


class _TOMLHandler(BaseHandler):
    """TOML front matter through the standard library (python-frontmatter wants `toml`)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


class _JSONObjectHandler(JSONHandler):
    """Hugo's JSON front matter: one JSON object at the top, however it is formatted."""

    def split(self, text: str) -> tuple[str, str]:
        _obj, end = json.JSONDecoder().raw_decode(text)
        return text[:end], text[end:]


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def front_matter(path: Path | str, text: str) -> dict[str, Any]:
    """The front matter of `text` (as read from `path`) as a mapping, or PostError."""
    stripped = normalise_newlines(text).lstrip("\ufeff").lstrip()
    language = _language(stripped)
    if language in _JS or language == "json":
        return _eleventy_front_matter(path, stripped, language, normalise_newlines(text))
    if language:
        raise PostError(path, "front matter", f"---{language}: front matter in a language quotecards does not read "
                                              "(it reads YAML, TOML, JSON and JavaScript's literals)")
    if stripped.startswith("---"):
        stripped = re.sub(r"\A---[ \t]*ya?ml[ \t]*$", "---", stripped, flags=re.MULTILINE | re.IGNORECASE)
        handler: BaseHandler = _YAMLHandler()
        kind = "YAML"
    elif stripped.startswith("+++"):
        handler, kind = _TOMLHandler(), "TOML"
    elif stripped.startswith("{"):
        handler, kind = _JSONObjectHandler(), "JSON"
    else:
        raise PostError(path, "front matter", "none found (the file must start with ---, +++ or {)")
    try:
        meta = _load(path, handler, kind, stripped)
        if meta is None:  # `---` then `---` (or only comments between): front matter with nothing in it
            meta = {}
        if not isinstance(meta, dict):
            raise PostError(path, "front matter", f"expected key: value pairs, got {kind_of(meta)}")
        if kind == "YAML" and _expanded_size(meta, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
            raise PostError(path, "front matter", f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values")
    except RecursionError:
        raise PostError(path, "front matter", f"unreadable {kind}: nested too deeply") from None
    except _Cycle:
        raise PostError(path, "front matter", "a value contains itself (a YAML alias inside its own anchor)") from None
    return meta


_JS = ("js", "javascript")
_OPENING = re.compile(r"---[ \t]*([A-Za-z]*)[ \t]*$")


def _language(text: str) -> str:
    """The language an opening `---js` (gray-matter's, as Eleventy reads front matter) names: ""
    for none or YAML."""
    opening = _OPENING.match(text.split("\n", 1)[0])
    language = opening.group(1).lower() if opening else ""
    return "" if language in ("yaml", "yml") else language


def _eleventy_front_matter(path: Path | str, text: str, language: str, whole: str) -> dict[str, Any]:
    """`---json` or `---js` front matter, up to the next `---` line."""
    kind = "JSON" if language == "json" else "JavaScript"
    _opening, _newline, rest = text.partition("\n")
    closing = re.search(r"^-{3,}[ \t]*$", rest, re.MULTILINE)
    if closing is None:
        raise PostError(path, "front matter", f"unreadable {kind}: no closing delimiter")
    block = rest[:closing.start()]
    if len(block) > MAX_FRONT_MATTER_CHARS:
        raise PostError(path, "front matter",
                        f"{len(block):,} characters long; at most {MAX_FRONT_MATTER_CHARS:,} are read")
    if language == "json":
        try:
            meta = json.loads(block)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise PostError(path, "front matter", f"unreadable JSON: {_short(str(exc))}") from None
        if not isinstance(meta, dict):
            raise PostError(path, "front matter", f"expected key: value pairs, got {kind_of(meta)}")
        return meta
    blank_lines = whole[:len(whole) - len(text)].count("\n")  # before ---js: line numbers count from the file's top
    try:
        meta = read_statements(block, blank_lines + 2)
    except JsDataError as exc:
        raise PostError(path, "front matter", f"---js that is not plain data ({exc.what} at line {exc.line}); "
                                              "quotecards reads literal values only") from None
    except RecursionError:
        raise PostError(path, "front matter", "unreadable JavaScript: nested too deeply") from None
    for key in DRAFT_KEYS:  # unknown, whether the page is public is unknown: no guessing
        if isinstance(meta.get(key), NotData):
            raise PostError(path, key, f"{meta[key]}; quotecards reads literal values only, and whether the page "
                                       "is a draft depends on it")
    return meta


def _load(path: Path | str, handler: BaseHandler, kind: str, text: str) -> Any:
    # The handlers are called directly: frontmatter.parse() would swallow a missing closing
    # delimiter and non-mapping front matter, and we owe the user a reason.
    try:
        fm, _content = handler.split(text)
    except json.JSONDecodeError as exc:
        raise PostError(path, "front matter", f"unreadable JSON: {exc}") from None
    except ValueError as exc:
        raise PostError(path, "front matter", f"unreadable {kind}: {_split_problem(exc)}") from None
    if len(fm) > MAX_FRONT_MATTER_CHARS:
        raise PostError(path, "front matter",
                        f"{len(fm):,} characters long; at most {MAX_FRONT_MATTER_CHARS:,} are read")
    try:
        return handler.load(fm)
    except yaml.YAMLError as exc:
        field, problem = _yaml_problem(fm, exc)
        raise PostError(path, field, f"unreadable YAML: {problem}") from None
    except (tomllib.TOMLDecodeError, ValueError, TypeError, OverflowError) as exc:
        line = re.search(r"\(at line (\d+)", str(exc))  # tomllib's way of saying where
        field = (_key_at(fm, int(line.group(1)) - 1) if line else None) or "front matter"
        raise PostError(path, field, f"unreadable {kind}: {_short(str(exc))}") from None


def _split_problem(exc: ValueError) -> str:
    return _short(str(exc)) if "digits" in str(exc) else "no closing delimiter"


def _yaml_problem(fm: str, exc: yaml.YAMLError) -> tuple[str, str]:
    """The top-level key the problem is under (else "front matter"), and the problem with its line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return "front matter", problem
    # The YAML text starts on the opening --- line, and marks count from zero.
    return _key_at(fm, mark.line) or "front matter", f"{problem} (line {mark.line + 1})"


def _key_at(fm: str, line: int) -> str | None:
    lines = fm.split("\n")
    for text in reversed(lines[: line + 1]):
        match = re.match(r"""^(?:"([^"]+)"|'([^']+)'|([^\s#'"\-?:][^:=#]*?))[ \t]*(?::(?:[ \t]|$)|=)""", text)
        if match:
            return next(g for g in match.groups() if g)
    return None


def _expanded_size(value: Any, limit: int) -> int:
    """How many values `value` holds with every alias written out; stops counting past `limit`."""
    sizes: dict[int, int] = {}
    counting = -1  # the size of a node whose children are still being counted

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        known = sizes.get(id(node))
        if known == counting:
            raise _Cycle
        if known is None:
            sizes[id(node)] = counting
            children = node.values() if isinstance(node, dict) else node
            known = 1
            for child in children:
                known += size(child)
                if known > limit:
                    break
            sizes[id(node)] = known
        return known

    return size(value)


class _Cycle(Exception):
    pass


def kind_of(value: object) -> str:
    if isinstance(value, NotData):  # ---js front matter's code, where a card needs a value
        return f"{value}; quotecards reads literal values only"
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)


def _short(text: str, limit: int = 120) -> str:
    if "integer string conversion" in text:  # Python's int() refuses numbers over 4,300 digits
        return "a number of more than 4,300 digits"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
