"""One run at a time in an output folder: a second build waits for the first and says who holds it.

Two builds writing one folder would each rewrite the manifest and the state from their own view
and lose the other's cards. The lock is an advisory `flock` on DIR/.quotecards.lock, released by
the kernel when its holder exits, however it exits. The holder deletes the file when done; a
waiter that then wins a lock on the deleted file sees that the path no longer names it and
tries again on the new one, so two runs never each hold a lock on a different file.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_FILE", "run_lock"]

try:
    import fcntl

    _flock: Callable[[int, int], None] | None = fcntl.flock
    _EX, _NB = fcntl.LOCK_EX, fcntl.LOCK_NB
except ImportError:  # Windows: no flock; runs there are not guarded
    _flock, _EX, _NB = None, 0, 0

LOCK_FILE = ".quotecards.lock"


@contextmanager
def run_lock(folder: Path, on_wait: Callable[[str], None] | None = None, name: str = LOCK_FILE) -> Iterator[None]:
    """Hold the folder's lock for the body; if another run holds it, say so through `on_wait` and wait.
    A shard of a build locks its own part (`name`), so the shards of one build share a folder."""
    path = folder / name
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if _flock is None:
            break
        try:
            _flock(fd, _EX | _NB)
        except BlockingIOError:
            if on_wait and not told:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
                on_wait(f"{folder}: waiting for the quotecards run that is writing there ({holder}) to finish")
                told = True
            _flock(fd, _EX)
        if _names(path, fd):
            break
        os.close(fd)  # the holder deleted the file we waited on: lock the one at the path now
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {platform.node()}\n".encode(), 0)
        yield
    finally:
        try:
            path.unlink()
        except OSError:
            pass
        os.close(fd)  # closing the last descriptor releases the lock


def _names(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
