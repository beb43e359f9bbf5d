"""Typesetting benchmark: layouts per second for a 30-word quote, against a naive setter.

    python benchmarks/typeset.py [--rounds N]

The naive setter is what a first script does: try every size from the largest down, wrap
greedily by measuring the growing line, stop at the first size that fits. Both use the same
fonts, loaded once (so the comparison is the algorithms, not font loading), and both get a
different quote each round so neither lives off a warm measurement cache. Rounds alternate
between the two. The last lines put typesetting beside the whole card: fitting must not
dominate the card's time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quotecards.draw.layout import find_layout, load_layout  # noqa: E402
from quotecards.draw.plan import plan_card  # noqa: E402
from quotecards.draw.platforms import get_platform  # noqa: E402
from quotecards.draw.render import render  # noqa: E402
from quotecards.sources.post import Post  # noqa: E402
from quotecards.text import fonts, typeset  # noqa: E402

WORDS = ("the city will open every library at night because students nurses and workers need a quiet "
         "room with light and we promised them that in the spring of this year after the council "
         "voted for it with a large majority despite the cost").split()
BOX = (1020, 400)
SIZES = (27, 79)  # what the photo layout asks for on a 1200×630 card


def quotes(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "." for _ in range(n)]


def naive(text: str, face: fonts.Face) -> tuple[int, list[str]]:
    for size in range(SIZES[1], SIZES[0] - 1, -1):
        font = fonts.load(face, size)
        lines, line = [], ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if font.getlength(trial) <= BOX[0]:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
        ascent, descent = font.getmetrics()
        if ascent + descent + (len(lines) - 1) * round(size * 1.15) <= BOX[1] and all(lines):
            return size, lines
    return SIZES[0], lines


def ours(text: str, stack: tuple[fonts.Face, ...]) -> tuple[int, list[str]]:
    block = typeset.set_text(text, stack, BOX[0], BOX[1], SIZES[0], SIZES[1])
    return block.size, list(block.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    face = fonts.find_face("Noto Serif Display", 600)
    stack = fonts.stack_for(face)
    texts = quotes(args.rounds)
    ours(texts[0], stack), naive(texts[0], face)  # warm-up: fonts loaded, ICU rules compiled
    times: dict[str, list[float]] = {"naive": [], "quotecards": []}
    sizes: dict[str, list[int]] = {"naive": [], "quotecards": []}
    for i, text in enumerate(texts):
        order = [("naive", lambda t=text: naive(t, face)), ("quotecards", lambda t=text: ours(t, stack))]
        for name, run in order if i % 2 == 0 else order[::-1]:
            typeset.measure.cache_clear()
            typeset.ink_extent.cache_clear()
            start = time.perf_counter()
            size, _lines = run()
            times[name].append(time.perf_counter() - start)
            sizes[name].append(size)

    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"typesetting a 30-word quote into {BOX[0]}x{BOX[1]} px, sizes {SIZES[0]}-{SIZES[1]}, "
          f"{args.rounds} rounds alternating")
    for name in ("naive", "quotecards"):
        print(f"  {name:11} median {med[name]:7.2f} ms  {1000 / med[name]:7.0f} layouts/s  "
              f"mean size {statistics.mean(sizes[name]):.1f} px")
    print(f"  ratio: quotecards sets {med['naive'] / med['quotecards']:.2f}x as many layouts/s as the naive setter")
    print("  (quotecards also balances lines, keeps names whole, falls back per character and "
          "applies bidi; the naive setter does none of that)")

    # Typesetting within a whole card (fallback background, no PNG encoding).
    layout = load_layout(find_layout("photo"))
    card_times, set_times = [], []
    for text in texts[:40]:
        post = Post(source=Path("b.md"), slug="b", quote=text, attribution="A. Person, Somewhere", citation="",
                    image=None, image_alt="", title="", description="", date=None, section="")
        spec = plan_card(post, layout, get_platform("og"))
        typeset.measure.cache_clear()
        start = time.perf_counter()
        render(spec, None)
        card_times.append(time.perf_counter() - start)
        typeset.measure.cache_clear()
        start = time.perf_counter()
        ours(spec.texts["quote"], stack)
        set_times.append(time.perf_counter() - start)
    card, fit = statistics.median(card_times) * 1000, statistics.median(set_times) * 1000
    print(f"  whole card render (no encode) median {card:.1f} ms, of which fitting the quote {fit:.1f} ms "
          f"({fit / card:.0%})")


if __name__ == "__main__":
    main()
