"""The on-demand service against satori + resvg served the same way, in the same run, on loopback.

    python benchmarks/service.py [--requests 48] [--workers 2] [--memory 0]

Both draw the same photo card (the sample rocket photo, a serif quote, an attribution) at
1200×630 for each request: quotecards' `service` (uvicorn, `--workers`, a signed `/card` URL with
the photo from a local server) and a small Node server around satori + resvg, the engine behind
@vercel/og (satori_server.mjs; `npm install satori @resvg/resvg-js` in benchmarks/). A load
generator on this machine keeps C requests in flight (C = 1, 8, 32), each on its own kept-alive
connection. Misses: every request a card not drawn before. Hits: one card asked again and again
(quotecards: from its store; satori: from the server's memory). Printed: cards a second and
p50/p99 latency per engine, kind and concurrency, and quotecards' miss throughput as a multiple
of satori's. `--memory N` then asks quotecards for N distinct cards and prints its workers'
resident memory after the first tenth and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from quotecards.service.signing import signed_path  # noqa: E402

SECRET = "benchmark secret, loopback only"
QUOTE = "We built the pad in a year, and the rocket left it in nine seconds"
ATTRIBUTION = "Launch director"
CONCURRENCY = (1, 8, 32)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def photo_server() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(ROOT / "samples/images")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/rocket.jpg"


def free_port() -> int:
    with socket.socket() as probe:  # uvicorn's worker processes each need the port named
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_quotecards(folder: Path, workers: int) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "QUOTECARDS_SECRET": SECRET, "XDG_CACHE_HOME": str(folder / "cache")}
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "quotecards", "service", "--port", str(port), "--workers",
                                str(workers), "--store", str(folder / "store"), "--allow-private-images",
                                "--max-pending", "256"], stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert process.stderr is not None
    started = 0
    for line in process.stderr:  # each worker says when its app has started
        started += "Application startup complete" in line
        if started == workers:
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, port
    raise SystemExit("the service did not start")


def start_satori() -> tuple[subprocess.Popen[str], int] | None:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules/satori").is_dir():
        return None
    process = subprocess.Popen([node, str(HERE / "satori_server.mjs"), str(ROOT / "samples/images/rocket.jpg"), "0"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, int(line.split()[1])


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
    await reader.readexactly(length)
    return status


async def load(port: int, paths: list[str], concurrency: int) -> tuple[float, list[float]]:
    """Every path asked for by `concurrency` clients at once; the wall time and each request's time."""
    queue = list(reversed(paths))
    times: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            path = queue.pop()
            started = time.perf_counter()
            status = await _get(reader, writer, path)
            times.append(time.perf_counter() - started)
            assert status == 200, (status, path)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, times


def figures(wall: float, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{len(times) / wall:7.1f} cards/s  p50 {statistics.median(ordered) * 1000:7.1f} ms  "
            f"p99 {p99 * 1000:7.1f} ms")


def quotecards_paths(photo: str, tag: str, n: int) -> list[str]:
    return [signed_path(SECRET.encode(), "/card", {"quote": f"{QUOTE} ({tag} {i})", "attribution": ATTRIBUTION,
                                                   "image": photo}) for i in range(n)]


def satori_paths(tag: str, n: int, cache: bool = False) -> list[str]:
    return [f"/card?quote={quote(f'{QUOTE} ({tag} {i})')}&attribution={quote(ATTRIBUTION)}" + ("&cache=1" if cache
                                                                                                  else "")
            for i in range(n)]


def rss_kb(pid: int) -> int:
    """The resident memory of `pid` and its children (uvicorn's workers), in KB."""
    total = 0
    for proc in [pid, *_children(pid)]:
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{proc}/status").read_text()).group(1))  # type: ignore[union-attr]
        except (OSError, AttributeError):
            continue
    return total


def _children(pid: int) -> list[int]:
    try:
        found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [*found, *(grand for child in found for grand in _children(child))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=48, help="requests per engine, kind and concurrency")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory", type=int, default=0, help="distinct cards for the memory run (0: none)")
    args = parser.parse_args()
    photo = photo_server()
    with tempfile.TemporaryDirectory() as tmp:
        service, port = start_quotecards(Path(tmp), args.workers)
        satori = start_satori()
        try:
            asyncio.run(load(port, quotecards_paths(photo, "warm", 2 * args.workers), args.workers))  # imports, photo
            if satori:
                asyncio.run(load(satori[1], satori_paths("warm", 2), 1))
            rates: dict[tuple[str, int], float] = {}
            for concurrency in CONCURRENCY:
                n = max(args.requests, 2 * concurrency)
                for engine, misses, hits in (("quotecards", quotecards_paths(photo, f"c{concurrency}", n),
                                              quotecards_paths(photo, "hit", 1) * n),
                                             *((("satori", satori_paths(f"c{concurrency}", n),
                                                 satori_paths("hit", 1, cache=True) * n),) if satori else ())):
                    target = port if engine == "quotecards" else satori[1]  # type: ignore[index]
                    wall, times = asyncio.run(load(target, misses, concurrency))
                    rates[(engine, concurrency)] = len(times) / wall
                    print(f"{engine:10s} c={concurrency:<2d} miss  {figures(wall, times)}")
                    asyncio.run(load(target, hits[:1], 1))  # the card drawn once; then every request is a hit
                    wall, times = asyncio.run(load(target, hits, concurrency))
                    print(f"{engine:10s} c={concurrency:<2d} hit   {figures(wall, times)}")
                if satori:
                    print(f"  quotecards misses at c={concurrency}: "
                          f"{rates[('quotecards', concurrency)] / rates[('satori', concurrency)]:.1f}x satori's rate")
            if args.memory:
                memory(port, service.pid, photo, args.memory)
        finally:
            service.terminate()
            service.wait(timeout=60)
            if satori:
                satori[0].terminate()
    print(f"machine: {os.cpu_count()} cores; quotecards --workers {args.workers}; loopback; "
          f"{urlsplit(photo).path} for both")


def memory(port: int, pid: int, photo: str, n: int) -> None:
    """The service's resident memory as N distinct cards are drawn: after each tenth."""
    paths = quotecards_paths(photo, "memory", n)
    tenth = max(1, n // 10)
    seen = []
    for start in range(0, n, tenth):
        asyncio.run(load(port, paths[start:start + tenth], 8))
        seen.append(f"{rss_kb(pid) / 1024:.0f}")
    print(f"memory over {n} distinct cards, MB after each tenth (the service and its workers): {' '.join(seen)}")

if __name__ == "__main__":
    main()
