"""Where people wait: one card as a whole process, and every platform for a post.

    python benchmarks/startup.py [--rounds 7]

1. `quotecards render POST --out DIR` (a local photo, the og card) against a plain Pillow script
   doing the least a card needs (read the front matter, decode and resize the photo, wrap and draw
   the quote, save a PNG), each as a fresh process, alternating, with a warm font-facts store and
   compiled bytecode (as an installed package has): median seconds, peak memory, the ratio.
   Then where the card's process spends its time: milliseconds from the interpreter's start to
   each stage's end, in the fastest of the rounds (a run of one canvas imports no numpy: where a
   run does, an encoder thread imports it while the first card is drawn).
2. A site build's hook on one changed post: `quotecards build` of the 22 sample posts, the cards
   of the other 21 already made, each round with one post's attribution changed, as a fresh
   process; against the naive script's one card in the same rounds.
3. In one process, steady state: the sample posts with photos × og, and × every platform, with the
   cards encoded in line and on two threads: seconds and the ratio of all to og.

Figures go to benchmarks/RESULTS.md by hand, with the date and the machine.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

POST = ROOT / "samples/posts/launch-day.md"
PHOTO_POSTS = ("launch-day", "roastery", "shelter-cat", "deep-field", "spacewalk")

NAIVE = f"""
import sys, frontmatter
from PIL import Image, ImageDraw, ImageFont
post = frontmatter.load(sys.argv[1])
quote = post["featured_quote"]["quote"]
card = Image.open({str(ROOT / "samples/images/rocket.jpg")!r}).convert("RGB").resize((1200, 630))
draw = ImageDraw.Draw(card)
font = ImageFont.truetype({str(ROOT / "fonts/NotoSerifDisplay-SemiBold.ttf")!r}, 48)
lines, line = [], ""
for word in quote.split():
    trial = (line + " " + word).strip()
    if draw.textlength(trial, font=font) > 1000:
        lines.append(line)
        line = word
    else:
        line = trial
lines.append(line)
for i, text in enumerate(lines):
    draw.text((100, 150 + i * 60), text, font=font, fill="white")
card.save(sys.argv[2] + "/naive.png")
"""


# The card's process with a clock at each stage's end (wrapped here, not in the package).
STAGES = """
import sys, time
start = time.perf_counter()
marks = {}
def mark(name):
    marks.setdefault(name, (time.perf_counter() - start) * 1000)
def after(module, name, label):
    original = getattr(module, name)
    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        mark(label)
        return result
    setattr(module, name, wrapped)
from quotecards.cli import main
mark("CLI imported")
from quotecards import cards
from quotecards.encode import export, png
from quotecards.draw import photo
mark("card modules imported")
after(photo, "decode", "photo decoded")
after(cards, "compose_card", "card drawn")
after(export, "encode", "PNG made")
after(png, "load", "numpy and zlib-ng imported (encoder thread)")
sys.argv = ["quotecards", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
mark("done")
print(repr(marks))
"""


def stages(rounds: int, env: dict[str, str], post_args: list[str]) -> None:
    runs = []
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", STAGES, *post_args], env=env, capture_output=True, text=True,
                              check=True)
        runs.append(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
    fastest = min(runs, key=lambda marks: marks["done"])
    print("| stage of one og card's process, fastest round | ms from the start |")
    print("|---|---|")
    for name, ms in sorted(fastest.items(), key=lambda item: item[1]):
        print(f"| {name} | {ms:.0f} |")
    print()


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KB) of one process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command[:3]} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return elapsed, usage.ru_maxrss


def print_runs(title: str, runs: dict[str, list[tuple[float, int]]]) -> None:
    """A table of each command's median seconds and peak memory."""
    print(f"| {title} | median s | peak MB |")
    print("|---|---|---|")
    for name, results in runs.items():
        print(f"| {name} | {statistics.median(t for t, _ in results):.3f} | "
              f"{statistics.median(m for _, m in results) / 1024:.0f} |")


def whole_process(rounds: int) -> None:
    compileall.compile_dir(ROOT / "quotecards", quiet=1)  # as `pip install` leaves it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        ours = [sys.executable, "-m", "quotecards", "render", str(POST), "--out", tmp, "--site-root", str(ROOT)]
        naive = [sys.executable, "-c", NAIVE, str(POST), tmp]
        timed(ours, env)  # warms the font-facts store, as any earlier run on the machine has
        runs: dict[str, list[tuple[float, int]]] = {"quotecards": [], "naive script": []}
        for _ in range(rounds):
            runs["quotecards"].append(timed(ours, env))
            runs["naive script"].append(timed(naive, env))
    print_runs("one og card, whole process", runs)
    ratio = statistics.median(t for t, _ in runs["quotecards"]) / statistics.median(t for t, _ in runs["naive script"])
    print(f"\nquotecards / naive: {ratio:.2f}×\n")
    with tempfile.TemporaryDirectory() as tmp:
        stages(rounds, env, ["render", str(POST), "--out", tmp, "--site-root", str(ROOT)])


def one_changed_post(rounds: int) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        shutil.copytree(ROOT / "samples/posts", site / "posts")
        shutil.copytree(ROOT / "samples/images", site / "images")  # the posts' ../images/
        build = [sys.executable, "-m", "quotecards", "build", str(site / "posts"), "--out", str(site / "out"),
                 "--offline", "--no-store", "--site-root", str(site)]
        naive = [sys.executable, "-c", NAIVE, str(POST), tmp]
        timed(build, env)  # every card made once, as the site's last build left them
        changed = site / "posts/library-hours.md"
        original = changed.read_text(encoding="utf-8")
        runs: dict[str, list[tuple[float, int]]] = {"quotecards build, one post of 22 changed": [],
                                                      "naive script, one card": []}
        for round_ in range(rounds):
            changed.write_text(original.replace("head librarian", f"head librarian ({round_})"), encoding="utf-8")
            runs["quotecards build, one post of 22 changed"].append(timed(build, env))
            runs["naive script, one card"].append(timed(naive, env))
    print_runs("a build hook, whole process", runs)
    print()


def every_platform(rounds: int) -> None:
    from quotecards.cards import RenderOptions, render_post
    from quotecards.context import RunContext
    from quotecards.sources.fetch import FetchOptions
    from quotecards.sources.post import read_post

    posts = [read_post(ROOT / "samples/posts" / f"{name}.md") for name in PHOTO_POSTS]
    print("| sample posts with photos, one process | og | all ten | all / og |")
    print("|---|---|---|---|")
    for threads in (0, 2):
        seconds = {}
        for platforms in ("og", "all"):
            with tempfile.TemporaryDirectory() as tmp, RunContext.open(
                    RenderOptions(out_dir=Path(tmp), platforms=(platforms,), fetch=FetchOptions(roots=(ROOT,))),
                    encode_threads=threads) as ctx:
                for post in posts:  # warm: fonts, layouts
                    render_post(post, ctx)
                times = []
                for _ in range(rounds):
                    ctx.photos.clear()  # each round decodes its photos again
                    start = time.perf_counter()
                    for post in posts:
                        render_post(post, ctx)
                    times.append(time.perf_counter() - start)
                seconds[platforms] = statistics.median(times)
        label = "encoded in line" if threads == 0 else f"encoded on {threads} threads"
        print(f"| {label} | {seconds['og']:.2f} s | {seconds['all']:.2f} s | {seconds['all'] / seconds['og']:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    whole_process(args.rounds)
    one_changed_post(args.rounds)
    every_platform(max(1, args.rounds // 3))


if __name__ == "__main__":
    main()
