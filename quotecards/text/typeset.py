"""Text → lines: balanced line breaking, and the largest size that fits, with real metrics.

Everything is measured with the faces' own metrics through Pillow's raqm layout; nothing is
estimated from character counts. A paragraph may use several faces (per-character fallback) and
both directions; it is measured run by run, the way it will be drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from . import fonts, linebreak, punctuation, textruns
from .cleanup import ELLIPSIS
from .fonts import Face

__all__ = ["Block", "CLAUSE_BREAK", "DoesNotFit", "Line", "ShapingUnavailable", "balanced_breaks", "ink_extent",
           "measure", "set_text", "shaping_options"]

ZWSP = "\u200b"
# Latin, CJK, and Arabic-script (؟ ۔ ، ؛) sentence and clause ends: right-to-left text breaks at
# its clauses too.
SENTENCE_ENDS = ".!?\u2026\u3002\uff01\uff1f\u061f\u06d4"
CLAUSE_ENDS = ",;:\u2013\u2014\u3001\uff0c\uff1b\uff1a\u060c\u061b\u00b7"  # and a byline's "name · date"
CLOSING_MARKS = "\"'\u201d\u2019\u00bb\u203a\u300d\u300f)\uff09"
# A break's weight, in units of the cost of splitting a name (a quarter of a line's width, squared);
# below zero, a break the balancing prefers.
SENTENCE_BREAK = -0.6
CLAUSE_BREAK = -0.25
AVOIDED = 1.0  # a break weighted this much or more (inside a name) does not set the line count
# Quotes of more lines get more room between them, as a long measure does: the eye finds the next
# line's start more easily. Each line past LEADING_FROM adds LEADING_STEP, up to LEADING_MOST lines.
LEADING_FROM, LEADING_STEP, LEADING_MOST = 4, 0.025, 8


class DoesNotFit(ValueError):
    """The text does not fit its box even at the smallest size, and may not be shortened."""

    def __init__(self, message: str, source: str = ""):
        super().__init__(message)
        self.source = source  # the text layer, filled in by the renderer


class ShapingUnavailable(RuntimeError):
    """Complex or right-to-left text, and Pillow lacks raqm/fribidi to shape it."""

    def __init__(self, message: str, source: str = ""):
        super().__init__(message)
        self.source = source  # the text layer, filled in by the renderer


@dataclass(frozen=True)
class Piece:
    """One draw call: a run of one face and one direction, placed on its line."""

    text: str
    face: Face
    rtl: bool
    x: float  # from the line's left edge, px
    width: float
    half: bool = False  # a CJK mark set half width (punctuation.py)


@dataclass(frozen=True)
class Line:
    text: str  # in logical (reading) order
    pieces: tuple[Piece, ...]  # in visual order, left to right
    width: float


@dataclass(frozen=True)
class Block:
    """A paragraph set at one size: what to draw and how much room it takes."""

    size: int
    rows: tuple[Line, ...]
    line_height: int  # baseline to baseline, px
    ascent: int
    descent: int
    hang: str  # drawn in the margin before the first line (a hanging opening quote mark)
    hang_face: Face | None
    hang_width: int
    width: int  # widest line, px (the hang not included: it sits outside the box)
    height: int  # top of the first line's ascent to the bottom of the last line's descent
    shortened: bool  # words were dropped (and an ellipsis added) because even min size overflowed
    rtl: bool  # the paragraph reads right to left: lines align right, the hang sits on the right
    missing: tuple[str, ...]
    faces_used: tuple[Face, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(row.text for row in self.rows)

    @property
    def lines_as_set(self) -> list[str]:
        lines = list(self.lines)
        return [self.hang + lines[0], *lines[1:]] if lines else []


class Shaping(TypedDict, total=False):
    """Keyword arguments for Pillow's text calls, as raqm takes them."""

    direction: str
    language: str
    features: list[str]


