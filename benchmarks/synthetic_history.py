"""History rows of the synthetic court: real action patterns, constructed dates and progress."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

COURT_START = date(2025, 1, 6)
COURT_END = date(2026, 11, 30)
FORMAL_END = date(2026, 7, 31)  # formal sessions end; bills that pass do so before this
MIN_ROWS = 5
MAX_ROWS = 60

OTHER = {"House": "Senate", "Senate": "House"}
SESSION = {"House": "sitting", "Senate": "session"}  # the chambers' "Orders of the Day" wording

# Joint committees a bill is referred to (the 192nd-style "Referred to the committee on X").
COMMITTEES = (
    "the Judiciary",
    "Education",
    "Public Health",
    "Transportation",
    "Housing",
    "Revenue",
    "Municipalities and Regional Government",
    "Environment and Natural Resources",
    "Labor and Workforce Development",
    "State Administration and Regulatory Oversight",
    "Public Safety and Homeland Security",
    "Financial Services",
    "Election Laws",
    "Elder Affairs",
    "Higher Education",
    "Consumer Protection and Professional Licensure",
)
ROOMS = ("Virtual Hearing", "A-1", "A-2", "B-1", "B-2", "Gardner Auditorium", "Room 222")
HEARING_HOURS = ("10:00 AM-12:00 PM", "10:30 AM-01:30 PM", "01:00 PM-05:00 PM", "11:00 AM-03:00 PM")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ONE_DAY_PASSAGE = "Read second, ordered to a third reading, read third and passed to be engrossed"
PASSED = (
    "Read third and passed to be engrossed",
    "Read third (title changed) and passed to be engrossed",
    "Read third, amended and passed to be engrossed",
)
REPORTED = (
    "Bill reported favorably by committee and referred to the committee on {o} Ways and Means",
    "Committee recommended ought to pass and referred to the committee on {o} Ways and Means",
    "Bill reported favorably by committee and referred to the committee on {steering}",
)
STEERING = {"House": "House Steering, Policy and Scheduling", "Senate": "Senate Rules"}

# Outcomes and their weights: most bills stay in committee, a few pass a chamber, very few are
# signed. Docket-only filings (late files sent to the Rules committees) only ever stay there.
OUTCOMES = (
    ("committee", 700),
    ("study", 120),
    ("new_draft", 40),
    ("unfavorable", 15),
    ("no_action", 10),
    ("on_file", 8),
    ("reported", 70),
    ("passed_origin", 22),
    ("passed_both", 8),
    ("signed", 7),
)
_OUTCOME_NAMES = tuple(name for name, _ in OUTCOMES)
_OUTCOME_WEIGHTS = tuple(weight for _, weight in OUTCOMES)

Row = tuple[str, str]  # (branch, action text, maybe with {fields} filled from the row's day)
Group = list[Row]  # rows entered on one day
Pick = Callable[[str], str]  # chamber -> a compact number of another document of the court


def history_rows(
    rng: random.Random, origin: str, docket_only: bool, pick: Pick
) -> list[dict[str, Any]]:
    """One document's history: 5 to 60 rows, chronological by plan, then as the API scrambles."""
    committee = f"{origin} Rules" if docket_only else rng.choice(COMMITTEES)
    outcome = "committee" if docket_only else rng.choices(_OUTCOME_NAMES, _OUTCOME_WEIGHTS)[0]
    head: list[Group] = [
        [
            (origin, f"Referred to the committee on {committee}"),
            (OTHER[origin], "{other} concurred"),
        ]
    ]
    tail = _outcome_groups(rng, outcome, origin, pick)
    target = min(MAX_ROWS, max(MIN_ROWS, int(rng.lognormvariate(2.2, 0.6))))
    middle = _committee_groups(rng, origin, committee, target - _count(head) - _count(tail))
    groups = head + middle + tail
    start, end = _span(rng, outcome, docket_only)
    span = (end - start).days
    days = [start, *sorted(start + timedelta(days=_int(rng, 0, span)) for _ in groups[1:])]
    rows: list[dict[str, Any]] = []
    clock: dict[date, int] = {}
    for day, group in zip(days, groups, strict=True):
        for branch, text in group:
            minute = clock[day] if day in clock else _int(rng, 540, 840)
            clock[day] = minute = min(minute + _int(rng, 1, 40), 23 * 60 + 58)
            action = _filled(rng, text, day, origin, committee) if "{" in text else text
            rows.append(api_row(rng, day, minute, branch, action))
    return _scramble(rng, rows)


