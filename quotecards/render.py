"""CardSpec + photo → picture. One renderer walks the layout's layers in order."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from . import contrast, fonts, photo, typeset
from .layout import Layout, RectLayer, TextLayer
from .plan import CardSpec

PixelBox = tuple[int, int, int, int]
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"


@dataclass
class Rendered:
    image: Image.Image
    blocks: dict[str, typeset.Block]  # layer source → the block as set
    boxes: dict[str, PixelBox]  # layer source → its box on the canvas incl. any hanging mark, px
    contrast: float | None  # the worst text layer's contrast against the pixels under it
    background: str  # "photo" or "fallback"
    backdrop: Image.Image  # the canvas just before the text went on: what the text is read against
    warnings: list[str] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)


def render(spec: CardSpec, picture: Image.Image | None) -> Rendered:
    """Draw the card. `picture` is the decoded featured image, or None for the fallback."""
    width, height = spec.size
    layout = spec.layout
    if picture is not None:
        # The scrim is for photos; the fallback's own colours are chosen to carry text.
        canvas, background = _scrim(photo.cover(picture, spec.size), layout), "photo"
    else:
        canvas, background = photo.fallback_background(spec.size, layout.background.fallback), "fallback"

    warnings: list[str] = []
    missing: list[str] = []
    placed: list[tuple[TextLayer, typeset.Block, PixelBox, int]] = []
    for layer in layout.layers:
        if isinstance(layer, TextLayer) and spec.texts.get(layer.source):
            text = spec.texts[layer.source]
            box = layer.box.to_pixels(width, height)
            block = _set(layer, text, box, min(width, height))
            top = _valign(layer.valign, box, block.height)
            box = (box[0] - block.hang_width, *box[1:])  # the hanging mark sits in the margin
            placed.append((layer, block, box, top))
            if block.shortened:
                warnings.append(f"{layer.source} shortened to fit its box at the smallest size")
            for ch in fonts.missing_glyphs(text, layer.face.path):
                missing.append(ch)
                warnings.append(f"{layer.source}: no glyph for {ch!r} (U+{ord(ch):04X}) in {layer.face.family}")

    canvas, worst = _ensure_contrast(canvas, layout, placed)
    overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for layer in layout.layers:
        if isinstance(layer, RectLayer):
            draw.rectangle(_inclusive(layer.box.to_pixels(width, height)), fill=layer.color)
    for layer, block, box, top in placed:
        _draw_block(draw, layer, block, box[0], top)
    backdrop = canvas
    canvas = Image.alpha_composite(canvas.convert("RGBA"), overlay).convert("RGB")
    return Rendered(
        image=canvas,
        backdrop=backdrop,
        blocks={layer.source: block for layer, block, _b, _t in placed},
        boxes={layer.source: box for layer, _bl, box, _t in placed},
        contrast=worst,
        background=background,
        warnings=warnings,
        missing_glyphs=missing,
    )


def _set(layer: TextLayer, text: str, box: PixelBox, short_side: int) -> typeset.Block:
    hang = ""
    if layer.hang_quotes:
        hang, text = OPEN_QUOTE, text + CLOSE_QUOTE
    return typeset.set_text(
        text,
        layer.face.path,
        box_width=box[2] - box[0],
        box_height=box[3] - box[1],
        min_size=max(8, round(layer.size[0] * short_side)),
        max_size=max(8, round(layer.size[1] * short_side)),
        line_height=layer.line_height,
        hang=hang,
        max_lines=layer.max_lines,
    )


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
    """Strengthen the scrim uniformly until every text block reaches the layout's minimum."""
    if not placed:
        return canvas, None
    target = layout.background.min_contrast
    scrim = layout.background.scrim
    regions = [(contrast.sample(canvas, _ink_area(box, block, top)), layer.color) for layer, block, box, top in placed]
    extra = max(contrast.scrim_needed(region, color, scrim, target)[0] for region, color in regions)
    if extra > 0:
        canvas = Image.blend(canvas, Image.new("RGB", canvas.size, scrim[:3]), extra)
    worst = min(contrast.worst_contrast(contrast.sample(canvas, _ink_area(box, block, top)), layer.color)
                for layer, block, box, top in placed)
    return canvas, round(worst, 2)


def _ink_area(box: PixelBox, block: typeset.Block, top: int) -> PixelBox:
    return (box[0], top, min(box[2], box[0] + block.hang_width + block.width), top + block.height)


def _draw_block(draw: ImageDraw.ImageDraw, layer: TextLayer, block: typeset.Block, left: int, top: int) -> None:
    font = fonts.load(layer.face.path, block.size)
    x = left + block.hang_width  # `left` is the box edge moved out by the hang
    for i, line in enumerate(block.lines):
        baseline = top + block.ascent + i * block.line_height
        if i == 0 and block.hang:
            draw.text((left, baseline), block.hang, font=font, fill=layer.color, anchor="ls")
        draw.text((x, baseline), line, font=font, fill=layer.color, anchor="ls")


def _inclusive(box: PixelBox) -> PixelBox:
    # ImageDraw.rectangle includes its far edge; our boxes do not.
    return (box[0], box[1], box[2] - 1, box[3] - 1)
