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

import os
from contextlib import ExitStack, closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import export, manifest
from .batch import PART, STATE_FILE, Files, unique_slug
from .build_state import BuildState
from .errors import QuotecardsError
from .gallery import gallery_from_manifest

Record = dict[str, Any]


class MergeError(QuotecardsError):
    """The parts given are not the parts of one build."""


@dataclass(frozen=True)
class Part:
    folder: Path
    files: Files
    shard: tuple[int, int]
    settings: str
    cards: list[Record]
    errors: list[Record]
    state: Path  # the shard's own state: its posts' stats and hashes (where it has one)


@dataclass
class MergeResult:
    cards: int = 0
    parts: int = 0
    linked: int = 0  # card files brought into OUT from the other folders
    renamed: list[str] = field(default_factory=list)  # posts whose slug was numbered
    errors: list[str] = field(default_factory=list)  # one line a post: failed in its shard, or not merged


def merge(out: Path, folders: list[Path]) -> MergeResult:
    parts = _parts([out, *folders])
    _check(parts)
    result = MergeResult(parts=len(parts))
    posts = _posts(parts)
    slugs: dict[str, str] = {}  # slug → the post that has it
    cards: list[Record] = []
    errors = [e for part in parts for e in part.errors]
    merged = out / f"{STATE_FILE}.merging"  # renamed into place once whole, as every output is
    merged.unlink(missing_ok=True)
    with closing(BuildState(merged)) as state, ExitStack() as stack:
        shard_states = {part.state: stack.enter_context(closing(s)) for part in parts
                        if (s := BuildState.reading(part.state)) is not None}
        state.settings = parts[0].settings
        for key in sorted(posts):
            part, records = posts[key]
            taken = _take(out, part, key, records, slugs, result)
            if taken is None:
                errors.append({"post": key, "error": f"{key}: its card was overwritten by another shard's post "
                                                     "with the same slug; the next build draws it again"})
                continue
            cards += taken
            entry = shard_states[part.state].get(key) if part.state in shard_states else None
            if entry is not None:
                state.put(key, replace(entry, slug=taken[0]["slug"], cards=taken))
        errors.sort(key=lambda e: str(e.get("post")))
        state.errors = {e["post"]: e["error"] for e in errors}
        state.outputs_written = True
        state.commit()
    manifest.write(out, cards, errors)
    os.replace(merged, out / STATE_FILE)
    gallery_from_manifest(out)
    for part in parts:
        if part.folder == out.resolve():  # folded into OUT's own files: a later merge must not count it twice
            for name in (part.files.state, part.files.manifest):
                (out / name).unlink(missing_ok=True)
    result.cards, result.errors = len(cards), [str(e["error"]) for e in errors]
    return result


def _parts(folders: list[Path]) -> list[Part]:
    parts, seen = [], set()
    for folder in folders:
        folder = folder.resolve()
        if folder in seen:
            continue
        seen.add(folder)
        for path in sorted(folder.glob("manifest.shard-*-of-*.json")):
            found = PART.search(path.name)
            data = export.read_json_object(path)
            if found is None or not isinstance(data.get("cards"), list):
                raise MergeError(path, "cards", "not a manifest part a shard of `quotecards build` wrote")
            shard = (int(found.group(1)), int(found.group(2)))
            files = Files.of(shard)
            parts.append(Part(folder, files, shard, str(data.get("settings")), data["cards"],
                              list(data.get("errors") or []), folder / files.state))
    if not parts:
        raise MergeError(", ".join(str(f) for f in folders), "parts",
                         "no manifest.shard-K-of-N.json here: run `quotecards build --shard K/N` first")
    return parts


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


def _posts(parts: list[Part]) -> dict[str, tuple[Part, list[Record]]]:
    posts: dict[str, tuple[Part, list[Record]]] = {}
    for part in parts:
        for card in part.cards:
            key = str(card.get("post"))
            posts.setdefault(key, (part, []))[1].append(card)
    return posts


def _take(out: Path, part: Part, key: str, records: list[Record], slugs: dict[str, str],
          result: MergeResult) -> list[Record] | None:
    """The post's cards placed in OUT under a slug no earlier post has (numbered by the build's
    own rule); None where a card's file is not the one its record names."""
    if not all(_intact(part.folder / r["path"], r) for r in records):
        return None
    slug = unique_slug(records[0]["slug"], key, slugs.get)
    slugs[slug] = key
    renamed = records if slug == records[0]["slug"] else [_with_slug(r, slug) for r in records]
    if renamed is not records:
        result.renamed.append(key)
    for old, new in zip(records, renamed):
        if part.folder != out.resolve() or old["path"] != new["path"]:
            export.place_file(part.folder / old["path"], out / new["path"])
            result.linked += 1
    return renamed


def _with_slug(record: Record, slug: str) -> Record:
    return {**record, "slug": slug, "path": f"{record['platform']}/{slug}{Path(record['path']).suffix}"}


def _intact(path: Path, record: Record) -> bool:
    try:
        return export.sha256_of(path) == record.get("sha256")
    except OSError:
        return False
