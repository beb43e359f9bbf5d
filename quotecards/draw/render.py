"""CardSpec + photo → picture, in stages: see the photo (subjects.py), compose the card (compose.py:
the text set and placed, the photo cropped, by measuring candidates), frame the photo, paint the
backdrop, lift the contrast under each text group, draw the text.

Each layer kind has its painter (PAINTERS); text layers are set in `place_text` and drawn last,
on a backdrop whose contrast under every line has been measured and, where needed, raised —
under the text only, so the photo keeps its light elsewhere.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from ..card_warnings import CardWarning, Kind
from ..text import fonts, textruns, typeset
from . import contrast, photo
from .arrange import ink_boxes
from .compose import Composition, OnCard, Problem, compose
from .crop import Crop
from .geometry import PixelBox
from .layout import BrandLayer, Color, ImageLayer, Layer, Layout, PhotoLayer, RectLayer
from .place import MIN_FONT_PX
from .plan import CardSpec
from .scene import FocusSource, PlacedText, Scene, Side, line_areas, row_left, with_hang
from .subjects import Seen, see

__all__ = ["Framed", "PhotoAside", "Rendered", "SIDE_SCRIM_FAR", "paint_layers", "render", "under_layers",
           "unpaint"]

Background = Literal["photo", "fallback"]
CENTRE = (0.5, 0.5)  # the crop's centre when nothing says where the subject is
FIELD_CONTRAST_MARGIN = 1.15  # a colour field taken from the photo aims this far over the layout's minimum
FACE_SCRIM = 0.25  # the most of the layout's veil left over a face: a face is seen, not dimmed
HOLE_SCALE = 4  # the thinner veil over faces is drawn this many times smaller, then enlarged: it is a soft fade
FACE_FADE = 0.45  # of a head's width: how far the thinner veil fades into the full one around it
SIDE_SCRIM_FAR = 0.35  # with the text to one side, the layout's veil keeps this share of itself on the far side


@dataclass
class Rendered:
    image: Image.Image
    blocks: dict[str, typeset.Block]  # layer source → the block as set
    boxes: dict[str, PixelBox]  # layer source → its box on the canvas incl. any hanging mark
    text_boxes: dict[str, PixelBox]  # layer source → where its lines were set
    contrast: float | None  # the worst text layer's contrast against the pixels under it
    background: Background
    # The canvas just before the text went on, what the text is read against; kept when asked
    # (tests and reviews look at it), else None: a build has no use for a second canvas.
    backdrop: Image.Image | None
    focus: tuple[float, float] | None = None  # where the photo was cropped around (fractions)
    focus_source: FocusSource = ""
    crop: tuple[int, int, int, int] | None = None  # the part of the photo shown: x, y, w, h in its own pixels
    photo_box: PixelBox | None = None  # where that part lands on the card
    subjects: tuple[OnCard, ...] = ()  # what the photo shows that the text stays off, on the card
    placement: str = ""  # the arrangement chosen (compose.Candidate's name)
    score: float | None = None
    scores: dict[str, float | None] = field(default_factory=dict)  # every arrangement measured
    side: Side = ""  # the text group moved to this side, off the subject
    veils: list[PixelBox] = field(default_factory=list)  # the panels an extra veil darkened, one per text group
    warnings: list[CardWarning] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)
    missing_in: dict[str, list[str]] = field(default_factory=dict)  # layer source → its characters no font has


@dataclass(frozen=True)
class Framed:
    """The background the card starts from, and where its photo was cropped around."""

    base: Image.Image
    background: Background
    focus: tuple[float, float] | None
    focus_source: FocusSource
    crop: Crop | None = None  # the part of the photo shown: its photo layer's too


class PhotoAside(Exception):
    """The photo would be better beside the text than under it on this canvas (compose.Problem)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.kind.value)
        self.problem = problem


