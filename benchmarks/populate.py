"""Benchmark database: N synthetic court-999 bills stored through the real storage code, with
optional extra snapshots per bill (the history read as it grew), and a config.toml beside it.

    .venv/bin/python -m benchmarks.populate --dir /tmp/lt-bench --documents 11600 --snapshots 100000

Bills come from benchmarks.synthetic_court.SyntheticCourt (its API-format bodies parsed by
crawler.parsers.api). Each bill is saved with models.storage.store.save_bill: its whole history,
or, with --snapshots, growing prefixes of it (one crawl run per round, as successive crawls would
see the history grow), so the final state is the full history either way.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.synthetic_court import SyntheticCourt
from crawler.items import BillItem, HistoryAction
from crawler.parsers.api import parse_document, parse_history
from models.legislature.numbers import compact_number
from models.storage.db import make_engine, session_scope, upgrade
from models.storage.store import finish_run, save_bill, start_run

COURT = 999
DEFAULT_DOCUMENTS = 11_600
SITE = "https://malegislature.gov"


@dataclass(frozen=True)
class Document:
    number: str  # canonical, "H.1001"
    title: str | None
    pinslip: str | None
    actions: list[HistoryAction]


def court_documents(documents: int, seed: int) -> list[Document]:
    """The synthetic court's documents, parsed by the crawler's own API parsers."""
    court = SyntheticCourt(documents=documents, seed=seed, court=COURT)
    found = []
    for number in court.numbers():
        url = f"{SITE}/api/GeneralCourts/{COURT}/Documents/{compact_number(number)}"
        document = parse_document(_text(court.document(number)), url)
        actions = parse_history(_text(court.history(number)), f"{url}/DocumentHistoryActions")
        canonical = document.bill_number or document.docket_number or number
        found.append(Document(canonical, document.title, document.pinslip, actions))
    return found


def _text(body: Any) -> str:
    if isinstance(body, bytes):
        return body.decode()
    return body if isinstance(body, str) else json.dumps(body)


def item_for(document: Document, actions: list[HistoryAction]) -> BillItem:
    url = f"{SITE}/Bills/{COURT}/{compact_number(document.number)}"
    return BillItem(
        court=COURT,
        tracked_number=document.number,
        bill_number=None if document.number.startswith(("HD", "SD")) else document.number,
        docket_number=document.number if document.number.startswith(("HD", "SD")) else None,
        title=document.title,
        actions=actions,
        source="api",
        url=url,
        fetched_from=url.replace("/Bills/", "/api/GeneralCourts/"),
        pinslip=document.pinslip,
    )


def cut_points(length: int, snapshots: int) -> list[int]:
    """`snapshots` growing prefix lengths of a history of `length` rows, the last the whole."""
    count = max(1, min(length, snapshots))
    return sorted({max(1, round(length * (k + 1) / count)) for k in range(count)})


def plan(documents: list[Document], target: int) -> list[list[int]]:
    """Per document its prefix lengths, about `target` snapshots in all (one each at least)."""
    per_bill = 1
    while target and per_bill < 200:
        total = sum(len(cut_points(len(d.actions), per_bill + 1)) for d in documents)
        if total > target:
            break
        per_bill += 1
    return [cut_points(len(d.actions), per_bill) if target else [len(d.actions)] for d in documents]


def populate(folder: Path, documents: int, snapshots: int, seed: int) -> dict[str, Any]:
    """Write folder/config.toml and folder/legistrack.db; returns what was built."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "legistrack.db"
    if database.exists():
        raise SystemExit(f"{database} exists: remove it or choose another --dir")
    started = time.perf_counter()
    docs = court_documents(documents, seed)
    config = folder / "config.toml"
    config.write_text(config_text(database, [d.number for d in docs[:3]]), encoding="utf-8")
    cuts = plan(docs, snapshots)
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    rounds = max(len(c) for c in cuts)
    saved = 0
    for round_ in range(rounds):
        with session_scope(engine) as session:
            run = start_run(session, "legislature")
            for document, points in zip(docs, cuts, strict=True):
                if round_ >= len(points):
                    continue
                actions = document.actions[: points[round_]]
                now = max(a.date for a in actions) + timedelta(hours=12)
                save_bill(session, run, item_for(document, actions), now)
                saved += 1
            finish_run(session, run, "finished")
        print(f"round {round_ + 1}/{rounds}: {saved} saves", file=sys.stderr)
    engine.dispose()
    return {
        "documents": len(docs),
        "actions": sum(len(d.actions) for d in docs),
        "saves": saved,
        "seconds": round(time.perf_counter() - started, 1),
        "database": str(database),
        "config": str(config),
    }


def config_text(database: Path, measure_bills: list[str], notes: Path | None = None) -> str:
    """A config with two measures of court 999 (so measure records are built too): the first
    two numbers given, and the third."""
    notes_line = f'[notes]\npaths = ["{notes}"]\n' if notes else ""
    one = ", ".join(f'{{court = {COURT}, number = "{n}"}}' for n in measure_bills[:2])
    two = ", ".join(f'{{court = {COURT}, number = "{n}"}}' for n in measure_bills[2:3])
    return f"""# legistrack benchmark config (benchmarks/populate.py)
[database]
url = "sqlite:///{database}"

{notes_line}
[[measures]]
name = "Synthetic measure one"
aliases = ["Synthetic One Act"]
bills = [{one}]

[[measures]]
name = "Synthetic measure two"
bills = [{two}]
"""


def database_arguments(parser: argparse.ArgumentParser, snapshots: int) -> None:
    """The options every benchmark takes to find (or first build) its database."""
    parser.add_argument("--dir", type=Path, required=True, help="Folder for the config and db.")
    parser.add_argument("--documents", type=int, default=DEFAULT_DOCUMENTS)
    parser.add_argument(
        "--snapshots",
        type=int,
        default=snapshots,
        help="About this many snapshots in all (0: one a bill); for a new database only.",
    )
    parser.add_argument("--seed", type=int, default=1)


def ensure_database(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database the options describe unless --dir has one; what was built, if any."""
    if (args.dir / "legistrack.db").exists():
        return {}
    return {"populate": populate(args.dir, args.documents, args.snapshots, args.seed)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_arguments(parser, snapshots=0)
    args = parser.parse_args(argv)
    print(json.dumps(populate(args.dir, args.documents, args.snapshots, args.seed), indent=2))


if __name__ == "__main__":
    main()