def shaping_options(rtl: bool, lang: str, half: bool = False) -> Shaping:
    """Direction and language for raqm, the same when measuring and drawing.

    The language matters: CJK fonts swap in localised punctuation for Korean or Japanese, and
    Serbian or Bulgarian Cyrillic take their own letterforms.
    """
    if not fonts.has_complex_shaping():
        return {}
    options: Shaping = {"direction": "rtl" if rtl else "ltr"}
    tag = lang.split("@")[0]
    if tag:
        options["language"] = tag
    if half:
        options["features"] = ["halt"]
    return options


# The words of the last few cards at the sizes tried, and those every card repeats: some 4 MB. A
# long-running service draws new words for ever; a larger bound only keeps more that never recur.
@functools.lru_cache(maxsize=16384)
def measure(text: str, face: Face, size: int, rtl: bool = False, lang: str = "", half: bool = False) -> float:
    """Advance width of `text` in `face` at `size`, px; colour bitmap faces are scaled."""
    font = fonts.load(face, size)
    width = font.getlength(text, **shaping_options(rtl, lang, half))
    return width * size / face.bitmap_size if face.bitmap_size else width


@functools.lru_cache(maxsize=4096)  # the line ends being measured for hanging marks: fewer than widths
def ink_extent(text: str, face: Face, size: int, rtl: bool = False, lang: str = "",
               half: bool = False) -> tuple[float, float]:
    """Left and right edge of the ink of `text` drawn from x = 0, px."""
    font = fonts.load(face, size)
    x0, _y0, x1, _y1 = font.getbbox(text, anchor="ls", **shaping_options(rtl, lang, half))
    scale = size / face.bitmap_size if face.bitmap_size else 1.0
    return x0 * scale, x1 * scale


def vertical_metrics(face: Face, size: int) -> tuple[int, int]:
    ascent, descent = fonts.load(face, size).getmetrics()
    if face.bitmap_size:
        scale = size / face.bitmap_size
        return round(ascent * scale), round(descent * scale)
    return ascent, descent


