"""Image bytes → an RGB picture; cover cropping; the designed fallback background."""

from __future__ import annotations

import functools
import io
import warnings
from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from ..sources.fetched import MAX_PIXELS

if TYPE_CHECKING:
    from PIL import ImageCms

    from .layout import Color

__all__ = ["ImageError", "SOURCE_SIZE", "cover", "decode", "fallback_background", "main_color", "source_size"]


ORIENTATION = 0x0112  # EXIF's orientation tag
TURNED = (5, 6, 7, 8)  # orientations that turn the picture a quarter: width and height swap
SOURCE_SIZE = "quotecards_source_size"  # info key: the photo's size before any reduced decode, upright


def source_size(image: Image.Image) -> tuple[int, int]:
    """The photo's own width and height, upright, as its file holds it (a JPEG may have been
    decoded at a reduced scale)."""
    size = image.info.get(SOURCE_SIZE)
    return size if isinstance(size, tuple) else image.size


class ImageError(Exception):
    """The bytes are not a picture we can use; one line, fit for a card's warning."""


def decode(data: bytes, target: tuple[int, int] | None = None, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Bytes → an sRGB picture, decided by content, never by name or Content-Type.

    EXIF orientation is applied; CMYK, palette, 16-bit, alpha and animated images (first frame)
    are handled; an embedded ICC profile is converted to sRGB. A picture with more than
    `max_pixels` is refused before its pixels are decoded (a decompression bomb is a few KB).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open(data)
            if image.width * image.height > max_pixels:
                raise ImageError(f"image is {image.width}\u00d7{image.height} px, over the "
                                 f"{max_pixels / 1e6:g} Mpx limit (a decompression bomb?)")
            stored = image.size
            if target:  # JPEG draft mode decodes at a reduced scale: far faster for big photos
                image.draft(image.mode if image.mode in ("RGB", "L", "CMYK") else None, target)
            image.seek(0)  # an animation is shown by its first frame
            image.load()
            # In place: otherwise a photo that needs no turning is copied whole (Pillow returns a copy).
            turned = image.getexif().get(ORIENTATION, 1) in TURNED
            ImageOps.exif_transpose(image, in_place=True)
            image = _to_srgb(image)
            # What the manifest's crops are measured in: the photo's own pixels, upright.
            image.info[SOURCE_SIZE] = stored[::-1] if turned else stored
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fired while reading the header, before we saw the size.
        raise ImageError(f"image is over the {max_pixels / 1e6:g} Mpx limit (a decompression bomb?)") from None
    except Image.UnidentifiedImageError:
        raise ImageError(f"not an image ({_sniff(data)})") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageError(f"broken image ({exc})") from None


# The formats a photo may come in. Pillow can open some forty more, and some of those hand the
# bytes to another program (EPS to Ghostscript) or to little-used parsers: a featured image is
# fetched from anywhere, so only these are decoded. JPEG covers MPO (two-picture camera JPEGs).
COMMON_FORMATS = ("JPEG", "PNG", "GIF", "BMP")  # Pillow registers these on start-up
# Their plugins are imported for the first photo that needs one.
_MORE_PLUGINS = {"WEBP": "PIL.WebPImagePlugin", "AVIF": "PIL.AvifImagePlugin", "TIFF": "PIL.TiffImagePlugin"}
PHOTO_FORMATS = COMMON_FORMATS + tuple(_MORE_PLUGINS)


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=COMMON_FORMATS)
    except Image.UnidentifiedImageError:
        return Image.open(io.BytesIO(data), formats=_more_formats())


@functools.cache  # which plugins this Pillow has: one answer per process
def _more_formats() -> tuple[str, ...]:
    import importlib

    for module in _MORE_PLUGINS.values():
        try:
            importlib.import_module(module)
        except ImportError:
            pass  # AVIF needs Pillow 11.2 or newer
    return tuple(name for name in _MORE_PLUGINS if name in Image.OPEN)


@functools.cache  # one profile, made once: a process-wide constant
def _srgb_profile() -> ImageCms.core.CmsProfile:
    from PIL import ImageCms

    return ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: convert("L") would clip everything above 255 to white; scale instead.
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK", "L", "RGBA"):
        # Little CMS is loaded only when a photo brings a profile, not by every command.
        from PIL import ImageCms

        try:
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _srgb_profile(),
                                                  outputMode=mode)
            image = converted if converted is not None else image
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are beat no picture
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info):
        # Transparent areas become black, not whatever colour the encoder left behind them.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (0, 0, 0))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _sniff(data: bytes) -> str:
    shown = ", ".join(PHOTO_FORMATS)
    if data.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return f"PostScript, which quotecards does not read; it reads {shown}"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "looks like an HTML page"
    if not data:
        return "empty response"
    return f"{len(data)} bytes in none of the formats quotecards reads: {shown}"


