"""Cards on demand: the ASGI app a dynamic site's og:image points at (Starlette, run by uvicorn).

`GET /card?…&sig=…` draws the card a signed URL asks for; `GET /{platform}/{slug}.{ext}` the card
of a post in the site's folder. A card is drawn once: it is kept in the store under the key that
names everything that changes it, and requests for the same card while it is being drawn wait
for that one drawing. Every answer carries an ETag (an If-None-Match that matches gets a 304)
and a Cache-Control a CDN can honour: a signed URL's card never changes (immutable); a page's
may, when its post does. Too many cards waiting to be drawn is a 503 with Retry-After; a bad
parameter a 400 naming it, a bad signature a 403, an unknown page a 404, each as JSON, and no
answer carries a path or a stack trace.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

import anyio
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..build.batch import settings_hash
from ..context import RunContext
from ..errors import QuotecardsError
from ..formats import FORMATS
from ..sources.post import Post
from .card_requests import CardRequest, ParamError, by_params, card_key, format_of, platform_of
from .drawing import CardDrawer, DrawerDied, DrawingPool, Drawn, roots_of, run_options
from .pages import PageIndex
from .settings import ServiceConfig
from .signing import verify
from .store import CardFiles, open_store
from .wordpress import WordPressPages

__all__ = ["ServiceConfig", "create_app", "fill_store", "serve"]

log = logging.getLogger("quotecards.service")
IMMUTABLE = "public, max-age=31536000, immutable"  # a signed URL's card: its parameters are its content
PAGE_MAX_AGE = "public, max-age=300"  # a page's card changes when its post does
EXTENSIONS = {fmt.extension: name for name, fmt in FORMATS.items()} | {"jpeg": "jpeg"}
Handler = Callable[[Request], Awaitable[Response]]
K = TypeVar("K")
V = TypeVar("V")


class Overloaded(Exception):
    """More cards waiting to be drawn than the service takes."""


LOOKUP_THREADS = 8  # posts looked up at once (a WordPress site's REST API answering)
DRAWING_RETRY_SECONDS = 5  # a card past the request's deadline: about when to ask again
SIGNED_URLS_KEPT = 4096  # a site's cards asked for most, a few KB each


class Recent(Generic[K, V]):
    """The last `size` entries put, the least recently used going first."""

    def __init__(self, size: int):
        self.size = size
        self.entries: collections.OrderedDict[K, V] = collections.OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.entries.get(key)
        if value is not None:
            self.entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self.entries[key] = value
        self.entries.move_to_end(key)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value


class _Service:
    def __init__(self, config: ServiceConfig):
        self.config = config
        self.roots = roots_of(config)
        self.ctx = RunContext.open(run_options(config))  # reads posts and keys cards; the drawers draw them
        self.settings = settings_hash(self.ctx.options, self.ctx.platforms)
        self.files = open_store(config.store)
        self.drawers = DrawingPool(config, config.workers or os.cpu_count() or 1)
        self.pages: PageIndex | WordPressPages | None = None
        if config.posts:
            self.pages = PageIndex(config.posts, self.ctx.reading)
        elif config.wordpress:
            self.pages = WordPressPages(config.wordpress, self.ctx.reading)
        # A signed URL's card and key are its query's alone (its photo is a URL, not a local file):
        # asked again, it is answered without its signature checked and its parameters read anew.
        self.signed: Recent[bytes, tuple[CardRequest, str]] = Recent(SIGNED_URLS_KEPT)
        self.inflight: dict[str, asyncio.Future[Any]] = {}
        self.looking: dict[str, asyncio.Future[Any]] = {}  # page lookups under way, by slug
        self.lookups = anyio.CapacityLimiter(LOOKUP_THREADS)
        self.registry = CollectorRegistry()
        self.requests = Counter("quotecards_requests", "Requests answered", ["route", "status"], registry=self.registry)
        self.renders = Counter("quotecards_renders", "Cards drawn", registry=self.registry)
        self.hits = Counter("quotecards_cache_hits", "Cards answered from the store", registry=self.registry)
        self.overloaded = Counter("quotecards_overloaded", "Requests turned away (503)", registry=self.registry)
        self.render_time = Histogram("quotecards_render_seconds", "Time to draw and encode a card",
                                     registry=self.registry)

    # -- routes ------------------------------------------------------------------------------

    async def card(self, request: Request) -> Response:
        if self.config.secret is None:
            return _error(404, "", "cards by parameters are not enabled here (no signing secret)")
        query = request.scope["query_string"]
        known = self.signed.get(query)
        if known is None:
            params = _single(request)
            if not verify(self.config.secret, request.url.path, params):
                return _error(403, "sig", "missing or wrong signature")
            wanted = by_params({k: v for k, v in params.items() if k != "sig"}, self.config.default_format)
            known = self.signed.put(query, (wanted, card_key(self.settings, wanted, self.roots)))
        return await self.answer(request, *known, IMMUTABLE)

    async def page(self, request: Request) -> Response:
        if self.pages is None:
            return _error(404, "", "no posts folder or WordPress site: only signed cards are served here")
        platform = platform_of(request.path_params["platform"])
        extension = request.path_params["ext"]
        if extension not in EXTENSIONS:
            raise ParamError("format", f"no format with the extension {extension[:8]!r}")
        post = await self.found(request.path_params["slug"])
        if post is None:
            return _error(404, "slug", "no public post with this slug")
        wanted = CardRequest(post, platform, format_of(EXTENSIONS[extension], self.config.default_format))
        return await self.answer(request, wanted, card_key(self.settings, wanted, self.roots), PAGE_MAX_AGE)

    async def answer(self, request: Request, wanted: CardRequest, key: str, cache: str) -> Response:
        fmt = FORMATS[wanted.format]
        headers = {"ETag": f'"{key[:32]}"', "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
        if _matches(request.headers.get("if-none-match", ""), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        data = await self.stored(key, fmt.extension)
        if data is not None:
            self.hits.inc()
            return Response(data, media_type=fmt.mime, headers=headers)
        try:
            drawn = await asyncio.wait_for(self.drawn_once(key, wanted), self.config.timeout)
        except TimeoutError:
            return _error(503, "", "the card is still being drawn; ask again shortly",
                          {"Retry-After": str(DRAWING_RETRY_SECONDS)})
        if not drawn.kept:  # drawn without its photo: not to be cached anywhere
            headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        return Response(drawn.data, media_type=fmt.mime, headers=headers)

    async def stored(self, key: str, extension: str) -> bytes | None:
        """The card's bytes from the store: a local file read here, an object store's GET on a
        thread, so that a slow bucket holds up no other request."""
        try:
            if isinstance(self.files, CardFiles):
                return self.files.get(key, extension)
            return await anyio.to_thread.run_sync(self.files.get, key, extension)
        except Exception:  # the store down: the card is drawn instead  # noqa: BLE001
            log.exception("quotecards service: the store could not be read")
            return None

    async def drawn_once(self, key: str, wanted: CardRequest) -> Drawn:
        """The card, drawn for this request or for the one that asked first."""
        return await _once(self.inflight, key, self.config.max_pending, lambda: self.draw(key, wanted))

    async def draw(self, key: str, wanted: CardRequest) -> Drawn:
        drawn = await self.drawers.draw(key, wanted)
        self.renders.inc()
        self.render_time.observe(drawn.seconds)
        return drawn

    async def found(self, slug: str) -> Post | None:
        """The page's post, looked up once however many requests ask for it at once, and no more
        lookups at once than cards (a slow WordPress holds up no card already in the store)."""
        assert self.pages is not None
        pages = self.pages
        return await _once(self.looking, slug, self.config.max_pending,
                           lambda: anyio.to_thread.run_sync(pages.find, slug, limiter=self.lookups))

    async def metrics(self, _request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    # -- every answer ------------------------------------------------------------------------

    def counted(self, route: str, handler: Handler) -> Handler:
        """`handler` with its errors answered as JSON, and each answer counted and logged."""
        async def endpoint(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await handler(request)
            except ParamError as exc:
                response = _error(400, exc.parameter, exc.message)
            except QuotecardsError as exc:  # a layout or language the card cannot be made with
                response = _error(400, exc.field, exc.message)
            except DrawerDied:
                response = _error(500, "", "the card could not be made")
            except Overloaded:
                self.overloaded.inc()
                response = _error(503, "", "too many cards being drawn; try again shortly", {"Retry-After": "1"})
            except Exception:  # a bug: logged with its trace here, never sent  # noqa: BLE001
                log.exception("quotecards service: %s %s", request.method, route)
                response = _error(500, "", "the card could not be made")
            self.requests.labels(route, str(response.status_code)).inc()
            log.info(json.dumps({"method": request.method, "route": route, "status": response.status_code,
                                 "ms": round((time.perf_counter() - started) * 1000, 1)}))
            return response
        return endpoint


def fill_store(config: ServiceConfig, platforms: tuple[str, ...], progress: Callable[[int, int], None],
               failed: Callable[[str, str], None]) -> int:
    """Draw every public post's cards (of `platforms`, in the default format) into the store that
    a service will answer from, as a build or CI job does ahead of traffic; those already there
    are left, and a card that cannot be made is `failed` (slug, why) and the rest go on. Returns
    how many were drawn."""
    if config.posts is None:
        raise ParamError("posts", "filling the store needs a posts folder")
    drawer = CardDrawer(config)
    try:
        # The keys the service will look the cards up by (a drawing process itself needs none).
        settings = settings_hash(drawer.ctx.options, drawer.ctx.platforms)
        pages, drawn = PageIndex(config.posts, drawer.ctx.reading), 0
        slugs = pages.slugs_now()
        wanted_platforms = [platform_of(platform) for platform in platforms]
        for done, slug in enumerate(slugs, 1):
            post = pages.find(slug)
            for platform in wanted_platforms if post is not None else []:
                assert post is not None
                drawn += _filled(drawer, settings, CardRequest(post, platform, config.default_format), failed)
            progress(done, len(slugs))
        return drawn
    finally:
        drawer.close()


def _filled(drawer: CardDrawer, settings: str, wanted: CardRequest, failed: Callable[[str, str], None]) -> int:
    key = card_key(settings, wanted, roots_of(drawer.config))
    if drawer.files.get(key, FORMATS[wanted.format].extension) is not None:
        return 0
    try:
        return int(drawer.draw(key, wanted).kept)
    except (QuotecardsError, ValueError, OSError) as exc:
        failed(wanted.post.slug, str(exc))
        return 0


def create_app(config: ServiceConfig) -> Starlette:
    service = _Service(config)

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", healthz, methods=["GET"]),
        Route("/metrics", service.metrics, methods=["GET"]),
        Route("/card", service.counted("card", service.card), methods=["GET"]),
        Route("/{platform}/{slug}.{ext}", service.counted("page", service.page), methods=["GET"]),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await service.drawers.start()  # before the first request: the drawing processes ready
        yield
        # After the server has answered the requests in flight: a card still being drawn for a
        # request past its deadline is finished and kept.
        await anyio.to_thread.run_sync(service.drawers.close)
        service.ctx.close()

    async def not_here(_request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None  # a 405's Allow
        return _error(status, "", "no such card URL" if status == 404 else "only GET and HEAD are answered", headers)

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: not_here})
    # `/card/` is no card URL: no redirect built from the request's Host header.
    app.router.redirect_slashes = False
    app.state.service = service
    return app


STOP_SECONDS = 120  # a graceful stop's wait: past a photo's download deadline and a card's drawing


def serve(app: Starlette, host: str, port: int) -> None:
    """Run the app until stopped: a stop (SIGTERM, Ctrl-C) finishes the cards in flight first.
    The access lines go to stderr (uvicorn configures its own loggers only)."""
    import uvicorn

    log.addHandler(logging.StreamHandler())
    log.setLevel(logging.INFO)
    uvicorn.run(app, host=host, port=port, timeout_graceful_shutdown=STOP_SECONDS, log_level="info",
                access_log=False)


MAX_PARAMS = 16  # every card parameter once, and some room: more is no card URL


def _single(request: Request) -> dict[str, str]:
    """The query's parameters; one given twice is refused, as a signature covers one value each."""
    pairs = request.query_params.multi_items()
    if len(pairs) > MAX_PARAMS:
        raise ParamError("", f"{len(pairs)} parameters; a card URL has at most {MAX_PARAMS}")
    counts = collections.Counter(name for name, _value in pairs)
    repeated = next((name for name, n in counts.items() if n > 1), None)
    if repeated is not None:
        raise ParamError(repeated[:32], "given more than once")
    return dict(pairs)


async def _once(running: dict[str, asyncio.Future[Any]], key: str, most: int,
                start: Callable[[], Awaitable[Any]]) -> Any:
    """What `start` gives for `key`, started for this request or awaited from the one already
    under way; Overloaded where `most` are under way. The work is a task of its own: a request
    that gives up waiting (its deadline, its client gone) leaves it to finish for the others."""
    under_way = running.get(key)
    if under_way is None:
        if len(running) >= most:
            raise Overloaded
        under_way = asyncio.ensure_future(start())
        running[key] = under_way
        under_way.add_done_callback(lambda done: _finished(running, key, done))
    return await asyncio.shield(under_way)


def _finished(running: dict[str, asyncio.Future[Any]], key: str, done: asyncio.Future[Any]) -> None:
    if running.get(key) is done:
        del running[key]
    if not done.cancelled():
        done.exception()  # read: never "exception was never retrieved" when no request waits any more


def _matches(header: str, etag: str) -> bool:
    """Whether If-None-Match names this card (`*` is not taken: it would answer 304 for a card
    that is not there)."""
    return etag in (tag.strip().removeprefix("W/") for tag in header.split(","))


def _error(status: int, parameter: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status, headers=headers)
