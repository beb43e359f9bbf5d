"""Text → lines: typographic clean-up, balanced line breaking, and the largest size that fits.

Everything is measured with the face's real metrics (Pillow, raqm layout when available);
nothing is estimated from character counts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from . import fonts

ELLIPSIS = "\u2026"
OPENING_QUOTES = "\u201c\u2018\u201e\u00ab\u300c\""
CLOSING_QUOTES = "\u201d\u2019\u201c\u00bb\u300d\""


@dataclass(frozen=True)
class Block:
    """A paragraph set at one size: what to draw and how much room it takes."""

    size: int
    lines: tuple[str, ...]
    line_height: int  # baseline to baseline, px
    ascent: int
    descent: int
    hang: str  # drawn in the margin left of the first line (a hanging opening quote mark)
    hang_width: int
    width: int  # widest line, px (the hang not included: it sits outside the box)
    height: int  # top of the first line's ascent to the bottom of the last line's descent
    shortened: bool  # words were dropped (and an ellipsis added) because even min size overflowed

    @property
    def lines_as_set(self) -> list[str]:
        return [self.hang + self.lines[0], *self.lines[1:]] if self.lines else []


def clean(text: str) -> str:
    """Plain text with the typography a copy editor would insist on."""
    text = html.unescape(text)
    text = " ".join(text.split())
    text = text.replace("...", ELLIPSIS)
    text = re.sub(r"\s*--\s*", "\u2014", text)  # double hyphen: em dash, closed up
    text = text.replace(" - ", " \u2013 ")  # spaced hyphen: spaced en dash
    text = re.sub(r'(^|[\s(\[{\u2014\u2013])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"'(?=\d\ds?\b)", "\u2019", text)  # elided year: the '90s is an apostrophe
    text = re.sub(r"(^|[\s(\[{\u2014\u2013\u201c])'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


def strip_quote_marks(text: str) -> str:
    """Drop quote marks around the whole text: the card sets its own."""
    if len(text) > 2 and text[0] in OPENING_QUOTES and text[-1] in CLOSING_QUOTES:
        inner = text[1:-1].strip()
        if not any(q in inner for q in "\u201c\u201d\""):  # "a" and "b" is not one quotation
            return inner
    return text


def set_text(
    text: str,
    face: Path,
    box_width: int,
    box_height: int,
    min_size: int,
    max_size: int,
    line_height: float = 1.15,
    hang: str = "",
    max_lines: int | None = None,
) -> Block:
    """Set `text` in `face` at the largest size in [min_size, max_size] that fits the box.

    Lines are balanced (similar lengths) rather than greedily filled. If the text does not
    fit even at min_size it is shortened at a word boundary with an ellipsis. `hang` is set
    in the margin, left of the box, so the text's left edge stays flush with what is below.
    """
    words = text.split()
    if not words:
        raise ValueError("nothing to set")
    lo, hi = min_size, max_size
    best: int | None = None
    while lo <= hi:  # binary search: the line count only grows as the size grows
        mid = (lo + hi) // 2
        if _line_count(words, face, mid, box_width, box_height, line_height, hang, max_lines) is not None:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    if best is None:
        words = _shorten(words, face, min_size, box_width, box_height, line_height, hang, max_lines)
        best, shortened = min_size, True
    else:
        shortened = False
    # Kerning can make a measured line a hair wider than its summed words; rarely that costs
    # a size step.
    for size in range(best, min_size - 1, -1):
        block = _layout(words, face, size, box_width, box_height, line_height, hang, shortened)
        if block is not None:
            return block
    raise ValueError(f"cannot set {text[:40]!r} in a {box_width}px box")


def _metrics(face: Path, size: int, line_height: float, hang: str) -> tuple[int, int, int, int]:
    font = fonts.load(face, size)
    ascent, descent = font.getmetrics()
    hang_width = round(font.getlength(hang)) if hang else 0
    return ascent, descent, round(size * line_height), hang_width


def _widths(words: list[str], face: Path, size: int) -> tuple[list[float], float]:
    font = fonts.load(face, size)
    cache: dict[str, float] = {}
    for word in words:
        if word not in cache:
            cache[word] = font.getlength(word)
    return [cache[w] for w in words], font.getlength(" ")


def _line_count(words, face, size, box_width, box_height, line_height, hang, max_lines) -> int | None:
    """Lines needed at `size`, or None when the text cannot fit the box at that size."""
    ascent, descent, lh, hang_width = _metrics(face, size, line_height, hang)
    widths, space = _widths(words, face, size)
    count = _greedy_count(widths, space, box_width)
    if count is None or (max_lines is not None and count > max_lines):
        return None
    if ascent + descent + (count - 1) * lh > box_height:
        return None
    return count


def _greedy_count(widths: list[float], space: float, max_width: float) -> int | None:
    """The fewest lines any breaking can use (greedy filling is optimal for that)."""
    count, current = 1, -space
    for w in widths:
        if w > max_width:
            return None
        if current + space + w <= max_width:
            current += space + w
        else:
            count, current = count + 1, w
    return count


def _balanced_breaks(widths: list[float], space: float, max_width: float, count: int) -> list[int]:
    """Break points for exactly `count` lines of near-equal width (dynamic programming).

    Cost is the squared distance of each line from the average line width, so every line,
    the last included, is pulled towards the same length; a lone last word is penalised.
    """
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)

    def width(i: int, j: int) -> float:
        return prefix[j] - prefix[i] + space * (j - i - 1)

    target = width(0, n) / count
    orphan_penalty = target * target
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for lines in range(1, count + 1):
        for j in range(lines, n + 1):
            for i in range(j - 1, lines - 2, -1):
                w = width(i, j)
                if w > max_width:
                    break
                if cost[lines - 1][i] == inf:
                    continue
                c = cost[lines - 1][i] + (target - w) ** 2
                if j == n and j - i == 1 and n > count:
                    c += orphan_penalty
                if c < cost[lines][j]:
                    cost[lines][j], back[lines][j] = c, i
    breaks, j = [], n
    for lines in range(count, 0, -1):
        breaks.append(j)
        j = back[lines][j]
    return sorted(breaks)


def _layout(words, face, size, box_width, box_height, line_height, hang, shortened) -> Block | None:
    ascent, descent, lh, hang_width = _metrics(face, size, line_height, hang)
    font = fonts.load(face, size)
    widths, space = _widths(words, face, size)
    max_width = box_width
    while True:
        count = _greedy_count(widths, space, max_width)
        if count is None or ascent + descent + (count - 1) * lh > box_height:
            return None
        breaks = _balanced_breaks(widths, space, max_width, count)
        lines, start = [], 0
        for end in breaks:
            lines.append(" ".join(words[start:end]))
            start = end
        # Word widths summed can differ from a measured line by kerning across spaces;
        # the measured line is what gets drawn, so it has the last word.
        real = [font.getlength(line) for line in lines]
        overflow = max(real) - box_width
        if overflow <= 0:
            break
        max_width -= overflow + 1
    return Block(
        size=size,
        lines=tuple(lines),
        line_height=lh,
        ascent=ascent,
        descent=descent,
        hang=hang,
        hang_width=hang_width,
        width=round(max(real)),
        height=ascent + descent + (len(lines) - 1) * lh,
        shortened=shortened,
    )


def _shorten(words, face, size, box_width, box_height, line_height, hang, max_lines) -> list[str]:
    """The longest prefix of `words` that fits at `size`, ending in an ellipsis."""
    font = fonts.load(face, size)
    pieces: list[str] = []
    for word in words:  # a word wider than the box (a URL, say) is cut into pieces that fit
        pieces.extend(_split_word(word, font, box_width))
    lo, hi = 1, len(pieces)
    keep = 1
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = pieces[:mid - 1] + [pieces[mid - 1].rstrip(",;:.\u2013\u2014") + ELLIPSIS]
        if _line_count(trial, face, size, box_width, box_height, line_height, hang, max_lines) is not None:
            keep, lo = mid, mid + 1
        else:
            hi = mid - 1
    return pieces[:keep - 1] + [pieces[keep - 1].rstrip(",;:.\u2013\u2014") + ELLIPSIS]


def _split_word(word: str, font, max_width: float) -> list[str]:
    room = max_width - font.getlength(ELLIPSIS)
    if font.getlength(word) <= room:
        return [word]
    pieces, current = [], ""
    for ch in word:
        if current and font.getlength(current + ch) > room:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return pieces + [current]
