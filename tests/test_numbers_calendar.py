"""Bill numbers in every spelling, and the General Court calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.legislature import calendar
from models.legislature.numbers import (
    BadNumber,
    BillRef,
    canonical_number,
    compact_number,
    is_docket,
)

SPELLINGS = [
    ("S.997", "S.997"),
    ("S 997", "S.997"),
    ("S997", "S.997"),
    ("s. 997", "S.997"),
    ("HD 5608", "HD.5608"),
    ("HD.5608", "HD.5608"),
    ("H.D. 5608", "HD.5608"),
    ("hd5608", "HD.5608"),
    ("SD.1107", "SD.1107"),
    ("H.05316", "H.5316"),
]


@pytest.mark.parametrize(("text", "canonical"), SPELLINGS)
def test_canonical_number(text: str, canonical: str) -> None:
    assert canonical_number(text) == canonical


@pytest.mark.parametrize("text", ["", "997", "X.12", "Senate Bill", "S.", "HR 12", "S.997a"])
def test_not_a_number(text: str) -> None:
    with pytest.raises(BadNumber):
        canonical_number(text)


def test_compact_and_docket() -> None:
    assert compact_number("HD 5608") == "HD5608"
    assert is_docket("SD.1107") and not is_docket("S.1122")
    assert BillRef.parse(193, "S 997").key == "193:S.997"


def test_courts_and_their_years() -> None:
    c193, c194 = calendar.court(193), calendar.court(194)
    assert c193.years == "2023-2024" and c194.years == "2025-2026"
    assert c194.formal_sessions_end == date(2026, 7, 31)
    assert c193.ends == date(2025, 1, 1)  # first Wednesday of January 2025
    assert c194.ends == date(2027, 1, 6)
    assert calendar.court_for_years(2023, 2024) == 193
    assert calendar.court_for_years(2024, 2025) is None


def test_court_in_force_and_endings() -> None:
    assert calendar.court_in_force(date(2026, 4, 12)) == 194
    assert calendar.court_in_force(date(2024, 12, 31)) == 193
    assert calendar.court_in_force(date(2027, 1, 5)) == 194
    assert calendar.court_in_force(date(2027, 1, 6)) == 195
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert calendar.court_ended(193, now) and not calendar.court_ended(194, now)
    assert calendar.formal_sessions_over(194, now)
    assert not calendar.formal_sessions_over(194, datetime(2026, 7, 31, 12, tzinfo=UTC))
