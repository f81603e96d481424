"""The `legistrack` command line: init, crawl, status, history, diff and the offline demo."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from models.config import Config, configured_sources
from models.legislature.numbers import canonical_number
from models.reports.status import relations_of, stage_now
from models.storage.db import check_integrity, make_engine, redact, session_scope, upgrade
from models.storage.health import fail_unfinished, source_health
from models.storage.history import (
    NothingToCompare,
    bills_numbered,
    diff_snapshots,
    snapshot_changes,
)
from models.storage.polling import polling_summary
from models.storage.schema import Bill, CrawlRun
from models.storage.store import is_problem

from . import formatting, record_json
from .common import DB_INT, EXIT_FAILED, echo, fail, load, one_line_errors, open_database
from .crawl_report import crawl_summary
from .locks import DatabaseLock, LockHeld
from .maintenance_cli import prune, test_notify
from .notes_cli import alerts, check, check_and_print, news, notes
from .reports import render_status
from .schedule import is_due, next_run, triggers
from .textsafe import SafeFormatter, one_line
from .web.command import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="legistrack", prog_name="legistrack")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: $LEGISTRACK_CONFIG, else ./config.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what the crawler does.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Track Massachusetts bills and keep research notes about them true.

    Commands that only read (status, alerts, history, diff, news, sources, notes) need a database
    made by `init`, `crawl` or `check`; they never create one.
    """
    ctx.obj = {"config": config_path, "verbose": verbose}
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.root.handlers:  # Scrapy sets its own loggers to DEBUG; filter here
        handler.setLevel(level)
        handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))


@cli.command()
@click.pass_context
@one_line_errors
def init(ctx: click.Context) -> None:
    """Create the database, or upgrade it to the newest schema, after checking its integrity
    (a damaged SQLite file is named, never reported ready)."""
    config = load(ctx)
    engine = make_engine(config.database_url, config.database_lock_timeout)
    check_integrity(engine)
    revision = upgrade(engine)
    echo(f"database ready: {redact(config.database_url)} (schema revision {revision})")


@cli.command()
@click.option(
    "--source",
    type=click.Choice(["all", "legislature", "executive_orders", "news", "notes"]),
    default="all",
    show_default=True,
    help="Which source to crawl (all: every source the config names).",
)
@click.option("--no-check", is_flag=True, help="Do not run the staleness check afterwards.")
@click.option(
    "--busy-exit",
    type=int,
    default=EXIT_FAILED,
    hidden=True,
    help="Exit status when another crawl of the source is running (the daemon sets it).",
)
@click.pass_context
@one_line_errors
def crawl(ctx: click.Context, source: str, no_check: bool, busy_exit: int) -> None:
    """Read every tracked item; store what changed. Exit 0 if all were read, 2 if some failed.

    What was read is saved even when other items failed. Each failure is recorded with its
    reason and shown here (FAILED); so are parts skipped (SKIPPED) and parts read with a
    reservation, like a cap of [crawl] hit (WARNING). A history that lost rows it had, or that
    carries dates that cannot be true, is a failure, never a change. Then the notes are checked
    (`legistrack check`) unless --no-check.
    """
    from crawler.run import run_crawls  # Scrapy: only commands that crawl

    config = load(ctx)
    engine = open_database(config, writes=True)
    sources = configured_sources(config) if source == "all" else [source]
    if not sources:
        fail("nothing to crawl: the config names no measures, order listings, feeds or notes sites")
    _progress_to_terminal(ctx.obj["verbose"])
    locks = []
    try:
        for name in sources:
            locks.append(crawl_lock(config, name).acquire())
    except LockHeld as exc:
        for lock in locks:
            lock.release()
        echo(f"legistrack: error: {exc}", err=True)
        sys.exit(busy_exit)
    with session_scope(engine) as session:  # holding the lock: a `running` run is a dead one's
        for name in sources:
            fail_unfinished(session, name, "the crawl process ended before finishing")
    try:
        runs = run_crawls(config, sources, log_level="INFO" if ctx.obj["verbose"] else "ERROR")
    finally:
        for lock in locks:
            lock.release()
    failed = 0
    with session_scope(engine) as session:
        for source, run_id in runs.items():
            run = session.get(CrawlRun, run_id)
            assert run is not None
            if run.status == "running":  # the crawl could not record its own end
                fail_unfinished(session, source, "the crawl did not record its end (see log)")
                run.failed = max(run.failed, 1)
            echo(crawl_summary(run))
            for error in run.errors:
                label = error.message.split(": ", 1)[0] if is_problem(error.message) else "failed"
                echo(f"{label.upper()} {one_line(f'{error.subject}: {error.message}')}", err=True)
            failed += run.failed
    if (config.notes.paths or config.notes.sites) and not no_check:
        check_and_print(config, engine)
    if failed:
        sys.exit(EXIT_FAILED)


