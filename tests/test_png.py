"""The fast PNG writer: exact round trips in every mode, the right filters and strategy per picture."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from quotecards.encode import png

ROOT = Path(__file__).resolve().parent.parent


def pictures(mode: str, size: tuple[int, int]) -> dict[str, Image.Image]:
    """A flat card, a photo upscaled about 2x, one upscaled 12x, and a detailed, noisy picture."""
    flat = Image.new("RGB", size, (20, 40, 90))
    ImageDraw.Draw(flat).rectangle((size[0] // 4, size[1] // 3, size[0] // 2, size[1] // 2), fill=(240, 200, 0))
    with Image.open(ROOT / "samples/images/rocket.jpg") as rocket:
        upscaled = rocket.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    blocky = Image.effect_noise((max(1, size[0] // 12), max(1, size[1] // 12)), 80).convert("RGB")
    blocky = blocky.resize(size, Image.Resampling.BICUBIC)
    noisy = Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (30, 50, 70)])
    return {name: picture.convert(mode) for name, picture in
            (("flat", flat), ("upscaled", upscaled), ("blocky", blocky), ("noisy", noisy))}


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def filter_types(data: bytes, row_bytes: int) -> set[int]:
    """The filter type byte of every row, read back from the IDAT stream."""
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            idat += data[at + 8:at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(idat)
    return {raw[i] for i in range(0, len(raw), row_bytes + 1)}


@pytest.mark.parametrize("filters", ["numpy", "pillow"])
@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
@pytest.mark.parametrize("size", [(1200, 630), (97, 61), (1, 1), (3, 200)])
def test_every_kind_of_picture_round_trips_exactly(mode, size, filters):
    for name, picture in pictures(mode, size).items():
        back = decoded(png.encode(picture, filters=filters))
        assert (back.mode, back.size) == (mode, size), name
        assert ImageChops.difference(back, picture).getbbox() is None, name


@settings(max_examples=60, deadline=None)
@given(width=st.integers(1, 40), height=st.integers(1, 40), mode=st.sampled_from(["RGB", "RGBA", "L"]),
       seed=st.binary(min_size=1, max_size=4000), filters=st.sampled_from(["numpy", "pillow"]))
def test_arbitrary_bytes_round_trip_exactly(width, height, mode, seed, filters):
    # Extreme neighbours (0 next to 255) are where an 8-bit Average or Paeth would go wrong.
    size = width * height * png.CHANNELS[mode]
    picture = Image.frombytes(mode, (width, height), (seed * (size // len(seed) + 1))[:size])
    assert ImageChops.difference(decoded(png.encode(picture, filters=filters)), picture).getbbox() is None


def test_each_picture_gets_the_filters_and_strategy_that_suit_it():
    cards = pictures("RGB", (1200, 630))
    types = {name: filter_types(png.encode(picture), 1200 * 3) for name, picture in cards.items()}
    # Paeth is worth its cost only where run-length matching follows it: on the smooth photo.
    assert 4 in types["upscaled"]
    assert types["flat"] | types["blocky"] | types["noisy"] <= {1, 2, 3}


@pytest.mark.parametrize("filters", ["numpy", "pillow"])
@pytest.mark.parametrize("mode", ["RGB", "L"])  # what cards are drawn in
def test_no_picture_comes_out_much_larger_than_pillows_default(mode, filters):
    for name, picture in pictures(mode, (1200, 630)).items():
        default = io.BytesIO()
        picture.save(default, "PNG")
        # Pillow's old fastest strategy made the 12x upscale 1.7x its default size; this one may not.
        assert len(png.encode(picture, filters=filters)) <= 1.05 * len(default.getvalue()), name


@settings(max_examples=40, deadline=None)
@given(width=st.integers(1, 30), height=st.integers(1, 30), mode=st.sampled_from(["RGB", "RGBA", "L"]),
       seed=st.binary(min_size=1, max_size=3000))
def test_pillows_operations_filter_rows_exactly_as_numpy_does(width, height, mode, seed):
    size = width * height * png.CHANNELS[mode]
    picture = Image.frombytes(mode, (width, height), (seed * (size // len(seed) + 1))[:size])
    spans = [range(0, 1), range(height // 2, height)]
    for kinds, where in (((1, 2, 3), None), ((1, 2, 3), spans), ((2,), None)):
        numpy_rows = b"".join(bytes(band) for band in png.NumpyRows(picture).filtered(kinds, where))
        assert b"".join(png.PillowRows(picture).filtered(kinds, where)) == numpy_rows


def test_with_paeth_pillows_rows_are_as_small_as_numpys():
    # ImageChops has no Paeth: Pillow's encoder's choice stands in for it, row by row.
    for name, picture in pictures("RGB", (600, 320)).items():
        numpy_rows = b"".join(bytes(band) for band in png.NumpyRows(picture).filtered((1, 2, 3, 4)))
        pillow_rows = b"".join(png.PillowRows(picture).filtered((1, 2, 3, 4)))
        assert len(pillow_rows) == len(numpy_rows), name
        sizes = [len(zlib.compress(rows, 1)) for rows in (numpy_rows, pillow_rows)]
        assert sizes[1] <= 1.01 * sizes[0], name


def test_other_modes_are_refused_so_the_caller_falls_back():
    palette = Image.new("P", (10, 10))
    assert not png.supports(palette)
    with pytest.raises(ValueError):
        png.encode(palette)


def test_a_tall_card_is_written_holding_a_band_of_it_at_a_time():
    import tracemalloc

    # A story canvas: 6 MB of pixels, and 6 MB again as filtered rows, were the writer to hold them whole.
    with Image.open(ROOT / "samples/images/rocket.jpg") as rocket:
        story = rocket.convert("RGB").resize((1080, 1920), Image.Resampling.BICUBIC)
    png.encode(story)  # numpy and zlib-ng imported, outside the count
    tracemalloc.start()
    try:
        data = png.encode(story)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    whole = story.width * story.height * 3
    assert peak < whole, (peak, whole)  # held whole, the two would be twice this
    with Image.open(io.BytesIO(data)) as back:
        assert back.tobytes() == story.tobytes()
