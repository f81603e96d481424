"""A second core for a check: chunks of work shared with one forked helper process, which hands
its results back to the parent to finish, in any order."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import select
import signal
import struct
import tempfile
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)
MAX_CHUNKS = 1_000  # chunk numbers wait in a pipe, 4 bytes each: far under its 64 KiB
# Seconds this process waits for the helper's next result once it has no chunk left itself; a
# helper silent that long is ended and what it had taken is done here (a hung helper must not
# hang the check: a chunk is a few hundred milliseconds of work).
SILENCE = 120.0
_CLAIM = struct.Struct("<i")
_DONE = struct.Struct("<iqq")  # chunk, offset and length of its pickled results in the file


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Helper:
    """Chunks 0..count-1 of some work, taken one at a time by whoever is free: this process
    (`claim`) or a forked helper, which runs `work(chunk)` and leaves the result for this process
    to finish (`finished`). Without a helper (`start` returned False) every chunk is claimed here,
    in order.

    The helper is a fork of this one, so it shares what was built before `start` (the notes'
    reader, the configuration) and nothing built after. Chunk numbers wait in a pipe that both
    read, 4 bytes at a time (a pipe read is atomic, so each chunk goes to one process, and no
    lock can be left held by a process that died); the helper writes each result, pickled, to an
    unnamed temporary file and says where in a 20-byte message on a second pipe (which never
    fills, so it never waits for this process). SIGINT (Ctrl-C reaches the whole process group)
    and SIGTERM end the helper at once, whatever handlers this process set, and this process ends
    it in `close` on any error of its own; it exits with os._exit, running no handler, flushing no
    buffer and closing no connection of this process. A chunk it claimed but never finished (it
    died) is done here once it has ended."""

    def __init__(self, count: int, work: Callable[[int], Any]) -> None:
        self.count = count
        self.work = work
        self.pid: int | None = None
        self._next = 0  # without a helper: the next chunk
        self._claims = -1
        self._done = -1
        self._data = -1  # the file of the helper's results
        self._buffer = b""
        self._mine: set[int] = set()
        self._theirs: set[int] = set()
        self._ended = False
        self._forked = False
        self._parent = os.getpid()
        self.silence = SILENCE

    def start(self) -> bool:
        """Fork the helper; False (and no helper) when it cannot be."""
        if not hasattr(os, "fork") or self.count < 2 or self.count > MAX_CHUNKS:
            return False
        try:
            self._claims, claims_write = os.pipe()
            try:
                os.write(claims_write, b"".join(_CLAIM.pack(chunk) for chunk in range(self.count)))
            finally:
                os.close(claims_write)  # read to its end, the pipe says "no chunk left"
            self._data, name = tempfile.mkstemp(prefix="legistrack-check-")
            os.unlink(name)  # unnamed: gone with its last descriptor
            self._done, done_write = os.pipe()
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                pid = os.fork()
            except OSError:
                os.close(done_write)
                raise
            finally:
                if os.getpid() == self._parent:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        except OSError as exc:
            logger.debug("no helper process: %s", exc)
            self.close()
            return False
        if pid == 0:  # the helper
            self._serve(done_write, blocked)
        os.close(done_write)
        self.pid = pid
        self._forked = True
        return True

    def _serve(self, done_write: int, blocked: set[int | signal.Signals]) -> None:
        code = 1
        try:
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(self._done)
            gc.freeze()  # what it inherited is never garbage here: collections skip it
            offset = 0
            while (chunk := self._take()) is not None:
                data = pickle.dumps(self.work(chunk), pickle.HIGHEST_PROTOCOL)
                written = 0
                while written < len(data):  # a short write goes on where it stopped
                    written += os.pwrite(self._data, data[written:], offset + written)
                os.write(done_write, _DONE.pack(chunk, offset, len(data)))
                offset += len(data)
            code = 0
        except BaseException:  # whatever it was, the parent does the chunk itself
            pass
        finally:
            os._exit(code)

    def _take(self) -> int | None:
        data = os.read(self._claims, _CLAIM.size)
        return _CLAIM.unpack(data)[0] if data else None

    def claim(self) -> int | None:
        """The next chunk for this process to do; None when none is left."""
        if not self._forked:
            if self._next >= self.count:
                return None
            self._next += 1
            return self._next - 1
        chunk = self._take()
        if chunk is not None:
            self._mine.add(chunk)
        return chunk

    def finished(self, wait: bool = False) -> Iterator[tuple[int, Any]]:
        """Chunks the helper has done, with its results: those ready now, or (`wait`) all of them
        until it has ended, followed by the chunks it claimed and left undone (with None: this
        process does them)."""
        if not self._forked or self._ended:
            return
        os.set_blocking(self._done, wait)
        while True:
            if wait and not select.select([self._done], [], [], self.silence)[0]:
                logger.warning("the check's helper process was silent for %.0f s: ended; its"
                               " notes are read here", self.silence)  # fmt: skip
                self.close_helper()
            try:
                data = os.read(self._done, 64 * 1024)
            except BlockingIOError:
                return
            if not data:
                break
            self._buffer += data
            while len(self._buffer) >= _DONE.size:
                chunk, offset, length = _DONE.unpack_from(self._buffer)
                self._buffer = self._buffer[_DONE.size :]
                self._theirs.add(chunk)
                yield chunk, pickle.loads(os.pread(self._data, length, offset))
        self._ended = True
        self._reap()
        while self._take() is not None:  # it ended early: the chunks nobody took are done here
            pass
        for chunk in range(self.count):
            if chunk not in self._mine and chunk not in self._theirs:
                self._mine.add(chunk)
                yield chunk, None

    def _reap(self) -> None:
        if self.pid is None:
            return
        try:
            _, status = os.waitpid(self.pid, 0)
            if status:
                logger.debug("the helper process ended with status %s", status)
        except ChildProcessError:  # reaped already (a SIGCHLD handler of the embedding program)
            pass
        self.pid = None

    def close_helper(self) -> None:
        """End the helper if it still runs, and reap it."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()

    def close(self) -> None:
        """End the helper if it still runs (this process gave up), reap it, free the pipes."""
        self.close_helper()
        for fd in (self._claims, self._done, self._data):
            if fd >= 0:
                os.close(fd)
        self._claims = self._done = self._data = -1

    def __enter__(self) -> Helper:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
