"""Where CJK punctuation is set half width, as Japanese and Chinese typesetters do (JIS X 4051).

A full-width 。 or 」 is half ink, half blank. Where two meet (。」, 、「, 」「) the blanks add up to
a visible hole, so the first closing mark (or the second opening one) loses its blank half; a
line likewise starts at the ink of its opening bracket and ends at the ink of its closing one.
The fonts carry the half-width forms as the OpenType `halt` feature; this module only says where.
Traditional Chinese centres its marks in the em, so only Japanese and Simplified Chinese faces
take it.
"""

from __future__ import annotations

__all__ = ["compresses", "half_width", "split"]

CLOSING = "\u3001\u3002\uff0c\uff0e\u300d\u300f\uff09\u3011\u3015\u3009\u300b"  # 、。，．」』）】〕〉》
OPENING = "\u300c\u300e\uff08\u3010\u3014\u3008\u300a"  # 「『（【〔〈《
COMPRESSING_FACES = (" JP", " SC")  # regional CJK faces whose marks sit in one half of the em


def compresses(family: str) -> bool:
    return family.endswith(COMPRESSING_FACES)


def half_width(line: str) -> set[int]:
    """Offsets in `line` of the marks to set half width."""
    out = set()
    last = len(line) - 1
    for i, ch in enumerate(line):
        after = line[i + 1] if i < last else ""
        before = line[i - 1] if i > 0 else ""
        if ch in CLOSING and (i == last or (after and after in CLOSING + OPENING)):
            out.add(i)
        elif ch in OPENING and (i == 0 or (before and before in OPENING)):
            out.add(i)
    return out


def split(text: str, offset: int, halves: set[int]) -> list[tuple[str, bool]]:
    """`text` (starting at `offset` in its line) cut into pieces, each marked half width or not."""
    pieces: list[tuple[str, bool]] = []
    current = ""
    for i, ch in enumerate(text):
        if offset + i in halves:
            if current:
                pieces.append((current, False))
                current = ""
            pieces.append((ch, True))
        else:
            current += ch
    if current:
        pieces.append((current, False))
    return pieces
