"""A whole archive: every post below a folder, in parallel, rendering only what changed.

The parent process walks the archive and decides, post by post, whether its cards can be
reused; only changed posts go to the worker processes. Decisions are cheap on purpose: a post
whose file has the same size and modification time as last run, under the same settings, is
reused without being read at all. Otherwise it is parsed, and its cards are re-rendered only if
a field that reaches a card (or its local image) changed.

State lives in DIR/.quotecards-state.json and the cards in DIR/manifest.json, both rewritten
atomically every few seconds, so a run stopped by Ctrl-C or kill -9 loses at most those
seconds, and the next run picks up from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from . import __version__, export, manifest, workers
from .cards import CardRecord, ErrorRecord, SomeCardsFailed, error_record, render_post
from .context import Layouts, RenderOptions, RunContext
from .gallery import write_gallery
from .platforms import Platform, expand
from .post import Post, PostError, card_fields, read_post
from .resources import data_dir
from .runlock import LOCK_FILE, run_lock
from .store import CardStore, StoreOptions, post_key

STATE_FILE = ".quotecards-state.json"
CHECKPOINT_SECONDS = 3.0
PART = re.compile(r"\.shard-(\d+)-of-(\d+)")  # in the names of a shard's own state, manifest and lock


@dataclass(frozen=True)
class Files:
    """The files a build keeps in its state folder: the whole archive's, or a shard's part of it.

    Shards write parts, never each other's files, so the shards of one build can run at once
    into one folder or each into its own; `quotecards merge` (merge.py), or the next build
    without --shard, makes the parts one."""

    state: str = STATE_FILE
    manifest: str = manifest.FILE
    lock: str = LOCK_FILE

    @classmethod
    def of(cls, shard: tuple[int, int]) -> Files:
        k, n = shard
        if n == 1:
            return cls()
        part = f".shard-{k}-of-{n}"
        return cls(f".quotecards-state{part}.json", f"manifest{part}.json", f".quotecards{part}.lock")


@dataclass(frozen=True)
class BuildOptions:
    render: RenderOptions
    jobs: int = 0  # worker processes; 0: one per core
    force: bool = False  # render everything again
    prune: bool = False  # delete the cards of posts that are gone
    shard: tuple[int, int] = (1, 1)  # K of N: this run's stable share of the archive
    store: StoreOptions | None = None  # the card store (store.py); None: none
    skip: tuple[str, ...] = ()  # folders below the content folder that hold no posts (discover)


@dataclass
class Summary:
    cards: list[CardRecord] = field(default_factory=list)  # every card of the archive (this shard), made or reused
    made: int = 0  # cards rendered this run
    reused: int = 0  # cards kept from an earlier run, in the output folder or from the store
    restored: int = 0  # of those, cards taken from the store
    failed: list[ErrorRecord] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason → posts
    warnings: Counter[str] = field(default_factory=Counter)  # warning kind → cards that have it
    pruned: int = 0
    seconds: float = 0.0
    posts: int = 0


def discover(content_dir: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    """Every Markdown file below `content_dir`, in a stable order, not looking in folders named
    in `skip` (a generator's own: Eleventy's node_modules, _includes, _site)."""
    if not skip:
        return sorted(p for p in content_dir.rglob("*.md") if p.is_file())
    found = []
    for folder, dirs, files in os.walk(content_dir):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".md")]
    return sorted(p for p in found if p.is_file())


def in_shard(path: Path, root: Path, shard: tuple[int, int]) -> bool:
    """A stable 1/N of the archive: the same posts land in shard K on every machine and run."""
    k, n = shard
    key = path.relative_to(root).as_posix().encode("utf-8")
    return int.from_bytes(hashlib.sha1(key).digest()[:8], "big") % n == k - 1


def settings_hash(options: RenderOptions, platforms: list[Platform]) -> str:
    """Everything outside a post that reaches its cards: tool, layouts, config, fonts, options."""
    h = hashlib.sha256(f"quotecards {__version__}".encode())
    for folder in (*options.layout_dirs, *options.config.layout_dirs, data_dir("layouts")):
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            h.update(path.name.encode() + path.read_bytes())
    site_fonts = (p for folder in options.config.font_dirs for p in sorted(folder.rglob("*")) if p.is_file())
    for path in (*sorted(data_dir("fonts").iterdir()), *site_fonts):
        # By their bytes, not their mtimes: a fresh checkout or install must give the same hash.
        h.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    if options.config.path is not None:
        h.update(options.config.path.read_bytes())
    if options.config.logo is not None:
        h.update(options.config.logo.read_bytes())
    publishing = options.read.publishing
    h.update(json.dumps([options.layout, [p.name for p in platforms], options.max_pixels, options.strict,
                         [list(map(str, b)) for b in options.fetch.image_bases], options.allow_missing_glyphs,
                         [publishing.drafts, publishing.future, publishing.expired], list(options.read.languages),
                         options.format, options.shortening_allowed,
                         options.read.default_lang, options.config.site_name]).encode())
    return h.hexdigest()


def post_hash(post: Post, slug: str) -> str:
    """The fields of a post that reach its cards, and its local image's identity."""
    fields = card_fields(post, slug)
    if post.image and "://" not in post.image:
        image = Path(post.image) if Path(post.image).is_absolute() else post.source.parent / post.image
        try:
            stat = image.stat()
            fields["image_file"] = [stat.st_size, stat.st_mtime_ns]
        except OSError:
            fields["image_file"] = None
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


