"""The detail measure, for photos without faces (subjects.py looks for those first): the region
that stands out, and for a photo with none, the crop window that holds the most detail.

A subject — a cup, a rocket — has edges and colour; the sky, a wall or a blurred
background has little of either. On a small copy of the photo, detail is measured as edge
strength plus colour saturation, and the crop window of the canvas's aspect is slid along the
axis it can move on to where it holds the most, with a slight pull to the centre so a photo
with detail everywhere is cropped as a person would, in the middle.
"""

from __future__ import annotations

import weakref

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

__all__ = ["SUBJECT_CORE", "auto_focus", "salient"]

SAMPLE = 96  # px on the long side of the copy that is measured: enough to find a subject
MAP_MIN = 3  # px on the short side of that copy, however thin the photo: a border and an inside
CENTRE_PULL = 0.15  # how much of the window's detail a window at the far edge gives up


# A photo's map, made once while the photo lives: every canvas of a post crops the same photo and
# looks for the same subject. Keyed by the picture itself (its identity), gone with it.
_maps: dict[int, Image.Image] = {}


def interest(image: Image.Image) -> Image.Image:
    """An "L" map, small, of how much there is to see at each place of `image` (never changed by
    its users: shared by every canvas of the photo)."""
    key = id(image)
    found = _maps.get(key)
    if found is None:
        found = _maps[key] = _interest(image)
        weakref.finalize(image, _maps.pop, key, None)
    return found