def api_row(
    rng: random.Random, day: date, minute: int, branch: str, action: str, stricken: bool = False
) -> dict[str, Any]:
    """A row as the API gives it: naive Eastern time with 0 to 7 fractional digits."""
    stamp = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:{_int(rng, 0, 59):02d}"
    if rng.random() < 0.75:
        fraction = f"{_int(rng, 1, 9_999_999):07d}".rstrip("0")
        stamp = f"{stamp}.{fraction}"
    return {"Date": stamp, "Branch": branch, "Action": action, "IsStricken": stricken}


def late_action(rng: random.Random, origin: str) -> Row:
    """An action that can follow any history (what `SyntheticCourt.mutate` appends)."""
    return rng.choice(
        (
            (origin, "Reporting date extended to {extended_to}, pending concurrence"),
            (OTHER[origin], "{other} concurred"),
            (origin, "No further action taken"),
            (origin, "Placed on file"),
        )
    )


def fill(rng: random.Random, text: str, day: date, origin: str) -> str:
    """An action text with its {fields} filled for a row of `day`."""
    return _filled(rng, text, day, origin, COMMITTEES[0])


def _count(groups: list[Group]) -> int:
    return sum(len(group) for group in groups)


def _committee_groups(rng: random.Random, origin: str, committee: str, rows: int) -> list[Group]:
    """Hearings, reschedules and reporting-date extensions (each one row) filling `rows` rows."""
    groups: list[Group] = []
    while len(groups) < rows:
        choice = "hearing" if not groups and rng.random() < 0.85 else None
        choice = choice or rng.choices(("extension", "hearing", "rescheduled"), (55, 25, 20))[0]
        if choice == "extension" and len(groups) + 2 <= rows:
            groups.append(
                [(origin, "Reporting date extended to {extended_to}, pending concurrence")]
            )
            groups.append([(OTHER[origin], "{other} concurred")])
        elif choice == "rescheduled":
            groups.append([("Joint", "Hearing rescheduled ({joint}) to {hearing}")])
        elif rng.random() < 0.5:
            groups.append([("Joint", "Hearing scheduled for {hearing}")])
        else:
            groups.append([("Joint", "Hearing scheduled ({joint}) for {hearing}")])
    return groups


def _outcome_groups(rng: random.Random, outcome: str, origin: str, pick: Pick) -> list[Group]:
    """The rows after committee that take a bill to its outcome."""
    other = OTHER[origin]
    if outcome == "committee":
        return []
    if outcome == "study":
        return [[(origin, f"Accompanied a study order, see {pick(origin)}")]]
    if outcome == "new_draft":
        return [[(origin, f"Accompanied a new draft, see {pick(origin)}")]]
    if outcome == "unfavorable":
        return [[(origin, "Ought NOT to pass (under Joint Rule 10)")]]
    if outcome == "no_action":
        return [[(origin, "No further action taken")]]
    if outcome == "on_file":
        return [[(origin, "Placed on file")]]
    reported = rng.choice(REPORTED).replace("{o}", origin).replace("{steering}", STEERING[origin])
    groups: list[Group] = [[(origin, reported)]]
    if outcome == "reported":
        return groups
    groups += _passage(rng, origin, first=True)
    referral = rng.choice((f"{other} Rules", f"{other} Ways and Means"))
    groups.append([(other, f"Read; and referred to the committee on {referral}")])
    if outcome == "passed_origin":
        return groups
    if outcome == "passed_both" and rng.random() < 0.4:
        number = pick(other)[1:]
        groups.append(
            [
                (
                    other,
                    "Passed to be engrossed with an amendment striking out all after the enacting"
                    " clause and inserting in place thereof the text contained in"
                    f" {other} document numbered {number}",
                )
            ]
        )
        groups.append(
            [
                (
                    origin,
                    f"{origin} NON-concurred in the {other} amendment and asked for a"
                    " committee of conference",
                ),
                (origin, "Committee of conference appointed"),
                (other, "Committee of conference appointed"),
            ]
        )
        return groups
    if rng.random() < 0.3:
        groups.append([(other, f"Accompanied by {pick(other)}")])
    groups += _passage(rng, other, first=False)
    if outcome == "passed_both":
        return groups
    groups.append([("House", "Enacted"), ("Senate", "Enacted and laid before the Governor")])
    chapter = rng.randint(1, 280)
    groups.append(
        [("Executive", f"Signed by the Governor, Chapter {chapter} of the Acts of {{year}}")]
    )
    return groups


