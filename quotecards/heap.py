"""One malloc arena for the process, and freed memory given back between posts, where the C
library is glibc.

glibc gives each thread that allocates its own arena, and an arena keeps what is freed in it
for its thread's next allocation. A run that draws cards on one thread and encodes them on
others frees card-sized buffers (6–8 MB on a story canvas) in three arenas, each of which then
holds on to its own; with one arena they are reused by whichever thread asks next, and the
run's peak memory falls at no measured cost in time (benchmarks/RESULTS.md): the threads spend
their time in Pillow, numpy and zlib-ng, not in malloc.

Even in one arena, a post's photo, canvases and encoder buffers leave the heap in pieces: what
one post freed is not always where the next post's photo or story canvas fits, and the heap
grows post by post. Giving the free pages back after each post (malloc_trim) starts every post
from the same footprint.

Within a post, Pillow asks for each image as one block (up to 16 MiB): photos, crops and
canvases of a dozen sizes, each a few megabytes, whose freed blocks are holes only a smaller
image fits. Made of 1 MiB blocks instead, every image fits in whatever any other left: a run's
peak falls, and its time does not rise (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

__all__ = ["give_back", "share_one_arena", "small_image_blocks"]

_M_ARENA_MAX = -8  # malloc.h


@functools.cache  # asked once a process: the answer cannot change
def share_one_arena() -> bool:
    """Ask the C library for a single arena before threads are started; False where it cannot be asked."""
    import ctypes  # here: a one-card run never asks

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # none to ask (macOS, Windows)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, 1))


IMAGE_BLOCK = 1 << 20  # bytes: the largest piece Pillow allocates an image in (its own default: 16 MiB)


@functools.cache  # once a process: Pillow's block size is a process-wide setting
def small_image_blocks() -> None:
    """Have Pillow allocate images in pieces of IMAGE_BLOCK bytes (unless PILLOW_BLOCK_SIZE, its
    own setting, says otherwise): for a process that draws card after card."""
    if "PILLOW_BLOCK_SIZE" not in os.environ:
        from PIL import Image

        Image.core.set_block_size(IMAGE_BLOCK)


@functools.cache  # the C library's function, looked up once
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # here: a one-card run never asks

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def give_back() -> bool:
    """Return the heap's free pages to the system (between posts); False where it cannot be asked."""
    trim = _malloc_trim()
    return trim is not None and bool(trim(0))
