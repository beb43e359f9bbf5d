"""Worker processes for a build: render posts in parallel and survive a worker that dies.

A worker killed by the system (the OOM killer, a crash in a C library) breaks a whole
ProcessPoolExecutor: every post still queued fails with BrokenProcessPool. Each worker
therefore notes which post it is rendering in a file of its own; after a break the posts that
were being rendered are tried again one at a time, each alone in a fresh one-worker pool, so
the post that kills its worker is known for certain and reported as failed, and the rest of
the queue goes on in a new pool. Workers also end when their parent does, so a `kill -9` of
the build leaves no orphans rendering into the void.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Job", "Pool", "QUEUED_PER_WORKER", "Result", "WORKER_DIED", "die_with_parent", "run_jobs"]

# What a worker does with one job, and what it sends back; set up once per worker.
Job = tuple[str, str]  # post path, slug
Result = tuple[str, list[dict[str, Any]] | None, str | None]  # path, card records or None, error or None

WORKER_DIED = "its worker process died while rendering it (out of memory, or killed)"
QUEUED_PER_WORKER = 4  # jobs handed to the pool ahead: enough to keep a worker busy, never the archive


@dataclass(frozen=True)
class Pool:
    """How to start a worker, and how to render one job in it."""

    jobs: int
    initializer: Callable[..., None]
    initargs: tuple[Any, ...]
    work: Callable[[str, str], Result]


def run_jobs(todo: Iterable[Job], pool: Pool, on_result: Callable[[Result], None],
             on_tick: Callable[[], None]) -> None:
    """Render every job; each gives exactly one result (a worker's death is that job's error).
    Jobs are taken from `todo` as workers free up: an archive's queue is never held whole."""
    with tempfile.TemporaryDirectory(prefix="quotecards-workers-") as folder:
        queue = iter(todo)
        while (broken := _run_pool(queue, pool, Path(folder), on_result, on_tick)) is not None:
            started, waiting = broken
            for job in started:  # alone, so a second death names its post for certain
                _run_alone(job, pool, Path(folder), on_result, on_tick)
            queue = itertools.chain(waiting, queue)


def _run_pool(queue: Iterator[Job], pool: Pool, folder: Path, on_result: Callable[[Result], None],
              on_tick: Callable[[], None]) -> tuple[list[Job], list[Job]] | None:
    """Run `queue` until done (None) or the pool breaks: then (jobs being rendered, jobs not started)."""
    first = list(itertools.islice(queue, pool.jobs * QUEUED_PER_WORKER))
    if not first:
        return None
    for stale in folder.iterdir():
        stale.unlink()
    with ProcessPoolExecutor(max_workers=min(pool.jobs, len(first)), initializer=_start_worker,
                             initargs=(str(folder), os.getpid(), pool.initializer, pool.initargs)) as executor:
        futures: dict[Future[Result], Job] = {executor.submit(_work, pool.work, *job): job for job in first}
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                broken = [f for f in finished if isinstance(f.exception(), BrokenProcessPool)]
                for future in finished:
                    if future not in broken:
                        on_result(future.result())
                        del futures[future]  # its records live on in the caller's state, not twice
                on_tick()
                if broken:
                    return _after_break(futures, pending | set(broken), folder, on_result)
                for job in itertools.islice(queue, len(finished)):
                    future = executor.submit(_work, pool.work, *job)
                    futures[future] = job
                    pending.add(future)
        except KeyboardInterrupt:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
    return None


def _run_alone(job: Job, pool: Pool, folder: Path, on_result: Callable[[Result], None],
               on_tick: Callable[[], None]) -> None:
    lone = Pool(1, pool.initializer, pool.initargs, pool.work)
    broken = _run_pool(iter([job]), lone, folder, on_result, on_tick)
    if broken is not None:  # alone in its pool: whatever broke it was this job
        on_result((job[0], None, f"{job[0]}: {WORKER_DIED}"))
        on_tick()


def _after_break(futures: dict[Future[Result], Job], unseen: set[Future[Result]], folder: Path,
                 on_result: Callable[[Result], None]) -> tuple[list[Job], list[Job]]:
    """Results that made it out before the break are kept; the rest is split by whether it was started."""
    busy = _busy_paths(folder)
    started: list[Job] = []
    waiting: list[Job] = []
    for future in (f for f in futures if f in unseen):
        if future.exception() is None:
            on_result(future.result())
        else:
            (started if futures[future][0] in busy else waiting).append(futures[future])
    return started, waiting


def _busy_paths(folder: Path) -> set[str]:
    busy = set()
    for note in folder.iterdir():
        try:
            text = note.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            busy.add(text)
    return busy


# -- inside a worker ---------------------------------------------------------------------------

_note: list[Path] = []  # this worker's "rendering now" file; one per process by nature


def _start_worker(folder: str, parent: int, initializer: Callable[..., None], initargs: Iterable[Any]) -> None:
    die_with_parent(parent)
    _note.append(Path(folder) / str(os.getpid()))
    initializer(*initargs)


def _work(work: Callable[[str, str], Result], path: str, slug: str) -> Result:
    note = _note[0]
    note.write_text(path, encoding="utf-8")
    try:
        return work(path, slug)
    finally:
        note.write_text("", encoding="utf-8")


def die_with_parent(parent: int) -> None:
    """End this process when the one that started it (a build, a service) is gone, even by kill -9."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the signal was asked for
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    watcher = threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="quotecards-parent-watch")
    watcher.start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
