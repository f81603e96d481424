"""A synthetic General Court for benchmarks: thousands of made-up documents and their histories.

The court (999 by default) does not exist and none of its bills is real. It is constructed, with
a seeded `random.Random`, from:

- the shape of the real API's responses as `shared/reference/STRUCTURE.md` describes them (the
  document and list fields, PascalCase; history rows with naive Eastern dates of 0 to 7 fractional
  digits, stricken rows, rows out of date order) and as the fixtures under
  `tests/fixtures/site/api/` spell them (`BillNumber` "H1001", `DocketNumber` "HD1001");
- the real action strings of `tests/fixtures/actions_sample.tsv` and STRUCTURE.md's "Real history
  action strings", used as templates (see `benchmarks/synthetic_history.py`);
- a made-up mix: about 11,600 documents like the 194th, mostly House and Senate bills, 8%
  docket-only filings; made-up titles from a word list, placeholder sponsor names ("Pat Example").

Every document is generated on demand from its own seed, so the court holds only numbers and the
actions that `mutate` appended. `python -m benchmarks.synthetic_court serve` serves it over HTTP
(see `benchmarks/court_server.py`); `... check` parses every document with the real parsers.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.synthetic_history import OTHER, api_row, fill, history_rows, late_action

VALIDATORS = ("both", "etag", "last-modified", "none")
EASTERN = ZoneInfo("America/New_York")
LAST_DAY = date(2026, 12, 1)  # appended actions stay on or before this day when they can

SUBJECTS = (
    "municipal water supply",
    "public library hours",
    "school bus safety",
    "regional transit authorities",
    "coastal resilience",
    "home heating assistance",
    "consumer data",
    "state park maintenance",
    "veterans' services",
    "local housing authorities",
    "small business permits",
    "farm stands",
    "electric vehicle charging",
    "elder care",
    "snow removal",
    "municipal audits",
    "animal shelters",
    "solar siting",
    "youth sports",
    "community health workers",
    "public records",
    "wetlands protection",
    "apprenticeship programs",
    "hospital staffing",
)
FIRST_NAMES = ("Pat", "Sam", "Alex", "Jordan", "Casey", "Robin", "Taylor", "Morgan", "Jamie")
LAST_NAMES = ("Example", "Placeholder", "Sample", "Specimen", "Stand-in", "Fixture", "Madeup")


@dataclass(frozen=True, slots=True)
class Identity:
    """One document's numbers: `number` is the one in its URL (its bill number, else docket)."""

    number: str
    bill: str | None
    docket: str | None
    chamber: str


