"""Rendering reports for people and programs: tables, JSON and Markdown (no logic of its own)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from models.calendar import EASTERN
from models.status import BillStatus, StatusReport


def day(when: datetime | None) -> str:
    """An Eastern calendar day, the way the legislature dates its actions."""
    return when.astimezone(EASTERN).date().isoformat() if when else ""


def stamp(when: datetime | None) -> str | None:
    return when.isoformat().replace("+00:00", "Z") if when else None


def status_json(report: StatusReport) -> str:
    """The `status --format json` contract: fields may be added, never renamed."""
    document = {
        "generated_at": stamp(report.generated_at),
        "measures": [
            {
                "name": measure.name,
                "stage": measure.stage,
                "bills": [_bill_json(bill) for bill in measure.bills],
            }
            for measure in report.measures
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _bill_json(bill: BillStatus) -> dict[str, Any]:
    last = bill.last_action
    return {
        "court": bill.court,
        "number": bill.number,
        "docket": bill.docket,
        "title": bill.title,
        "stage": bill.stage,
        "stage_date": day(bill.stage_date) or None,
        "stage_reason": bill.stage_reason if bill.stage else None,
        "last_action": (
            {"date": day(last.date), "branch": last.branch, "text": last.text} if last else None
        ),
        "url": bill.url,
        "checked_at": stamp(bill.checked_at),
        "changed_at": stamp(bill.changed_at),
    }


STATUS_COLUMNS = ("bill", "stage", "since", "last action", "title")


def status_rows(report: StatusReport) -> list[tuple[str, list[list[str]]]]:
    """One (heading, rows) block per measure."""
    blocks = []
    for measure in report.measures:
        rows = []
        for bill in measure.bills:
            last = bill.last_action
            name = f"{bill.number} ({bill.court})" + (f" [{bill.docket}]" if bill.docket else "")
            rows.append(
                [
                    name,
                    bill.stage or "not read yet",
                    day(bill.stage_date),
                    f"{day(last.date)} {last.branch}: {last.text}" if last else "",
                    bill.title or "",
                ]
            )
        blocks.append((f"{measure.name} — {measure.stage or 'not read yet'}", rows))
    return blocks


def status_table(report: StatusReport, width: int = 160) -> str:
    lines = [f"legistrack status, {report.generated_at.astimezone(EASTERN):%Y-%m-%d %H:%M %Z}"]
    for heading, rows in status_rows(report):
        lines += ["", heading, *table(STATUS_COLUMNS, rows, width, indent="  ")]
    return "\n".join(lines)


def status_markdown(report: StatusReport) -> str:
    lines = [f"# Status of tracked legislation ({day(report.generated_at)})"]
    for measure in report.measures:
        lines += ["", f"## {measure.name}: {measure.stage or 'not read yet'}", ""]
        lines += ["| bill | stage | since | last action | title |", "|---|---|---|---|---|"]
        for bill in measure.bills:
            last = bill.last_action
            number = f"[{bill.number}]({bill.url})" if bill.url else bill.number
            cells = [
                f"{number} ({bill.court})",
                f"`{bill.stage}`" if bill.stage else "not read yet",
                day(bill.stage_date),
                f"{day(last.date)} {last.branch}: {last.text}" if last else "",
                bill.title or "",
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = 160, indent: str = ""
) -> list[str]:
    """A plain-text table; the last column is cut to fit `width`."""
    widths = [len(c) for c in columns]
    for row in rows:
        for index, cell in enumerate(row[:-1]):
            widths[index] = min(max(widths[index], len(cell)), 60)
    used = len(indent) + sum(w + 2 for w in widths[:-1])
    widths[-1] = max(20, width - used)

    def line(cells: Sequence[str]) -> str:
        parts = [_fit(cell, w).ljust(w) for cell, w in zip(cells, widths, strict=True)]
        return (indent + "  ".join(parts)).rstrip()

    return [line(columns), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
