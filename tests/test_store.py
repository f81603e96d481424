"""Storage rules on a real database: snapshots only on change, nothing known is ever erased."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, inspect, select

from crawler.items import BillItem, HistoryAction
from models.storage.db import ensure_schema, needs_upgrade, session_scope
from models.storage.schema import Bill, CrawlRun, Snapshot
from models.storage.store import SourceFailure, finish_run, save_bill, start_run

T0 = datetime(2025, 3, 1, 15, tzinfo=UTC)


def item(
    actions: int = 2, title: str | None = "An Act relative to tests", **kw: object
) -> BillItem:
    rows = [
        HistoryAction(T0 + timedelta(days=i), "House", f"Made-up action {i}", i)
        for i in range(actions)
    ]
    fields: dict[str, object] = {
        "court": 999,
        "tracked_number": "H.1",
        "bill_number": "H.1",
        "docket_number": "HD.1",
        "title": title,
        "actions": rows,
        "source": "api",
        "url": "http://test/Bills/999/H1",
        "fetched_from": "http://test/api",
    }
    fields.update(kw)
    return BillItem(**fields)  # type: ignore[arg-type]


def snapshot_count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Snapshot)) or 0


def test_schema_upgrade_is_idempotent(engine: Engine) -> None:
    assert not needs_upgrade(engine)
    ensure_schema(engine)
    assert {"bills", "actions", "snapshots", "crawl_runs", "crawl_errors"} <= set(
        inspect(engine).get_table_names()
    )


def test_snapshot_only_on_change(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        assert save_bill(s, run, item()).changed
        assert not save_bill(s, run, item()).changed
        assert save_bill(s, run, item(actions=3)).changed
        finish_run(s, run, "finished")
        assert (run.checked, run.changed, run.status) == (3, 2, "ok")
    assert snapshot_count(engine) == 2


def test_missing_title_keeps_the_known_one_and_is_no_change(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bill(s, run, item())
        result = save_bill(s, run, item(title=None, docket_number=None, source="html"))
        assert not result.changed
        bill = s.scalars(select(Bill)).one()
        assert bill.title == "An Act relative to tests" and bill.docket == "HD.1"


def test_same_day_times_do_not_count_as_change(engine: Engine) -> None:
    """The HTML page shows dates without times: the same record from it is not a change."""
    midnight = [
        HistoryAction(T0.replace(hour=5) + timedelta(days=i), "House", f"Made-up action {i}", i)
        for i in range(2)
    ]
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bill(s, run, item())
        assert not save_bill(s, run, BillItem(**{**item().__dict__, "actions": midnight})).changed


def test_empty_history_over_a_known_one_is_refused(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bill(s, run, item())
        with pytest.raises(SourceFailure, match=r"empty history for 999:H\.1"):
            save_bill(s, run, item(actions=0))
    assert snapshot_count(engine) == 1


def test_docket_then_bill_number_is_one_bill(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bill(s, run, item(tracked_number="HD.1", bill_number=None))
        result = save_bill(s, run, item(tracked_number="HD.1", actions=3))
        assert result.changed and result.key == "999:H.1"
        assert s.scalar(select(func.count()).select_from(Bill)) == 1


def test_timestamps_are_utc_aware(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bill(s, run, item())
    with session_scope(engine) as s:
        bill = s.scalars(select(Bill)).one()
        assert bill.last_checked_at is not None and bill.last_checked_at.tzinfo is not None
        assert bill.actions[0].date == T0
        assert s.scalars(select(CrawlRun)).one().started_at.tzinfo is not None
