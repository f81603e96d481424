"""The polling policy: which stored bills a crawl reads again, and how (pure, `now` passed in)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.legislature.calendar import EASTERN, court, court_ended
from models.legislature.numbers import BillRef
from models.legislature.stages import ActionLike, ordinal

POLL = "poll"  # read it: its history first, the document only if the history changed
SKIP_DORMANT = "dormant"  # no action for a long time and read recently: not this crawl
SKIP_FINAL = "final"  # its court has ended and it was read since: its record cannot change


@dataclass(frozen=True)
class PollPolicy:
    """How often stored bills are read again (LegiScan-style: dormant bills less often)."""

    dormant_after_days: int = 30  # no action for this many days makes a bill dormant
    dormant_every_hours: float = 24.0  # a dormant bill is read at most this often (0: every crawl)


@dataclass(frozen=True)
class KnownBill:
    """What the database knows of a bill that decides how the next crawl reads it."""

    bill_id: int
    court: int
    number: str
    docket: str | None
    title: str | None
    history_hash: str | None
    etag: str | None
    last_modified: str | None
    last_action_at: datetime | None
    last_checked_at: datetime | None
    followed: tuple[tuple[str, int, str], ...] = ()  # stored relations a crawl follows

    @property
    def ref(self) -> BillRef:
        return BillRef(self.court, self.number)


@dataclass(frozen=True)
class Decision:
    action: str  # POLL, SKIP_DORMANT or SKIP_FINAL
    reason: str = ""


def decide(known: KnownBill, policy: PollPolicy, now: datetime) -> Decision:
    """Whether a stored bill is read this crawl; a bill never read, or never hashed, always is."""
    checked = known.last_checked_at
    if checked is None or known.history_hash is None:
        return Decision(POLL)
    ends = court(known.court).ends
    if court_ended(known.court, now) and checked.astimezone(EASTERN).date() >= ends:
        return Decision(SKIP_FINAL, f"the {ordinal(known.court)} General Court ended on {ends}")
    if policy.dormant_every_hours <= 0 or known.last_action_at is None:
        return Decision(POLL)
    quiet_since = now - timedelta(days=policy.dormant_after_days)
    due = checked + timedelta(hours=policy.dormant_every_hours)
    if known.last_action_at < quiet_since and now < due:
        last = known.last_action_at.astimezone(EASTERN).date()
        return Decision(
            SKIP_DORMANT, f"no action since {last}; next read after {due:%Y-%m-%d %H:%M}Z"
        )
    return Decision(POLL)


def history_digest(actions: Sequence[ActionLike]) -> str:
    """A hash of a history exactly as read (full timestamps, branches, texts, in order)."""
    rows = [[row.date.isoformat(), row.branch, row.action] for row in actions]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


_REFERRAL = re.compile(
    r"referred to the (?:joint )?committee on (?:the )?(?P<name>.+?)(?=[,.;]|\s+pending\b|$)",
    re.IGNORECASE,
)


def committees_of(actions: Sequence[ActionLike]) -> list[str]:
    """The committees a history refers the bill to, in order ("Referred to the committee on X")."""
    found: list[str] = []
    for row in actions:
        for match in _REFERRAL.finditer(row.action):
            name = " ".join(match.group("name").split())
            if name not in found:
                found.append(name)
    return found


def judge_committees(
    actions: Sequence[ActionLike], wanted: Sequence[str]
) -> tuple[bool | None, str]:
    """Whether a history puts a document in scope of a committee filter: True when a referral
    names one of `wanted` (any case), False when referrals name only others, None when none yet."""
    committees = committees_of(actions)
    if not committees:
        return None, "not referred to a committee yet"
    keys = [w.casefold() for w in wanted]
    for name in committees:
        if any(k in name.casefold() for k in keys):
            return True, f"referred to the committee on {name}"
    return False, "referred only to " + "; ".join(committees)


@dataclass(frozen=True)
class Listed:
    """The committee filter's last judgement of a listed document."""

    in_scope: bool | None
    reason: str
    judged_at: datetime

    def due(self, policy: PollPolicy, now: datetime) -> bool:
        """Judge again? Not yet referred: every crawl; outside: as often as a dormant bill."""
        if self.in_scope is None or policy.dormant_every_hours <= 0:
            return True
        return now >= self.judged_at + timedelta(hours=policy.dormant_every_hours)


@dataclass(frozen=True)
class PollingSummary:
    """What the stored bills say about the next crawl: how many the source sent validators for
    (so they are read conditionally), and how many the policy would not read now."""

    bills: int
    with_etag: int
    with_last_modified: int
    dormant: int
    final: int

    def line(self) -> str:
        return (
            f"legislature: {self.bills} bills stored; the source sent an ETag for {self.with_etag}"
            f" and a Last-Modified for {self.with_last_modified} of them (read conditionally);"
            f" not due now: {self.dormant} dormant, {self.final} final"
        )
