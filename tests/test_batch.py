"""models.storage.batch against a real database: a batch stores what save_bill would, bill for bill,
and one bad bill in a batch is that bill's refusal, never the others' loss. Constructed court-999
bills with the real history phrasing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from crawler.items import BillChecked, BillItem, HistoryAction
from models.storage.batch import Refused, save_bills, touch_bills
from models.storage.db import session_scope
from models.storage.schema import Action, Bill, BillRelation, CrawlRun, Snapshot
from models.storage.store import SaveResult, save_bill, start_run

T0 = datetime(2025, 3, 3, 15, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
ROWS = [
    ("House", "Referred to the committee on the Judiciary"),
    ("Senate", "Senate concurred"),
    ("Joint", "Hearing scheduled for 05/12/2025 from 10:00 AM-01:00 PM in A-1"),
    ("House", "Accompanied a new draft, see H2001"),
]


def item(number: str, rows: int = 4, court: int = 999, **kw: Any) -> BillItem:
    actions = [
        HistoryAction(T0 + timedelta(days=7 * i), branch, text, i)
        for i, (branch, text) in enumerate(ROWS[:rows])
    ]
    docket = f"{number[0]}D.{int(number.split('.')[1]) + 9000}"
    fields: dict[str, Any] = {
        "court": court,
        "tracked_number": number,
        "bill_number": number,
        "docket_number": docket,
        "title": f"An Act relative to constructed bill {number}",
        "actions": actions,
        "source": "api",
        "url": f"http://test/Bills/{court}/{number.replace('.', '')}",
        "fetched_from": "http://test/api",
        "pinslip": "By Representative Example, a petition (constructed)",
        "sponsor": "Pat Example",
        "history_etag": '"e1"',
    }
    fields.update(kw)
    return BillItem(**fields)


def stored(session: Session, court: int) -> dict[str, Any]:
    """Everything stored of a court's bills, without ids, times of storing or the court."""
    bills = session.scalars(select(Bill).where(Bill.court == court).order_by(Bill.number)).all()
    keep = ("number", "docket", "title", "pinslip", "sponsor", "source", "stage",
            "content_hash", "found_via", "history_hash", "history_etag",
            "history_last_modified", "last_action_at")  # fmt: skip
    out: dict[str, Any] = {}
    for bill in bills:
        url = (bill.url or "").replace(f"/{court}/", "/C/")
        snaps = session.scalars(select(Snapshot).where(Snapshot.bill_id == bill.id)).all()
        out[bill.number] = {
            "bill": {key: getattr(bill, key) for key in keep} | {"url": url},
            "actions": [
                (a.position, a.date, a.branch, a.text, a.category)
                for a in session.scalars(
                    select(Action).where(Action.bill_id == bill.id).order_by(Action.position)
                )
            ],
            "snapshots": [
                (s.content_hash, s.content.replace(f'"court": {court}', ""), s.source, s.stage)
                for s in snaps
            ],
            "relations": sorted(
                (r.type, r.object_number, r.since, r.evidence)
                for r in session.scalars(
                    select(BillRelation).where(BillRelation.bill_id == bill.id)
                )
            ),
        }
    return out


def test_a_batch_stores_what_save_bill_stores(engine: Engine) -> None:
    numbers = ["H.1001", "H.1002", "S.1003"]
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        outcomes = save_bills(s, run, [item(n) for n in numbers], NOW)
        for n in numbers:
            save_bill(s, run, item(n, court=998), NOW)
        assert all(isinstance(o, SaveResult) and o.changed for o in outcomes)
        assert [o.key for o in outcomes if isinstance(o, SaveResult)] == [
            f"999:{n}" for n in numbers
        ]
        assert (run.checked, run.changed) == (6, 6)
    with session_scope(engine) as s:
        batch, one_by_one = stored(s, 999), stored(s, 998)
    assert batch == one_by_one
    assert batch["H.1001"]["relations"][-1][:2] == ("replaced_by", "H.2001")
    assert len(batch["S.1003"]["actions"]) == 4 and len(batch["S.1003"]["snapshots"]) == 1


def test_one_document_read_twice_in_a_batch_is_one_bill(engine: Engine) -> None:
    """A docket-only read and the numbered bill that holds the docket: one bill, not two."""
    docket_read = item("H.1001", bill_number=None, tracked_number="HD.10001")
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        outcomes = save_bills(s, run, [docket_read, item("H.1001")], NOW)
        assert [o.key for o in outcomes if isinstance(o, SaveResult)] == [
            "999:HD.10001",
            "999:H.1001",
        ]
        assert s.scalar(select(func.count()).select_from(Bill)) == 1


def test_a_bad_bill_in_a_batch_is_refused_and_the_others_are_stored(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bills(s, run, [item("H.1001"), item("H.1002")], NOW)
    future = HistoryAction(datetime.now(UTC) + timedelta(days=30), "House", "Read second", 9)
    batch = [
        item("H.1001", rows=0),  # an empty history where four rows were stored
        item("H.1002", rows=2),  # a shorter history: rows lost, not stricken
        item("H.1003", actions=[future]),  # a row from the future
        item("H.1004"),  # a good new bill
    ]
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        outcomes = save_bills(s, run, batch, NOW)
        refused = [o.message for o in outcomes if isinstance(o, Refused)]
        assert len(refused) == 3
        assert "empty history for 999:H.1001" in refused[0]
        assert "without 2 of its 4 stored rows" in refused[1]
        assert "for 999:H.1003 with a row dated" in refused[2] and "after today" in refused[2]
        assert isinstance(outcomes[3], SaveResult) and outcomes[3].key == "999:H.1004"
        assert (run.checked, run.changed) == (1, 1)
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(Bill.number))) == ["H.1001", "H.1002", "H.1004"]
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 3


