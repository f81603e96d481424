"""Reading the operator's files (notes, the config) safely: regular files only, never blocking,
never more than a size limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class FileRefused(Exception):
    """A file that is not read; `problem` is a short phrase for a one-line message."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words ("a named pipe", "a socket"...)."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most `max_bytes`; anything else is a FileRefused.

    The file is opened with O_NONBLOCK (opening a named pipe with no writer returns at once
    instead of waiting for one) and checked with fstat on the open descriptor, so a pipe,
    device or socket put where a note was expected is refused, never read; reading stops one
    byte past the limit, so a file growing while it is read cannot exhaust memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileRefused(path, "no such file") from None
    except OSError as exc:
        raise FileRefused(path, _os_problem(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"is {kind_of(info.st_mode)}, not a regular file (not read)")
        if info.st_size > max_bytes:
            raise FileRefused(path, f"too large: {info.st_size} bytes (limit {max_bytes})")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileRefused(path, _os_problem(exc)) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise FileRefused(path, f"too large: {size}+ bytes (limit {max_bytes})")
    return b"".join(chunks)


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENXIO:
        return "is a socket or device without a reader, not a regular file (not read)"
    return f"cannot read: {exc.strerror or exc}"
