"""The library's front door: posts in, cards and a manifest out.

post → CardSpec → picture → PNG file, one post at a time; a bad post is recorded and the
run goes on with the next.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PIL import Image

from . import files, heap
from .build import manifest
from .build.gallery import gallery_from_manifest
from .build.runlock import run_lock
from .card_warnings import CardWarning, Kind
from .context import RunContext, Unavailable
from .draw.compose import Problem
from .draw.layout import Layout
from .draw.place import NEVER_CUT
from .draw.plan import CardSpec, plan_card
from .draw.platforms import Platform, expand
from .draw.render import PhotoAside, Rendered, render
from .encode import export, png
from .errors import LayoutError, PostError, QuotecardsError
from .options import RenderOptions
from .records import CardRecord, ErrorRecord, card_path
from .sources.post import Post, read_post
from .sources.slugs import numbered
from .text import fonts, textruns
from .text.typeset import DoesNotFit, ShapingUnavailable

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["CardRecord", "ErrorRecord", "RenderOptions", "RunResult", "SomeCardsFailed", "alt_text", "choose",
           "compose_card", "composition", "error_record", "render_post", "render_posts", "run_canvases",
           "write_manifest"]

# Layer sources → the front-matter field their text came from when the post does not say.
_LAYER_FIELDS = {"quote": "featured_quote.quote", "attribution": "featured_quote.summary",
                 "citation": "featured_quote.citation"}


@dataclass
class RunResult:
    """What a render run made: every card's record, and every post that failed."""

    cards: list[CardRecord] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)


def render_posts(paths: list[Path], options: RenderOptions,
                 on_wait: Callable[[str], None] | None = None) -> RunResult:
    """Render every post for every platform; write the cards and DIR/manifest.json.

    Raises OutputError before any work when the output folder cannot take files; waits (and
    tells `on_wait`) while another run writes to the same folder.
    """
    files.prepare_output(options.out_dir)
    with run_lock(options.out_dir, on_wait):
        return _render_posts(paths, options)


def _render_posts(paths: list[Path], options: RenderOptions) -> RunResult:
    result = RunResult()
    slugs = _Slugs(options.out_dir)
    # One process, the cores to itself: cards are encoded on other threads while the next is drawn,
    # the next post's too; one canvas has nothing to overlap, and is encoded in line.
    canvases = run_canvases(len(paths), options)
    with RunContext.open(options, encode_threads=0 if canvases == 1 else os.cpu_count() or 1,
                         png_filters=png.row_filters_for(canvases)) as ctx:
        ctx.layouts.get(options.layout or options.config.layout)  # a bad default fails the run at once
        in_flight: deque[Future[list[CardRecord]]] = deque()
        last: _Started | None = None  # the post before, whose cards may still be being encoded
        for index, path in enumerate(paths):
            if index:
                heap.give_back()  # this post starts from the footprint the first did: see heap.py
            started = _start_post(path, ctx, slugs, in_flight)
            if last is not None:
                _collect_post(last, result)
            last = started
        if last is not None:
            _collect_post(last, result)
    write_manifest(options.out_dir, result.cards, result.errors)
    gallery_from_manifest(options.out_dir)
    return result


# A post as far as the run got with it: drawn (and the note on its slug), or what failed it.
_Started = tuple[Path, "DrawnPost | Exception"]


class _Slugs:
    """The slugs a render run may not give a post: this run's others', and those the folder's
    manifest gives other posts (an earlier run's cards, which the manifest keeps)."""

    def __init__(self, out_dir: Path) -> None:
        self.used: set[str] = set()
        self.owners = {str(r["slug"]): _resolved(str(r["post"])) for r in manifest.read(out_dir)["cards"]
                       if isinstance(r, dict) and card_path(r) and isinstance(r.get("slug"), str)}

    def take(self, slug: str, path: Path) -> str:
        own = _resolved(str(path))
        slug = numbered(slug, lambda s: s in self.used or self.owners.get(s, own) != own)
        self.used.add(slug)
        return slug


def _resolved(post: str) -> str:
    try:
        return str(Path(post).resolve())
    except (OSError, RuntimeError):
        return post


def _start_post(path: Path, ctx: RunContext, slugs: _Slugs,
                in_flight: deque[Future[list[CardRecord]]]) -> _Started:
    try:
        post = read_post(path, ctx.reading)
        slug = slugs.take(post.slug, path)
        return path, draw_post(post, ctx, slug, in_flight, numbered_from=post.slug if slug != post.slug else None)
    except Exception as exc:  # a bug on one post must not cost the rest of the run  # noqa: BLE001
        return path, exc


