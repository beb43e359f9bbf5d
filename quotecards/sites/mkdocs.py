"""MkDocs: `plugins: [quotecards]` in mkdocs.yml makes a card for every page on `mkdocs build`.

Each page's card is made through the same library as `quotecards build` (its front matter read
the same way; a page with neither quote nor title in its front matter is a headline card with
the title MkDocs gave it), kept in the same card store, so a rebuild, or a CI job with its store
restored, links the cards instead of drawing them. Cards go to SITE/assets/quotecards/; the
page's <head> gets one og:image and one twitter:card (mkdocs_head.py), in place of any the theme
wrote. Only the pages MkDocs renders get one: what `exclude_docs`, `draft_docs` or Material's
blog drafts leave out is never handed to a plugin. A Material site's palette colours the cards
and its blog's authors file names its authors (mkdocs_material.py).
"""

from __future__ import annotations

import logging
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from mkdocs.config import base, config_options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..build.batch import settings_hash
from ..build.store import CardStore, StoreOptions, post_key
from ..cards import CardRecord, SomeCardsFailed, error_record, render_post
from ..config import find_config
from ..context import RunContext
from ..errors import QuotecardsError
from ..options import RenderOptions
from ..resources import cache_dir
from ..sources.fetch import FetchOptions
from ..sources.post import Post, ReadOptions, post_from_meta
from ..sources.slugs import safe_slug
from .mkdocs_head import CardImage, HeadError, PageFacts, with_card_tags
from .mkdocs_material import blog_authors, palette_colors

__all__ = ["QuotecardsPlugin"]

log = logging.getLogger("mkdocs.plugins.quotecards")
CARDS = "assets/quotecards"


class QuotecardsConfig(base.Config):
    platform = config_options.Type(str, default="og")
    layout = config_options.Optional(config_options.Type(str))
    store = config_options.Optional(config_options.Type(str))  # default: the cache folder's cards/
    use_store = config_options.Type(bool, default=True)


