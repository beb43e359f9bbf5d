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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..build.batch import settings_hash
from ..card_warnings import Kind
from ..cards import choose, compose_card
from ..config import SiteConfig
from ..context import RunContext
from ..draw.platforms import get_platform
from ..encode import export
from ..errors import QuotecardsError
from ..formats import FORMATS
from ..options import RenderOptions
from ..sources.fetched import FetchOptions
from ..sources.post import Post
from .card_requests import CardRequest, ParamError, by_params, card_key, format_of, platform_of
from .pages import PageIndex
from .signing import verify
from .store import CardFiles, open_store
from .wordpress import WordPressPages

__all__ = ["CONFIG_ENV", "ServiceConfig", "create_app", "fill_store", "from_environment"]

log = logging.getLogger("quotecards.service")
IMMUTABLE = "public, max-age=31536000, immutable"  # a signed URL's card: its parameters are its content
PAGE_MAX_AGE = "public, max-age=300"  # a page's card changes when its post does
EXTENSIONS = {fmt.extension: name for name, fmt in FORMATS.items()} | {"jpeg": "jpeg"}
Handler = Callable[[Request], Awaitable[Response]]
# How `quotecards service` hands its settings to uvicorn's worker processes, which each make the
# app anew (from_environment): JSON of the settings; the secret stays in its own variable.
CONFIG_ENV = "QUOTECARDS_SERVICE"


@dataclass(frozen=True)
class ServiceConfig:
    store: str  # where drawn cards are kept: a folder, or an fsspec URL (s3://bucket/cards)
    posts: Path | None = None  # the site's posts, for cards by page
    wordpress: str | None = None  # or a WordPress site's address, whose REST API gives them
    secret: bytes | None = None  # signs card URLs; None: no cards by parameters
    site: SiteConfig = field(default_factory=SiteConfig)
    max_pending: int = 64  # distinct cards being drawn or waiting to be; past this, 503
    render_threads: int = 2  # cards drawn at once (drawing and encoding release the GIL for most of a card)
    default_format: str = "png"
    allow_private_images: bool = False  # fetch photos from this machine's or the LAN's addresses (tests, intranets)
    cache_dir: Path | None = None  # downloaded photos
    site_root: Path | None = None  # a post's local photo is found below it (and below the posts folder)


class Overloaded(Exception):
    """More cards waiting to be drawn than the service takes."""


@dataclass(frozen=True)
class Drawn:
    data: bytes
    kept: bool  # in the store; a card whose photo could not be had is not, and is not cached either


UNREACHABLE_SECONDS = 60.0
LOOKUP_THREADS = 8  # posts looked up at once (a WordPress site's REST API answering)