def _collect_post(started: _Started, result: RunResult) -> None:
    """A started post's cards (once encoded) or its error, into the run's result."""
    path, drawn = started
    if isinstance(drawn, Exception):
        result.errors.append(error_record(path, drawn))
        return
    try:
        cards = drawn.finish()
    except SomeCardsFailed as partly:
        cards = partly.records
        result.errors.append(error_record(path, partly))
    except Exception as exc:  # an encoder's failure, or a bug: this post's alone  # noqa: BLE001
        result.errors.append(error_record(path, exc))
        return
    result.cards.extend(cards)


def run_canvases(posts: int, options: RenderOptions) -> int:
    """How many canvases a run of `posts` posts draws (platforms of one canvas share it)."""
    return posts * len(_canvases(expand(options.platforms)))


def error_record(path: Path, exc: Exception) -> ErrorRecord:
    """One post's failure as one line naming the file (and the field, where there is one)."""
    name = files.path_text(path)  # a file name that is not UTF-8 is still written in the manifest
    if isinstance(exc, LayoutError) and exc.path:  # a broken layout file: which post asked for it, too
        return ErrorRecord(name, f"{name}: layout: {exc}")
    if isinstance(exc, QuotecardsError):
        return ErrorRecord(name, exc.in_file(name))
    if isinstance(exc, OSError) and exc.filename is not None:
        return ErrorRecord(name, f"{name}: cannot write {files.path_text(exc.filename)} ({exc.strerror})")
    if isinstance(exc, (export.ExportError, OSError)):
        return ErrorRecord(name, f"{name}: {exc}")
    return ErrorRecord(name, f"{name}: internal error: {exc.__class__.__name__}: {exc}")


LayoutSource = Literal["post", "section", "site", "no image", "step-down", "small photo", "subject covered",
                       "subject cropped", "heavy veil"]
# A photo scaled up more than this to fill a canvas is soft and blocky: set beside the text instead.
SMALL_PHOTO_SCALE = 2.0


@dataclass(frozen=True)
class Chosen:
    """The layout a post's cards get, why, and the photo they show."""

    layout: Layout
    why: LayoutSource
    picture: Image.Image | None
    warning: CardWarning | None  # about the photo: none named, or unavailable, and what was done
    detours: tuple[Detour, ...] = ()  # other layouts taken on one canvas, and why
    unavailable: Unavailable | None = None  # why the photo the post names could not be had

    def warnings_on(self, platform: Platform) -> list[CardWarning]:
        """What this choice says on `platform`'s card: about the photo, then each detour."""
        return [*([self.warning] if self.warning else []), *(d.warning(platform) for d in self.detours)]


@dataclass(frozen=True)
class Detour:
    """A step from one layout to another taken on a canvas, worded for the platform whose card is
    recorded: platforms of one canvas (og and Bluesky) share their card and its detours."""

    kind: Kind  # STEPPED_DOWN, SMALL_PHOTO, SUBJECT_COVERED, SUBJECT_CROPPED or HEAVY_VEIL
    left: str  # the layout left
    used: str  # the layout taken
    detail: str = ""  # stepped down: the text that did not fit; small photo: its size
    share: float = 0.0  # how much of the subject the text would have covered, or of veil it would have needed

    def warning(self, platform: Platform) -> CardWarning:
        return CardWarning(self.kind, DETOURS[self.kind].format(
            detail=self.detail, left=self.left, used=self.used, platform=platform.name, share=round(self.share * 100)))


# What each kind of detour says, worded for the platform whose card is recorded.
DETOURS = {
    Kind.STEPPED_DOWN: "{detail} does not fit the {left} layout on {platform}: used {used}",
    Kind.SMALL_PHOTO: "the photo ({detail}) is too small to fill the {platform} canvas: used {used}, beside the text",
    Kind.SUBJECT_COVERED: "the {left} layout's text would cover {share}% of the photo's subject on {platform}: "
                          "used {used}",
    Kind.SUBJECT_CROPPED: "the photo's subjects do not all fit the {platform} canvas whole in the {left} layout: "
                          "used {used}",
    Kind.HEAVY_VEIL: "the {left} layout's text would need the photo veiled by {share}% to be read on {platform}: "
                     "used {used}",
    Kind.HEADLINE_INSTEAD: "the quote does not fit any layout at a legible size on {platform}: made the page's "
                           "headline card ({used}) instead; a post may give a shorter one as card_quote",
}


