"""The JSON API under /api: alerts (read, acknowledge, resolve), status, measures, bills, notes and
precision, in the shapes the CLI's `--format json` prints; described by /api/openapi.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from .. import formatting
from .data import OUTCOMES, AlertFilter, Data, NotFound

router = APIRouter(prefix="/api")
Outcome = Literal["note_updated", "false_alarm", "will_not_fix"]
assert set(OUTCOMES) == set(Outcome.__args__)  # type: ignore[attr-defined]


class Event(BaseModel):
    at: str
    state: str
    by: str
    comment: str | None
    outcome: str | None


class AlertOut(BaseModel):
    """An alert as `legistrack alerts --format json` prints it, with its subject's kind."""

    id: int
    note: str
    subject: str
    kind: str = Field(description="bill, measure, order, note or source")
    rule: str
    severity: str
    state: str
    outcome: str | None = Field(description="how a reviewer resolved it: " + ", ".join(OUTCOMES))
    message: str
    note_says: str
    record_says: str
    evidence_date: str | None
    source_url: str | None
    detected_at: str
    last_seen_at: str | None
    notified_at: str | None
    history: list[Event] | None = None


class Ack(BaseModel):
    comment: str | None = None


class Resolve(BaseModel):
    outcome: Outcome
    comment: str | None = None


class Bulk(BaseModel):
    ids: list[int]
    action: Literal["ack", "resolve"]
    outcome: Outcome | None = None
    comment: str | None = None


class Changed(BaseModel):
    changed: list[int]
    problems: list[str]


class RulePrecision(BaseModel):
    rule: str
    counts: dict[str, int]
    precision: float | None = Field(description="note_updated / (note_updated + false_alarm)")


def _data(request: Request) -> Data:
    data: Data = request.app.state.data
    return data


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/alerts", response_model=list[AlertOut], summary="Alerts, newest first")
def list_alerts(
    request: Request,
    response: Response,
    state: Literal["active", "open", "acknowledged", "resolved", "all"] = "active",
    rule: str | None = None,
    severity: str | None = None,
    note: str | None = None,
    kind: Literal["bill", "measure", "order", "note", "source"] | None = None,
    subject: str | None = None,
    age: Literal["day", "week", "month", "older"] | None = None,
    q: str | None = Query(None, max_length=200, description="words in the alert's text"),
    limit: int | None = Query(
        None, ge=1, le=100_000, description="at most this many (all by default)"
    ),
    offset: int = Query(0, ge=0, le=10**9, description="skip this many of the newest first"),
) -> list[dict[str, Any]]:
    """The alerts the filter matches, newest first; `X-Total-Count` says how many match in all,
    so a client can page through them with `limit` and `offset`."""
    wanted = AlertFilter(state, rule, severity, note, kind, subject, age, q)
    found = _data(request).queue(wanted, _now(), limit, offset)
    response.headers["X-Total-Count"] = str(found.total)
    return found.alerts


@router.get("/alerts/{alert_id}", response_model=AlertOut, summary="One alert with its history")
def get_alert(request: Request, alert_id: int) -> dict[str, Any]:
    try:
        return _data(request).alert_json(alert_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _change(
    request: Request, ids: list[int], state: str, comment: str | None, outcome: str | None
) -> Changed:
    problems = _data(request).change(ids, state, request.state.reviewer, comment, outcome)
    return Changed(changed=[i for i in ids if i not in problems], problems=list(problems.values()))


@router.post("/alerts/{alert_id}/ack", response_model=AlertOut, summary="Acknowledge an alert")
def ack_alert(request: Request, alert_id: int, body: Ack) -> dict[str, Any]:
    result = _change(request, [alert_id], "acknowledged", body.comment, None)
    return _after(request, alert_id, result)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut, summary="Resolve an alert")
def resolve_alert(request: Request, alert_id: int, body: Resolve) -> dict[str, Any]:
    result = _change(request, [alert_id], "resolved", body.comment, body.outcome)
    return _after(request, alert_id, result)


def _after(request: Request, alert_id: int, result: Changed) -> dict[str, Any]:
    if result.problems:
        code = 404 if result.problems[0].startswith("no alert") else 409
        raise HTTPException(code, result.problems[0])
    return _data(request).alert_json(alert_id)


@router.post("/alerts/bulk", response_model=Changed, summary="Acknowledge or resolve many")
def bulk(request: Request, body: Bulk) -> Changed:
    if body.action == "resolve" and body.outcome is None:
        raise HTTPException(422, f"resolve needs an outcome: {', '.join(OUTCOMES)}")
    state = "resolved" if body.action == "resolve" else "acknowledged"
    outcome = body.outcome if body.action == "resolve" else None
    return _change(request, body.ids, state, body.comment, outcome)


@router.get("/status", summary="The same document as `legistrack status --format json`")
def status(request: Request) -> dict[str, Any]:
    report, _ = _data(request).status(_now())
    document: dict[str, Any] = json.loads(formatting.status_json(report))
    return document


@router.get("/measures", summary="Every measure, as in `status --format json`")
def measures(request: Request) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = status(request)["measures"]
    return found


@router.get("/bills/{court}/{number}", summary="One bill as in `status`, with its snapshots")
def bill(request: Request, court: int, number: str) -> dict[str, Any]:
    document = status(request)
    data = _data(request)
    try:
        page = data.bill(court, number, _now())
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    bills = [b for m in document["measures"] for b in m["bills"]] + document["bills"]
    shown = page.status.number if page.status else number
    found = next((b for b in bills if b["court"] == court and b["number"] == shown), None)
    return {
        "bill": found,
        "snapshots": [
            {
                "taken_at": formatting.stamp(c.taken_at),
                "source": c.source,
                "stage": c.stage,
                "added": c.added,
                "removed": c.removed,
            }
            for c in page.changes
        ],
    }


@router.get("/notes", summary="The configured notes: date, its source, findings")
def notes(request: Request) -> dict[str, Any]:
    results, errors = _data(request).notes(_now())
    return {"notes": [_note_json(r, full=False) for r in results], "errors": errors}


@router.get("/notes/{name:path}", summary="One note: date, citations, claims, findings")
def note(request: Request, name: str) -> dict[str, Any]:
    try:
        return _note_json(_data(request).note(name, _now()), full=True)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _note_json(result: Any, full: bool) -> dict[str, Any]:
    note = result.note
    row: dict[str, Any] = {
        "name": result.name,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "date_source": note.date_source,
        "weak_date": note.weak_date,
        "stale": bool(result.findings),
        "findings": len(result.findings),
    }
    if full:
        row["subjects"] = [
            {
                "key": s.key,
                "kind": s.kind,
                "claim": s.claim_stage,
                "claim_phrase": s.claim_phrase,
                "context": s.context,
            }
            for s in result.citations.subjects
        ]
        row["untracked"] = list(result.citations.untracked)
        row["findings"] = [
            {
                "rule": f.rule,
                "subject": f.subject,
                "severity": f.severity,
                "message": f.message,
                "note_says": f.note_says,
                "record_says": f.record_says,
                "source_url": f.source_url,
            }
            for f in result.findings
        ]
    return row


@router.get("/stats", response_model=list[RulePrecision], summary="Reviewers' outcomes per rule")
def stats(request: Request) -> list[RulePrecision]:
    return [
        RulePrecision(rule=r.rule, counts=r.counts, precision=r.precision)
        for r in _data(request).stats()
    ]
