"""One writer: a lock per purpose (the daemon, a source's crawl) held while it runs; a lock file
beside a SQLite database, a session advisory lock on PostgreSQL."""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from models.storage.db import DatabaseUnavailable


class LockHeld(Exception):
    """Another process holds the lock; the message is one line for the operator."""


class DatabaseLock:
    """`with DatabaseLock(url, "daemon"):` or `.acquire()` / `.release()`; never blocks, unless
    `.acquire(wait=seconds)` asks to wait that long for the holder to finish."""

    def __init__(self, database_url: str, name: str, holder: str) -> None:
        self.url = database_url
        self.name = name
        self.holder = holder  # e.g. "a legistrack daemon", for the refusal message
        self._fd: int | None = None
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def acquire(self, wait: float = 0.0, waiting: Callable[[], None] | None = None) -> DatabaseLock:
        """Take the lock; when it is held, call `waiting` once and retry for `wait` seconds,
        then raise LockHeld."""
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                return self._acquire_once()
            except LockHeld:
                if time.monotonic() >= deadline:
                    raise
            if waiting is not None and not told:
                waiting()
                told = True
            time.sleep(0.2)  # polling a lock held by another process; bounded by `wait`

    def _acquire_once(self) -> DatabaseLock:
        backend = make_url(self.url).get_backend_name()
        if backend == "sqlite":
            self._file_lock()
        elif backend == "postgresql":
            self._advisory_lock()
        return self  # other databases: no lock (documented)

    def _file_lock(self) -> None:
        database = make_url(self.url).database or ""
        if database in ("", ":memory:"):
            return
        path = Path(f"{database}.{self.name}.lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"database {database}: cannot create its lock file {path}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(f"{self.holder} is already running on this database ({path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def _advisory_lock(self) -> None:
        key = int.from_bytes(hashlib.sha256(f"legistrack:{self.name}".encode()).digest()[:8], "big")
        key -= 1 << 63 if key >= 1 << 63 else 0  # a signed 64-bit key
        self._engine = create_engine(self.url, pool_size=1)
        self._connection = self._engine.connect()
        got = self._connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        self._connection.commit()
        if not got:
            self.release()
            raise LockHeld(f"{self.holder} is already running on this database (advisory lock)")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            self._connection.close()  # closing the session releases its advisory locks
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