class _Paragraph:
    """One text, analysed once (faces, bidi, break opportunities), measurable at any size."""

    def __init__(self, text: str, stack: tuple[Face, ...], lang: str, opens_with_name: bool = False,
                 styles: textruns.Styles = ()):
        self.text = text
        self.lang = lang
        self.opens_with_name = opens_with_name
        self.para = textruns.analyse(text, stack, styles)
        self.bounds = [0]
        self.ends = []  # each segment's end without its trailing spaces
        locale = linebreak.locale_for(text, lang)
        for seg in linebreak.segments(text, locale):
            start = self.bounds[-1]
            self.bounds.append(start + len(seg))
            self.ends.append(start + len(seg.rstrip()))
        self.break_weights: dict[int, float] = {}
        for weights in (self._name_breaks(), self._clause_ends(locale)):
            for k, weight in weights.items():
                self.break_weights[k] = self.break_weights.get(k, 0.0) + weight
        # Breaks the line count keeps away from while a line can hold what they would split.
        self.avoided = frozenset(k for k, weight in self.break_weights.items() if weight >= AVOIDED)
        self.widths: dict[int, tuple[list[float], list[float]]] = {}  # by size: a few dozen sizes at most

    @property
    def count(self) -> int:
        return len(self.ends)

    def width(self, start: int, end: int, size: int) -> float:
        return sum(measure(self.text[r.start:r.end], r.face, size, r.rtl, self.lang)
                   for r in self.para.runs_in(start, end)) \
            if start < end else 0.0

    def segment_widths(self, size: int) -> tuple[list[float], list[float]]:
        """Each segment's width with its trailing spaces, and without (as a line's last); kept
        per size, as every box the text is tried in asks again (shared: read, never changed)."""
        known = self.widths.get(size)
        if known is None:
            known = self.widths[size] = self._segment_widths(size)
        return known

    def _segment_widths(self, size: int) -> tuple[list[float], list[float]]:
        full, bare = [], []
        for i in range(self.count):
            start, end, stop = self.bounds[i], self.ends[i], self.bounds[i + 1]
            w = self.width(start, end, size)
            bare.append(w)
            if stop == end:
                full.append(w)
            else:  # the trailing spaces, measured alone: kerning across a space is nil in practice,
                # and each whole line is measured again before it is drawn
                full.append(w + self.width(end, stop, size))
        return full, bare

    def line(self, first: int, last: int, size: int) -> Line:
        """Segments first..last-1 as one line, its pieces placed in visual order."""
        start, end = self.bounds[first], self.ends[last - 1]
        runs = self.para.line(start, end)
        if not runs:  # a line of nothing but spaces
            return Line(text="", pieces=(), width=0.0)
        parts = self._parts(runs, start, end)
        advances = [measure(p.text, p.face, size, p.rtl, self.lang, p.half) for p in parts]
        # Ink can stick out past the advance (a swash, a big closing quote mark): the line's
        # width is its ink and advance together, and the first glyph's overhang is moved inside.
        left = min(0.0, self._ink(parts[0], size, first=True))
        right_ink = sum(advances[:-1]) + self._ink(parts[-1], size, first=False)
        pieces, x = [], -left
        for part, w in zip(parts, advances):
            pieces.append(Piece(text=part.text, face=part.face, rtl=part.rtl, x=x, width=w, half=part.half))
            x += w
        width = max(x, right_ink - left)
        return Line(text=self.text[start:end].replace(ZWSP, ""), pieces=tuple(pieces), width=width)

    def _parts(self, runs: list[textruns.Run], start: int, end: int) -> list[Piece]:
        """The line's runs as unplaced pieces, CJK marks that meet cut out to be set half width."""
        halves = punctuation.half_width(self.text[start:end])
        parts: list[Piece] = []
        for run in runs:
            text = self.text[run.start:run.end]
            cut = punctuation.split(text, run.start - start, halves) \
                if halves and punctuation.compresses(run.face.family) else [(text, False)]
            parts.extend(Piece(text=t, face=run.face, rtl=run.rtl, x=0.0, width=0.0, half=half) for t, half in cut)
        return parts

    def _ink(self, part: Piece, size: int, first: bool) -> float:
        """Where the ink of `text` starts (`first`: its left edge) or ends, from its origin.

        Only the run's outermost word can reach past its advance, and finding a bounding box
        renders every glyph it covers: a word costs a seventh of a line. Words are shaped apart
        (no kerning or joining crosses a space), so the word alone gives the same ink.
        """
        text, face, rtl = part.text, part.face, part.rtl
        from_start = first != rtl  # a right-to-left run's left end is its logical end
        cut = text.find(" ") if from_start else text.rfind(" ")
        if cut < 0:
            return ink_extent(text, face, size, rtl, self.lang, part.half)[0 if first else 1]
        word, rest = (text[:cut], text[cut:]) if from_start else (text[cut + 1:], text[:cut + 1])
        x0, x1 = ink_extent(word, face, size, rtl, self.lang)
        return x0 if first else measure(rest, face, size, rtl, self.lang) + x1

    def _clause_ends(self, locale: str) -> dict[int, float]:
        """Breaks after a sentence or a clause, weighted below zero: "behind us. | That's the job."
        reads better than "behind | us. That's the job." when the lines come out near even. Thai
        marks its clauses with a space alone."""
        ends = [self.text[self.bounds[k]:self.ends[k]].rstrip(CLOSING_MARKS)[-1:] for k in range(self.count)]
        spaced = locale.startswith("th")
        out: dict[int, float] = {}
        for k in range(1, self.count):
            if ends[k - 1] in SENTENCE_ENDS:
                out[k] = SENTENCE_BREAK
            elif ends[k - 1] in CLAUSE_ENDS or (spaced and self.ends[k - 1] < self.bounds[k]):
                out[k] = CLAUSE_BREAK
            elif ends[k] in SENTENCE_ENDS and k + 1 < self.count:
                out[k] = -SENTENCE_BREAK  # a sentence's last word alone at the head of the next line
        return out

    def _name_breaks(self) -> dict[int, float]:
        """Breaks (after segment k) that would split a name such as "Ilham Aliyev", weighted.

        A name is a run of capitalised words not starting a sentence. Splitting a title from
        the name ("President | Ilham Aliyev") costs a quarter of splitting the name itself.
        """
        words = [self.text[self.bounds[k]:self.ends[k]] for k in range(self.count)]
        capital = [w[:1].isupper() and w[-1:].isalpha() or (w[:1].isupper() and w[-1:] in ",.;:!?”\u00b7")
                   for w in words]
        out: dict[int, float] = {}
        k = 0
        while k < self.count:
            j = k
            while j + 1 < self.count and capital[j + 1] and capital[j] and words[j][-1:].isalpha():
                j += 1
            # A sentence's first word is capitalised anyway, unless the text opens with a name (an attribution).
            opening = k == 0 and not self.opens_with_name
            first = k + 1 if opening or (k > 0 and words[k - 1][-1:] in ".!?:") else k
            for b in range(first + 1, j + 1):
                out[b] = 0.25 if (b == first + 1 and j - first >= 2) else 1.0
            k = j + 1
        return out