class SyntheticCourt:
    """A made-up General Court of `documents` documents, the same for the same seed."""

    def __init__(self, documents: int = 11600, seed: int = 1, court: int = 999) -> None:
        if documents < 1:
            raise ValueError("a court needs at least one document")
        self.documents = documents
        self.seed = seed
        self.court = court
        self._ids = _identities(documents, random.Random(f"{seed}/{court}/numbers"))
        self._index: dict[str, int] = {}
        for index, ident in enumerate(self._ids):
            self._index[ident.number] = index
            if ident.docket:
                self._index.setdefault(ident.docket, index)
        self._drafts = {chamber: _drafts(self._ids, chamber) for chamber in OTHER}
        self._lock = threading.Lock()
        self._appended: dict[int, list[dict[str, Any]]] = {}  # index -> rows added by mutate

    # --- what the API serves ---------------------------------------------------------------

    def numbers(self) -> list[str]:
        """Every document's URL number ("H1234", "S567", "HD4321"), in list order."""
        return [ident.number for ident in self._ids]

    def summaries(self) -> list[dict[str, Any]]:
        """The body of `/GeneralCourts/{court}/Documents`."""
        out = []
        for index, ident in enumerate(self._ids):
            rng = self._rng(index, "document")
            title, sponsor = _title(rng), _sponsor(rng)
            out.append(
                {
                    "BillNumber": ident.bill,
                    "DocketNumber": ident.docket,
                    "Title": title,
                    "PrimarySponsor": {k: v for k, v in sponsor.items() if k != "ResponseDate"},
                    "GeneralCourtNumber": self.court,
                    "Details": self._path(ident.number),
                    "IsDocketBookOnly": False,
                }
            )
        return out

    def document(self, number: str) -> dict[str, Any] | None:
        """The body of `/GeneralCourts/{court}/Documents/{number}` (a bill's docket works too)."""
        index = self.index_of(number)
        if index is None:
            return None
        ident = self._ids[index]
        rng = self._rng(index, "document")
        title, sponsor = _title(rng), _sponsor(rng)
        cosponsors = [_sponsor(rng) for _ in range(rng.choice((0, 0, 1, 2, 3, 5)))]
        shown = ident.bill or ident.docket or ident.number
        pinslip = None
        if rng.random() < 0.4:
            pinslip = (
                f"By {sponsor['Name']}, a petition (accompanied by bill, {ident.chamber}, No."
                f" {shown[1:] if ident.bill else shown[2:]}) of {sponsor['Name']} relative to"
                f" {title.removeprefix('An Act relative to ')}."
            )
        return {
            "Title": title,
            "BillNumber": ident.bill,
            "DocketNumber": ident.docket,
            "GeneralCourtNumber": self.court,
            "PrimarySponsor": sponsor,
            "Cosponsors": cosponsors,
            "JointSponsor": None,
            "BillHistory": self._path(ident.number) + "/DocumentHistoryActions",
            "LegislationTypeName": "Bill",
            "Pinslip": pinslip,
            "DocumentText": _text(rng, title) if rng.random() < 0.6 else None,
            "EmergencyPreamble": None,
            "RollCalls": [],
            "Attachments": [],
            "CommitteeRecommendations": [],
            "Amendments": [],
        }

    def history(self, number: str) -> list[dict[str, Any]] | None:
        """The body of `.../Documents/{number}/DocumentHistoryActions`."""
        index = self.index_of(number)
        return None if index is None else self._history(index)

    def last_change(self, number: str) -> datetime | None:
        """When the document last changed (its latest row's time, UTC), for Last-Modified."""
        index = self.index_of(number)
        if index is None:
            return None
        return _utc(max(row["Date"][:19] for row in self._history(index)))

    def index_of(self, number: str) -> int | None:
        """The position of a document by URL number ("H12", "h.12" and "HD7" for its docket)."""
        return self._index.get(number.upper().replace(".", "").replace(" ", ""))

    # --- change ----------------------------------------------------------------------------

    def mutate(self, fraction: float, seed: int) -> list[str]:
        """Append one later-dated action to `fraction` of the histories; their numbers."""
        if not 0 <= fraction <= 1:
            raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
        rng = random.Random(f"{self.seed}/{self.court}/mutate/{seed}")
        chosen = sorted(rng.sample(range(self.documents), round(fraction * self.documents)))
        for index in chosen:
            latest = date.fromisoformat(max(row["Date"][:10] for row in self._history(index)))
            day = min(latest + timedelta(days=rng.randint(1, 14)), max(LAST_DAY, latest))
            day = max(day, latest + timedelta(days=1))
            chamber = self._ids[index].chamber
            branch, text = late_action(rng, chamber)
            action = fill(rng, text, day, chamber)
            row = api_row(rng, day, rng.randint(540, 1080), branch, action)
            with self._lock:
                self._appended.setdefault(index, []).append(row)
        return [self._ids[index].number for index in chosen]

    # --- internals ---------------------------------------------------------------------------

    def _history(self, index: int) -> list[dict[str, Any]]:
        ident = self._ids[index]
        rng = self._rng(index, "history")

        def pick(chamber: str) -> str:
            pool = self._drafts[chamber]
            at = int(rng.random() * len(pool))
            return pool[(at + 1) % len(pool)] if pool[at] == ident.number else pool[at]

        rows = history_rows(rng, ident.chamber, ident.bill is None, pick)
        with self._lock:
            return rows + [dict(row) for row in self._appended.get(index, ())]

    def _rng(self, index: int, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}/{self.court}/{index}/{purpose}")

    def _path(self, number: str) -> str:
        return f"/api/GeneralCourts/{self.court}/Documents/{number}"


