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
from models.notes.reading import Note, NoteError, find_notes, read_note
from models.reports.notecheck import known_bills, load_records
from models.sources.news import subjects_in
from models.storage import alerts as alert_store
from models.storage.db import ensure_schema, make_engine, session_scope
from models.storage.news import stories
from models.storage.schema import Alert, Bill

from . import formatting
from .checking import CheckReport, evaluate, note_name, run_check, undated_problem
from .common import fail, load, one_line_errors

EXIT_STALE = 1
SHOWN = ("id", "state", "rule", "severity", "note", "subject", "message", "note_says",
         "record_says", "evidence_date", "source_url", "detected_at", "notified_at")  # fmt: skip


def who() -> str:
    return os.environ.get("USER") or getpass.getuser() or "unknown"


def print_check(report: CheckReport) -> None:
    for error in report.errors:
        click.echo(f"NOTE ERROR {error}", err=True)
    click.echo(
        f"checked {len(report.results)} notes ({len(report.errors)} could not be read): "
        f"{len(report.stale)} stale, {len(report.new)} new alerts, {len(report.resolved)} resolved"
    )
    for result in report.undated:
        click.echo(f"{result.name}: {undated_problem(result.note)}")
    if report.delivered:
        click.echo(f"notified {report.delivered} alerts")
    if report.delivery_error:
        click.echo(f"notification failed (will retry at the next check): {report.delivery_error}")


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
    Sending gets at most [alerts] notify_budget seconds; what is not sent then is sent at the
    next check.
    """
    config = load(ctx)
    engine = make_engine(config.database_url)
    ensure_schema(engine)
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
    """Staleness alerts: list them (default), or `show`, `ack` or `resolve` one."""
    if ctx.invoked_subcommand is not None:
        return
    config = load(ctx)
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    with session_scope(engine) as session:
        found = alert_store.list_alerts(session, state)
        if fmt == "json":
            click.echo(json.dumps([alert_json(a) for a in found], indent=2, ensure_ascii=False))
            return
        rows = [
            [str(a.id), a.state, a.rule, a.note, a.subject, a.evidence_date or "", a.message]
            for a in found
        ]
        columns = ("id", "state", "rule", "note", "subject", "since", "message")
        click.echo("\n".join(formatting.table(columns, rows)) if rows else f"no {state} alerts")


def alert_json(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "note": alert.note,
        "subject": alert.subject,
        "rule": alert.rule,
        "severity": alert.severity,
        "state": alert.state,
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
@click.argument("alert_id", type=int)
@click.pass_context
@one_line_errors
def show_alert(ctx: click.Context, alert_id: int) -> None:
    """One alert in full, with its history of states."""
    config = load(ctx)
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    with session_scope(engine) as session:
        alert = alert_store.get_alert(session, alert_id)
        data = alert_json(alert)
        for key in SHOWN:
            click.echo(f"{key + ':':14} {data[key] if data[key] is not None else '-'}")
        if alert.notify_error:
            click.echo(f"{'delivery:':14} failed {alert.notify_attempts}x: {alert.notify_error}")
        click.echo("history:")
        for event in alert.events:
            comment = f": {event.comment}" if event.comment else ""
            click.echo(f"  {formatting.stamp(event.at)} {event.state} by {event.by}{comment}")


def _transition(
    ctx: click.Context, alert_id: int, state: str, comment: str | None, by: str
) -> None:
    config = load(ctx)
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    with session_scope(engine) as session:
        alert = alert_store.change_state(session, alert_id, state, by, comment)
        click.echo(f"alert {alert.id} {alert.state} by {by}")


@alerts.command("ack")
@click.argument("alert_id", type=int)
@click.option("--comment", help="Why, for the alert's history.")
@click.option("--by", default=who, show_default="$USER", help="Who acknowledges it.")
@click.pass_context
@one_line_errors
def ack_alert(ctx: click.Context, alert_id: int, comment: str | None, by: str) -> None:
    """Acknowledge an open alert: seen, being dealt with."""
    _transition(ctx, alert_id, "acknowledged", comment, by)


@alerts.command("resolve")
@click.argument("alert_id", type=int)
@click.option("--comment", help="Why, for the alert's history.")
@click.option("--by", default=who, show_default="$USER", help="Who resolves it.")
@click.pass_context
@one_line_errors
def resolve_alert(ctx: click.Context, alert_id: int, comment: str | None, by: str) -> None:
    """Resolve an alert by hand (it is not reopened while its evidence stays the same)."""
    _transition(ctx, alert_id, "resolved", comment, by)


@click.group()
def notes() -> None:
    """Read notes: `check` them against the record, or `show` what legistrack reads in one."""


@notes.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
@one_line_errors
def notes_check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Print the findings for PATHS (default: the configured notes); store nothing.

    Exit 1 when any note is stale, 2 when a note could not be read, else 0: a notes repository
    can run this in its own CI. A note with no date in its text or front matter is said to be
    undated (judged as of its file's last commit or modification time); with `[notes]
    require_date = true` it is an error (exit 2).
    """
    config = load(ctx)
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    with session_scope(engine) as session:
        results, errors = evaluate(
            session, config, list(paths) or list(config.notes.paths), datetime.now(UTC)
        )
    for error in errors:
        click.echo(f"NOTE ERROR {error}", err=True)
    for result in results:
        click.echo(f"{result.name}: {'STALE' if result.findings else 'ok'}")
        if result.note.undated:
            click.echo(f"  {undated_problem(result.note)}")
        for finding in result.findings:
            click.echo(f"  [{finding.rule}] {finding.message}")
            if finding.source_url:
                click.echo(f"    source: {finding.source_url}")
    stale = sum(1 for r in results if r.findings)
    undated = sum(1 for r in results if r.note.undated)
    tail = f", {undated} undated" if undated else ""
    click.echo(f"{len(results)} notes checked, {stale} stale, {len(errors)} unreadable{tail}")
    if errors:
        sys.exit(2)
    if stale:
        sys.exit(EXIT_STALE)


