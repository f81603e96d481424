"""The maintainers' commands: `check`, `alerts` (list, show, ack, resolve) and `notes`."""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from models.config import Config
from models.legislature.numbers import BillRef, canonical_number
from models.notes.citations import NoteCitations, cite
from models.notes.reading import Note, NoteError, check_link, find_notes, inside, read_note
from models.reports.notecheck import known_bills
from models.sources.news import subjects_in
from models.storage import alerts as alert_store
from models.storage.db import session_scope
from models.storage.news import stories
from models.storage.review import outcome_counts, precision
from models.storage.schema import Alert, Bill

from . import formatting, notes_json
from .checking import CheckReport, evaluate, note_name, run_check, undated_problem
from .common import DB_INT, echo, fail, load, one_line_errors, open_database
from .textsafe import json_safe, one_line
from .webnotes import PageUnreadable, fetch_web_note, stored_web_notes
from .webnotes_cli import is_url, page_lines, show_web_note

EXIT_STALE = 1
SHOWN = ("id", "state", "rule", "severity", "note", "subject", "message", "note_says",
         "record_says", "evidence_date", "source_url", "detected_at", "notified_at")  # fmt: skip


def who() -> str:
    return os.environ.get("USER") or getpass.getuser() or "unknown"


def print_check(report: CheckReport) -> None:
    for error in report.errors:
        echo(f"NOTE ERROR {one_line(error)}", err=True)
    echo(
        f"checked {len(report.results)} notes ({len(report.errors)} could not be read): "
        f"{len(report.stale)} stale, {len(report.new)} new alerts, {len(report.resolved)} resolved"
    )
    for result in report.undated:
        echo(f"{result.name}: {undated_problem(result.note)}")
    if report.delivered:
        echo(f"notified {report.delivered} alerts")
    if report.delivery_error:
        echo(f"notification failed (will retry at the next check): {report.delivery_error}")


def check_and_print(config: Any, engine: Any) -> CheckReport:
    report = run_check(engine, config, datetime.now(UTC))
    print_check(report)
    return report


@click.command()
@click.option("--no-notify", is_flag=True, help="Store alerts but send no notification.")
@click.pass_context
@one_line_errors
def check(ctx: click.Context, no_notify: bool) -> None:
    """Check every configured note against the record; store and send new alerts.

    Also run at the end of every `crawl`. Exit 0 (an unreadable note is reported, not fatal).
    A second check of the same database waits for the first to finish.
    Sending gets at most [alerts] notify_budget seconds; what is not sent then is sent at the
    next check.
    """
    config = load(ctx)
    engine = open_database(config, writes=True)
    report = run_check(engine, config, datetime.now(UTC), send=not no_notify)
    print_check(report)