def cover(image: Image.Image, size: tuple[int, int], focus: tuple[float, float] = (0.5, 0.5),
          zoom: float = 1.0) -> Image.Image:
    """Scale to cover `size` and crop the overflow, keeping `focus` (fractions) in view; with
    `zoom` under 1, a window that much smaller (a closer crop) around it."""
    width, height = size
    scale = max(width / image.width, height / image.height) / zoom
    # min(): the scale's rounding can leave the crop a hair larger than the photo.
    crop_w, crop_h = min(width / scale, image.width), min(height / scale, image.height)
    left = max(0.0, min(focus[0] * image.width - crop_w / 2, image.width - crop_w))
    top = max(0.0, min(focus[1] * image.height - crop_h / 2, image.height - crop_h))
    # reducing_gap: a fast integer reduce first, then Lanczos on what is left.
    return image.resize(size, Image.Resampling.LANCZOS, box=(left, top, left + crop_w, top + crop_h), reducing_gap=3.0)


def fallback_background(size: tuple[int, int], colors: tuple[Color, Color]) -> Image.Image:
    """A diagonal gradient between the layout's two colours with a soft light at the top left."""
    width, height = size
    # A small ramp scaled up: smooth, and far cheaper than computing every pixel.
    small = (64, max(2, round(64 * height / width)))
    ramp = Image.new("L", small)
    ramp.putdata([round(255 * (0.65 * x / (small[0] - 1) + 0.35 * y / (small[1] - 1)))
                  for y in range(small[1]) for x in range(small[0])])
    ramp = ramp.resize(size, Image.Resampling.BICUBIC)
    # A colour pasted through a mask blends as a composite of two solid images does, pixel for
    # pixel, without making them: on a story canvas each would be 8 MB.
    canvas = Image.new("RGB", size, colors[0][:3])
    canvas.paste(colors[1][:3], mask=ramp)
    side = int(max(width, height) * 1.6)
    # The glow is a radial gradient scaled to `side` and centred on the top left corner: only its
    # lower right quarter lands on the canvas, so only that part is resampled (same scale, same
    # samples: the same pixels as scaling the whole and cropping, at a fraction of the work).
    # The part's edges are kept on whole source pixels, where the resampling lines up exactly.
    half, scale = side // 2, 256 / side
    seen = (_aligned(half, min(side - half, width), side), _aligned(half, min(side - half, height), side))
    glow = Image.radial_gradient("L").resize(seen, Image.Resampling.BICUBIC,
                                             box=(half * scale, half * scale, (half + seen[0]) * scale,
                                                  (half + seen[1]) * scale))
    # radial_gradient reaches 128 at the square's sides: fade to nothing by then, or its edge shows.
    mask = glow.point(lambda v: int(max(0, 128 - v) / 128 * 255 * 0.14))
    corner = half - side // 2
    canvas.paste((255, 255, 255), (corner, corner, corner + seen[0], corner + seen[1]), mask)
    return canvas


def _aligned(start: int, length: int, side: int) -> int:
    """`length`, grown to the first end (start + length) that falls on a whole pixel of the 256 px
    gradient scaled to `side`, and no further than `side`."""
    end = start + length
    while end < side and (end * 256) % side:
        end += 1
    return end - start


def main_color(image: Image.Image, how: str) -> tuple[int, int, int]:
    """The photo's average colour, or its dominant one (the largest of a few clusters)."""
    small = image.convert("RGB").resize((64, 64), Image.Resampling.BOX)
    if how == "average":
        r, g, b = small.resize((1, 1), Image.Resampling.BOX).tobytes()
        return r, g, b
    quantized = small.quantize(colors=6, method=Image.Quantize.MEDIANCUT)
    counts = quantized.getcolors() or []
    palette: list[int] = quantized.getpalette() or []
    most = max(counts, key=lambda entry: entry[0], default=(0, 0))[1]
    index = most if isinstance(most, int) else 0
    return int(palette[index * 3]), int(palette[index * 3 + 1]), int(palette[index * 3 + 2])
