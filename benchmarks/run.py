"""Card benchmark: quotecards against a naive Pillow script, on the same posts, in the same run.

    python benchmarks/run.py [--material real|synthetic] [--posts 24] [--rounds 3]

`real` (the default): the sample posts' CC0 photographs (samples/images: a cat's fur, a cup on a
table, a rocket against the sky, a field of galaxies) shared round-robin by the posts, with quotes
in the test corpus's seventeen languages and scripts at three lengths. `synthetic`: distinct
2400×1600 JPEGs drawn here (soft shapes and noise) and English quotes. The two engines alternate
card by card; printed are medians and ratios: cards per second per core, milliseconds per stage,
bytes per card, per photo the PNG writer's strategy and time, the peak memory of a process that
renders the corpus, and how a two-worker `build` scales against one worker. If Node.js with the
`satori` and `@resvg/resvg-js` packages is installed, satori's figure is printed too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import naive  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from quotecards.build.batch import BuildOptions, build  # noqa: E402
from quotecards.cards import RenderOptions  # noqa: E402
from quotecards.draw import focus, photo  # noqa: E402
from quotecards.draw import render as render_module  # noqa: E402
from quotecards.draw.layout import find_layout, load_layout  # noqa: E402
from quotecards.draw.plan import plan_card  # noqa: E402
from quotecards.draw.platforms import PLATFORMS  # noqa: E402
from quotecards.encode import export, png  # noqa: E402
from quotecards.sources.fetch import FetchOptions  # noqa: E402
from quotecards.sources.post import Post  # noqa: E402
from quotecards.text import typeset  # noqa: E402

WORDS = ("the city will open every library at night because students nurses and workers need a quiet room "
         "with light and we promised them that in the spring after the council voted for it").split()


def make_photo(seed: int) -> bytes:
    """A 2400×1600 JPEG with soft shapes and detail: decodes and compresses like a photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", (2400, 1600), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(250):
        x, y, r = rng.randrange(2400), rng.randrange(1600), rng.randrange(20, 320)
        draw.ellipse((x, y, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((2400, 1600), 18).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


Item = tuple[Path, str, str, str]  # photo, quote, attribution, language


def corpus(folder: Path, posts: int, photos: int) -> list[Item]:
    """Synthetic: distinct drawn photos and English quotes of 30 words."""
    rng = random.Random(7)
    images = []
    for i in range(photos):
        path = folder / f"photo-{i}.jpg"
        path.write_bytes(make_photo(i))
        images.append(path)
    out = []
    for i in range(posts):
        quote = " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "."
        out.append((images[i % photos], quote, f"Person {i}, who said it", "en"))
    return _write_posts(folder, out)


def real_corpus(folder: Path, posts: int) -> list[Item]:
    """Real: the sample photographs, and the test corpus's quotes in every script at three
    lengths (its own, its first six words, twice over)."""
    images = []
    for source in sorted((ROOT / "samples/images").glob("*.jpg")):
        images.append(folder / source.name)
        shutil.copyfile(source, images[-1])
    quotes = tomllib.loads((ROOT / "tests/corpus/multilingual.toml").read_text("utf-8"))["quote"]
    out = []
    for i in range(posts):
        entry = quotes[i % len(quotes)]
        words = entry["quote"].split()
        quote = [entry["quote"], " ".join(words[:6]) if len(words) > 8 else entry["quote"],
                 f"{entry['quote']} {entry['quote']}"][i // len(quotes) % 3]
        out.append((images[i % len(images)], quote, entry.get("attribution", "Someone"), entry["lang"]))
    return _write_posts(folder, out)


def _write_posts(folder: Path, items: list[Item]) -> list[Item]:
    for i, (image, quote, attribution, lang) in enumerate(items):
        (folder / f"post-{i}.md").write_text(
            f"---\ntitle: Post {i}\nlang: {lang}\nfeatured_image: {image.name}\nfeatured_quote:\n"
            f"  quote: {json.dumps(quote, ensure_ascii=False)}\n"
            f"  summary: {json.dumps(attribution, ensure_ascii=False)}\n---\n", encoding="utf-8")
    return items


class Strategies:
    """The PNG writer's final deflate (zlib level and strategy) of each card, by photo: watched by
    wrapping the writer's deflate, as a benchmark may."""

    NAMES = {0: "matching", 2: "Huffman only", 3: "run-length"}

    def __init__(self) -> None:
        self.last = ""
        self.real = png._deflate

    def __enter__(self) -> Strategies:
        def watched(data, level, strategy):  # type: ignore[no-untyped-def]
            self.last = f"{self.NAMES.get(strategy, strategy)} (level {level})"
            return self.real(data, level, strategy)
        png._deflate = watched
        return self

    def __exit__(self, *_exc: object) -> None:
        png._deflate = self.real


def quotecards_card(photo_bytes: bytes, quote: str, attribution: str, layout, timings: dict[str, float],  # type: ignore[no-untyped-def]
                    lang: str = "en") -> bytes:
    """One card through the library: decode, render (crop, scrim, typeset, contrast, draw), encode."""
    t = timings
    typeset.measure.cache_clear()  # no help from an earlier card's measurements
    typeset.ink_extent.cache_clear()
    start = time.perf_counter()
    picture = photo.decode(photo_bytes, target=(1200, 630))
    t["decode"] = t.get("decode", 0) + time.perf_counter() - start
    post = Post(source=HERE / "b.md", slug="b", quote=quote, attribution=attribution, citation="", image="x",
                image_alt="", title="", description="", date=None, section="", lang=lang)
    spec = plan_card(post, layout, PLATFORMS["og"])
    start = time.perf_counter()
    card = render_module.render(spec, picture)
    t["render"] = t.get("render", 0) + time.perf_counter() - start
    start = time.perf_counter()
    data = export.encode(card.image, PLATFORMS["og"].max_bytes).data
    t["encode"] = t.get("encode", 0) + time.perf_counter() - start
    return data


def render_stages(photo_bytes: bytes, quote: str, attribution: str, layout, lang: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """What render() spends its time on (ms), timed inside one real render: each stage's
    functions are wrapped with a stopwatch for the call and put back after."""
    picture = photo.decode(photo_bytes, target=(1200, 630))
    post = Post(source=HERE / "b.md", slug="b", quote=quote, attribution=attribution, citation="", image="x",
                image_alt="", title="", description="", date=None, section="", lang=lang)
    spec = plan_card(post, layout, PLATFORMS["og"])
    stages = {"crop": [(focus, "auto_focus"), (photo, "cover")], "scrim": [(render_module, "_scrim")],
              "typeset": [(render_module, "place_text")], "contrast": [(render_module, "_extra_scrim"),
                                                                 (render_module, "_worst_contrast")],
              "draw": [(render_module, "_draw_block")]}
    out = dict.fromkeys(stages, 0.0)
    originals = []

    def stopwatch(stage, function):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                out[stage] += time.perf_counter() - start
        return timed

    for stage, functions in stages.items():
        for module, name in functions:
            originals.append((module, name, getattr(module, name)))
            setattr(module, name, stopwatch(stage, getattr(module, name)))
    typeset.measure.cache_clear()
    typeset.ink_extent.cache_clear()
    try:
        render_module.render(spec, picture)
    finally:
        for module, name, function in originals:
            setattr(module, name, function)
    return {k: v * 1000 for k, v in out.items()}


def memory_of(engine: str, folder: Path) -> float:
    """Peak resident memory (MB) of a fresh process rendering the whole corpus with `engine`."""
    code = f"""
import resource, sys
sys.path.insert(0, {str(HERE.parent)!r}); sys.path.insert(0, {str(HERE)!r})
from pathlib import Path
folder = Path({str(folder)!r})
if {engine!r} == 'naive':
    import naive
    for post in sorted(folder.glob('post-*.md')):
        text = post.read_text(); image = folder / text.split('featured_image: ')[1].split()[0]
        naive.card(image.read_bytes(), 'quote ' * 30, 'someone')
else:
    from quotecards.cards import RenderOptions, render_posts
    from quotecards.sources.fetch import FetchOptions
    render_posts(sorted(folder.glob('post-*.md')),
                 RenderOptions(out_dir=folder / 'mem-out', fetch=FetchOptions(roots=(folder,))))
# ru_maxrss survives exec(): a child forked from this big process would report its size.
# VmHWM belongs to the new address space, so it is the child's own peak (Linux).
try:
    print(next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')) / 1024)
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def satori_figure(items: list[Item], folder: Path, quotecards_ms: float) -> str:
    """satori + resvg on the same posts, if Node.js and the two packages are installed here."""
    node = shutil.which("node")
    if not node:
        return "satori: not measured (Node.js not installed)"
    probe = subprocess.run([node, "-e", "require('satori'); require('@resvg/resvg-js')"], capture_output=True,
                           cwd=HERE)
    if probe.returncode != 0:
        return "satori: not measured (run `npm install satori @resvg/resvg-js` in benchmarks/ to compare)"
    jobs = folder / "satori-jobs.json"
    jobs.write_text(json.dumps([{"photo": str(p), "quote": q, "attribution": a} for p, q, a, _lang in items]))
    subprocess.run([node, str(HERE / "satori_cards.mjs"), str(jobs)], capture_output=True, check=True)  # warm-up
    result = json.loads(subprocess.run([node, str(HERE / "satori_cards.mjs"), str(jobs)], capture_output=True,
                                       text=True, check=True).stdout)
    ms = statistics.median(result["times"])
    return (f"satori + resvg (same posts, run after): median {ms:.1f} ms/card, "
            f"{statistics.mean(result['bytes']) / 1024:.0f} KB/card; quotecards is {ms / quotecards_ms:.1f}x its rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--material", choices=("real", "synthetic"), default="real")
    parser.add_argument("--posts", type=int, default=24)
    parser.add_argument("--photos", type=int, default=0,
                        help="synthetic: distinct photos, shared round-robin by the posts [default: one per post]")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    layout = load_layout(find_layout("photo"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        items = (real_corpus(folder, args.posts) if args.material == "real"
                 else corpus(folder, args.posts, args.photos or args.posts))
        photos = {path: path.read_bytes() for path, _q, _a, _l in items}
        times: dict[str, list[float]] = {"naive": [], "quotecards": []}
        sizes: dict[str, list[int]] = {"naive": [], "quotecards": []}
        stages: dict[str, dict[str, float]] = {"naive": {}, "quotecards": {}}
        by_photo: dict[str, dict[str, list]] = {}  # type: ignore[type-arg]
        quotecards_card(photos[items[0][0]], items[0][1], items[0][2], layout, {})  # warm-up: fonts, ICU
        naive.card(photos[items[0][0]], items[0][1], items[0][2], {})
        with Strategies() as strategies:
            for round_ in range(args.rounds):
                for i, (path, quote, attribution, lang) in enumerate(items):
                    engines = [("naive", lambda p=path, q=quote, a=attribution: naive.card(photos[p], q, a,
                                                                                          stages["naive"])),
                               ("quotecards", lambda p=path, q=quote, a=attribution, lg=lang: quotecards_card(
                                   photos[p], q, a, layout, stages["quotecards"], lg))]
                    for name, run in engines if (i + round_) % 2 == 0 else engines[::-1]:
                        before = dict(stages[name])
                        start = time.perf_counter()
                        data = run()
                        times[name].append(time.perf_counter() - start)
                        sizes[name].append(len(data))
                        mine = by_photo.setdefault(path.name, {"naive": [], "quotecards": [], "how": []})
                        mine[name].append((stages[name]["encode"] - before.get("encode", 0), len(data)))
                        if name == "quotecards":
                            mine["how"].append(strategies.last)
        cards = len(items) * args.rounds
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        parts = [render_stages(photos[p], q, a, layout, lang) for p, q, a, lang in items]
        inside = {k: statistics.median(part[k] for part in parts) for k in parts[0]}
        if args.material == "real":
            print(f"{len(items)} posts × {args.rounds} rounds, 1200×630 cards from the {len(photos)} sample "
                  f"photographs, quotes in {len({lang for *_x, lang in items})} languages at three lengths, "
                  "alternating engines, one process")
        else:
            print(f"{len(items)} posts × {args.rounds} rounds, 1200×630 cards from 2400×1600 drawn JPEGs, "
                  "alternating engines, one process")
        for name in ("naive", "quotecards"):
            breakdown = ", ".join(f"{stage} {1000 * total / cards:.1f}" for stage, total in stages[name].items()
                                  if not stage.startswith("_"))
            print(f"  {name:10}  median {med[name]:6.1f} ms/card  {1000 / med[name]:5.1f} cards/s per core  "
                  f"{statistics.mean(sizes[name]) / 1024:6.0f} KB/card")
            print(f"              ms per card by stage: {breakdown}")
            if name == "quotecards":
                print("              inside render: " + ", ".join(f"{k} {v:.1f}" for k, v in inside.items()) +
                      f" (the rest, {stages[name]['render'] / cards * 1000 - sum(inside.values()):.1f}: "
                      "composing layers, copies)")
        print("  by photo: | photo | PNG writer's deflate | encode ms (quotecards / naive) | KB (quotecards / naive) |")
        for name, mine in sorted(by_photo.items()):
            how = max(set(mine["how"]), key=mine["how"].count)
            ours, theirs = mine["quotecards"], mine["naive"]
            print(f"    | {name[:24]} | {how} | {statistics.median(t for t, _ in ours) * 1000:.0f} / "
                  f"{statistics.median(t for t, _ in theirs) * 1000:.0f} | "
                  f"{statistics.mean(b for _, b in ours) / 1024:.0f} / "
                  f"{statistics.mean(b for _, b in theirs) / 1024:.0f} |")
        print(f"  ratio: quotecards makes {med['naive'] / med['quotecards']:.1f}x the naive script's cards per "
              "second per core; its PNGs are "
              f"{statistics.mean(sizes['quotecards']) / statistics.mean(sizes['naive']):.3f}x "
              f"the size")
        print(f"  peak memory of a process rendering the corpus: naive {memory_of('naive', folder):.0f} MB, "
              f"quotecards {memory_of('quotecards', folder):.0f} MB")
        # Each worker count built twice, alternating, and the better of each pair counts: one
        # hiccup of a shared machine should not decide the ratio.
        rates: dict[int, float] = {1: 0.0, 2: 0.0}
        for round_ in range(2):
            for jobs in (1, 2):
                options = BuildOptions(render=RenderOptions(out_dir=folder / f"build-{jobs}-{round_}",
                                                            fetch=FetchOptions(roots=(folder,))), jobs=jobs)
                start = time.perf_counter()
                summary = build(folder, options)
                rates[jobs] = max(rates[jobs], summary.made / (time.perf_counter() - start))
        print(f"  build: 1 worker {rates[1]:.1f} cards/s, 2 workers {rates[2]:.1f} cards/s "
              f"({rates[2] / rates[1]:.2f}x; {os.cpu_count()} cores)")
        print("  " + satori_figure(items, folder, med["quotecards"]))


if __name__ == "__main__":
    main()
