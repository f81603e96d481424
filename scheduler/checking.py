"""The staleness check: read every configured note, judge it against the record, store alerts,
and send the new ones."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import collector
from models.config import Config, configured_sources
from models.legislature.calendar import EASTERN
from models.legislature.sanity import latest_possible
from models.notes.citations import Citer, NoteCitations, note_facts
from models.notes.reading import Note, NoteError, find_notes, read_note
from models.notes.web import WebNote, judged_version
from models.reports.notecheck import known_bills, load_news, load_orders, load_records
from models.rules.sources import SOURCES_NOTE, SourceHealth, failing_findings
from models.rules.staleness import (
    Finding,
    NewsRecord,
    OrderRecord,
    SubjectRecord,
    check_note,
    new_orders,
)
from models.storage import alerts as alert_store
from models.storage.db import session_scope
from models.storage.health import source_health
from models.storage.webnotes import edit_links

from . import notify
from .helper import Helper, cores
from .locks import DatabaseLock
from .webnotes import page_health, stored_web_notes

logger = logging.getLogger(__name__)
CHECK_WAIT = 600.0  # seconds a check waits for another check of the same database
ORDERS_NOTE = "(executive orders)"  # the "note" of new_order alerts: no note cites them yet
# Allocations between two young-generation collections during a check (Python's default is 700).
CHECK_GC_THRESHOLD = 50_000
# A check of this many notes or more shares them with a helper process (on a second core).
PARALLEL_MIN_NOTES = 500
CHUNKS = 200  # the notes are taken in this many chunks, by whichever process is free


@dataclass
class NoteResult:
    name: str
    note: Note
    citations: NoteCitations
    findings: list[Finding]
    web: WebNote | None = None  # a note published on the web (its name is the page URL)


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


def undated_error(path: Path) -> NoteError:
    """The error of an undated note under `[notes] require_date = true`."""
    required = "([notes] require_date = true)"
    problem = f"undated: no date in its text or front matter {required}; {UNDATED_HINT}"
    return NoteError(path, problem)


def note_name(path: Path, config: Config, folders: dict[Path, str] | None = None) -> str:
    """How alerts name a note: relative to the config's folder when inside it. `folders` keeps,
    during one check, what each folder's notes are named under (a file that is no link resolves
    inside its folder), so that a note costs one lstat, not a resolution and path arithmetic."""
    base = config.path.parent if config.path else Path.cwd()
    if folders is None or path.is_symlink():
        # A link loop resolves as far as it goes.
        return _relative(Path(os.path.realpath(path)), base)
    parent = path.parent
    prefix = folders.get(parent)
    if prefix is None:
        folder = _relative(Path(os.path.realpath(parent)), base)
        prefix = folders[parent] = "" if folder == "." else folder.rstrip("/") + "/"
    return prefix + path.name


def _relative(resolved: Path, base: Path) -> str:
    try:
        return str(resolved.relative_to(base))
    except ValueError:
        return str(resolved)


def evaluate(
    session: Session,
    config: Config,
    paths: Sequence[Path],
    now: datetime,
    web: Sequence[WebNote] = (),
) -> tuple[list[NoteResult], list[NoteError]]:
    """Findings for the notes under `paths` and the web notes `web` (read-only); a note that
    cannot be read or checked becomes its one error line (so does an undated note file when
    `[notes] require_date` is set), and the others are checked all the same."""
    with fewer_collections():
        return _evaluate(session, config, paths, now, web)


def fewer_collections() -> AbstractContextManager[None]:
    """The cyclic garbage collector triggered less often during a check. A check builds
    hundreds of thousands of small objects that live until it ends (the court's records, each
    note's citations and findings); at the default threshold the collector ran about 1,400 times
    in a check of 10,000 notes, about a tenth of its CPU, finding little to free."""
    return collector.fewer_collections(CHECK_GC_THRESHOLD)


def _evaluate(
    session: Session,
    config: Config,
    paths: Sequence[Path],
    now: datetime,
    web: Sequence[WebNote],
) -> tuple[list[NoteResult], list[NoteError]]:
    files, errors = find_notes(list(paths))
    citer = Citer(config, known_bills(session, config))
    folders: dict[Path, str] = {}
    size = max(1, -(-len(files) // CHUNKS))
    chunks = [files[start : start + size] for start in range(0, len(files), size)]

    def read_chunk(chunk: int) -> list[_Read | NoteError]:
        return [_read(path, config, citer, folders) for path in chunks[chunk]]

    done: dict[int, list[NoteResult | NoteError]] = {}
    with Helper(len(chunks), read_chunk) as helper:
        if len(files) >= PARALLEL_MIN_NOTES and cores() >= 2:
            helper.start()  # it reads and cites notes while the bills load here
        records = load_records(session, config, now)
        orders, news = load_orders(session), load_news(session)

        def judge(chunk: int, read: list[_Read | NoteError] | None) -> None:
            done[chunk] = [
                _judge(one, config, records, now, orders, news)
                for one in (read_chunk(chunk) if read is None else read)
            ]

        while (mine := helper.claim()) is not None:
            for chunk, read in helper.finished():
                judge(chunk, read)
            judge(mine, None)
        for chunk, read in helper.finished(wait=True):
            judge(chunk, read)
    results = []
    for chunk in range(len(chunks)):  # in the order of the files, whoever read them
        for outcome in done[chunk]:
            if isinstance(outcome, NoteError):
                errors.append(outcome)
            else:
                results.append(outcome)
    for page in web:
        try:
            citations = citer.cite(page.note)
            facts = note_facts(page.note, page.url, citations)
            found = check_note(facts, records, now, orders, news)
        except Exception as exc:  # one page's surprise is that page's error, not the check's
            logger.debug("checking %s failed", page.url, exc_info=True)
            errors.append(NoteError(page.url, f"cannot be checked: {type(exc).__name__}: {exc}"))
            continue
        findings = [
            replace(f, note_says=judged_version(f.note_says, page.version))
            for f in found
            if f.rule in config.rules
        ]
        results.append(NoteResult(page.url, page.note, citations, findings, page))
    return results, errors


_Read = tuple[Note, str, NoteCitations]  # a note, its name, its citations


def _read(path: Path, config: Config, citer: Citer, folders: dict[Path, str]) -> _Read | NoteError:
    """A note file read and its citations found (no stored bill needed: the helper does this)."""
    try:
        note = read_note(path)
        return note, note_name(path, config, folders), citer.cite(note)
    except NoteError as exc:
        return exc
    except Exception as exc:  # one note's surprise is that note's error, not the check's
        logger.debug("checking %s failed", path, exc_info=True)
        return NoteError(path, f"cannot be checked: {type(exc).__name__}: {exc}")


def _judge(
    read: _Read | NoteError,
    config: Config,
    records: dict[str, SubjectRecord],
    now: datetime,
    orders: Sequence[OrderRecord],
    news: Sequence[NewsRecord],
) -> NoteResult | NoteError:
    """A read note judged against the record, or the error that stands for it."""
    if isinstance(read, NoteError):
        return read
    note, name, citations = read
    path = note.path
    try:
        found = check_note(note_facts(note, name, citations), records, now, orders, news)
    except NoteError as exc:
        return exc
    except Exception as exc:  # one note's surprise is that note's error, not the check's
        logger.debug("checking %s failed", path, exc_info=True)
        return NoteError(path, f"cannot be checked: {type(exc).__name__}: {exc}")
    if note.date is not None and note.date > latest_possible(now):
        # Every rule reads the note's date; one from the future would judge nothing right.
        return NoteError(
            path,
            f"dated {note.date} (from {note.date_from or note.date_source}), "
            f"after today ({now.astimezone(EASTERN).date()}): fix the note's date",
        )
    if note.undated and config.notes.require_date:
        return undated_error(path)
    findings = [f for f in found if f.rule in config.rules]
    return NoteResult(name, note, citations, findings)


def run_check(
    engine: Engine,
    config: Config,
    now: datetime,
    send: bool = True,
    stopping: threading.Event | None = None,
) -> CheckReport:
    """The full check: evaluate every configured note, store alerts, send the undelivered ones
    (within the notification budget; none once `stopping` is set).

    One check at a time per database: a second one (a `crawl` by hand while the daemon checks)
    waits for the first to finish, up to CHECK_WAIT seconds, saying so once."""
    lock = DatabaseLock(config.database_url, "check", "a check of the notes")
    lock.acquire(wait=CHECK_WAIT, waiting=_say_waiting)
    try:
        with fewer_collections():
            return _run_check(engine, config, now, send, stopping)
    finally:
        lock.release()


def _say_waiting() -> None:
    logger.warning("waiting for another check of this database to finish")


def _run_check(
    engine: Engine,
    config: Config,
    now: datetime,
    send: bool,
    stopping: threading.Event | None,
) -> CheckReport:
    report = CheckReport()
    with session_scope(engine) as session:
        web, gone = stored_web_notes(session, config)
        report.results, errors = evaluate(session, config, config.notes.paths, now, web)
        report.errors = [str(error) for error in errors]
        for url, reason in gone.items():
            report.resolved += [a.id for a in alert_store.resolve_note(session, url, reason, now)]
        outcomes = alert_store.record_all(
            session, {result.name: result.findings for result in report.results}, now
        )
        for outcome in outcomes.values():
            report.new += outcome.new + outcome.reopened
            report.resolved += outcome.resolved
        if "new_order" in config.rules:
            fresh = new_orders(load_orders(session))
            outcome = alert_store.record_findings(session, ORDERS_NOTE, fresh, now)
            session.flush()
            report.new += outcome.new + outcome.reopened
        healths: list[SourceHealth] = [
            source_health(session, source) for source in configured_sources(config)
        ]
        healths += page_health(session, config)
        failing = failing_findings(healths, config.schedule.failures_before_alert)
        outcome = alert_store.record_findings(session, SOURCES_NOTE, failing, now)
        session.flush()
        report.new += outcome.new + outcome.reopened
        report.resolved += outcome.resolved
        present = (
            {r.name for r in report.results}
            | {ORDERS_NOTE, SOURCES_NOTE}
            | {_error_name(error, config) for error in errors}
        )
        report.resolved += [a.id for a in alert_store.resolve_notes_gone(session, present, now)]
    if send and config.alerts.notify:
        deliver(engine, config, now, report, stopping)
    return report


def _error_name(error: NoteError, config: Config) -> str:
    """The note name an unreadable note's alerts are stored under (a file's, or a page's URL)."""
    return note_name(error.path, config) if isinstance(error.path, Path) else error.path


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
        edits = edit_links(session, {a.note for a in pending})
        link = config.web.base_url
        messages = (
            notify.digest_messages(pending, link, edits, notify.DIGEST_MAX)
            if config.alerts.digest
            else [([a], *notify.alert_message(a, link, edits.get(a.note))) for a in pending]
        )
        batches = [batch for batch, _, _ in messages]
        for index, (batch, title, body) in enumerate(messages):
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
            result = notify.send_within(config.alerts.notify, title, body, left, stopping)
            alert_store.mark_delivery(batch, result.ok, result.error, now)
            if result.ok:
                report.delivered += len(batch)
            else:
                report.unsent += len(batch)
                report.delivery_error = result.error


def _also(earlier: str | None) -> str:
    return f" (before that: {earlier})" if earlier else ""
