"""What the review page adds to models, and its commands: stage steps for the timeline, the
chapter of a signed law, alert kinds and search, migration 0009, `serve` and the daemon's page."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import text

from models.legislature.stages import chapter_of, stage_steps
from models.storage.db import alembic_config, make_engine, session_scope
from models.storage.records import ActionRow
from models.storage.review import AlertFilter, find_alerts, subject_kind
from scheduler.cli import cli
from scheduler.web.security import check_password

from .conftest import legistrack_bin, run_cli, write_config

EASTERN_NOON = "T16:00:00+00:00"


def rows(*items: tuple[str, str, str]) -> list[ActionRow]:
    return [ActionRow(datetime.fromisoformat(d + EASTERN_NOON), b, a) for d, b, a in items]


SIGNED = rows(
    ("2025-02-01", "House", "Referred to the committee on the Judiciary"),
    (
        "2025-03-01",
        "House",
        "Reporting date extended to Friday March 21, 2025, pending concurrence",
    ),
    ("2025-05-01", "House", "Read third and passed to be engrossed"),
    ("2025-05-08", "Senate", "Read third and passed to be engrossed in concurrence"),
    ("2025-05-15", "House", "Enacted and laid before the Governor"),
    ("2025-05-20", "Executive", "Signed by the Governor, Chapter 139 of the Acts of 2025"),
)


def test_stage_steps_are_the_changes_of_stage_in_order() -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    steps = stage_steps(SIGNED, 999, now)
    assert [(s.date.date().isoformat(), s.stage) for s in steps] == [
        ("2025-02-01", "in_committee"),
        ("2025-05-01", "passed_house"),
        ("2025-05-08", "passed_both"),
        ("2025-05-15", "enacted"),
        ("2025-05-20", "signed"),
    ]
    assert steps[-1].action == "Signed by the Governor, Chapter 139 of the Acts of 2025"
    assert stage_steps([], 999, now) == []


def test_stage_steps_end_with_the_session_when_the_court_ended_first() -> None:
    open_bill = SIGNED[:2]
    after_court = datetime(3637, 2, 1, tzinfo=UTC)  # made-up court 999 sat in 3635-3636
    steps = stage_steps(open_bill, 999, after_court)
    assert [s.stage for s in steps] == ["in_committee", "dead"]
    assert steps[-1].date.year == 3637 and "999th General Court" in (steps[-1].action or "")


@pytest.mark.parametrize(
    ("action", "chapter"),
    [
        ("Signed by the Governor, Chapter 139 of the Acts of 2024", ("139", 2024)),
        ("Enacted Chapter 163 of the Acts of 2026", ("163", 2026)),
        ("Signed by the Governor, chapter 54 of the acts of 2022", ("54", 2022)),
        ("Referred to the committee on the Judiciary", None),
        ("Chapter 90 hearing scheduled", None),
    ],
)
def test_chapter_of_a_signing_row(action: str, chapter: tuple[str, int] | None) -> None:
    assert chapter_of(action) == chapter


@pytest.mark.parametrize(
    ("note", "subject", "kind"),
    [
        ("notes/a.md", "194:H.5316", "bill"),
        ("notes/a.md", "193:SD.1107", "bill"),
        ("notes/a.md", "PROTECT Act", "measure"),
        ("notes/a.md", "EO 650", "order"),
        ("(executive orders)", "EO 651", "order"),
        ("notes/a.md", "(note)", "note"),
        ("(sources)", "legislature", "source"),
    ],
)
def test_subject_kinds(note: str, subject: str, kind: str) -> None:
    assert subject_kind(note, subject) == kind


def test_migration_0009_keeps_alerts_and_adds_outcomes(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0008")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO alerts (note, subject, rule, evidence_key, severity, state, message,"
                " note_says, record_says, detected_at, last_seen_at, notify_attempts) VALUES"
                " ('n.md', '999:H.1', 'review_due', 'k', 'review', 'resolved', 'm', 's', 'r',"
                " '2025-01-01 00:00:00', '2025-01-01 00:00:00', 0)"
            )
        )
    command.upgrade(config, "head")
    with session_scope(engine) as session:
        found = find_alerts(session, AlertFilter(state="all", q="100%_"), datetime.now(UTC))
        assert found == []  # % and _ are searched as text
        (alert,) = find_alerts(session, AlertFilter(state="resolved"), datetime.now(UTC))
        assert alert.subject == "999:H.1" and alert.outcome is None
    command.downgrade(config, "0008")
    command.upgrade(config, "head")
    engine.dispose()


def test_serve_refuses_to_expose_the_page_without_sign_in(
    tmp_path: Path, database_url: str
) -> None:
    config = write_config(tmp_path, database_url, "http://127.0.0.1:9", {})
    result = run_cli("--config", str(config), "serve", "--host", "0.0.0.0")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "legistrack: error: serve: --host 0.0.0.0 would expose the review page without sign-in; "
        "set [web] auth to token, users or proxy (or bind 127.0.0.1)"
    ]


def test_serve_hash_password_prints_a_hash_only() -> None:
    result = CliRunner().invoke(cli, ["serve", "--hash-password"], input="pw one\npw one\n")
    assert result.exit_code == 0
    hashed = result.output.strip().splitlines()[-1]
    assert hashed.startswith("pbkdf2_sha256$") and check_password("pw one", hashed)


def test_the_daemon_serves_the_page_when_enabled(tmp_path: Path, database_url: str) -> None:
    config = write_config(
        tmp_path, database_url, "http://127.0.0.1:9", {}, "[web]\nenabled = true\nport = 0\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    proc = subprocess.Popen(
        [legistrack_bin(), "--config", str(config), "daemon"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    stderr = proc.stderr
    threading.Thread(target=lambda: [lines.put(x) for x in stderr], daemon=True).start()
    try:
        url = None
        while url is None:
            line = lines.get(timeout=60)
            found = re.search(r"review page at (http://\S+)", line)
            url = found.group(1) if found else None
        with urllib.request.urlopen(url + "api/alerts", timeout=10) as response:
            assert response.status == 200 and response.read() == b"[]"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


def test_the_daemon_refuses_a_page_it_cannot_serve_safely(
    tmp_path: Path, database_url: str
) -> None:
    web = '[web]\nenabled = true\nhost = "0.0.0.0"\n'
    config = write_config(tmp_path, database_url, "http://127.0.0.1:9", {}, web)
    result = run_cli("--config", str(config), "daemon")
    assert result.code == 2
    assert (
        result.err.strip()
        .splitlines()[-1]
        .startswith(
            f"legistrack: error: {config}: serve: --host 0.0.0.0 would expose the review page"
        )
    )


def test_the_daemon_says_when_the_page_cannot_listen(tmp_path: Path, database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        web = f"[web]\nenabled = true\nport = {port}\n"
        config = write_config(tmp_path, database_url, "http://127.0.0.1:9", {}, web)
        result = run_cli("--config", str(config), "daemon")
    assert result.code == 2
    assert result.err.strip().splitlines()[-1] == (
        f"legistrack: error: {config}: web: the review page cannot listen on 127.0.0.1:{port}"
    )


def test_serve_says_when_it_cannot_listen(tmp_path: Path, database_url: str) -> None:
    config = write_config(tmp_path, database_url, "http://127.0.0.1:9", {})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--config", str(config), "serve", "--port", str(port))
    assert result.code == 2
    last = result.err.strip().splitlines()[-1]
    assert last == f"legistrack: error: serve: cannot listen on 127.0.0.1:{port}"
