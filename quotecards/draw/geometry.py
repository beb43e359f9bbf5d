"""Boxes in pixels, as the renderer places and measures things."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["PixelBox"]


class PixelBox(NamedTuple):
    """Edges in pixels: left and top inside, right and bottom just outside (as Pillow's boxes)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def overlap(self, other: PixelBox) -> int:
        """The area, px², the two boxes share."""
        return max(0, min(self.right, other.right) - max(self.left, other.left)) * \
            max(0, min(self.bottom, other.bottom) - max(self.top, other.top))

    def mirrored(self, canvas_width: int) -> PixelBox:
        """The box reflected across the canvas's vertical centre line (a right-to-left card)."""
        return PixelBox(canvas_width - self.right, self.top, canvas_width - self.left, self.bottom)

    def grown(self, by: int) -> PixelBox:
        """The box with `by` px more on every side."""
        return PixelBox(self.left - by, self.top - by, self.right + by, self.bottom + by)

    def inclusive(self) -> tuple[int, int, int, int]:
        """For ImageDraw.rectangle, which includes its far edge; our boxes do not."""
        return (self.left, self.top, self.right - 1, self.bottom - 1)
