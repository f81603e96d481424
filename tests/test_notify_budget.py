"""A notification endpoint that never answers (issue 15, item 11): a check spends at most
`alerts.notify_budget` on sending, the daemon stops promptly on SIGTERM while a message hangs,
and no alert is lost: what was not sent goes out at the next check. Real processes, a real
database, a local endpoint that accepts connections and never answers."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Project, Receiver
from .test_alerts_cli import alerts, notes_project  # noqa: F401 (a fixture)
from .test_daemon import SCHEDULE, start_daemon


class Silent:
    """127.0.0.1:PORT that accepts every connection, reads nothing and never answers."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self.connected = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with self.connected:
                self.connections.append(conn)
                self.connected.notify_all()

    def wait_for(self, count: int, limit: float = 120) -> None:
        with self.connected:
            assert self.connected.wait_for(lambda: len(self.connections) >= count, limit)

    def close(self) -> None:
        self.server.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    endpoint = Silent()
    try:
        yield endpoint
    finally:
        endpoint.close()


def notify_to(project: Project, url: str, extra: str = "") -> None:
    """Point [alerts] notify at `url` (the notes project has no [alerts] table of its own)."""
    body = project.config.read_text().split("\n[alerts]\n")[0]
    project.config.write_text(f'{body}\n[alerts]\nnotify = ["{url}"]\n{extra}')


def test_a_check_spends_at_most_its_budget_then_the_next_check_sends(
    notes_project: Project,  # noqa: F811
    silent: Silent,
    receiver: Receiver,
) -> None:
    # rto=60: apprise itself would wait a minute for each of the two alerts.
    # A budget of 10 s: room for apprise to load its plugins on a busy machine, and still far
    # below what one unanswered message would cost without it.
    notify_to(notes_project, f"json://{silent.address}/hook?rto=60", "notify_budget = 10\n")
    notes_project.run("crawl", "--no-check", check=True)
    started = time.monotonic()
    result = notes_project.run("check", check=True)
    took = time.monotonic() - started
    assert "Traceback" not in result.err
    assert "notification failed (will retry at the next check)" in result.out
    assert "the notification budget (10 s) is spent: 1 alerts not sent now" in result.out
    assert "no answer within the notification budget (10 s)" in result.out
    silent.wait_for(1)
    assert len(silent.connections) == 1  # the second alert was not even tried
    assert took < 60, took  # the budget, not apprise's minute per alert (startup is the rest)
    found = alerts(notes_project)
    assert len(found) == 2 and all(a["notified_at"] is None for a in found)
    # The endpoint answers again: both go out at the next check, none lost.
    notify_to(notes_project, f"json://{receiver.url}/hook")
    assert "notified 2 alerts" in notes_project.run("check", check=True).out
    assert len(receiver.messages) == 2
    assert all(a["notified_at"] for a in alerts(notes_project))


def test_the_daemon_stops_promptly_while_a_notification_hangs(
    tmp_path: Path,
    notes_project: Project,  # noqa: F811
    silent: Silent,
    receiver: Receiver,
) -> None:
    notify_to(notes_project, f"json://{silent.address}/hook?rto=60")
    notes_project.config.write_text(notes_project.config.read_text() + SCHEDULE)
    proc, out = start_daemon(notes_project)
    try:
        silent.wait_for(1)  # the daemon is sending the first alert, and will get no answer
        sent_at = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=45)  # systemd's TimeoutStopSec is 60
        took = time.monotonic() - sent_at
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = out.wait_for(lambda lines: "legistrack daemon: stopped" in lines)
    assert code == 0, lines
    assert took < 15, (took, lines)  # stop_grace (5 s) bounds it; the hanging send does not
    assert not any("Traceback" in line for line in lines), lines
    assert len(silent.connections) == 1  # nothing more was tried once stopping
    # Nothing lost: both alerts are still to be delivered, and the next check delivers them.
    assert all(a["notified_at"] is None for a in alerts(notes_project))
    notify_to(notes_project, f"json://{receiver.url}/hook")
    assert "notified 2 alerts" in notes_project.run("check", check=True).out
