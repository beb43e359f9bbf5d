"""Files written whole: a file is replaced by rename, never seen half-written, with the mode a
plain open() would give it (or the file it replaces' mode and owner); a file placed as a hard
link where it can be; an output folder proved writable before any work; a file's SHA-256; a JSON
object read back leniently. Every writer of the package goes through here."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from .errors import OutputError

__all__ = ["path_text", "place_file", "prepare_output", "read_json_object", "read_regular", "sha256_of", "umask",
           "write_atomic", "write_atomic_text"]


def path_text(path: Path | str) -> str:
    """`path` as text any file can hold: a name in another encoding than UTF-8 (which Python
    carries as lone surrogates) shows its bytes as \\xNN, as a terminal would."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`; OSError where it is none (a FIFO would block for
    ever, /dev/zero never ends) or holds more than `limit` bytes, of which no more are read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO with no writer must not block the open
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, a device or a socket)", str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
    return data


def prepare_output(folder: Path) -> None:
    """Make `folder` and prove that files can be written in it, or raise OutputError, before any work."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".quotecards-probe.")
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise OutputError(folder, "output folder", "a file of that name is in the way") from None
    except NotADirectoryError:
        raise OutputError(folder, "output folder", "a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(folder, "output folder", f"cannot write there ({exc.strerror or exc})") from None


def write_atomic_text(path: Path, pieces: Iterable[str]) -> None:
    """`pieces` written as UTF-8, one after another, as write_atomic writes: a large manifest or
    gallery is never held whole in memory as one string and its bytes."""
    _write_atomic(path, lambda handle: handle.writelines(piece.encode("utf-8") for piece in pieces))


def write_atomic(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file.

    mkstemp makes its file 0600 and the rename keeps that, which would hide a card from a web
    server running as another user: the file gets the mode a plain open() would have given it,
    or, with `like`, that file's mode and owner (PermissionError, and nothing written, where
    the owner cannot be given away).
    """
    _write_atomic(path, lambda handle: handle.write(data), like)


def _write_atomic(path: Path, fill: Callable[[BinaryIO], object], like: os.stat_result | None = None) -> None:
    try:
        _write_whole(path, fill, like)
    except OSError as exc:
        if exc.filename is None:  # a full disk says so without naming the file it could not write
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def _write_whole(path: Path, fill: Callable[[BinaryIO], object], like: os.stat_result | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            if like is None:
                os.fchmod(handle.fileno(), 0o666 & ~umask())
            else:
                handle.flush()
                os.fsync(handle.fileno())  # a post is worth the wait; a card can be made again
                os.fchmod(handle.fileno(), like.st_mode & 0o7777)
                made = os.fstat(handle.fileno())
                if (like.st_uid, like.st_gid) != (made.st_uid, made.st_gid):
                    os.fchown(handle.fileno(), like.st_uid, like.st_gid)
                _copy_xattrs(path, handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _copy_xattrs(source: Path, fd: int) -> None:
    """The extended attributes of the file being replaced (user.* tags, a SELinux label), so the
    new one is it but for its bytes. PermissionError where one cannot be given (the caller then
    writes in place instead); a file system without them has none to keep."""
    if not hasattr(os, "listxattr"):
        return  # not Linux
    try:
        names = os.listxattr(source)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.ENOENT):
            return
        raise
    for name in names:
        os.setxattr(fd, name, os.getxattr(source, name))


def umask() -> int:
    """The process's umask, read without changing it (os.umask can only swap, racing other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object from `path`; {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file's bytes (OSError when it cannot be read)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def place_file(source: Path, target: Path) -> None:
    """`target` becomes `source`'s bytes, whole at every moment: a hard link renamed into place,
    or a copy written atomically where the two folders cannot share a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)  # left by a run that was killed here
    try:
        os.link(source, temporary)
    except OSError as exc:
        if not source.is_file():
            raise
        if exc.errno is not None and exc.errno not in _CANNOT_LINK:
            raise
        write_atomic(target, source.read_bytes())
        return
    os.replace(temporary, target)


# The two folders are on different file systems, or theirs has no hard links (or no more of them).
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP, errno.ENOSYS}
