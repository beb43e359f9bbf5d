"""The `quotecards` command. Thin: parse options, call the library, print, set the exit code."""

from __future__ import annotations

import functools
import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from . import __version__
from .draw.platforms import PLATFORMS
from .formats import FORMAT_CHOICES
from .options import MAX_PIXELS

if TYPE_CHECKING:
    from .build.batch import BuildOptions, Summary
    from .build.store import StoreOptions
    from .config import SiteConfig
    from .options import RenderOptions
    from .sites.card_data import SiteResult
    from .sources.publish import Publishing

__all__ = ["GC_THRESHOLD", "main", "run"]

# The library is imported inside each command, so `--version` and `--help` do not pay for
# requests, ICU and the font tables.

GC_THRESHOLD = 10_000  # allocations between the youngest generation's collections (Python's default: 700)


def _image_base(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    pairs = []
    for value in values:
        url, sep, folder = value.partition("=")
        if not sep or not url.startswith(("http://", "https://")) or not folder:
            raise click.BadParameter("expected URL=DIR, e.g. https://example.com/wp-content/uploads/=static/uploads/, "
                                     f"got {value!r}")
        pairs.append((url, Path(folder)))
    return tuple(pairs)


@dataclass(frozen=True)
class RunOptions:
    """The options about featured images that every rendering command takes, as one value."""

    cache_dir: Path | None
    no_cache: bool
    offline: bool
    image_bases: tuple[tuple[str, Path], ...]
    site_root: Path
    strict: bool
    max_pixels: int
    allow_missing_glyphs: bool
    card_format: str | None
    allow_shortening: bool

    def render_options(self, out_dir: Path, config: SiteConfig, public_only: bool = False,
                       publishing: Publishing | None = None, **more: Any) -> RenderOptions:
        from .options import RenderOptions
        from .sources.fetch import FetchOptions, default_cache_dir
        from .sources.post import ReadOptions

        fetch = FetchOptions(cache_dir=None if self.no_cache else (self.cache_dir or default_cache_dir()),
                             offline=self.offline, image_bases=self.image_bases, roots=(self.site_root,),
                             public_only=public_only)
        read = ReadOptions(publishing=publishing) if publishing else ReadOptions()
        return RenderOptions(out_dir=out_dir, config=config, fetch=fetch, strict=self.strict,
                             max_pixels=self.max_pixels, allow_missing_glyphs=self.allow_missing_glyphs, read=read,
                             format=self.card_format, allow_shortening=self.allow_shortening,
                             **more)


def publishing_options(command: Callable[..., None]) -> Callable[..., None]:
    """Which pages a site build treats as public, as Hugo's own flags do; the command receives `publishing`."""
    options = [
        click.option("--build-drafts", "drafts", is_flag=True, help="Cards for drafts too (like hugo --buildDrafts)."),
        click.option("--build-future", "future", is_flag=True,
                     help="Cards for pages whose publish date is still to come (like hugo --buildFuture)."),
        click.option("--build-expired", "expired", is_flag=True,
                     help="Cards for pages past their expiryDate (like hugo --buildExpired)."),
    ]

    @functools.wraps(command)
    def with_publishing(drafts: bool, future: bool, expired: bool, **kwargs: Any) -> None:
        from .sources.publish import Publishing

        command(publishing=Publishing(drafts=drafts, future=future, expired=expired), **kwargs)

    wrapped: Callable[..., None] = with_publishing
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


@dataclass(frozen=True)
class StoreChoice:
    """--store, --no-store and --store-max-bytes as given."""

    folder: Path | None
    off: bool
    max_bytes: int | None  # None: the store's default

    def options(self, run: RunOptions) -> StoreOptions | None:
        """The card store to use: --store, else beside the download cache (none with --no-cache)."""
        from .build.store import StoreOptions
        from .resources import cache_dir

        if self.off or (run.no_cache and self.folder is None):
            return None
        folder = self.folder or (run.cache_dir or cache_dir()) / "cards"
        return StoreOptions(folder) if self.max_bytes is None else StoreOptions(folder, self.max_bytes)


def platform_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--platform, as every rendering command takes it; the command receives `platforms`."""
    return click.option("--platform", "platforms", multiple=True, default=("og",), show_default=True,
                        type=click.Choice([*PLATFORMS, "all"]), help=help_text)


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


def store_options(command: Callable[..., None]) -> Callable[..., None]:
    """The card store's options (store.py), shared by the site builds; the command receives `store`."""
    options = [
        click.option("--store", "store_dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Where cards are kept by their content between builds: cache this folder in CI "
                          "[default: the cache folder's cards/]."),
        click.option("--no-store", is_flag=True, help="Neither take cards from the store nor keep them there."),
        click.option("--store-max-bytes", type=click.IntRange(min=0), default=None,
                     help="Past this size the least recently used cards leave the store [default: 2 GiB]."),
    ]

    @functools.wraps(command)
    def with_store(store_dir: Path | None, no_store: bool, store_max_bytes: int | None, **kwargs: Any) -> None:
        command(store=StoreChoice(store_dir, no_store, store_max_bytes), **kwargs)

    wrapped: Callable[..., None] = with_store
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options about featured images and what makes a card, shared by the commands that
    render; the command receives them as one `run: RunOptions`."""
    options = [
        click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Where downloaded images are kept between runs [default: $XDG_CACHE_HOME/quotecards]."),
        click.option("--no-cache", is_flag=True, help="Download every image afresh and keep nothing."),
        click.option("--offline", is_flag=True, help="Use only images already in the cache; no network."),
        click.option("--image-base", "image_bases", multiple=True, callback=_image_base, metavar="URL=DIR",
                     help="Read images under URL from the local folder DIR instead (repeatable)."),
        click.option("--site-root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
                     show_default=True, help="Local image paths must lie inside this folder (or the post's)."),
        click.option("--strict", is_flag=True, help="A featured image that cannot be had fails its post."),
        click.option("--max-pixels", type=click.IntRange(min=1), default=MAX_PIXELS, show_default=True,
                     help="Refuse images with more pixels than this (decompression bombs)."),
        click.option("--format", "card_format", type=click.Choice(FORMAT_CHOICES), default=None,
                     help="The cards' format [default: the site config's, else png]; auto: JPEG for photo cards, "
                          "PNG for text cards."),
        click.option("--allow-shortening", is_flag=True,
                     help="Cut a quote or attribution that fits no layout with an ellipsis (with a warning) "
                          "instead of failing its card."),
        click.option("--allow-missing-glyphs", is_flag=True,
                     help="Make a card even where no font has some of its characters (they show as boxes)."),
    ]

    @functools.wraps(command)
    def with_image(**kwargs: Any) -> None:
        run = RunOptions(**{name: kwargs.pop(name) for name in RunOptions.__dataclass_fields__})
        command(run=run, **kwargs)

    wrapped: Callable[..., None] = with_image
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


@contextmanager
def user_errors() -> Iterator[None]:
    """The one place a mistake in the user's input becomes `error: …` and exit status 2."""
    from .errors import QuotecardsError

    try:
        yield
    except QuotecardsError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc))


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group()
@click.version_option(__version__, prog_name="quotecards")
def main() -> None:
    """Turn blog and news posts into quote cards for social media."""


