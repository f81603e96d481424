"""The pure checks of models.legislature.sanity: lost rows and impossible dates (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.items import HistoryAction
from models.legislature.sanity import EARLIEST, first_possible, impossible_date, lost_rows

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def at(day: str, hour: int = 15) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


def rows(*spec: tuple[str, str, str]) -> list[HistoryAction]:
    return [HistoryAction(at(day), branch, text, i) for i, (day, branch, text) in enumerate(spec)]


STORED = rows(
    ("2025-02-10", "Senate", "Referred to the committee on State Administration"),
    ("2025-02-10", "House", "House concurred"),
    ("2025-05-01", "Senate", "Read third and passed to be engrossed"),
)


@pytest.mark.parametrize(
    ("read", "stricken", "lost"),
    [
        (STORED, [], 0),  # the same
        (STORED + rows(("2025-06-01", "House", "Read second")), [], 0),  # grown
        (STORED[:1], [], 2),  # truncated
        (STORED[:2], STORED[2:], 0),  # the last one struck
        # reworded in place: same day and branch, new words (a clerk's correction)
        (STORED[:2] + rows(("2025-05-01", "Senate", "Read a third time and passed")), [], 0),
        # moved to another day: lost
        (
            STORED[:2] + rows(("2025-05-02", "Senate", "Read third and passed to be engrossed")),
            [],
            1,
        ),
        # the same rows at other times of the same Eastern day: no loss (bill pages show no times)
        (
            [HistoryAction(at(r.date.date().isoformat(), 17), r.branch, r.action) for r in STORED],
            [],
            0,
        ),
    ],
)
def test_lost_rows(read: list[HistoryAction], stricken: list[HistoryAction], lost: int) -> None:
    assert len(lost_rows(STORED, read, stricken)) == lost


def test_impossible_dates() -> None:
    assert impossible_date([at("2026-12-05")], 194, NOW) is None  # within the clock tolerance
    assert "after today" in str(impossible_date([at("2026-12-06")], 194, NOW))
    assert "after today" in str(impossible_date([at("2031-03-01")], 194, NOW))
    assert impossible_date([at("2025-01-01")], 194, NOW) is None
    said = str(impossible_date([at("2024-12-31")], 194, NOW))
    assert "before the 194th General Court (2025-2026) began" in said
    assert impossible_date([at("2023-02-16")], 193, NOW) is None
    # The made-up court 999 of the tests has not begun: bounded by EARLIEST only.
    assert first_possible(999, NOW) == EARLIEST
    assert impossible_date([at("2025-06-01")], 999, NOW) is None
    year_one = datetime(1, 1, 2, tzinfo=UTC)
    assert "before any General Court sat" in str(impossible_date([year_one], 999, NOW))