def _interest(image: Image.Image) -> Image.Image:
    scale = SAMPLE / max(image.size)
    # At least MAP_MIN on a side: the edge filter's border is cleared below, and a map with no
    # inside (a 1×700 strip, a 126000×316 panorama) would have nothing left, or fail the crop.
    size = (max(MAP_MIN, round(image.width * scale)), max(MAP_MIN, round(image.height * scale)))
    # An integer block reduce first (a third of the time of a box resize of the whole photo),
    # then a box resize of what is left to the sample size.
    factor = max(1, int(max(image.size) / SAMPLE))
    small = image.convert("RGB") if image.mode != "RGB" else image
    small = (small.reduce(factor) if factor > 1 else small).resize(size, Image.Resampling.BOX)
    edges = small.convert("L").filter(ImageFilter.FIND_EDGES)
    # The filter sees a cliff at the image's own border; that is not detail.
    edges = ImageOps.expand(edges.crop((1, 1, edges.width - 1, edges.height - 1)), border=1, fill=0)
    saturation = small.convert("HSV").getchannel("S").point(lambda v: v // 2)
    return ImageChops.add(edges, saturation)


def auto_focus(image: Image.Image, size: tuple[int, int]) -> tuple[float, float]:
    """The focal point (fractions across and down) whose cover crop to `size` holds the most detail."""
    detail = interest(image)
    w, h = detail.size
    pixels = detail.tobytes()
    scale = max(size[0] / image.width, size[1] / image.height)
    crop_w, crop_h = size[0] / scale / image.width, size[1] / scale / image.height  # fractions of the photo
    if crop_w < 0.999:
        sums = [sum(pixels[y * w + x] for y in range(h)) for x in range(w)]
        return _best(sums, crop_w), 0.5
    if crop_h < 0.999:
        sums = [sum(pixels[y * w:(y + 1) * w]) for y in range(h)]
        return 0.5, _best(sums, crop_h)
    return 0.5, 0.5


def _best(sums: list[int], window: float) -> float:
    """Centre (a fraction) of the window of relative size `window` that holds the most."""
    n = len(sums)
    span = max(1, round(window * n))
    if span >= n:
        return 0.5
    prefix = [0]
    for v in sums:
        prefix.append(prefix[-1] + v)
    best_start, best_score = 0, float("-inf")
    for start in range(n - span + 1):
        held = prefix[start + span] - prefix[start]
        off_centre = abs((start + span / 2) / n - 0.5) / (0.5 - window / 2)  # 0 centred, 1 at an edge
        score = held * (1 - CENTRE_PULL * off_centre)
        if score > best_score:
            best_start, best_score = start, score
    return (best_start + span / 2) / n


SUBJECT_MIN_RISE = 48  # levels (of 255) the detail map's peak must rise over its upper quartile to be a subject
SUBJECT_CORE = 0.6  # the subject is the connected region around the peak of detail down to this share of it
SUBJECT_STANDS_OUT = 1.6  # the subject holds this many times the canvas's average pooled detail
SUBJECT_MAX_AREA = 0.35  # a "subject" over more of the canvas than this is detail all over (stars, leaves)
SUBJECT_BLUR = 0.06  # detail is pooled over this share of the map's long side before the peak is looked for


def salient(image: Image.Image) -> tuple[float, float, float, float] | None:
    """The region of the photo that stands out (left, top, right, bottom as fractions), or None
    when no one part does: the region around the strongest pooled detail, above the photo's own
    level of detail (a wooden table and a blue sky have some everywhere)."""
    return _standing_out(interest(image))


def _standing_out(seen: Image.Image) -> tuple[float, float, float, float] | None:
    values = sorted(seen.tobytes())
    level = values[len(values) * 3 // 4]
    if values[-1] - level < SUBJECT_MIN_RISE:
        return None  # nothing rises above the rest: a clear sky, a wall, a gradient (its faint JPEG blocks)
    pooled = seen.point([min(255, max(0, v - level) * 3) for v in range(256)]).filter(
        ImageFilter.GaussianBlur(max(1, round(max(seen.size) * SUBJECT_BLUR))))
    region = _region_around_peak(pooled.tobytes(), pooled.width, pooled.height)
    if region is None:
        return None
    x0, y0, x1, y1 = region
    inside, overall = ImageStat.Stat(pooled.crop(region)).mean[0], ImageStat.Stat(pooled).mean[0]
    if inside < SUBJECT_STANDS_OUT * overall:
        return None  # the richest part is hardly richer than the rest: a field of stars, a table top
    box = (x0 / pooled.width, y0 / pooled.height, x1 / pooled.width, y1 / pooled.height)
    return box if (box[2] - box[0]) * (box[3] - box[1]) <= SUBJECT_MAX_AREA else None


def _region_around_peak(pixels: bytes, w: int, h: int) -> tuple[int, int, int, int] | None:
    """The bounding box of the 4-connected region around the map's peak, down to SUBJECT_CORE of it."""
    peak = max(pixels, default=0)
    if peak == 0:
        return None
    floor = peak * SUBJECT_CORE
    # 1 where the map reaches the floor; a row's span of ones is taken whole (found by find() in
    # C, not pixel by pixel) and zeroed, and the spans touching it above and below become seeds.
    mask = bytearray(pixels.translate(bytes(1 if v >= floor else 0 for v in range(256))))
    x0, y0, x1, y1 = w, h, 0, 0
    seeds = [pixels.index(peak)]
    while seeds:
        at = seeds.pop()
        if not mask[at]:
            continue
        row = at // w * w
        left, right = mask.rfind(0, row, at) + 1 or row, mask.find(0, at, row + w)
        right = row + w if right < 0 else right
        mask[left:right] = bytes(right - left)
        x0, y0, x1, y1 = min(x0, left - row), min(y0, row // w), max(x1, right - row), max(y1, row // w + 1)
        for other in (row - w, row + w):
            if 0 <= other < len(mask):
                seeds += _runs(mask, other + left - row, other + right - row)
    return x0, y0, x1, y1


def _runs(mask: bytearray, start: int, stop: int) -> list[int]:
    """The first index of each run of ones in mask[start:stop]."""
    found = []
    at = mask.find(1, start, stop)
    while at >= 0:
        found.append(at)
        end = mask.find(0, at, stop)
        at = -1 if end < 0 else mask.find(1, end, stop)
    return found
