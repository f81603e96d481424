"""Bill stages: the category of each history row and the stage a bill's history has reached."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import lru_cache
from typing import Protocol

from models.legislature.calendar import EASTERN, court_ended
from models.legislature.calendar import court as court_calendar

STAGES: tuple[str, ...] = (
    "filed",
    "in_committee",
    "reported_favorably",
    "reported_unfavorably",
    "passed_house",
    "passed_senate",
    "passed_both",
    "in_conference",
    "enacted",
    "signed",
    "vetoed",
    "veto_overridden",
    "replaced",
    "sent_to_study",
    "dead",
)
# Stages that end a bill without it becoming law. "signed" and "veto_overridden" are final too.
TERMINAL_STAGES = frozenset({"replaced", "sent_to_study", "dead"})

# Progress order; terminal stages rank lowest so that a live bill wins "furthest stage" contests.
_RANK: dict[str, int] = {
    "dead": 0,
    "sent_to_study": 1,
    "replaced": 2,
    "filed": 3,
    "in_committee": 4,
    "reported_unfavorably": 5,
    "reported_favorably": 6,
    "passed_house": 7,
    "passed_senate": 7,
    "passed_both": 8,
    "in_conference": 9,
    "enacted": 10,
    "vetoed": 11,
    "signed": 12,
    "veto_overridden": 13,
}
# Stages a bill can still leave; when its court ends in one of them, the bill is dead.
_OPEN = frozenset(STAGES) - TERMINAL_STAGES - {"enacted", "signed", "vetoed", "veto_overridden"}


class ActionLike(Protocol):
    """One row of a bill's history (crawler.items.HistoryAction fits)."""

    @property
    def date(self) -> datetime: ...
    @property
    def branch(self) -> str: ...
    @property
    def action(self) -> str: ...


@dataclass(frozen=True)
class StageResult:
    """A bill's stage, why, and the history row that set it (all None when no row did)."""

    stage: str
    date: datetime | None
    reason: str
    action: str | None
    branch: str | None


# Checked in order, first match wins: an override before a veto; "signed ... with line item vetoes"
# is signed; "Placed on file, in concurrence" is placed_on_file; "Reporting date extended ...,
# pending concurrence" is reporting_extended; "reported favorably ... and referred" is reported.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern, re.IGNORECASE))
    for category, pattern in (
        # Hearing rows name a room ("in Conference Room ...") and a committee: decide them first.
        ("hearing", r"^\s*hearing\b"),
        ("reporting_extended", r"^\s*reporting date\b"),
        (
            "veto_overridden",
            r"\bover (?:the )?(?:governor's )?veto\b|notwithstanding the objection",
        ),
        ("veto_overridden", r"\bveto(?:es)? (?:was |were )?overridden\b|\boverrode\b"),
        (
            "signed",
            r"\b(?:signed|approved) by the governor\b|\bwithout (?:the governor's )?signature",
        ),
        ("vetoed", r"\bveto(?:ed|es)?\b|with (?:his|her|the governor's) objections"),
        ("replaced", r"\baccompanied (?:a|the) new draft\b|\bnew draft substituted\b"),
        ("sent_to_study", r"\bstudy order\b|\bsent to (?:a )?study\b"),
        ("accompanied_by", r"\baccompanied by\b"),
        ("no_further_action", r"\bno further action\b"),
        ("placed_on_file", r"\bplaced on (?:the )?files?\b"),
        ("conference_report", r"\bconference\b.*\breport|\breport.*\bconference\b"),
        ("conference", r"\bconference\b"),
        ("non_concurred", r"\bnon-?concur|\bdid not concur|\brefused to concur"),
        ("floor", r"\bconcurred\b.*\bwith a further amendment"),
        ("concurred_in_amendment", r"\bconcurred in\b.*\bamendment"),
        ("enacted", r"\benacted\b"),
        ("passed", r"\bpassed to be (?:re-?)?engrossed\b"),
        ("reporting_extended", r"\breporting date\b"),
        ("hearing", r"\bhearing\b"),
        ("reported_unfavorably", r"\bought not to pass\b|\badverse(?:ly)?\b|\bunfavorabl"),
        ("reported_favorably", r"\breported favorably\b|\bought to pass\b|\bfavorable report\b"),
        ("adopted", r"^\s*(?:(?:joint )?orders? |resolutions? )?adopted\b"),
        (
            "floor",
            r"\borders of the day\b|\bread (?:a )?(?:second|third)\b|\b(?:second|third) reading\b"
            r"|\brules (?:were )?suspended\b|\bemergency preamble\b|\bamend(?:ed|ments?)\b"
            r"|\badopted\b|\b(?:taken from|laid on) the table\b",
        ),
        ("referred", r"\b(?:re-?)?referred\b|\brecommitted\b|\bdischarged to\b"),
        ("concurrence", r"\bconcurred\b"),
        ("filed", r"\bfiled\b"),
    )
)


