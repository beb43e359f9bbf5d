"""Encoding a card within a byte limit.

`encode` is the one place that knows the formats: their extension, their media type, how far
each may go to meet a byte limit. Everything downstream (file names, the preview's answers,
front-matter entries) takes those from the `Encoded` it returns.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..formats import EXTENSIONS, FORMAT_CHOICES, FORMATS, Format

if TYPE_CHECKING:
    from PIL import Image

    from . import png

# Pillow and the PNG writer are imported where a card is encoded: writing files, a build with
# nothing to draw, needs neither.

__all__ = ["EXTENSIONS", "FORMAT_CHOICES", "FORMATS", "Encoded", "ExportError", "Format", "encode", "encode_for_screen"]


class ExportError(Exception):
    pass


@dataclass(frozen=True)
class Encoded:
    data: bytes
    how: str  # what was done, for the manifest: "png fast", "png palette 256", "jpeg q88", …
    format: Format = FORMATS["png"]
    quality: int | None = None  # the lossy formats' quality
    # The format's first encoding, made whatever the limit: `encode` gives these same bytes for
    # any limit they fit. A file stepped down to meet one limit is not what a looser one gets.
    first_try: bool = False

    def fits(self, max_bytes: int) -> bool:
        """Whether encoding the same picture in the same format under `max_bytes` gives this file."""
        return self.first_try and len(self.data) <= max_bytes

    @property
    def extension(self) -> str:
        return self.format.extension

    @property
    def mime(self) -> str:
        return self.format.mime


def encode(image: Image.Image, max_bytes: int, format: str = "png", photographic: bool = False,  # noqa: A002
           tried: Encoded | None = None, png_filters: png.RowFilter = "numpy") -> Encoded:
    """`image` in `format` ("auto": JPEG for a `photographic` card, else PNG), at most
    `max_bytes` long, or ExportError. No metadata goes out but the sRGB profile of the lossy
    formats: nothing of the source photo's EXIF, and the colours mean the same everywhere.
    `tried`: this picture's first try in this format, made for a looser limit (another platform
    of the same canvas): not made again. `png_filters`: whose loop filters a PNG's rows (png.py)."""
    name = ("jpeg" if photographic else "png") if format == "auto" else format
    if name not in FORMATS:
        raise ExportError(f"unknown format {format!r} (have: {', '.join(FORMAT_CHOICES)})")
    if name == "png":
        return _encode_png(image, max_bytes, tried, png_filters)
    return _encode_lossy(image.convert("RGB"), max_bytes, FORMATS[name], tried)


# Below a format's lowest quality worth sending, a budget may still push it this far (noting so)
# rather than fail: a blocky preview beats none.
LAST_RESORT_QUALITY = 10


def _encode_lossy(image: Image.Image, max_bytes: int, fmt: Format, tried: Encoded | None = None) -> Encoded:
    """The best quality whose file fits `max_bytes`: the best first, then a binary search down to
    the lowest worth sending (a handful of encodes, not one per quality step), and only then below."""
    lowest, best = fmt.qualities
    data = tried.data if tried is not None and tried.first_try else _lossy(image, fmt, best)
    if len(data) <= max_bytes:
        return Encoded(data, f"{fmt.name} q{best}", fmt, best, first_try=True)
    found = _search(image, fmt, max_bytes, lowest, best - 1)
    if found is not None:
        return Encoded(found[1], f"{fmt.name} q{found[0]}", fmt, found[0])
    found = _search(image, fmt, max_bytes, LAST_RESORT_QUALITY, lowest - 1)
    if found is not None:
        return Encoded(found[1], f"{fmt.name} q{found[0]} (below q{lowest} to meet {max_bytes:,} bytes)", fmt, found[0])
    raise ExportError(f"cannot encode as {fmt.name} under {max_bytes:,} bytes (quality {LAST_RESORT_QUALITY} needs "
                      f"{len(_lossy(image, fmt, LAST_RESORT_QUALITY)):,})")


