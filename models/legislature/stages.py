"""Bill stages: the stage a bill's history has reached, and the session law it became."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from typing import Protocol

from models.legislature.calendar import EASTERN, court_ended
from models.legislature.calendar import court as court_calendar
from models.legislature.categories import NO_STAGE, categorize
from models.legislature.laws import Law, law_in

__all__ = [
    "NO_STAGE",
    "STAGES",
    "TERMINAL_STAGES",
    "ActionLike",
    "Law",
    "StageResult",
    "StageTimeline",
    "categorize",
    "law_in",
    "ordinal",
    "session_ended",
    "stage_of",
    "stage_rank",
]

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
_LAW_STAGES = frozenset({"signed", "veto_overridden"})


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
    """A bill's stage, why, and the history row that set it (all None when no row did); `law` is
    the session law a signed bill (or one passed over a veto) became, when its history names it."""

    stage: str
    date: datetime | None
    reason: str
    action: str | None
    branch: str | None
    law: Law | None = None


def stage_rank(stage: str) -> int:
    """Rank for "furthest stage" comparisons across bills; terminal stages rank lowest."""
    try:
        return _RANK[stage]
    except KeyError:
        raise ValueError(f"unknown stage: {stage!r}") from None


_FLOOR = ("reported_favorably", "taken up on the floor, so reported out of committee")
# Categories that move a bill forward to a stage (chamber passages are handled apart).
_PROGRESS: dict[str, tuple[str, str]] = {
    "filed": ("filed", "filed; not yet referred to a committee"),
    "referred": ("in_committee", "referred to a committee"),
    "concurrence": ("in_committee", "referred to a committee"),
    "late_file_admitted": ("in_committee", "admitted as a late filing; referred to a committee"),
    "recommitted": ("in_committee", "recommitted to a committee"),
    "hearing": ("in_committee", "in committee; hearing scheduled"),
    "reporting_extended": ("in_committee", "in committee; reporting date extended"),
    "reported_unfavorably": ("reported_unfavorably", "reported unfavorably by committee"),
    "reported_favorably": ("reported_favorably", "reported favorably by committee"),
    "new_draft_of": ("reported_favorably", "reported by a committee as a new draft"),
    "substituted_for": ("reported_favorably", "substituted on the floor for another bill"),
    "joint_session": ("reported_favorably", "before the joint session of the two chambers"),
    "floor": _FLOOR,
    "version": _FLOOR,
    "concurred_in_amendment": ("passed_both", "both chambers agreed on one text"),
    "conference": ("in_conference", "in a conference committee"),
    "conference_report": ("in_conference", "conference committee reported"),
    "enacted": ("enacted", "enacted"),
    "laid_before_governor": ("enacted", "enacted and laid before the Governor"),
    "signed": ("signed", "signed by the Governor"),
    "chapter": ("signed", "law"),
    "vetoed": ("vetoed", "vetoed by the Governor"),
    "veto_overridden": ("veto_overridden", "passed over the Governor's veto"),
}
_TERMINAL: dict[str, tuple[str, str]] = {
    "replaced": ("replaced", "replaced by a new draft"),
    "accompanied": ("replaced", "folded into {number} (accompanied it)"),
    "reported_by": ("replaced", "reported by {number}, a new bill"),
    "amendment_text": ("replaced", "text of an amendment to {number}: a version of that bill"),
    "sent_to_study": ("sent_to_study", "sent to study"),
    "no_further_action": ("dead", "no further action taken"),
    "placed_on_file": ("dead", "placed on file"),
    "rejected": ("dead", "rejected"),
}
# Rows that put a bill back on its way even when they reach no further than it had been.
_REVIVE = frozenset({"substituted_for", "joint_session", "new_draft_of", "chapter", "recommitted"})
# Rows that are a committee's report: the latest report decides between the two report stages.
_REPORTS = frozenset({"reported_favorably", "reported_unfavorably", "new_draft_of"})
_SEE_RE = re.compile(r"\bsee\s+([A-Z]{1,2}\.?\s*\d+)", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\b([HS]\.?\s*\d+)\b")
_NAMED_RE = re.compile(r"\b(?:for|to|see)\s+([HS]\.?\s*\d+)\b", re.IGNORECASE)


def _chamber(branch: str) -> str | None:
    """`House` or `Senate` from a row's branch; None for Joint, Executive or blank."""
    name = branch.strip().lower()
    return {"house": "House", "senate": "Senate"}.get(name)