# -- workers ---------------------------------------------------------------------------------

# The worker's own run context, made once by the pool's initializer (a process pool can hand
# state to its workers no other way) and used for every post the worker renders.
_worker_context: list[RunContext] = []


def _init_worker(options: RenderOptions) -> None:
    _worker_context.append(RunContext.open(options))


def _render_one(path: str, slug: str) -> workers.Result:
    try:
        ctx = _worker_context[0]
        records = render_post(read_post(Path(path), ctx.reading), ctx, slug)
        return path, [r.to_json() for r in records], None
    except SomeCardsFailed as partly:  # the cards that were made are kept; the post is tried again next build
        return path, [r.to_json() for r in partly.records], error_record(Path(path), partly).error
    except Exception as exc:  # one post's failure is that post's, never the batch's  # noqa: BLE001
        return path, None, error_record(Path(path), exc).error


def _warm_parent(options: RenderOptions) -> None:
    """Load, once, what every worker would otherwise load for itself on its first card.

    Where workers are forked, each starts as a copy of this process: numpy and zlib-ng (the PNG
    writer), ICU's break rules and the font stacks of the site's layouts (a walk through the
    system's font folders) are then in every worker already, instead of every worker loading
    them at the same moment on the same cores (benchmarks/RESULTS.md has what that cost).
    """
    if multiprocessing.get_start_method() != "fork":
        return  # a spawned worker starts empty: loading here would only cost time
    from PIL import Image

    from . import fonts, png, typeset
    from .layout import LayoutError, TextLayer

    png.encode(Image.new("RGB", (8, 8)))
    layouts = Layouts(options)
    for name in dict.fromkeys((options.layout or options.config.layout, options.config.no_image_layout)):
        try:
            layout = layouts.get(name)
        except LayoutError:
            continue  # the run reports it where it belongs, on the posts that use it
        for layer in layout.layers:
            if isinstance(layer, TextLayer):
                typeset.set_text("Warm", fonts.stack_for(layer.face), 400, 200, 12, 24)


# -- the run ---------------------------------------------------------------------------------

def build(content_dir: Path, options: BuildOptions, progress: Callable[[int, int], None] | None = None,
          state_dir: Path | None = None, on_wait: Callable[[str], None] | None = None) -> Summary:
    """Render the cards of every post below `content_dir` that needs them; see the module's doc.

    manifest.json and the state go to `state_dir` (default: the output folder); a Hugo site
    keeps them out of static/, which Hugo would publish. One build at a time writes there: a
    second one waits, telling `on_wait` who holds the folder.
    """
    state_dir = state_dir or options.render.out_dir
    # Language folders (content/ja/…) and sections are counted from the content folder.
    if options.render.read.content_dir is None:
        options = replace(options, render=replace(options.render, read=replace(options.render.read,
                                                                               content_dir=content_dir)))
    export.prepare_output(options.render.out_dir)
    export.prepare_output(state_dir)
    with run_lock(state_dir, on_wait, Files.of(options.shard).lock):
        return _build(content_dir, options, progress, state_dir)