def _passage(rng: random.Random, chamber: str, first: bool) -> list[Group]:
    """Orders of the Day, readings and engrossment in one chamber."""
    orders = (
        "Committee reported that the matter be placed in the Orders of the Day for the next"
        f" {SESSION[chamber]}" + (" for a second reading" if chamber == "House" else "")
    )
    if (chamber == "Senate" and not first) or rng.random() < 0.3:
        return [
            [(chamber, orders)],
            [
                (chamber, "Rules suspended"),
                (chamber, ONE_DAY_PASSAGE),
            ],
        ]
    return [
        [(chamber, orders)],
        [(chamber, "Read second and ordered to a third reading")],
        [(chamber, rng.choice(PASSED))],
    ]


def _span(rng: random.Random, outcome: str, docket_only: bool) -> tuple[date, date]:
    """First and last day of a history: most bills are referred in the first months."""
    if docket_only:
        start = COURT_START + timedelta(days=rng.randint(90, 520))
    else:
        start = COURT_START + timedelta(days=min(int(rng.expovariate(1 / 40)), 520))
    limit = FORMAL_END if outcome in ("passed_both", "signed", "passed_origin") else COURT_END
    end = min(limit, start + timedelta(days=rng.randint(60, 620)))
    return start, max(start, end)


def _filled(rng: random.Random, text: str, day: date, origin: str, committee: str) -> str:
    """`text` with the {fields} it names filled in for a row entered on `day`."""
    if "{other}" in text:
        text = text.replace("{other}", OTHER[origin])
    if "{year}" in text:
        text = text.replace("{year}", str(day.year))
    if "{joint}" in text:
        text = text.replace("{joint}", f"Joint Committee on {committee}")
    if "{hearing}" in text:
        when = _weekday(day + timedelta(days=_int(rng, 6, 21)))
        hours = HEARING_HOURS[_int(rng, 0, len(HEARING_HOURS) - 1)]
        room = ROOMS[_int(rng, 0, len(ROOMS) - 1)]
        hearing = f"{when.month:02d}/{when.day:02d}/{when.year} from {hours} in {room}"
        text = text.replace("{hearing}", hearing)
    if "{extended_to}" in text:
        when = _weekday(day + timedelta(days=_int(rng, 30, 120)))
        extended = f"{WEEKDAYS[when.weekday()]} {MONTHS[when.month - 1]} {when.day}, {when.year}"
        text = text.replace("{extended_to}", extended)
    return text


def _weekday(day: date) -> date:
    """The Friday before a Saturday or Sunday (hearings and reporting dates fall on weekdays)."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _int(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high]: `randint`, several times cheaper."""
    return low + int(rng.random() * (high - low + 1))


def _scramble(rng: random.Random, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """As the real API: sometimes a stricken duplicate row, sometimes rows out of date order."""
    if len(rows) < MAX_ROWS and rng.random() < 0.04:
        index = rng.randrange(1, len(rows))
        rows.insert(index + 1, {**rows[index], "IsStricken": True})
    if rng.random() < 0.15:
        i, j = sorted(rng.sample(range(len(rows)), 2))
        rows[i], rows[j] = rows[j], rows[i]
    return rows
