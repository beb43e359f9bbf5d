"""`quotecards merge` at scale: the peak memory and time of merging two shards' parts, at two sizes.

    python benchmarks/merge.py [--posts 2000 20000]

Two shards of a small real archive are built (photo and brand cards, into one folder); then each
part gains as many posts again, each entry a copy of a real card record with its own slug and
its card's file in place (linked), and its manifest part is written from its state, as a shard
leaves them. Drawing 20,000 cards for real would take the machine half an hour and tell nothing
more about the merge. Each merge runs in a fresh process; printed are its cards, seconds and
peak resident memory. A merge that holds no archive in memory peaks the same at both sizes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from quotecards.build import manifest  # noqa: E402
from quotecards.build.batch import BuildOptions, build  # noqa: E402
from quotecards.build.outputs import BuildFiles  # noqa: E402
from quotecards.build.state import BuildState, Entry  # noqa: E402
from quotecards.cards import RenderOptions  # noqa: E402
from quotecards.sources.fetch import FetchOptions  # noqa: E402

MERGE = ("import resource, sys, time; from pathlib import Path; from quotecards.build.merge import merge; "
         "t = time.perf_counter(); r = merge(Path(sys.argv[1]), []); "
         "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024; "
         "print(r.cards, round(time.perf_counter() - t, 2), peak)")


def shards(folder: Path) -> Path:
    """Six sample posts built as two shards into folder/out."""
    content = folder / "content"
    content.mkdir()
    for name in ("launch-day", "roastery", "shelter-cat", "council-budget", "world-kyoto-library", "market-day"):
        text = (ROOT / "samples/posts" / f"{name}.md").read_text("utf-8")
        (content / f"{name}.md").write_text(text.replace("../images/", f"{ROOT / 'samples/images'}/"), "utf-8")
    options = BuildOptions(render=RenderOptions(out_dir=folder / "out", fetch=FetchOptions(roots=(ROOT, folder))),
                           jobs=1)
    for k in (1, 2):
        build(content, replace(options, shard=(k, 2)))
    return folder / "out"


def grow(out: Path, posts: int) -> None:
    """Each part gains posts/2 entries copied from its first card, and its manifest part anew."""
    for k in (1, 2):
        files = BuildFiles.of((k, 2))
        with BuildState(out / files.state) as state:
            model = next(e for e in map(state.get, state.keys()) if e is not None and e.cards)
            record = model.cards[0]
            for i in range(posts // 2):
                slug = f"part{k}-more-{i}"
                card = {**record, "post": f"/archive/part{k}/{i // 100:03d}/post-{i:06d}.md", "slug": slug,
                        "path": f"{record['platform']}/{slug}.png"}
                if not (out / card["path"]).exists():
                    os.link(out / record["path"], out / card["path"])
                state.put(card["post"], Entry(slug, (100, i), "hash", None, [card]))
            state.commit()
            manifest.write(out, state.cards(), [], files.manifest, {"settings": state.settings, "shard": [k, 2]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    for posts in args.posts:
        with tempfile.TemporaryDirectory() as tmp:
            out = shards(Path(tmp))
            grow(out, posts)
            done = subprocess.run([sys.executable, "-c", MERGE, str(out)], capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
            cards, seconds, peak = done.stdout.split()
            print(f"merge of two parts, {posts:,} posts more than the sample's: {cards} cards in {seconds} s, "
                  f"peak {peak} MB")


if __name__ == "__main__":
    main()
