"""A card's text layers set: each at the largest size that fits its box, within the rules a
newsroom keeps (a quote never under its platform's legible floor, never cut unless allowed; the
attribution never larger than the quote; a name stronger than its role), and where it goes."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from ..card_warnings import CardWarning, Kind
from ..text import fonts, linebreak, textruns, typeset
from ..text.cleanup import decorative_mark, quote_marks
from .geometry import PixelBox
from .layout import Layer, TextLayer
from .plan import CardSpec
from .scene import PlacedText, Scene, ink_bounds, row_left

__all__ = ["MAIN_TEXTS", "MIN_FONT_PX", "NEVER_CUT", "place_text"]

MIN_FONT_PX = 8  # no text is set smaller, whatever a layout's fractions give on a small canvas
MAIN_TEXTS = ("quote", "title")  # a card that cannot set these is no card; the rest may be left out
NEVER_CUT = ("quote", "attribution")  # someone's words and name: never shortened unless the user allows it
SHORT_WORDS, LONG_WORDS = 5, 15  # a layer's `grow` applies in full up to SHORT_WORDS, fading out by LONG_WORDS
MARK_TO_QUOTE = 2.4  # a decorative quote mark's size, as a multiple of the quote's, within its layer's range
# Between a name and its role: a comma (Latin, CJK, Arabic), an ideographic comma, a spaced dash.
ROLE_SEPARATOR = re.compile(r",\s|\u3001|\uff0c|\u060c\s?|\s[\u2013\u2014-]\s")
NAME_WORDS = 5  # a longer opening is not taken for a name


@dataclass
class Placed:
    texts: list[PlacedText] = field(default_factory=list)
    warnings: list[CardWarning] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_in: dict[str, list[str]] = field(default_factory=dict)  # layer source → its characters no font has


def place_text(scene: Scene) -> Placed:
    """Every text layer set at the largest size that fits its box, and where it goes.

    The main text (the quote, or a headline's title) is set first: the attribution is never set
    larger than the quote, and a decorative quote mark scales with it.
    """
    spec = scene.spec
    placed = Placed()
    texts = [(layer, text) for layer in scene.layers
             if isinstance(layer, TextLayer) and (text := _text_of(layer, spec, scene.mirror))]
    order = [layer for layer, _text in texts]
    for layer, text in sorted(texts, key=lambda pair: pair[0].source not in MAIN_TEXTS):
        box = scene.area(layer)
        if layer.literal:
            mark = _place_mark(layer, text, box, _sizes(layer, text, scene, placed), spec.lang)
            if mark is None:
                placed.warnings.append(_left_out(layer))
            else:
                placed.texts.append(mark)
            continue
        try:
            # Quote marks go round a quote: not round the title a quote layer falls back to.
            marks = layer.hang_quotes and not spec.own_marks and bool(fill(layer.source, spec.texts))
            block = _set(layer, text, box, _sizes(layer, text, scene, placed), spec.lang,
                         shorten=spec.allow_shortening or layer.source not in NEVER_CUT, marks=marks)
        except (typeset.ShapingUnavailable, typeset.DoesNotFit) as exc:
            exc.source = layer.source
            raise
        except ValueError:
            if layer.source in MAIN_TEXTS:
                raise
            placed.warnings.append(_left_out(layer))
            continue
        placed.texts.append(PlacedText(layer, block, box, _valign(layer.valign, box, block.height), scene.mirror))
        _note_problems(layer, block, placed)
    placed.texts.sort(key=lambda p: order.index(p.layer))  # drawn in the layout's order
    return placed


def _place_mark(layer: TextLayer, text: str, box: PixelBox, sizes: tuple[int, int], lang: str) -> PlacedText | None:
    """A decorative mark at the largest size in `sizes` whose ink fits the box, placed by its ink.

    A mark's line box says little about where it is drawn: “ sits at the cap height, « mid-line,
    「 in one half of its em. Its ink starts where the box does (on the reading side) and at its
    top, so every language's mark lines up with the text as “ does.
    """
    stack = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    size = sizes[1]
    while size >= sizes[0]:
        size, tried = size - max(1, size // 25), size  # in steps of 4 %: a mark's exact size is not seen
        try:
            block = typeset.set_text(text, stack, box.width, 10**6, tried, tried, line_height=1.0, max_lines=1,
                                     lang=lang)
        except ValueError:
            continue  # its line is wider than the box at this size
        x0, y0, x1, y1 = ink_bounds(block, lang)
        if x1 - x0 <= box.width and y1 - y0 <= box.height:
            row = block.rows[0]
            start = row_left(box, block, row, layer.align, block.rtl) + row.pieces[-1].x
            dx = round(box.left - (start + x0)) if not block.rtl else round(box.right - (start + x1))
            top = box.top - block.ascent - round(y0)
            return PlacedText(layer, block, box._replace(left=box.left + dx, right=box.right + dx), top)
    return None


def _sizes(layer: TextLayer, text: str, scene: Scene, placed: Placed) -> tuple[int, int]:
    """The smallest and largest px size `layer` (its `text`) may be set at on this canvas.

    A quote is never set under the platform's legible floor (it steps down instead); a short one
    may grow past the layer's top size (`grow`), so four words do not sit small in an empty card;
    an attribution stays at or under the quote's size; a decorative mark follows the quote.
    """
    spec = scene.spec
    safe = spec.platform.safe_box
    short_side = min(safe.width, safe.height)
    low, high = (max(MIN_FONT_PX, round(f * short_side)) for f in layer.size)
    quote = next((p.block.size for p in placed.texts if p.layer.source == "quote"), None)
    if layer.source == "quote":
        low = max(low, spec.platform.legible_px)
        high = max(low, round(high * _growth(layer, text, spec.lang)))
    elif layer.source == "title":
        high = round(high * _growth(layer, text, spec.lang))
    elif layer.source == "attribution" and quote:
        low, high = min(low, quote), min(high, quote)  # who said it never outweighs what was said
    elif layer.literal and quote:
        high = max(low, min(high, round(quote * MARK_TO_QUOTE)))
    return low, high


def _growth(layer: TextLayer, text: str, lang: str) -> float:
    """How far past its top size a text of this many words may be set: all of `grow` for a few
    words, none from LONG_WORDS on."""
    if layer.grow <= 1 or not text:
        return 1.0
    words = len(linebreak.segments(text, linebreak.locale_for(text, lang)))
    share = min(1.0, max(0.0, (LONG_WORDS - words) / (LONG_WORDS - SHORT_WORDS)))
    return 1 + (layer.grow - 1) * share


def _left_out(layer: TextLayer) -> CardWarning:
    if layer.literal:
        return CardWarning(Kind.DECORATION_LEFT_OUT, f"decorative {layer.literal!r} left out: its box is too small "
                                                     "on this canvas")
    return CardWarning(Kind.TEXT_LEFT_OUT, f"{layer.source} left out: it does not fit its box on this canvas")


def _note_problems(layer: TextLayer, block: typeset.Block, placed: Placed) -> None:
    if block.shortened:
        placed.warnings.append(CardWarning(Kind.SHORTENED, f"{layer.source} shortened to fit its box at the "
                                                           "smallest size"))
    missing = list(dict.fromkeys(block.missing))
    if missing:
        placed.missing.extend(ch for ch in missing if ch not in placed.missing)
        placed.missing_in.setdefault(layer.source, missing)
        placed.warnings.append(CardWarning(Kind.MISSING_GLYPHS, f"{layer.source}: {fonts.missing_summary(missing)}"))


def _text_of(layer: Layer, spec: CardSpec, rtl: bool) -> str:
    if not isinstance(layer, TextLayer):
        return ""
    if layer.literal:
        # A decorative mark follows the language's quotation marks (« in French, 「 in Japanese);
        # on a right-to-left card a right-to-left mark makes it mirror as the quote's own does.
        mark = decorative_mark(spec.lang, rtl) if layer.literal == "\u201c" else layer.literal
        return "\u200f" + mark if rtl else mark
    if layer.source == "attribution" and spec.kind == "quote":
        return fill(layer.source, spec.texts)  # a quote no one is named for is signed by no one
    return fill(layer.source, spec.texts) or (fill(layer.fallback, spec.texts) if layer.fallback else "")


def fill(source: str, texts: dict[str, str]) -> str:
    """A field's text, or a template's with every field it names filled; "" when any is empty."""
    if "{" not in source:
        return texts.get(source, "")
    values = {name: texts.get(name, "") for _t, name, _s, _c in string.Formatter().parse(source) if name}
    return source.format_map(values) if all(values.values()) else ""


def _set(layer: TextLayer, text: str, box: PixelBox, sizes: tuple[int, int], lang: str,
         shorten: bool = True, marks: bool = False) -> typeset.Block:
    stack = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    hang = closing = ""
    if marks:
        hang, closing = quote_marks(lang, textruns.bidi_levels(text)[1])
    return typeset.set_text(
        text,
        stack,
        box_width=box.width,
        box_height=box.height,
        min_size=sizes[0],
        max_size=sizes[1],
        line_height=layer.line_height,
        hang=hang,
        max_lines=layer.max_lines,
        lang=lang,
        tail=closing,
        shorten=shorten,
        opens_with_name=layer.source in ("attribution", "byline", "author"),  # "Oksana | Petrenko" must not happen
        styles=_name_first(layer, text, lang) if layer.source == "attribution" else (),
    )


def _name_first(layer: TextLayer, text: str, lang: str) -> textruns.Styles:
    """An attribution with its name in the layer's face and its role, before or after it, in the
    face 200 lighter ("Ayşe Çelik, launch director"; "Azerbaijani president, Ilham Aliyev, on …"),
    so the name reads first; nothing when the two cannot be told apart."""
    parts, at = [], 0
    for match in [*ROLE_SEPARATOR.finditer(text), None]:
        end = match.start() if match else len(text)
        parts.append((at, end))
        at = match.end() if match else at
    name = next(((a, b) for a, b in parts if _looks_like_name(text[a:b])), None)
    if len(parts) < 2 or name is None or layer.face.weight < 500:
        return ()
    try:
        lighter = fonts.find_face(layer.face.family, layer.face.weight - 200, italic=layer.face.italic, system=True)
    except fonts.FontError:
        return ()
    if lighter.weight >= layer.face.weight:
        return ()
    light = fonts.stack_for(lighter, fonts.cjk_variant(text, lang))
    strong = fonts.stack_for(layer.face, fonts.cjk_variant(text, lang))
    return ((0, light), (name[0], strong), (name[1], light)) if name[0] else ((name[1], light),)


def _looks_like_name(part: str) -> bool:
    """A few words, no digits, each word capitalised where its script has capitals (a role is
    written in lower case: "launch director"; a script without capitals cannot tell, and the
    first part is taken)."""
    words = part.split()
    if not 1 <= len(words) <= NAME_WORDS or any(ch.isdigit() for ch in part):
        return False
    return all(not word[:1].islower() for word in words)


def _valign(valign: str, box: PixelBox, block_height: int) -> int:
    if valign == "bottom":
        return box.bottom - block_height
    if valign == "center":
        return box.top + (box.height - block_height) // 2
    return box.top