class QuotecardsPlugin(BasePlugin[QuotecardsConfig]):
    def __init__(self) -> None:
        self.ctx: RunContext | None = None
        self.store: CardStore | None = None
        self.settings = ""
        self.made = self.restored = 0
        self.pool: ThreadPoolExecutor | None = None
        self.cards: dict[str, Future[tuple[dict[str, Any], bool]]] = {}  # page → its card, being made
        self.told: set[str] = set()  # what the theme's <head> stops, said once: it is the same on every page
        self.slugs: dict[str, str] = {}  # card name → the page that has it, in this build

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        try:
            self._start(config)
        except QuotecardsError as exc:  # the site's config or fonts: MkDocs's one error line, not a traceback
            raise PluginError(f"quotecards: {exc}") from None

    def _start(self, config: MkDocsConfig) -> None:
        docs = Path(config.docs_dir)
        site_config = find_config(Path(config.config_file_path).parent if config.config_file_path else docs)
        if not site_config.site_name:  # the brand is the site's own name unless quotecards.toml says otherwise
            site_config = replace(site_config, site_name=config.site_name)
        # The theme's colours, under the site's own [colors].
        colors = {**palette_colors(config.theme.name, config.theme.get("palette")), **site_config.colors}
        site_config = replace(site_config, colors=colors)
        options = RenderOptions(out_dir=Path(config.site_dir) / CARDS, platforms=(self.config.platform,),
                                layout=self.config.layout, config=site_config,
                                fetch=FetchOptions(cache_dir=cache_dir(), roots=(docs,), web_roots=(docs,)),
                                read=ReadOptions(authors=blog_authors(config)))
        self.ctx = RunContext.open(options)
        self.settings = settings_hash(options, self.ctx.platforms)  # the palette's colours included
        folder = Path(self.config.store) if self.config.store else cache_dir() / "cards"
        self.store = CardStore(StoreOptions(folder)) if self.config.use_store else None
        self.made = self.restored = 0
        self.told = set()
        self.slugs = {}
        # MkDocs reads every page before it writes any: the cards are made on threads meanwhile
        # (drawing and encoding release the GIL for most of a card).
        self.pool = ThreadPoolExecutor(os.cpu_count() or 1, "quotecards")
        self.cards = {}

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.pool is not None and page.file.abs_src_path is not None:
            slug = self._free_slug(page)
            self.cards[page.file.src_uri] = self.pool.submit(self._card, page, Path(page.file.abs_src_path), slug)
        return html

    def _free_slug(self, page: Page) -> str:
        """The page's card name, one no other page of this build has: pages come in the site's
        order, one at a time, so a name two pages share (guide/install.md and guide-install.md)
        is numbered the same way every build."""
        base = _slug(page)
        slug, n = base, 1
        while self.slugs.setdefault(slug, page.file.src_uri) != page.file.src_uri:
            n += 1
            slug = f"{base}-{n}"
        return slug

    # Late: the tags other plugins put in <head> (Material's social plugin) are there to take over.
    @event_priority(-50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        making = self.cards.pop(page.file.src_uri, None)
        if making is None:
            return output
        try:
            card, restored = making.result()
            html = _with_meta(output, card, page, config)
        except HeadError as exc:  # the theme's, the same on every page: said once
            if exc.message not in self.told:
                self.told.add(exc.message)
                _warn(page, exc)
            return output
        except Exception as exc:  # whatever one page's card meets, the site builds on  # noqa: BLE001
            _warn(page, exc)
            return output
        self.restored += restored
        self.made += not restored
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None
        if self.store is not None and self.made:
            self.store.trim()
        log.info(f"quotecards: {self.made} cards made, {self.restored} from the store, "
                 f"in {Path(config.site_dir) / CARDS}")
        if not config.site_url and (self.made or self.restored):
            # Not a warning: a site built for a preview, or under --strict in CI, builds on.
            log.info("quotecards: no site_url in mkdocs.yml, so og:image is a path from the site's root, which "
                     "networks cannot fetch: set site_url where the site is published")

    def _card(self, page: Page, path: Path, slug: str) -> tuple[dict[str, Any], bool]:
        """The page's card record, and whether it came from the store."""
        assert self.ctx is not None
        post = _post(path, page, self.ctx)
        key = post_key(self.settings, post, slug, self.ctx.options.fetch) if self.store is not None else ""
        if self.store is not None:
            stored = self.store.restore(key, self.ctx.options.out_dir, str(path))
            if stored is not None:
                return stored[0], True
        try:
            records = render_post(post, self.ctx, slug)
        except SomeCardsFailed as partly:
            records = partly.records
        records_json = [record.to_json() for record in records]
        if self.store is not None:
            self.store.put(key, records_json, self.ctx.options.out_dir)
        return records_json[0], False


def _warn(page: Page, exc: Exception) -> None:
    """One warning line for a page without a card, naming its file (and the field, where there is one)."""
    line = error_record(Path(page.file.abs_src_path or page.file.src_uri), exc).error
    log.warning(f"quotecards: {line}")
    if not isinstance(exc, QuotecardsError):  # a bug: its traceback for `mkdocs build --verbose`
        log.debug("quotecards: %s", page.file.src_uri, exc_info=exc)


def _post(path: Path, page: Page, ctx: RunContext) -> Post:
    """The page as a post: the front matter MkDocs read, taken as any post's, with the title
    MkDocs found (the page's first heading) where it has none."""
    meta = dict(page.meta)
    if page.title and not meta.get("title"):
        meta["title"] = page.title
    return post_from_meta(path, meta, ctx.reading)


def _slug(page: Page) -> str:
    """The card's file name from the page's place in the site: guide/install.md → guide-install,
    日本.md → 日本 (letters of any script kept)."""
    return safe_slug(re.sub(r"\.md$", "", page.file.src_uri).replace("/", "-")) or "index"


def _with_meta(html: str, card: dict[str, Any], page: Page, config: MkDocsConfig) -> str:
    record = CardRecord.from_json(card)
    url = f"{(config.site_url or '').rstrip('/')}/{CARDS}/{record.path}?v={record.sha256[:10]}"
    image = CardImage(url=url, mime=record.mime, width=record.width, height=record.height, alt=record.alt)
    described = page.meta.get("description")
    facts = PageFacts(title=" ".join(str(page.title or record.title).split()),
                      url=page.canonical_url or "",  # MkDocs sets it from site_url, and only with one
                      description=" ".join((described if isinstance(described, str) else "").split())
                      or " ".join((config.site_description or "").split()),
                      kind="article" if record.date else "website")  # a dated page is a post
    return with_card_tags(html, image, facts)
