"""The `--format json` documents of `history`, `diff` and `sources` (fields added, not renamed)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from models.legislature.polling import PollingSummary
from models.rules.sources import SourceHealth
from models.storage.history import SnapshotChange, SnapshotDiff
from models.storage.records import RelationView
from models.storage.schema import Bill

from .formatting import day, stamp


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def _bill(bill: Bill) -> dict[str, Any]:
    return {
        "court": bill.court,
        "number": bill.number,
        "docket": bill.docket,
        "title": bill.title,
        "url": bill.url,
        "found_via": bill.found_via,
    }


def history_json(
    bill: Bill, relations: Sequence[RelationView], changes: Sequence[SnapshotChange]
) -> dict[str, Any]:
    return {
        "bill": _bill(bill),
        "relations": [
            {"type": r.type, "court": r.court, "number": r.number, "since": day(r.since) or None}
            for r in relations
        ],
        "snapshots": [
            {
                "taken_at": stamp(c.taken_at),
                "source": c.source,
                "stage": c.stage,
                "number_changed": list(c.number_changed) if c.number_changed else None,
                "title_changed": list(c.title_changed) if c.title_changed else None,
                "added": c.added,
                "removed": c.removed,
            }
            for c in changes
        ],
    }


def diff_json(bill: Bill, change: SnapshotDiff) -> dict[str, Any]:
    return {
        "bill": _bill(bill),
        "from": stamp(change.old_taken_at),
        "to": stamp(change.new_taken_at),
        "stage": {"from": change.stage[0], "to": change.stage[1]},
        "title": {"from": change.title[0], "to": change.title[1]} if change.title else None,
        "added": change.added,
        "removed": change.removed,
    }


def sources_json(
    healths: Sequence[tuple[SourceHealth, datetime | None]], summary: PollingSummary
) -> dict[str, Any]:
    return {
        "sources": [
            {
                "source": h.source,
                "last_run_at": stamp(h.last_run_at),
                "last_success_at": stamp(h.last_success_at),
                "last_failure_at": stamp(h.last_failure_at),
                "consecutive_failures": h.consecutive_failures,
                "last_error": h.last_error,
                "next_run": upcoming.isoformat(timespec="minutes") if upcoming else None,
            }
            for h, upcoming in healths
        ],
        "polling": {
            "bills": summary.bills,
            "with_etag": summary.with_etag,
            "with_last_modified": summary.with_last_modified,
            "dormant": summary.dormant,
            "final": summary.final,
        },
    }