class _Service:
    def __init__(self, config: ServiceConfig):
        self.config = config
        roots = tuple(folder for folder in (config.posts, config.site_root) if folder is not None)
        self.roots = roots
        fetch = FetchOptions(cache_dir=config.cache_dir, public_only=not config.allow_private_images, roots=roots,
                             web_roots=roots)
        options = RenderOptions(out_dir=Path("."), platforms=("all",), config=config.site, fetch=fetch,
                                format=config.default_format)
        self.ctx = RunContext.open(options)
        self.settings = settings_hash(options, self.ctx.platforms)
        self.files = open_store(config.store)
        self.pages: PageIndex | WordPressPages | None = None
        if config.posts:
            self.pages = PageIndex(config.posts, self.ctx.reading)
        elif config.wordpress:
            self.pages = WordPressPages(config.wordpress, self.ctx.reading)
        self.inflight: dict[str, asyncio.Future[Drawn]] = {}
        self.looking: dict[str, asyncio.Future[Any]] = {}  # page lookups under way, by slug
        self.forgot = time.monotonic()
        self.limiter = anyio.CapacityLimiter(config.render_threads)
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
        params = _single(request)
        if self.config.secret is None:
            return _error(404, "", "cards by parameters are not enabled here (no signing secret)")
        if not verify(self.config.secret, request.url.path, params):
            return _error(403, "sig", "missing or wrong signature")
        wanted = by_params({k: v for k, v in params.items() if k != "sig"}, self.config.default_format)
        return await self.answer(request, wanted, IMMUTABLE)

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
        return await self.answer(request, wanted, PAGE_MAX_AGE)

    async def answer(self, request: Request, wanted: CardRequest, cache: str) -> Response:
        key = card_key(self.settings, wanted, self.roots)
        fmt = FORMATS[wanted.format]
        headers = {"ETag": f'"{key[:32]}"', "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
        if _matches(request.headers.get("if-none-match", ""), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        data = await self.stored(key, fmt.extension)
        if data is not None:
            self.hits.inc()
            return Response(data, media_type=fmt.mime, headers=headers)
        drawn = await self.drawn_once(key, wanted)
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
        """The card, drawn by this request or by the one already drawing it."""
        return await _once(self.inflight, key, self.config.max_pending,
                           lambda: anyio.to_thread.run_sync(self.draw, key, wanted, limiter=self.limiter))

    async def found(self, slug: str) -> Post | None:
        """The page's post, looked up once however many requests ask for it at once, and no more
        lookups at once than cards (a slow WordPress holds up no card already in the store)."""
        assert self.pages is not None
        pages = self.pages
        return await _once(self.looking, slug, self.config.max_pending,
                           lambda: anyio.to_thread.run_sync(pages.find, slug, limiter=self.lookups))

    def draw(self, key: str, wanted: CardRequest) -> Drawn:
        """The card drawn and encoded, and kept in the store unless its photo could not be had
        (a host down for a moment): that card is drawn again on the next request, not kept."""
        started = time.perf_counter()
        self._forget_unreachable()
        platform = get_platform(wanted.platform)
        chosen = choose(wanted.post, self.ctx)
        _spec, card, _used = compose_card(wanted.post, self.ctx, chosen, platform)
        _fmt, budget = self.ctx.options.output_for(platform)
        data = export.encode(card.image, budget, wanted.format, photographic=card.background == "photo").data
        whole = chosen.warning is None or chosen.warning.kind is not Kind.IMAGE_UNAVAILABLE
        if whole:
            self._put(key, FORMATS[wanted.format].extension, data)
        self.renders.inc()
        self.render_time.observe(time.perf_counter() - started)
        return Drawn(data, whole)

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
    service = _Service(config)
    try:
        if not isinstance(service.pages, PageIndex):
            raise ParamError("posts", "filling the store needs a posts folder")
        slugs, drawn = service.pages.slugs_now(), 0
        wanted_platforms = [platform_of(platform) for platform in platforms]
        for done, slug in enumerate(slugs, 1):
            post = service.pages.find(slug)
            for platform in wanted_platforms if post is not None else []:
                assert post is not None
                drawn += _filled(service, CardRequest(post, platform, config.default_format), failed)
            progress(done, len(slugs))
        return drawn
    finally:
        service.ctx.close()


def _filled(service: _Service, wanted: CardRequest, failed: Callable[[str, str], None]) -> int:
    key = card_key(service.settings, wanted, service.roots)
    if service.files.get(key, FORMATS[wanted.format].extension) is not None:
        return 0
    try:
        return int(service.draw(key, wanted).kept)
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
        yield
        service.ctx.close()  # after the server has finished the requests in flight

    async def not_here(_request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return _error(status, "", "no such card URL" if status == 404 else "only GET and HEAD are answered")

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: not_here})
    # `/card/` is no card URL: no redirect built from the request's Host header.
    app.router.redirect_slashes = False
    app.state.service = service
    return app


def from_environment() -> Starlette:
    """The app as `quotecards service` set it up, in a worker process uvicorn started."""
    from ..config import find_config
    from .signing import SECRET_ENV, SECRET_FILE_ENV, load_secret

    settings = json.loads(os.environ[CONFIG_ENV])
    if not log.handlers:  # uvicorn configures its own loggers only: the access lines go to stderr too
        log.addHandler(logging.StreamHandler())
        log.setLevel(logging.INFO)
    secret = load_secret() if os.environ.get(SECRET_ENV) or os.environ.get(SECRET_FILE_ENV) else None
    posts = Path(settings["posts"]) if settings.get("posts") else None
    root = Path(settings["site_root"])
    return create_app(ServiceConfig(store=str(settings["store"]), posts=posts, secret=secret,
                                    wordpress=settings.get("wordpress") or None,
                                    site=find_config(root), site_root=root,
                                    max_pending=int(settings["max_pending"]),
                                    render_threads=int(settings["render_threads"]),
                                    default_format=str(settings["default_format"]),
                                    allow_private_images=bool(settings["allow_private_images"]),
                                    cache_dir=Path(settings["cache_dir"]) if settings.get("cache_dir") else None))


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
    """What `start` gives for `key`, started by this request or awaited from the one already
    running it; Overloaded where `most` are running."""
    under_way = running.get(key)
    if under_way is not None:
        return await asyncio.shield(under_way)
    if len(running) >= most:
        raise Overloaded
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    future.add_done_callback(lambda done: done.cancelled() or done.exception())  # read: never "unretrieved"
    running[key] = future
    try:
        result = await start()
        future.set_result(result)
        return result
    except BaseException as exc:
        future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
        raise
    finally:
        del running[key]


def _matches(header: str, etag: str) -> bool:
    """Whether If-None-Match names this card (`*` is not taken: it would answer 304 for a card
    that is not there)."""
    return etag in (tag.strip().removeprefix("W/") for tag in header.split(","))


def _error(status: int, parameter: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status, headers=headers)
