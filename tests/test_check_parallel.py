"""A check shares its notes with a forked helper process: the same results as one process, on
both databases; small checks stay in one process; the helper never outlives the check (an error,
Ctrl-C, its own death), and works when the check runs in a thread (the daemon, the web server)."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from models.config import load_config
from models.notes.reading import NoteError
from models.storage.db import make_engine, session_scope
from models.storage.schema import Alert, AlertEvent
from scheduler import checking
from scheduler.checking import NoteResult, evaluate, run_check
from scheduler.helper import Helper

from .conftest import Project
from .test_court_wide import NOTES, T0, stored_project

# Constructed notes over the constructed bills of tests/test_court_wide.py (court 999 and 998).
EXTRA = {
    "f.md": "Last updated: March 1, 2025\n\n- H.10 passed the Senate on May 7, 2025.\n",
    "g.md": "# No date at all\n\n- H.9 is pending in committee.\n",  # mtime: after "now"
    "h.md": "Last updated: March 1, 2099\n\n- H.10 is pending.\n",  # from the future: an error
    "i.md": "---\nlast_updated: [unclosed\n---\n- H.10\n",  # front matter that is no YAML
    "j.md": "Last updated: March 1, 2025\n\n- Senate Bill No. 2 died in committee.\n",
}


@pytest.fixture
def stored(tmp_path: Path, database_url: str) -> Iterator[Project]:
    notes = '[notes]\npaths = ["notes"]\n[alerts]\nnotify = []\n'
    project = stored_project(tmp_path, database_url, notes)
    folder = tmp_path / "notes"
    for copy in range(12):  # 120 notes in 12 folders
        sub = folder / f"{copy:02d}"
        sub.mkdir(parents=True)
        for name, text in {**NOTES, **EXTRA}.items():
            (sub / name).write_text(text, encoding="utf-8")
    yield project


def checked(project: Project, shared: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    started: list[bool] = []
    real_start = Helper.start

    def start(helper: Helper) -> bool:
        started.append(real_start(helper))
        return started[-1]

    monkeypatch.setattr(Helper, "start", start)
    monkeypatch.setattr(checking, "PARALLEL_MIN_NOTES", 1 if shared else 10**9)
    monkeypatch.setattr(checking, "CHUNKS", 17)  # chunks of 8 notes, some taken by each process
    config = load_config(project.config)
    engine = make_engine(project.database_url)
    try:
        with session_scope(engine) as session:
            results, errors = evaluate(session, config, [project.folder / "notes"], T0 + (
                timedelta(days=500)))  # fmt: skip
    finally:
        engine.dispose()
    assert started == ([True] if shared else [])
    return results, errors


def test_shared_and_one_process_checks_are_identical(
    stored: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, alone_errors = checked(stored, False, monkeypatch)
    shared, shared_errors = checked(stored, True, monkeypatch)
    # g.md (judged as of its modification time, after this check's "now"), h.md, i.md: errors
    assert len(alone) == 84 and len(alone_errors) == 36
    assert [_result(r) for r in shared] == [_result(r) for r in alone]
    assert [(e.path, str(e)) for e in shared_errors] == [(e.path, str(e)) for e in alone_errors]
    assert sum(len(r.findings) for r in alone) > 100  # not trivially clean


def test_shared_and_one_process_checks_store_the_same_alerts(
    stored: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(stored.config)
    engine = make_engine(stored.database_url)
    stored_rows = []
    try:
        for threshold in (10**9, 1):  # one process, then shared
            monkeypatch.setattr(checking, "PARALLEL_MIN_NOTES", threshold)
            monkeypatch.setattr(checking, "CHUNKS", 17)
            run_check(engine, config, T0 + timedelta(days=500), send=False)
            with session_scope(engine) as session:
                alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
                stored_rows.append([_alert(alert) for alert in alerts])
                session.execute(delete(AlertEvent))
                session.execute(delete(Alert))
    finally:
        engine.dispose()
    assert len(stored_rows[0]) > 100
    assert stored_rows[1] == stored_rows[0]


def _alert(alert: Alert) -> tuple[Any, ...]:
    return tuple(
        getattr(alert, column)
        for column in ("note", "subject", "rule", "evidence_key", "severity", "state", "message",
                       "note_says", "record_says", "evidence_date", "source_url")
    )  # fmt: skip


def _result(result: NoteResult) -> tuple[Any, ...]:
    return result.name, result.note, result.citations, result.findings, result.web


def test_a_small_check_stays_in_one_process(
    stored: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise AssertionError("a check of 120 notes forked")

    monkeypatch.setattr(os, "fork", no_fork)
    config = load_config(stored.config)
    engine = make_engine(stored.database_url)
    try:
        with session_scope(engine) as session:
            now = T0 + timedelta(days=500)
            results, _ = evaluate(session, config, [stored.folder / "notes"], now)
    finally:
        engine.dispose()
    assert len(results) == 84 and checking.PARALLEL_MIN_NOTES == 500


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # reaped: neither running nor a zombie
    return False


def test_every_chunk_is_done_once_by_one_process_or_the_other(tmp_path: Path) -> None:
    claimed_here, claimed_there = tmp_path / "claimed-here", tmp_path / "claimed-there"

    def wait_for(flag: Path) -> None:
        deadline = time.monotonic() + 60
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.001)

    def work(chunk: int) -> tuple[int, int]:
        # Each side holds its first chunk until the other has claimed one: both do some,
        # however the two processes are scheduled (events, not times).
        claimed_there.touch()
        wait_for(claimed_here)
        return os.getpid(), chunk * chunk

    with Helper(40, work) as helper:
        assert helper.start()
        pid = helper.pid
        done: dict[int, tuple[int, int]] = {}
        while (chunk := helper.claim()) is not None:
            claimed_here.touch()
            wait_for(claimed_there)
            done[chunk] = (os.getpid(), chunk * chunk)
            done.update(helper.finished())
        done.update(helper.finished(wait=True))
    assert sorted(done) == list(range(40))
    assert all(square == chunk * chunk for chunk, (_, square) in done.items())
    assert {who for who, _ in done.values()} == {os.getpid(), pid}  # both did some
    assert pid is not None and _gone(pid)


def test_a_silent_helper_is_ended_and_its_chunks_done_here() -> None:
    """A helper that hangs (here: sleeps on its first chunk) cannot hang the check."""
    parent = os.getpid()

    def work(chunk: int) -> int:
        if os.getpid() != parent:
            time.sleep(3600)
        return chunk

    with Helper(6, work) as helper:
        helper.silence = 0.5
        assert helper.start()
        pid = helper.pid
        done = {}
        while (chunk := helper.claim()) is not None:
            done[chunk] = work(chunk)
        for chunk, result in helper.finished(wait=True):
            assert result is None  # the helper finished nothing: done here
            done[chunk] = work(chunk)
    assert sorted(done) == list(range(6))
    assert pid is not None and _gone(pid)


def test_chunks_a_dead_helper_left_are_done_here() -> None:
    with Helper(10, lambda chunk: os._exit(3)) as helper:  # dies on its first chunk
        assert helper.start()
        pid = helper.pid
        done = []
        while (chunk := helper.claim()) is not None:
            done.append(chunk)
            time.sleep(0.01)
        for chunk, result in helper.finished(wait=True):
            assert result is None
            done.append(chunk)
    assert sorted(done) == list(range(10))
    assert pid is not None and _gone(pid)


def test_an_error_here_ends_the_helper() -> None:
    helper = Helper(5, lambda chunk: time.sleep(30))
    with pytest.raises(KeyboardInterrupt), helper:
        assert helper.start()
        pid = helper.pid
        raise KeyboardInterrupt
    assert pid is not None and _gone(pid)


def test_without_a_helper_every_chunk_is_claimed_here_in_order() -> None:
    with Helper(1, lambda chunk: chunk) as helper:
        assert not helper.start()  # one chunk: nothing to share
        assert [helper.claim(), helper.claim()] == [0, None]
        assert list(helper.finished(wait=True)) == []


def test_a_helper_forked_from_a_thread_works() -> None:
    found: list[list[int]] = []

    def check() -> None:
        with Helper(20, lambda chunk: chunk) as helper:
            helper.start()
            done = []
            while (chunk := helper.claim()) is not None:
                done.append(chunk)
                time.sleep(0.005)
            done += [chunk for chunk, _ in helper.finished(wait=True)]
            found.append(sorted(done))

    thread = threading.Thread(target=check)
    thread.start()
    thread.join(30)
    assert found == [list(range(20))]


CTRL_C = """
import os, signal, sys, time
# As at a terminal: a process started in the background of a script inherits SIGINT ignored,
# and Python then installs no KeyboardInterrupt handler (the test must not depend on that).
signal.signal(signal.SIGINT, signal.default_int_handler)
from scheduler.helper import Helper
with Helper(4, lambda chunk: time.sleep(60)) as helper:
    helper.start()
    print(helper.pid, flush=True)
    time.sleep(60)
"""


def test_ctrl_c_ends_the_check_and_its_helper() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", CTRL_C],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    helper = int(process.stdout.readline())
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    assert process.wait(20) != 0
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{helper}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{helper}")


def test_a_note_error_crosses_processes_unchanged() -> None:
    error = NoteError(Path("notes/a.md"), "x" * 1000)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.problem, str(copy)) == (error.path, error.problem, str(error))