def render(spec: CardSpec, picture: Image.Image | None, seen: Seen | None = None, aside: bool = False,
           keep_backdrop: bool = True) -> Rendered:
    """Draw the card. `picture` is the decoded featured image, or None for the fallback; `seen`
    what is in it (subjects.see), when the caller has it already.

    Without `keep_backdrop` the text is drawn on the backdrop itself, and the card has none.
    With `aside`, a card whose photo would be better beside the text (a face under the text, a
    subject that cannot be kept whole, a photo the text would have to grey) raises PhotoAside as
    soon as its text is placed, before anything is drawn; without it, the card says so.
    """
    safe = spec.platform.safe_box
    main = spec.texts.get("quote") or spec.texts.get("title", "")  # what the card is read for
    mirror = bool(main) and textruns.bidi_levels(main)[1]
    scene = Scene(spec, spec.layout.layers_for(safe.width, safe.height), picture, mirror)
    if seen is None and picture is not None and spec.layout.uses_photo:
        seen = see(picture, spec.focal_point)
    composed = compose(scene, seen)
    if composed.problem is not None and aside:
        raise PhotoAside(composed.problem)
    scene, placed = composed.scene, composed.placed
    framed = frame(scene, composed)
    backdrop, worst, veils = lift_contrast(scene, framed, placed.texts)
    background, focus, focus_source = framed.background, framed.focus, framed.focus_source
    del framed  # its base is the backdrop now: not held twice while the text is drawn
    warnings = placed.warnings + ([composed.problem.warning()] if composed.problem else [])
    target = spec.layout.background.min_contrast
    if worst is not None and worst < target:
        warnings.append(CardWarning(Kind.LOW_CONTRAST, f"low contrast: text reaches {worst:.2f}:1, under {target:g}:1"))
    return Rendered(
        image=draw_text(backdrop.copy() if keep_backdrop else backdrop, placed.texts, spec.lang),
        backdrop=backdrop if keep_backdrop else None,
        blocks={p.layer.source: p.block for p in placed.texts},
        boxes={p.layer.source: with_hang(p.box, p.block) for p in placed.texts},
        text_boxes=dict(zip((p.layer.source for p in placed.texts), ink_boxes(placed.texts, spec.lang))),
        contrast=worst,
        background=background,
        focus=focus,
        focus_source=focus_source,
        crop=_in_photo(composed, picture),
        photo_box=composed.photo_area if composed.crop else None,
        subjects=composed.subjects,
        placement=composed.candidate,
        score=composed.score,
        scores=composed.scores,
        side=scene.side,
        veils=veils,
        warnings=warnings,
        missing_glyphs=placed.missing,
        missing_in=placed.missing_in,
    )


def _in_photo(composed: Composition, picture: Image.Image | None) -> tuple[int, int, int, int] | None:
    """The crop's window in the photo's own pixels (x, y, w, h)."""
    if composed.crop is None or picture is None:
        return None
    width, height = photo.source_size(picture)
    x0, y0, x1, y1 = composed.crop.window
    return round(x0 * width), round(y0 * height), round((x1 - x0) * width), round((y1 - y0) * height)


# -- frame the photo (cropped as compose.py chose) ---------------------------------------------

def frame(scene: Scene, composed: Composition) -> Framed:
    """The photo cropped around its subject (with the layout's scrim), or the fallback background."""
    spec, picture, layout = scene.spec, scene.picture, scene.spec.layout
    point = composed.crop.point if composed.crop else None
    source: FocusSource = "" if point is None else "post" if spec.focal_point is not None else "auto"
    if picture is not None and layout.background.photo:
        # The scrim is for photos; the fallback's own colours are chosen to carry text.
        faces = [s.keep for s in composed.subjects if s.subject.kind == "face"]
        cover = photo.cover(picture, spec.size, point or CENTRE, composed.crop.zoom if composed.crop else 1.0)
        return Framed(_scrim(cover, layout, scene.side, faces), "photo", point, source, composed.crop)
    background: Background = "photo" if picture is not None and layout.uses_photo else "fallback"
    if _hidden(scene):
        return Framed(Image.new("RGB", spec.size), background, point, source, composed.crop)
    return Framed(photo.fallback_background(spec.size, layout.background.fallback), background, point, source,
                  composed.crop)