def _chamber(branch: str) -> str | None:
    """`House` or `Senate` from a row's branch; None for Joint, Executive or blank."""
    name = branch.strip().lower()
    return {"house": "House", "senate": "Senate"}.get(name)


@lru_cache(maxsize=65_536)
def categorize(action: str, branch: str) -> str:
    """Category of one history row (cached: a court's histories repeat a few thousand texts)."""
    category = next((name for name, pattern in _RULES if pattern.search(action)), "other")
    if category == "passed":
        chamber = _chamber(branch)
        # A passage whose chamber the source did not give still shows the bill left committee.
        return f"passed_{chamber.lower()}" if chamber else "floor"
    return category


def stage_rank(stage: str) -> int:
    """Rank for "furthest stage" comparisons across bills; terminal stages rank lowest."""
    try:
        return _RANK[stage]
    except KeyError:
        raise ValueError(f"unknown stage: {stage!r}") from None


# Categories that move a bill forward to a stage (chamber passages are handled apart).
_PROGRESS: dict[str, tuple[str, str]] = {
    "filed": ("filed", "filed; not yet referred to a committee"),
    "referred": ("in_committee", "referred to a committee"),
    "concurrence": ("in_committee", "referred to a committee"),
    "hearing": ("in_committee", "in committee; hearing scheduled"),
    "reporting_extended": ("in_committee", "in committee; reporting date extended"),
    "reported_unfavorably": ("reported_unfavorably", "reported unfavorably by committee"),
    "reported_favorably": ("reported_favorably", "reported favorably by committee"),
    "floor": ("reported_favorably", "taken up on the floor, so reported out of committee"),
    "concurred_in_amendment": ("passed_both", "both chambers agreed on one text"),
    "conference": ("in_conference", "in a conference committee"),
    "conference_report": ("in_conference", "conference committee reported"),
    "enacted": ("enacted", "enacted"),
    "signed": ("signed", "signed by the Governor"),
    "vetoed": ("vetoed", "vetoed by the Governor"),
    "veto_overridden": ("veto_overridden", "passed over the Governor's veto"),
}
_TERMINAL: dict[str, tuple[str, str]] = {
    "replaced": ("replaced", "replaced by a new draft"),
    "sent_to_study": ("sent_to_study", "sent to study"),
    "no_further_action": ("dead", "no further action taken"),
    "placed_on_file": ("dead", "placed on file"),
}
_SEE_RE = re.compile(r"\bsee\s+([A-Z]{1,2}\.?\s*\d+)", re.IGNORECASE)


def _progress(category: str, branch: str, chambers: set[str]) -> tuple[str, str] | None:
    """(stage, reason) a progress row reaches; records chamber passages in `chambers`."""
    if category == "concurred_in_amendment":
        chambers.update(("House", "Senate"))
    if category == "enacted" and _chamber(branch):
        return "enacted", f"enacted by the {_chamber(branch)}"
    if category not in ("passed_house", "passed_senate", "adopted"):
        return _PROGRESS.get(category)
    verb = "adopted" if category == "adopted" else "passed to be engrossed"
    chamber = _chamber(branch if category == "adopted" else category.removeprefix("passed_"))
    if chamber is None:  # an order adopted where the source gave no chamber
        return "reported_favorably", f"{verb}; chamber not given"
    chambers.add(chamber)
    if len(chambers) == 2:
        return "passed_both", f"passed by both chambers ({verb} by the {chamber} last)"
    return f"passed_{chamber.lower()}", f"{verb} by the {chamber}"


