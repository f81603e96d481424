"""Running the review page: in the foreground (`legistrack serve`) or on a thread of the daemon."""

from __future__ import annotations

import getpass
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable

import uvicorn

from .app import create_app
from .data import Config, Data
from .security import Guard, SetupError

logger = logging.getLogger(__name__)


def local_user() -> str:
    """Whose name actions carry when the page needs no sign-in: the server's user, as the CLI's
    `--by` default."""
    return os.environ.get("USER") or getpass.getuser() or "unknown"


def build_server(
    config: Config, host: str, port: int, on_ready: Callable[[str], None] | None = None
) -> tuple[uvicorn.Server, Data]:
    """The server, not yet started: settings checked (SetupError), database reachable."""
    guard = Guard.build(config.web, host, port, local_user())
    data = Data(config)
    app = create_app(data, guard)
    settings = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = _Server(settings, on_ready)
    return server, data


class _Server(uvicorn.Server):
    """uvicorn's server, saying its address once it listens (so port 0 can be used)."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None] | None) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.on_ready is not None and self.servers:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            self.on_ready(f"http://{shown}:{port}/")


def serve(config: Config, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM (uvicorn's own handlers stop it cleanly)."""
    server, data = build_server(config, host, port, lambda url: say(f"review page at {url}"))
    # uvicorn stops on SIGINT/SIGTERM, then raises the signal again for the handler it found:
    # this one lets the command end with status 0, as the daemon does.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: None)
    try:
        server.run()
        say("review page: stopped")
    except SystemExit:  # uvicorn exits when it cannot listen, after logging why
        raise SetupError(f"serve: cannot listen on {host}:{port}") from None
    finally:
        data.close()


class Background:
    """The review page on a thread of the daemon; `start` returns once it listens (or raises
    SetupError when it cannot), `stop` ends it and waits."""

    def __init__(self, config: Config, say: Callable[[str], None]) -> None:
        web = config.web
        self.where = f"{web.host}:{web.port}"
        self.ready = threading.Event()

        def listening(url: str) -> None:
            say(f"legistrack daemon: review page at {url}")
            self.ready.set()

        self.server, self.data = build_server(config, web.host, web.port, listening)
        self.thread = threading.Thread(target=self.server.run, name="review-page", daemon=True)

    def start(self) -> None:
        self.thread.start()
        while not self.ready.wait(0.05):
            if not self.thread.is_alive():  # uvicorn logged why, then gave up
                self.data.close()
                raise SetupError(f"web: the review page cannot listen on {self.where}")

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.data.close()
