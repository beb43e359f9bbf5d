"""Moving a design's layers: the text group to one side of the canvas, and groups of layers
stacked as set and centred in their room."""

from __future__ import annotations

from dataclasses import replace

from .geometry import PixelBox
from .layout import Layer, PhotoLayer, TextLayer
from .scene import PlacedText, Scene, Side, literal_ink

__all__ = ["centre_groups", "to_side"]


def to_side(scene: Scene, side: Side, share: float) -> Scene:
    """The text group (every layer that does not bleed, but the photo) narrowed to `share` of the
    width on one side of the canvas."""
    # Boxes are in reading order and mirrored later for a right-to-left card: flip the side first.
    start = (side == "right") != scene.mirror
    span = (1 - share, 1.0) if start else (0.0, share)
    layers = tuple(replace(layer, box=layer.box.squeezed(*span))
                   if not layer.bleed and not isinstance(layer, PhotoLayer) else layer for layer in scene.layers)
    return replace(scene, layers=layers, side=side)


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
