"""Rendering reports for people and programs: tables, JSON and Markdown (no logic of its own)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from models.legislature.calendar import EASTERN
from models.legislature.numbers import BillRef
from models.legislature.stages import STAGES, TERMINAL_STAGES
from models.reports.status import BillStatus, MeasureStatus, OrderView, StatusReport


def day(when: datetime | None) -> str:
    """An Eastern calendar day, the way the legislature dates its actions."""
    return when.astimezone(EASTERN).date().isoformat() if when else ""


def stamp(when: datetime | None) -> str | None:
    return when.isoformat().replace("+00:00", "Z") if when else None


def status_json(report: StatusReport) -> str:
    """The `status --format json` contract: fields may be added, never renamed."""
    document = {
        "generated_at": stamp(report.generated_at),
        "executive_orders": [_order_json(order) for order in report.executive_orders],
        "measures": [
            {
                "name": measure.name,
                "stage": measure.stage,
                "live_bill": _ref_json(measure.live_bill),
                "lineage": measure.lineage,
                "dead_reason": measure.dead_reason,
                "bills": [_bill_json(bill) for bill in measure.bills],
            }
            for measure in report.measures
        ],
        "bills": [_bill_json(bill) for bill in report.bills],
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
        "role": bill.role,
        "found_via": bill.found_via,
        "relations": [
            {"type": r.type, "court": r.court, "number": r.number, "since": day(r.since) or None}
            for r in bill.relations
        ],
        "dead_reason": bill.stage_reason if bill.stage in TERMINAL_STAGES else None,
        "successor": _ref_json(bill.successor),
        "session_note": bill.session_note,
    }


def _order_json(order: OrderView) -> dict[str, Any]:
    return {
        "number": order.number,
        "title": order.title,
        "date": order.date,
        "issuer": order.issuer,
        "status": order.status,
        "adjusted_by": list(order.adjusted_by),
        "url": order.url or None,
        "tracked": order.tracked,
        "checked_at": stamp(order.checked_at),
        "changed_at": stamp(order.changed_at),
    }


ORDER_COLUMNS = ("order", "date", "status", "adjusted by", "title")


def order_rows(report: StatusReport) -> list[list[str]]:
    return [
        [
            f"EO {o.number}" + ("" if o.tracked else " (found)"),
            o.date or "",
            o.status,
            "; ".join(o.adjusted_by),
            o.title,
        ]
        for o in report.executive_orders
    ]


def _ref_json(ref: BillStatus | BillRef | None) -> dict[str, Any] | None:
    return {"court": ref.court, "number": ref.number} if ref else None


STATUS_COLUMNS = ("bill", "stage", "since", "last action", "title")


def status_rows(report: StatusReport) -> list[tuple[str, list[list[str]], list[str]]]:
    """One (heading, rows, notes) block per measure; a note shared by bills is listed once."""
    blocks = []
    for measure in report.measures:
        rows = []
        notes: dict[str, list[str]] = {}
        for bill in measure.bills:
            last = bill.last_action
            rows.append(
                [
                    bill_label(bill),
                    bill.stage or "not read yet",
                    day(bill.stage_date),
                    f"{day(last.date)} {last.branch}: {last.text}" if last else "",
                    bill.title or "",
                ]
            )
            for note in bill_notes(bill):
                notes.setdefault(note, []).append(bill.number)
        lines = [f"{', '.join(numbers)}: {note}" for note, numbers in notes.items()]
        blocks.append((measure_heading(measure), rows, lines))
    return blocks


def bill_label(bill: BillStatus) -> str:
    label = f"{bill.number} ({bill.court})" + (f" [{bill.docket}]" if bill.docket else "")
    marks = {"companion": " companion", "lineage": " via lineage"}
    return label + marks.get(bill.role, "")


def bill_notes(bill: BillStatus) -> list[str]:
    """What a reader must not miss about a bill: its fate and successor, informal sessions."""
    notes = []
    if bill.stage in TERMINAL_STAGES and bill.stage_reason:
        fate = bill.stage_reason
        if bill.successor:
            fate += f"; successor {bill.successor.number} ({bill.successor.court})"
        notes.append(fate)
    if bill.session_note:
        notes.append(bill.session_note)
    return notes


def measure_heading(measure: MeasureStatus) -> str:
    heading = f"{measure.name} — {measure.stage or 'not read yet'}"
    if measure.live_bill:
        heading += f" (live bill {measure.live_bill.number})"
    if measure.dead_reason:
        heading += f" ({measure.dead_reason})"
    return heading + (f"\n  lineage: {measure.lineage}" if measure.lineage else "")


def other_bills(report: StatusReport) -> list[tuple[str, list[tuple[str, int]]]]:
    """Per court, the stored bills of no measure: a heading, and how many are at each stage
    (stages in their order of progress, bills never read last)."""
    courts: dict[int, Counter[str]] = {}
    for bill in report.bills:
        courts.setdefault(bill.court, Counter())[bill.stage or "not read yet"] += 1
    order = {stage: index for index, stage in enumerate(STAGES)}
    return [
        (
            f"Other tracked bills, court {number}: {sum(counts.values())} bills in no measure "
            "(`legistrack status --format json` lists each one)",
            sorted(counts.items(), key=lambda item: order.get(item[0], len(order))),
        )
        for number, counts in sorted(courts.items())
    ]


def status_table(report: StatusReport, width: int = 160) -> str:
    lines = [f"legistrack status, {report.generated_at.astimezone(EASTERN):%Y-%m-%d %H:%M %Z}"]
    for heading, rows, notes in status_rows(report):
        lines += ["", heading, *table(STATUS_COLUMNS, rows, width, indent="  ")]
        lines += [f"  note: {note}" for note in notes]
    for heading, stages in other_bills(report):
        lines += ["", heading, *(f"  {stage:<22} {count:>6}" for stage, count in stages)]
    if report.executive_orders:
        lines += ["", "Executive orders", *table(ORDER_COLUMNS, order_rows(report), width, "  ")]
    return "\n".join(lines)


def status_markdown(report: StatusReport) -> str:
    lines = [f"# Status of tracked legislation ({day(report.generated_at)})"]
    for measure in report.measures:
        lines += ["", f"## {measure.name}: {measure.stage or 'not read yet'}", ""]
        if measure.live_bill:
            lines.append(f"Live bill: {measure.live_bill.number} ({measure.live_bill.court}).")
        if measure.dead_reason:
            lines.append(f"Dead: {measure.dead_reason}.")
        if measure.lineage:
            lines += [f"Lineage: `{measure.lineage}`", ""]
        lines += ["| bill | stage | since | last action | title / notes |", "|---|---|---|---|---|"]
        for bill in measure.bills:
            last = bill.last_action
            label = bill_label(bill)
            number = (
                label.replace(bill.number, f"[{bill.number}]({bill.url})", 1) if bill.url else label
            )
            cells = [
                number,
                f"`{bill.stage}`" if bill.stage else "not read yet",
                day(bill.stage_date),
                f"{day(last.date)} {last.branch}: {last.text}" if last else "",
                "; ".join(x for x in (bill.title, *bill_notes(bill)) if x),
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    for heading, stages in other_bills(report):
        title, _, detail = heading.partition(": ")
        lines += ["", f"## {title}", "", f"{detail[0].upper()}{detail[1:]}.", ""]
        lines += ["| stage | bills |", "|---|---|", *(f"| {a} | {b} |" for a, b in stages)]
    if report.executive_orders:
        lines += ["", "## Executive orders", "", "| order | date | status | adjusted by | title |"]
        lines.append("|---|---|---|---|---|")
        for row in order_rows(report):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
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
