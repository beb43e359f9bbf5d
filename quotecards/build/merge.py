"""`quotecards merge OUT [DIR ...]`: the parts the shards of one build wrote, in one folder or
each in its own (a CI matrix), made one output: the cards, manifest.json, the build's state and
the gallery, as one build without --shard would have made them.

Parts are refused unless they are one whole build: the same settings (batch.settings_hash),
the same N, every shard once. Shards cannot see each other's slugs, so two posts in different
shards may have given their cards one path: the later post (in the order a build walks the
archive) is numbered as a build numbers it, and its cards are renamed. A card whose file no
longer holds the bytes its record names (another shard wrote the same path in the same folder)
is not taken: its post is listed as failed, to be drawn by the next build.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import files
from ..errors import QuotecardsError
from ..records import card_path
from . import manifest
from .gallery import write_state_page
from .outputs import PART, STATE_FILE, BuildFiles
from .runlock import run_lock
from .state import BuildState, Entry

__all__ = ["MergeError", "MergeResult", "merge"]

Record = dict[str, Any]


class MergeError(QuotecardsError):
    """The parts given are not the parts of one build."""


@dataclass(frozen=True)
class Part:
    folder: Path
    files: BuildFiles
    shard: tuple[int, int]
    settings: str
    errors: list[Record]
    cards: list[Record] | None  # from the manifest part, where the shard's state cannot be read instead

    def posts(self) -> Iterator[tuple[str, list[Record], Entry | None]]:
        """The part's posts in order, each with its cards and its state entry (None: it has no state).

        Read from the shard's state a post at a time where it has one (its manifest says the
        same), so that merging an archive's parts holds no more than a post of it."""
        if self.cards is not None:
            by_post: dict[str, list[Record]] = {}
            for card in self.cards:
                # A record that is no object still counts for its post, which is then refused whole.
                post = card.get("post") if isinstance(card, dict) else None
                by_post.setdefault(str(post), []).append(card)
            yield from ((key, by_post[key], None) for key in sorted(by_post))
            return
        state = BuildState.reading(self.folder / self.files.state)
        if state is None:
            return
        with closing(state):
            for key in state.keys():
                entry = state.get(key)
                if entry is not None and entry.cards:
                    yield key, entry.cards, entry


@dataclass
class MergeResult:
    """What a merge of shards' parts did: cards, parts, files brought in, slugs numbered, errors."""

    cards: int = 0
    parts: int = 0
    linked: int = 0  # card files brought into OUT from the other folders
    renamed: list[str] = field(default_factory=list)  # posts whose slug was numbered
    errors: list[str] = field(default_factory=list)  # one line a post: failed in its shard, or not merged


def merge(out: Path, folders: list[Path], on_wait: Callable[[str], None] | None = None) -> MergeResult:
    """The parts in OUT and `folders` made one build's output in OUT. Holds OUT's run lock, as a
    build does: a second merge, or a build, in the same folder waits (told through `on_wait`)."""
    with run_lock(out, on_wait):
        return _merge(out, folders)


def _merge(out: Path, folders: list[Path]) -> MergeResult:
    parts = _parts([out, *folders])
    _check(parts)
    result = MergeResult(parts=len(parts))
    errors = [e for part in parts for e in part.errors]
    merged = out / f"{STATE_FILE}.merging"  # renamed into place once whole, as every output is
    merged.unlink(missing_ok=True)
    with closing(BuildState(merged)) as state:
        state.settings = parts[0].settings
        for key, part, records, entry in _in_order(parts):
            refused = _refused(part, key, records)
            if refused is not None:
                errors.append({"post": key, "error": refused})
                continue
            taken = _take(out, part, key, records, state, result)
            # A post the state has no entry for (a part without its state) is read and drawn
            # again by the next build; its slug is kept meanwhile.
            state.put(key, replace(entry or Entry(), slug=taken[0]["slug"], cards=taken))
        errors.sort(key=lambda e: str(e.get("post")))
        state.errors = {e["post"]: e["error"] for e in errors}
        manifest.write(out, state.cards(), errors)
        write_state_page(out, state, errors)
        state.outputs_written = True
        state.commit()
        result.cards = state.card_count()
    os.replace(merged, out / STATE_FILE)
    for part in parts:
        if part.folder == out.resolve():  # folded into OUT's own files: a later merge must not count it twice
            for name in (part.files.state, part.files.manifest):
                (out / name).unlink(missing_ok=True)
    result.errors = [str(e["error"]) for e in errors]
    return result


def _in_order(parts: list[Part]) -> Iterator[tuple[str, Part, list[Record], Entry | None]]:
    """Every part's posts, in the order a build walks the archive; a post in two parts once."""
    streams = [_tagged(at, part) for at, part in enumerate(parts)]
    last = None
    for key, _at, part, records, entry in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        if key != last:
            yield key, part, records, entry
        last = key


