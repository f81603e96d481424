"""An HTTP replay of a SyntheticCourt: the API's three document endpoints, validators, counts.

Serves, as JSON:

- `/api/GeneralCourts/{court}/Documents` (the list), kind `list`;
- `/api/GeneralCourts/{court}/Documents/{number}`, kind `document`;
- `/api/GeneralCourts/{court}/Documents/{number}/DocumentHistoryActions`, kind `history`;

anything else is a 404 (kind `other`). Every response waits `delay` seconds first (a remote site);
the server is threaded, so delays overlap under concurrency. Validators: `both`, `etag`,
`last-modified` or `none`. The ETag is a quoted hash of the body; Last-Modified is the document's
last change (the list's: the court's). `If-None-Match` (which wins when both are sent) and
`If-Modified-Since` are answered `304 Not Modified` with no body and no Content-Length (RFC 9110
allows none on a 304; every other response has one, so HTTP/1.1 keep-alive works).

Control endpoints, not counted and not delayed: `/_bench/stats` (counts by kind and status),
`/_bench/reset` (zero the counts), `/_bench/mutate?fraction=0.02&seed=7` (see
`SyntheticCourt.mutate`).
"""

from __future__ import annotations

import hashlib
import json
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from benchmarks.synthetic_court import VALIDATORS, SyntheticCourt

JSON_TYPE = "application/json; charset=utf-8"
COURT_CHANGED = datetime(2026, 12, 1, tzinfo=UTC)  # the list's Last-Modified (it never changes)
HISTORY = "DocumentHistoryActions"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a crawler opening 32+ connections at once must not wait on SYNs


class CourtServer:
    """Serves `court` on `host:port` (port 0: a free one), in a thread while `running()`."""

    def __init__(
        self,
        court: SyntheticCourt,
        delay: float = 0.05,
        validators: str = "both",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if validators not in VALIDATORS:
            raise ValueError(f"validators must be one of {', '.join(VALIDATORS)}")
        self.court = court
        self.delay = delay
        self.validators = validators
        self.counts: Counter[tuple[str, int]] = Counter()
        self.bytes_sent = 0
        self.mutations = 0
        self._lock = threading.Lock()
        self._list_body = _json(court.summaries())
        self._prefix = f"/api/GeneralCourts/{court.court}/Documents"
        self._server = _Server((host, port), _handler(self))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @contextmanager
    def running(self) -> Iterator[CourtServer]:
        """Serve from a background thread for the duration of a `with` block."""
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()

    def serve_until_signalled(self) -> None:
        """Serve in this thread until SIGTERM or SIGINT."""

        def stop(signum: int, frame: FrameType | None) -> None:
            threading.Thread(target=self._server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self._server.serve_forever()
        self._server.server_close()

    # --- what a request gets ---------------------------------------------------------------

    def respond(self, path: str, headers: Any) -> tuple[str, int, dict[str, str], bytes]:
        """(kind, status, headers, body) for a data endpoint."""
        kind, body, changed = self._resource(path)
        if body is None:
            return kind, 404, {"Content-Type": JSON_TYPE}, b'{"Message":"Not found"}'
        out = {"Content-Type": JSON_TYPE}
        etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
        if self.validators in ("both", "etag"):
            out["ETag"] = etag
        if self.validators in ("both", "last-modified"):
            out["Last-Modified"] = format_datetime(changed, usegmt=True)
        if self._not_modified(headers, etag, changed):
            return kind, 304, out, b""
        return kind, 200, out, body

    def _resource(self, path: str) -> tuple[str, bytes | None, datetime]:
        if path in (self._prefix, self._prefix + "/"):
            return "list", self._list_body, COURT_CHANGED
        if not path.startswith(self._prefix + "/"):
            return "other", None, COURT_CHANGED
        parts = path[len(self._prefix) + 1 :].split("/")
        if len(parts) == 1:
            document = self.court.document(parts[0])
            if document is None:
                return "document", None, COURT_CHANGED
            return "document", _json(document), self._changed(parts[0])
        if len(parts) == 2 and parts[1] == HISTORY:
            history = self.court.history(parts[0])
            if history is None:
                return "history", None, COURT_CHANGED
            return "history", _json(history), self._changed(parts[0])
        return "other", None, COURT_CHANGED

    def _changed(self, number: str) -> datetime:
        changed = self.court.last_change(number)
        assert changed is not None
        return changed.replace(microsecond=0)

    def _not_modified(self, headers: Any, etag: str, changed: datetime) -> bool:
        match = headers.get("If-None-Match")
        if self.validators in ("both", "etag") and match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return "*" in tags or etag in tags
        since = headers.get("If-Modified-Since")
        if self.validators in ("both", "last-modified") and since is not None:
            try:
                when = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return when.tzinfo is not None and changed <= when
        return False

    # --- control ---------------------------------------------------------------------------

    def control(self, path: str, query: str) -> tuple[int, bytes]:
        """A `/_bench/...` endpoint: (status, JSON body)."""
        if path == "/_bench/stats":
            return 200, _json(self.stats())
        if path == "/_bench/reset":
            with self._lock:
                self.counts.clear()
                self.bytes_sent = 0
            return 200, _json({"reset": True})
        if path == "/_bench/mutate":
            params = parse_qs(query)
            try:
                fraction = float(params.get("fraction", ["0.02"])[0])
                seed = int(params.get("seed", ["7"])[0])
                numbers = self.court.mutate(fraction, seed)
            except ValueError as exc:
                return 400, _json({"error": str(exc)})
            with self._lock:
                self.mutations += 1
            return 200, _json({"changed": len(numbers), "numbers": numbers})
        return 404, _json({"error": f"no control endpoint {path}"})

    def stats(self) -> dict[str, Any]:
        """Requests by kind and status, and totals."""
        with self._lock:
            counts = dict(self.counts)
            sent = self.bytes_sent
        kinds: dict[str, dict[str, int]] = {}
        for (kind, status), count in sorted(counts.items()):
            kinds.setdefault(kind, {})[str(status)] = count
        return {
            "requests": kinds,
            "total": sum(counts.values()),
            "body_bytes": sent,
            "documents": self.court.documents,
            "validators": self.validators,
            "delay": self.delay,
            "mutations": self.mutations,
        }

    def count(self, kind: str, status: int, size: int) -> None:
        with self._lock:
            self.counts[kind, status] += 1
            self.bytes_sent += size


def _handler(server: CourtServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: every response but a 304 has Content-Length
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stalls

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path.startswith("/_bench/"):
                status, body = server.control(parts.path, parts.query)
                self._send(status, {"Content-Type": JSON_TYPE}, body)
                return
            kind, status, headers, body = server.respond(parts.path, self.headers)
            if server.delay:
                time.sleep(server.delay)
            server.count(kind, status, len(body))
            self._send(status, headers, body)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")