def choose(post: Post, ctx: RunContext, platforms: list[Platform] | None = None) -> Chosen:
    """The post's layout and photo; a photo design whose photo cannot be had falls back."""
    options = ctx.options
    name, why = options.config.layout_for(post, options.layout)
    layout = ctx.layouts.get(name)
    if not layout.uses_photo:
        return Chosen(layout, why, None, None)
    picture, problem = ctx.picture(post, platforms)
    if picture is not None:
        return Chosen(layout, why, picture, None)
    kind = Kind.NO_IMAGE if not post.image else Kind.IMAGE_UNAVAILABLE
    lost = problem if post.image else None
    if post.kind == "headline":
        # A headline set on the site's colours is the design working as meant: said only when a
        # photo the page names could not be had.
        warning = CardWarning(kind, f"{problem}: used the layout's fallback background") if post.image else None
        return Chosen(layout, why, None, warning, unavailable=lost)
    if options.config.no_image_layout != name:
        # Without its photo a photo design is half empty: the brand card is made for this.
        fallback = ctx.layouts.get(options.config.no_image_layout)
        return Chosen(fallback, "no image", None,
                      CardWarning(kind, f"{problem}: used the fallback layout {fallback.name!r}"), unavailable=lost)
    return Chosen(layout, why, None, CardWarning(kind, f"{problem}: used the layout's fallback background"),
                  unavailable=lost)


class SomeCardsFailed(PostError):
    """Some of a post's cards could not be made (a quote no layout holds on one canvas); `records`
    are the cards that were, written and ready to be recorded."""

    def __init__(self, first: PostError, message: str, records: list[CardRecord]):
        super().__init__(first.path, first.field, message)
        self.records = records


def render_post(post: Post, ctx: RunContext, slug: str | None = None,
                numbered_from: str | None = None) -> list[CardRecord]:
    """All cards of one post. The image is fetched once and shared by every platform, and
    platforms of one canvas (og and Bluesky, X and Mastodon) share one drawing.

    A card that cannot be made is that card's error, not its post's: the other platforms' cards
    are made, and SomeCardsFailed carries them with the failures (all failing: the first error).
    `numbered_from`: the slug the post asked for, where the run numbered it (each card says so).
    """
    return draw_post(post, ctx, slug, numbered_from=numbered_from).finish()


@dataclass
class DrawnPost:
    """A post's cards, drawn; some may still be being encoded. `finish` waits for them and gives
    the records, or raises what render_post would."""

    order: dict[str, int]  # platform name → its place in the run's platforms
    records: list[CardRecord]  # cards encoded and written in line
    failures: list[tuple[int, PostError]]  # (place, error) of each card that could not be drawn
    encoding: list[Future[list[CardRecord]]]
    note: CardWarning | None = None  # said first on every card of the post

    def finish(self) -> list[CardRecord]:
        records = [*self.records, *(record for future in self.encoding for record in future.result())]
        records.sort(key=lambda record: self.order[record.platform])
        if self.note is not None:
            for record in records:
                record.add_warning(self.note, first=True)
        errors = [exc for _at, exc in sorted(self.failures, key=lambda failure: failure[0])]
        if errors and not records:
            raise errors[0]
        if errors:
            raise SomeCardsFailed(errors[0], "; ".join(f.message for f in errors), records)
        return records


def draw_post(post: Post, ctx: RunContext, slug: str | None = None,
              in_flight: deque[Future[list[CardRecord]]] | None = None, numbered_from: str | None = None) -> DrawnPost:
    """A post's cards drawn, each handed to an encoder thread where the run has them.
    `in_flight`: the run's cards waiting for or in an encoder, earlier posts' too, where one post
    is drawn while the last one's cards are encoded (None: this post's alone)."""
    chosen = choose(post, ctx)
    in_flight = deque() if in_flight is None else in_flight
    drawn = DrawnPost({platform.name: at for at, platform in enumerate(ctx.platforms)}, [], [], [],
                      slug_taken(numbered_from, slug or post.slug) if numbered_from else None)
    for canvas in _canvases(ctx.platforms):
        # No more cards drawn and waiting than there are encoders: a story canvas is 6 MB of
        # pixels, and ten of them at once would be the run's peak memory. (Waited for, not
        # asked for its result: an encoder's error is its own post's, raised by its finish.)
        while in_flight and len(in_flight) >= ctx.encode_threads:
            from concurrent.futures import wait  # here: only a run with encoder threads has cards in flight

            wait([in_flight.popleft()])
        finishes, failed = _draw_canvas(post, ctx, chosen, canvas, slug)
        drawn.failures += [(drawn.order[platform.name], exc) for platform, exc in failed]
        for finish in finishes:
            if ctx.encoders is None:
                drawn.records += finish()
            else:
                drawn.encoding.append(ctx.encoders.submit(finish))
                in_flight.append(drawn.encoding[-1])
    return drawn