def _advances(current: StageResult | None, stage: str) -> bool:
    if current is None:
        return True
    if stage == "veto_overridden" and current.stage == "signed":
        return False  # overriding line-item vetoes of a signed bill: it stays signed
    return _RANK[stage] > _RANK[current.stage]


def _terminal(category: str, row: ActionLike) -> StageResult:
    stage, reason = _TERMINAL[category]
    see = _SEE_RE.search(row.action)
    if see and stage != "dead":
        reason = f"{reason} ({see.group(1)})"
    return StageResult(stage, row.date, reason, row.action, row.branch)


def stage_of(actions: Sequence[ActionLike], court: int, now: datetime) -> StageResult:
    """The stage a bill has reached by `now`, from its history rows in any order.

    Progress is the furthest reached; a later row that reaches no further (a Senate referral after
    House passage) does not move it back. A terminal row (new draft, study order, no further
    action, placed on file) ends the bill unless a later row makes new progress. A bill still open
    when its court has ended is dead.
    """
    rows = sorted(actions, key=lambda row: row.date)  # stable: same-day rows keep their order
    result = StageResult("filed", None, "no history yet", None, None)
    for result in _stages_after_each_row(rows):  # noqa: B007 (the last is the stage)
        pass
    return _at_court_end(result, court, now)


def _stages_after_each_row(rows: Sequence[ActionLike]) -> Iterator[StageResult]:
    """The stage after each of `rows` (sorted by date) in turn: the fold stage_of makes."""
    best: StageResult | None = None
    end: StageResult | None = None
    chambers: set[str] = set()
    for row in rows:
        category = categorize(row.action, row.branch)
        if category in _TERMINAL:
            end = _terminal(category, row)
        else:
            reached = _progress(category, row.branch, chambers)
            if reached is not None and _advances(best, reached[0]):
                best = StageResult(reached[0], row.date, reached[1], row.action, row.branch)
                end = None
        yield end or best or _FILED


_FILED = StageResult("filed", None, "filed; not yet referred to a committee", None, None)


def _at_court_end(result: StageResult, court: int, now: datetime) -> StageResult:
    if result.stage in _OPEN and court_ended(court, now):
        return session_ended(court)
    return result


class StageTimeline:
    """A bill's stage at any instant, computed once from its history: `at(when)` equals
    `stage_of([rows dated <= when], court, when)` for a history that has such rows."""

    def __init__(self, actions: Sequence[ActionLike], court: int) -> None:
        rows = sorted(actions, key=lambda row: row.date)
        self.court = court
        self._dates = [row.date for row in rows]
        self._stages = list(_stages_after_each_row(rows))

    def dates(self, after: datetime, until: datetime) -> list[datetime]:
        """The dates of the rows dated after `after`, up to `until` included."""
        return self._dates[bisect_right(self._dates, after) : bisect_right(self._dates, until)]

    def at(self, when: datetime) -> StageResult | None:
        """The stage by `when`; None when no row is dated on or before it."""
        count = bisect_right(self._dates, when)
        if count == 0:
            return None
        return _at_court_end(self._stages[count - 1], self.court, when)


def ordinal(number: int) -> str:
    """192 -> "192nd", 193 -> "193rd", 111 -> "111th"."""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    if 10 <= number % 100 <= 20:
        suffix = "th"
    return f"{number}{suffix}"


def session_ended(court: int) -> StageResult:
    """The `dead` stage of a bill still open when General Court `court` ended."""
    calendar = court_calendar(court)
    ended = datetime.combine(calendar.ends, time(), EASTERN).astimezone(UTC)
    reason = (
        f"session ended: the {ordinal(court)} General Court ({calendar.years}) "
        "ended without enactment"
    )
    return StageResult("dead", ended, reason, None, None)
