"""The formats a card can be written in: their names, file extensions and media types.

Kept apart from the encoder so the command line can offer the choices without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXTENSIONS", "FORMATS", "FORMAT_CHOICES", "Format"]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    mime: str
    pillow: str = ""  # Pillow's name for it
    qualities: tuple[int, int] = (0, 0)  # lossy formats: the lowest quality worth sending, and the best


FORMATS = {
    "png": Format("png", "png", "image/png", "PNG"),
    # Best qualities are where each format's artefacts stop being visible on a photo card at
    # 1:1; the lowest are where text edges start to ring. A byte budget searches between them.
    "jpeg": Format("jpeg", "jpg", "image/jpeg", "JPEG", (40, 88)),
    "webp": Format("webp", "webp", "image/webp", "WEBP", (40, 85)),
    "avif": Format("avif", "avif", "image/avif", "AVIF", (30, 65)),
}
FORMAT_CHOICES = (*FORMATS, "auto")  # auto: PNG for a flat text card, JPEG for a photo card
EXTENSIONS = tuple(f.extension for f in FORMATS.values())
