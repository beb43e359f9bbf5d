"""The live preview as the user types: the same post, a new text each time, through the real HTTP
endpoint of a real preview server on this machine.

    python benchmarks/preview.py [--renders 40] [--platform og]

Starts `quotecards serve` on the sample posts (in this process, on a loopback port), renders the
launch-day post once to warm it, then asks for `--renders` cards, each with one more word of the
quote typed, and prints the median and 90th percentile time per card as the client sees it: the
server's work, plus a loopback round trip.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from quotecards.cards import RenderOptions  # noqa: E402
from quotecards.preview import Preview, make_server  # noqa: E402
from quotecards.sources.fetch import FetchOptions  # noqa: E402

QUOTE = "Four years of concrete, paperwork and patience took nine seconds to disappear behind us. That’s the job."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--platform", default="og")
    args = parser.parse_args()
    app = Preview(ROOT / "samples/posts", RenderOptions(out_dir=ROOT / "unused", fetch=FetchOptions(roots=(ROOT,))))
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    words = QUOTE.split()

    def card(count: int) -> float:
        query = urllib.parse.urlencode({"post": "launch-day.md", "quote": " ".join(words[:count]),
                                        "attribution": "Ayşe Çelik, launch director", "platform": args.platform,
                                        "token": app.token})
        request = urllib.request.Request(f"{base}/render?{query}", headers={"X-Quotecards-Token": app.token})
        start = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            response.read()
        return time.perf_counter() - start

    card(len(words))  # warm: fonts, layouts, the photo
    times = [card(3 + i % (len(words) - 3)) for i in range(args.renders)]
    server.shutdown()
    times.sort()
    print(f"{args.platform}: median {statistics.median(times) * 1000:.0f} ms, "
          f"90th percentile {times[int(0.9 * (len(times) - 1))] * 1000:.0f} ms over {len(times)} renders")


if __name__ == "__main__":
    main()
