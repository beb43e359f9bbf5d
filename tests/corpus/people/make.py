"""Regenerate the people/animal/object photo corpus from scikit-image's sample data.

    python tests/corpus/people/make.py [DATA_DIR]

DATA_DIR is the `skimage/data` folder of a scikit-image 0.26 wheel or source tree (default
/tmp/skw/skimage/data). Writes the JPEGs (quality 88, untagged sRGB, no EXIF) and corpus.toml
next to this file.

The subject boxes are not found by any detector: they were drawn by hand on the source photos
(SOURCE_BOXES below, in the source photo's pixels) and every image here is made by a known
scale, crop, offset and mirror of its source, so the same transform carries the boxes into the
output's pixels. Boxes are (left, top, right, bottom) pixel edges; a carried box is rounded
outwards (floor the left/top, ceil the right/bottom) so it never shrinks.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = Path("/tmp/skw/skimage/data")
QUALITY = 88

Box = tuple[float, float, float, float]

# Hand-drawn boxes, in each source photo's own pixels.
ASTRONAUT_FACE: Box = (178, 58, 272, 172)  # brows/forehead to chin, ear to ear
ASTRONAUT_HEAD: Box = (152, 14, 302, 180)  # with the hair
CAMERAMAN_FACE: Box = (180, 128, 256, 195)  # profile: ear to nose tip, hairline to chin
CAMERAMAN_HEAD: Box = (158, 64, 272, 200)  # hair to chin
CAT_HEAD: Box = (30, 0, 400, 300)  # the head fills the frame; the ears run off the top edge
COFFEE_CUP: Box = (78, 18, 480, 390)  # cup, spoon and saucer
ROCKET: Box = (310, 125, 335, 406)  # Falcon 9 on the pad, fairing tip to the launch mount (no flame)

ASTRONAUT_LICENCE = "public domain (NASA), via scikit-image 0.26 data/astronaut.png"
ASTRONAUT_SOURCE = "NASA Great Images database, Flickr photo r9qvLn (as scikit-image cites it)"


@dataclass
class Subject:
    kind: str  # "face", "animal" or "object"
    box: Box
    head: Box | None = None  # faces only


@dataclass
class Photo:
    file: str
    image: Image.Image
    licence: str
    source: str
    detectable: bool = True
    subjects: list[Subject] = field(default_factory=list)


@dataclass(frozen=True)
class Placement:
    """A crop of the source, resized to `size` and put at `offset` in the output's pixels."""

    crop: Box
    size: tuple[int, int]
    offset: tuple[int, int]

    def box(self, b: Box) -> Box:
        cx0, cy0, cx1, cy1 = self.crop
        sx = self.size[0] / (cx1 - cx0)
        sy = self.size[1] / (cy1 - cy0)
        dx, dy = self.offset
        return ((b[0] - cx0) * sx + dx, (b[1] - cy0) * sy + dy, (b[2] - cx0) * sx + dx, (b[3] - cy0) * sy + dy)


def mirror(b: Box, width: int) -> Box:
    return (width - b[2], b[1], width - b[0], b[3])