def _canvases(platforms: list[Platform]) -> list[list[Platform]]:
    """The platforms grouped by canvas, in the order each canvas first comes."""
    groups: dict[tuple[object, ...], list[Platform]] = {}
    for platform in platforms:
        groups.setdefault(platform.canvas, []).append(platform)
    return list(groups.values())


Finish = Callable[[], list[CardRecord]]


def _draw_canvas(post: Post, ctx: RunContext, chosen: Chosen, canvas: list[Platform],
                 slug: str | None) -> tuple[list[Finish], list[tuple[Platform, PostError]]]:
    """The cards of platforms that share a canvas, drawn once; where it cannot be drawn, each
    platform tries alone, so that each failure is worded for its own platform."""
    try:
        return [_draw_card(post, ctx, chosen, canvas, slug)], []
    except PostError as exc:
        if len(canvas) == 1:
            return [], [(canvas[0], exc)]
    finishes, failures = [], []
    for platform in canvas:
        made, failed = _draw_canvas(post, ctx, chosen, [platform], slug)
        finishes += made
        failures += failed
    return finishes, failures


def _draw_card(post: Post, ctx: RunContext, chosen: Chosen, canvas: list[Platform], slug: str | None) -> Finish:
    """The card drawn on the canvas its platforms share, and what is left to do for it: encode it
    (once, where one file meets every platform's format and limit), write it and record it."""
    spec, card, used = compose_card(post, ctx, chosen, canvas[0], slug, keep_backdrop=False)
    if card.missing_in and not ctx.options.allow_missing_glyphs:
        source, chars = next(iter(card.missing_in.items()))
        raise PostError(post.source, _field_of(post, source),
                        f"{fonts.missing_summary(chars)} (--allow-missing-glyphs makes the card anyway)")

    # What waits for an encoder is the picture and its records, not the card's other images.
    image = card.image
    records = [_record(post, replace(spec, platform=platform), used, card) for platform in canvas]

    def finish() -> list[CardRecord]:
        made: list[tuple[str, export.Encoded]] = []
        done = []
        for platform, record in zip(canvas, records, strict=True):
            fmt, budget = ctx.options.output_for(platform)
            tried = next((e for f, e in made if f == fmt and e.first_try), None)
            encoded = tried if tried is not None and tried.fits(budget) else \
                export.encode(image, budget, fmt, photographic=record.image == "photo", tried=tried,
                              png_filters=ctx.png_filters)
            made.append((fmt, encoded))
            relative = f"{platform.name}/{spec.slug}.{encoded.extension}"
            files.write_atomic(ctx.options.out_dir / relative, encoded.data)
            done.append(_with_file(record, encoded, relative))
        return done

    return finish


def compose_card(post: Post, ctx: RunContext, chosen: Chosen, platform: Platform,
                 slug: str | None = None, keep_backdrop: bool = True) -> tuple[CardSpec, Rendered, Chosen]:
    """The card in the chosen layout, or in the one the site's rules lead to from it: a photo too
    small for the canvas, or one composition would rather not set text over (a face or subject
    covered, subjects no crop keeps whole, a photo the text would grey), is set beside the text
    (photo_aside_layout); a quote or attribution that does not fit even at the smallest size goes to
    the next roomier layout (band → photo → brand → long), never shortened unless the user allows
    it. None fitting is that card's error."""
    options, tried = ctx.options, []
    aside = _aside_design(post, ctx, chosen)
    used = chosen
    if aside is not None and _upscale(chosen, platform) > SMALL_PHOTO_SCALE:
        used = _set_aside(chosen, aside, small=True)
    while True:
        spec = plan_card(post, used.layout, platform, slug, ctx.brand, allow_shortening=options.shortening_allowed)
        aside = _aside_design(post, ctx, used)
        try:
            seen = ctx.seen(used.picture, post.focal_point) if used.picture and used.layout.uses_photo else None
            card = render(spec, used.picture, seen, aside=aside is not None and aside.name not in tried,
                          keep_backdrop=keep_backdrop)
        except PhotoAside as exc:
            assert aside is not None  # only asked for when there is one
            tried.append(used.layout.name)
            used = _set_aside(used, aside, problem=exc.problem)
            continue
        except ShapingUnavailable as exc:
            raise PostError(post.source, _field_of(post, exc.source), str(exc)) from None
        except DoesNotFit as exc:
            tried.append(used.layout.name)
            roomier = options.config.step_down.get(used.layout.name)
            if (not roomier or roomier in tried) and _headline_instead(post, exc):
                headline = replace(post, kind="headline")
                detour = Detour(Kind.HEADLINE_INSTEAD, used.layout.name, options.config.headline_layout)
                used = replace(choose(headline, ctx), detours=(*used.detours, detour))
                post = headline
                continue
            if not roomier or roomier in tried:
                raise PostError(post.source, _field_of(post, exc.source),
                                f"{exc} on {platform.name} in {' or '.join(tried)}; it is never shortened unless "
                                "asked (--allow-shortening, or allow_shortening = true in the site config)") from None
            detour = Detour(Kind.STEPPED_DOWN, used.layout.name, roomier, detail=exc.source)
            used = replace(used, layout=ctx.layouts.get(roomier), why="step-down", detours=(*used.detours, detour))
            continue
        return spec, card, used