# A card tries each text in a dozen candidate boxes or more, and the cards drawn at once are a
# few: their texts analysed once each (faces, bidi, breaks), not once per box.
@functools.lru_cache(maxsize=64)
def _paragraph(text: str, stack: tuple[Face, ...], lang: str, opens_with_name: bool = False,
               styles: textruns.Styles = ()) -> _Paragraph:
    return _Paragraph(text, stack, lang, opens_with_name, styles)


def set_text(
    text: str,
    stack: tuple[Face, ...],
    box_width: int,
    box_height: int,
    min_size: int,
    max_size: int,
    line_height: float = 1.15,
    hang: str = "",
    max_lines: int | None = None,
    lang: str = "",
    tail: str = "",
    shorten: bool = True,
    opens_with_name: bool = False,
    styles: textruns.Styles = (),
) -> Block:
    """Set `text` at the largest size in [min_size, max_size] that fits the box.

    `stack` is the layer's face followed by its fallbacks. Lines are balanced (similar lengths)
    rather than greedily filled. If the text does not fit even at min_size it is shortened at a
    break opportunity with an ellipsis. `hang` is set in the margin, outside the box, so the
    text's edge stays flush with what is below. `tail` (a closing quote mark) always ends the
    text, after the ellipsis too when the text is shortened. With `shorten` False a text that
    does not fit raises DoesNotFit instead: a quote is never changed unless the user allows it.
    `styles` ((offset, stack), …) set the text from each offset on in another stack: a name
    stronger than the role around it.
    """
    lead = len(text) - len(text.lstrip())
    styles = tuple((max(0, at - lead), s) for at, s in styles)
    text = text.strip()
    if not text:
        raise ValueError("nothing to set")
    if not fonts.has_complex_shaping() and textruns.needs_shaping(text + hang):
        raise ShapingUnavailable(
            "right-to-left or complex script needs Pillow's raqm layout with libfribidi "
            "(Debian: apt install libfribidi0); refusing to draw it wrong")
    para = _paragraph(text + tail, stack, lang, opens_with_name, styles)
    fit = _Fit(stack, box_width, box_height, line_height, hang, max_lines)
    best = fit.largest(para, min_size, max_size)
    shortened = False
    if best is None:
        # A word wider than the box (a URL, a long Japanese phrase) may be broken inside;
        # if the text still does not fit, it is shortened.
        broken = _break_wide(text, stack, lang, min_size, box_width)
        # Break points inside words move the offsets: the text is set in one stack then.
        para = _paragraph(broken + tail, stack, lang, opens_with_name, styles if broken == text else ())
        if fit.fits(para, min_size):
            best = min_size
        elif not shorten:
            raise _does_not_fit(text, box_width, box_height, min_size)
        else:
            para, shortened, best = _shorten(broken, tail, stack, lang, fit, min_size), True, min_size
    # Kerning can make a measured line a hair wider than its summed segments; rarely that costs
    # a size step.
    for size in range(best, min_size - 1, -1):
        block = fit.layout(para, size, shortened)
        if block is not None:
            return _without_lone_words(block, para, fit, min_size, shortened)
    # It fitted by its summed widths, right at the box's edge, and not once measured line by line.
    if not shorten:
        raise _does_not_fit(text, box_width, box_height, min_size)
    if not shortened:
        block = fit.layout(_shorten(text, tail, stack, lang, fit, min_size), min_size, True)
        if block is not None:
            return block
    raise ValueError(f"cannot set {text[:40]!r} in a {box_width}px box")


