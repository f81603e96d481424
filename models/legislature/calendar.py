"""The General Court calendar: court number -> years, formal-session end, and when a court ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")

# The 193rd General Court sat 2023-2024; each court sits two calendar years.
_FIRST_YEAR_OFFSET = 2023 - 2 * 193
# Formal sessions of a court end on July 31 of its second year (Joint Rule 12A).
FORMAL_SESSIONS_END = (7, 31)


@dataclass(frozen=True)
class Court:
    """One General Court: its number, its years and the dates that end its business."""

    number: int
    first_year: int
    second_year: int
    formal_sessions_end: date
    ends: date  # the day the next court convenes (first Wednesday of January)

    @property
    def years(self) -> str:
        return f"{self.first_year}-{self.second_year}"


def first_wednesday_of_january(year: int) -> date:
    day = date(year, 1, 1)
    return day + timedelta(days=(2 - day.weekday()) % 7)


@lru_cache(maxsize=256)
def court(number: int) -> Court:
    """The calendar of General Court `number` (e.g. 194 -> 2025-2026)."""
    first = _FIRST_YEAR_OFFSET + 2 * number
    return Court(
        number=number,
        first_year=first,
        second_year=first + 1,
        formal_sessions_end=date(first + 1, *FORMAL_SESSIONS_END),
        ends=first_wednesday_of_january(first + 2),
    )


def court_for_years(first_year: int, second_year: int | None = None) -> int | None:
    """The court that sat in `first_year`(-`second_year`), e.g. 2023-2024 -> 193; None if odd."""
    if (first_year - _FIRST_YEAR_OFFSET) % 2:
        return None
    number = (first_year - _FIRST_YEAR_OFFSET) // 2
    if second_year is not None and second_year != first_year + 1:
        return None
    return number


def court_in_force(on: date | datetime) -> int:
    """The court sitting on a given day (a new court convenes on January's first Wednesday)."""
    day = on.astimezone(EASTERN).date() if isinstance(on, datetime) else on
    year = day.year
    if day < first_wednesday_of_january(year):
        year -= 1  # still the previous calendar year's court
    first = year if (year - _FIRST_YEAR_OFFSET) % 2 == 0 else year - 1
    return (first - _FIRST_YEAR_OFFSET) // 2


def court_ended(number: int, now: datetime) -> bool:
    """True once the next court has convened."""
    return now.astimezone(EASTERN).date() >= court(number).ends


def formal_sessions_over(number: int, now: datetime) -> bool:
    """True after July 31 of the court's second year (informal sessions may still act)."""
    return now.astimezone(EASTERN).date() > court(number).formal_sessions_end
