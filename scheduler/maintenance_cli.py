"""Housekeeping commands: `prune` (old crawl runs) and `alerts test-notify` (try the channels)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import click

from models.storage.db import ensure_schema, make_engine, session_scope
from models.storage.runs import prune_runs

from .common import EXIT_FAILED, fail, load, one_line_errors
from .notify import scheme, send


@click.command()
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    default=90,
    show_default=True,
    help="Prune crawl runs that started more than this many days ago.",
)
@click.option("--dry-run", is_flag=True, help="Count what would go; delete nothing.")
@click.pass_context
@one_line_errors
def prune(ctx: click.Context, days: int, dry_run: bool) -> None:
    """Delete old crawl runs and their error rows; snapshots and alerts are never pruned.

    Kept whatever their age: a run that wrote a snapshot (the snapshot names it), and each
    source's last successful run and every run after it (source health reads them)."""
    config = load(ctx)
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    before = datetime.now(UTC) - timedelta(days=days)
    with session_scope(engine) as session:
        pruned = prune_runs(session, before, dry_run=dry_run)
    verb = "would prune" if dry_run else "pruned"
    click.echo(
        f"{verb} {pruned.runs} crawl runs started before {before:%Y-%m-%d} "
        f"({pruned.errors} error rows); kept {pruned.kept_for_snapshots} that wrote snapshots "
        f"and {pruned.kept_for_health} that source health reads"
    )


@click.command("test-notify")
@click.argument("urls", nargs=-1)
@click.pass_context
@one_line_errors
def test_notify(ctx: click.Context, urls: tuple[str, ...]) -> None:
    """Send a test message to URLS (apprise URLs), or to every `alerts.notify` channel.

    Prints one line per channel, by number and scheme only (a URL may hold a secret).
    Exit 0 when every channel accepted the message, 2 otherwise."""
    targets = list(urls) or list(load(ctx).alerts.notify)
    if not targets:
        fail("no channel: pass an apprise URL, or set alerts.notify in config.toml")
    failed = 0
    logging.getLogger("scheduler.notify").setLevel(logging.ERROR)  # each result is printed below
    for index, url in enumerate(targets):
        delivery = send(
            [url],
            "legistrack: test notification",
            "This is a test message from `legistrack alerts test-notify`: this channel works.",
        )
        if delivery.ok:
            click.echo(f"channel {index} ({scheme(url)}): delivered")
        else:
            failed += 1
            error = (delivery.error or "failed").replace("channel 0", f"channel {index}")
            click.echo(f"{error}", err=True)
    if failed:
        raise SystemExit(EXIT_FAILED)