def _does_not_fit(text: str, width: int, height: int, size: int) -> DoesNotFit:
    words = len(text.split())
    return DoesNotFit(f"{words} word{'' if words == 1 else 's'} do{'es' if words == 1 else ''} not fit a "
                      f"{width}\u00d7{height}px box at {size}px")


# A word alone on a line before the last ("City budget | leaves ferry | repairs | unfunded") is a
# hole in the text's shape: a setter takes a size a few steps smaller to avoid it, never more
# than LONE_WORD_STEPS steps of LONE_WORD_STEP each.
LONE_WORD_STEP, LONE_WORD_STEPS = 0.97, 7


def _without_lone_words(block: Block, para: _Paragraph, fit: _Fit, min_size: int, shortened: bool) -> Block:
    """`block`, or the same text a little smaller where that leaves no word alone on a line but
    the last (in text that spaces its words, on three lines or more)."""
    if not _lone_words(block) or " " not in para.text:
        return block
    size = block.size
    for _ in range(LONE_WORD_STEPS):
        size = min(size - 1, round(size * LONE_WORD_STEP))
        if size < min_size:
            break
        smaller = fit.layout(para, size, shortened)
        if smaller is not None and not _lone_words(smaller):
            return smaller
    return block


def _lone_words(block: Block) -> bool:
    return len(block.rows) >= 3 and any(" " not in row.text.strip() for row in block.rows[:-1])


