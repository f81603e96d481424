"""The rules legistrack judges by: each one's name, severity, what it reads and what it means.

A rule is switched on or off by name under `[rules]` in config.toml (models.config reads the names
from here). The three subject rules are decided together by `check_subject`, one cause per cited
subject (a dead bill is reported as dead, not also as changed); the others stand alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.rules import sources, staleness


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str  # stale | review
    reads: str  # what it judges: a cited subject, a note, the orders, the sources
    judge: Callable[..., object]
    doc: str


RULES: tuple[Rule, ...] = (
    Rule(
        "dead_bill_cited",
        "stale",
        "a cited subject",
        staleness.check_subject,
        "a note treats as live a bill that is dead, replaced or sent to study",
    ),
    Rule(
        "contradicts_note",
        "stale",
        "a cited subject",
        staleness.check_subject,
        "a note's claim did not match the record on the note's own date",
    ),
    Rule(
        "changed_since_note",
        "stale",
        "a cited subject",
        staleness.check_subject,
        "a subject's stage changed after the note's date",
    ),
    Rule(
        "review_due",
        "review",
        "a note",
        staleness.review_due,
        "a note's review_every has passed",
    ),
    Rule(
        "order_changed",
        "stale",
        "a note's orders",
        staleness.order_changed,
        "an order a note cites was amended, superseded or revoked since",
    ),
    Rule(
        "news_since_note",
        "review",
        "a note's subjects in the news",
        staleness.news_since_note,
        "news citing a note's subject appeared after the note's date",
    ),
    Rule(
        "new_order",
        "review",
        "the order listings",
        staleness.new_orders,
        "a new order matching the keywords appeared on a listing",
    ),
    Rule(
        "source_failing",
        "stale",
        "the sources",
        sources.failing_findings,
        "a source failed [schedule] failures_before_alert crawls in a row (always on)",
    ),
)

BY_NAME = {rule.name: rule for rule in RULES}
# The rules config.toml may switch off (source health is always judged).
SWITCHABLE: tuple[str, ...] = tuple(r.name for r in RULES if r.name != "source_failing")
