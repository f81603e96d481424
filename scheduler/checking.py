"""The staleness check: read every configured note, judge it against the record, store alerts,
and send the new ones."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.config import Config, configured_sources
from models.legislature.calendar import EASTERN
from models.legislature.sanity import latest_possible
from models.notes.citations import Citer, NoteCitations, note_facts
from models.notes.reading import Note, NoteError, find_notes, read_note
from models.reports.notecheck import known_bills, load_news, load_orders, load_records
from models.rules.sources import SOURCES_NOTE, failing_findings
from models.rules.staleness import Finding, check_note, new_orders
from models.storage import alerts as alert_store
from models.storage.db import session_scope
from models.storage.health import source_health
from models.storage.schema import Alert

from . import notify

logger = logging.getLogger(__name__)
ORDERS_NOTE = "(executive orders)"  # the "note" of new_order alerts: no note cites them yet


@dataclass
class NoteResult:
    name: str
    note: Note
    citations: NoteCitations
    findings: list[Finding]


@dataclass
class CheckReport:
    results: list[NoteResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per note that could not be read
    new: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    delivered: int = 0
    unsent: int = 0  # alerts left undelivered by this check (failed, or over the budget)
    delivery_error: str | None = None

    @property
    def stale(self) -> list[NoteResult]:
        return [r for r in self.results if r.findings]

    @property
    def undated(self) -> list[NoteResult]:
        return [r for r in self.results if r.note.undated]


UNDATED_HINT = 'add a date: a "Last updated: <date>" line, or front matter last_updated'


def undated_problem(note: Note) -> str:
    """What is said of a note without a date in its text or front matter, wherever it is judged."""
    since = "last commit" if note.date_source == "git" else "modification time"
    return f"undated: judged as of the file's {since} ({note.date}); {UNDATED_HINT}"


def undated_error(path: Path) -> str:
    """The error line of an undated note under `[notes] require_date = true`."""
    required = "([notes] require_date = true)"
    return f"{path}: undated: no date in its text or front matter {required}; {UNDATED_HINT}"


def note_name(path: Path, config: Config, folders: dict[Path, Path] | None = None) -> str:
    """How alerts name a note: relative to the config's folder when inside it. `folders` keeps
    folders resolved during one check (a file that is no link resolves inside its folder)."""
    base = config.path.parent if config.path else Path.cwd()
    if folders is None or path.is_symlink():
        resolved = path.resolve()
    else:
        if path.parent not in folders:
            folders[path.parent] = path.parent.resolve()
        resolved = folders[path.parent] / path.name
    try:
        return str(resolved.relative_to(base))
    except ValueError:
        return str(resolved)


def evaluate(
    session: Session, config: Config, paths: Sequence[Path], now: datetime
) -> tuple[list[NoteResult], list[str]]:
    """Findings for the notes under `paths` (read-only); unreadable notes become error lines, and
    so do undated ones when `[notes] require_date` is set."""
    files, problems = find_notes(list(paths))
    errors = [str(p) for p in problems]
    records = load_records(session, config, now)
    citer = Citer(config, known_bills(records))
    orders, news = load_orders(session), load_news(session)
    folders: dict[Path, Path] = {}
    results = []
    for path in files:
        try:
            note = read_note(path)
        except NoteError as exc:
            errors.append(str(exc))
            continue
        if note.date is not None and note.date > latest_possible(now):
            # Every rule reads the note's date; one from the future would judge nothing right.
            errors.append(
                f"{path}: dated {note.date} (from {note.date_from or note.date_source}), "
                f"after today ({now.astimezone(EASTERN).date()}): fix the note's date"
            )
            continue
        if note.undated and config.notes.require_date:
            errors.append(undated_error(path))
            continue
        name = note_name(path, config, folders)
        citations = citer.cite(note)
        found = check_note(note_facts(note, name, citations), records, now, orders, news)
        findings = [f for f in found if f.rule in config.rules]
        results.append(NoteResult(name, note, citations, findings))
    return results, errors


def run_check(
    engine: Engine,
    config: Config,
    now: datetime,
    send: bool = True,
    stopping: threading.Event | None = None,
) -> CheckReport:
    """The full check: evaluate every configured note, store alerts, send the undelivered ones
    (within the notification budget; none once `stopping` is set)."""
    report = CheckReport()
    with session_scope(engine) as session:
        report.results, report.errors = evaluate(session, config, config.notes.paths, now)
        unreadable = {e.split(": ", 1)[0] for e in report.errors}
        outcomes = alert_store.record_all(
            session, {result.name: result.findings for result in report.results}, now
        )
        for outcome in outcomes.values():
            report.new += [a.id for a in outcome.new + outcome.reopened]
            report.resolved += [a.id for a in outcome.resolved]
        if "new_order" in config.rules:
            fresh = new_orders(load_orders(session))
            outcome = alert_store.record_findings(session, ORDERS_NOTE, fresh, now)
            session.flush()
            report.new += [a.id for a in outcome.new + outcome.reopened]
        healths = [source_health(session, source) for source in configured_sources(config)]
        failing = failing_findings(healths, config.schedule.failures_before_alert)
        outcome = alert_store.record_findings(session, SOURCES_NOTE, failing, now)
        session.flush()
        report.new += [a.id for a in outcome.new + outcome.reopened]
        report.resolved += [a.id for a in outcome.resolved]
        present = (
            {r.name for r in report.results}
            | {ORDERS_NOTE, SOURCES_NOTE}
            | {note_name(Path(u), config) for u in unreadable}
        )
        report.resolved += [a.id for a in alert_store.resolve_notes_gone(session, present, now)]
    if send and config.alerts.notify:
        deliver(engine, config, now, report, stopping)
    return report


def deliver(
    engine: Engine,
    config: Config,
    now: datetime,
    report: CheckReport,
    stopping: threading.Event | None = None,
) -> None:
    """Send every open alert not yet delivered, within `alerts.notify_budget` seconds in all
    (and not at all once `stopping` is set). A failed or unsent alert stays undelivered and is
    sent at the next check: never lost."""
    deadline = time.monotonic() + config.alerts.notify_budget
    with session_scope(engine) as session:
        pending = alert_store.undelivered(session)
        if not pending:
            return
        batches: list[list[Alert]] = [pending] if config.alerts.digest else [[a] for a in pending]
        for index, batch in enumerate(batches):
            left = deadline - time.monotonic()
            if left <= 0 or (stopping is not None and stopping.is_set()):
                unsent = sum(len(b) for b in batches[index:])
                why = "stopping" if left > 0 else (
                    f"the notification budget ({config.alerts.notify_budget:.0f} s) is spent"
                )  # fmt: skip
                report.delivery_error = f"{why}: {unsent} alerts not sent now" + _also(
                    report.delivery_error
                )
                report.unsent += unsent
                return
            title, body = (
                notify.digest_message(batch)
                if config.alerts.digest
                else notify.alert_message(batch[0])
            )
            result = notify.send_within(config.alerts.notify, title, body, left, stopping)
            alert_store.mark_delivery(batch, result.ok, result.error, now)
            if result.ok:
                report.delivered += len(batch)
            else:
                report.unsent += len(batch)
                report.delivery_error = result.error


def _also(earlier: str | None) -> str:
    return f" (before that: {earlier})" if earlier else ""
