"""A local replay server: serves a folder of saved responses by URL path (the demo and the tests).

`/api/GeneralCourts/194/Documents/H5316` is served from
`<root>/api/GeneralCourts/194/Documents/H5316.json`; a query string becomes a last path segment,
so `/Bills/194/H5316/BillHistory?pageNumber=2` is
`<root>/Bills/194/H5316/BillHistory/pageNumber=2.html`.
Tests may also set `overrides` (a path with its query -> status, headers, body) to make one URL
fail, read `requests` to see what came, and clear `open` to hold every answer until it is set
again (an event to wait for instead of a delay to hope by). `validators` makes files served from
disk carry an `ETag` (a hash of the body), a `Last-Modified` (the file's modification time), both
or neither, and answers a matching `If-None-Match` / `If-Modified-Since` with 304 Not Modified.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class Canned:
    """A fixed response for one path."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # served this many times, then the path is served from disk again
    delay: float = 0.0  # seconds to wait before answering
    reset_after: int | None = None  # send this many body bytes of a longer promise, then reset


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class ReplayServer:
    """Serves `root` on 127.0.0.1 (a free port unless given) from a background thread."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.overrides: dict[str, Canned] = {}
        self.fail_all: Canned | None = None  # when set, every request gets this response
        self.delay: float = 0.0  # seconds to wait before answering (a slow remote site)
        self.validators: str = "none"  # none, etag, last-modified or both (files from disk)
        self.requests: list[SeenRequest] = []
        self.open = threading.Event()  # cleared: each request waits (recorded) until it is set
        self.open.set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self, root: Path | str) -> None:
        """Serve `root` with no override, failure, delay, validator or hold, and no request seen."""
        with self._lock:
            self.root = Path(root).resolve()
            self.overrides = {}
            self.fail_all = None
            self.delay = 0.0
            self.validators = "none"
            self.requests = []
        self.open.set()

    def requested(self, fragment: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if fragment in r.path]

    def resolve(self, raw_path: str) -> Path | None:
        """The file serving a request path, or None (never outside `root`)."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path).strip("/")
        if parts.query:
            path = f"{path}/{unquote(parts.query)}"
        base = (self.root / path).resolve()
        if base != self.root and self.root not in base.parents:
            return None
        for candidate in (base, *(base.with_name(base.name + ext) for ext in CONTENT_TYPES)):
            if candidate.is_file():
                return candidate
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(SeenRequest("GET", self.path, dict(self.headers)))
                    key = self.path if self.path in server.overrides else urlsplit(self.path).path
                    canned = server.overrides.get(key)
                    if canned is not None and canned.times is not None:
                        canned.times -= 1
                        if canned.times <= 0:
                            del server.overrides[key]
                server.open.wait(timeout=300)
                if server.fail_all is not None:
                    canned = server.fail_all
                if canned is None:
                    canned = server._from_disk(self.path)
                    if server._not_modified(canned, self.headers):
                        kept = {k: canned.headers.get(k, "") for k in ("ETag", "Last-Modified")}
                        canned = Canned(304, b"", {k: v for k, v in kept.items() if v})
                if server.delay or canned.delay:
                    time.sleep(server.delay or canned.delay)
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                if canned.reset_after is not None:
                    self.wfile.write(canned.body[: canned.reset_after])
                    self.wfile.flush()
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()  # an RST mid-body
                    return
                self.wfile.write(canned.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def _from_disk(self, raw_path: str) -> Canned:
        file = self.resolve(raw_path)
        if file is None:
            return Canned(
                404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"}
            )
        kind = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        body = file.read_bytes()
        headers = {"Content-Type": kind}
        if self.validators in ("etag", "both"):
            headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.validators in ("last-modified", "both"):
            headers["Last-Modified"] = formatdate(int(file.stat().st_mtime), usegmt=True)
        return Canned(200, body, headers)

    @staticmethod
    def _not_modified(canned: Canned, asked: Any) -> bool:
        """True when the request's validators match the response's (ETag wins, as in RFC 9110)."""
        if canned.status != 200:
            return False
        etag, since = asked.get("If-None-Match"), asked.get("If-Modified-Since")
        if etag and "ETag" in canned.headers:
            return bool(etag.strip() == canned.headers["ETag"])
        if since and "Last-Modified" in canned.headers:
            try:
                asked_at = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return bool(parsedate_to_datetime(canned.headers["Last-Modified"]) <= asked_at)
        return False