def _progress(category: str, row: ActionLike, chambers: set[str]) -> tuple[str, str] | None:
    """(stage, reason) a progress row reaches; records chamber passages in `chambers`."""
    branch = row.branch
    if category == "concurred_in_amendment":
        chambers.update(("House", "Senate"))
    if category == "enacted" and _chamber(branch):
        return "enacted", f"enacted by the {_chamber(branch)}"
    if category == "signed":
        part = (
            "signed in part by the Governor"
            if re.search(r"\bin part\b|\bremainder\b", row.action, re.I)
            else None
        )
        return "signed", part or "signed by the Governor"
    if category in ("new_draft_of", "substituted_for"):
        stage, reason = _PROGRESS[category]
        numbers = _NUMBER_RE.findall(row.action)
        if numbers:
            verb = "new draft of" if category == "new_draft_of" else "substituted for"
            reason = f"{reason} ({verb} {', '.join(numbers)})"
        return stage, reason
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


def _advances(current: StageResult | None, stage: str, category: str) -> bool:
    if current is None:
        return True
    if stage == "veto_overridden" and current.stage == "signed":
        return False  # overriding line-item vetoes of a signed bill: it stays signed
    if current.stage == "reported_unfavorably" and stage == "reported_favorably":
        return category in _REPORTS  # a floor step after an adverse report is no favorable one
    if category in _REPORTS and current.stage in ("reported_favorably", "reported_unfavorably"):
        return stage != current.stage  # a later report decides which way the committees went
    if category == "recommitted" and current.stage in (
        "reported_favorably",
        "reported_unfavorably",
    ):
        return True  # sent back to committee: the report no longer stands
    return _RANK[stage] > _RANK[current.stage]


def _terminal(category: str, row: ActionLike) -> StageResult:
    stage, reason = _TERMINAL[category]
    if "{number}" in reason:
        number = _NAMED_RE.search(row.action) or _NUMBER_RE.search(row.action)
        reason = reason.format(number=number.group(1) if number else "another bill")
        if category == "accompanied" and re.match(r"\s*consolidated", row.action, re.I):
            reason = reason.replace("accompanied it", "consolidated with it")
        if category == "reported_by" and re.search(r"\bin part\b", row.action, re.I):
            reason = reason.replace("reported by", "reported in part by")
        return StageResult(stage, row.date, reason, row.action, row.branch)
    if category == "replaced" and not re.search(r"\bnew draft\b", row.action, re.I):
        reason = "replaced by another bill substituted for it"
    see = _SEE_RE.search(row.action) or (
        _NUMBER_RE.search(row.action) if stage == "replaced" else None
    )
    if see and stage != "dead":
        reason = f"{reason} ({see.group(1)})"
    return StageResult(stage, row.date, reason, row.action, row.branch)