def _identities(documents: int, rng: random.Random) -> list[Identity]:
    """Bills H.1.. and S.1.. (60/40; 90% with a docket number), then 8% docket-only filings."""
    docket_only = round(documents * 0.08)
    bills = documents - docket_only
    plan = (
        ("House", "H", round(bills * 0.6), round(docket_only * 0.6)),
        ("Senate", "S", bills - round(bills * 0.6), docket_only - round(docket_only * 0.6)),
    )
    out: list[Identity] = []
    for chamber, letter, count, only in plan:
        with_docket = int(count * 0.9)
        pool = list(range(1, with_docket + only + 1))
        rng.shuffle(pool)
        for i in range(count):
            docket = f"{letter}D{pool[i]}" if i < with_docket else None
            out.append(Identity(f"{letter}{i + 1}", f"{letter}{i + 1}", docket, chamber))
        for k in range(only):
            docket = f"{letter}D{pool[with_docket + k]}"
            out.append(Identity(docket, None, docket, chamber))
    return out


def _drafts(ids: list[Identity], chamber: str) -> list[str]:
    """What a chamber's histories cite (new drafts, study orders): its bills without a docket."""
    for pool in (
        [i.number for i in ids if i.chamber == chamber and i.docket is None],
        [i.number for i in ids if i.chamber == chamber],
    ):
        if len(pool) >= 2:
            return pool
    return [i.number for i in ids]


def _title(rng: random.Random) -> str:
    first, second = rng.sample(SUBJECTS, 2)
    return f"An Act relative to {first}" + (f" and {second}" if rng.random() < 0.3 else "")


def _sponsor(rng: random.Random) -> dict[str, Any]:
    public = rng.random() < 0.03
    return {
        "Id": None,
        "Name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "Type": 3 if public else 1,
        "Details": None,
        "ResponseDate": None,
    }


def _text(rng: random.Random, title: str) -> str:
    chapter, section = rng.randint(1, 280), rng.randint(1, 60)
    subject = title.removeprefix("An Act relative to ")
    return (
        f"SECTION 1. Chapter {chapter} of the General Laws is hereby amended by inserting after"
        f" section {section} the following section:- Section {section}A. The provisions of this"
        f" section shall apply to {subject}. "
        f"SECTION 2. This act shall take effect upon its passage."
    )


def _utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=EASTERN).astimezone(UTC)


def verify(court: SyntheticCourt) -> int:
    """Parse every document and history with the project's parsers; the number checked."""
    from crawler.parsers.api import parse_document, parse_history

    for number in court.numbers():
        url = f"synthetic:{court.court}/{number}"
        document = parse_document(json.dumps(court.document(number)), url)
        if number.replace(".", "") not in {
            (n or "").replace(".", "") for n in (document.bill_number, document.docket_number)
        }:
            raise AssertionError(f"{url}: document is about {document}, not {number}")
        if not parse_history(json.dumps(court.history(number)), url):
            raise AssertionError(f"{url}: history parses to no actions")
    return court.documents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthetic_court")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the court over HTTP until SIGTERM/SIGINT")
    check = commands.add_parser("check", help="parse every document with the real parsers")
    for command in (serve, check):
        command.add_argument("--documents", type=int, default=11600)
        command.add_argument("--seed", type=int, default=1)
        command.add_argument("--court", type=int, default=999)
    serve.add_argument("--delay", type=float, default=0.05, help="seconds added to a response")
    serve.add_argument("--validators", choices=VALIDATORS, default="both")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args(argv)
    court = SyntheticCourt(args.documents, args.seed, args.court)
    if args.command == "check":
        started = time.perf_counter()
        count = verify(court)
        print(f"{count} documents and histories parse ({time.perf_counter() - started:.1f} s)")
        return 0
    from benchmarks.court_server import CourtServer

    server = CourtServer(court, args.delay, args.validators, args.host, args.port)
    print(server.url, flush=True)
    server.serve_until_signalled()
    return 0


if __name__ == "__main__":
    sys.exit(main())