def _build(content_dir: Path, options: BuildOptions, progress: Callable[[int, int], None] | None,
           state_dir: Path) -> Summary:
    started = time.monotonic()
    settings = settings_hash(options.render, expand(options.render.platforms))
    files = Files.of(options.shard)
    state = _read_state(state_dir / files.state) or _share_of_whole(state_dir, content_dir, options.shard)
    parts = _absorb_parts(state_dir, state, settings) if options.shard == (1, 1) else []
    previous_errors = state.get("errors")
    scan = _Scan.start(options, settings, state)
    all_paths = discover(content_dir, options.skip)
    paths = [p for p in all_paths if in_shard(p, content_dir, options.shard)]
    scan.summary.posts = len(paths)
    for path in paths:
        scan.visit(path)
    if options.prune:
        known = len(scan.posts)
        # Other shards' posts are not gone: prune spares every post the folder still has.
        scan.summary.pruned += _prune(scan.out, scan.posts, {str(p) for p in all_paths})
        scan.dirty = scan.dirty or len(scan.posts) != known
    if scan.todo:
        state = {"settings": settings, "posts": scan.posts}
        _render_todo(scan.todo, scan.fresh, options, state, scan.errors, scan.summary, progress, state_dir, scan.keep)
    if scan.store is not None and (scan.todo or scan.summary.restored):
        scan.store.trim()
    summary = scan.finish()
    # A shard writes its part; the gallery is the whole build's (merge.py).
    written = all((state_dir / name).is_file() for name in (files.state, files.manifest)) and \
        (files != Files() or (state_dir / "index.html").is_file())
    if scan.dirty or scan.errors != previous_errors or not written or parts:
        cards, failed = _checkpoint(state_dir, {"settings": settings, "posts": scan.posts}, scan.errors, files,
                                    options.shard)
        if files == Files():
            write_gallery(state_dir, cards, failed, scan.out)  # from the records in hand: not read back
        for part in parts:  # folded into the whole build's state and manifest, just written
            for name in (part.state, part.manifest):
                (state_dir / name).unlink(missing_ok=True)
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class _Scan:
    """A build's walk through the archive: for each post, whether its cards are reused, taken
    from the store or drawn, and what the state will say of it."""

    options: BuildOptions
    settings: str
    unchanged: bool  # same settings as the state's, and no --force: earlier cards stand
    posts: dict[str, dict[str, Any]]  # the state's entries, post → stat, hash, slug, cards
    slugs: dict[str, str]  # slug → the post that has it
    now: dt.datetime
    store: CardStore | None
    summary: Summary = field(default_factory=Summary)
    todo: list[tuple[str, str]] = field(default_factory=list)  # posts to draw, with their slugs
    fresh: dict[str, dict[str, Any]] = field(default_factory=dict)  # post → the stat and hash it gets once drawn
    errors: dict[str, str] = field(default_factory=dict)
    store_keys: dict[str, str] = field(default_factory=dict)  # post → its key in the store
    # Whether the state, manifest and gallery need writing: a run that found nothing to do must
    # not spend longer rewriting them (the indented manifest of 1,000 cards) than looking.
    dirty: bool = False

    @classmethod
    def start(cls, options: BuildOptions, settings: str, state: dict[str, Any]) -> _Scan:
        # Changed settings or --force: every card is rendered again, but slugs are kept stable.
        unchanged = state.get("settings") == settings and not options.force
        posts: dict[str, dict[str, Any]] = state.get("posts", {})
        publishing = options.render.reading.publishing
        return cls(options, settings, unchanged, posts,
                   {entry["slug"]: key for key, entry in posts.items() if entry.get("slug")},
                   publishing.now or dt.datetime.now(dt.UTC),
                   CardStore(options.store) if options.store is not None else None, dirty=not unchanged)

    @property
    def out(self) -> Path:
        return self.options.render.out_dir

    def visit(self, path: Path) -> None:
        key = str(path)
        try:
            stat = path.stat()
        except OSError as exc:  # deleted (or made unreadable) since the folder was listed
            self.errors[key] = str(PostError(path, "file", f"cannot read it ({exc.strerror or exc})"))
            return
        entry = self.posts.get(key)
        if (self.unchanged and entry and entry.get("stat") == [stat.st_size, stat.st_mtime_ns]
                and entry.get("cards") and _cards_exist(self.out, entry["cards"]) and not _expired(entry, self.now)):
            self.summary.reused += len(entry["cards"])  # the fast path: not even read
            return
        try:
            post = read_post(path, self.options.render.reading)
        except PostError as exc:
            self.errors[key] = str(exc)
            return
        if not self._public(key, post):
            return
        slug = unique_slug(post.slug, key, self.slugs)
        digest = post_hash(post, slug)
        self.dirty = True
        if (entry and entry.get("hash") == digest and self.unchanged and entry.get("cards")
                and _cards_exist(self.out, entry["cards"])):
            entry["stat"] = [stat.st_size, stat.st_mtime_ns]
            self.summary.reused += len(entry["cards"])
            return
        made = {"stat": [stat.st_size, stat.st_mtime_ns], "hash": digest, "expires": post.expires}
        if not self._restored(key, post, slug, made):
            self._queue(key, slug, made, entry)

    def _public(self, key: str, post: Post) -> bool:
        """Whether the post gets a card; one that no longer does loses its entry (and, pruning, its cards)."""
        skip = _skip_reason(post, self.options.render.config.cards)
        if not skip:
            return True
        self.summary.skipped[skip] += 1
        gone = self.posts.pop(key, None)
        if gone is not None and self.options.prune:  # no longer public: nor is its card
            self.summary.pruned += _delete_cards(self.out, gone.get("cards", []))
        self.dirty = gone is not None or self.dirty
        return False

    def _restored(self, key: str, post: Post, slug: str, made: dict[str, Any]) -> bool:
        """Whether the post's cards came from the store, drawn by an earlier build here or in a CI cache's."""
        if self.store is None:
            return False
        self.store_keys[key] = post_key(self.settings, post, slug, self.options.render.fetch)
        stored = None if self.options.force else self.store.restore(self.store_keys[key], self.out, key)
        if stored is None:
            return False
        _take_cards(self.out, self.posts, key, {**made, "slug": slug}, stored)
        self.summary.reused += len(stored)
        self.summary.restored += len(stored)
        return True

    def _queue(self, key: str, slug: str, made: dict[str, Any], entry: dict[str, Any] | None) -> None:
        # Until its new cards arrive, the post keeps its old ones in the manifest; with no stat
        # and no hash, a run killed before then renders it again next time.
        self.posts[key] = {"stat": None, "hash": None, "slug": slug, "cards": entry.get("cards", []) if entry else []}
        self.fresh[key] = made
        self.todo.append((key, slug))

    def keep(self, key: str, records: list[dict[str, Any]]) -> None:
        """A drawn post's cards, kept in the store."""
        if self.store is not None:
            self.store.put(self.store_keys[key], records, self.out)

    def finish(self) -> Summary:
        """The summary, once the cards are made: failed posts leave the state unless some of their cards were made."""
        for key in self.errors:
            if not self.posts.get(key, {}).get("partial"):
                self.posts.pop(key, None)
        self.summary.failed = [ErrorRecord(k, v) for k, v in sorted(self.errors.items())]
        self.summary.cards = [CardRecord.from_json(c) for key in sorted(self.posts)
                              for c in self.posts[key].get("cards", [])]
        return self.summary