def stage_of(actions: Sequence[ActionLike], court: int, now: datetime) -> StageResult:
    """The stage a bill has reached by `now`, from its history rows in any order.

    Progress is the furthest reached; a later row that reaches no further (a Senate referral after
    House passage) does not move it back, except that the latest committee report decides between
    the two report stages and a recommittal sends a reported bill back to committee. A terminal row
    (new draft, study order, folded into another bill, reported as a new bill, no further action,
    placed on file, rejected) ends the bill unless a later row makes new progress. A bill still open
    when its court has ended is dead; so is one enacted but never signed by then.
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
        elif category == "report_accepted":
            if best is not None and best.stage == "reported_unfavorably":
                end = StageResult(
                    "dead", row.date, "adverse report accepted", row.action, row.branch
                )
        else:
            reached = _progress(category, row, chambers)
            if reached is not None:
                best, moved = _fold(best, reached, category, row)
                if moved or category in _REVIVE:
                    end = None
        yield end or best or _FILED


def _fold(
    best: StageResult | None, reached: tuple[str, str], category: str, row: ActionLike
) -> tuple[StageResult | None, bool]:
    """The furthest stage after one progress row, and whether the row moved it."""
    law = law_in(row.action) if category in ("signed", "chapter", "veto_overridden") else None
    if best is not None and law is not None and best.stage in _LAW_STAGES and best.law is None:
        # "Chapter 66 of the Acts of 2021" after an override, or a chapter named late: the law.
        return replace(best, reason=f"{best.reason}, {law.citation}", law=law), True
    if not _advances(best, reached[0], category):
        return best, False
    reason = reached[1]
    if category == "chapter":
        reason = "became law"
    if law is not None:
        reason = f"{reason}, {law.citation}"
    return StageResult(reached[0], row.date, reason, row.action, row.branch, law), True


_FILED = StageResult("filed", None, "filed; not yet referred to a committee", None, None)


def _at_court_end(result: StageResult, court: int, now: datetime) -> StageResult:
    if not court_ended(court, now):
        return result
    if result.stage == "enacted":
        return session_ended(court, enacted=True)
    adopted = (
        result.action is not None
        and result.branch is not None
        and categorize(result.action, result.branch) == "adopted"
    )
    if result.stage == "passed_both" and adopted:
        return result  # an order both chambers adopted needs no signature: it stands
    if result.stage in _OPEN:
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


def session_ended(court: int, enacted: bool = False) -> StageResult:
    """The `dead` stage of a bill still open (or enacted but never signed) when General Court
    `court` ended."""
    calendar = court_calendar(court)
    ended = datetime.combine(calendar.ends, time(), EASTERN).astimezone(UTC)
    name = f"the {ordinal(court)} General Court ({calendar.years})"
    if enacted:
        reason = (
            f"session ended: enacted, but not signed before {name} ended"
            " (the record shows no signature, veto or chapter)"
        )
    else:
        reason = f"session ended: {name} ended without enactment"
    return StageResult("dead", ended, reason, None, None)


@dataclass(frozen=True)
class StageStep:
    """One change of a bill's stage: from when, to which stage, and the row that made it."""

    date: datetime
    stage: str
    action: str | None


def stage_steps(actions: Sequence[ActionLike], court: int, now: datetime) -> list[StageStep]:
    """A bill's stages over time, as stage_of reads its history row by row: a step at each row
    that changes the stage (the first row is `filed` unless it reaches further), then the
    session's end when the court ended with the bill still open. For a timeline picture."""
    rows = sorted(actions, key=lambda row: row.date)
    steps: list[StageStep] = []
    last: StageResult | None = None
    for row, last in zip(rows, _stages_after_each_row(rows), strict=True):
        if not steps or last.stage != steps[-1].stage:
            steps.append(StageStep(row.date, last.stage, row.action))
    if last is not None:
        final = _at_court_end(last, court, now)
        if final.stage != steps[-1].stage and final.date is not None:
            steps.append(StageStep(final.date, final.stage, final.reason))
    return steps


# "Signed by the Governor, Chapter 139 of the Acts of 2024"; "Enacted Chapter 163 of the Acts of
# 2026": the session law a signed bill became.
_CHAPTER = re.compile(r"\bchapter\s+(\d+[A-Z]?)\s+of\s+the\s+acts\s+of\s+(\d{4})\b", re.IGNORECASE)


def chapter_of(action: str) -> tuple[str, int] | None:
    """(chapter, year) named by a history row, or None."""
    found = _CHAPTER.search(action)
    return (found.group(1), int(found.group(2))) if found else None
