"""Source rules: a source whose crawls failed too many times in a row is `source_failing`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.rules.staleness import Finding

SOURCES_NOTE = "(sources)"  # the "note" of source_failing alerts


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    streak_start_run: int | None  # the first failed run of the current streak


def failing_findings(healths: Sequence[SourceHealth], threshold: int) -> list[Finding]:
    """One finding per source whose current streak reached `threshold`: the same evidence for
    the whole streak, so the alert is raised once and resolves itself on the next success."""
    return [
        Finding(
            "source_failing",
            h.source,
            "stale",
            f"source {h.source} failed {h.consecutive_failures} times in a row; "
            f"last error: {h.last_error}",
            "(no note: the source itself)",
            f"{h.consecutive_failures} consecutive failed crawls; last: {h.last_error}",
            h.last_failure_at.date() if h.last_failure_at else None,
            None,
            f"streak from run {h.streak_start_run}",
        )
        for h in healths
        if h.consecutive_failures >= threshold
    ]
