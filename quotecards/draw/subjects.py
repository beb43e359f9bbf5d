"""What is in a photo, found once per photo: the faces in it first (news photos are people), else
the one region that stands out (an animal, a cup, a rocket), or what the post says.

Faces are found by OpenCV's Haar cascade for frontal faces (the `alt2` cascade, which the
`opencv-python-headless` 4.x wheels ship), run on a small grey copy: a face too small to find
there is too small for a card's text to hide. A face's `keep` box reaches over the hair and
the chin the detector's box leaves out: what a crop keeps whole and the text stays off.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from PIL import Image, ImageOps

from . import focus

if TYPE_CHECKING:
    import numpy

__all__ = ["Box", "Seen", "Subject", "SubjectKind", "see"]

Box = tuple[float, float, float, float]  # left, top, right, bottom, as fractions of the photo
SubjectKind = Literal["face", "salient", "given"]

# The copy faces are looked for in (some 190×127): the detector's work grows with its area, and
# its smallest face is 24 px there, a fifth of a 3:2 photo's height.
DETECT_PIXELS = 24_000
PROXY_SIDE = 160  # px on the long side of the copy candidate text regions are measured on
SCALE_STEP = 1.15  # the detector's step between window sizes: coarser steps miss faces near its smallest
NEIGHBOURS = 3  # overlapping hits a face needs: fewer lets patterns in fabric and foliage through
# From the detector's box (brows to mouth, cheek to cheek) to the head: hair above, chin below.
HEAD_UP, HEAD_DOWN, HEAD_SIDE = 0.6, 0.3, 0.25
GIVEN_REACH = 0.12  # a focal point the post gives stands for a subject this far around it


@dataclass(frozen=True)
class Subject:
    """Something in the photo a card must show whole and keep its text off."""

    kind: SubjectKind
    source: str  # how it was found: "opencv" (face detector), "detail" (most detail), "post"
    box: Box
    keep: Box  # what a crop keeps whole and text stays off: a face's whole head; else the box


@dataclass(frozen=True)
class Seen:
    """A photo as composition sees it: its subjects, and a small copy to measure text regions on."""

    subjects: tuple[Subject, ...]
    proxy: Image.Image


def see(picture: Image.Image, given: tuple[float, float] | None = None) -> Seen:
    """The subjects of `picture`: the post's focal point when it gives one, else the faces, else
    the region of most detail when one stands out; none for a photo without one."""
    scale = min(1.0, (DETECT_PIXELS / (picture.width * picture.height)) ** 0.5)
    small = _small(picture, round(max(picture.size) * scale))
    proxy = _small(small, PROXY_SIDE)
    if given is not None:
        x, y = given
        box = (max(0.0, x - GIVEN_REACH), max(0.0, y - GIVEN_REACH), min(1.0, x + GIVEN_REACH),
               min(1.0, y + GIVEN_REACH))
        return Seen((Subject("given", "post", box, box),), proxy)
    faces = _faces(small)
    if faces:
        return Seen(faces, proxy)
    found = focus.salient(picture)
    return Seen(() if found is None else (Subject("salient", "detail", found, found),), proxy)


def _small(picture: Image.Image, side: int) -> Image.Image:
    scale = side / max(picture.size)
    if scale >= 1:
        return picture if picture.mode == "RGB" else picture.convert("RGB")
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    factor = max(1, int(1 / scale / 2))  # an integer block reduce first, then a box resize of what is left
    small = picture.reduce(factor) if factor > 1 else picture
    small = small.resize(size, Image.Resampling.BOX)
    return small if small.mode == "RGB" else small.convert("RGB")


def _faces(small: Image.Image) -> tuple[Subject, ...]:
    """The faces in a small copy of the photo (DETECT_PIXELS)."""
    grey = ImageOps.equalize(small.convert("L"))
    import numpy

    found = _detect(numpy.asarray(grey))
    w, h = grey.size
    faces = []
    for x, y, fw, fh in sorted(found, key=lambda f: (f[0], f[1])):  # left to right: the same order every run
        box = (x / w, y / h, (x + fw) / w, (y + fh) / h)
        keep = (max(0.0, (x - HEAD_SIDE * fw) / w), max(0.0, (y - HEAD_UP * fh) / h),
                min(1.0, (x + fw * (1 + HEAD_SIDE)) / w), min(1.0, (y + fh * (1 + HEAD_DOWN)) / h))
        faces.append(Subject("face", "opencv", box, keep))
    return tuple(faces)


def _detect(grey: numpy.ndarray) -> list[tuple[int, int, int, int]]:
    classifier, lock = _detector()
    with lock:  # one classifier is not safe to run from two threads at once (the preview's)
        hits: Any = classifier.detectMultiScale(grey, scaleFactor=SCALE_STEP, minNeighbors=NEIGHBOURS)
    return [tuple(int(v) for v in hit) for hit in hits]  # type: ignore[misc]


# OpenCV's package replaces itself in sys.modules as it loads: two threads importing it at once
# (the first photo cards of a service or preview, drawn together) can meet it half loaded.
_LOADING = threading.Lock()


def _detector() -> tuple[Any, threading.Lock]:
    with _LOADING:
        return _loaded_detector()


@functools.lru_cache(maxsize=1)  # the cascade is parsed once per process (some 10 ms); it never changes
def _loaded_detector() -> tuple[Any, threading.Lock]:
    import cv2  # here: OpenCV's import costs a run that draws no photo card nothing

    cascades: str = cv2.data.haarcascades  # type: ignore[attr-defined]  # the wheel's own data folder
    classifier = cv2.CascadeClassifier(cascades + "haarcascade_frontalface_alt2.xml")
    if classifier.empty():
        raise RuntimeError("OpenCV's frontal face cascade could not be loaded")
    return classifier, threading.Lock()
