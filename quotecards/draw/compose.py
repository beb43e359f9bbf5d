"""Composition by measuring: each candidate arrangement of the text (as designed, squeezed clear
of the subjects, or narrowed to the left or right) gets its own crop of the photo, is set, and is
scored on what it covers, the veil its text would need and the size its type is set at; the best
wins, and what it could not avoid (a face covered, a subject cut, a photo greyed) is a Problem
that sets the photo beside the text.

A face under the text rules a candidate out. A design's own arrangement is measured first; when
it covers nothing, keeps every subject whole and needs no heavy veil, no other is set (the others
set the same text no larger), so most cards set their text once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PIL import Image, ImageStat

from ..card_warnings import CardWarning, Kind
from . import contrast, focus
from .arrange import centre_groups, drawn_into, fit_field, margin_inset, moved_in, to_side
from .crop import Crop, Room, crop_for, on_canvas
from .geometry import PixelBox
from .layout import BrandLayer, PhotoLayer, RectLayer, TextLayer
from .place import MAIN_TEXTS, Placed, place_text
from .scene import PlacedText, Scene, Side, ink_area, line_areas, literal_ink
from .subjects import Seen, Subject

__all__ = ["Candidate", "Composition", "OnCard", "Problem", "compose", "occluders"]

INSET_ROUNDS = 4  # moves in from the margin at most this many times: each takes half or more of what is left
SALIENT_LIMIT = 0.15  # more of a salient subject than this under the text, and the photo goes beside it
# A photo whose text needs more veil than HEAVY_VEIL to be read, and either more than HEAVY_BEYOND
# beyond the design's own scrim there or the photo one bright, even tone where it is shown (a white
# wall, an overcast sky), would be greyed by it: it goes beside the text.
HEAVY_VEIL, HEAVY_BEYOND = 0.55, 0.25
FLAT_SPREAD, BRIGHT_MEAN = 24, 170  # grey levels: an even tone's spread, and a bright one's mean
# The score: the type's size (as a share of the designed arrangement's) against what the text covers
# and the veil it needs beyond the design's own scrim; leaving the design's own arrangement costs a little.
SIZE_WEIGHT, COVER_WEIGHT, VEIL_WEIGHT, MOVED_COST = 100.0, 400.0, 60.0, 2.0
FACE_ROOM = 0.02  # of the canvas width: no text nearer a face's head than this (it would crowd the face)
SIDE_ASPECT = 1.15  # a text column to one side only where the safe area is this much wider than tall
CLEAR_GAP = 0.03  # of the canvas height: between a subject and the text kept clear of it
CLEAR_MIN = 0.15  # of the canvas height: a text group squeezed into less than this is no candidate


@dataclass(frozen=True)
class OnCard:
    """A subject where it lands on the card."""

    subject: Subject
    box: PixelBox  # the subject's box, clipped to the photo's box
    keep: PixelBox  # its keep box (a face's head), clipped the same way


@dataclass(frozen=True)
class Candidate:
    """One arrangement of the text, and where that leaves room for the subject."""

    name: str  # "designed", "left", "right", or "clear" (the main text kept clear of the subjects)
    room: Room
    side: Side
    clear: bool = False


@dataclass(frozen=True)
class Problem:
    """Why the photo would be better beside the text than under it."""

    kind: Kind  # SUBJECT_COVERED, SUBJECT_CROPPED or HEAVY_VEIL
    share: float = 0.0  # covered: how much of the subject; heavy veil: how much veil

    def warning(self) -> CardWarning:
        """What a card says that could not step aside from it (cards.DETOURS: one that did)."""
        if self.kind == Kind.SUBJECT_CROPPED:
            return CardWarning(self.kind, "the photo's subjects do not all fit this canvas whole")
        if self.kind == Kind.HEAVY_VEIL:
            return CardWarning(self.kind, f"the photo needs a veil of {self.share:.0%} under the text to be read")
        return CardWarning(self.kind, f"the text covers {self.share:.0%} of the photo's subject")


@dataclass
class Composition:
    """The arrangement chosen: the scene with its text set, the crop and what it shows."""

    scene: Scene
    placed: Placed
    crop: Crop | None = None
    photo_area: PixelBox | None = None
    subjects: tuple[OnCard, ...] = ()
    candidate: str = ""
    score: float | None = None
    scores: dict[str, float | None] = field(default_factory=dict)  # every candidate measured; None: ruled out
    problem: Problem | None = None


@dataclass
class _Measured:
    candidate: Candidate
    scene: Scene
    placed: Placed
    crop: Crop
    subjects: tuple[OnCard, ...]
    face_hit: float  # the most of any face's head under the text
    salient: float  # the share of a salient or given subject under the text
    veil: float  # the veil the worst line needs
    beyond: float  # the most veil a line needs beyond the design's own scrim
    size: int
    flat: bool  # the part of the photo shown is one bright, even tone


def compose(scene: Scene, seen: Seen | None) -> Composition:
    """The text set and the photo cropped for this canvas; for a photo under the text, the best of
    the candidate arrangements."""
    picture = scene.picture
    if picture is None or seen is None or not scene.spec.layout.uses_photo:
        return Composition(*_set(scene))
    area = _photo_area(scene)
    if not scene.spec.layout.background.photo:  # the photo in its own box, beside the text
        return _beside(scene, seen)
    candidates = _candidates(scene)
    as_designed = _set(scene)
    fallback = _fallback(picture, area) if not seen.subjects else (0.5, 0.5)
    designed = _measure(scene, candidates[0], seen, area, fallback, as_designed)
    assert designed is not None
    measured = [designed]
    if not _settled(designed):
        measured += [m for c in candidates[1:] if (m := _measure(scene, c, seen, area, fallback)) is not None]
    scores = {m.candidate.name: _score(m, designed.size) for m in measured}
    best = max(measured, key=lambda m: (scores[m.candidate.name] is not None, scores[m.candidate.name] or 0,
                                        -m.face_hit))
    return Composition(best.scene, best.placed, best.crop, area, best.subjects, best.candidate.name,
                       scores[best.candidate.name], scores, _problem(best))


def _beside(scene: Scene, seen: Seen) -> Composition:
    """A photo in its own box: cropped around its subjects; on a tall card its box grown into the
    room the text leaves (arrange.fit_field), unless that narrows it past keeping them whole."""
    assert scene.picture is not None
    designed = scene
    scene, placed = _set(designed)
    crop, area = _beside_crop(scene, seen)
    if not crop.whole and scene.layers != designed.layers:
        scene, placed = _set(designed, fit=False)
        crop, area = _beside_crop(scene, seen)
    problem = None if crop.whole else Problem(Kind.SUBJECT_CROPPED)
    return Composition(scene, placed, crop, area, _on_card(seen.subjects, crop, area), "designed", None, {}, problem)


def _beside_crop(scene: Scene, seen: Seen) -> tuple[Crop, PixelBox]:
    assert scene.picture is not None
    area = _photo_area(scene)
    fallback = _fallback(scene.picture, area) if not seen.subjects else (0.5, 0.5)
    return crop_for(scene.picture.size, (area.width, area.height), seen.subjects, "", fallback), area


def _candidates(scene: Scene) -> list[Candidate]:
    """As designed first; then with the text group squeezed clear of the subjects (a smaller size,
    the same place); then, where the layout lets its text narrow and the canvas is wide
    enough for a column, to either side."""
    main = _main_layer(scene)
    # Text set from the bottom of its box, or a box in the lower half, is low on the card.
    low = main is None or main.valign == "bottom" or (main.box.top + main.box.bottom) / 2 >= 0.5
    room: Room = "bottom" if low else "top"
    found = [Candidate("designed", room, ""), Candidate("clear", room, "", clear=True)]
    safe = scene.spec.platform.safe_box
    if scene.spec.layout.text_width < 1 and safe.width > safe.height * SIDE_ASPECT:
        found += [Candidate("left", "left", "left"), Candidate("right", "right", "right")]
    return found


def _main_layer(scene: Scene) -> TextLayer | None:
    return next((layer for layer in scene.layers if isinstance(layer, TextLayer) and layer.source in MAIN_TEXTS),
                None)


def _cleared(scene: Scene, subjects: tuple[OnCard, ...], room: Room) -> Scene | None:
    """The text group (the main text and every layer on its far side, the rule and attribution
    below a low quote) squeezed into the room between the subjects and its own far edge, each
    layer keeping its place in the group; None when no room would be left."""
    main = _main_layer(scene)
    if main is None or not subjects:
        return None
    safe, height = scene.spec.platform.safe_box, scene.spec.size[1]
    gap = round(CLEAR_GAP * height + FACE_ROOM * scene.spec.size[0])  # clear of a face and its room
    low = room == "bottom"
    start = main.box.top if low else main.box.bottom
    group = [layer for layer in scene.layers if not layer.bleed and not isinstance(layer, PhotoLayer)
             and (layer.box.top >= start - 1e-9 if low else layer.box.bottom <= start + 1e-9)]
    span = (start, max(layer.box.bottom for layer in group)) if low else (min(layer.box.top for layer in group), start)
    if low:
        edge = (max(s.keep.bottom for s in subjects) + gap - safe.top) / safe.height
        room_span = (max(span[0], edge), span[1])
    else:
        edge = (min(s.keep.top for s in subjects) - gap - safe.top) / safe.height
        room_span = (span[0], min(span[1], edge))
    if room_span == span or (room_span[1] - room_span[0]) * safe.height < CLEAR_MIN * height:
        return None
    return drawn_into(scene, group, span, room_span)


def _measure(scene: Scene, candidate: Candidate, seen: Seen, area: PixelBox, fallback: tuple[float, float],
             as_set: tuple[Scene, Placed] | None = None) -> _Measured | None:
    """The candidate set (or as `as_set` already has it) and scored; None where it cannot be
    (nothing to clear, no room left)."""
    assert scene.picture is not None
    crop = crop_for(scene.picture.size, (area.width, area.height), seen.subjects, candidate.room, fallback)
    subjects = _on_card(seen.subjects, crop, area)
    if candidate.side and _column_over_a_face(scene, candidate.side, subjects):
        return None
    as_set = as_set or _arranged(scene, candidate, subjects)
    if as_set is None:
        return None
    scene, placed = as_set
    room = round(FACE_ROOM * scene.spec.size[0])
    faces = [PixelBox(s.keep.left - room, s.keep.top - room, s.keep.right + room, s.keep.bottom + room)
             for s in subjects if s.subject.kind == "face"]
    scene = _brand_off(scene, faces, placed)
    cover = occluders(scene, placed.texts)
    others = [s.box for s in subjects if s.subject.kind != "face"]
    main = next((p.block.size for p in placed.texts if p.layer.source in MAIN_TEXTS), 0)
    return _Measured(candidate, scene, placed, crop, subjects, _most_covered(faces, cover),
                     _most_covered(others, cover), *_veil(scene, placed.texts, seen.proxy, crop), main,
                     _flat(seen.proxy, crop))


def _column_over_a_face(scene: Scene, side: Side, subjects: tuple[OnCard, ...]) -> bool:
    """Whether a text column on `side` would stand over the middle of a face (a column beside it
    is worth setting; one over it is not, whatever its text)."""
    width = scene.spec.size[0]
    share = scene.spec.layout.text_width
    column = (0.0, share * width) if (side == "left") != scene.mirror else ((1 - share) * width, float(width))
    return any(column[0] <= (s.keep.left + s.keep.right) / 2 <= column[1]
               for s in subjects if s.subject.kind == "face")


def _arranged(scene: Scene, candidate: Candidate, subjects: tuple[OnCard, ...]) -> tuple[Scene, Placed] | None:
    """The text set in the candidate's arrangement; None where it has none (nothing to clear, no
    room left) or cannot set the text (the design's own could: this is not the card's error)."""
    if candidate.side:
        scene = to_side(scene, candidate.side, scene.spec.layout.text_width)
    if candidate.clear:
        cleared = _cleared(scene, subjects, candidate.room)
        if cleared is None:
            return None
        scene = cleared
    try:
        return _set(scene)
    except ValueError:
        return None


def _set(scene: Scene, fit: bool = True) -> tuple[Scene, Placed]:
    """The text set and its groups centred, a tall card's colour field drawn up to its text
    (arrange.fit_field), and the text moved in where ink would come within MARGIN of an edge (a
    group centred again moves by half of what its room gave up: a few rounds). Each change is
    made to the design as it was before its groups were centred, and the groups centred anew."""
    base = scene
    scene, placed = _centred(base)
    fitted = fit_field(base, placed.texts) if fit else None
    if fitted is not None:
        base = fitted
        scene, placed = _centred(base)
    for _round in range(INSET_ROUNDS):
        inset = margin_inset(scene, placed.texts)
        if inset == (0, 0, 0, 0):
            break
        base = moved_in(base, inset)
        scene, placed = _centred(base)
    return scene, placed


def _centred(scene: Scene) -> tuple[Scene, Placed]:
    placed = place_text(scene)
    scene, placed.texts[:] = centre_groups(scene, placed.texts)
    return scene, placed


def _brand_off(scene: Scene, faces: list[PixelBox], placed: Placed) -> Scene:
    """The scene without a site's name or logo that would sit on a face (a tall crop leaves a
    head at the very top, where the brand is), and the card saying so."""
    over = [layer for layer in scene.layers if isinstance(layer, BrandLayer)
            and any(scene.area(layer).overlap(face) for face in faces)]
    if not over:
        return scene
    placed.warnings.append(CardWarning(Kind.TEXT_LEFT_OUT, "the site's name left out: it would cover a face"))
    return replace(scene, layers=tuple(layer for layer in scene.layers if layer not in over))


def occluders(scene: Scene, texts: list[PlacedText]) -> list[PixelBox]:
    """What hides the photo: the ink of every text layer and every opaque colour field or rule."""
    lang = scene.spec.lang
    boxes = [line for p in texts for line in (line_areas(p) if not p.layer.literal else [literal_ink(p, lang)])]
    boxes += [scene.area(layer) for layer in scene.layers if isinstance(layer, RectLayer) and layer.color[3] == 255]
    return boxes


def _most_covered(subjects: list[PixelBox], cover: list[PixelBox]) -> float:
    """The largest share of any one subject's box under the covering boxes (overlaps counted once
    per box: lines do not overlap one another)."""
    worst = 0.0
    for box in subjects:
        area = max(1, box.width * box.height)
        worst = max(worst, min(1.0, sum(c.overlap(box) for c in cover) / area))
    return round(worst, 3)


def _veil(scene: Scene, texts: list[PlacedText], proxy: Image.Image, crop: Crop) -> tuple[float, float]:
    """The most veil any text block over the photo needs to be read (how far the photo is greyed
    under it), and the most of that beyond the design's own scrim there; measured on the photo's
    small copy."""
    background = scene.spec.layout.background
    width, height = scene.spec.size
    fields = [scene.area(layer) for layer in scene.layers if isinstance(layer, RectLayer) and layer.color[3] == 255]
    top, bottom = background.scrim_opacity
    worst = beyond = 0.0
    for p in texts:
        if not p.read:
            continue
        block = ink_area(p)  # the block's lines at once: a near-worst pixel of any of them decides
        if block.width <= 0 or any(f.overlap(block) >= block.width * block.height for f in fields):
            continue  # nothing set, or on a colour field rather than the photo
        region = proxy.crop(_on_proxy(block, crop, (width, height), proxy.size))
        needed, _reached = contrast.scrim_needed(region, p.layer.color, background.scrim, background.min_contrast)
        own = top + (bottom - top) * block.top / height  # the design's scrim is lightest at the block's top
        worst, beyond = max(worst, needed), max(beyond, needed - own)
    return round(worst, 3), round(beyond, 3)


def _flat(proxy: Image.Image, crop: Crop) -> bool:
    """Whether the part of the photo shown is one bright, even tone (a white wall, an overcast sky)."""
    x0, y0, x1, y1 = crop.window
    window = (int(x0 * proxy.width), int(y0 * proxy.height), max(1, round(x1 * proxy.width)),
              max(1, round(y1 * proxy.height)))
    stat = ImageStat.Stat(proxy.crop(window).convert("L"))
    return stat.mean[0] > BRIGHT_MEAN and stat.stddev[0] < FLAT_SPREAD


def _on_proxy(box: PixelBox, crop: Crop, size: tuple[int, int], proxy: tuple[int, int]) -> tuple[int, int, int, int]:
    """A canvas box where it falls on the photo's small copy, at least a pixel each way."""
    x0, y0, x1, y1 = crop.window
    left = int((x0 + box.left / size[0] * (x1 - x0)) * proxy[0])
    top = int((y0 + box.top / size[1] * (y1 - y0)) * proxy[1])
    right = max(left + 1, round((x0 + box.right / size[0] * (x1 - x0)) * proxy[0]))
    bottom = max(top + 1, round((y0 + box.bottom / size[1] * (y1 - y0)) * proxy[1]))
    return min(left, proxy[0] - 1), min(top, proxy[1] - 1), min(right, proxy[0]), min(bottom, proxy[1])