def outward(b: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Whole pixel edges around `b`, inside the image."""
    w, h = size
    eps = 1e-6  # a box edge that lands on a whole pixel stays there
    return (max(0, math.floor(b[0] + eps)), max(0, math.floor(b[1] + eps)),
            min(w, math.ceil(b[2] - eps)), min(h, math.ceil(b[3] - eps)))


def load(data: Path, name: str) -> Image.Image:
    with Image.open(data / name) as im:
        return im.convert("RGB")


def placed(src: Image.Image, p: Placement) -> Image.Image:
    return src.crop(tuple(round(v) for v in p.crop)).resize(p.size, Image.Resampling.LANCZOS)


def extend(layer: Image.Image, canvas: tuple[int, int], offset: tuple[int, int], blur: float = 40,
           feather: tuple[int, int, int, int] = (40, 40, 40, 40), scene: np.ndarray | None = None,
           reach: float = 500) -> Image.Image:
    """`layer` put at `offset` on a canvas of size `canvas`; the rest of the canvas is the layer's
    own edge rows and columns stretched outwards and strongly blurred, and the sharp layer fades
    into that over `feather` px (left, top, right, bottom) along each edge that borders it. With
    `scene` (an H×W×3 float array), the blurred surround gives way to it over `reach` px away
    from the layer."""
    W, H = canvas
    w, h = layer.size
    dx, dy = offset
    a = np.asarray(layer, dtype=np.float32)
    xs = np.arange(W) - dx
    ys = np.arange(H) - dy
    ext = a[np.clip(ys, 0, h - 1)][:, np.clip(xs, 0, w - 1)]
    soft = np.asarray(Image.fromarray(ext.round().astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur)),
                      dtype=np.float32)

    def ramp(pos: np.ndarray, n: int, near: int | None, far: int | None) -> np.ndarray:
        """1 inside the layer, falling to 0 over `near` / `far` px at an edge that borders the
        surround (None: that edge is the canvas's own)."""
        a = np.ones(pos.shape)
        if near is not None:
            a = np.minimum(a, (pos + 0.5) / near)
        if far is not None:
            a = np.minimum(a, (n - pos - 0.5) / far)
        return np.clip(a, 0, 1)

    fl, ft, fr, fb = feather
    ax = ramp(xs.astype(np.float64), w, fl if dx > 0 else None, fr if dx + w < W else None)
    ay = ramp(ys.astype(np.float64), h, ft if dy > 0 else None, fb if dy + h < H else None)
    inside_x = (xs >= 0) & (xs < w)
    inside_y = (ys >= 0) & (ys < h)
    alpha = np.minimum(ax[None, :], ay[:, None]) * (inside_y[:, None] & inside_x[None, :])
    out = soft
    if scene is not None:
        ox = np.maximum(np.maximum(-xs, xs - (w - 1)), 0).astype(np.float64)
        oy = np.maximum(np.maximum(-ys, ys - (h - 1)), 0).astype(np.float64)
        dist = np.hypot(ox[None, :], oy[:, None])
        t = np.clip(dist / reach, 0, 1)
        t = (t * t * (3 - 2 * t))[..., None]
        out = soft * (1 - t) + scene * t
    out = out * (1 - alpha[..., None]) + ext * alpha[..., None]
    return Image.fromarray(out.round().clip(0, 255).astype(np.uint8))


def sky_and_grass(data: Path, size: tuple[int, int], horizon: float) -> np.ndarray:
    """A soft outdoor backdrop: a pale sky gradient over a blurred, green-tinted grass texture."""
    W, H = size
    y = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    top = np.array([150, 180, 215], np.float32)
    low = np.array([215, 225, 232], np.float32)
    sky = top + (low - top) * np.clip(y / horizon, 0, 1)
    sky = np.broadcast_to(sky, (H, W, 3))
    with Image.open(data / "grass.png") as g:
        grass = g.convert("L")
    tiles = Image.new("L", (W, H))
    for tx in range(0, W, grass.width):
        for ty in range(0, H, grass.height):
            tiles.paste(grass, (tx, ty))
    g = np.asarray(tiles.filter(ImageFilter.GaussianBlur(6)), np.float32)[..., None] / 255
    green = np.array([70, 110, 45], np.float32) + np.array([80, 90, 50], np.float32) * g
    t = np.clip((y - horizon) / 0.06 + 0.5, 0, 1)
    return sky * (1 - t) + green * t


def astronaut_subject(p: Placement, size: tuple[int, int], flip: bool = False) -> Subject:
    face, head = p.box(ASTRONAUT_FACE), p.box(ASTRONAUT_HEAD)
    if flip:
        face, head = mirror(face, size[0]), mirror(head, size[0])
    return Subject("face", outward(face, size), outward(head, size))


def make(data: Path) -> list[Photo]:
    ast = load(data, "astronaut.png")
    photos: list[Photo] = []
    whole: Box = (0, 0, 512, 512)

    # 1. The portrait as it is.
    p = Placement(whole, (512, 512), (0, 0))
    photos.append(Photo("portrait.jpg", ast.copy(), ASTRONAUT_LICENCE, ASTRONAUT_SOURCE,
                        subjects=[astronaut_subject(p, ast.size)]))

    # 2. and 3. Landscape, the portrait at full height on the left (face at x = 0.2), then mirrored.
    size = (1200, 675)
    fx = (ASTRONAUT_FACE[0] + ASTRONAUT_FACE[2]) / 2 * 675 / 512
    p = Placement(whole, (675, 675), (round(0.2 * size[0] - fx), 0))
    left = extend(placed(ast, p), size, p.offset)
    note = "; background made from the same photo"
    photos.append(Photo("face-left.jpg", left, ASTRONAUT_LICENCE + note, ASTRONAUT_SOURCE,
                        subjects=[astronaut_subject(p, size)]))
    photos.append(Photo("face-right.jpg", left.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                        ASTRONAUT_LICENCE + note + "; mirrored", ASTRONAUT_SOURCE,
                        subjects=[astronaut_subject(p, size, flip=True)]))

    # 4. Landscape, the face centred.
    size = (1200, 800)
    side = 744  # not the full height: a little less upscaling keeps the file near 120 KB
    fx = (ASTRONAUT_FACE[0] + ASTRONAUT_FACE[2]) / 2 * side / 512
    p = Placement(whole, (side, side), (round(size[0] / 2 - fx), 0))
    photos.append(Photo("face-centre.jpg", extend(placed(ast, p), size, p.offset), ASTRONAUT_LICENCE + note,
                        ASTRONAUT_SOURCE, subjects=[astronaut_subject(p, size)]))

    # 5. Tall, the head at the very top: the portrait at full width, the bottom extended.
    size = (600, 1000)
    p = Placement(whole, (600, 600), (0, 0))
    photos.append(Photo("face-high.jpg", extend(placed(ast, p), size, p.offset), ASTRONAUT_LICENCE + note,
                        ASTRONAUT_SOURCE, subjects=[astronaut_subject(p, size)]))

    # 6. Two faces: a square head-and-shoulders crop with the face centred in it, beside its
    # mirror image; the faces at x = 0.25 and 0.75.
    size = (1200, 600)
    fx = (ASTRONAUT_FACE[0] + ASTRONAUT_FACE[2]) / 2
    p = Placement((fx - 155, 0, fx + 155, 310), (600, 600), (0, 0))
    half = placed(ast, p)
    two = Image.new("RGB", size)
    two.paste(half, (0, 0))
    two.paste(half.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (600, 0))
    photos.append(Photo("two-faces.jpg", two, ASTRONAUT_LICENCE + "; cropped, the right half mirrored",
                        ASTRONAUT_SOURCE,
                        subjects=[astronaut_subject(p, size), astronaut_subject(p, size, flip=True)]))

    # 7. A small face in a wide outdoor scene: the FACE box 9.4 % of the width, centred at
    # (0.68, 0.35). The portrait is cut to x 100..372 (less flag, no shuttle: a smaller file).
    size = (1800, 810)
    crop: Box = (100, 0, 372, 512)
    k = 1.8  # the 94-px-wide FACE box becomes 169 px
    fx = ((ASTRONAUT_FACE[0] + ASTRONAUT_FACE[2]) / 2 - crop[0]) * k
    fy = ((ASTRONAUT_FACE[1] + ASTRONAUT_FACE[3]) / 2 - crop[1]) * k
    p = Placement(crop, (round((crop[2] - crop[0]) * k), round((crop[3] - crop[1]) * k)),
                  (round(0.68 * size[0] - fx), round(0.35 * size[1] - fy)))
    scene = sky_and_grass(data, size, horizon=0.62)
    small = extend(placed(ast, p), size, p.offset, blur=27, feather=(60, 20, 60, 60), scene=scene, reach=400)
    photos.append(Photo("small-face.jpg", small,
                        ASTRONAUT_LICENCE + "; background from the same photo and scikit-image data/grass.png "
                        "(CC0, linolafett via DeviantArt)", ASTRONAUT_SOURCE,
                        subjects=[astronaut_subject(p, size)]))

    # 8. Padded to a 2:3 portrait, the face in the upper third.
    size = (600, 900)
    p = Placement(whole, (600, 600), (0, 100))  # the hair starts 16 px into the layer: a short top fade
    tall = extend(placed(ast, p), size, p.offset, feather=(40, 12, 40, 40))
    photos.append(Photo("portrait-tall.jpg", tall, ASTRONAUT_LICENCE + note, ASTRONAUT_SOURCE,
                        subjects=[astronaut_subject(p, size)]))

    # 9.-11. The other photos as they are.
    cam = load(data, "camera.png")
    photos.append(Photo("cameraman.jpg", cam, "CC0 (Lav Varshney), via scikit-image 0.26 data/camera.png",
                        "scikit-image issue 3927 (the CC0 cameraman that replaced the old one)", detectable=False,
                        subjects=[Subject("face", CAMERAMAN_FACE, CAMERAMAN_HEAD)]))
    photos.append(Photo("cat.jpg", load(data, "chelsea.png"),
                        "CC0 (Stefan van der Walt), via scikit-image 0.26 data/chelsea.png",
                        "scikit-image 0.26, skimage/data",
                        subjects=[Subject("animal", CAT_HEAD)]))
    photos.append(Photo("coffee.jpg", load(data, "coffee.png"),
                        "CC0 (Rachel Michetti, courtesy of Pikolo Espresso Bar), via scikit-image 0.26 data/coffee.png",
                        "scikit-image 0.26, skimage/data",
                        subjects=[Subject("object", COFFEE_CUP)]))
    photos.append(Photo("rocket.jpg", load(data, "rocket.jpg"),
                        "public domain (SpaceX), via scikit-image 0.26 data/rocket.jpg",
                        "SpaceX Photos on Flickr, photo 16511594820 (as scikit-image cites it)",
                        subjects=[Subject("object", ROCKET)]))

    # 12. Near white, low detail, no subject.
    W, H = 1200, 800
    rng = np.random.default_rng(20240601)
    gx = np.linspace(0, 1, W, dtype=np.float32)[None, :, None]
    gy = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    base = np.array([250, 249, 246], np.float32) - 8 * gx * 0.6 - 8 * gy * 0.4
    flat = (base + rng.normal(0, 1.2, (H, W, 1)).astype(np.float32)).round().clip(0, 255).astype(np.uint8)
    photos.append(Photo("flat-bright.jpg", Image.fromarray(flat),
                        "CC0 (made by make.py: a light gradient with slight noise)", "tests/corpus/people/make.py"))
    return photos


def fmt(b: tuple[float, ...]) -> str:
    return "[" + ", ".join(str(int(v)) for v in b) + "]"


def toml_text(photos: list[Photo]) -> str:
    lines = [
        "# Photos with people, animals and objects, and the boxes of their subjects, for the tests that",
        "# keep text off faces and faces whole in crops. Made by make.py (do not edit by hand).",
        "# The boxes were drawn by hand on the source photos and carried through make.py's scaling,",
        "# cropping, padding and mirroring; no detector made them. A box is [left, top, right, bottom]",
        "# in the file's pixels (edges: right and bottom exclusive).",
        "# detectable: whether our frontal-face detector is expected to find the photo's faces (on a",
        "# photo with no face subject: to find no face); false where it is not (the profile cameraman).",
        "# subject kind: \"face\" (box = the FACE box, brows/forehead to chin, ear to ear; head = the",
        "# HEAD box with the hair), or \"animal\" / \"object\" (box = the subject).",
        "",
    ]
    for ph in photos:
        lines += [
            "[[photo]]",
            f'file = "{ph.file}"',
            f"size = [{ph.image.width}, {ph.image.height}]",
            f'licence = "{ph.licence}"',
            f'source = "{ph.source}"',
            f"detectable = {'true' if ph.detectable else 'false'}",
        ]
        for s in ph.subjects:
            lines += ["[[photo.subject]]", f'kind = "{s.kind}"', f"box = {fmt(s.box)}"]
            if s.head is not None:
                lines.append(f"head = {fmt(s.head)}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    photos = make(data)
    for ph in photos:
        # No exif, no icc_profile: an untagged JPEG is read as sRGB, which these all are.
        ph.image.convert("RGB").save(HERE / ph.file, "JPEG", quality=QUALITY, optimize=True)
        print(f"{ph.file:20} {ph.image.width}x{ph.image.height}  {(HERE / ph.file).stat().st_size:7} bytes")
    (HERE / "corpus.toml").write_text(toml_text(photos), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