def _hidden(scene: Scene) -> bool:
    """Whether opaque layers (colour fields, the photo) cover the whole canvas, so no background
    shows: a split card's photo and field. Then none is painted."""
    mask = Image.new("1", scene.spec.size, 0)
    draw = ImageDraw.Draw(mask)
    for layer in scene.layers:
        opaque = (isinstance(layer, RectLayer) and layer.color[3] == 255) or \
            (isinstance(layer, PhotoLayer) and scene.picture is not None)
        if opaque:
            draw.rectangle(scene.area(layer).inclusive(), fill=1)
    return mask.getextrema() == (1, 1)


# -- paint the backdrop (the text is set by place.py) ---------------------------------------------

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
        zoom = framed.crop.zoom if framed.crop else 1.0
        canvas.paste(photo.cover(scene.picture, (box.width, box.height), framed.focus or CENTRE, zoom),
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


# Each layer kind that is painted under the text; text layers are set by place.py and drawn last.
PAINTERS: dict[type, Painter] = {RectLayer: _paint_rect, PhotoLayer: _paint_photo, BrandLayer: _paint_brand,
                                  ImageLayer: _paint_image}


def paint_layers(scene: Scene, framed: Framed, canvas: Image.Image) -> Image.Image:
    """`canvas` with every layer that is not text painted on it, in order, in place."""
    for layer in scene.layers:
        painter = PAINTERS.get(type(layer))
        if painter is not None:
            painter(canvas, layer, scene.area(layer), scene, framed)
    return canvas


Patches = list[tuple[tuple[int, int], Image.Image]]


def under_layers(scene: Scene, canvas: Image.Image) -> Patches:
    """Copies of the parts of `canvas` the painted layers will cover, to take them off again
    (unpaint): the background back without a copy of the whole canvas."""
    patches = []
    for layer in scene.layers:
        if type(layer) in PAINTERS:
            box = scene.area(layer)
            # A brand set as text may reach past its box by a glyph's overhang: a box's height of room.
            reach = box.height if isinstance(layer, BrandLayer) else 0
            edges = (max(0, box.left - reach), max(0, box.top - reach),
                     min(canvas.width, box.right + reach), min(canvas.height, box.bottom + reach))
            if edges[0] < edges[2] and edges[1] < edges[3]:
                patches.append(((edges[0], edges[1]), canvas.crop(edges)))
    return patches


def unpaint(canvas: Image.Image, patches: Patches) -> Image.Image:
    """`canvas` with the patches put back, last painted first: the background as it was."""
    for corner, patch in reversed(patches):
        canvas.paste(patch, corner)
    return canvas


# -- lift the contrast ----------------------------------------------------------------------------

def lift_contrast(scene: Scene, framed: Framed,
                  texts: list[PlacedText]) -> tuple[Image.Image, float | None, list[PixelBox]]:
    """The backdrop, its background veiled just enough for every line of text to be read, the
    worst contrast of any line, and the panels the extra veil went through (none when none did)."""
    layout = scene.spec.layout
    read = [p for p in texts if p.read]
    # The layers are painted on the background itself, not on a copy (a story canvas is 8 MB):
    # most cards need no veil, and one that does has its background back from the patches.
    under = under_layers(scene, framed.base)
    canvas = paint_layers(scene, framed, framed.base)
    start, worst = _extra_scrim(canvas, layout, read)
    if start <= 0:
        return canvas, worst, []
    base = unpaint(canvas, under)
    del canvas, under
    panels = veil_panels(read)
    veiled, worst = contrast.veil_until_readable(
        base, start, layout.background.min_contrast, layout.background.scrim,
        paint=lambda veiled: paint_layers(scene, framed, veiled), worst_of=lambda veiled: _worst_contrast(veiled, read),
        where=_around_text(base.size, panels, read))
    return veiled, worst, panels


def veil_panels(placed: list[PlacedText]) -> list[PixelBox]:
    """One panel per text group: the lines' extent and half a line's room around it. Layers of a
    `group` are one group; the others are grouped by nearness, a text more than a line's height
    from the panel above it starting its own (a kicker at the top of a card and a title at its
    foot are two). An extra veil is one soft panel per group, never a box per line."""
    panels: list[PixelBox] = []
    named: dict[str, list[PlacedText]] = {}
    loose: list[PlacedText] = []
    for p in placed:
        (named.setdefault(p.layer.group, []) if p.layer.group else loose).append(p)
    for members in [*named.values(), *_near(loose)]:
        lines = [line for p in members for line in line_areas(p)]
        if lines:
            margin = max(p.block.line_height for p in members) // 2
            panels.append(PixelBox(min(a.left for a in lines) - margin, min(a.top for a in lines) - margin,
                                   max(a.right for a in lines) + margin, max(a.bottom for a in lines) + margin))
    return panels


def _near(texts: list[PlacedText]) -> list[list[PlacedText]]:
    """`texts` in runs, top to bottom, each no more than a line's height below the one before."""
    runs: list[list[PlacedText]] = []
    for p in sorted(texts, key=lambda p: p.top):
        last = runs[-1][-1] if runs else None
        if last is not None and p.top - (last.top + last.block.height) <= max(p.block.line_height,
                                                                               last.block.line_height):
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


# A panel this near an edge of the canvas (a share of its width or height) is run off that edge:
# a veil that stops just short of the edge reads as a box laid on the photo.
TO_EDGE = 0.12


def _around_text(size: tuple[int, int], panels: list[PixelBox], placed: list[PlacedText]) -> Image.Image:
    """A soft mask of the panels (one per text group): an extra veil darkens where the text is, not
    the subject; a panel near an edge runs off it, and its inner edges fade over a line's height."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    reach = max([p.block.line_height // 2 for p in placed] + [2])
    for panel in panels:
        draw.rounded_rectangle(_to_edges(panel.grown(reach // 2), size).inclusive(), radius=reach, fill=255)
    # Grown by a quarter line and blurred over half of one: every line still sits on the full veil.
    return mask.filter(ImageFilter.BoxBlur(reach))


def _to_edges(panel: PixelBox, size: tuple[int, int]) -> PixelBox:
    width, height = size
    near_x, near_y = TO_EDGE * width, TO_EDGE * height
    return PixelBox(-width if panel.left < near_x else panel.left, -height if panel.top < near_y else panel.top,
                    2 * width if panel.right > width - near_x else panel.right,
                    2 * height if panel.bottom > height - near_y else panel.bottom)


def _extra_scrim(canvas: Image.Image, layout: Layout, placed: list[PlacedText]) -> tuple[float, float | None]:
    """The least extra veil over the background that brings every line of text to the minimum.

    Measured line by line, not over a whole block: a bright cup under two words of one line
    must not hide in the dark around the others. None is added where none is needed, so bright
    photos are not darkened more than readability asks.
    """
    scrim, target = layout.background.scrim, layout.background.min_contrast
    needs = [contrast.scrim_needed(contrast.sample(canvas, area), p.layer.color, scrim, target)
             for p in placed for area in line_areas(p)]
    if not needs:
        return 0.0, None
    extra = max(step for step, _reached in needs)
    # With no extra veil the canvas is as measured: its worst line is already known.
    return extra, (round(min(reached for _step, reached in needs), 2) if extra == 0 else None)


def _worst_contrast(canvas: Image.Image, placed: list[PlacedText]) -> float | None:
    values = [contrast.worst_contrast(contrast.sample(canvas, area), p.layer.color)
              for p in placed for area in line_areas(p)]
    return round(min(values), 2) if values else None


# -- draw the text --------------------------------------------------------------------------------

def draw_text(canvas: Image.Image, texts: list[PlacedText], lang: str) -> Image.Image:
    """The texts drawn on `canvas`, in place."""
    draw = ImageDraw.Draw(canvas)
    for placed in texts:
        _draw_block(canvas, draw, placed, lang)
    return canvas


def _scrim(canvas: Image.Image, layout: Layout, side: Side = "", faces: list[PixelBox] | None = None) -> Image.Image:
    """A vertical veil in the scrim colour, from the top opacity to the bottom one; with the text
    moved to one side, fading towards the other, where the subject is; thinned over faces (the
    text is never on them, and the veil under the text is made where it is). `canvas` is the
    card's own fresh crop, veiled in place: the colour pasted through the mask blends exactly as
    a composite with a solid veil image would, without making one."""
    mask = _veil(canvas.size, layout.background.scrim_opacity, side)
    if faces:
        mask = _thinned_over_faces(mask, faces)
    canvas.paste(layout.background.scrim[:3], mask=mask)
    return canvas


def _thinned_over_faces(mask: Image.Image, faces: list[PixelBox]) -> Image.Image:
    """`mask` (a fresh veil mask, changed in place) letting no more than FACE_SCRIM of the veil
    over each face's head, fading out over half a head's width around it so no edge shows. The
    fade is smooth by design, so it is drawn and blurred at a quarter of the size and only
    around the faces: a story-sized mask blurred whole costs more than the rest of the veil."""
    soft = max([2] + [round(face.width * FACE_FADE) for face in faces])
    reach = 3 * soft  # the ellipse drawn a blur's width wider, and the blur's own reach past it
    around = PixelBox(max(0, min(f.left for f in faces) - reach), max(0, min(f.top for f in faces) - reach),
                      min(mask.width, max(f.right for f in faces) + reach),
                      min(mask.height, max(f.bottom for f in faces) + reach))
    small = Image.new("L", (max(1, around.width // HOLE_SCALE), max(1, around.height // HOLE_SCALE)), 255)
    draw = ImageDraw.Draw(small)
    for face in faces:  # drawn a blur's width wider: the head itself keeps the thin veil after the blur
        draw.ellipse([(v - around[i % 2]) / HOLE_SCALE for i, v in enumerate(
            (face.left - soft, face.top - soft, face.right + soft, face.bottom + soft))], fill=round(255 * FACE_SCRIM))
    holes = small.filter(ImageFilter.GaussianBlur(soft / 2 / HOLE_SCALE)).resize(
        (around.width, around.height), Image.Resampling.BILINEAR)
    mask.paste(ImageChops.darker(mask.crop(around), holes), around[:2])
    return mask


def _veil(size: tuple[int, int], opacity: tuple[float, float], side: Side = "") -> Image.Image:
    """The scrim's mask: from the top opacity to the bottom one, and with the text to one side,
    thinning towards the other. Kept as one column, or one row and one column, and widened when
    asked: the same pixels as a whole mask, without a run keeping one of each canvas size."""
    width, height = size
    down = _veil_column(height, opacity).resize(size, Image.Resampling.NEAREST)
    if not side:
        return down
    return ImageChops.multiply(down, _veil_row(width, side).resize(size, Image.Resampling.NEAREST))


@functools.lru_cache(maxsize=32)  # a veil per (height, opacity): a run's layouts use a handful
def _veil_column(height: int, opacity: tuple[float, float]) -> Image.Image:
    # Pure and immutable once made, so shared. A vertical gradient resized is the same in every
    # column (its rows are flat), so one column of it is the whole.
    top, bottom = opacity
    ramp = Image.linear_gradient("L").resize((1, height), Image.Resampling.BILINEAR)
    return ramp.point([round(255 * (top + (bottom - top) * v / 255)) for v in range(256)])


@functools.lru_cache(maxsize=32)  # a veil per (width, side): a canvas's widths, two sides
def _veil_row(width: int, side: Side) -> Image.Image:
    # Opaque on the text's side (a gradient's 0 there), thinning towards the subject's.
    across = Image.linear_gradient("L").rotate(90 if side == "left" else -90)
    across = across.resize((width, 1), Image.Resampling.BILINEAR)
    return across.point([round(255 * (1 - (1 - SIDE_SCRIM_FAR) * v / 255)) for v in range(256)])


def _draw_block(canvas: Image.Image, draw: ImageDraw.ImageDraw, placed: PlacedText, lang: str) -> None:
    layer, block = placed.layer, placed.block
    for i, row in enumerate(block.rows):
        baseline = placed.top + block.ascent + i * block.line_height
        left = row_left(placed.box, block, row, layer.align, placed.flush_right)
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
