"""Moving a design's layers: the text group to one side of the canvas, groups of layers stacked
as set and centred in their room, a tall card's colour field drawn up to its text, and text
moved in from the canvas's margin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .geometry import PixelBox
from .layout import BrandLayer, Layer, PhotoLayer, RectLayer, TextLayer
from .scene import PlacedText, Scene, Side, ink_area, literal_ink

__all__ = ["EDGE_TOLERANCE", "MARGIN", "centre_groups", "drawn_into", "fit_field", "ink_boxes", "margin_inset",
           "moved_in", "to_side"]

MARGIN = 0.05  # of the canvas width: no ink nearer any edge
EDGE_TOLERANCE = 0.02  # of the canvas width: layers whose edges lie this close share that edge
TALL = 1.2  # a canvas this many times taller than wide has its photo block and colour field share it
FIELD_PAD = 0.06  # of the canvas height: room kept above and below the text group in its field
PHOTO_MAX = 0.62  # of the canvas height: the most a photo block grows to
EDGE = 0.01  # of the canvas height: edges this close are one edge (a rule drawn across the field's top)


def to_side(scene: Scene, side: Side, share: float) -> Scene:
    """The text group (every layer that does not bleed, but the photo) narrowed to `share` of the
    width on one side of the canvas."""
    # Boxes are in reading order and mirrored later for a right-to-left card: flip the side first.
    start = (side == "right") != scene.mirror
    span = (1 - share, 1.0) if start else (0.0, share)

    def moved(layer: Layer) -> Layer:
        if layer.bleed or isinstance(layer, PhotoLayer):
            return layer
        box = layer.box.squeezed(*span)
        if isinstance(layer, BrandLayer):  # a site's name keeps its width (narrowed, it would be cut short)
            width = layer.box.right - layer.box.left
            # Flush with the text's edge where it starts there, else centred on where it was.
            start_at = box.left if layer.align == "start" else (box.left + box.right - width) / 2
            left = min(max(0.0, start_at), 1.0 - width)
            box = replace(box, left=left, right=left + width)
        return replace(layer, box=box)

    return replace(scene, layers=tuple(moved(layer) for layer in scene.layers), side=side)


def centre_groups(scene: Scene, texts: list[PlacedText]) -> tuple[Scene, list[PlacedText]]:
    """Each group of layers (`group = "…"`) stacked as set, top to bottom with the gaps between
    their boxes kept, and centred in the room the boxes span (or at its top or foot, as the
    layout's group_align says): a short quote and its attribution sit together in the middle of
    a colour field, a headline's kicker directly above its title, not pinned apart with the
    space between empty."""
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
        # The gap the design leaves above each member, from the member drawn before it in the
        # design: a deck left out (no description) does not leave its room as a hole.
        before = {b: max(0, areas[b].top - areas[a].bottom) for a, b in zip(members, members[1:])}
        gaps = [before[b] for b in order[1:]]
        total = sum(spans[i][1] for i in order) + sum(gaps)
        room = (min(a.top for a in areas.values()), max(a.bottom for a in areas.values()))
        # Over a photo the group sits where the layout says; on a plain field, in its middle.
        align = scene.spec.layout.group_align if scene.picture is not None else "center"
        y = _group_top(room, total, align)
        for k, i in enumerate(order):
            layers[i], texts = _shift(layers[i], y - spans[i][0], areas[i], scene, texts)
            y += spans[i][1] + (gaps[k] if k < len(gaps) else 0)
    return replace(scene, layers=tuple(layers)), texts


def _group_top(room: tuple[int, int], total: int, align: str) -> int:
    """Where a group `total` px tall starts in `room`: at its top, its foot, or centred."""
    if align == "top":
        return room[0]
    if align == "bottom":
        return room[1] - total
    return round((room[0] + room[1] - total) / 2)


def _extent(layer: Layer, area: PixelBox, texts: list[PlacedText], lang: str) -> tuple[int, int] | None:
    """Where `layer` starts as set and how tall it is: a text its lines (a decorative mark its ink),
    anything else its box; None for a text that was left out."""
    if isinstance(layer, TextLayer):
        placed = next((p for p in texts if p.layer is layer), None)
        if placed is None:
            return None
        if layer.literal:
            ink = literal_ink(placed, lang)
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


def fit_field(scene: Scene, texts: list[PlacedText]) -> Scene | None:
    """On a tall canvas, a design whose text group sits in a colour field across the bottom (a
    split card's, a band) with the field drawn up to the group: the photo block above grows into
    the part of the field its text (`texts`, as set and centred) would leave empty, up to
    PHOTO_MAX of the height. `scene` is the design before its groups were centred. None where
    nothing would move."""
    width, height = scene.spec.size
    field = next((layer for layer in scene.layers if isinstance(layer, RectLayer) and layer.bleed
                  and layer.box.left <= 0 and layer.box.right >= 1 and layer.box.bottom >= 1), None)
    if height < width * TALL or field is None:
        return None
    top = scene.area(field).top
    members = [(layer, area) for layer in scene.layers if getattr(layer, "group", "") and not layer.bleed
               and ((area := scene.area(layer)).top + area.bottom) / 2 >= top]
    groups = {layer.group for layer, _area in members if isinstance(layer, TextLayer)}
    inks = ink_boxes([p for p in texts if p.layer.group in groups], scene.spec.lang)
    if not inks:
        return None
    below = [area.top for layer in scene.layers if not layer.bleed and not getattr(layer, "group", "")
             and (area := scene.area(layer)).top >= top]
    floor = min(below, default=scene.spec.platform.safe_box[3])  # no text below the safe area (a story's reply box)
    used = max(b.bottom for b in inks) - min(b.top for b in inks)
    new_top = min(round(PHOTO_MAX * height), floor - used - 2 * round(FIELD_PAD * height))
    if new_top <= top + EDGE * height:
        return None
    start = min([top] + [area.top for _layer, area in members])
    return _field_moved(scene, top, new_top, (start, floor), [layer for layer, _area in members])


def _field_moved(scene: Scene, top: int, new_top: int, room: tuple[int, int], members: list[Layer]) -> Scene:
    """The field's top edge moved from `top` to `new_top` (px): what ends there (the photo block)
    grows, what starts there (the field) shrinks, a rule on it moves, and the group's boxes are
    drawn from `room` into the smaller field."""
    height = scene.spec.size[1]
    near = EDGE * height
    safe = scene.spec.platform.safe_box
    step = (new_top - top) / height

    def moved(layer: Layer) -> Layer:
        area, box = scene.area(layer), layer.box
        if not layer.bleed:
            return layer
        if abs(area.top - top) <= near and area.height <= 2 * near:
            return replace(layer, box=replace(box, top=box.top + step, bottom=box.bottom + step))  # a rule
        if abs(area.top - top) <= near:
            return replace(layer, box=replace(box, top=box.top + step))
        if abs(area.bottom - top) <= near:
            return replace(layer, box=replace(box, bottom=box.bottom + step))
        return layer

    def safe_share(y: int) -> float:
        return (y - safe.top) / safe.height

    scene = replace(scene, layers=tuple(moved(layer) for layer in scene.layers))
    return drawn_into(scene, members, (safe_share(room[0]), safe_share(room[1])),
                      (safe_share(new_top), safe_share(room[1])))


def drawn_into(scene: Scene, members: Sequence[Layer], span: tuple[float, float], into: tuple[float, float]) -> Scene:
    """`members` (layers that do not bleed) with their boxes drawn from `span` into `into`
    (shares of the safe area's height), each keeping its place among them."""
    scale = (into[1] - into[0]) / max(1e-9, span[1] - span[0])

    def fit(v: float) -> float:
        return into[0] + (v - span[0]) * scale

    moved = {id(layer): replace(layer, box=replace(layer.box, top=fit(layer.box.top), bottom=fit(layer.box.bottom)))
             for layer in members}
    return replace(scene, layers=tuple(moved.get(id(layer), layer) for layer in scene.layers))


def ink_boxes(texts: list[PlacedText], lang: str) -> list[PixelBox]:
    """Where each text layer's ink is: a decorative mark's own, a text's lines with its hanging mark."""
    return [literal_ink(p, lang) if p.layer.literal else ink_area(p) for p in texts]


def margin_inset(scene: Scene, texts: list[PlacedText]) -> tuple[int, int, int, int]:
    """How far (px) the text must move in from each edge (left, top, right, bottom)."""
    width, height = scene.spec.size
    margin = round(MARGIN * width)
    boxes = ink_boxes(texts, scene.spec.lang)
    if not boxes:
        return 0, 0, 0, 0
    return (max(0, margin - min(b.left for b in boxes)), max(0, margin - min(b.top for b in boxes)),
            max(0, max(b.right for b in boxes) - (width - margin)),
            max(0, max(b.bottom for b in boxes) - (height - margin)))


def moved_in(scene: Scene, inset: tuple[int, int, int, int]) -> Scene:
    """Every layer that does not bleed moved in by `inset` (on a right-to-left card, mirrored):
    across, the edges it shares with the outermost such layer (within EDGE_TOLERANCE of the
    canvas width) move, so a hanging mark, the rule and the attribution stay on one edge; down,
    the whole arrangement is drawn together, each layer keeping its place in it."""
    left, top, right, bottom = inset
    if scene.mirror:
        left, right = right, left
    safe = scene.spec.platform.safe_box
    tolerance = round(EDGE_TOLERANCE * scene.spec.size[0])
    movable = [layer for layer in scene.layers if not layer.bleed and not isinstance(layer, PhotoLayer)]
    if not movable:
        return scene
    boxes = {id(layer): layer.box.within(safe) for layer in movable}
    outer = PixelBox(min(b.left for b in boxes.values()), min(b.top for b in boxes.values()),
                     max(b.right for b in boxes.values()), max(b.bottom for b in boxes.values()))
    scale = (outer.height - top - bottom) / max(1, outer.height)

    def down(y: int) -> float:
        return outer.top + top + (y - outer.top) * scale

    def moved(layer: Layer) -> Layer:
        box = boxes.get(id(layer))
        if box is None:
            return layer
        x0 = box.left + (left if box.left <= outer.left + tolerance else 0)
        x1 = box.right - (right if box.right >= outer.right - tolerance else 0)
        if not isinstance(layer, TextLayer):  # a rule or a logo keeps its width: it moves, not narrows
            x0, x1 = (x0, x0 + box.width) if x0 != box.left else (x1 - box.width, x1)
        if x1 <= x0 or scale <= 0:
            return layer
        return replace(layer, box=replace(layer.box, left=(x0 - safe.left) / safe.width,
                                          top=(down(box.top) - safe.top) / safe.height,
                                          right=(x1 - safe.left) / safe.width,
                                          bottom=(down(box.bottom) - safe.top) / safe.height))

    return replace(scene, layers=tuple(moved(layer) for layer in scene.layers))
