"""A whole archive: every post below a folder, in parallel, rendering only what changed.

The parent process walks the archive and decides, post by post, whether its cards can be
reused; only changed posts go to the worker processes. Decisions are cheap on purpose: a post
whose file has the same size and modification time as last run, under the same settings, is
reused without being read at all. Otherwise it is parsed, and its cards are re-rendered only if
a field that reaches a card (or its local image) changed.

State lives in DIR/.quotecards-state.sqlite (state.py: on disk, read and written a post at
a time, so an archive of any size builds in bounded memory) and the cards in DIR/manifest.json.
Both are brought up to date every few seconds, whole (SQLite's journal; the manifest written and
renamed into place), so a run stopped by Ctrl-C or kill -9 loses at most those seconds, and the
next run picks up from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, files, heap
from ..draw.platforms import Platform, expand
from ..errors import OutputError
from ..options import RenderOptions
from ..records import CardRecord, ErrorRecord, card_path
from ..resources import data_dir
from ..sources.post import Post, PostError, card_fields, check_file_name, read_post
from . import manifest
from .gallery import write_state_page
from .outputs import PART, STATE_FILE, BuildFiles
from .runlock import run_lock
from .state import BuildState, Entry
from .store import CardStore, StoreOptions, post_key

if TYPE_CHECKING:
    from ..context import RunContext
    from ..encode import png
    from . import workers

__all__ = ["BuildOptions", "Summary", "build", "discover", "in_shard", "settings_hash"]

# The rendering (cards, context, workers and all they load: Pillow, ICU, numpy) is imported
# where a post is to be drawn: a build that finds nothing changed never loads it.

CHECKPOINT_SECONDS = 3.0


@dataclass(frozen=True)
class BuildOptions:
    """How an archive is built: the render options, workers, shard, store, and what to redo or prune."""

    render: RenderOptions
    jobs: int = 0  # worker processes; 0: one per core
    force: bool = False  # render everything again
    prune: bool = False  # delete the cards of posts that are gone
    shard: tuple[int, int] = (1, 1)  # K of N: this run's stable share of the archive
    store: StoreOptions | None = None  # the card store (store.py); None: none
    skip: tuple[str, ...] = ()  # folders below the content folder that hold no posts (discover)
    suffixes: tuple[str, ...] = (".md",)  # the files that are posts (a generator's own: Jekyll's .markdown, …)
    # The posts, where a generator's own rules find them (Jekyll's _posts folders and collections);
    # None: every file below the content folder with one of `suffixes`.
    pages: tuple[Path, ...] | None = None
    # The state folder's index.html, the build's gallery; off where a generator would take that
    # page for one of its own templates (Eleventy, whose input folder holds the state folder).
    state_page: bool = True


@dataclass
class Summary:
    """What a build did: cards made, reused and restored, posts failed and skipped, and why."""

    cards: Collection[CardRecord] = ()  # every card of the archive (this shard), made or reused: SavedCards
    made: int = 0  # cards rendered this run
    reused: int = 0  # cards kept from an earlier run, in the output folder or from the store
    restored: int = 0  # of those, cards taken from the store
    failed: list[ErrorRecord] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason → posts
    warnings: Counter[str] = field(default_factory=Counter)  # warning kind → cards that have it
    pruned: int = 0
    seconds: float = 0.0
    posts: int = 0


def discover(content_dir: Path, skip: tuple[str, ...] = (),
             refused: Callable[[Path], None] | None = None, suffixes: tuple[str, ...] = (".md",)) -> Iterator[Path]:
    """Every Markdown file (or file ending in one of `suffixes`) below `content_dir`, in a
    stable order (sorted, as a list of the paths would be), a folder at a time, not looking in
    folders named in `skip` (a generator's own: Eleventy's node_modules, _includes, _site) nor,
    where some are named, in hidden ones.

    A symbolic link is followed only where it leads to a place inside `content_dir`, and each
    real folder is walked once: a link to `/` or to a folder beside the site is not the site's
    content (`refused` hears of each), and a link back up the tree would never end. A post
    reached twice (by its name and by a link) is one post, found where the walk meets it first.
    The walk keeps its own stack, so a tree of any depth is walked."""
    try:
        root = content_dir.resolve(strict=True)
    except (OSError, RuntimeError):
        return
    seen = {root}
    stack = [(iter(_listing(content_dir)), root)]
    while stack:
        entry = next(stack[-1][0], None)
        if entry is None:
            stack.pop()
            continue
        folder = entry.is_dir()
        if not (folder and not _skipped(entry.name, skip) or not folder and entry.name.endswith(suffixes)):
            continue
        real = _real_path(entry, stack[-1][1])
        if real is None or not real.is_relative_to(root):
            if refused is not None and entry.is_symlink():
                refused(Path(entry.path))
        elif folder and real not in seen:
            seen.add(real)
            stack.append((iter(_listing(Path(entry.path))), real))
        elif not folder and entry.is_file() and real not in seen:
            seen.add(real)  # a post reached by a link and by its own name is one post, read once
            yield Path(entry.path)


def _skipped(name: str, skip: tuple[str, ...]) -> bool:
    return bool(skip) and (name in skip or name.startswith("."))


def _listing(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []


def _real_path(entry: os.DirEntry[str], parent: Path) -> Path | None:
    """Where the entry really is (`parent` is its folder's real path); None for a broken link."""
    if not entry.is_symlink():
        return parent / entry.name
    try:
        return Path(entry.path).resolve(strict=True)
    except (OSError, RuntimeError):
        return None


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
        # Read in pieces: the emoji face alone is larger than the rest of a build's own memory.
        with path.open("rb") as font:
            h.update(path.name.encode() + hashlib.file_digest(font, "sha256").digest())
    h.update(options.config.card_settings.encode())
    if options.config.logo is not None:
        h.update(options.config.logo.read_bytes())
    publishing = options.read.publishing
    h.update(json.dumps([options.layout, [p.name for p in platforms], options.max_pixels, options.strict,
                         [list(map(str, b)) for b in options.fetch.image_bases], options.allow_missing_glyphs,
                         [publishing.drafts, publishing.future, publishing.expired], list(options.read.languages),
                         options.format, options.shortening_allowed,
                         options.read.default_lang, options.config.site_name,
                         # set by a site's theme as well as by quotecards.toml: a new palette draws the cards again
                         sorted(options.config.colors.items())]).encode())
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


def _init_worker(options: RenderOptions, png_filters: png.RowFilter) -> None:
    from ..context import RunContext

    heap.small_image_blocks()  # a worker draws card after card: see heap.py
    _worker_context.append(RunContext.open(options, png_filters=png_filters))


def _render_one(path: str, slug: str) -> workers.Result:
    from ..cards import SomeCardsFailed, error_record, render_post

    try:
        ctx = _worker_context[0]
        post = read_post(Path(path), ctx.reading)
        records = render_post(post, ctx, slug, numbered_from=post.slug if slug != post.slug else None)
        return path, [r.to_json() for r in records], None
    except SomeCardsFailed as partly:  # the cards that were made are kept; the post is tried again next build
        return path, [r.to_json() for r in partly.records], error_record(Path(path), partly).error
    except Exception as exc:  # one post's failure is that post's, never the batch's  # noqa: BLE001
        return path, None, error_record(Path(path), exc).error
    finally:
        heap.give_back()  # the next post starts from the same footprint: see heap.py


def _warm_parent(options: RenderOptions) -> None:
    """Load, once, what every worker would otherwise load for itself on its first card.

    Where workers are forked, each starts as a copy of this process: numpy and zlib-ng (the PNG
    writer), ICU's break rules and the font stacks of the site's layouts (a walk through the
    system's font folders) are then in every worker already, instead of every worker loading
    them at the same moment on the same cores (benchmarks/RESULTS.md has what that cost).
    """
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return  # a spawned worker starts empty: loading here would only cost time
    from PIL import Image

    from ..context import Layouts
    from ..draw.layout import LayoutError, TextLayer
    from ..encode import png
    from ..text import fonts, typeset

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
    """Render the cards of every post below `content_dir` that needs them (new or changed since the
    last build there, or whose cards are gone), in worker processes, and write the manifest.

    manifest.json and the state go to `state_dir` (default: the output folder); a Hugo site
    keeps them out of static/, which Hugo would publish. One build at a time writes there: a
    second one waits, telling `on_wait` who holds the folder.
    """
    state_dir = state_dir or options.render.out_dir
    # Language folders (content/ja/…) and sections are counted from the content folder.
    # A build makes public cards: a page that gets none is read no further than to say why.
    read = replace(options.render.read, public_only=True, content_dir=options.render.read.content_dir or content_dir)
    options = replace(options, render=replace(options.render, read=read))
    files.prepare_output(options.render.out_dir)
    files.prepare_output(state_dir)
    with run_lock(state_dir, on_wait, BuildFiles.of(options.shard).lock):
        try:
            return _build(content_dir, options, progress, state_dir)
        except sqlite3.OperationalError as exc:  # a full disk, or a folder gone read-only mid-run
            state = state_dir / BuildFiles.of(options.shard).state
            raise OutputError(state, "build state", f"cannot write it ({exc}); the next build takes up "
                                                    "from its last checkpoint") from None


def _build(content_dir: Path, options: BuildOptions, progress: Callable[[int, int], None] | None,
           state_dir: Path) -> Summary:
    started = time.monotonic()
    settings = settings_hash(options.render, expand(options.render.platforms))
    files = BuildFiles.of(options.shard)
    with closing(BuildState(state_dir / files.state)) as state:
        if options.shard != (1, 1) and not len(state):
            _share_of_whole(state, state_dir, content_dir, options.shard)
        parts = _absorb_parts(state_dir, state, settings) if options.shard == (1, 1) else []
        previous_errors = state.errors
        scan = _Scan.start(options, settings, state)
        scan.walk(content_dir)
        if scan.queued:
            _render_todo(scan, progress, state_dir)
        if scan.store is not None and (scan.queued or scan.summary.restored):
            scan.store.trim()
        summary = scan.finish()
        # A shard writes its part; the gallery is the whole build's (merge.py).
        on_disk = [files.state, files.manifest, *(["index.html"] if files == BuildFiles() and options.state_page
                                                  else [])]
        written = state.outputs_written and all((state_dir / name).is_file() for name in on_disk)
        if scan.dirty or scan.errors != previous_errors or not written or parts:
            _write_outputs(state_dir, state, scan.errors, options.shard, scan.out, options.state_page)
            for part in parts:  # folded into the whole build's state and manifest, just written
                for name in (part.state, part.manifest):
                    (state_dir / name).unlink(missing_ok=True)
        summary.cards = SavedCards(state.path, state.card_count())
    summary.seconds = time.monotonic() - started
    return summary


@dataclass(frozen=True)
class SavedCards:
    """A build's card records as its state file holds them, read a post at a time when iterated."""

    path: Path
    count: int

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[CardRecord]:
        saved = BuildState.reading(self.path)
        if saved is None:
            return
        with closing(saved):
            yield from (CardRecord.from_json(card) for card in saved.cards())

    def __contains__(self, card: object) -> bool:
        return any(card == mine for mine in self)


@dataclass
class _Scan:
    """A build's walk through the archive: for each post, whether its cards are reused, taken
    from the store or drawn, and what the state will say of it."""

    options: BuildOptions
    unchanged: bool  # same settings as the state's, and no --force: earlier cards stand
    state: BuildState  # post → stat, hash, slug, cards; a queued post's entry holds what it becomes
    now: dt.datetime
    store: CardStore | None
    summary: Summary = field(default_factory=Summary)
    queued: int = 0  # posts to draw
    errors: dict[str, str] = field(default_factory=dict)
    # Whether the state, manifest and gallery need writing: a run that found nothing to do must
    # not spend longer rewriting them (the indented manifest of 1,000 cards) than looking.
    dirty: bool = False

    @classmethod
    def start(cls, options: BuildOptions, settings: str, state: BuildState) -> _Scan:
        # Changed settings or --force: every card is rendered again, but slugs are kept stable.
        unchanged = state.settings == settings and not options.force
        state.drop_pending()  # what a killed run had queued: such posts have no stat, and are drawn again
        state.settings = settings
        publishing = options.render.reading.publishing
        return cls(options, unchanged, state, publishing.now or dt.datetime.now(dt.UTC),
                   CardStore(options.store) if options.store is not None else None, dirty=not unchanged)

    @property
    def out(self) -> Path:
        return self.options.render.out_dir

    def walk(self, content_dir: Path) -> None:
        """Visit the posts of this run's shard; with --prune, delete the cards of posts that are gone."""
        pages = self.options.pages
        found = pages if pages is not None else discover(content_dir, self.options.skip, self._linked_from_outside,
                                                         self.options.suffixes)
        for path in found:
            try:
                check_file_name(path)  # before its name reaches the state, which could not hold it
            except PostError as exc:
                self.errors[exc.path] = str(exc)
                continue
            if self.options.prune:
                self.state.see(str(path))  # other shards' posts are not gone: every post the folder has
            if in_shard(path, content_dir, self.options.shard):
                self.summary.posts += 1
                self.visit(path)
        if self.options.prune:
            for key in self.state.unseen():
                gone = self.state.pop(key)
                self.summary.pruned += _delete_cards(self.out, gone.cards if gone else [])
                self.dirty = True

    def _linked_from_outside(self, _link: Path) -> None:
        self.summary.skipped["links out of the content folder"] += 1

    def visit(self, path: Path) -> None:
        key = str(path)
        try:
            stat = path.stat()
        except OSError as exc:  # deleted (or made unreadable) since the folder was listed
            self.errors[key] = str(PostError(path, "file", f"cannot read it ({exc.strerror or exc})"))
            return
        # A page whose parents' cascade changed is read again, its own file unchanged.
        size_and_time = (stat.st_size, stat.st_mtime_ns ^ self.options.render.read.inherited.stamp(path))
        entry = self.state.get(key)
        unchanged = self.unchanged and entry is not None and entry.stat == size_and_time
        if unchanged and entry and entry.skip:
            self.summary.skipped[entry.skip] += 1  # a draft, still one: not even read
            return
        if (unchanged and entry and entry.cards and _cards_exist(self.out, entry.cards)
                and not _expired(entry.expires, self.now)):
            self.summary.reused += len(entry.cards)  # the fast path: not even read
            return
        try:
            post = read_post(path, self.options.render.reading)
        except PostError as exc:
            self.errors[key] = str(exc)
            return
        if not self._public(key, post, size_and_time):
            return
        slug = self.state.free_slug(post.slug, key)
        digest = post_hash(post, slug)
        self.dirty = True
        if (entry and entry.hash == digest and self.unchanged and entry.cards
                and _cards_exist(self.out, entry.cards)):
            entry.stat = size_and_time
            self.state.put(key, entry)
            self.summary.reused += len(entry.cards)
            return
        made = Entry(slug, size_and_time, digest, post.expires)
        if not self._restored(key, post, made):
            self._queue(key, made, entry)

    def _public(self, key: str, post: Post, stat: tuple[int, int]) -> bool:
        """Whether the post gets a card; one that no longer does loses its cards' entry (and,
        pruning, its cards), and is remembered as skipped until its file changes."""
        skip = _skip_reason(post, self.options.render.config.cards)
        if not skip:
            return True
        self.summary.skipped[skip] += 1
        gone = self.state.pop(key)
        if gone is not None and self.options.prune:  # no longer public: nor is its card
            self.summary.pruned += _delete_cards(self.out, gone.cards)
        if skip != "future":  # a future post becomes public with time, its file unchanged: read it again
            self.state.put(key, Entry(stat=stat, skip=skip))
        self.dirty = gone is not None or self.dirty
        return False

    def _restored(self, key: str, post: Post, made: Entry) -> bool:
        """Whether the post's cards came from the store, drawn by an earlier build here or in a CI cache's."""
        if self.store is None:
            return False
        made.pending = {"store_key": post_key(self.state.settings or "", post, made.slug or "",
                                              self.options.render.fetch)}
        stored = None if self.options.force else self.store.restore(made.pending["store_key"], self.out, key)
        if stored is None:
            return False
        _take_cards(self.out, self.state, key, replace(made, pending=None), stored)
        self.summary.reused += len(stored)
        self.summary.restored += len(stored)
        return True

    def _queue(self, key: str, made: Entry, entry: Entry | None) -> None:
        # Until its new cards arrive, the post keeps its old ones in the manifest (and their slug,
        # which no other post may take meanwhile); with no stat and no hash, a run killed before
        # then renders it again next time.
        old = entry or Entry()
        self.state.put(key, Entry(made.slug, cards=old.cards, held=old.slug if old.slug != made.slug else None,
                                  pending={**(made.pending or {}), **made.to_json()}))
        self.queued += 1

    def drawn(self, key: str, records: list[dict[str, Any]]) -> None:
        """A queued post's cards have arrived: its entry is complete, and the cards kept in the store."""
        entry = self.state.get(key)
        pending = entry.pending if entry and entry.pending else {}
        _take_cards(self.out, self.state, key, Entry.from_json(pending), records)
        if self.store is not None and "store_key" in pending:
            self.store.put(pending["store_key"], records, self.out)

    def failed(self, key: str, error: str, records: list[dict[str, Any]] | None) -> None:
        self.errors[key] = error
        entry = self.state.pop(key)
        if records:  # some cards made: recorded, but without the fingerprint that would skip the post
            self.state.put(key, Entry(entry.slug if entry else None, cards=records, partial=True))

    def finish(self) -> Summary:
        """The summary, once the cards are made: failed posts leave the state unless some of their cards were made."""
        for key in self.errors:
            entry = self.state.get(key)
            if entry is not None and not entry.partial:
                self.state.pop(key)
        self.summary.failed = [ErrorRecord(k, v) for k, v in sorted(self.errors.items())]
        return self.summary


def _render_todo(scan: _Scan, progress: Callable[[int, int], None] | None, state_dir: Path) -> None:
    """Render the queued posts in worker processes, checkpointing every few seconds."""
    summary, total, done = scan.summary, scan.queued, [0]
    last_checkpoint = [time.monotonic()]

    def on_result(result: workers.Result) -> None:
        key, records, error = result
        done[0] += 1
        if error is not None or records is None:
            scan.failed(key, error or f"{key}: no cards", records)
        else:
            scan.drawn(key, records)
            for record in records:
                summary.warnings.update(set(record.get("warning_kinds", ())))
        summary.made += len(records or ())

    def on_tick() -> None:
        if progress:
            progress(done[0], total)
        if time.monotonic() - last_checkpoint[0] > CHECKPOINT_SECONDS:
            _checkpoint(state_dir, scan.state, scan.errors, scan.options.shard)
            last_checkpoint[0] = time.monotonic()

    def jobs() -> Iterator[workers.Job]:
        for key in scan.state.pending():
            entry = scan.state.get(key)
            yield key, (entry.slug if entry else None) or ""

    from ..cards import run_canvases
    from ..encode import png
    from . import workers

    png_filters = png.row_filters_for(run_canvases(total, scan.options.render))
    if png_filters == "numpy":  # loaded once, before the workers fork; a single canvas needs no numpy
        _warm_parent(scan.options.render)
    pool = workers.Pool(scan.options.jobs or os.cpu_count() or 1, _init_worker, (scan.options.render, png_filters),
                        _render_one)
    try:
        workers.run_jobs(jobs(), pool, on_result, on_tick)
    except KeyboardInterrupt:
        _checkpoint(state_dir, scan.state, scan.errors, scan.options.shard)
        raise


def _take_cards(out: Path, state: BuildState, key: str, made: Entry, cards: list[dict[str, Any]]) -> None:
    """The post's entry gets its new cards; a card it had under another name (another format,
    slug or platform set) leaves no stale file."""
    paths = {card["path"] for card in cards}
    old = state.get(key)
    _delete_cards(out, [c for c in (old.cards if old else []) if c.get("path") not in paths])
    state.put(key, replace(made, slug=made.slug or (old.slug if old else None), cards=cards, held=None, pending=None))


def _skip_reason(post: Post, cards: str) -> str | None:
    """Why a readable post gets no card in a site build: not public, or no quote when only quotes are wanted."""
    if post.unpublished:
        return post.unpublished
    if post.kind == "headline" and cards == "quotes":
        return "no quote"
    return None


def _expired(expires: str | None, now: dt.datetime) -> bool:
    return isinstance(expires, str) and dt.datetime.fromisoformat(expires) <= now


def _cards_exist(out: Path, cards: list[dict[str, Any]]) -> bool:
    paths = [card_path(c) for c in cards]
    return all(path is not None and (out / path).is_file() for path in paths)


def _delete_cards(out: Path, cards: list[dict[str, Any]]) -> int:
    """Delete the cards' files; a record whose path is not a card's (a tampered state) deletes nothing."""
    removed = 0
    for path in filter(None, map(card_path, cards)):
        try:
            (out / path).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _failed(errors: dict[str, str]) -> list[dict[str, Any]]:
    return [{"post": k, "error": v} for k, v in sorted(errors.items())]


def _checkpoint(folder: Path, state: BuildState, errors: dict[str, str], shard: tuple[int, int]) -> None:
    """Mid-run: the state committed, then the manifest (or a shard's part) written from it. The
    gallery waits for the end; until then the state says the outputs are behind."""
    state.errors = errors  # so that the next run can tell whether they changed
    state.outputs_written = False
    state.commit()
    files = BuildFiles.of(shard)
    about = {"settings": state.settings, "shard": list(shard)} if files != BuildFiles() else None
    manifest.write(folder, state.cards(), _failed(errors), files.manifest, about)


def _write_outputs(folder: Path, state: BuildState, errors: dict[str, str], shard: tuple[int, int],
                   images: Path, state_page: bool = True) -> None:
    """At the end: state, manifest and (for a whole build) the gallery, then the state says so."""
    _checkpoint(folder, state, errors, shard)
    if BuildFiles.of(shard) == BuildFiles() and state_page:
        write_state_page(folder, state, _failed(errors), images)
    elif BuildFiles.of(shard) == BuildFiles():
        (folder / "index.html").unlink(missing_ok=True)
    state.outputs_written = True
    state.commit()


def _share_of_whole(state: BuildState, folder: Path, content_dir: Path, shard: tuple[int, int]) -> None:
    """A shard's first state where a whole build ran before: that build's entries of its share."""
    whole = BuildState.reading(folder / STATE_FILE)
    if whole is None:
        return
    with closing(whole):
        if state.take(whole, lambda key: Path(key).is_relative_to(content_dir) and in_shard(Path(key), content_dir,
                                                                                                shard)):
            state.settings = whole.settings


def _absorb_parts(folder: Path, state: BuildState, settings: str) -> list[BuildFiles]:
    """Fold the parts that shards of this build left in `folder` into the whole build's state:
    their posts are then reused, not drawn again. Parts made with other settings are left."""
    parts = []
    for path in sorted(folder.glob(".quotecards-state.shard-*-of-*.sqlite")):
        found = PART.search(path.name)
        part = BuildState.reading(path)
        if found is None or part is None:
            continue
        with closing(part):
            if part.settings != settings:
                continue
            if not len(state):  # only shards have run here: the whole build starts from their settings
                state.settings = settings
            state.take(part)
        parts.append(BuildFiles.of((int(found.group(1)), int(found.group(2)))))
    # Two shards cannot see each other's slugs: where two posts wrote one card path, the later
    # file won. Both are drawn again, numbered as an unsharded build numbers them.
    if parts:
        for key in state.shared_paths():
            state.pop(key)
    return parts