def _headline_instead(post: Post, exc: DoesNotFit) -> bool:
    """Whether a quote that fits no layout gives way to the page's headline card (never no card,
    never a cut quote): where the quote or its attribution did not fit, and there is a title."""
    return post.kind == "quote" and exc.source in NEVER_CUT and bool(post.title)


def _upscale(chosen: Chosen, platform: Platform) -> float:
    """How far a full-bleed photo must be scaled up to cover the canvas (1 or less: not at all)."""
    if chosen.picture is None or not chosen.layout.background.photo:
        return 0.0
    return max(platform.width / chosen.picture.width, platform.height / chosen.picture.height)


def _aside_design(post: Post, ctx: RunContext, used: Chosen) -> Layout | None:
    """The site's design with the photo beside the text, where `used` lays a photo under the text
    and may go there (a headline card's own, for a page without a quote); a headline card only to
    a design that can set a title."""
    config = ctx.options.config
    name = config.headline_aside_layout if post.kind == "headline" else config.photo_aside_layout
    if not name or name == used.layout.name or used.picture is None or not used.layout.background.photo:
        return None
    design = ctx.layouts.get(name)
    return design if post.kind == "quote" or design.sets("title") else None


def _set_aside(used: Chosen, design: Layout, small: bool = False, problem: Problem | None = None) -> Chosen:
    """`used` set in `design` instead, saying why: the photo is too small for the canvas, or
    composition found a problem with it under the text (compose.Problem)."""
    assert used.picture is not None
    if small or problem is None:
        detour = Detour(Kind.SMALL_PHOTO, used.layout.name, design.name,
                        detail=f"{used.picture.width}\u00d7{used.picture.height}")
        return replace(used, layout=design, why="small photo", detours=(*used.detours, detour))
    detour = Detour(problem.kind, used.layout.name, design.name, share=problem.share)
    why: LayoutSource = "subject covered" if problem.kind == Kind.SUBJECT_COVERED else \
        "subject cropped" if problem.kind == Kind.SUBJECT_CROPPED else "heavy veil"
    return replace(used, layout=design, why=why, detours=(*used.detours, detour))


def _with_file(record: CardRecord, encoded: export.Encoded, relative: str) -> CardRecord:
    """The card's record with the file it was written to."""
    return replace(record, path=relative, bytes=len(encoded.data), sha256=hashlib.sha256(encoded.data).hexdigest(),
                   encode=encoded.how, format=encoded.format.name, mime=encoded.mime, quality=encoded.quality)


