"""An archive build at scale: a cold `build` of many posts on two workers, then a rebuild with
nothing changed, with cards per second and peak memory, and what that projects to.

    python benchmarks/archive.py [--posts 10000] [--photo-share 0.2] [--jobs 2]

Makes its own archive: posts with quotes in several scripts and lengths (from the test corpus),
a share of them with a featured photo (a few dozen distinct 2400×1600 JPEGs, drawn as run.py draws
them; an archive reuses its pictures), the rest text-only (brand cards). Prints the cold build's time,
cards per second (and per core), the parent's and the largest worker's peak memory, the
no-change rebuild's time, and the projection to 100,000 posts × 10 platforms on 16 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import make_photo  # noqa: E402

from quotecards.build.batch import BuildOptions, build  # noqa: E402
from quotecards.cards import RenderOptions  # noqa: E402
from quotecards.sources.fetch import FetchOptions  # noqa: E402

CORPUS = tomllib.loads((ROOT / "tests/corpus/multilingual.toml").read_text("utf-8"))["quote"]
PHOTOS = 40


def archive(folder: Path, posts: int, photo_share: float) -> None:
    rng = random.Random(7)
    images = folder / "images"
    images.mkdir(parents=True)
    for i in range(PHOTOS):
        (images / f"p{i}.jpg").write_bytes(make_photo(i))
    content = folder / "content"
    content.mkdir()
    for i in range(posts):
        entry = CORPUS[i % len(CORPUS)]
        quote = entry["quote"] if i % 3 else " ".join(entry["quote"].split()[:6]) or entry["quote"]
        image = f"  image: ../images/p{rng.randrange(PHOTOS)}.jpg\n" if rng.random() < photo_share else ""
        (content / f"post-{i:05d}.md").write_text(
            f"---\ntitle: Post {i}\nlang: {entry['lang']}\n"
            + (f"featured_image:\n{image}" if image else "")
            + f"featured_quote:\n  quote: {quote!r}\n  summary: {entry.get('attribution', 'Someone')!r}\n---\n",
            encoding="utf-8")


def _kb(text: str, key: str) -> int:
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith(key))


class WorkerPeaks:
    """The largest high-water mark (VmHWM) seen among this process's children, read from /proc
    every half second while a build runs: the workers' own peaks, not the photo maker's."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.pss_kb = 0  # the most seen of a worker's proportional share: pages shared with the parent split
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> WorkerPeaks:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _watch(self) -> None:
        while not self.done.wait(0.5):
            for task in Path(f"/proc/{os.getpid()}/task").iterdir():
                for pid in (task / "children").read_text().split():
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                    except OSError:  # ended between the reads
                        continue
                    self.peak_kb = max(self.peak_kb, _kb(status, "VmHWM:"))
                    self.pss_kb = max(self.pss_kb, _kb(rollup, "Pss:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--photo-share", type=float, default=0.2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Made in a child process: drawing the photos must not count in the build's memory, nor
        # be inherited by the workers it forks.
        maker = multiprocessing.get_context("fork").Process(target=archive, args=(folder, args.posts, args.photo_share))
        maker.start()
        maker.join()
        options = BuildOptions(render=RenderOptions(out_dir=folder / "out", fetch=FetchOptions(roots=(folder,))),
                               jobs=args.jobs)
        start = time.perf_counter()
        with WorkerPeaks() as peaks:
            cold = build(folder / "content", options)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = build(folder / "content", options)
        rebuild = time.perf_counter() - start
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = peaks.peak_kb / 1024
    rate = cold.made / seconds
    print(f"cold build: {cold.made} cards from {args.posts} posts ({args.photo_share:.0%} with photos) in "
          f"{seconds:.0f} s on {args.jobs} workers: {rate:.1f} cards/s, {rate / args.jobs:.1f} per core; "
          f"{len(cold.failed)} failed")
    print(f"peak memory: parent {parent:.0f} MB, largest worker {worker:.0f} MB "
          f"(its proportional share, pages shared with the parent split: {peaks.pss_kb / 1024:.0f} MB)")
    print(f"no-change rebuild: {again.made} made, {again.reused} reused, in {rebuild:.2f} s")
    cards = 100_000 * 10
    print(f"projection: 100,000 posts x 10 platforms = {cards:,} cards on 16 cores at {rate / args.jobs:.1f} "
          f"cards/s/core: {cards / (rate / args.jobs * 16) / 3600:.1f} h (og-sized cards; taller canvases cost more)")


if __name__ == "__main__":
    main()