def test_a_stored_bill_in_a_batch_changes_as_save_bill_changes_it(engine: Engine) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        save_bills(s, run, [item("H.1001", rows=2)], NOW)
        later = NOW + timedelta(hours=1)
        outcomes = save_bills(s, run, [item("H.1001", rows=3), item("H.1002")], later)
        assert [(o.changed, o.key) for o in outcomes if isinstance(o, SaveResult)] == [
            (True, "999:H.1001"),
            (True, "999:H.1002"),
        ]
        again = save_bills(s, run, [item("H.1001", rows=3)], later)
        assert isinstance(again[0], SaveResult) and not again[0].changed
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 3


def test_touching_unchanged_bills_is_one_update_and_a_gone_bill_is_refused(
    engine: Engine,
) -> None:
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        outcomes = save_bills(s, run, [item("H.1001"), item("H.1002")], NOW)
        ids = [o.bill_id for o in outcomes if isinstance(o, SaveResult)]
    later = NOW + timedelta(days=1)
    checks = [
        BillChecked(ids[0], 999, "H.1001", not_modified=True),
        BillChecked(ids[1], 999, "H.1002", False, '"e2"', "Tue, 02 Jun 2026 12:00:00 GMT"),
        BillChecked(ids[1] + 100, 999, "H.1099", not_modified=True),
    ]
    with session_scope(engine) as s:
        run = start_run(s, "legislature")
        touched = touch_bills(s, run, checks, later)
        assert touched[:2] == [None, None]
        assert isinstance(touched[2], Refused) and "no longer stored" in touched[2].message
        assert (run.checked, run.not_modified, run.changed) == (2, 1, 0)
    with session_scope(engine) as s:
        bills = {b.number: b for b in s.scalars(select(Bill))}
        assert all(b.last_checked_at == later for b in bills.values())
        assert bills["H.1001"].history_etag == '"e1"'
        assert bills["H.1002"].history_etag == '"e2"'
        assert bills["H.1002"].history_last_modified == "Tue, 02 Jun 2026 12:00:00 GMT"
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 2
        assert s.scalar(select(func.count()).select_from(CrawlRun)) == 2


class _Crawler:
    """The little of a Scrapy crawler StorePipeline reads (a real one is tested end to end by
    the crawl tests)."""

    def __init__(self, url: str) -> None:
        self.settings = {"LEGISTRACK_DATABASE_URL": url}
        self.spider = type("Spider", (), {"name": "legislature"})()
        self.stats = type("Stats", (), {"set_value": lambda *a: None})()


def test_a_batch_the_database_refuses_is_stored_one_bill_at_a_time(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import crawler.pipelines as pipelines

    def failing(*args: Any, **kwargs: Any) -> Any:
        pipelines_save(*args, **kwargs)  # written, then the transaction fails: rolled back
        raise OperationalError("INSERT ...", {}, Exception("disk I/O error"))

    pipelines_save = pipelines.save_bills
    monkeypatch.setattr(pipelines, "save_bills", failing)
    pipeline = pipelines.StorePipeline(_Crawler(database_url))
    pipeline.open_spider()
    try:
        for number in ("H.1001", "H.1002"):
            pipeline.process_item(item(number))
        pipeline.process_item(item("H.1003", rows=2, actions=[]))  # new, empty: still stored
        assert len(pipeline.pending) == 3
        pipeline.pending_since -= pipelines.BATCH_AGE  # waited long enough: stored now
        pipeline._flush_if_old()
        assert pipeline.pending == []
    finally:
        pipeline.spider_closed(None, "finished")
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(Bill.number))) == ["H.1001", "H.1002", "H.1003"]
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 3
        run = s.scalars(select(CrawlRun)).one()
        assert (run.checked, run.changed, run.failed, run.status) == (3, 3, 0, "ok")


def test_a_timed_flush_the_database_fails_is_one_logged_line(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """The database goes away between two flushes: the timed flush can record nothing, not even
    a failure. It says so in one line (no unhandled Deferred's traceback) and stops; the bills
    are not stored."""
    from sqlalchemy.exc import OperationalError
    from twisted.internet.task import Clock

    import crawler.pipelines as pipelines

    def gone(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT ...", {}, Exception("unable to open database file"))

    pipeline = pipelines.StorePipeline(_Crawler(database_url))
    pipeline.clock = Clock()
    pipeline.open_spider()
    monkeypatch.setattr(pipelines, "save_bills", gone)
    monkeypatch.setattr(pipelines, "save_bill", gone)
    monkeypatch.setattr(pipelines, "record_failure", gone)
    pipeline.process_item(item("H.1001"))
    pipeline.pending_since -= pipelines.BATCH_AGE  # waited long enough: the next tick flushes
    with caplog.at_level(logging.ERROR, logger="crawler.pipelines"):
        pipeline.clock.advance(pipelines.BATCH_AGE)
        pipeline.clock.advance(pipelines.BATCH_AGE)  # stopped: no second line
    assert pipeline.flusher is not None and not pipeline.flusher.running
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    message = errors[0].getMessage()
    assert message.startswith("storing bills stopped: ")
    assert "unable to open database file" in message
    assert "\n" not in message
    with session_scope(engine) as s:
        assert s.scalars(select(Bill)).all() == []
    pipeline.session.close()  # type: ignore[union-attr]
    pipeline.engine.dispose()  # type: ignore[union-attr]
