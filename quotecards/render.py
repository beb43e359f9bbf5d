"""CardSpec + photo → picture. One renderer walks the layout's layers in order."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from . import contrast, focus, fonts, photo, textruns, typeset
from .card_warnings import CardWarning, Kind
from .cleanup import quote_marks
from .layout import BrandLayer, Layout, PhotoLayer, RectLayer, TextLayer
from .plan import CardSpec

PixelBox = tuple[int, int, int, int]


@dataclass
class Rendered:
    image: Image.Image
    blocks: dict[str, typeset.Block]  # layer source → the block as set
    boxes: dict[str, PixelBox]  # layer source → its box on the canvas incl. any hanging mark, px
    text_boxes: dict[str, PixelBox]  # layer source → where its lines were set (left, top, right, bottom)
    contrast: float | None  # the worst text layer's contrast against the pixels under it
    background: str  # "photo" or "fallback"
    backdrop: Image.Image  # the canvas just before the text went on: what the text is read against
    focus: tuple[float, float] | None = None  # where the photo was cropped around (fractions)
    focus_source: str = ""  # "post" (featured_image.focal_point) or "auto" (the most detail)
    warnings: list[CardWarning] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)


def render(spec: CardSpec, picture: Image.Image | None) -> Rendered:
    """Draw the card. `picture` is the decoded featured image, or None for the fallback."""
    width, height = spec.size
    layout = spec.layout
    safe = spec.platform.safe_box
    layers = layout.layers_for(safe[2] - safe[0], safe[3] - safe[1])
    # A right-to-left quote mirrors the whole design, so the text starts where the reader does.
    mirror = bool(spec.texts.get("quote")) and textruns.bidi_levels(spec.texts["quote"])[1]

    def area(layer) -> PixelBox:  # type: ignore[no-untyped-def]
        return _place(layer.box.within((0, 0, width, height) if layer.bleed else safe), width, mirror)

    focus_point, focus_source = None, ""
    if picture is not None and layout.uses_photo:
        # The crop is chosen for the box the photo fills: the canvas, or a split card's half.
        boxes = [area(layer) for layer in layers if isinstance(layer, PhotoLayer)]
        frame = spec.size if layout.background.photo or not boxes else \
            (boxes[0][2] - boxes[0][0], boxes[0][3] - boxes[0][1])
        focus_point, focus_source = (spec.focal_point, "post") if spec.focal_point else \
            (focus.auto_focus(picture, frame), "auto")
    if picture is not None and layout.background.photo:
        # The scrim is for photos; the fallback's own colours are chosen to carry text.
        base, background = _scrim(photo.cover(picture, spec.size, focus_point), layout), "photo"
    else:
        base = photo.fallback_background(spec.size, layout.background.fallback)
        background = "photo" if picture is not None and layout.uses_photo else "fallback"

    warnings: list[CardWarning] = []
    missing: list[str] = []
    placed: list[tuple[TextLayer, typeset.Block, PixelBox, int]] = []
    for layer in layers:
        text = _text_of(layer, spec, mirror)
        if not text:
            continue
        box = area(layer)
        try:
            block = _set(layer, text, box, min(safe[2] - safe[0], safe[3] - safe[1]), spec.lang)
        except typeset.ShapingUnavailable as exc:
            exc.source = layer.source
            raise
        except ValueError:
            if not layer.literal:
                raise
            warnings.append(CardWarning(Kind.DECORATION_LEFT_OUT,
                                        f"decorative {layer.literal!r} left out: its box is too small on this canvas"))
            continue
        top = _valign(layer.valign, box, block.height)
        if layer.literal:
            # A decorative mark is placed by its ink, not its line: a guillemet sits mid-line and a
            # comma-shaped “ at the top, and either should start where the box does.
            top -= block.ascent + round(_ink_bounds(block, spec.lang)[1])
        placed.append((layer, block, box, top))
        if block.shortened:
            warnings.append(CardWarning(Kind.SHORTENED, f"{layer.source} shortened to fit its box at the smallest size"))
        for ch in block.missing:
            if ch not in missing:
                missing.append(ch)
            hint = fonts.install_hint(ch)
            warnings.append(CardWarning(Kind.MISSING_GLYPHS, f"{layer.source}: no font has a glyph for {ch!r} "
                                        f"(U+{ord(ch):04X})" + (f"; {hint}" if hint else "")))

    def compose(under: Image.Image) -> Image.Image:
        """The backdrop: the background with every layer that is not text painted on it."""
        canvas = under.copy()
        for layer in layers:
            if isinstance(layer, RectLayer):
                ImageDraw.Draw(canvas, "RGBA").rectangle(_inclusive(area(layer)), fill=layer.color)
            elif isinstance(layer, PhotoLayer) and picture is not None:
                box = area(layer)
                size = (box[2] - box[0], box[3] - box[1])
                canvas.paste(photo.cover(picture, size, focus_point or (0.5, 0.5)), box[:2])
            elif isinstance(layer, BrandLayer):
                _draw_brand(canvas, layer, area(layer), spec)
        return canvas

    canvas = compose(base)
    read = [p for p in placed if not p[0].literal]  # a decorative mark is seen, not read: no contrast rule
    extra, worst = _extra_scrim(canvas, layout, read)
    target = layout.background.min_contrast
    while extra > 0:  # veil the background only: colour fields and logos keep their colours
        veiled = compose(Image.blend(base, Image.new("RGB", base.size, layout.background.scrim[:3]), extra))
        worst = _worst_contrast(veiled, read)
        canvas = veiled
        # The estimate works on the near-worst colour alone; the measure of the veiled canvas decides.
        if worst is None or worst >= target or extra >= 0.95:
            break
        extra = min(0.95, extra + 0.05)
    if worst is not None and worst < layout.background.min_contrast:
        warnings.append(CardWarning(Kind.LOW_CONTRAST, f"low contrast: text reaches {worst:.2f}:1, "
                                                       f"under {layout.background.min_contrast:g}:1"))
    backdrop = canvas
    canvas = canvas.copy()
    draw = ImageDraw.Draw(canvas)
    for layer, block, box, top in placed:
        _draw_block(canvas, draw, layer, block, box, top, spec.lang)
    return Rendered(
        image=canvas,
        backdrop=backdrop,
        blocks={layer.source: block for layer, block, _b, _t in placed},
        boxes={layer.source: _with_hang(box, block) for layer, block, box, _t in placed},
        text_boxes={layer.source: _literal_ink(box, block, top, layer.align, spec.lang) if layer.literal
                    else _ink_area(box, block, top, layer.align) for layer, block, box, top in placed},
        contrast=worst,
        background=background,
        focus=focus_point,
        focus_source=focus_source,
        warnings=warnings,
        missing_glyphs=missing,
    )


def _text_of(layer, spec: CardSpec, rtl: bool) -> str:  # type: ignore[no-untyped-def]
    if not isinstance(layer, TextLayer):
        return ""
    if layer.literal:
        # A decorative mark follows the language's quotation marks (« in French, 「 in Japanese);
        # on a right-to-left card a right-to-left mark makes it mirror as the quote's own does.
        mark = quote_marks(spec.lang, rtl)[0].strip() if layer.literal == "\u201c" else layer.literal
        return "\u200f" + mark if rtl else mark
    return spec.texts.get(layer.source, "")


def _draw_brand(canvas: Image.Image, layer: BrandLayer, box: PixelBox, spec: CardSpec) -> None:
    """The logo, fitted into the box and aligned; else the site's name set in the layer's face."""
    width, height = box[2] - box[0], box[3] - box[1]
    if spec.brand.logo is not None:
        logo = spec.brand.logo.copy()
        logo.thumbnail((width, height), Image.Resampling.LANCZOS)
        x = box[0] + ((width - logo.width) // 2 if layer.align == "center" else 0)
        canvas.paste(logo, (x, box[1] + (height - logo.height) // 2), logo if logo.mode == "RGBA" else None)
    elif spec.brand.site_name:
        block = typeset.set_text(spec.brand.site_name, fonts.stack_for(layer.face), width, height,
                                 max(8, height // 3), max(8, height), line_height=1.0, max_lines=1)
        row = block.rows[0]
        left = box[0] + ((width - row.width) / 2 if layer.align == "center" else 0)
        baseline = box[1] + (height - block.height) // 2 + block.ascent
        draw = ImageDraw.Draw(canvas)
        for piece in row.pieces:
            draw.text((left + piece.x, baseline), piece.text, font=fonts.load(piece.face, block.size),
                      fill=layer.color, anchor="ls", **typeset.shaping_options(piece.rtl, spec.lang))


def _set(layer: TextLayer, text: str, box: PixelBox, short_side: int, lang: str) -> typeset.Block:
    stack = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    hang = closing = ""
    if layer.hang_quotes:
        hang, closing = quote_marks(lang, textruns.bidi_levels(text)[1])
    return typeset.set_text(
        text,
        stack,
        box_width=box[2] - box[0],
        box_height=box[3] - box[1],
        min_size=max(8, round(layer.size[0] * short_side)),
        max_size=max(8, round(layer.size[1] * short_side)),
        line_height=layer.line_height,
        hang=hang,
        max_lines=layer.max_lines,
        lang=lang,
        tail=closing,
    )


def _place(box: PixelBox, width: int, mirror: bool) -> PixelBox:
    return (width - box[2], box[1], width - box[0], box[3]) if mirror else box


def _valign(valign: str, box: PixelBox, block_height: int) -> int:
    if valign == "bottom":
        return box[3] - block_height
    if valign == "center":
        return box[1] + (box[3] - box[1] - block_height) // 2
    return box[1]


def _scrim(canvas: Image.Image, layout: Layout) -> Image.Image:
    """A vertical veil in the scrim colour, from the top opacity to the bottom one."""
    veil, mask = _veil(canvas.size, layout.background.scrim[:3], layout.background.scrim_opacity)
    return Image.composite(veil, canvas, mask)


@functools.lru_cache(maxsize=16)
def _veil(size: tuple[int, int], color: tuple[int, ...], opacity: tuple[float, float]) -> tuple[Image.Image, Image.Image]:
    # The same few canvas sizes and layouts come back card after card: made once per worker.
    top, bottom = opacity
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    mask = ramp.point([round(255 * (top + (bottom - top) * v / 255)) for v in range(256)])
    return Image.new("RGB", size, color), mask


def _extra_scrim(canvas: Image.Image, layout: Layout, placed) -> tuple[float, float | None]:
    """The least extra veil over the background that brings every line of text to the minimum.

    Measured line by line, not over a whole block: a bright cup under two words of one line
    must not hide in the dark around the others. None is added where none is needed, so bright
    photos are not darkened more than readability asks.
    """
    scrim, target = layout.background.scrim, layout.background.min_contrast
    needs = [contrast.scrim_needed(contrast.sample(canvas, area), layer.color, scrim, target)
             for layer, block, box, top in placed for area in _line_areas(box, block, top, layer.align)]
    if not needs:
        return 0.0, None
    extra = max(step for step, _reached in needs)
    # With no extra veil the canvas is as measured: its worst line is already known.
    return extra, (round(min(reached for _step, reached in needs), 2) if extra == 0 else None)


def _worst_contrast(canvas: Image.Image, placed) -> float | None:
    values = [contrast.worst_contrast(contrast.sample(canvas, area), layer.color)
              for layer, block, box, top in placed for area in _line_areas(box, block, top, layer.align)]
    return round(min(values), 2) if values else None


def _ink_bounds(block: typeset.Block, lang: str) -> tuple[float, float, float, float]:
    """The ink of a one-line block, relative to its first piece's origin on the baseline."""
    piece = block.rows[0].pieces[-1]
    font = fonts.load(piece.face, block.size)
    return font.getbbox(piece.text, anchor="ls", **typeset.shaping_options(piece.rtl, lang))


