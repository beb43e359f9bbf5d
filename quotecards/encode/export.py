"""Encoding a card within a byte limit, and writing files atomically.

`encode` is the one place that knows the formats: their extension, their media type, how far
each may go to meet a byte limit. Everything downstream (file names, the preview's answers,
front-matter entries) takes those from the `Encoded` it returns.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import OutputError
from .formats import EXTENSIONS, FORMAT_CHOICES, FORMATS, Format

if TYPE_CHECKING:
    from PIL import Image

    from quotecards.encode import png

# Pillow and the PNG writer are imported where a card is encoded: writing files, a build with
# nothing to draw, needs neither.

__all__ = ["EXTENSIONS", "FORMAT_CHOICES", "FORMATS", "Encoded", "ExportError", "Format", "encode", "prepare_output",
           "place_file", "read_json_object", "sha256_of", "umask", "write_atomic", "write_atomic_text"]


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
    from quotecards.encode import png

    return Encoded(png.encode(image.convert("RGB") if not png.supports(image) else image, quick=True), "png quick")


# How far over a byte limit a file may be for zlib's matching levels to be worth trying to bring
# it under: on a photo they save a tenth or so.
LEVEL_9_REACH = 1.25


def _encode_png(image: Image.Image, max_bytes: int, tried: Encoded | None = None,
                filters: png.RowFilter = "numpy") -> Encoded:
    """Fast lossless first; more compression, then fewer colours, only as far as the limit needs."""
    from PIL import Image

    from quotecards.encode import png

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
    from quotecards.encode import png

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


def prepare_output(folder: Path) -> None:
    """Make `folder` and prove that files can be written in it, or raise OutputError, before any work."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".quotecards-probe.")
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise OutputError(folder, "output folder", "a file of that name is in the way") from None
    except NotADirectoryError:
        raise OutputError(folder, "output folder", "a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(folder, "output folder", f"cannot write there ({exc.strerror or exc})") from None


def write_atomic_text(path: Path, pieces: Iterable[str]) -> None:
    """`pieces` written as UTF-8, one after another, as write_atomic writes: a large manifest or
    gallery is never held whole in memory as one string and its bytes."""
    _write_atomic(path, lambda handle: handle.writelines(piece.encode("utf-8") for piece in pieces))


def write_atomic(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file.

    mkstemp makes its file 0600 and the rename keeps that, which would hide a card from a web
    server running as another user: the file gets the mode a plain open() would have given it,
    or, with `like`, that file's mode and owner (PermissionError, and nothing written, where
    the owner cannot be given away).
    """
    _write_atomic(path, lambda handle: handle.write(data), like)


def _write_atomic(path: Path, fill: Callable[[BinaryIO], object], like: os.stat_result | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            if like is None:
                os.fchmod(handle.fileno(), 0o666 & ~umask())
            else:
                handle.flush()
                os.fsync(handle.fileno())  # a post is worth the wait; a card can be made again
                os.fchmod(handle.fileno(), like.st_mode & 0o7777)
                made = os.fstat(handle.fileno())
                if (like.st_uid, like.st_gid) != (made.st_uid, made.st_gid):
                    os.fchown(handle.fileno(), like.st_uid, like.st_gid)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def umask() -> int:
    """The process's umask, read without changing it (os.umask can only swap, racing other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object from `path`; {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file's bytes (OSError when it cannot be read)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def place_file(source: Path, target: Path) -> None:
    """`target` becomes `source`'s bytes, whole at every moment: a hard link renamed into place,
    or a copy written atomically where the two folders cannot share a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)  # left by a run that was killed here
    try:
        os.link(source, temporary)
    except OSError as exc:
        if not source.is_file():
            raise
        if exc.errno is not None and exc.errno not in _CANNOT_LINK:
            raise
        write_atomic(target, source.read_bytes())
        return
    os.replace(temporary, target)


# The two folders are on different file systems, or theirs has no hard links (or no more of them).
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP, errno.ENOSYS}
