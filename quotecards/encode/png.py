"""A fast lossless PNG writer for 8-bit greyscale, RGB and RGBA cards.

Pillow's PNG encoder spends most of a card's encoding time in its row filters: it tries every
filter on every row in a scalar loop. Here numpy computes the filters a few dozen rows at a
time, each row keeps the one with the smallest sum of absolute residuals (libpng's
heuristic), and zlib-ng deflates the result with the strategy that suits the picture:

- a detailed photo's residuals are noise to a matcher, so Huffman coding alone gives the size of
  zlib's default level in a fraction of its time;
- a smooth photo has runs of equal residuals: Paeth's predictor and run-length matching pay for
  themselves;
- a strongly upscaled photo repeats its interpolation pattern, which only real matching finds;
- a flat card is nearly all runs, and zlib's default level finds them quickly (a plain vertical
  gradient is the one picture that comes out larger than Pillow's: a few kilobytes either way).

Which case a picture is comes from compressing a sample of its rows each way.

The rows are filtered one of two ways, into the same rows (bar Paeth's), which the same plans
deflate:

- by numpy (`NumpyRows`): fast per picture, but numpy takes longer to import than a whole card
  takes to draw: for runs of many cards;
- by Pillow's own operations (`PillowRows`): a few times slower per picture, with nothing to
  import: for a run that draws a single canvas, such as `render` of one post.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from PIL import Image

__all__ = ["CHANNELS", "NumpyRows", "PillowRows", "RowFilter", "encode", "load", "row_filters_for", "supports"]

CHANNELS = {"L": 1, "RGB": 3, "RGBA": 4}
_COLOUR_TYPE = {"L": 0, "RGB": 2, "RGBA": 6}
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SUB, _UP, _AVERAGE, _PAETH = 1, 2, 3, 4
# zlib strategies (zlib.h)
_DEFAULT, _HUFFMAN_ONLY, _RLE = 0, 2, 3
# (zlib level, strategy), fastest first
_PLANS = ((1, _HUFFMAN_ONLY), (1, _RLE), (2, _DEFAULT), (4, _DEFAULT), (6, _DEFAULT))
# A slower plan must make the output this much smaller to be chosen.
_WORTH = 1.015

RowFilter = Literal["numpy", "pillow"]  # whose loop filters the rows: see the module's doc


def row_filters_for(canvases: int) -> RowFilter:
    """Whose loop filters the rows of a run that draws `canvases` canvases: Pillow's for one,
    where numpy's import would cost more than its faster filters save; numpy's for more."""
    return "pillow" if canvases == 1 else "numpy"


def supports(image: Image.Image) -> bool:
    return image.mode in CHANNELS and image.width > 0 and image.height > 0


def load() -> None:
    """Import numpy and zlib-ng now: an idle encoder thread does it while the first card is drawn,
    so that a one-card process does not wait for them after drawing."""
    import numpy  # noqa: F401
    from zlib_ng import zlib_ng  # noqa: F401


def encode(image: Image.Image, quick: bool = False, level: int | None = None,
           filters: RowFilter = "numpy") -> bytes:
    """The PNG bytes of `image` (mode L, RGB or RGBA), lossless. `quick`: no time spent making the
    file small (the live preview's picture on screen, replaced as the user types). `level`: full
    matching at that zlib level, for a card over its byte limit (6 saves most of what 9 does, in
    far less time). `filters`: whose loop filters the rows."""
    if not supports(image):
        raise ValueError(f"cannot write mode {image.mode} with the fast PNG writer")
    rows: FilteredRows = NumpyRows(image) if filters == "numpy" else PillowRows(image)
    basic = (_SUB, _UP, _AVERAGE)
    if quick:
        return _png_file(image, _deflate(rows.filtered((_UP,)), 1, _DEFAULT))
    if level is not None:
        return _png_file(image, _deflate(rows.filtered(basic), level, _DEFAULT))
    # Bands of 8 rows, one band in 20: enough to tell what kind of picture this is.
    sample = b"".join(rows.filtered(basic, [range(y, min(y + 8, rows.height)) for y in range(0, rows.height, 160)]))
    tried = {plan: len(_deflate([sample], *plan)) for plan in _PLANS[:3]}
    if tried[_PLANS[2]] * _WORTH < min(tried[_PLANS[0]], tried[_PLANS[1]]):
        # Matching pays on this picture; see how far more of it goes on paying.
        tried.update({plan: len(_deflate([sample], *plan)) for plan in _PLANS[3:]})
    smallest = min(tried.values())
    if smallest * 8 < len(sample):
        data = _deflate(rows.filtered(basic), 6, _DEFAULT)  # a flat card: its long runs are found fast
    else:
        level, strategy = next(plan for plan in _PLANS if plan in tried and tried[plan] <= smallest * _WORTH)
        # Paeth's residuals suit run-length matching; for the others they cost more than they save.
        kinds = basic + (_PAETH,) if strategy == _RLE else basic
        data = _deflate(rows.filtered(kinds), level, strategy)
    return _png_file(image, data)


def _png_file(image: Image.Image, data: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, _COLOUR_TYPE[image.mode], 0, 0, 0)
    return b"".join((_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", data), _chunk(b"IEND", b"")))


class FilteredRows(Protocol):
    height: int

    def filtered(self, kinds: tuple[int, ...],
                 spans: list[range] | None = None) -> Iterator[bytes | memoryview]: ...


class PillowRows:
    """An image's rows filtered by Pillow's own operations, a band at a time.

    Sub, Up and Average come from ImageChops, and each row keeps the one with the smallest sum of
    absolute residuals: the very rows NumpyRows make. ImageChops has no Paeth: with Paeth among
    `kinds`, the rows Pillow's PNG encoder filters (its own choice among None, Sub, Up and Paeth,
    taken out of its output at compression level 0, whole) are one more candidate for each row.
    """

    BAND = 120  # rows filtered at a time: each operation's temporaries are a band's, not a card's

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.bpp = CHANNELS[image.mode]
        self.height, self.stride = image.height, image.width * self.bpp

    def filtered(self, kinds: tuple[int, ...], spans: list[range] | None = None) -> Iterator[bytes]:
        encoders = self._encoders_rows() if _PAETH in kinds else None
        for span in spans or [range(0, self.height)]:
            for top in range(span.start, span.stop, self.BAND):
                yield self._band(kinds, range(top, min(top + self.BAND, span.stop)), encoders)

    def _band(self, kinds: tuple[int, ...], rows: range, encoders: Image.Image | None) -> bytes:
        from PIL import ImageChops

        x = _below_the_row_above(self.image, self.stride, rows)
        left, above = Image.new("L", x.size), Image.new("L", x.size)
        if self.stride > self.bpp:
            left.paste(x.crop((0, 0, self.stride - self.bpp, x.height)), (self.bpp, 0))
        above.paste(x.crop((0, 0, self.stride, x.height - 1)), (0, 1))
        # Residuals wrap modulo 256, as PNG's filters are defined; add() floors (a + b) / 2.
        predicted = {_SUB: left, _UP: above, _AVERAGE: ImageChops.add(left, above, scale=2.0)}
        candidates = [_Candidate.of(ImageChops.subtract_modulo(x, predicted[kind]), bytes([kind]))
                      for kind in kinds if kind != _PAETH]
        if encoders is not None:
            candidates.append(_Candidate.of(_below_the_row_above(encoders, self.stride + 1, rows), b""))
        return _pick(candidates, len(rows))

    def _encoders_rows(self) -> Image.Image:
        """The rows as Pillow's PNG encoder filters them, each led by its filter type byte."""
        buffer = io.BytesIO()
        self.image.save(buffer, "PNG", compress_level=0)
        rows = zlib.decompress(b"".join(_chunks(buffer.getbuffer(), b"IDAT")))
        return Image.frombuffer("L", (self.stride + 1, self.height), rows, "raw", "L", 0, 1)