def _record(post: Post, spec: CardSpec, chosen: Chosen, card: Rendered) -> CardRecord:
    """What a drawn card is, before it is encoded: its file's fields are left empty (_with_file)."""
    texts = spec.texts
    alt, alt_warning = (alt_text(texts.get("quote", ""), texts.get("attribution", "")) if spec.kind == "quote"
                        else headline_alt(texts.get("title", ""), texts.get("byline", "")))
    warnings = [*post.notes, *chosen.warnings_on(spec.platform), *card.warnings,
                *([alt_warning] if alt_warning else [])]
    main = card.blocks.get("quote") or card.blocks.get("title")  # what the card is read for
    attribution = card.blocks.get("attribution")
    main_box = card.text_boxes.get("quote") or card.text_boxes.get("title")
    return CardRecord(
        post=str(post.source),
        slug=spec.slug,
        platform=spec.platform.name,
        layout=chosen.layout.name,
        path="",
        width=card.image.width,
        height=card.image.height,
        bytes=0,
        sha256="",
        font_size=main.size if main else 0,
        lines=main.lines_as_set if main else [],
        warnings=[w.message for w in warnings],
        warning_kinds=[w.kind.value for w in warnings],
        attribution_lines=attribution.lines_as_set if attribution else [],
        image=card.background,
        contrast=card.contrast,
        encode="",
        missing_glyphs=card.missing_glyphs,
        fonts_used=list(dict.fromkeys(f.label for b in card.blocks.values() for f in b.faces_used)),
        text_box=_xywh(main_box) if main_box else None,
        overflow=any(b.shortened for b in card.blocks.values()),
        focus=[round(v, 3) for v in card.focus] if card.focus else None,
        focus_source=card.focus_source,
        layout_source=chosen.why,
        title=post.title,
        date=post.date,
        alt=alt,
        kind=spec.kind,
        lang=post.lang,
        lang_source=post.lang_source,
        **composition(card),
    )


def composition(card: Rendered) -> dict[str, Any]:
    """What composition found and chose for a card, as the manifest records it (boxes x, y, w, h
    on the card; the crop in the photo's own pixels): its `crop`, `photo_box`, `subjects`,
    `text_boxes` and `placement`."""
    placement = {"candidate": card.placement, "score": card.score, "scores": card.scores} if card.placement else {}
    return {"crop": list(card.crop) if card.crop else None,
            "photo_box": _xywh(card.photo_box) if card.photo_box else None,
            "subjects": [{"kind": s.subject.kind, "source": s.subject.source, "box": _xywh(s.box)}
                         for s in card.subjects],
            "text_boxes": {source: _xywh(box) for source, box in card.text_boxes.items()},
            "placement": placement}


# X refuses image descriptions over 1,000 characters; past 420 a description is cut short by
# some of the networks the cards go to, and is long for a screen-reader user to sit through.
ALT_MAX_CHARS = 1000
ALT_LONG_CHARS = 420


def _field_of(post: Post, source: str) -> str:
    """The front-matter path a layer's text came from, for an error line."""
    return dict(post.sources).get(source) or _LAYER_FIELDS.get(source, source)


def alt_text(quote: str, attribution: str) -> tuple[str, CardWarning | None]:
    """What a quote card says, as one sentence a screen reader can speak (the whole quote, even
    where the card had to shorten it), and a warning when it is long or had to be cut."""
    attribution = attribution.translate(_UNREAD)
    return _capped(f"Quote: {quote} \u2014 {attribution}" if attribution else f"Quote: {quote}")


def headline_alt(title: str, byline: str) -> tuple[str, CardWarning | None]:
    """What a headline card says: the title, and who wrote it when (without the byline's bidi
    isolates: a screen reader has no use for them)."""
    byline = byline.translate(_UNREAD)
    return _capped(f"{title} \u2014 {byline}" if byline else title)


_UNREAD = {ord(ch): None for ch in textruns.DIRECTION_MARKS}  # they order the text: nothing to speak


def _capped(text: str) -> tuple[str, CardWarning | None]:
    if len(text) > ALT_MAX_CHARS:
        cut = text[: ALT_MAX_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
        return cut, CardWarning(Kind.ALT_TEXT_LONG,
                                f"alt text cut to {len(cut)} characters (networks accept {ALT_MAX_CHARS:,} at most)")
    if len(text) > ALT_LONG_CHARS:
        return text, CardWarning(Kind.ALT_TEXT_LONG,
                                 f"alt text is {len(text)} characters: some networks cut it after {ALT_LONG_CHARS}")
    return text, None


def _xywh(box: tuple[int, int, int, int]) -> list[int]:
    return [box[0], box[1], box[2] - box[0], box[3] - box[1]]


def slug_taken(wanted: str, slug: str) -> CardWarning:
    return CardWarning(Kind.SLUG_TAKEN, f"slug {wanted!r} already used by another post: wrote {slug}")


def write_manifest(out_dir: Path, cards: list[CardRecord], errors: list[ErrorRecord]) -> Path:
    """DIR/manifest.json for a `render` run, keeping earlier runs' records of cards it did not touch."""
    return manifest.merge(out_dir, [c.to_json() for c in cards], [e.to_json() for e in errors])