def _literal_ink(box: PixelBox, block: typeset.Block, top: int, align: str, lang: str) -> PixelBox:
    row = block.rows[0]
    piece = row.pieces[-1]
    x0, y0, x1, y1 = _ink_bounds(block, lang)
    left = _row_left(box, block, row, align) + piece.x
    baseline = top + block.ascent
    return (math.floor(left + x0), math.floor(baseline + y0), math.ceil(left + x1), math.ceil(baseline + y1))


def _row_left(box: PixelBox, block: typeset.Block, row: typeset.Line, align: str) -> float:
    if align == "center":
        return box[0] + (box[2] - box[0] - row.width) / 2
    return box[2] - row.width if block.rtl else box[0]


def _line_areas(box: PixelBox, block: typeset.Block, top: int, align: str = "start") -> list[PixelBox]:
    """Where each line's letters sit: its own width (the hang included), from ascent to descent."""
    areas = []
    for i, row in enumerate(block.rows):
        if row.width <= 0:
            continue
        baseline = top + block.ascent + i * block.line_height
        left = _row_left(box, block, row, align)
        right = left + row.width
        if i == 0 and block.hang:
            left, right = (left, right + block.hang_width) if block.rtl else (left - block.hang_width, right)
        areas.append((max(0, math.floor(left)), baseline - block.ascent, math.ceil(right), baseline + block.descent))
    return areas