def _below_the_row_above(source: Image.Image, row_bytes: int, rows: range) -> Image.Image:
    """`source`'s rows as a picture of bytes (`row_bytes` a row), below the row above them (zeros
    above the first row): what a filter reads for them."""
    first = max(rows.start - 1, 0)
    block = source.crop((0, first, source.width, rows.stop)).tobytes()
    taken = Image.frombuffer("L", (row_bytes, rows.stop - first), block, "raw", "L", 0, 1)
    if rows.start > 0:
        return taken
    padded = Image.new("L", (row_bytes, len(rows) + 1))
    padded.paste(taken, (0, 1))
    return padded


# What libpng's heuristic counts a residual byte as: its distance from zero, read as signed.
_COST = [min(v, 256 - v) for v in range(256)]


@dataclass(frozen=True)
class _Candidate:
    """One way of filtering a band's rows: the filtered rows (led by `kind`, or by their own type
    byte where `kind` is empty) and each row's cost."""

    rows: memoryview
    row_bytes: int
    kind: bytes
    costs: Sequence[float]

    @classmethod
    def of(cls, rows: Image.Image, kind: bytes) -> _Candidate:
        residuals = rows if kind else rows.crop((1, 0, rows.width, rows.height))
        # Row sums as row means: exact sums (below 2**24) scaled alike keep their order and ties.
        costs = residuals.point(_COST).convert("F").reduce((residuals.width, 1))
        return cls(memoryview(rows.tobytes()), rows.width, kind, memoryview(costs.tobytes()).cast("f"))


def _pick(candidates: list[_Candidate], count: int) -> bytes:
    """Rows 1..count (row 0 is the row above them) each as the candidate of least cost filters it
    (the first, on a tie)."""
    pieces: list[bytes | memoryview] = []
    for y in range(1, count + 1):
        best = min(candidates, key=lambda candidate: candidate.costs[y])
        pieces += (best.kind, best.rows[y * best.row_bytes:(y + 1) * best.row_bytes])
    return b"".join(pieces)