def crawl_lock(config: Config, source: str) -> DatabaseLock:
    return DatabaseLock(config.database_url, f"crawl-{source}", f"a crawl of {source}")


@cli.command()
@click.pass_context
@one_line_errors
def daemon(ctx: click.Context) -> None:
    """Run forever: crawl each source on its [schedule], check notes, notify; stop on SIGTERM.

    One line per job on stderr (source, outcome, items, changed, failed, duration). A second
    daemon on the same database is refused. Each crawl runs in a child process, ended after
    [schedule] timeout; on SIGTERM or SIGINT a running crawl gets [schedule] stop_grace seconds.
    """
    from .daemon import run_daemon

    config = load(ctx)
    if config.path is None:
        fail("the daemon needs a config file")
    triggers(config.schedule)  # bad schedules fail here, with one line
    sys.exit(run_daemon(config))


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Crawl every source, due or not.")
@click.pass_context
@one_line_errors
def poll(ctx: click.Context, everything: bool) -> None:
    """For system cron: crawl the sources due by [schedule], check, notify, exit.

    Exit 0 when every source crawled was read without failure, 2 when some failed.
    """

    from .jobs import crawl_in_child

    config = load(ctx)
    engine = open_database(config, writes=True)
    found = triggers(config.schedule)
    now = datetime.now(UTC)
    due = []
    with session_scope(engine) as session:
        for source in configured_sources(config):
            last = source_health(session, source).last_run_at
            if everything or is_due(found[source], last, now):
                due.append(source)
    failed = 0
    for source in due:
        outcome = crawl_in_child(engine, config, source)
        echo(outcome.line(), err=True)
        failed += outcome.outcome not in ("ok", "partial", "busy")
    if not due:
        echo("poll: no source is due", err=True)
    check_and_print(config, engine)
    if failed:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def sources(ctx: click.Context, fmt: str) -> None:
    """Each source's health: last success, last failure and its error, failures in a row, and
    its next scheduled run; then how the stored bills will be read (validators the source sent,
    bills the polling policy would not read now)."""

    config = load(ctx)
    engine = open_database(config)
    found = triggers(config.schedule)
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        healths = [
            (source_health(session, source), next_run(found[source], now))
            for source in configured_sources(config)
        ]
        summary = polling_summary(
            session,
            config.legislature.polling,
            now,
            config.tracked_bills(),
            config.legislature.lineage_depth,
        )
    if fmt == "json":
        echo(record_json.dumps(record_json.sources_json(healths, summary)))
        return
    rows = [
        [
            health.source,
            formatting.stamp(health.last_success_at) or "never",
            formatting.stamp(health.last_failure_at) or "never",
            str(health.consecutive_failures),
            upcoming.isoformat(timespec="minutes") if upcoming else "-",
            health.last_error or "",
        ]
        for health, upcoming in healths
    ]
    columns = ("source", "last success", "last failure", "failing", "next run", "last error")
    echo("\n".join(formatting.table(columns, rows)))
    if summary.bills:
        echo(summary.line())


def _progress_to_terminal(verbose: bool) -> None:
    """Per-bill progress lines on stderr when a person is watching (or with --verbose)."""
    if verbose or sys.stderr.isatty():
        progress = logging.getLogger("legistrack.progress")
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(SafeFormatter("  %(message)s"))
        progress.addHandler(handler)
        progress.setLevel(logging.INFO)
        progress.propagate = False


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.pass_context
@one_line_errors
def status(ctx: click.Context, fmt: str) -> None:
    """Where every tracked measure and bill stands now, from the stored record."""
    config = load(ctx)
    echo(render_status(config, fmt))