def _with_hang(box: PixelBox, block: typeset.Block) -> PixelBox:
    if block.rtl:
        return (box[0], box[1], box[2] + block.hang_width, box[3])
    return (box[0] - block.hang_width, *box[1:])


def _ink_area(box: PixelBox, block: typeset.Block, top: int, align: str = "start") -> PixelBox:
    """Where the block's text is set, hanging mark included."""
    areas = _line_areas(box, block, top, align)
    if not areas:
        return (box[0], top, box[0], top)
    return (min(a[0] for a in areas), top, max(a[2] for a in areas), top + block.height)


def _draw_block(overlay: Image.Image, draw: ImageDraw.ImageDraw, layer: TextLayer, block: typeset.Block,
                box: PixelBox, top: int, lang: str) -> None:
    for i, row in enumerate(block.rows):
        baseline = top + block.ascent + i * block.line_height
        left = _row_left(box, block, row, layer.align)
        if i == 0 and block.hang:
            hang_x = left + row.width if block.rtl else left - block.hang_width
            _draw_piece(overlay, draw, block.hang, block.hang_face, block.rtl, hang_x, baseline, block.size,
                        layer.color, lang)
        for piece in row.pieces:
            _draw_piece(overlay, draw, piece.text, piece.face, piece.rtl, left + piece.x, baseline, block.size,
                        layer.color, lang)


def _draw_piece(overlay: Image.Image, draw: ImageDraw.ImageDraw, text: str, face: fonts.Face, rtl: bool,
                x: float, baseline: int, size: int, color, lang: str) -> None:
    font = fonts.load(face, size)
    options = typeset.shaping_options(rtl, lang)
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
    overlay.paste(glyphs, (max(0, round(x)), max(0, round(baseline - ascent * scale))), glyphs)


def _inclusive(box: PixelBox) -> PixelBox:
    # ImageDraw.rectangle includes its far edge; our boxes do not.
    return (box[0], box[1], box[2] - 1, box[3] - 1)
