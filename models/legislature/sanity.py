"""What a read may not claim: dates after now or before the court sat, and rows the source lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from .calendar import EASTERN, court
from .stages import ActionLike, ordinal

# How far ahead of this machine's clock a source's date may be (its clock, time zones, a story
# scheduled for tomorrow morning): beyond it, a date is one that has not happened.
CLOCK_TOLERANCE = timedelta(days=2)


def latest_possible(now: datetime) -> date:
    """The last Eastern day a source may date something on, read at `now`."""
    return (now + CLOCK_TOLERANCE).astimezone(EASTERN).date()


# The first General Court under the Constitution of the Commonwealth sat in 1780: no record of
# the Legislature that legistrack reads is older.
EARLIEST = date(1780, 1, 1)


def first_possible(court_number: int, now: datetime) -> date:
    """The first day a row of General Court `court_number` can carry: January 1 of its first
    year (it convenes on the first Wednesday; dockets may be filed in the days before). A court
    whose first year is still to come (the made-up court 999 of tests and demos) is bounded only
    by EARLIEST: its number comes from the config, not from the source."""
    first = court(court_number).first_year
    if first > now.astimezone(EASTERN).year:
        return EARLIEST
    return max(EARLIEST, date(first, 1, 1))


def impossible_date(dates: Iterable[datetime], court_number: int, now: datetime) -> str | None:
    """Why one of a bill's row dates cannot be true, or None: after now (beyond the clock
    tolerance) or before its General Court began."""
    latest, first = latest_possible(now), first_possible(court_number, now)
    for when in dates:
        day = when.astimezone(EASTERN).date()
        if day > latest:
            return f"a row dated {day}, after today ({now.astimezone(EASTERN).date()})"
        if day < first:
            if first == EARLIEST:
                return f"a row dated {day}, before any General Court sat"
            which = court(court_number)
            began = f"the {ordinal(court_number)} General Court ({which.years}) began"
            return f"a row dated {day}, before {began}"
    return None


def row_key(row: ActionLike) -> tuple[str, str, str]:
    """A row as two reads of the same record agree on it: Eastern day, branch, action text."""
    day = row.date.astimezone(EASTERN).date().isoformat()
    return day, " ".join(row.branch.split()), " ".join(row.action.split())


def lost_rows(
    stored: Sequence[ActionLike], read: Sequence[ActionLike], stricken: Sequence[ActionLike] = ()
) -> list[tuple[str, str, str]]:
    """The stored rows a new read no longer shows, as (day, branch, action).

    A row shown stricken was struck, not lost. A row reworded in place (a new row on the same
    day, in the same branch, where one went missing) was corrected by the clerk, not lost.
    What remains was shown once and is gone: a truncated or partial history, never a change.
    """
    missing = Counter(row_key(r) for r in stored)
    missing -= Counter(row_key(r) for r in read)
    missing -= Counter(row_key(r) for r in stricken)
    added = Counter(row_key(r) for r in read) - Counter(row_key(r) for r in stored)
    spare = Counter((day, branch) for day, branch, _ in added.elements())
    lost = []
    for key in sorted(missing.elements()):
        slot = key[:2]
        if spare[slot]:
            spare[slot] -= 1
        else:
            lost.append(key)
    return lost
