"""Where the service's cards are drawn: worker processes, one per core, fed in the order asked.

A card is CPU work (composition, typesetting, encoding), most of it Python's, so threads of one
process cannot draw two at once. The HTTP process only answers; it hands each card to draw to a
pool of drawing processes, which take them first come, first served. Whichever connection asked,
every core draws: uvicorn's own worker processes would each draw the cards of the connections
they happened to accept, and kept-alive connections pile onto one of them.

A drawing process ignores the stop signals a terminal or a service manager sends its whole
group: the service stops it once the cards in flight are answered. It ends with the service,
even one killed outright. One that dies (out of memory, a crash in a C library) breaks the pool:
the pool is started afresh, and the cards that were in it are drawn again there, once; a card
whose drawing kills that pool too is a failure (a 500), and the service goes on.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ..build.workers import die_with_parent
from ..cards import choose, compose_card
from ..context import RunContext
from ..draw.platforms import get_platform
from ..encode import export
from ..formats import FORMATS
from ..options import RenderOptions
from ..sources.fetched import FetchOptions
from .card_requests import CardRequest
from .settings import ServiceConfig
from .store import CardFiles, ObjectCards, open_store

__all__ = ["CardDrawer", "DrawerDied", "Drawn", "DrawingPool", "run_options"]

log = logging.getLogger("quotecards.service")
UNREACHABLE_SECONDS = 60.0


@dataclass(frozen=True)
class Drawn:
    data: bytes
    kept: bool  # in the store; a card whose photo's host failed for now is not, and is not cached either
    seconds: float  # drawing and encoding


class DrawerDied(Exception):
    """The process drawing the card died (killed, out of memory): that card fails, not the service."""


def run_options(config: ServiceConfig) -> RenderOptions:
    """The render options every process of the service shares: the same settings, the same keys."""
    roots = roots_of(config)
    fetch = FetchOptions(cache_dir=config.cache_dir, public_only=not config.allow_private_images, roots=roots,
                         web_roots=roots)
    return RenderOptions(out_dir=Path("."), platforms=("all",), config=config.site, fetch=fetch,
                         format=config.default_format)


def roots_of(config: ServiceConfig) -> tuple[Path, ...]:
    return tuple(folder for folder in (config.posts, config.site_root) if folder is not None)


class CardDrawer:
    """Draws cards and keeps them in the store: in each drawing process, and in `--fill`."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.ctx = RunContext.open(run_options(config))
        self.files: CardFiles | ObjectCards = open_store(config.store)
        self.forgot = time.monotonic()

    def draw(self, key: str, wanted: CardRequest) -> Drawn:
        """The card drawn and encoded, and kept in the store unless its photo could not be had
        (a host down for a moment): that card is drawn again on the next request, not kept."""
        started = time.perf_counter()
        self._forget_unreachable()
        platform = get_platform(wanted.platform)
        chosen = choose(wanted.post, self.ctx)
        _spec, card, _used = compose_card(wanted.post, self.ctx, chosen, platform, keep_backdrop=False)
        _fmt, budget = self.ctx.options.output_for(platform)
        data = export.encode(card.image, budget, wanted.format, photographic=card.background == "photo",
                             png_filters=self.ctx.png_filters).data
        # A photo its host could not give for now: not kept, drawn again next time. One that can
        # never be had (not found, not an image) is the card's for good, kept like any other.
        whole = chosen.unavailable is None or not chosen.unavailable.transient
        if whole:
            self._put(key, FORMATS[wanted.format].extension, data)
        return Drawn(data, whole, time.perf_counter() - started)

    def _forget_unreachable(self) -> None:
        """A host the session could not reach is not tried again for a minute, not for the
        process's life: the service outlives a photo host's hiccup."""
        now = time.monotonic()
        session = self.ctx.session.opened
        if session is not None and now - self.forgot >= UNREACHABLE_SECONDS:
            session.unreachable.clear()
            self.forgot = now

    def _put(self, key: str, extension: str, data: bytes) -> None:
        try:
            self.files.put(key, extension, data)
        except Exception:  # the store down: the card is answered all the same, drawn again next time  # noqa: BLE001
            log.exception("quotecards service: the store could not keep a card")

    def close(self) -> None:
        self.ctx.close()


_drawer: list[CardDrawer] = []  # this drawing process's own: one per process by nature


def _start(config: ServiceConfig, parent: int) -> None:
    die_with_parent(parent)
    for stop in (signal.SIGINT, signal.SIGTERM):  # the service stops its drawers, after their cards
        signal.signal(stop, signal.SIG_IGN)
    _drawer.append(CardDrawer(config))


def _draw(key: str, wanted: CardRequest) -> Drawn:
    return _drawer[0].draw(key, wanted)


def _ready() -> None:
    """Nothing: asked of each process as it starts, so that the first cards wait for none."""


class DrawingPool:
    """`workers` drawing processes, started on first need or by `start`."""

    def __init__(self, config: ServiceConfig, workers: int):
        self.config = config
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.executor is None:
                import os

                # spawned, not forked: the HTTP process has threads, and a fork copies their locks
                self.executor = ProcessPoolExecutor(self.workers, multiprocessing.get_context("spawn"), _start,
                                                    (self.config, os.getpid()))
            return self.executor

    async def start(self) -> None:
        """Every drawing process started and ready before the first request is taken."""
        pool = self._pool()
        await asyncio.gather(*(asyncio.wrap_future(pool.submit(_ready)) for _ in range(self.workers)))

    async def draw(self, key: str, wanted: CardRequest) -> Drawn:
        """The card, drawn in the pool; drawn again in a fresh pool once if the pool broke (a
        drawing process died, perhaps drawing another card); DrawerDied if that one breaks too."""
        for last in (False, True):
            pool = self._pool()
            try:
                return await asyncio.wrap_future(pool.submit(_draw, key, wanted))
            except BrokenProcessPool:
                self._replace(pool)
                if last:
                    raise DrawerDied from None
        raise AssertionError("the second try returns or raises")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self.lock:
            if self.executor is broken:
                log.error("quotecards service: a drawing process died; starting them afresh")
                self.executor = None
        # The broken pool's survivors ignore the SIGTERM it ends them with (see the module's doc),
        # and its manager thread waits for them to end: killed here, or each death would leave
        # the other drawing processes, and that thread, behind.
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self.lock:
            executor, self.executor = self.executor, None
        if executor is not None:
            executor.shutdown(wait=True)