def _chunks(data: memoryview, kind: bytes) -> Iterator[memoryview]:
    """The bodies of a PNG file's chunks of `kind`, in order."""
    at = len(_SIGNATURE)
    while at < len(data):
        length, found = struct.unpack_from(">I4s", data, at)
        if found == kind:
            yield data[at + 8:at + 8 + length]
        at += 12 + length


class NumpyRows:
    """An image's rows, filtered for PNG (PNG spec, section 9) a band at a time: neither the
    picture's bytes nor its filtered rows are ever held whole, only a band of each (a story card
    is 6 MB of either)."""

    # Rows are filtered a few dozen at a time so that the temporaries stay in the CPU's cache:
    # on a whole 1200x630 card the same numpy calls take half as long again.
    CHUNK = 24
    BAND = 120  # rows read from the picture and handed to the compressor at a time (a multiple of CHUNK)

    def __init__(self, image: Image.Image) -> None:
        import numpy as np  # imported here: only commands that render pay for it

        self.np = np
        self.image = image
        self.bpp = CHANNELS[image.mode]
        self.height, self.stride = image.height, image.width * self.bpp

    def filtered(self, kinds: tuple[int, ...], spans: list[range] | None = None) -> Iterator[memoryview]:
        """The rows in `spans` (all by default), a band at a time, each row prefixed by the type
        of the filter among `kinds` that leaves the smallest residuals, and filtered by it."""
        for span in spans or [range(0, self.height)]:
            for top in range(span.start, span.stop, self.BAND):
                yield self._band(kinds, top, min(top + self.BAND, span.stop))

    def _band(self, kinds: tuple[int, ...], top: int, bottom: int) -> memoryview:
        np = self.np
        padded = self._padded(top, bottom)
        out = np.empty((bottom - top, self.stride + 1), np.uint8)
        residuals = np.empty((len(kinds), self.CHUNK, self.stride), np.uint8)
        costs = np.empty((len(kinds), self.CHUNK), np.uint32)
        types = np.asarray(kinds, np.uint8)
        for y0 in range(0, bottom - top, self.CHUNK):
            n = min(self.CHUNK, bottom - top - y0)
            for index, kind in enumerate(kinds):
                residual = residuals[index, :n]
                self._residual(padded, kind, y0, y0 + n, residual)
                # Residuals read as signed bytes; |-128| wraps to 128 when read unsigned again.
                np.abs(residual.view(np.int8)).view(np.uint8).sum(axis=1, dtype=np.uint32, out=costs[index, :n])
            best = costs[:, :n].argmin(axis=0)
            out[y0:y0 + n, 0] = types[best]
            out[y0:y0 + n, 1:] = residuals[best, np.arange(n)]
        return memoryview(out.reshape(-1))  # handed to the compressor as it is, not copied to bytes

    def _padded(self, top: int, bottom: int) -> Any:
        """Rows top..bottom with the row above them (zeros above the first) and bpp zero bytes to
        the left: every neighbour a filter reads is then a plain view."""
        np, bpp = self.np, self.bpp
        padded = np.zeros((bottom - top + 1, self.stride + bpp), np.uint8)
        above = max(top - 1, 0)
        rows = self.image.crop((0, above, self.image.width, bottom)).tobytes()
        padded[1 - (top - above):, bpp:] = np.frombuffer(rows, np.uint8).reshape(-1, self.stride)
        return padded

    def _residual(self, padded: Any, kind: int, y0: int, y1: int, out: Any) -> None:
        # uint8 arithmetic wraps modulo 256, exactly as PNG's filters are defined.
        np, bpp = self.np, self.bpp
        x, left = padded[y0 + 1:y1 + 1, bpp:], padded[y0 + 1:y1 + 1, :-bpp]
        above, corner = padded[y0:y1, bpp:], padded[y0:y1, :-bpp]
        if kind == _SUB:
            np.subtract(x, left, out=out)
        elif kind == _UP:
            np.subtract(x, above, out=out)
        elif kind == _AVERAGE:
            mean = (left >> 1) + (above >> 1) + (left & above & 1)  # floor((a + b) / 2) in 8 bits
            np.subtract(x, mean, out=out)
        else:
            a, b, c = (v.astype(np.int16) for v in (left, above, corner))
            pa, pb = b - c, a - c
            pc = np.abs(pa + pb)
            np.abs(pa, out=pa)
            np.abs(pb, out=pb)
            # a if pa <= pb and pa <= pc, else b if pb <= pc, else c: the spec's order for ties
            nearer = np.where(pa <= pb, a, b)
            np.minimum(pa, pb, out=pa)
            np.subtract(x, np.where(pa <= pc, nearer, c), out=out, casting="unsafe")


def _deflate(pieces: Iterable[bytes | memoryview], level: int, strategy: int) -> bytes:
    """One zlib stream of the pieces, fed as they come (the same stream as of their join)."""
    from zlib_ng import zlib_ng  # imported here: only commands that render pay for it

    compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, 15, 8, strategy)
    return b"".join([*(compressor.compress(piece) for piece in pieces), compressor.flush()])


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(kind)))
