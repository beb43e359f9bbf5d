"""Incremental rebuild benchmark: how long a no-change `build` takes over a large archive.

    python benchmarks/rebuild.py [--posts 1000]

Makes an archive of short posts (no images: the cards come out on the brand layout), builds it
once, then times in the same run: a rebuild with nothing changed (the fast path: file size and
modification time, no post is read), and a rebuild after every file was touched but not
changed (each post is parsed and its fields hashed, no card is rendered). Prints both and
their ratio, and the resident memory of the parent process. Then CI's case: every file touched
and the output folder gone, only the card store kept (each post parsed, keyed, its card linked).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quotecards.build.batch import BuildOptions, build  # noqa: E402
from quotecards.build.store import StoreOptions  # noqa: E402
from quotecards.cards import RenderOptions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        for i in range(args.posts):
            (content / f"post-{i:05d}.md").write_text(
                f"---\ntitle: Post {i}\nfeatured_quote:\n  quote: \"Quote {i}, a short line.\"\n"
                f"  summary: Person {i}\n---\n")
        options = BuildOptions(render=RenderOptions(out_dir=Path(tmp) / "out"))
        start = time.perf_counter()
        first = build(content, options)
        assert not first.failed, first.failed[:1]
        print(f"first build: {first.made} cards in {time.perf_counter() - start:.1f} s ({os.cpu_count()} cores)")
        unchanged, touched = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            assert build(content, options).made == 0
            unchanged.append(time.perf_counter() - start)
            for path in content.iterdir():
                os.utime(path)
            start = time.perf_counter()
            assert build(content, options).made == 0
            touched.append(time.perf_counter() - start)
        fast, slow = statistics.median(unchanged), statistics.median(touched)
        print(f"no-change rebuild of {args.posts} posts: median {fast * 1000:.0f} ms (size + mtime, nothing read)")
        print(f"all touched, none changed:        median {slow * 1000:.0f} ms (every post parsed and hashed)")
        print(f"ratio: the fast path is {slow / fast:.1f}x quicker; parent peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"a fresh checkout (new mtimes, no output) with only the card store kept: median "
              f"{statistics.median(from_store(content, Path(tmp), args.rounds)) * 1000:.0f} ms, no card drawn")


def from_store(content: Path, tmp: Path, rounds: int) -> list[float]:
    """CI's case: every post touched, the output and its state gone, the store restored."""
    store = StoreOptions(tmp / "store")
    fresh = BuildOptions(render=RenderOptions(out_dir=tmp / "ci-out"), store=store)
    assert build(content, fresh).made  # fills the store
    times = []
    for _ in range(rounds):
        shutil.rmtree(tmp / "ci-out")
        for path in content.iterdir():
            os.utime(path)
        start = time.perf_counter()
        summary = build(content, fresh)
        times.append(time.perf_counter() - start)
        assert summary.made == 0 and summary.restored == summary.reused
    return times


if __name__ == "__main__":
    main()