def _render_todo(todo: list[tuple[str, str]], fresh: dict[str, dict[str, Any]], options: BuildOptions,
                 state: dict[str, Any], errors: dict[str, str],
                 summary: Summary, progress: Callable[[int, int], None] | None, state_dir: Path,
                 keep: Callable[[str, list[dict[str, Any]]], None]) -> None:
    """Render the posts that need it in worker processes, checkpointing every few seconds;
    `keep` is given each post's cards as they are made (the store)."""
    posts: dict[str, dict[str, Any]] = state["posts"]
    total, done = len(todo), [0]
    last_checkpoint = [time.monotonic()]

    def on_result(result: workers.Result) -> None:
        key, records, error = result
        done[0] += 1
        if error is not None or records is None:
            errors[key] = error or f"{key}: no cards"
            posts.pop(key, None)
            if records:  # some cards made: recorded, but without the fingerprint that would skip the post
                posts[key] = {"cards": records, "partial": True}
                summary.made += len(records)
            return
        _take_cards(options.render.out_dir, posts, key, fresh.pop(key), records)
        keep(key, records)
        summary.made += len(records)
        for record in records:
            summary.warnings.update(set(record.get("warning_kinds", ())))

    def on_tick() -> None:
        if progress:
            progress(done[0], total)
        if time.monotonic() - last_checkpoint[0] > CHECKPOINT_SECONDS:
            _checkpoint(state_dir, state, errors, Files.of(options.shard), options.shard)
            last_checkpoint[0] = time.monotonic()

    _warm_parent(options.render)
    pool = workers.Pool(options.jobs or os.cpu_count() or 1, _init_worker, (options.render,), _render_one)
    try:
        workers.run_jobs(todo, pool, on_result, on_tick)
    except KeyboardInterrupt:
        _checkpoint(state_dir, state, errors, Files.of(options.shard), options.shard)
        raise


def _take_cards(out: Path, posts: dict[str, dict[str, Any]], key: str, made: dict[str, Any],
                cards: list[dict[str, Any]]) -> None:
    """The post's entry gets its new cards; a card it had under another name (another format,
    slug or platform set) leaves no stale file."""
    paths = {card["path"] for card in cards}
    _delete_cards(out, [c for c in posts.get(key, {}).get("cards", []) if c.get("path") not in paths])
    posts[key] = {"slug": posts.get(key, {}).get("slug"), **made, "cards": cards}


