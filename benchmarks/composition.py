"""Composition's cost: photo cards now against the same cards at an earlier commit, and the share
of a card's time spent seeing the photo (face detection, the salient region) and composing it.

    python benchmarks/composition.py [--before d5f9fc7] [--rounds 5]

The material is real photos: the sample photographs (samples/images: a cat, a cup, a rocket, a
field of galaxies) and the people corpus (tests/corpus/people: portraits, a panel of two, a
small face in a wide scene, a blank bright photo), each with a 20-word quote on the photo layout's
og card: decode, render, encode, as `benchmarks/run.py` times one card, made five times in a row
and the fastest counted. Every card decodes its photo afresh, so each pays for its own detection
(a run that shows one photo on several canvases pays once). The earlier commit is unpacked with
`git archive` and both run in their own processes, alternating round by round; printed are the
medians over photos and rounds, and their ratio. Then the same posts as a real run makes them:
`render_posts` on every platform (what `quotecards render --platform all` does, encoder threads
and files included), its wall time per card.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REPEATS = 5  # each card is made this many times in a round, and its fastest counted
QUOTE = "We trained for years for nine minutes of flight, and every one of those minutes was worth the wait."


MATERIAL = {"sample photographs": "samples/images", "people corpus": "tests/corpus/people"}


def photos(root: Path) -> list[Path]:
    return [path for folder in MATERIAL.values() for path in sorted((root / folder).glob("*.jpg"))]


def cards(code: Path, material: Path) -> dict[str, list[float]]:
    """One round: every photo's og card made by the quotecards at `code`; ms per card, and (where
    the code has them) ms seeing and composing."""
    sys.path.insert(0, str(code))
    from quotecards.draw import photo, render
    from quotecards.draw.layout import find_layout, load_layout
    from quotecards.draw.plan import plan_card
    from quotecards.draw.platforms import PLATFORMS
    from quotecards.encode import export
    from quotecards.sources.post import Post
    from quotecards.text import typeset

    layout = load_layout(find_layout("photo"))
    post = Post(source=HERE / "b.md", slug="b", quote=QUOTE, attribution="Eileen Collins, pilot", citation="",
                image="x", image_alt="", title="", description="", date=None, section="")
    spec = plan_card(post, layout, PLATFORMS["og"])
    stages = _watch(render)
    out: dict[str, list[float]] = {}
    for path in photos(material):
        data = path.read_bytes()
        best: dict[str, float] = {}
        for _repeat in range(REPEATS):  # the best of a few: a shared machine's hiccups are not the card's
            typeset.measure.cache_clear()
            before = dict(stages)
            start = time.perf_counter()
            picture = photo.decode(data, target=(1200, 630))
            card = render.render(spec, picture)
            export.encode(card.image, PLATFORMS["og"].max_bytes)
            spent = {"card": time.perf_counter() - start,
                     **{name: stages.get(name, 0.0) - before.get(name, 0.0) for name in ("see", "compose")}}
            best = {name: min(best.get(name, spent[name]), spent[name]) for name in spent}
        group = next(name for name, folder in MATERIAL.items() if path.parent == material / folder)
        for name, seconds in best.items():
            out.setdefault(f"{group}/{name}", []).append(seconds * 1000)
    return out


def posts(code: Path, material: Path, folder: Path) -> dict[str, list[float]]:
    """One round of `quotecards render --platform all` (the library's render_posts, as the CLI
    runs it) over one post per photo: ms per card, the run's wall time over the cards it made."""
    sys.path.insert(0, str(code))
    from quotecards.cards import RenderOptions, render_posts
    from quotecards.sources.fetched import FetchOptions

    out: dict[str, list[float]] = {}
    for group, sub in MATERIAL.items():
        sources = []
        for i, path in enumerate(sorted((material / sub).glob("*.jpg"))):
            post = folder / f"{sub.replace('/', '-')}-{i}.md"
            post.write_text(f"---\ntitle: Post {i}\nfeatured_image: {path}\nfeatured_quote:\n  quote: {QUOTE}\n"
                            "  summary: Eileen Collins, pilot\n---\n", encoding="utf-8")
            sources.append(post)
        options = RenderOptions(out_dir=folder / "out", platforms=("all",), fetch=FetchOptions(roots=(material,)))
        render_posts(sources[:1], options)  # warm: fonts, the detector
        start = time.perf_counter()
        result = render_posts(sources, options)
        out[f"{group}/all platforms"] = [(time.perf_counter() - start) * 1000 / len(result.cards)]
    return out


def _watch(render_module: object) -> dict[str, float]:
    """Stopwatches around the composition stages render() calls, where this code has them:
    looking at the photo (subjects.see) and composing the card (compose.compose)."""
    spent: dict[str, float] = {}
    for name in ("see", "compose"):
        function = getattr(render_module, name, None)
        if function is None:
            continue

        def timed(*args: object, _f: object = function, _n: str = name, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return _f(*args, **kwargs)  # type: ignore[operator]
            finally:
                spent[_n] = spent.get(_n, 0.0) + time.perf_counter() - start

        setattr(render_module, name, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="d5f9fc7", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "CODE", "MATERIAL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, code, material = args.child
        if kind == "cards":
            print(json.dumps(cards(Path(code), Path(material))))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                print(json.dumps(posts(Path(code), Path(material), Path(tmp))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        results: dict[str, dict[str, list[float]]] = {"before": {}, "now": {}}
        for round_ in range(args.rounds + 1):  # the first round warms the fonts' caches and is not counted
            order = [("before", old), ("now", ROOT)]
            for name, code in order if round_ % 2 else order[::-1]:
                for kind in ("cards", "posts"):
                    run = subprocess.run([sys.executable, __file__, "--child", kind, str(code), str(ROOT)],
                                         check=True, capture_output=True, text=True)
                    if round_:
                        for key, values in json.loads(run.stdout).items():
                            results[name].setdefault(key, []).extend(values)
    print(f"{len(photos(ROOT))} photos × {args.rounds} rounds, og cards on the photo layout, alternating processes")
    for group in MATERIAL:
        before = statistics.median(results["before"][f"{group}/card"])
        now = statistics.median(results["now"][f"{group}/card"])
        print(f"  {group}: before ({args.before}) {before:.1f} ms/card, now {now:.1f} ms/card: "
              f"{now / before:.3f}x the time")
        for stage in ("see", "compose"):
            spent = statistics.median(results["now"][f"{group}/{stage}"])
            print(f"    {stage}: median {spent:.1f} ms/card ({spent / now:.0%} of a card)")
        before = statistics.median(results["before"][f"{group}/all platforms"])
        now = statistics.median(results["now"][f"{group}/all platforms"])
        print(f"    render --platform all, wall time per card: before {before:.1f} ms, now {now:.1f} ms: "
              f"{now / before:.3f}x")


if __name__ == "__main__":
    main()