def _settled(m: _Measured) -> bool:
    """Whether the design's own arrangement needs no other measured: it covers nothing, keeps every
    subject whole, and the veil its text needs beyond the design's own scrim is not heavy
    (HEAVY_BEYOND). Every other candidate sets the same text no larger; one could score higher
    only by needing a lighter veil, which the card can add without greying the photo."""
    return m.face_hit == 0 and m.salient == 0 and m.crop.whole and m.beyond <= HEAVY_BEYOND


def _score(m: _Measured, designed: int) -> float | None:
    """Higher is better; None: a face under the text."""
    if m.face_hit > 0:
        return None
    moved = 0.0 if m.candidate.name == "designed" else MOVED_COST
    veil = VEIL_WEIGHT * max(0.0, m.beyond)
    score = SIZE_WEIGHT * m.size / max(1, designed) - COVER_WEIGHT * m.salient - veil - moved
    return round(score - (0.0 if m.crop.whole else 1000.0), 2)


def _problem(m: _Measured) -> Problem | None:
    if m.face_hit > 0:
        return Problem(Kind.SUBJECT_COVERED, m.face_hit)
    if not m.crop.whole:
        return Problem(Kind.SUBJECT_CROPPED)
    if m.salient > SALIENT_LIMIT:
        return Problem(Kind.SUBJECT_COVERED, m.salient)
    if m.veil > HEAVY_VEIL and (m.beyond > HEAVY_BEYOND or m.flat):
        return Problem(Kind.HEAVY_VEIL, m.veil)
    return None


def _photo_area(scene: Scene) -> PixelBox:
    """Where the photo goes: the whole canvas, or a photo layer's box."""
    width, height = scene.spec.size
    if scene.spec.layout.background.photo:
        return PixelBox(0, 0, width, height)
    box = next((scene.area(layer) for layer in scene.layers if isinstance(layer, PhotoLayer)), None)
    return box or PixelBox(0, 0, width, height)


def _fallback(picture: Image.Image, area: PixelBox) -> tuple[float, float]:
    """Where a photo with no subject is cropped around: the window of the most detail."""
    return focus.auto_focus(picture, (area.width, area.height))


def _on_card(subjects: tuple[Subject, ...], crop: Crop, area: PixelBox) -> tuple[OnCard, ...]:
    """The subjects the crop shows some of, where they land on the card."""
    placed = (OnCard(s, PixelBox(*on_canvas(s.box, crop.window, area)), PixelBox(*on_canvas(s.keep, crop.window, area)))
              for s in subjects)
    return tuple(s for s in placed if s.box.width > 0 and s.box.height > 0)
