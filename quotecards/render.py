"""CardSpec + photo → picture, in stages: find the subject, arrange the text off it, frame the
photo, place the text, paint the backdrop, lift the contrast, draw the text.

Each layer kind has its painter (PAINTERS); text layers are set in `place_text` and drawn last,
on a backdrop whose contrast under every line has been measured and, where needed, raised —
under the text only, so the photo keeps its light elsewhere.
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from . import contrast, focus, fonts, linebreak, photo, textruns, typeset
from .card_warnings import CardWarning, Kind
from .cleanup import decorative_mark, quote_marks
from .geometry import PixelBox
from .layout import BrandLayer, Color, ImageLayer, Layer, Layout, PhotoLayer, RectLayer, TextLayer
from .plan import CardSpec

Background = Literal["photo", "fallback"]
FocusSource = Literal["post", "auto", ""]  # the post's focal point, the most detail, or no photo
MIN_FONT_PX = 8  # no text is set smaller, whatever a layout's fractions give on a small canvas
CENTRE = (0.5, 0.5)  # the crop's centre when nothing says where the subject is
FIELD_CONTRAST_MARGIN = 1.15  # a colour field taken from the photo aims this far over the layout's minimum
MAIN_TEXTS = ("quote", "title")  # a card that cannot set these is no card; the rest may be left out
NEVER_CUT = ("quote", "attribution")  # someone's words and name: never shortened unless the user allows it
SHORT_WORDS, LONG_WORDS = 5, 15  # a layer's `grow` applies in full up to SHORT_WORDS, fading out by LONG_WORDS
MARK_TO_QUOTE = 2.4  # a decorative quote mark's size, as a multiple of the quote's, within its layer's range
# Between a name and its role: a comma (Latin, CJK, Arabic), an ideographic comma, a spaced dash.
ROLE_SEPARATOR = re.compile(r",\s|\u3001|\uff0c|\u060c\s?|\s[\u2013\u2014-]\s")
NAME_WORDS = 5  # a longer opening is not taken for a name
SIDE_SCRIM_FAR = 0.35  # with the text to one side, the layout's veil keeps this share of itself on the far side
Side = Literal["", "left", "right"]  # where the text group was moved on a landscape photo card


@dataclass
class Rendered:
    image: Image.Image
    blocks: dict[str, typeset.Block]  # layer source → the block as set
    boxes: dict[str, PixelBox]  # layer source → its box on the canvas incl. any hanging mark
    text_boxes: dict[str, PixelBox]  # layer source → where its lines were set
    contrast: float | None  # the worst text layer's contrast against the pixels under it
    background: Background
    backdrop: Image.Image  # the canvas just before the text went on: what the text is read against
    focus: tuple[float, float] | None = None  # where the photo was cropped around (fractions)
    focus_source: FocusSource = ""
    subject: PixelBox | None = None  # where the photo's subject sits on the canvas, when one stands out
    covered: float = 0.0  # the share of the subject under the main text's lines
    side: Side = ""  # the text group moved to this side, off the subject
    warnings: list[CardWarning] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)
    missing_in: dict[str, list[str]] = field(default_factory=dict)  # layer source → its characters no font has


@dataclass(frozen=True)
class Scene:
    """What every stage knows about the card being made."""

    spec: CardSpec
    layers: tuple[Layer, ...]
    picture: Image.Image | None
    mirror: bool  # a right-to-left quote mirrors the whole design
    side: Side = ""

    def area(self, layer: Layer) -> PixelBox:
        """Where `layer` goes on the canvas: inside the safe area, or the whole canvas if it bleeds."""
        width, height = self.spec.size
        box = layer.box.within(PixelBox(0, 0, width, height) if layer.bleed else self.spec.platform.safe_box)
        return box.mirrored(width) if self.mirror else box


@dataclass(frozen=True)
class Located:
    """Where the photo is cropped around, and where its subject then sits on the canvas."""

    point: tuple[float, float] | None
    source: FocusSource
    subject: PixelBox | None  # only for a photo under the text, and only when one part stands out


@dataclass(frozen=True)
class Framed:
    """The background the card starts from, and where its photo was cropped around."""

    base: Image.Image
    background: Background
    focus: tuple[float, float] | None
    focus_source: FocusSource


@dataclass(frozen=True)
class PlacedText:
    """A text layer as set: its block of lines, its box, and the top of its first line."""

    layer: TextLayer
    block: typeset.Block
    box: PixelBox
    top: int
    mirror: bool = False  # on a right-to-left card, where even a left-to-right name is set flush right

    @property
    def read(self) -> bool:
        return not self.layer.literal  # a decorative mark is seen, not read: no contrast rule

    @property
    def flush_right(self) -> bool:
        return self.block.rtl or self.mirror


@dataclass
class Placed:
    texts: list[PlacedText] = field(default_factory=list)
    warnings: list[CardWarning] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_in: dict[str, list[str]] = field(default_factory=dict)  # layer source → its characters no font has


def render(spec: CardSpec, picture: Image.Image | None) -> Rendered:
    """Draw the card. `picture` is the decoded featured image, or None for the fallback."""
    safe = spec.platform.safe_box
    main = spec.texts.get("quote") or spec.texts.get("title", "")  # what the card is read for
    mirror = bool(main) and textruns.bidi_levels(main)[1]
    scene = Scene(spec, spec.layout.layers_for(safe.width, safe.height), picture, mirror)
    located = locate(scene)
    scene = arrange(scene, located.subject)
    framed = frame(scene, located)
    placed = place_text(scene)
    scene, placed.texts[:] = centre_groups(scene, placed.texts)
    backdrop, worst = lift_contrast(scene, framed, placed.texts)
    warnings = placed.warnings
    target = spec.layout.background.min_contrast
    if worst is not None and worst < target:
        warnings.append(CardWarning(Kind.LOW_CONTRAST, f"low contrast: text reaches {worst:.2f}:1, under {target:g}:1"))
    return Rendered(
        image=draw_text(backdrop, placed.texts, spec.lang),
        backdrop=backdrop,
        blocks={p.layer.source: p.block for p in placed.texts},
        boxes={p.layer.source: _with_hang(p.box, p.block) for p in placed.texts},
        text_boxes={p.layer.source: _literal_ink(p, spec.lang) if p.layer.literal else _ink_area(p)
                    for p in placed.texts},
        contrast=worst,
        background=framed.background,
        focus=framed.focus,
        focus_source=framed.focus_source,
        subject=located.subject,
        covered=_covered(located.subject, placed.texts),
        side=scene.side,
        warnings=warnings,
        missing_glyphs=placed.missing,
        missing_in=placed.missing_in,
    )


# -- stage 1: find the subject, and arrange the text off it -----------------------------------

def locate(scene: Scene) -> Located:
    """The point the photo is cropped around (the post's, or the most detail) and, for a photo under
    the text, where its subject then sits on the canvas."""
    spec, picture, layout = scene.spec, scene.picture, scene.spec.layout
    if picture is None or not layout.uses_photo:
        return Located(None, "", None)
    # The crop is chosen for the box the photo fills: the canvas, or a split card's half.
    boxes = [scene.area(layer) for layer in scene.layers if isinstance(layer, PhotoLayer)]
    box_size = spec.size if layout.background.photo or not boxes else (boxes[0].width, boxes[0].height)
    given = spec.focal_point is not None
    point = spec.focal_point or focus.auto_focus(picture, box_size)
    found = focus.subject(picture, spec.size, point, given) if layout.background.photo else None
    width, height = spec.size
    subject = None if found is None else PixelBox(round(found[0] * width), round(found[1] * height),
                                                  round(found[2] * width), round(found[3] * height))
    return Located(point, "post" if given else "auto", subject)


def arrange(scene: Scene, subject: PixelBox | None) -> Scene:
    """On a landscape photo card whose layout allows it (`[compose] text_width`), the text group
    narrowed to the side of the canvas away from an off-centre subject."""
    layout, (width, _height) = scene.spec.layout, scene.spec.size
    safe = scene.spec.platform.safe_box
    if subject is None or layout.text_width >= 1 or safe.width <= safe.height * 1.15:
        return scene
    centre = (subject.left + subject.right) / 2 / width
    if abs(centre - 0.5) < 0.05:
        return scene  # dead centre: no side is free; the card may step aside (cards.py)
    side: Side = "right" if centre < 0.5 else "left"
    share = layout.text_width
    # Boxes are in reading order and mirrored later for a right-to-left card: flip the side first.
    start = (side == "right") != scene.mirror
    span = (1 - share, 1.0) if start else (0.0, share)
    layers = tuple(replace(layer, box=layer.box.squeezed(*span))
                   if not layer.bleed and not isinstance(layer, PhotoLayer) else layer for layer in scene.layers)
    return replace(scene, layers=layers, side=side)


def frame(scene: Scene, located: Located) -> Framed:
    """The photo cropped around its subject (with the layout's scrim), or the fallback background."""
    spec, picture, layout = scene.spec, scene.picture, scene.spec.layout
    point, source = located.point, located.source
    if picture is not None and layout.background.photo:
        # The scrim is for photos; the fallback's own colours are chosen to carry text.
        return Framed(_scrim(photo.cover(picture, spec.size, point or CENTRE), layout, scene.side), "photo", point,
                      source)
    background: Background = "photo" if picture is not None and layout.uses_photo else "fallback"
    return Framed(photo.fallback_background(spec.size, layout.background.fallback), background, point, source)


# -- stage 2: place the text -------------------------------------------------------------------

def place_text(scene: Scene) -> Placed:
    """Every text layer set at the largest size that fits its box, and where it goes.

    The main text (the quote, or a headline's title) is set first: the attribution is never set
    larger than the quote, and a decorative quote mark scales with it.
    """
    spec = scene.spec
    placed = Placed()
    texts = [layer for layer in scene.layers if isinstance(layer, TextLayer) and _text_of(layer, spec, scene.mirror)]
    for layer in sorted(texts, key=lambda layer: layer.source not in MAIN_TEXTS):
        box = scene.area(layer)
        if layer.literal:
            mark = _place_mark(layer, _text_of(layer, spec, scene.mirror), box, _sizes(layer, scene, placed), spec.lang)
            if mark is None:
                placed.warnings.append(_left_out(layer))
            else:
                placed.texts.append(mark)
            continue
        try:
            block = _set(layer, _text_of(layer, spec, scene.mirror), box, _sizes(layer, scene, placed), spec.lang,
                         shorten=spec.allow_shortening or layer.source not in NEVER_CUT,
                         marks=layer.hang_quotes and not spec.own_marks)
        except (typeset.ShapingUnavailable, typeset.DoesNotFit) as exc:
            exc.source = layer.source
            raise
        except ValueError:
            if layer.source in MAIN_TEXTS:
                raise
            placed.warnings.append(_left_out(layer))
            continue
        placed.texts.append(PlacedText(layer, block, box, _valign(layer.valign, box, block.height), scene.mirror))
        _note_problems(layer, block, placed)
    placed.texts.sort(key=lambda p: texts.index(p.layer))  # drawn in the layout's order
    return placed


def _place_mark(layer: TextLayer, text: str, box: PixelBox, sizes: tuple[int, int], lang: str) -> PlacedText | None:
    """A decorative mark at the largest size in `sizes` whose ink fits the box, placed by its ink.

    A mark's line box says little about where it is drawn: “ sits at the cap height, « mid-line,
    「 in one half of its em. Its ink starts where the box does (on the reading side) and at its
    top, so every language's mark lines up with the text as “ does.
    """
    stack = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    size = sizes[1]
    while size >= sizes[0]:
        size, tried = size - max(1, size // 25), size  # in steps of 4 %: a mark's exact size is not seen
        try:
            block = typeset.set_text(text, stack, box.width, 10**6, tried, tried, line_height=1.0, max_lines=1,
                                     lang=lang)
        except ValueError:
            continue  # its line is wider than the box at this size
        x0, y0, x1, y1 = _ink_bounds(block, lang)
        if x1 - x0 <= box.width and y1 - y0 <= box.height:
            row = block.rows[0]
            start = _row_left(box, block, row, layer.align, block.rtl) + row.pieces[-1].x
            dx = round(box.left - (start + x0)) if not block.rtl else round(box.right - (start + x1))
            top = box.top - block.ascent - round(y0)
            return PlacedText(layer, block, box._replace(left=box.left + dx, right=box.right + dx), top)
    return None


def _sizes(layer: TextLayer, scene: Scene, placed: Placed) -> tuple[int, int]:
    """The smallest and largest px size `layer` may be set at on this canvas.

    A quote is never set under the platform's legible floor (it steps down instead); a short one
    may grow past the layer's top size (`grow`), so four words do not sit small in an empty card;
    an attribution stays at or under the quote's size; a decorative mark follows the quote.
    """
    spec = scene.spec
    safe = spec.platform.safe_box
    short_side = min(safe.width, safe.height)
    low, high = (max(MIN_FONT_PX, round(f * short_side)) for f in layer.size)
    quote = next((p.block.size for p in placed.texts if p.layer.source == "quote"), None)
    if layer.source == "quote":
        low = max(low, spec.platform.legible_px)
        high = max(low, round(high * _growth(layer, spec.texts.get("quote", ""), spec.lang)))
    elif layer.source == "title":
        high = round(high * _growth(layer, spec.texts.get("title", ""), spec.lang))
    elif layer.source == "attribution" and quote:
        low, high = min(low, quote), min(high, quote)  # who said it never outweighs what was said
    elif layer.literal and quote:
        high = max(low, min(high, round(quote * MARK_TO_QUOTE)))
    return low, high


def _growth(layer: TextLayer, text: str, lang: str) -> float:
    """How far past its top size a text of this many words may be set: all of `grow` for a few
    words, none from LONG_WORDS on."""
    if layer.grow <= 1 or not text:
        return 1.0
    words = len(linebreak.segments(text, linebreak.locale_for(text, lang)))
    share = min(1.0, max(0.0, (LONG_WORDS - words) / (LONG_WORDS - SHORT_WORDS)))
    return 1 + (layer.grow - 1) * share


def centre_groups(scene: Scene, texts: list[PlacedText]) -> tuple[Scene, list[PlacedText]]:
    """Each group of layers (`group = "…"`) stacked as set, top to bottom with the gaps between
    their boxes kept, and centred in the room the boxes span: a short quote and its attribution
    sit together in the middle of a colour field, not pinned apart with the space between empty."""
    layers, texts = list(scene.layers), list(texts)
    for name in dict.fromkeys(getattr(layer, "group", "") for layer in layers):
        if not name:
            continue
        members = sorted((i for i, layer in enumerate(layers) if getattr(layer, "group", "") == name),
                         key=lambda i: scene.area(layers[i]).top)
        areas = {i: scene.area(layers[i]) for i in members}
        spans = {i: span for i in members if (span := _extent(layers[i], areas[i], texts, scene.spec.lang))}
        if not spans:
            continue
        order = [i for i in members if i in spans]
        gaps = [max(0, areas[b].top - areas[a].bottom) for a, b in zip(order, order[1:])]
        total = sum(spans[i][1] for i in order) + sum(gaps)
        room = (min(a.top for a in areas.values()), max(a.bottom for a in areas.values()))
        y = round((room[0] + room[1] - total) / 2)
        for k, i in enumerate(order):
            layers[i], texts = _shift(layers[i], y - spans[i][0], areas[i], scene, texts)
            y += spans[i][1] + (gaps[k] if k < len(gaps) else 0)
    return replace(scene, layers=tuple(layers)), texts


def _extent(layer: Layer, area: PixelBox, texts: list[PlacedText], lang: str) -> tuple[int, int] | None:
    """Where `layer` starts as set and how tall it is: a text its lines (a decorative mark its ink),
    anything else its box; None for a text that was left out."""
    if isinstance(layer, TextLayer):
        placed = next((p for p in texts if p.layer is layer), None)
        if placed is None:
            return None
        if layer.literal:
            ink = _literal_ink(placed, lang)
            return ink.top, ink.bottom - ink.top
        return placed.top, placed.block.height
    return area.top, area.bottom - area.top


def _shift(layer: Layer, dy: int, area: PixelBox, scene: Scene,
           texts: list[PlacedText]) -> tuple[Layer, list[PlacedText]]:
    """`layer` moved down by `dy` px, and its placed text with it."""
    reference = scene.spec.size[1] if layer.bleed else scene.spec.platform.safe_box.height
    step = dy / reference
    moved = replace(layer, box=replace(layer.box, top=layer.box.top + step, bottom=layer.box.bottom + step))
    texts = [replace(p, layer=moved, top=p.top + dy, box=p.box._replace(top=p.box.top + dy, bottom=p.box.bottom + dy))
             if p.layer is layer and isinstance(moved, TextLayer) else p for p in texts]
    return moved, texts


def _covered(subject: PixelBox | None, texts: list[PlacedText]) -> float:
    """The share of the subject's box under the main text's lines."""
    main = next((p for p in texts if p.layer.source in MAIN_TEXTS), None)
    if subject is None or main is None:
        return 0.0
    area = max(1, (subject.right - subject.left) * (subject.bottom - subject.top))
    under = 0
    for line in _line_areas(main):
        w = min(line.right, subject.right) - max(line.left, subject.left)
        h = min(line.bottom, subject.bottom) - max(line.top, subject.top)
        under += max(0, w) * max(0, h)
    return round(min(1.0, under / area), 3)


def _left_out(layer: TextLayer) -> CardWarning:
    if layer.literal:
        return CardWarning(Kind.DECORATION_LEFT_OUT, f"decorative {layer.literal!r} left out: its box is too small "
                                                     "on this canvas")
    return CardWarning(Kind.TEXT_LEFT_OUT, f"{layer.source} left out: it does not fit its box on this canvas")


def _note_problems(layer: TextLayer, block: typeset.Block, placed: Placed) -> None:
    if block.shortened:
        placed.warnings.append(CardWarning(Kind.SHORTENED, f"{layer.source} shortened to fit its box at the "
                                                           "smallest size"))
    missing = list(dict.fromkeys(block.missing))
    if missing:
        placed.missing.extend(ch for ch in missing if ch not in placed.missing)
        placed.missing_in.setdefault(layer.source, missing)
        placed.warnings.append(CardWarning(Kind.MISSING_GLYPHS, f"{layer.source}: {fonts.missing_summary(missing)}"))


# -- stage 3: paint the backdrop ---------------------------------------------------------------

Painter = Callable[[Image.Image, Layer, PixelBox, Scene, "Framed"], None]


def _paint_rect(canvas: Image.Image, layer: Layer, box: PixelBox, scene: Scene, framed: Framed) -> None:
    assert isinstance(layer, RectLayer)
    color = layer.color
    if layer.color_from_photo and scene.picture is not None:
        taken = photo.main_color(scene.picture, layer.color_from_photo)
        # A margin over the minimum: text is measured against the pixels under it, antialiased
        # edges and the accent rule beside the field included.
        color = contrast.readable_variant((*taken, layer.color[3]), layer.contrast_with,
                                          scene.spec.layout.background.min_contrast * FIELD_CONTRAST_MARGIN)
    ImageDraw.Draw(canvas, "RGBA").rectangle(box.inclusive(), fill=color)


def _paint_image(canvas: Image.Image, layer: Layer, box: PixelBox, scene: Scene, framed: Framed) -> None:
    """The layout's own picture in its box: cropped to fill it, fitted inside it, or tiled."""
    assert isinstance(layer, ImageLayer)
    source, size = layer.picture, (box.width, box.height)
    if layer.fit == "tile":
        picture = Image.new("RGBA", size)
        for y in range(0, size[1], source.height):
            for x in range(0, size[0], source.width):
                picture.paste(source, (x, y))
    elif layer.fit == "contain":
        fitted = source.copy()
        fitted.thumbnail(size, Image.Resampling.LANCZOS)
        picture = Image.new("RGBA", size)
        picture.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
    else:
        picture = ImageOps.fit(source, size, Image.Resampling.LANCZOS)
    alpha = picture.getchannel("A")
    if layer.opacity < 1:
        alpha = alpha.point([round(v * layer.opacity) for v in range(256)])
    canvas.paste(picture.convert("RGB"), (box.left, box.top), alpha)


def _paint_photo(canvas: Image.Image, layer: Layer, box: PixelBox, scene: Scene, framed: Framed) -> None:
    if scene.picture is not None:
        canvas.paste(photo.cover(scene.picture, (box.width, box.height), framed.focus or CENTRE),
                     (box.left, box.top))


def _paint_brand(canvas: Image.Image, layer: Layer, box: PixelBox, scene: Scene, framed: Framed) -> None:
    """The logo, fitted into the box and aligned; else the site's name set in the layer's face."""
    assert isinstance(layer, BrandLayer)
    brand = scene.spec.brand
    if brand.logo is not None:
        logo = brand.logo.copy()
        logo.thumbnail((box.width, box.height), Image.Resampling.LANCZOS)
        x = box.left + _brand_offset(layer.align, scene.mirror, box.width - logo.width)
        canvas.paste(logo, (x, box.top + (box.height - logo.height) // 2), logo if logo.mode == "RGBA" else None)
    elif brand.site_name:
        block = typeset.set_text(brand.site_name, fonts.stack_for(layer.face), box.width, box.height,
                                 max(MIN_FONT_PX, box.height // 3), max(MIN_FONT_PX, box.height), line_height=1.0,
                                 max_lines=1)
        row = block.rows[0]
        left = box.left + _brand_offset(layer.align, scene.mirror, box.width - row.width)
        baseline = box.top + (box.height - block.height) // 2 + block.ascent
        draw = ImageDraw.Draw(canvas)
        for piece in row.pieces:
            draw.text((left + piece.x, baseline), piece.text, font=fonts.load(piece.face, block.size),
                      fill=layer.color, anchor="ls", **typeset.shaping_options(piece.rtl, scene.spec.lang))


def _brand_offset(align: str, mirror: bool, room: float) -> int:
    """Where in its box the brand starts: centred, or flush to the card's reading side."""
    return round(room / 2 if align == "center" else room if mirror else 0)


# Each layer kind that is painted under the text; text layers are set and drawn by stages 2 and 5.
PAINTERS: dict[type, Painter] = {RectLayer: _paint_rect, PhotoLayer: _paint_photo, BrandLayer: _paint_brand,
                                  ImageLayer: _paint_image}


def paint_backdrop(scene: Scene, framed: Framed, under: Image.Image) -> Image.Image:
    """`under` (the background) with every layer that is not text painted on it, in order."""
    canvas = under.copy()
    for layer in scene.layers:
        painter = PAINTERS.get(type(layer))
        if painter is not None:
            painter(canvas, layer, scene.area(layer), scene, framed)
    return canvas


# -- stage 4: lift the contrast ----------------------------------------------------------------

def lift_contrast(scene: Scene, framed: Framed, texts: list[PlacedText]) -> tuple[Image.Image, float | None]:
    """The backdrop, its background veiled just enough for every line of text to be read, and the
    worst contrast of any line."""
    layout = scene.spec.layout
    read = [p for p in texts if p.read]
    canvas = paint_backdrop(scene, framed, framed.base)
    start, worst = _extra_scrim(canvas, layout, read)
    if start <= 0:
        return canvas, worst
    return contrast.veil_until_readable(
        framed.base, canvas, worst, start, layout.background.min_contrast, layout.background.scrim,
        paint=lambda under: paint_backdrop(scene, framed, under), worst_of=lambda veiled: _worst_contrast(veiled, read),
        where=_around_text(framed.base.size, read))


def _around_text(size: tuple[int, int], placed: list[PlacedText]) -> Image.Image:
    """A soft mask over the text's lines: an extra veil darkens where the text is, not the subject."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    reach = 1
    for p in placed:
        margin = p.block.line_height // 2
        reach = max(reach, margin)
        for line in _line_areas(p):
            draw.rectangle((line.left - margin, line.top - margin, line.right + margin, line.bottom + margin), fill=255)
    # The blur stays inside the margin, so every line still sits on the full veil.
    return mask.filter(ImageFilter.BoxBlur(reach // 2))


def _extra_scrim(canvas: Image.Image, layout: Layout, placed: list[PlacedText]) -> tuple[float, float | None]:
    """The least extra veil over the background that brings every line of text to the minimum.

    Measured line by line, not over a whole block: a bright cup under two words of one line
    must not hide in the dark around the others. None is added where none is needed, so bright
    photos are not darkened more than readability asks.
    """
    scrim, target = layout.background.scrim, layout.background.min_contrast
    needs = [contrast.scrim_needed(contrast.sample(canvas, area), p.layer.color, scrim, target)
             for p in placed for area in _line_areas(p)]
    if not needs:
        return 0.0, None
    extra = max(step for step, _reached in needs)
    # With no extra veil the canvas is as measured: its worst line is already known.
    return extra, (round(min(reached for _step, reached in needs), 2) if extra == 0 else None)


def _worst_contrast(canvas: Image.Image, placed: list[PlacedText]) -> float | None:
    values = [contrast.worst_contrast(contrast.sample(canvas, area), p.layer.color)
              for p in placed for area in _line_areas(p)]
    return round(min(values), 2) if values else None


# -- stage 5: draw the text ----------------------------------------------------------------------

def draw_text(backdrop: Image.Image, texts: list[PlacedText], lang: str) -> Image.Image:
    canvas = backdrop.copy()
    draw = ImageDraw.Draw(canvas)
    for placed in texts:
        _draw_block(canvas, draw, placed, lang)
    return canvas


def _text_of(layer: Layer, spec: CardSpec, rtl: bool) -> str:
    if not isinstance(layer, TextLayer):
        return ""
    if layer.literal:
        # A decorative mark follows the language's quotation marks (« in French, 「 in Japanese);
        # on a right-to-left card a right-to-left mark makes it mirror as the quote's own does.
        mark = decorative_mark(spec.lang, rtl) if layer.literal == "\u201c" else layer.literal
        return "\u200f" + mark if rtl else mark
    return fill(layer.source, spec.texts) or (fill(layer.fallback, spec.texts) if layer.fallback else "")


def fill(source: str, texts: dict[str, str]) -> str:
    """A field's text, or a template's with every field it names filled; "" when any is empty."""
    if "{" not in source:
        return texts.get(source, "")
    values = {name: texts.get(name, "") for _t, name, _s, _c in string.Formatter().parse(source) if name}
    return source.format_map(values) if all(values.values()) else ""


def _set(layer: TextLayer, text: str, box: PixelBox, sizes: tuple[int, int], lang: str,
         shorten: bool = True, marks: bool = False) -> typeset.Block:
    stack = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    hang = closing = ""
    if marks:
        hang, closing = quote_marks(lang, textruns.bidi_levels(text)[1])
    return typeset.set_text(
        text,
        stack,
        box_width=box.width,
        box_height=box.height,
        min_size=sizes[0],
        max_size=sizes[1],
        line_height=layer.line_height,
        hang=hang,
        max_lines=layer.max_lines,
        lang=lang,
        tail=closing,
        shorten=shorten,
        opens_with_name=layer.source == "attribution",  # "Oksana | Petrenko" must not happen
        styles=_name_first(layer, text, lang) if layer.source == "attribution" else (),
    )


def _name_first(layer: TextLayer, text: str, lang: str) -> textruns.Styles:
    """An attribution with its name in the layer's face and its role, before or after it, in the
    face 200 lighter ("Ayşe Çelik, launch director"; "Azerbaijani president, Ilham Aliyev, on …"),
    so the name reads first; nothing when the two cannot be told apart."""
    parts, at = [], 0
    for match in [*ROLE_SEPARATOR.finditer(text), None]:
        end = match.start() if match else len(text)
        parts.append((at, end))
        at = match.end() if match else at
    name = next(((a, b) for a, b in parts if _looks_like_name(text[a:b])), None)
    if len(parts) < 2 or name is None or layer.face.weight < 500:
        return ()
    try:
        lighter = fonts.find_face(layer.face.family, layer.face.weight - 200, italic=layer.face.italic, system=True)
    except fonts.FontError:
        return ()
    if lighter.weight >= layer.face.weight:
        return ()
    light = fonts.stack_for(lighter, fonts.cjk_variant(text, lang))
    strong = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    return ((0, light), (name[0], strong), (name[1], light)) if name[0] else ((name[1], light),)


def _looks_like_name(part: str) -> bool:
    """A few words, no digits, each word capitalised where its script has capitals (a role is
    written in lower case: "launch director"; a script without capitals cannot tell, and the
    first part is taken)."""
    words = part.split()
    if not 1 <= len(words) <= NAME_WORDS or any(ch.isdigit() for ch in part):
        return False
    return all(not word[:1].islower() for word in words)


def _valign(valign: str, box: PixelBox, block_height: int) -> int:
    if valign == "bottom":
        return box.bottom - block_height
    if valign == "center":
        return box.top + (box.height - block_height) // 2
    return box.top


def _scrim(canvas: Image.Image, layout: Layout, side: Side = "") -> Image.Image:
    """A vertical veil in the scrim colour, from the top opacity to the bottom one; with the text
    moved to one side, fading towards the other, where the subject is."""
    veil, mask = _veil(canvas.size, layout.background.scrim[:3], layout.background.scrim_opacity, side)
    return Image.composite(veil, canvas, mask)


@functools.lru_cache(maxsize=16)
def _veil(size: tuple[int, int], color: tuple[int, ...], opacity: tuple[float, float],
          side: Side = "") -> tuple[Image.Image, Image.Image]:
    # The same few canvas sizes and layouts come back card after card: made once per process.
    # Pure (its result depends on its arguments alone) and immutable once made, so it is shared.
    top, bottom = opacity
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    mask = ramp.point([round(255 * (top + (bottom - top) * v / 255)) for v in range(256)])
    if side:
        # Opaque on the text's side (a gradient's 0 there), thinning towards the subject's.
        across = Image.linear_gradient("L").rotate(90 if side == "left" else -90)
        across = across.resize(size, Image.Resampling.BILINEAR)
        across = across.point([round(255 * (1 - (1 - SIDE_SCRIM_FAR) * v / 255)) for v in range(256)])
        mask = ImageChops.multiply(mask, across)
    return Image.new("RGB", size, color), mask


def _ink_bounds(block: typeset.Block, lang: str) -> tuple[int, int, int, int]:
    """The ink of a one-line block, relative to its first piece's origin on the baseline."""
    piece = block.rows[0].pieces[-1]
    return _ink_of(piece.text, piece.face, block.size, piece.rtl, lang, piece.half)


@functools.lru_cache(maxsize=256)
def _ink_of(text: str, face: fonts.Face, size: int, rtl: bool, lang: str, half: bool) -> tuple[int, int, int, int]:
    # Pillow's bounding box reaches from the origin and the baseline to the glyphs, not around
    # their ink; a mark's ink (“ high up, 「 in one corner of its em) is found by drawing it.
    # A pure function of its arguments, for a few marks and sizes: kept per process.
    font = fonts.load(face, size)
    options = typeset.shaping_options(rtl, lang, half)
    x0, y0, x1, y1 = (math.floor(v) if i < 2 else math.ceil(v)
                      for i, v in enumerate(font.getbbox(text, anchor="ls", **options)))
    pad = 2
    canvas = Image.new("L", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad))
    ImageDraw.Draw(canvas).text((pad - x0, pad - y0), text, font=font, fill=255, anchor="ls", **options)
    ink = canvas.getbbox()
    if ink is None:
        return x0, y0, x1, y1
    return ink[0] + x0 - pad, ink[1] + y0 - pad, ink[2] + x0 - pad, ink[3] + y0 - pad


def _literal_ink(placed: PlacedText, lang: str) -> PixelBox:
    block = placed.block
    row = block.rows[0]
    piece = row.pieces[-1]
    x0, y0, x1, y1 = _ink_bounds(block, lang)
    left = _row_left(placed.box, block, row, placed.layer.align, placed.flush_right) + piece.x
    baseline = placed.top + block.ascent
    return PixelBox(math.floor(left + x0), math.floor(baseline + y0), math.ceil(left + x1), math.ceil(baseline + y1))


def _row_left(box: PixelBox, block: typeset.Block, row: typeset.Line, align: str, flush_right: bool) -> float:
    if align == "center":
        return box.left + (box.width - row.width) / 2
    return box.right - row.width if flush_right else box.left


def _line_areas(placed: PlacedText) -> list[PixelBox]:
    """Where each line's letters sit: its own width (the hang included), from ascent to descent."""
    block, areas = placed.block, []
    for i, row in enumerate(block.rows):
        if row.width <= 0:
            continue
        baseline = placed.top + block.ascent + i * block.line_height
        left = _row_left(placed.box, block, row, placed.layer.align, placed.flush_right)
        right = left + row.width
        if i == 0 and block.hang:
            left, right = (left, right + block.hang_width) if block.rtl else (left - block.hang_width, right)
        areas.append(PixelBox(max(0, math.floor(left)), baseline - block.ascent, math.ceil(right),
                              baseline + block.descent))
    return areas


def _with_hang(box: PixelBox, block: typeset.Block) -> PixelBox:
    if block.rtl:
        return box._replace(right=box.right + block.hang_width)
    return box._replace(left=box.left - block.hang_width)


def _ink_area(placed: PlacedText) -> PixelBox:
    """Where the block's text is set, hanging mark included."""
    areas = _line_areas(placed)
    box, top = placed.box, placed.top
    if not areas:
        return PixelBox(box.left, top, box.left, top)
    return PixelBox(min(a.left for a in areas), top, max(a.right for a in areas), top + placed.block.height)


def _draw_block(canvas: Image.Image, draw: ImageDraw.ImageDraw, placed: PlacedText, lang: str) -> None:
    layer, block = placed.layer, placed.block
    for i, row in enumerate(block.rows):
        baseline = placed.top + block.ascent + i * block.line_height
        left = _row_left(placed.box, block, row, layer.align, placed.flush_right)
        if i == 0 and block.hang and block.hang_face is not None:
            hang_x = left + row.width if block.rtl else left - block.hang_width
            _draw_piece(canvas, draw, block.hang, block.hang_face, block.rtl, hang_x, baseline, block.size,
                        layer.color, lang)
        for piece in row.pieces:
            _draw_piece(canvas, draw, piece.text, piece.face, piece.rtl, left + piece.x, baseline, block.size,
                        layer.color, lang, piece.half)


def _draw_piece(canvas: Image.Image, draw: ImageDraw.ImageDraw, text: str, face: fonts.Face, rtl: bool,
                x: float, baseline: int, size: int, color: Color, lang: str, half: bool = False) -> None:
    font = fonts.load(face, size)
    options = typeset.shaping_options(rtl, lang, half)
    if not face.bitmap_size:
        draw.text((x, baseline), text, font=font, fill=color, anchor="ls", **options)
        return
    # Colour bitmap emoji exist at one pixel size only: draw there, then scale to the text size.
    ascent, descent = font.getmetrics()
    width = max(1, math.ceil(font.getlength(text, **options)))
    glyphs = Image.new("RGBA", (width, ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(glyphs).text((0, ascent), text, font=font, anchor="ls", embedded_color=True, **options)
    scale = size / face.bitmap_size
    glyphs = glyphs.resize((max(1, round(width * scale)), max(1, round((ascent + descent) * scale))),
                           Image.Resampling.LANCZOS)
    canvas.paste(glyphs, (max(0, round(x)), max(0, round(baseline - ascent * scale))), glyphs)
