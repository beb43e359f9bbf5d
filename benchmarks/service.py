"""The on-demand service against satori + resvg served the same way, in the same run, on loopback.

    python benchmarks/service.py [--seconds 6] [--workers 2] [--memory 0]

Both draw the same photo card (the sample rocket photo, a serif quote, an attribution) at
1200×630 for each request: quotecards' `service` (uvicorn, `--workers` drawing processes, a signed
`/card` URL with the photo from a local server) and a small Node server around satori + resvg,
the engine behind @vercel/og (satori_server.mjs; `npm install satori @resvg/resvg-js` in
benchmarks/). The load generator is wrk (`apt-get install wrk`), a C program that costs the
servers little of the machine, keeping C requests in flight (C = 1, 8, 32), each on its own
kept-alive connection, for a few seconds. Misses: every request a card not drawn before (a wrk
script walks a list of distinct URLs). Hits: one card asked again and again (quotecards: from its
store; satori: from the server's memory). Printed: cards a second and p50/p99 latency per engine,
kind and concurrency, and quotecards' miss throughput as a multiple of satori's. `--memory N`
then asks quotecards for N distinct cards and prints the resident memory of its HTTP process and
of each drawing process after each tenth.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
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
MISSES = 2000  # distinct card URLs per run: more than either engine draws in the seconds given


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
    for line in process.stderr:  # said once the drawing processes are ready and the port is open
        if "Uvicorn running on" in line:
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


# wrk walks the paths in the file PATHS, one request each, and prints what it measured.
WRK_SCRIPT = """
local paths, i = {}, 0
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Measured:
    rate: float  # requests answered a second
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int

    def __str__(self) -> str:
        errors = f"  {self.errors} ERRORS" if self.errors else ""
        return f"{self.rate:7.1f} cards/s  p50 {self.p50_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms{errors}"


def wrk(port: int, paths: list[str], concurrency: int, seconds: int, folder: Path) -> Measured:
    """`concurrency` connections asking for `paths` in turn (from the first again if wrk gets
    through them all) for `seconds`."""
    (folder / "paths.txt").write_text("\n".join(paths) + "\n")
    (folder / "walk.lua").write_text(WRK_SCRIPT)
    done = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "60s", "-s",
                           str(folder / "walk.lua"), f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                          env={**os.environ, "PATHS": str(folder / "paths.txt")}, check=True)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    if found is None:
        raise SystemExit(f"wrk said: {done.stdout}{done.stderr}")
    requests, micros, p50, p99, errors = (int(g) for g in found.groups())
    return Measured(requests / micros * 1e6, p50 / 1000, p99 / 1000, errors, requests)


def quotecards_paths(photo: str, tag: str, n: int) -> list[str]:
    return [signed_path(SECRET.encode(), "/card", {"quote": f"{QUOTE} ({tag} {i})", "attribution": ATTRIBUTION,
                                                   "image": photo}) for i in range(n)]


def satori_paths(tag: str, n: int, cache: bool = False) -> list[str]:
    return [f"/card?quote={quote(f'{QUOTE} ({tag} {i})')}&attribution={quote(ATTRIBUTION)}" + ("&cache=1" if cache
                                                                                                  else "")
            for i in range(n)]


def rss_kb(pid: int, children: bool = True) -> int:
    """The resident memory of `pid` (and its children), in KB."""
    total = 0
    for proc in [pid, *(_children(pid) if children else [])]:
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{proc}/status").read_text()).group(1))  # type: ignore[union-attr]
        except (OSError, AttributeError):
            continue
    return total


def _is_drawer(pid: int) -> bool:
    """A process multiprocessing spawned to draw (not its resource tracker)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"spawn_main" in command


def _children(pid: int) -> list[int]:
    try:
        found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [*found, *(grand for child in found for grand in _children(child))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6, help="seconds per engine, kind and concurrency")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory", type=int, default=0, help="distinct cards for the memory run (0: none)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("the load generator is wrk: apt-get install wrk")
    photo = photo_server()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        service, port = start_quotecards(folder, args.workers)
        satori = start_satori()
        try:
            engines = [("quotecards", port, partial(quotecards_paths, photo))]
            engines += [("satori", satori[1], satori_paths)] if satori else []
            for _engine, target, paths in engines:  # imports, fonts, the photo: before anything is timed
                asyncio.run(load(target, paths("warm", 2 * args.workers), args.workers))
            for concurrency in CONCURRENCY:
                rates = {}
                for engine, target, paths in engines:
                    misses = wrk(target, paths(f"c{concurrency}", MISSES), concurrency, args.seconds, folder)
                    if misses.requests >= MISSES:
                        raise SystemExit(f"{engine} got through {MISSES} distinct cards: raise MISSES")
                    # The cards still in flight when wrk stopped are drawn before the hits are asked.
                    asyncio.run(load(target, paths(f"drain{concurrency}", 1), 1))
                    hit = paths("hit", 1) if engine == "quotecards" else satori_paths("hit", 1, cache=True)
                    asyncio.run(load(target, hit, 1))  # drawn once; then every request is a hit
                    hits = wrk(target, hit, concurrency, args.seconds, folder)
                    rates[engine] = misses.rate
                    print(f"{engine:10s} c={concurrency:<2d} miss  {misses}")
                    print(f"{engine:10s} c={concurrency:<2d} hit   {hits}")
                if satori:
                    print(f"  quotecards misses at c={concurrency}: {rates['quotecards'] / rates['satori']:.1f}x "
                          "satori's rate")
            if args.memory:
                memory(port, service.pid, photo, args.memory)
        finally:
            service.terminate()
            service.wait(timeout=60)
            if satori:
                satori[0].terminate()
    print(f"machine: {os.cpu_count()} cores; quotecards --workers {args.workers}; wrk on loopback; "
          f"{urlsplit(photo).path} for both")


def memory(port: int, pid: int, photo: str, n: int) -> None:
    """The resident memory of the service's HTTP process and of each drawing process as N
    distinct cards are drawn: after each tenth."""
    paths = quotecards_paths(photo, "memory", n)
    tenth = max(1, n // 10)
    seen: list[str] = []
    for start in range(0, n, tenth):
        asyncio.run(load(port, paths[start:start + tenth], 8))
        drawers = [rss_kb(child, children=False) for child in _children(pid) if _is_drawer(child)]
        seen.append(f"{rss_kb(pid, children=False) // 1024}+" + "/".join(str(kb // 1024) for kb in drawers))
    print(f"memory over {n} distinct cards, MB after each tenth (the HTTP process + each drawing process):")
    print("  " + "  ".join(seen))


if __name__ == "__main__":
    main()
