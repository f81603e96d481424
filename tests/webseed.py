"""A constructed record and notes for the review page's tests: made-up bills of court 999 stored
through models.storage.store (the crawl's own save path), checked by the real staleness check.

Everything here is constructed; the action wording follows the real records' phrasing (FACTS.md
and STRUCTURE.md quote "Signed by the Governor, Chapter 139 of the Acts of 2024"). The title of
H.1001 and a line of one note carry hostile markup, which every page must show as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.items import BillItem, HistoryAction
from models.config import Config, load_config
from models.storage.db import make_engine, session_scope, upgrade
from models.storage.store import finish_run, save_bill, start_run
from scheduler.checking import run_check

HOSTILE_TITLE = "<script>alert('title')</script> An Act relative to constructed testing"
HOSTILE_NOTE = "<script>alert('note')</script>"
SITE = "http://legislature.test"
NOW = datetime(2025, 7, 1, 16, tzinfo=UTC)
SENATE_REFERRAL = "Read; and referred to the committee on Senate Ways and Means"
CONCURRED = "Read third and passed to be engrossed in concurrence"
SIGNED = "Signed by the Governor, Chapter 139 of the Acts of 2025"

BILLS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "H.1001": (
        HOSTILE_TITLE,
        [
            ("2025-01-10T10:00:00", "House", "Referred to the committee on the Judiciary"),
            ("2025-04-02T11:00:00", "House", "Accompanied a new draft, see H1002"),
        ],
    ),
    "H.1002": (
        "An Act relative to constructed testing (new draft)",
        [
            ("2025-04-02T11:05:00", "House", "Referred to the committee on House Ways and Means"),
            ("2025-06-18T15:00:00", "House", "Read third and passed to be engrossed"),
            ("2025-06-19T10:00:00", "Senate", SENATE_REFERRAL),
        ],
    ),
    "S.1003": (
        "An Act relative to constructed Senate business",
        [("2025-02-10T10:00:00", "Senate", "Referred to the committee on State Administration")],
    ),
    "H.1004": (
        "An Act relative to a constructed signed law",
        [
            ("2025-02-01T10:00:00", "House", "Referred to the committee on the Judiciary"),
            ("2025-05-01T15:00:00", "House", "Read third and passed to be engrossed"),
            ("2025-05-08T15:00:00", "Senate", CONCURRED),
            ("2025-05-15T12:00:00", "House", "Enacted and laid before the Governor"),
            ("2025-05-20T12:00:00", "Executive", SIGNED),
        ],
    ),
}

DRAFTS_NOTE = f"""---
title: Made-up drafts
last_updated: 2025-03-01
---
# Made-up drafts (constructed)

H.1001 is in committee. {HOSTILE_NOTE}

H.1004 is pending in the House.
"""
SENATE_NOTE = """Made-up Senate note (constructed)

S.1003 is in committee.

Last updated: Jun 1, 2025
"""
REVIEW_NOTE = """---
title: Made-up Senate watch
last_updated: 2025-01-05
review_every: 30d
---
S.1003 is in committee.
"""
CONFIG = """# constructed config for the review page's tests
[database]
url = "{url}"

[legislature]
api_url = "{site}/api"
site_url = "{site}"

[notes]
paths = ["notes"]

[web]
base_url = "{base}"
{web}

[[measures]]
name = "Made-up measure"
bills = [{{court = 999, number = "H.1001"}}]

[[measures]]
name = "Made-up Senate bill"
bills = [{{court = 999, number = "S.1003"}}]

[[measures]]
name = "Made-up signed act"
bills = [{{court = 999, number = "H.1004"}}]
"""


@dataclass
class Seeded:
    folder: Path
    config: Config


def write_project(folder: Path, database_url: str, base: str, web: str = "") -> Path:
    """The config and notes, no record yet."""
    notes = folder / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "drafts.md").write_text(DRAFTS_NOTE, encoding="utf-8")
    (notes / "senate.txt").write_text(SENATE_NOTE, encoding="utf-8")
    (notes / "watch.md").write_text(REVIEW_NOTE, encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(
        CONFIG.format(url=database_url, site=SITE, base=base, web=web), encoding="utf-8"
    )
    return path


def seed(folder: Path, database_url: str, base: str = "http://testserver", web: str = "") -> Seeded:
    """Store the bills as one crawl would, then run the check (alerts, no notification)."""
    config = load_config(write_project(folder, database_url, base, web))
    engine = make_engine(config.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        run = start_run(session, "legislature", NOW)
        for number, (title, rows) in BILLS.items():
            save_bill(session, run, _item(number, title, rows), NOW)
        finish_run(session, run, "finished", NOW)
    run_check(engine, config, NOW, send=False)
    engine.dispose()
    return Seeded(folder, config)


def _item(number: str, title: str, rows: list[tuple[str, str, str]]) -> BillItem:
    actions = [
        HistoryAction(datetime.fromisoformat(day).replace(tzinfo=UTC), branch, text, index)
        for index, (day, branch, text) in enumerate(rows)
    ]
    path = number.replace(".", "")
    return BillItem(
        court=999,
        tracked_number=number,
        bill_number=number,
        docket_number=None,
        title=title,
        actions=actions,
        source="api",
        url=f"{SITE}/Bills/999/{path}",
        fetched_from=f"{SITE}/api/GeneralCourts/999/Documents/{path}",
    )