@dataclass(frozen=True)
class _Fit:
    stack: tuple[Face, ...]
    box_width: int
    box_height: int
    line_height: float
    hang: str
    max_lines: int | None

    def metrics(self, para: _Paragraph, size: int) -> tuple[int, int, int, int]:
        used = {r.face for r in para.para.runs} | {self.stack[0]}
        pairs = [vertical_metrics(face, size) for face in used]
        ascent, descent = max(a for a, _ in pairs), max(d for _, d in pairs)
        hang_width = round(measure(self.hang, self.hang_face(para), size, para.para.rtl, para.lang)) if self.hang else 0
        return ascent, descent, round(size * self.line_height), hang_width

    def leading(self, lh: int, size: int, count: int) -> int:
        """Baseline to baseline for `count` lines: the layout's, opened up past LEADING_FROM lines."""
        extra = min(max(count - LEADING_FROM, 0), LEADING_MOST - LEADING_FROM) * LEADING_STEP
        return lh + round(size * self.line_height * extra)

    def hang_face(self, para: _Paragraph) -> Face:
        """The face of the text's first letters when it has the mark (a CJK 「 is full width)."""
        first = para.para.runs[0].face
        if not first.bitmap_size and all(ord(ch) in fonts.coverage(first) for ch in self.hang):
            return first
        return next((f for f in self.stack if all(ord(ch) in fonts.coverage(f) for ch in self.hang)), self.stack[0])

    def fits(self, para: _Paragraph, size: int,
             widths: tuple[list[float], list[float]] | None = None) -> bool:
        """Whether `para` fits at `size`: measured there, or by the `widths` given for it."""
        ascent, descent, lh, _ = self.metrics(para, size)
        full, bare = widths or para.segment_widths(size)
        count = _line_count(full, bare, self.box_width, para.avoided)
        if count is None or (self.max_lines is not None and count > self.max_lines):
            return False
        return ascent + descent + (count - 1) * self.leading(lh, size, count) <= self.box_height

    def largest(self, para: _Paragraph, lo: int, hi: int) -> int | None:
        # Advances grow in proportion to the size, give or take hinting's rounding of each glyph,
        # so the search runs on widths measured once, at the top size, scaled; measuring at every
        # size it tries would cost a shaping call per segment per step, most of a card's
        # typesetting. Exact measurement then confirms the answer, or steps down from it. (When
        # the estimate was a step cautious the text stays a pixel smaller: nobody can see that.)
        full, bare = para.segment_widths(hi)
        best = None
        low, high = lo, hi
        while low <= high:  # binary search: the line count only grows as the size grows
            mid = (low + high) // 2
            scale = mid / hi
            if self.fits(para, mid, ([w * scale for w in full], [w * scale for w in bare])):
                best, low = mid, mid + 1
            else:
                high = mid - 1
        size = best if best is not None else lo
        if self.fits(para, size):
            return size
        while size > lo:
            size -= 1
            if self.fits(para, size):
                return size
        return None

    def layout(self, para: _Paragraph, size: int, shortened: bool) -> Block | None:
        ascent, descent, base_lh, hang_width = self.metrics(para, size)
        full, bare = para.segment_widths(size)
        max_width = float(self.box_width)
        while True:
            count = _line_count(full, bare, max_width, para.avoided)
            if count is None:
                return None
            lh = self.leading(base_lh, size, count)
            if ascent + descent + (count - 1) * lh > self.box_height:
                return None
            breaks = balanced_breaks(full, bare, max_width, count, para.break_weights, spaced=" " in para.text)
            rows, first = [], 0
            for last in breaks:
                rows.append(para.line(first, last, size))
                first = last
            # Segment widths summed can differ from a line measured run by run (kerning across
            # a boundary); the measured line is what gets drawn, so it has the last word.
            overflow = max(row.width for row in rows) - self.box_width
            if overflow <= 0:
                break
            max_width -= overflow + 1
        return Block(
            size=size, rows=tuple(rows), line_height=lh, ascent=ascent, descent=descent,
            hang=self.hang, hang_face=self.hang_face(para) if self.hang else None, hang_width=hang_width,
            width=round(max(row.width for row in rows)), height=ascent + descent + (len(rows) - 1) * lh,
            shortened=shortened, rtl=para.para.rtl, missing=para.para.missing,
            faces_used=tuple(dict.fromkeys(p.face for row in rows for p in row.pieces)),
        )


def _line_count(full: list[float], bare: list[float], max_width: float, avoided: frozenset[int]) -> int | None:
    """The fewest lines the text needs without the `avoided` breaks (inside a name, a Japanese
    phrase), or, where a line cannot hold what they keep together, with them."""
    if avoided:
        units_full, units_bare = [full[0]], [bare[0]]
        for k in range(1, len(full)):
            if k in avoided:  # glued to the unit before: the unit's last segment is this one
                units_bare[-1] = units_full[-1] + bare[k]
                units_full[-1] += full[k]
            else:
                units_full.append(full[k])
                units_bare.append(bare[k])
        count = _greedy_count(units_full, units_bare, max_width)
        if count is not None:
            return count
    return _greedy_count(full, bare, max_width)


def _greedy_count(full: list[float], bare: list[float], max_width: float) -> int | None:
    """The fewest lines any breaking can use (greedy filling is optimal for that)."""
    count, current = 1, 0.0  # current: the line so far, with its trailing spaces
    for w_full, w_bare in zip(full, bare):
        if w_bare > max_width:
            return None
        if current + w_bare <= max_width:
            current += w_full
        else:
            count, current = count + 1, w_full
    return count