def run() -> None:
    """The `quotecards` command's own process (not `main` called in another program's, where the
    collector's settings are that program's).

    A run makes few reference cycles, but the collector's passes walk every object the imports
    made, and its last pass at exit walks them all again: fewer passes, and none over what is
    left when the command is done (benchmarks/RESULTS.md).
    """
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        main()
    finally:
        gc.freeze()


@main.command("render")
@click.argument("posts", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the cards: DIR/<platform>/<slug>.png and DIR/manifest.json.")
@platform_option("Platform preset (canvas, byte limit, safe area); repeatable; 'all' for every one.")
@click.option("--layout", default=None,
              help="Default layout name [default: the site config's, else photo]; a post's own "
                   "quotecard.layout and its section's layout still win.")
@click.option("--layout-dir", "layout_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Extra folder of layout files, searched before the bundled ones.")
@run_options
def render_command(posts: tuple[Path, ...], out_dir: Path, platforms: tuple[str, ...], layout: str,
                   layout_dirs: tuple[Path, ...], run: RunOptions) -> None:
    """Render cards for POSTS (Markdown files with front matter)."""
    from .cards import render_posts
    from .config import find_config

    with user_errors():
        options = run.render_options(out_dir, find_config(run.site_root, layout_dirs), platforms=platforms,
                                       layout=layout, layout_dirs=layout_dirs)
        result = render_posts(list(posts), options, on_wait=_say)
    for card in result.cards:
        line = f"{out_dir / card.path}  {card.bytes} bytes"
        if card.warnings:
            line += "  warnings: " + "; ".join(card.warnings)
        click.echo(line)
    for error in result.errors:
        click.echo(f"error: {error.error}", err=True)
    click.echo(f"{len(result.cards)} cards written, {len(result.errors)} posts failed; manifest: "
               f"{out_dir / 'manifest.json'}", err=True)
    sys.exit(1 if result.errors else 0)


@main.command("fields")
@click.argument("posts", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--site-root", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Where quotecards.toml (or pyproject.toml) is, with the site's [fields].")
def fields_command(posts: tuple[Path, ...], site_root: Path) -> None:
    """Show where each card field of POSTS comes from, and what kind of card each gets."""
    from .config import find_config
    from .errors import QuotecardsError
    from .options import RenderOptions
    from .sources.post import read_post

    with user_errors():
        reading = RenderOptions(out_dir=Path("."), config=find_config(site_root)).reading
    failed = False
    for path in posts:
        try:
            post = read_post(path, reading)
        except QuotecardsError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        state = f"; not public: {post.unpublished}" if post.unpublished else ""
        click.echo(f"{path}: a {post.kind} card; language {post.lang or '-'} "
                   f"(from {post.lang_source or 'nowhere'}){state}")
        values = {"aliases": post.slug, "lang": post.lang}
        for name, source in post.sources:
            value = values.get(name, getattr(post, name, ""))
            click.echo(f"  {name:12} {source:28} {repr(str(value)[:70]) if value else '(left out)'}")
        for note in post.notes:
            click.echo(f"  {note.kind.value}: {note.message}")
    sys.exit(1 if failed else 0)


@main.command("fonts")
@click.option("--site-root", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Where quotecards.toml (or pyproject.toml) is, for the site's own font_dirs.")
def fonts_command(site_root: Path) -> None:
    """List the font stacks: each face, where it came from, and the scripts it covers."""
    from .config import find_config
    from .text import fonts

    with user_errors():
        site = fonts.site_faces(find_config(site_root).font_dirs)
    for face in site:
        scripts = ", ".join(fonts.scripts_covered(face)) or "-"
        click.echo(f"{'site':5}  {face.label:24}  {scripts:56}  site: {face.path}")
    for entry in fonts.describe_stacks():
        if entry.face is None:
            click.echo(f"{entry.kind:5}  {entry.family:24}  MISSING  {entry.hint}")
            continue
        where = f"{entry.face.source}: {entry.face.path}" + (f" #{entry.face.index}" if entry.face.index else "")
        click.echo(f"{entry.kind:5}  {entry.family:24}  {', '.join(entry.scripts) or '-':56}  {where}")
    shaping = "raqm with fribidi" if fonts.has_complex_shaping() else \
        "BASIC (no raqm/fribidi: right-to-left and complex scripts are refused; apt install libfribidi0)"
    click.echo(f"text layout: {shaping}")


def _shard(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, int]:
    k, sep, n = value.partition("/")
    if not (sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(f"expected K/N with 1 <= K <= N, e.g. 2/4, got {value!r}")
    return int(k), int(n)


@main.command("build")
@click.argument("content_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the cards, manifest.json and the incremental state.")
@platform_option("Platform preset; repeatable; 'all' for every one.")
@click.option("--layout", default=None, help="Default layout [default: the site config's, else photo].")
@click.option("--layout-dir", "layout_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--jobs", type=click.IntRange(min=0), default=0, help="Worker processes [default: one per core].")
@click.option("--force", is_flag=True, help="Render every card again, changed or not.")
@click.option("--prune", is_flag=True, help="Delete the cards of posts that no longer exist.")
@click.option("--shard", default="1/1", callback=_shard, metavar="K/N", help="Render only a stable K-th of N shares.")
@run_options
@publishing_options
@store_options
def build_command(content_dir: Path, out_dir: Path, platforms: tuple[str, ...], layout: str | None,
                  layout_dirs: tuple[Path, ...], jobs: int, force: bool, prune: bool, shard: tuple[int, int],
                  run: RunOptions, publishing: Publishing, store: StoreChoice) -> None:
    """Render the cards of every post below CONTENT_DIR, in parallel, redoing only what changed."""
    from .build.batch import BuildOptions, build
    from .build.outputs import BuildFiles
    from .config import find_config

    with user_errors():
        render = run.render_options(out_dir, find_config(run.site_root, layout_dirs), publishing=publishing,
                                    platforms=platforms, layout=layout, layout_dirs=layout_dirs)
        summary = build(content_dir, BuildOptions(render=render, jobs=jobs, force=force, prune=prune, shard=shard,
                                                  store=store.options(run)),
                        terminal_progress())
    for error in summary.failed:
        click.echo(f"error: {error.error}", err=True)
    click.echo(f"{_counts(summary, 'posts failed')}" + (f", {summary.pruned} cards pruned" if prune else "")
               + f"; {summary.seconds:.1f} s")
    for kind, n in summary.warnings.most_common():
        click.echo(f"  {n} \u00d7 {kind}")
    click.echo(f"manifest: {out_dir / BuildFiles.of(shard).manifest}")
    sys.exit(1 if summary.failed else 0)


@main.command("merge")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("part_dirs", nargs=-1, type=click.Path(path_type=Path, file_okay=False, exists=True))
def merge_command(out_dir: Path, part_dirs: tuple[Path, ...]) -> None:
    """Make the parts that `build --shard K/N` wrote into OUT_DIR (and PART_DIRS) one build's output."""
    from .build.merge import merge

    with user_errors():
        out_dir.mkdir(parents=True, exist_ok=True)
        result = merge(out_dir, list(part_dirs), on_wait=_say)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    renamed = f"; {len(result.renamed)} posts' slugs numbered, as one build would" if result.renamed else ""
    click.echo(f"{result.parts} parts: {result.cards} cards in {out_dir / 'manifest.json'}, "
               f"{result.linked} brought in from the other folders{renamed}")
    sys.exit(1 if result.errors else 0)


def _counts(summary: Summary, failed: str) -> str:
    """A build's posts in one line: made, reused, failed and skipped."""
    reused = f"{summary.reused} reused" + (f" ({summary.restored} from the store)" if summary.restored else "")
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(summary.skipped.items())) or "none"
    return (f"{summary.posts} posts: {summary.made} cards made, {reused}, {len(summary.failed)} {failed}, "
            f"skipped: {skipped}")


@dataclass(frozen=True)
class SiteChoice:
    """What every site generator's command takes besides its site: the cards, the build, the run."""

    platforms: tuple[str, ...]
    layout: str | None
    jobs: int
    force: bool
    shard: tuple[int, int]
    run: RunOptions
    publishing: Publishing
    store: StoreChoice

    def build_options(self, site: Path, out_dir: Path) -> BuildOptions:
        from dataclasses import replace

        from .build.batch import BuildOptions
        from .config import find_config

        # Local images may lie anywhere in the site, or in the wider folder --site-root names.
        run = replace(self.run, site_root=site if self.run.site_root == Path(".") else self.run.site_root)
        render = run.render_options(out_dir, find_config(site), publishing=self.publishing, platforms=self.platforms,
                                    layout=self.layout)
        return BuildOptions(render=render, jobs=self.jobs, force=self.force, prune=True, shard=self.shard,
                            store=self.store.options(run))


def site_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options the site generators' commands share; the command receives them as `choice`."""
    options: list[Callable[[Callable[..., None]], Callable[..., None]]] = [
        platform_option("Platform presets; the first is the one pages point at."),
        click.option("--layout", default=None, help="Default layout [default: the site config's, else photo]."),
        click.option("--jobs", type=click.IntRange(min=0), default=0, help="Worker processes [default: one per core]."),
        click.option("--force", is_flag=True, help="Render every card again, changed or not."),
        click.option("--shard", default="1/1", callback=_shard, metavar="K/N",
                     help="Render only a stable K-th of N shares; the run without --shard points the pages."),
    ]

    @functools.wraps(command)
    def with_site(platforms: tuple[str, ...], layout: str | None, jobs: int, force: bool, shard: tuple[int, int],
                  run: RunOptions, publishing: Publishing, store: StoreChoice, **kwargs: Any) -> None:
        command(choice=SiteChoice(platforms, layout, jobs, force, shard, run, publishing, store), **kwargs)

    wrapped: Callable[..., None] = with_site
    for option in reversed(options):
        wrapped = option(wrapped)
    return run_options(publishing_options(store_options(wrapped)))


def _report_site(result: SiteResult, front_matter: bool) -> None:
    """The generator's summary, its errors on stderr; exits 1 when a post failed or a file was not edited."""
    summary = result.summary
    for line in [e.error for e in summary.failed] + result.problems:
        click.echo(f"error: {line}", err=True)
    click.echo(f"{_counts(summary, 'failed')}; {result.pages} pages point at a card via {result.data_file}")
    for kind, n in summary.warnings.most_common():  # as `build` says them; each card's are in the manifest
        click.echo(f"  {n} \u00d7 {kind}")
    if front_matter:
        edits = ", ".join(f"{n} {k}" for k, n in sorted(result.edits.items()))
        click.echo("front matter: " + (edits or "nothing to do"))
    click.echo(result.head)
    sys.exit(1 if summary.failed or result.problems else 0)


@main.command("hugo")
@click.argument("site", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--front-matter", is_flag=True,
              help="Also add an images: entry to each post (only that line), for Hugo's own opengraph templates.")
@site_options
def hugo_command(site: Path, front_matter: bool, choice: SiteChoice) -> None:
    """Cards for a Hugo SITE: written to static/, and every page pointed at its card."""
    from .sites.hugo import hugo_build

    with user_errors():
        result = hugo_build(site, choice.build_options(site, site / "static"), front_matter=front_matter,
                            progress=terminal_progress())
    _report_site(result, front_matter)


@main.command("jekyll")
@click.argument("site", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--front-matter", is_flag=True,
              help="Also add an image: line to each post (only that line), which jekyll-seo-tag reads.")
@site_options
def jekyll_command(site: Path, front_matter: bool, choice: SiteChoice) -> None:
    """Cards for a Jekyll SITE's posts and pages: written to assets/quotecards/, and every page pointed at its card."""
    from .sites.jekyll import jekyll_build

    with user_errors():
        result = jekyll_build(site, choice.build_options(site, site / "assets"), front_matter=front_matter,
                              progress=terminal_progress())
    _report_site(result, front_matter)


@main.command("eleventy")
@click.argument("site", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--output", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Eleventy's output folder [default: its config's dir.output, else SITE/_site].")
@click.option("--base-url", default="", help="The site's URL, e.g. https://example.org/: og:image wants absolute URLs.")
@site_options
def eleventy_command(site: Path, output: Path | None, base_url: str, choice: SiteChoice) -> None:
    """Cards for an Eleventy SITE's pages: written to the output's assets/quotecards/, with a data file and include."""
    from .sites.eleventy import eleventy_build

    with user_errors():
        result = eleventy_build(site, choice.build_options(site, site / "_site"), output=output, base_url=base_url,
                                progress=terminal_progress())
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not base_url:
        click.echo("warning: no --base-url: the cards' URLs start at / and og:image wants an absolute URL; "
                   "pass --base-url with the site's own address", err=True)
    _report_site(result, False)


@main.command("check")
@click.argument("site_output", nargs=-1, required=True, metavar="SITE_OUTPUT...")
@click.option("--base-url", default=None, metavar="URL",
              help="The site's public address, e.g. https://example.org/docs/: og:image URLs under it are looked up "
                   "in the output [default: each page's og:url, else its canonical link].")
@click.option("--platform", default="og", show_default=True, type=click.Choice(list(PLATFORMS)),
              help="The preset whose canvas size (and byte limit) og:image should have.")
def check_command(site_output: tuple[str, ...], base_url: str | None, platform: str) -> None:
    """Check the share card of every page of a built site: SITE_OUTPUT is its output folder, or URLs of
    pages served on this machine. One line per problem, a summary; exit status 1 if any."""
    from .sites.check import check_site

    with user_errors():
        report = check_site(site_output, base_url=base_url, platform=platform)
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


SITE_CONFIG = "quotecards.site_config"  # the service's config, as its --site-root callback read it


def _address(host: str) -> str:
    """An empty address would make uvicorn listen on every one: said, not taken."""
    if not host.strip():
        raise click.BadParameter("empty; give the address to listen on (0.0.0.0 for every one)")
    return host


def _service_settings(ctx: click.Context, site_root: Path) -> Path:
    """The site's config, read before the other flags: its [service] table is their defaults."""
    from .config import find_config

    with user_errors():
        ctx.meta[SITE_CONFIG] = config = find_config(site_root)
    flag_names = {"posts": "posts_dir", "format": "card_format"}
    ctx.default_map = {**(ctx.default_map or {}), **{flag_names.get(k, k): v for k, v in config.service.items()}}
    return site_root


@main.command("service")
@click.option("--posts", "posts_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="The site's posts, for cards by page: /og/<slug>.png.")
@click.option("--wordpress", default=None, metavar="URL",
              help="A WordPress site whose REST API gives the posts, for cards by page: /og/<slug>.png.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8080, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, callback=lambda _ctx, _param, value: _address(value),
              help="The address to listen on (0.0.0.0: every one).")
@click.option("--workers", type=click.IntRange(min=0), default=0,
              help="Processes drawing cards, each on a core of its own [default: one per core].")
@click.option("--store", "store", default=None, metavar="DIR|URL",
              help="Where drawn cards are kept: a folder, or object storage through fsspec (s3://bucket/cards), "
                   "which several instances share [default: the cache folder's service/].")
@click.option("--site-root", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("."),
              is_eager=True, callback=lambda ctx, _param, value: _service_settings(ctx, value),
              help="The folder whose quotecards.toml sets the brand, colours and layouts, and, in its [service] "
                   "table, the flags not given here.")
@click.option("--max-pending", type=click.IntRange(min=1), default=64, show_default=True,
              help="Cards being drawn or waiting to be; more is answered 503 with Retry-After.")
@click.option("--timeout", type=click.FloatRange(min=1, max=3600), default=30.0, show_default=True,
              help="Seconds a request waits for its card; then 503 with Retry-After (the card is still kept).")
@click.option("--format", "card_format", type=click.Choice(["png", "jpeg", "webp", "avif"]), default="png",
              show_default=True, help="A signed card's format where its URL names none.")
@click.option("--allow-private-images", is_flag=True,
              help="Fetch photos from this machine's and the local network's addresses too (never on a public host).")
@click.option("--fill", multiple=True, metavar="PLATFORM",
              help="Draw every post's card for PLATFORM into the store, then exit, as a build or CI job fills the "
                   "store ahead of traffic; repeatable.")
def service_command(posts_dir: Path | None, wordpress: str | None, port: int, host: str, workers: int,
                    store: str | None, site_root: Path, max_pending: int, timeout: float, card_format: str,
                    allow_private_images: bool, fill: tuple[str, ...]) -> None:
    """Serve cards on demand over HTTP, for dynamic sites: signed card URLs (QUOTECARDS_SECRET) and
    cards by page from a posts folder."""
    import os

    from .resources import cache_dir
    from .service.app import ServiceConfig, create_app, serve
    from .service.signing import SECRET_ENV, SECRET_FILE_ENV, load_secret

    where = store if store and "://" in store else str(Path(store or cache_dir() / "service").resolve())
    if fill:
        _fill(posts_dir, where, site_root, card_format, allow_private_images, fill)
        return
    secret = None
    with user_errors():
        if os.environ.get(SECRET_ENV) or os.environ.get(SECRET_FILE_ENV):
            secret = load_secret()
        elif posts_dir is None and not wordpress:
            _fail(f"nothing to serve: set {SECRET_ENV} for signed cards, or give --posts or --wordpress for cards "
                  "by page")
        if wordpress and not wordpress.startswith(("https://", "http://")):
            _fail(f"--wordpress: expected the site's address, https://…, got {wordpress[:60]!r}")
        config = ServiceConfig(store=where, posts=posts_dir.resolve() if posts_dir else None, wordpress=wordpress,
                               secret=secret, site=click.get_current_context().meta[SITE_CONFIG],
                               site_root=site_root.resolve(),
                               max_pending=max_pending, workers=workers, timeout=timeout,
                               default_format=card_format, allow_private_images=allow_private_images,
                               cache_dir=cache_dir())
        app = create_app(config)
    serve(app, host, port)


def _fill(posts_dir: Path | None, store: str, site_root: Path, card_format: str, allow_private_images: bool,
          platforms: tuple[str, ...]) -> None:
    from .resources import cache_dir
    from .service.app import ServiceConfig, fill_store
    from .service.card_requests import ParamError

    if posts_dir is None:
        _fail("--fill: give --posts, the folder whose posts' cards go into the store")
    config = ServiceConfig(store=store, posts=posts_dir, site=click.get_current_context().meta[SITE_CONFIG],
                           site_root=site_root,
                           default_format=card_format, allow_private_images=allow_private_images,
                           cache_dir=cache_dir())
    failures: list[str] = []
    with user_errors():
        try:
            drawn = fill_store(config, platforms, terminal_progress(),
                               lambda slug, why: failures.append(f"{slug}: {why}"))
        except ParamError as exc:
            _fail(f"--fill: {exc.message}")
    for failure in failures:
        click.echo(f"error: {failure}", err=True)
    click.echo(f"{drawn} cards drawn into {store}" + (f", {len(failures)} failed" if failures else ""))
    sys.exit(1 if failures else 0)


@main.command("sign")
@click.argument("params", nargs=-1, required=True, metavar="KEY=VALUE...")
def sign_command(params: tuple[str, ...]) -> None:
    """Print the signed path of a card (QUOTECARDS_SECRET signs it): append it to the service's address."""
    from .service.card_requests import CARD_PARAMS, ParamError, by_params
    from .service.signing import SIGNATURE, load_secret, signed_path

    pairs: dict[str, str] = {}
    for param in params:
        name, equals, value = param.partition("=")
        if not equals or name not in CARD_PARAMS or name == SIGNATURE or name in pairs:
            _fail(f"{param[:40]!r}: expected KEY=VALUE once each, KEY one of " + ", ".join(k for k in CARD_PARAMS
                                                                                            if k != SIGNATURE))
        pairs[name] = value
    try:  # the URL the service would refuse is not signed
        by_params(pairs, "png")
    except ParamError as exc:
        _fail(f"{exc.parameter}: {exc.message}")
    with user_errors():
        secret = load_secret()
    click.echo(signed_path(secret, "/card", pairs))


@main.command("serve")
@click.argument("content_dir", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True),
                default=Path("."))
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default lets only this machine in.")
@click.option("--layout-dir", "layout_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--allow-private-images", is_flag=True,
              help="Also fetch images from loopback, private and link-local addresses (an intranet image "
                   "server); by default the preview fetches only public addresses.")
@run_options
def serve_command(content_dir: Path, port: int, host: str, layout_dirs: tuple[Path, ...], allow_private_images: bool,
                  run: RunOptions) -> None:
    """A live preview in the browser for the posts in CONTENT_DIR (default: here)."""

    from .config import find_config
    from .preview import Preview, address_of, make_server

    with user_errors():
        options = run.render_options(content_dir, find_config(run.site_root, layout_dirs),
                                       public_only=not allow_private_images, layout_dirs=layout_dirs)
        server = make_server(Preview(content_dir.resolve(), options), host, port)
    where = "only this machine can connect" if host in ("127.0.0.1", "localhost", "::1") else \
        f"listening on {host}: other machines on the network can connect"
    click.echo(f"quotecards preview on {address_of(host, server.server_address[1])}  ({where}; Ctrl-C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command("platforms")
def platforms_command() -> None:
    """List the platform presets: canvas size, byte limit and safe area."""
    for p in PLATFORMS.values():
        top, right, bottom, left = p.safe
        safe = ("whole canvas" if not any(p.safe)
                else f"keep clear: top {top}, right {right}, bottom {bottom}, left {left} px")
        click.echo(f"{p.name:19} {p.width:>4}\u00d7{p.height:<5} {_size(p.max_bytes):>8}  {p.description}; {safe}")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n % (1024 * 1024) == 0 else f"{n:,} B"


@main.command("layouts")
@click.option("--layout-dir", "layout_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Extra folder of layout files, searched before the bundled ones.")
@click.option("--site-root", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Where quotecards.toml (or pyproject.toml) is, for the site's own layout folders.")
def layouts_command(layout_dirs: tuple[Path, ...], site_root: Path) -> None:
    """List the layouts that can be used, and where each comes from."""
    from .config import find_config
    from .draw.layout import available, load_layout
    from .text import fonts

    with user_errors():
        config = find_config(site_root, layout_dirs)
        for name, path in sorted(available((*layout_dirs, *config.layout_dirs)).items()):
            layout = load_layout(path, config.colors, fonts.site_faces(config.font_dirs))
            click.echo(f"{name:8} {path}  {layout.description}")