def _tagged(at: int, part: Part) -> Iterator[tuple[str, int, Part, list[Record], Entry | None]]:
    for key, records, entry in part.posts():
        yield key, at, part, records, entry


def _parts(folders: list[Path]) -> list[Part]:
    parts, seen = [], set()
    for folder in folders:
        folder = folder.resolve()
        if folder in seen:
            continue
        seen.add(folder)
        for path in sorted(folder.glob("manifest.shard-*-of-*.json")):
            found = PART.search(path.name)
            if found is None:
                raise MergeError(path, "cards", "not a manifest part a shard of `quotecards build` wrote")
            parts.append(_part(path, (int(found.group(1)), int(found.group(2)))))
    if not parts:
        raise MergeError(", ".join(str(f) for f in folders), "parts",
                         "no manifest.shard-K-of-N.json here: run `quotecards build --shard K/N` first")
    return parts


def _part(path: Path, shard: tuple[int, int]) -> Part:
    """A shard's part: its settings and errors from its state where it can be read, else from its manifest."""
    names = BuildFiles.of(shard)
    state = BuildState.reading(path.parent / names.state)
    if state is not None:
        with closing(state):
            if state.settings is not None and state.outputs_written:
                return Part(path.parent, names, shard, state.settings,
                            [{"post": k, "error": v} for k, v in sorted((state.errors or {}).items())], None)
    data = files.read_json_object(path)
    if not isinstance(data.get("cards"), list):
        raise MergeError(path, "cards", "not a manifest part a shard of `quotecards build` wrote")
    return Part(path.parent, names, shard, str(data.get("settings")), _error_records(data.get("errors")),
                data["cards"])


def _error_records(errors: object) -> list[Record]:
    """A part's failed posts, each a post and its one line; anything else in the list is not a record of ours."""
    if not isinstance(errors, list):
        return []
    return [{"post": e["post"], "error": e["error"]} for e in errors
            if isinstance(e, dict) and isinstance(e.get("post"), str) and isinstance(e.get("error"), str)]


def _check(parts: list[Part]) -> None:
    first = parts[0]
    for part in parts[1:]:
        if part.settings != first.settings:
            raise MergeError(part.folder / part.files.manifest, "settings",
                             f"made with other settings than {first.folder / first.files.manifest} (a different "
                             "layout, platform, option, font or version): build every shard with the same ones")
        if part.shard[1] != first.shard[1]:
            raise MergeError(part.folder / part.files.manifest, "shard",
                             f"one of {part.shard[1]} shards, but {first.folder / first.files.manifest} is one of "
                             f"{first.shard[1]}")
    n = first.shard[1]
    have = sorted(part.shard[0] for part in parts)
    if have != list(range(1, n + 1)):
        twice = sorted({k for k in have if have.count(k) > 1})
        missing = sorted(set(range(1, n + 1)) - set(have))
        raise MergeError(first.folder, "parts", (f"shard {', '.join(map(str, twice))} of {n} found twice" if twice
                                                 else f"shard {', '.join(map(str, missing))} of {n} missing"))


def _refused(part: Part, key: str, records: list[Record]) -> str | None:
    """Why the post's cards cannot be taken from its part, if they cannot."""
    if not all(card_path(r) and isinstance(r.get("slug"), str) for r in records):
        # A part comes from a folder a CI job handed over: a record is trusted only in a card's shape.
        return f"{key}: its records in {part.files.manifest} are not cards a build wrote; the next build draws it again"
    if not all(_intact(part.folder / r["path"], r) for r in records):
        return (f"{key}: its card was overwritten by another shard's post with the same slug; "
                "the next build draws it again")
    return None


def _take(out: Path, part: Part, key: str, records: list[Record], state: BuildState,
          result: MergeResult) -> list[Record]:
    """The post's cards placed in OUT under a slug no earlier post has (numbered by the build's own rule)."""
    slug = state.free_slug(records[0]["slug"], key)
    renamed = records if slug == records[0]["slug"] else [_with_slug(r, slug) for r in records]
    if renamed is not records:
        result.renamed.append(key)
    for old, new in zip(records, renamed):
        if part.folder != out.resolve() or old["path"] != new["path"]:
            files.place_file(part.folder / old["path"], out / new["path"])
            result.linked += 1
    return renamed


def _with_slug(record: Record, slug: str) -> Record:
    return {**record, "slug": slug, "path": f"{record['platform']}/{slug}{Path(record['path']).suffix}"}


def _intact(path: Path, record: Record) -> bool:
    try:
        return files.sha256_of(path) == record.get("sha256")
    except OSError:
        return False