@cli.command()
@click.argument("number")
@click.option("--court", type=DB_INT, help="General Court number, when NUMBER exists in several.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def history(ctx: click.Context, number: str, court: int | None, fmt: str) -> None:
    """A bill's stage now (with the session law it became), its lineage, its snapshots over
    time, and the actions each one added."""
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        bill = one_bill(session, number, court)
        now = stage_now(session, bill, datetime.now(UTC))
        if fmt == "json":
            relations, changes = relations_of(session, bill), snapshot_changes(session, bill)
            document = record_json.history_json(bill, relations, changes)
            document.update(formatting.stage_now_json(now))
            echo(record_json.dumps(document))
            return
        echo(f"{bill.number} ({bill.court}) {bill.title or ''}".rstrip())
        if bill.docket and bill.docket != bill.number:
            echo(f"docket {bill.docket}")
        if bill.found_via:
            echo(f"fetched by lineage: {bill.found_via}")
        echo(f"{bill.url or ''}")
        if now.stage:
            echo(f"stage now: {now.stage} ({now.stage_reason})")
        if now.law:
            echo(f"law: {now.law.citation}" + (f" {now.law_url}" if now.law_url else ""))
        for relation in relations_of(session, bill):
            since = f" since {formatting.day(relation.since)}" if relation.since else ""
            echo(f"  {relation.type} {relation.number} ({relation.court}){since}")
        for change in snapshot_changes(session, bill):
            echo("")
            echo(
                f"{formatting.stamp(change.taken_at)}  stage {_shown(change.stage)}  "
                f"(from {_shown(change.source)})"
            )
            if change.number_changed:
                old, new = change.number_changed
                echo(f"  number: {_shown(old)} -> {_shown(new)}")
            if change.title_changed:
                echo(f"  title: {_quoted(change.title_changed[0])} -> "
                     f"{_quoted(change.title_changed[1])}")  # fmt: skip
            for row in change.added:
                echo(f"  + {_row(row)}")
            for row in change.removed:
                echo(f"  - {_row(row)}")


@cli.command()
@click.argument("number")
@click.option("--court", type=DB_INT, help="General Court number, when NUMBER exists in several.")
@click.option(
    "--from",
    "since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Compare from the snapshot in force on this date (UTC). Default: the one before --to.",
)
@click.option(
    "--to",
    "until",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Compare to the snapshot in force on this date (UTC). Default: the newest.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
@one_line_errors
def diff(
    ctx: click.Context,
    number: str,
    court: int | None,
    since: datetime | None,
    until: datetime | None,
    fmt: str,
) -> None:
    """What changed in a bill between two snapshots: actions added or removed, stage, title."""
    config = load(ctx)
    engine = open_database(config)
    with session_scope(engine) as session:
        bill = one_bill(session, number, court)
        try:
            change = diff_snapshots(session, bill, end_of_day(since), end_of_day(until))
        except NothingToCompare as exc:
            fail(str(exc))
        if fmt == "json":
            echo(record_json.dumps(record_json.diff_json(bill, change)))
            return
        old = formatting.stamp(change.old_taken_at) or "nothing (first snapshot)"
        echo(
            f"{bill.number} ({bill.court}): {old} -> "
            f"{_shown(formatting.stamp(change.new_taken_at))}"
        )
        before, after = change.stage
        echo(
            f"stage: {_shown(before)} -> {_shown(after)}"
            if before != after
            else f"stage: {_shown(after)}"
        )
        if change.title:
            echo(f"title: {_quoted(change.title[0])} -> {_quoted(change.title[1])}")
        for row in change.added:
            echo(f"+ {_row(row)}")
        for row in change.removed:
            echo(f"- {_row(row)}")
        if not (change.added or change.removed or change.title or before != after):
            echo("no change")


def _shown(value: object) -> str:
    """A stored value for a person: `(none)` where there is none, never Python's `None`."""
    return "(none)" if value is None or value == "" else str(value)


def _quoted(value: str | None) -> str:
    return "(none)" if value is None else repr(value)


def _row(row: dict[str, Any]) -> str:
    """One history row: `2025-05-01 Senate: Read third...` (missing parts named, not `None`)."""
    when = str(row.get("date") or "")[:10] or "(no date)"
    return f"{when} {_shown(row.get('branch'))}: {_shown(row.get('action'))}"


def end_of_day(when: datetime | None) -> datetime | None:
    """A date given alone means that whole day (UTC)."""
    if when is None:
        return None
    if when.time() == datetime.min.time():
        when = when.replace(hour=23, minute=59, second=59)
    return when.replace(tzinfo=UTC)


def one_bill(session: Session, number: str, court: int | None) -> Bill:
    wanted = canonical_number(number)
    bills = bills_numbered(session, wanted, court)
    if not bills:
        where = f" in court {court}" if court else ""
        fail(f"no stored bill {wanted}{where}; run `legistrack crawl` first")
    if len(bills) > 1:
        courts = ", ".join(str(b.court) for b in bills)
        fail(f"{wanted} is stored for courts {courts}: pass --court")
    return bills[0]


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the demo's config and database (default: a new temporary folder).",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Keep replaying the bundled sources after the demo, so that `crawl`, `poll` and "
    "`daemon` work on the demo folder; stop with Ctrl-C or SIGTERM.",
)
@click.pass_context
@one_line_errors
def demo(ctx: click.Context, folder: Path | None, serve: bool) -> None:
    """Offline demo: replay the bundled sources locally, crawl them, print the status table.

    The replay server stops with the demo (crawling the demo folder later finds nothing
    listening) unless --serve keeps it running.
    """
    from .demo import run_demo

    _progress_to_terminal(ctx.obj["verbose"])
    sys.exit(run_demo(folder, echo=echo, serve=serve))


cli.add_command(check)
cli.add_command(alerts)
cli.add_command(notes)
cli.add_command(news)
cli.add_command(prune)
alerts.add_command(test_notify)
cli.add_command(serve)


def main() -> None:
    cli(prog_name="legistrack")