@notes.command("show")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
@one_line_errors
def notes_show(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """What legistrack reads in notes: each one's date and where it was read, the subjects it
    cites and every claim it makes of each.

    Without PATHS: every configured note, one line each (its date and where it came from), then
    the undated ones (no date in their text or front matter).
    """
    config = load(ctx)
    if not paths:
        _show_all(config)
        return
    notes = []
    for path in paths:
        try:
            notes.append(read_note(path))
        except NoteError as exc:
            fail(str(exc))
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    with session_scope(engine) as session:
        known = known_bills(load_records(session, config, datetime.now(UTC)))
    for index, note in enumerate(notes):
        if index:
            click.echo("")
        _show_one(note, cite(note, config, known))


def _date_line(note: Note) -> str:
    if note.undated:
        return f"date: {note.date or 'unknown'} from {note.date_source}: {undated_problem(note)}"
    return f"date: {note.date} from {note.date_source}: {note.date_from}"


def _show_one(note: Note, citations: NoteCitations) -> None:
    click.echo(f"{note.path}: {note.title or '(no title)'}")
    click.echo(_date_line(note))
    if note.review_every:
        click.echo(f"review every: {note.review_every.days} days")
    for subject in citations.subjects:
        claim = f"{subject.claim_stage} ({subject.claim_phrase})" if subject.claim_stage else "-"
        click.echo(f"  {subject.kind:8} {subject.key}: claims {claim}")
        if len(subject.claims) > 1:  # every claim is judged: show each, with its sentence
            for said in subject.claims:
                click.echo(f'    {said.stage}: "{said.phrase}" in: {said.context}')
    for text in citations.untracked:
        click.echo(f"  untracked {text}: not in config.toml (add it to track it)")


def _show_all(config: Config) -> None:
    files, problems = find_notes(list(config.notes.paths))
    for problem in problems:
        click.echo(f"NOTE ERROR {problem}", err=True)
    undated = []
    for path in files:
        try:
            note = read_note(path)
        except NoteError as exc:
            click.echo(f"NOTE ERROR {exc}", err=True)
            continue
        click.echo(f"{note_name(path, config)}: {_date_line(note)}")
        if note.undated:
            undated.append(note_name(path, config))
    if undated:
        click.echo(f"undated ({len(undated)}): {', '.join(undated)}")
    else:
        click.echo(f"{len(files)} notes, none undated")


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
    engine = make_engine(config.database_url)
    ensure_schema(engine)
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
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table_rows = [
        [formatting.day(s.published), s.feed, ", ".join(s.subjects + s.keywords), s.title]
        for s in found
    ]
    columns = ("published", "feed", "cites", "headline")
    click.echo("\n".join(formatting.table(columns, table_rows)) if table_rows else "no stories")


def subject_key(text: str, config: Config, session: Session) -> str:
    """A subject as the user types it, as stories store it (`H.5316` -> `194:H.5316`)."""
    text = text.strip()
    for measure in config.measures:
        if text.casefold() in {measure.name.casefold(), *(a.casefold() for a in measure.aliases)}:
            return str(measure.name)
    if ":" in text:
        court, _, number = text.partition(":")
        return f"{int(court)}:{canonical_number(number)}"
    known = [BillRef(b.court, b.number) for b in session.query(Bill)]
    keys = subjects_in(text, config, known, None)
    if not keys:
        fail(f"--subject {text!r}: not a tracked bill, measure or executive order")
    return keys[0]