@click.group(invoke_without_command=True)
@click.option(
    "--state",
    type=click.Choice(["open", "acknowledged", "resolved", "all"]),
    default="open",
    show_default=True,
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@one_line_errors
def alerts(ctx: click.Context, state: str, fmt: str) -> None:
    """Staleness alerts: list them (default), `show`, `ack` or `resolve` one, or `stats`."""
    if ctx.invoked_subcommand is not None:
        return
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        found = alert_store.list_alerts(session, state)
        if fmt == "json":
            document = json.dumps([alert_json(a) for a in found], indent=2, ensure_ascii=False)
            echo(json_safe(document))
            return
        rows = [
            [str(a.id), a.state, a.rule, a.note, a.subject, a.evidence_date or "", a.message]
            for a in found
        ]
        columns = ("id", "state", "rule", "note", "subject", "since", "message")
        echo("\n".join(formatting.table(columns, rows)) if rows else f"no {state} alerts")


def alert_json(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "note": alert.note,
        "subject": alert.subject,
        "rule": alert.rule,
        "severity": alert.severity,
        "state": alert.state,
        "outcome": alert.outcome,
        "message": alert.message,
        "note_says": alert.note_says,
        "record_says": alert.record_says,
        "evidence_date": alert.evidence_date,
        "source_url": alert.source_url,
        "detected_at": formatting.stamp(alert.detected_at),
        "last_seen_at": formatting.stamp(alert.last_seen_at),
        "notified_at": formatting.stamp(alert.notified_at),
    }


@alerts.command("show")
@click.argument("alert_id", type=DB_INT)
@click.pass_context
@one_line_errors
def show_alert(ctx: click.Context, alert_id: int) -> None:
    """One alert in full, with its history of states."""
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        alert = alert_store.get_alert(session, alert_id)
        data = alert_json(alert)
        for key in SHOWN:
            echo(f"{key + ':':14} {data[key] if data[key] is not None else '-'}")
        if alert.notify_error:
            echo(f"{'delivery:':14} failed {alert.notify_attempts}x: {alert.notify_error}")
        for line in page_lines(session, alert.note):
            echo(line)
        echo("history:")
        for event in alert.events:
            comment = f": {event.comment}" if event.comment else ""
            echo(f"  {formatting.stamp(event.at)} {event.state} by {event.by}{comment}")


def _transition(
    ctx: click.Context,
    alert_id: int,
    state: str,
    comment: str | None,
    by: str,
    outcome: str | None = None,
) -> None:
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        alert = alert_store.change_state(session, alert_id, state, by, comment, outcome)
        verdict = f" ({outcome.replace('_', ' ')})" if outcome else ""
        echo(f"alert {alert.id} {alert.state}{verdict} by {by}")


@alerts.command("ack")
@click.argument("alert_id", type=DB_INT)
@click.option("--comment", help="Why, for the alert's history.")
@click.option("--by", default=who, show_default="$USER", help="Who acknowledges it.")
@click.pass_context
@one_line_errors
def ack_alert(ctx: click.Context, alert_id: int, comment: str | None, by: str) -> None:
    """Acknowledge an open alert: seen, being dealt with."""
    _transition(ctx, alert_id, "acknowledged", comment, by)


@alerts.command("resolve")
@click.argument("alert_id", type=DB_INT)
@click.option("--comment", help="Why, for the alert's history.")
@click.option("--by", default=who, show_default="$USER", help="Who resolves it.")
@click.option(
    "--outcome",
    type=click.Choice(alert_store.OUTCOMES),
    help="The verdict, counted by `alerts stats`: the note was updated, the alert was a false "
    "alarm, or the note stays as it is.",
)
@click.pass_context
@one_line_errors
def resolve_alert(
    ctx: click.Context, alert_id: int, comment: str | None, by: str, outcome: str | None
) -> None:
    """Resolve an alert by hand (it is not reopened while its evidence stays the same)."""
    _transition(ctx, alert_id, "resolved", comment, by, outcome)


@alerts.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@one_line_errors
def alert_stats(ctx: click.Context, fmt: str) -> None:
    """Per rule: how reviewers resolved its alerts (note updated, false alarm, will not fix),
    and its precision, note updated / (note updated + false alarm)."""
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        counts = outcome_counts(session)
    rows = [(rule, by, precision(by)) for rule, by in sorted(counts.items())]
    if fmt == "json":
        document = [{"rule": r, "counts": by, "precision": p} for r, by, p in rows]
        echo(json.dumps(document, indent=2))
        return
    outcomes = [o.replace("_", " ") for o in alert_store.OUTCOMES]
    columns = ("rule", *outcomes, "precision", "by the check", "not resolved")
    table_rows = [
        [
            rule,
            *(str(by.get(o, 0)) for o in alert_store.OUTCOMES),
            f"{p:.0%}" if p is not None else "-",
            str(by.get("resolved_by_check", 0)),
            str(by.get("open", 0) + by.get("acknowledged", 0)),
        ]
        for rule, by, p in rows
    ]
    echo("\n".join(formatting.table(columns, table_rows)) if rows else "no alerts yet")


@click.group()
def notes() -> None:
    """Read notes: `check` them against the record, or `show` what legistrack reads in one."""


@notes.command("check")
@click.argument("targets", nargs=-1, metavar="[PATH|URL]...")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def notes_check(ctx: click.Context, targets: tuple[str, ...], fmt: str) -> None:
    """Print the findings for these notes (default: the configured notes, files and web pages);
    store nothing. A URL is fetched once, read as a web note and judged.

    Exit 1 when any note is stale, 2 when a note could not be read, else 0: a notes repository
    can run this in its own CI. A note with no date in its text or front matter is said to be
    undated (judged as of its file's last commit or modification time); with `[notes]
    require_date = true` it is an error (exit 2).
    """
    config = load(ctx)
    urls = [t for t in targets if is_url(t)]
    paths = [Path(t) for t in targets if not is_url(t)]
    engine = open_database(config)
    web, fetch_errors = [], []
    for url in urls:
        try:
            web.append(fetch_web_note(config, url))
        except PageUnreadable as exc:
            fetch_errors.append(str(exc))
    with session_scope(engine) as session:
        if not targets:
            paths, web = list(config.notes.paths), stored_web_notes(session, config)[0]
        results, unreadable = evaluate(session, config, paths, datetime.now(UTC), web)
    errors = [str(error) for error in unreadable] + fetch_errors
    stale = sum(1 for r in results if r.findings)
    if fmt == "json":
        document = notes_json.check_json(results, errors)
        echo(json_safe(json.dumps(document, indent=2, ensure_ascii=False)))
        sys.exit(2 if errors else EXIT_STALE if stale else 0)
    for error in errors:
        echo(f"NOTE ERROR {one_line(str(error))}", err=True)
    for result in results:
        echo(f"{result.name}: {'STALE' if result.findings else 'ok'}")
        if result.note.undated:
            echo(f"  {undated_problem(result.note)}")
        if result.web is not None and result.findings:
            echo(f"  page: {result.web.url}")
            if result.web.edit_url:
                echo(f"  edit: {result.web.edit_url}")
        for finding in result.findings:
            echo(f"  [{finding.rule}] {finding.message}")
            if finding.source_url:
                echo(f"    source: {finding.source_url}")
    undated = sum(1 for r in results if r.note.undated)
    tail = f", {undated} undated" if undated else ""
    echo(f"{len(results)} notes checked, {stale} stale, {len(errors)} unreadable{tail}")
    if errors:
        sys.exit(2)
    if stale:
        sys.exit(EXIT_STALE)


@notes.command("show")
@click.argument("targets", nargs=-1, metavar="[PATH|URL]...")
@click.option("--diff", "show_diff", is_flag=True, help="A web note: diff two stored versions.")
@click.option(
    "--from", "old", type=int, help="With --diff: the older version (default: the one before)."
)
@click.option("--to", "new", type=int, help="With --diff: the newer version (default: the newest).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def notes_show(
    ctx: click.Context,
    targets: tuple[str, ...],
    show_diff: bool,
    old: int | None,
    new: int | None,
    fmt: str,
) -> None:
    """What legistrack reads in notes: each one's date and where it was read, the subjects it
    cites and every claim it makes of each. A URL is a stored web note: also its edit link and
    its stored versions, and with --diff what changed between two of them.

    Without PATHS: every configured note, one line each (its date and where it came from), then
    the undated ones (no date in their text or front matter).
    """
    config = load(ctx)
    if not targets:
        _show_all(config, fmt)
        return
    roots = [Path(os.path.realpath(folder)) for folder in config.notes.paths]
    files = []
    for target in targets:
        if not is_url(target):
            path = Path(target)
            try:
                if inside(path.parent, roots):  # in the notes folders: a link out is not read
                    check_link(path, roots)
                files.append(read_note(path))
            except NoteError as exc:
                fail(str(exc))
    engine = open_database(config)
    with session_scope(engine) as session:
        known = known_bills(session, config)
        if fmt == "json":
            documents = []
            for target in targets:
                read = (
                    show_web_note(session, target, False, None, None, lambda _line: None)
                    if is_url(target)
                    else files.pop(0)
                )
                if read is not None:
                    documents.append(notes_json.show_json(target, read, cite(read, config, known)))
            echo(json_safe(json.dumps({"notes": documents}, indent=2, ensure_ascii=False)))
            return
        for index, target in enumerate(targets):
            if index:
                echo("")
            if not is_url(target):
                note = files.pop(0)
                _show_one(note, cite(note, config, known))
                continue
            web = show_web_note(session, target, show_diff, old, new, echo)
            if web is not None:
                _show_one(web, cite(web, config, known), header=False)


def _date_line(note: Note) -> str:
    if note.undated:
        return f"date: {note.date or 'unknown'} from {note.date_source}: {undated_problem(note)}"
    return f"date: {note.date or 'none'} from {note.date_source}: {note.date_from}"


def _show_one(note: Note, citations: NoteCitations, header: bool = True) -> None:
    if header:
        echo(f"{note.path}: {note.title or '(no title)'}")
    echo(_date_line(note))
    if note.review_every:
        echo(f"review every: {note.review_every.days} days")
    for subject in citations.subjects:
        claim = f"{subject.claim_stage} ({subject.claim_phrase})" if subject.claim_stage else "-"
        echo(f"  {subject.kind:8} {subject.key}: claims {claim}")
        if len(subject.claims) > 1:  # every claim is judged: show each, with its sentence
            for said in subject.claims:
                echo(f'    {said.stage}: "{said.phrase}" in: {said.context}')
    for text in citations.untracked:
        echo(f"  untracked {text}: not in config.toml (add it to track it)")


def _show_all(config: Config, fmt: str = "table") -> None:
    files, problems = find_notes(list(config.notes.paths))
    errors = [str(problem) for problem in problems]
    rows: list[tuple[str, Note]] = []
    for path in files:
        try:
            rows.append((note_name(path, config), read_note(path)))
        except NoteError as exc:
            errors.append(str(exc))
    undated = [name for name, note in rows if note.undated]
    if fmt == "json":
        notes = [{"name": name, **notes_json.note_date(note)} for name, note in rows]
        document = {"notes": notes, "undated": undated, "errors": errors}
        echo(json_safe(json.dumps(document, indent=2, ensure_ascii=False)))
        return
    for error in errors:
        echo(f"NOTE ERROR {error}", err=True)
    for name, note in rows:
        echo(f"{name}: {_date_line(note)}")
    if undated:
        echo(f"undated ({len(undated)}): {', '.join(undated)}")
    else:
        echo(f"{len(files)} notes, none undated")


@click.command()
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only stories published on or after."
)
@click.option("--subject", help="Only stories citing this: 194:H.5316, H.5316, a measure, EO 650.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@one_line_errors
def news(ctx: click.Context, since: datetime | None, subject: str | None, fmt: str) -> None:
    """News stories kept from the feeds: those citing a tracked item or a keyword."""
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        wanted = subject_key(subject, config, session) if subject else None
        found = stories(session, since.replace(tzinfo=UTC) if since else None, wanted)
    if fmt == "json":
        rows = [
            {
                "feed": s.feed,
                "title": s.title,
                "url": s.url,
                "published": formatting.stamp(s.published),
                "summary": s.summary,
                "subjects": list(s.subjects),
                "keywords": list(s.keywords),
            }
            for s in found
        ]
        echo(json_safe(json.dumps(rows, indent=2, ensure_ascii=False)))
        return
    table_rows = [
        [formatting.day(s.published), s.feed, ", ".join(s.subjects + s.keywords), s.title]
        for s in found
    ]
    columns = ("published", "feed", "cites", "headline")
    echo("\n".join(formatting.table(columns, table_rows)) if table_rows else "no stories")


def subject_key(text: str, config: Config, session: Session) -> str:
    """A subject as the user types it, as stories store it (`H.5316` -> `194:H.5316`)."""
    text = text.strip()
    for measure in config.measures:
        if text.casefold() in {measure.name.casefold(), *(a.casefold() for a in measure.aliases)}:
            return str(measure.name)
    if ":" in text:
        court, _, number = text.partition(":")
        if not court.strip().isdigit() or not 0 < int(court) < 2**31:
            fail(f"--subject {text!r}: {court!r} is not a General Court number")
        return f"{int(court)}:{canonical_number(number)}"
    known = [BillRef(b.court, b.number) for b in session.query(Bill)]
    keys = subjects_in(text, config, known, None)
    if not keys:
        fail(f"--subject {text!r}: not a tracked bill, measure or executive order")
    return keys[0]