def _skip_reason(post: Post, cards: str) -> str | None:
    """Why a readable post gets no card in a site build: not public, or no quote when only quotes are wanted."""
    if post.unpublished:
        return post.unpublished
    if post.kind == "headline" and cards == "quotes":
        return "no quote"
    return None


def _expired(entry: dict[str, Any], now: dt.datetime) -> bool:
    expires = entry.get("expires")
    return isinstance(expires, str) and dt.datetime.fromisoformat(expires) <= now


def unique_slug(slug: str, key: str, slugs: dict[str, str]) -> str:
    """Two posts with one slug would overwrite each other's card: number the later one."""
    candidate, n = slug, 2
    while slugs.get(candidate, key) != key:
        candidate, n = f"{slug}-{n}", n + 1
    slugs[candidate] = key
    return candidate


def _cards_exist(out: Path, cards: list[dict[str, Any]]) -> bool:
    return all((out / c["path"]).is_file() for c in cards)


def _prune(out: Path, posts: dict[str, dict[str, Any]], seen: set[str]) -> int:
    return sum(_delete_cards(out, posts.pop(key).get("cards", [])) for key in [k for k in posts if k not in seen])


def _delete_cards(out: Path, cards: list[dict[str, Any]]) -> int:
    removed = 0
    for card in cards:
        try:
            (out / card["path"]).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _read_state(path: Path) -> dict[str, Any]:
    data = export.read_json_object(path)
    return data if isinstance(data.get("posts"), dict) else {}


def _checkpoint(folder: Path, state: dict[str, Any], errors: dict[str, str], files: Files,
                shard: tuple[int, int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """State and manifest (or a shard's parts of them), each written whole and renamed into place;
    the manifest's cards and errors."""
    cards = [c for key in sorted(state["posts"]) for c in state["posts"][key].get("cards", [])]
    about = {"settings": state["settings"], "shard": list(shard)} if files != Files() else None
    failed = [{"post": k, "error": v} for k, v in sorted(errors.items())]
    manifest.write(folder, cards, failed, files.manifest, about)
    # The errors go into the state as well, so that the next run can tell whether they changed.
    export.write_atomic_text(folder / files.state, json.JSONEncoder().iterencode({**state, "errors": errors}))
    return cards, failed


def _share_of_whole(folder: Path, content_dir: Path, shard: tuple[int, int]) -> dict[str, Any]:
    """A shard's first state where a whole build ran before: that build's entries of its share."""
    if shard == (1, 1):
        return {}
    whole = _read_state(folder / STATE_FILE)
    posts = {key: entry for key, entry in whole.get("posts", {}).items()
             if Path(key).is_relative_to(content_dir) and in_shard(Path(key), content_dir, shard)}
    return {"settings": whole.get("settings"), "posts": posts} if posts else {}


def _absorb_parts(folder: Path, state: dict[str, Any], settings: str) -> list[Files]:
    """Fold the parts that shards of this build left in `folder` into the whole build's state:
    their posts are then reused, not drawn again. Parts made with other settings are left."""
    parts = []
    for path in sorted(folder.glob(".quotecards-state.shard-*-of-*.json")):
        found = PART.search(path.name)
        part = _read_state(path)
        if found is None or part.get("settings") != settings:
            continue
        if not state.get("posts"):  # only shards have run here: the whole build starts from their settings
            state["settings"] = settings
        for key, entry in part["posts"].items():
            state.setdefault("posts", {}).setdefault(key, entry)
        parts.append(Files.of((int(found.group(1)), int(found.group(2)))))
    # Two shards cannot see each other's slugs: where two posts wrote one card path, the later
    # file won. Both are drawn again, numbered as an unsharded build numbers them.
    owners: dict[str, set[str]] = {}
    for key, entry in state.get("posts", {}).items():
        for card in entry.get("cards", []):
            owners.setdefault(card.get("path"), set()).add(key)
    for key in {key for keys in owners.values() if len(keys) > 1 for key in keys}:
        state["posts"].pop(key)
    return parts


def terminal_progress(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A bar redrawn in place on a terminal; elsewhere (CI logs) a plain line every few seconds."""
    stream = stream or sys.stderr  # looked up now, so a caller that swapped sys.stderr is heard
    last = [0.0]

    def show(done: int, total: int) -> None:
        if stream.isatty():
            width = 30
            filled = width * done // max(1, total)
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} posts")
            if done == total:
                stream.write("\n")
            stream.flush()
        elif time.monotonic() - last[0] > 5 or done == total:
            last[0] = time.monotonic()
            stream.write(f"rendered {done}/{total} posts\n")
            stream.flush()

    return show

