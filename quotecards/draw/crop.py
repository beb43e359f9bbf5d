"""Each canvas's own crop of the photo: the largest window of the canvas's shape that keeps every
subject whole (a face with its hair and chin) and, where the photo leaves room to move, sets it
on the third away from the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .subjects import Box, Subject

__all__ = ["Crop", "Room", "crop_for", "on_canvas"]

Room = Literal["left", "right", "top", "bottom", ""]  # where on the canvas the text goes; "" beside the photo
MAX_UPSCALE = 2.0  # a closer crop scales the photo up no more than this (cards.SMALL_PHOTO_SCALE's limit)
ZOOM_STEP = 0.05  # a closer crop is looked for in steps of this share of the largest
HEADROOM = 0.04  # of the window: room kept between a subject and the crop's edge, where there is any
# Where a subject's centre sits in the window, along the axis the crop can move on: on the third
# away from the text; a head a little above the middle when the text is below it.
THIRDS: dict[Room, float] = {"left": 2 / 3, "right": 1 / 3, "top": 0.6, "bottom": 0.4, "": 0.5}


@dataclass(frozen=True)
class Crop:
    """The part of the photo a box shows (fractions: left, top, right, bottom), and whether every
    subject is inside it whole."""

    window: Box
    whole: bool
    zoom: float = 1.0  # under 1: a closer crop than the largest, to leave a subject out rather than cut it

    @property
    def point(self) -> tuple[float, float]:
        """Its centre: the focal point photo.cover crops around to show this window."""
        return (self.window[0] + self.window[2]) / 2, (self.window[1] + self.window[3]) / 2


def crop_for(photo_size: tuple[int, int], box: tuple[int, int], subjects: tuple[Subject, ...],
             room: Room, fallback: tuple[float, float]) -> Crop:
    """The cover crop of a photo of `photo_size` to a box of size `box` around `subjects`, with
    the text in `room`; around `fallback` (a focal point) when there are none. Where not every
    subject fits and one would be cut at the edge, a closer crop (no more than MAX_UPSCALE the
    photo's pixels) that leaves it out whole."""
    scale = max(box[0] / photo_size[0], box[1] / photo_size[1])
    crop = _cover_crop(photo_size, box, subjects, room, fallback, 1.0)
    zoom = 1.0
    while _cuts(crop, subjects) and (zoom := round(zoom - ZOOM_STEP, 2)) * MAX_UPSCALE >= scale:
        crop = _cover_crop(photo_size, box, subjects, room, fallback, zoom)
    return crop if not _cuts(crop, subjects) else _cover_crop(photo_size, box, subjects, room, fallback, 1.0)


def _cuts(crop: Crop, subjects: tuple[Subject, ...]) -> bool:
    """Whether the crop cuts through some subject (neither wholly in nor wholly out)."""
    x0, y0, x1, y1 = crop.window
    return any(s.keep[0] < x1 and s.keep[2] > x0 and s.keep[1] < y1 and s.keep[3] > y0
               and not _inside(s.keep, crop.window) for s in subjects)


def _cover_crop(photo_size: tuple[int, int], box: tuple[int, int], subjects: tuple[Subject, ...], room: Room,
                fallback: tuple[float, float], zoom: float) -> Crop:
    scale = max(box[0] / photo_size[0], box[1] / photo_size[1]) / zoom
    span_x, span_y = min(box[0] / scale / photo_size[0], 1.0), min(box[1] / scale / photo_size[1], 1.0)
    if not subjects:
        x, y = fallback
        left, top = _clamp(x - span_x / 2, span_x), _clamp(y - span_y / 2, span_y)
        return Crop((left, top, left + span_x, top + span_y), True, zoom)
    keep = _union([s.keep for s in subjects])
    others: list[Box] = []
    if keep[2] - keep[0] > span_x or keep[3] - keep[1] > span_y:
        # Not all of them fit: the largest is kept, and the window kept off the others where it can
        # be (a face cut at the edge is worse than one left out).
        keep = max((s.keep for s in subjects), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        others = [s.keep for s in subjects if s.keep != keep]
    left = _place(keep[0], keep[2], span_x, THIRDS[room] if room in ("left", "right") else 0.5)
    top = _place(keep[1], keep[3], span_y, THIRDS[room] if room in ("top", "bottom") else 0.4)
    if others:
        left = _clear_of(left, span_x, (keep[0], keep[2]), [(b[0], b[2]) for b in others])
        top = _clear_of(top, span_y, (keep[1], keep[3]), [(b[1], b[3]) for b in others])
    window = (left, top, left + span_x, top + span_y)
    return Crop(window, all(_inside(s.keep, window) for s in subjects), zoom)


def _place(start: float, end: float, span: float, at: float) -> float:
    """Where a window of `span` starts so that [start, end] sits at `at` of it, kept whole (with
    headroom where there is any), and the window inside the photo."""
    if span >= 1:
        return 0.0
    pad = min(HEADROOM * span, max(0.0, (span - (end - start)) / 2))
    first = (start + end) / 2 - at * span
    first = min(first, start - pad)  # its start inside
    first = max(first, end + pad - span)  # and its end
    return _clamp(first, span)


def _clear_of(start: float, span: float, kept: tuple[float, float], others: list[tuple[float, float]]) -> float:
    """`start` moved, along one axis, so the window [start, start + span] cuts none of `others`
    (each wholly in or out) while `kept` stays inside; as it was where no such place exists."""
    low, high = max(0.0, kept[1] - span), min(kept[0], 1.0 - span)  # where the window may start
    for a, b in others:
        if start < b and start + span > a and not (a >= start and b <= start + span):  # cut through
            for moved in (a - span, b):  # its near edge: the window ends before it or starts after it
                if low <= moved <= high:
                    return moved
    return start


def _clamp(start: float, span: float) -> float:
    return max(0.0, min(start, 1.0 - span))


def _union(boxes: list[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _inside(box: Box, window: Box, slack: float = 1e-6) -> bool:
    return box[0] >= window[0] - slack and box[1] >= window[1] - slack and \
        box[2] <= window[2] + slack and box[3] <= window[3] + slack


def on_canvas(box: Box, window: Box, area: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A box of the photo (fractions) where it lands in `area` (px) showing `window`, clipped to it."""
    w, h = window[2] - window[0], window[3] - window[1]
    x0, y0, x1, y1 = area

    def across(v: float) -> int:
        return round(x0 + (v - window[0]) / w * (x1 - x0))

    def down(v: float) -> int:
        return round(y0 + (v - window[1]) / h * (y1 - y0))

    return (max(x0, min(x1, across(box[0]))), max(y0, min(y1, down(box[1]))),
            max(x0, min(x1, across(box[2]))), max(y0, min(y1, down(box[3]))))
