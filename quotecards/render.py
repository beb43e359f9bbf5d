"""CardSpec + photo → picture. One renderer walks the layout's layers in order."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from . import contrast, focus, fonts, photo, textruns, typeset
from .cleanup import quote_marks
from .layout import Layout, RectLayer, TextLayer
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
    warnings: list[str] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)


def render(spec: CardSpec, picture: Image.Image | None) -> Rendered:
    """Draw the card. `picture` is the decoded featured image, or None for the fallback."""
    width, height = spec.size
    layout = spec.layout
    focus_point, focus_source = None, ""
    if picture is not None:
        focus_point, focus_source = (spec.focal_point, "post") if spec.focal_point else \
            (focus.auto_focus(picture, spec.size), "auto")
        # The scrim is for photos; the fallback's own colours are chosen to carry text.
        canvas, background = _scrim(photo.cover(picture, spec.size, focus_point), layout), "photo"
    else:
        canvas, background = photo.fallback_background(spec.size, layout.background.fallback), "fallback"

    # A right-to-left quote mirrors the whole design, so the text starts where the reader does.
    mirror = bool(spec.texts.get("quote")) and textruns.bidi_levels(spec.texts["quote"])[1]
    warnings: list[str] = []
    missing: list[str] = []
    placed: list[tuple[TextLayer, typeset.Block, PixelBox, int]] = []
    for layer in layout.layers:
        if isinstance(layer, TextLayer) and spec.texts.get(layer.source):
            text = spec.texts[layer.source]
            box = _place(layer.box.to_pixels(width, height), width, mirror)
            try:
                block = _set(layer, text, box, min(width, height), spec.lang)
            except typeset.ShapingUnavailable as exc:
                exc.source = layer.source
                raise
            top = _valign(layer.valign, box, block.height)
            placed.append((layer, block, box, top))
            if block.shortened:
                warnings.append(f"{layer.source} shortened to fit its box at the smallest size")
            for ch in block.missing:
                if ch not in missing:
                    missing.append(ch)
                hint = fonts.install_hint(ch)
                warnings.append(f"{layer.source}: no font has a glyph for {ch!r} (U+{ord(ch):04X})"
                                + (f"; {hint}" if hint else ""))

    canvas, worst = _ensure_contrast(canvas, layout, placed)
    overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for layer in layout.layers:
        if isinstance(layer, RectLayer):
            draw.rectangle(_inclusive(_place(layer.box.to_pixels(width, height), width, mirror)), fill=layer.color)
    for layer, block, box, top in placed:
        _draw_block(overlay, draw, layer, block, box, top, spec.lang)
    backdrop = canvas
    canvas = Image.alpha_composite(canvas.convert("RGBA"), overlay).convert("RGB")
    return Rendered(
        image=canvas,
        backdrop=backdrop,
        blocks={layer.source: block for layer, block, _b, _t in placed},
        boxes={layer.source: _with_hang(box, block) for layer, block, box, _t in placed},
        text_boxes={layer.source: _ink_area(box, block, top) for layer, block, box, top in placed},
        contrast=worst,
        background=background,
        focus=focus_point,
        focus_source=focus_source,
        warnings=warnings,
        missing_glyphs=missing,
    )


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
    top, bottom = layout.background.scrim_opacity
    ramp = Image.linear_gradient("L").resize(canvas.size, Image.Resampling.BILINEAR)
    mask = ramp.point(lambda v: round(255 * (top + (bottom - top) * v / 255)))
    veil = Image.new("RGB", canvas.size, layout.background.scrim[:3])
    return Image.composite(veil, canvas, mask)


def _ensure_contrast(canvas: Image.Image, layout: Layout, placed) -> tuple[Image.Image, float | None]:
    """Strengthen the scrim uniformly until every line of text reaches the layout's minimum.

    Measured line by line, not over a whole block: a bright cup under two words of one line
    must not hide in the dark around the others.
    """
    if not placed:
        return canvas, None
    target = layout.background.min_contrast
    scrim = layout.background.scrim
    areas = [(area, layer.color) for layer, block, box, top in placed for area in _line_areas(box, block, top)]
    extra = max(contrast.scrim_needed(contrast.sample(canvas, area), color, scrim, target)[0] for area, color in areas)
    if extra > 0:
        canvas = Image.blend(canvas, Image.new("RGB", canvas.size, scrim[:3]), extra)
    worst = min(contrast.worst_contrast(contrast.sample(canvas, area), color) for area, color in areas)
    return canvas, round(worst, 2)


def _line_areas(box: PixelBox, block: typeset.Block, top: int) -> list[PixelBox]:
    """Where each line's letters sit: its own width, from ascent to descent."""
    areas = []
    for i, row in enumerate(block.rows):
        baseline = top + block.ascent + i * block.line_height
        width = round(row.width) + (block.hang_width if i == 0 else 0)
        if block.rtl:
            left, right = box[2] - round(row.width), box[2] + (block.hang_width if i == 0 else 0)
        else:
            left, right = box[0] - (block.hang_width if i == 0 else 0), box[0] + round(row.width)
        if width > 0:
            areas.append((max(0, left), baseline - block.ascent, right, baseline + block.descent))
    return areas


def _with_hang(box: PixelBox, block: typeset.Block) -> PixelBox:
    if block.rtl:
        return (box[0], box[1], box[2] + block.hang_width, box[3])
    return (box[0] - block.hang_width, *box[1:])


def _ink_area(box: PixelBox, block: typeset.Block, top: int) -> PixelBox:
    """Where the block's text is drawn, hanging mark included: lines align to the reading start."""
    if block.rtl:
        return (max(0, box[2] - block.width), top, box[2] + block.hang_width, top + block.height)
    return (box[0] - block.hang_width, top, min(box[2], box[0] + block.width), top + block.height)


def _draw_block(overlay: Image.Image, draw: ImageDraw.ImageDraw, layer: TextLayer, block: typeset.Block,
                box: PixelBox, top: int, lang: str) -> None:
    for i, row in enumerate(block.rows):
        baseline = top + block.ascent + i * block.line_height
        left = box[2] - row.width if block.rtl else box[0]
        if i == 0 and block.hang:
            hang_x = box[2] if block.rtl else box[0] - block.hang_width
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
    overlay.alpha_composite(glyphs, (max(0, round(x)), max(0, round(baseline - ascent * scale))))


def _inclusive(box: PixelBox) -> PixelBox:
    # ImageDraw.rectangle includes its far edge; our boxes do not.
    return (box[0], box[1], box[2] - 1, box[3] - 1)
