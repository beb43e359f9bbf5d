"""A paragraph → runs of one face and one direction, and each line's runs in visual order.

Pillow's raqm layout shapes and reorders text only within one draw call, and one call has one
font. A line that mixes an Arabic run (Noto Naskh) with a Latin name (Noto Serif Display) is
therefore drawn as several calls, and their order on the line comes from the Unicode bidi
algorithm, run here once per paragraph through ICU (the same library that finds the breaks).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import icu

from .fonts import Face, coverage

__all__ = ["DIRECTION_MARKS", "Run", "Styles", "analyse", "bidi_levels", "faces_for", "needs_shaping"]

# Characters that belong to the character before them: marks, joiners, selectors, skin tones,
# tag characters (subdivision flags) and the keycap.
_ZWJ, _VS16 = 0x200D, 0xFE0F


def _attaches(cp: int, ch: str) -> bool:
    return (unicodedata.category(ch) in ("Mn", "Mc", "Me") or cp in (_ZWJ, 0xFE0E, _VS16, 0x20E3)
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F)


def _neutral(ch: str) -> bool:
    # Spaces, punctuation and digits read the same in any face: keep them in the run they sit in
    # rather than switching fonts for a comma.
    return unicodedata.category(ch)[0] in "ZPNS" and not unicodedata.category(ch) == "So"


@dataclass(frozen=True)
class Run:
    start: int  # code point offsets into the paragraph
    end: int
    face: Face
    level: int  # bidi embedding level: odd runs read right to left

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    runs: tuple[Run, ...]
    rtl: bool  # the paragraph's own direction, from its first strong character
    missing: tuple[str, ...]  # characters no face in the stack can draw

    def runs_in(self, start: int, end: int) -> list[Run]:
        """The runs of text[start:end], clipped, in logical order."""
        return [Run(max(r.start, start), min(r.end, end), r.face, r.level)
                for r in self.runs if r.end > start and r.start < end]

    def line(self, start: int, end: int) -> list[Run]:
        """The runs of text[start:end] in visual order, left to right (UAX #9 rule L2)."""
        runs = self.runs_in(start, end)
        if not runs:
            return []
        highest = max(r.level for r in runs)
        lowest_odd = min((r.level for r in runs if r.level % 2), default=highest + 1)
        for level in range(highest, lowest_odd - 1, -1):
            i = 0
            while i < len(runs):
                if runs[i].level >= level:
                    j = i
                    while j < len(runs) and runs[j].level >= level:
                        j += 1
                    runs[i:j] = runs[i:j][::-1]
                    i = j
                else:
                    i += 1
        return runs


def faces_for(text: str, stack: tuple[Face, ...]) -> tuple[list[Face], list[str]]:
    """The face for each character: the first in the stack that has it (fontTools cmaps). A
    direction mark or isolate draws nothing: it takes the face of what it stands before, so the
    digits after it are not set in whichever face happens to map it."""
    shown = [i for i, ch in enumerate(text) if not _invisible(ch)]
    faces, missing = _faces("".join(text[i] for i in shown), stack)
    chosen: list[Face] = []
    at = 0  # the next shown character
    for i in range(len(text)):
        if at < len(shown) and shown[at] == i:
            chosen.append(faces[at])
            at += 1
        else:
            chosen.append(faces[at] if at < len(faces) else faces[-1] if faces else stack[0])
    return chosen, missing


# Direction marks, embeddings, overrides and isolates: they order the text and draw nothing.
DIRECTION_MARKS = "\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"


def _invisible(ch: str) -> bool:
    return ch in DIRECTION_MARKS


def _faces(text: str, stack: tuple[Face, ...]) -> tuple[list[Face], list[str]]:
    chosen: list[Face] = []
    missing: list[str] = []
    emoji = next((f for f in stack if f.bitmap_size), None)
    for i, ch in enumerate(text):
        cp = ord(ch)
        nxt = ord(text[i + 1]) if i + 1 < len(text) else 0
        if chosen and (_attaches(cp, ch) or ord(text[i - 1]) == _ZWJ):
            chosen.append(chosen[-1])
            continue
        if emoji and (nxt == _VS16 or nxt == 0x20E3) and cp in coverage(emoji):
            chosen.append(emoji)  # ❤️ and 1️⃣ asked for the emoji presentation
            continue
        # (Not in a colour emoji face: its space is as wide as an emoji.)
        if chosen and _neutral(ch) and not chosen[-1].bitmap_size and cp in coverage(chosen[-1]):
            chosen.append(chosen[-1])
            continue
        face = next((f for f in stack if cp in coverage(f)), None)
        if face is None:
            if not ch.isspace() and unicodedata.category(ch) != "Cf" and ch not in missing:
                missing.append(ch)
            face = chosen[-1] if chosen else stack[0]
        chosen.append(face)
    return chosen, missing


def bidi_levels(text: str) -> tuple[list[int], bool]:
    """Embedding level per code point, and whether the paragraph runs right to left."""
    ustr = icu.UnicodeString(text)
    bidi = icu.Bidi()
    bidi.setPara(ustr, icu.Bidi.DEFAULT_LTR)
    units = list(bidi.getLevels())
    levels, unit = [], 0
    for ch in text:
        levels.append(units[unit])
        unit += 2 if ord(ch) > 0xFFFF else 1
    return levels, bidi.getParaLevel() % 2 == 1


Styles = tuple[tuple[int, tuple["Face", ...]], ...]  # (from this offset on, this stack), in order


def analyse(text: str, stack: tuple[Face, ...], styles: Styles = ()) -> Paragraph:
    """`text` in runs of one face and one direction; from each of `styles`' offsets on, in its
    stack (an attribution's name set stronger than the role around it)."""
    spans = [(0, stack), *((at, s) for at, s in styles if 0 <= at < len(text))]
    faces: list[Face] = []
    missing: list[str] = []
    for (start, span_stack), (end, _next) in zip(spans, [*spans[1:], (len(text), stack)]):
        span_faces, span_missing = faces_for(text[start:end], span_stack)
        faces += span_faces
        missing += [ch for ch in span_missing if ch not in missing]
    levels, rtl = bidi_levels(text)
    runs: list[Run] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or faces[i] != faces[start] or levels[i] != levels[start]:
            runs.append(Run(start, i, faces[start], levels[start]))
            start = i
    return Paragraph(text=text, runs=tuple(runs), rtl=rtl, missing=tuple(missing))


def needs_shaping(text: str) -> bool:
    """Text that the basic layout would draw wrong: right-to-left, or shaped (Indic, Thai, emoji ZWJ)."""
    for ch in text:
        cp = ord(ch)
        if unicodedata.category(ch) == "Cf" and cp != _ZWJ:
            continue  # a direction mark alone draws nothing that could come out wrong
        if unicodedata.bidirectional(ch) in ("R", "AL") or 0x0900 <= cp <= 0x0DFF or 0x0E00 <= cp <= 0x0EFF \
                or 0x1000 <= cp <= 0x109F or 0x1780 <= cp <= 0x17FF or cp == _ZWJ:
            return True
    return False