def balanced_breaks(full: list[float], bare: list[float], max_width: float, count: int,
                    weights: dict[int, float] | None = None, spaced: bool = False) -> list[int]:
    """Break points for exactly `count` lines of near-equal width (dynamic programming).

    Cost is the squared distance of each line from the average line width, so every line,
    the last included, is pulled towards the same length. A lone last word, a word alone on a
    line mid-text (`spaced`: a text that spaces its words) and a break inside a name cost extra,
    so they happen only when the alternative is clearly worse; `weights`
    (after segment j → weight) make a break dearer (a name) or cheaper (a sentence's end).
    """
    n = len(full)
    prefix = [0.0]
    for w in full:
        prefix.append(prefix[-1] + w)

    def width(i: int, j: int) -> float:
        return prefix[j - 1] - prefix[i] + bare[j - 1]

    target = width(0, n) / count
    orphan_penalty = target * target
    unit = (0.5 * target) ** 2
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for lines in range(1, count + 1):
        for j in range(lines, n + 1):
            extra = unit * weights.get(j, 0.0) if weights and j < n else 0.0
            for i in range(j - 1, lines - 2, -1):
                w = width(i, j)
                if w > max_width:
                    break
                if cost[lines - 1][i] == inf:
                    continue
                c = cost[lines - 1][i] + (target - w) ** 2 + extra
                if j == n and j - i == 1 and n > count:
                    c += orphan_penalty
                elif spaced and j < n and j - i == 1 and count >= 3:
                    c += orphan_penalty / 2  # a word alone mid-text: a hole in its shape
                if c < cost[lines][j]:
                    cost[lines][j], back[lines][j] = c, i
    breaks, j = [], n
    for lines in range(count, 0, -1):
        breaks.append(j)
        j = back[lines][j]
    return sorted(breaks)


def _shorten(text: str, tail: str, stack: tuple[Face, ...], lang: str, fit: _Fit, size: int) -> _Paragraph:
    """The longest prefix of `text` (cut at a break opportunity) that fits at `size`, with an ellipsis:
    laid out for real, since a prefix that fits by its summed widths may not once its lines are
    measured (kerning), and the cut is made just at that edge."""
    pieces = linebreak.segments(text, linebreak.locale_for(text, lang))

    def trial(keep: int) -> _Paragraph:
        head = "".join(pieces[:keep]).rstrip().rstrip(ZWSP).rstrip(",;:.\u2013\u2014\u3001")
        return _Paragraph(head + ELLIPSIS + tail, stack, lang)

    lo, hi, keep = 1, len(pieces), 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if fit.fits(trial(mid), size) and fit.layout(trial(mid), size, True) is not None:
            keep, lo = mid, mid + 1
        else:
            hi = mid - 1
    return trial(keep)


def _break_wide(text: str, stack: tuple[Face, ...], lang: str, size: int, box_width: int) -> str:
    """`text` with break opportunities (zero-width spaces) inside segments wider than the box.

    A wide segment is cut first where the language's plain rules allow (Japanese between
    characters, but never before 。), and only then between any two characters.
    """
    room = box_width - measure(ELLIPSIS, stack[0], size)
    plain_lang = lang.split("@")[0]

    def too_wide(piece: str) -> bool:
        return _Paragraph(piece, stack, lang).width(0, len(piece.rstrip()), size) > room

    out = []
    for seg in linebreak.segments(text, linebreak.locale_for(text, lang)):
        if not too_wide(seg):
            out.append(seg)
            continue
        parts = []
        for sub in linebreak.segments(seg, plain_lang):
            parts.extend(_cut(sub, too_wide) if too_wide(sub) else [sub])
        out.append(ZWSP.join(p for p in parts))
    return "".join(out)


def _cut(piece: str, too_wide: Callable[[str], bool]) -> list[str]:
    parts, current = [], ""
    for cluster in linebreak.graphemes(piece):
        if current and too_wide(current + cluster):
            parts.append(current)
            current = cluster
        else:
            current += cluster
    return [*parts, current]
