"""The `quotecards` command. Thin: parse options, call the library, print, set the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cards import RenderOptions, render_posts
from .layout import LayoutError
from .platforms import PLATFORMS


@click.group()
@click.version_option(__version__, prog_name="quotecards")
def main() -> None:
    """Turn blog and news posts into quote cards for social media."""


@main.command("render")
@click.argument("posts", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the cards: DIR/<platform>/<slug>.png and DIR/manifest.json.")
@click.option("--platform", "platforms", multiple=True, default=("og",), show_default=True,
              type=click.Choice(sorted(PLATFORMS)), help="Platform preset (canvas size and byte limit).")
@click.option("--layout", default="photo", show_default=True, help="Layout name (a file in layouts/).")
@click.option("--layout-dir", "layout_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Extra folder of layout files, searched before the bundled ones.")
def render_command(posts: tuple[Path, ...], out_dir: Path, platforms: tuple[str, ...], layout: str,
                   layout_dirs: tuple[Path, ...]) -> None:
    """Render cards for POSTS (Markdown files with front matter)."""
    options = RenderOptions(out_dir=out_dir, platforms=platforms, layout=layout, layout_dirs=layout_dirs)
    try:
        result = render_posts(list(posts), options)
    except (LayoutError, KeyError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
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


@main.command("fonts")
def fonts_command() -> None:
    """List the font stacks: each face, where it came from, and the scripts it covers."""
    from . import fonts

    for entry in fonts.describe_stacks():
        if entry.face is None:
            click.echo(f"{entry.kind:5}  {entry.family:24}  MISSING  {entry.hint}")
            continue
        where = f"{entry.face.source}: {entry.face.path}" + (f" #{entry.face.index}" if entry.face.index else "")
        click.echo(f"{entry.kind:5}  {entry.family:24}  {', '.join(entry.scripts) or '-':56}  {where}")
    shaping = "raqm with fribidi" if fonts.has_complex_shaping() else \
        "BASIC (no raqm/fribidi: right-to-left and complex scripts are refused; apt install libfribidi0)"
    click.echo(f"text layout: {shaping}")
