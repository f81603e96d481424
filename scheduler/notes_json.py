"""The `--format json` documents of `notes check` and `notes show` (fields added, not renamed)."""

from __future__ import annotations

from typing import Any

from models.notes.citations import NoteCitations
from models.notes.reading import Note
from models.rules.staleness import Finding

from .checking import NoteResult


def note_date(note: Note) -> dict[str, Any]:
    """A note's date, where it was read, and whether the note dates itself at all."""
    return {
        "date": note.date.isoformat() if note.date else None,
        "date_source": note.date_source,
        "date_from": note.date_from,
        "undated": note.undated,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "subject": finding.subject,
        "message": finding.message,
        "note_says": finding.note_says,
        "record_says": finding.record_says,
        "evidence_date": finding.evidence_date.isoformat() if finding.evidence_date else None,
        "source_url": finding.source_url,
    }


def check_json(results: list[NoteResult], errors: list[str]) -> dict[str, Any]:
    notes = []
    for result in results:
        entry: dict[str, Any] = {
            "name": result.name,
            "status": "stale" if result.findings else "ok",
            **note_date(result.note),
            "findings": [finding_json(f) for f in result.findings],
        }
        if result.web is not None:
            entry["page"] = {"url": result.web.url, "edit_url": result.web.edit_url,
                             "version": result.web.version}  # fmt: skip
        notes.append(entry)
    return {
        "notes": notes,
        "errors": errors,
        "checked": len(results),
        "stale": sum(1 for r in results if r.findings),
        "unreadable": len(errors),
        "undated": sum(1 for r in results if r.note.undated),
    }


def show_json(name: str, note: Note, citations: NoteCitations) -> dict[str, Any]:
    return {
        "name": name,
        "title": note.title,
        **note_date(note),
        "review_every_days": note.review_every.days if note.review_every else None,
        "subjects": [
            {
                "kind": s.kind,
                "key": s.key,
                "claim": s.claim_stage,
                "claim_phrase": s.claim_phrase,
                "claims": [
                    {"stage": c.stage, "phrase": c.phrase, "context": c.context} for c in s.claims
                ],
            }
            for s in citations.subjects
        ],
        "untracked": list(citations.untracked),
    }