def _search(image: Image.Image, fmt: Format, max_bytes: int, low: int, high: int) -> tuple[int, bytes] | None:
    """The highest quality in [low, high] whose file fits, by bisection."""
    found: tuple[int, bytes] | None = None
    while low <= high:
        quality = (low + high) // 2
        data = _lossy(image, fmt, quality)
        if len(data) <= max_bytes:
            found, low = (quality, data), quality + 1
        else:
            high = quality - 1
    return found


def _lossy(image: Image.Image, fmt: Format, quality: int) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": quality, "icc_profile": _srgb_icc()}
    if fmt.name == "jpeg":
        options.update(optimize=True, progressive=True)
    elif fmt.name == "webp":
        options.update(method=4)
    elif fmt.name == "avif":
        options.update(speed=8)
    image.save(buffer, fmt.pillow, **options)
    return buffer.getvalue()


@functools.lru_cache(maxsize=1)  # one profile's bytes, made once
def _srgb_icc() -> bytes:
    """The sRGB profile, embedded in lossy cards: a viewer that colour-manages shows them as meant."""
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def encode_for_screen(image: Image.Image) -> Encoded:
    """A lossless PNG made as fast as can be, for a picture shown and soon replaced (the preview)."""
    from . import png

    return Encoded(png.encode(image.convert("RGB") if not png.supports(image) else image, quick=True), "png quick")


# How far over a byte limit a file may be for zlib's matching levels to be worth trying to bring
# it under: on a photo they save a tenth or so.
LEVEL_9_REACH = 1.25


def _encode_png(image: Image.Image, max_bytes: int, tried: Encoded | None = None,
                filters: png.RowFilter = "numpy") -> Encoded:
    """Fast lossless first; more compression, then fewer colours, only as far as the limit needs."""
    from PIL import Image

    from . import png

    # quotecards.encode.png filters rows a picture at a time (numpy's or Pillow's whole-image operations)
    # and deflates with zlib-ng: faster than Pillow's fastest strategy of the same size (its
    # scalar filter loop dominates) and, on photos, no larger than Pillow's default level
    # (benchmarks/RESULTS.md).
    fast = None
    if png.supports(image):
        data = tried.data if tried is not None and tried.first_try else png.encode(image, filters=filters)
        if len(data) <= max_bytes:
            return Encoded(data, "png fast", first_try=True)
        fast = len(data)
    # Zlib's matching levels take several times as long and save a tenth or so on a detailed
    # photo: where the fast file is further over the limit than that, they would only make a file
    # still too big. The fast writer's level 6 first, then its much slower level 9, both smaller
    # than Pillow's level 9 on such a photo and faster (benchmarks/RESULTS.md); on a smooth or
    # upscaled photo, where the fast writer already matched, Pillow's level 9 instead.
    if fast is None or fast <= max_bytes * LEVEL_9_REACH:
        matched = _matched(image, max_bytes, fast, filters) if fast is not None else None
        if matched is not None:
            return matched
        data = _png(image, compress_level=9)
        if len(data) <= max_bytes:
            return Encoded(data, "png zlib level 9")
    for colors in (256, 128, 64):
        quantized = image.quantize(colors, method=Image.Quantize.FASTOCTREE)
        for level in (6, 9):  # the same pixels either way; level 9 only where level 6 is a little over
            data = _png(quantized, compress_level=level)
            if len(data) <= max_bytes:
                return Encoded(data, f"png palette {colors}")
            if len(data) > max_bytes * LEVEL_9_REACH:
                break
    raise ExportError(f"cannot encode under {max_bytes} bytes (smallest was {len(data)})")


def _matched(image: Image.Image, max_bytes: int, fast: int, filters: png.RowFilter) -> Encoded | None:
    """The fast writer's matching levels, as far as they pay: None where neither fits."""
    from . import png

    for level in (6, 9):
        data = png.encode(image, level=level, filters=filters)
        if len(data) <= max_bytes:
            return Encoded(data, f"png level {level}")
        if len(data) >= fast:
            return None  # matching does not pay on this picture
    return None


def _png(image: Image.Image, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()
