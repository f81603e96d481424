"""Evaluation over real history rows: categories, rows left `other`, final stages and lineage.

    .venv/bin/python -m benchmarks.realdata [--file PATH] [--json PATH] [--compare OLD.json]

Reads `../shared/realdata/ma-history-actions.tsv` (relative to the repository) when it is there,
and says so and exits 0 when it is not: the rows are never committed to the project.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.realdata_expected import EXPECTED
from models.legislature import lineage, stages
from models.legislature.calendar import EASTERN

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared" / "realdata" / "ma-history-actions.tsv"
AFTER_ALL_COURTS = datetime(2031, 1, 1, tzinfo=UTC)  # every court in the file has ended by then

# Row kinds deliberately left `other`, each with the reason it carries no stage. A kind is a
# pattern over the row's text; an `other` row that none of them matches is listed as unexplained.
OTHER_REASONS: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Row:
    date: datetime
    branch: str
    action: str
    position: int


def parse_date(text: str) -> datetime:
    """`...Z` is UTC; a naive time or a bare day is the site's Eastern wall time."""
    text = text.strip()
    if text.endswith("Z"):
        return datetime.fromisoformat(text[:-1][:26]).replace(tzinfo=UTC)
    if "T" in text:
        head = text.partition(".")[0]
        return datetime.fromisoformat(head).replace(tzinfo=EASTERN).astimezone(UTC)
    day = datetime.fromisoformat(text)
    return day.replace(tzinfo=EASTERN).astimezone(UTC)


def load(path: Path) -> dict[tuple[int, str], list[Row]]:
    """Histories by (court, bill), rows in the file's order."""
    histories: dict[tuple[int, str], list[Row]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for position, record in enumerate(csv.DictReader(handle, delimiter="\t")):
            key = (int(record["court"]), record["bill"])
            row = Row(parse_date(record["date"]), record["branch"], record["action"], position)
            histories.setdefault(key, []).append(row)
    return histories


def kind(action: str) -> str:
    """A row's wording with numbers, names in parentheses and committee names folded."""
    text = re.sub(r"\([^)]*\)", "(…)", action)
    text = re.sub(r"committee on [^,;]*", "committee on …", text)
    text = re.sub(r"\d+", "N", text)
    return " ".join(text.split())[:120]


def other_reason(action: str) -> str:
    for pattern, reason in OTHER_REASONS:
        if re.search(pattern, action, re.IGNORECASE):
            return reason
    return "unexplained"


def evaluate(histories: dict[tuple[int, str], list[Row]]) -> dict[str, Any]:
    categories: Counter[str] = Counter()
    others: Counter[tuple[str, str]] = Counter()
    total = 0
    for rows in histories.values():
        for row in rows:
            total += 1
            category = stages.categorize(row.action, row.branch)
            categories[category] += 1
            if category == "other":
                others[(kind(row.action), other_reason(row.action))] += 1
    last_day = {
        court: max(row.date for key, rows in histories.items() if key[0] == court for row in rows)
        for court in {court for court, _ in histories}
    }
    at_dump: Counter[str] = Counter()
    after_end: Counter[str] = Counter()
    relation_rows: Counter[str] = Counter()
    relation_bills: Counter[str] = Counter()
    finals: dict[tuple[int, str], str] = {}
    for (court, bill), rows in histories.items():
        now = last_day[court] + timedelta(days=1)
        final = stages.stage_of(rows, court, now)
        finals[(court, bill)] = final.stage
        at_dump[final.stage] += 1
        after_end[stages.stage_of(rows, court, AFTER_ALL_COURTS).stage] += 1
        found = lineage.relations_from_actions(court, rows, bill)  # as the product reads it
        relation_rows.update(r.type for r in found)
        relation_bills.update({r.type for r in found})
    sample = [
        {
            "court": court,
            "bill": bill,
            "pattern": pattern,
            "expected": expected,
            "got": finals.get((court, bill), "(not in the file)"),
        }
        for court, bill, expected, pattern in EXPECTED
    ]
    no_stage = getattr(stages, "NO_STAGE", {})
    return {
        "rows": total,
        "histories": len(histories),
        "categories": dict(categories.most_common()),
        "other_rows": categories["other"],
        "other_share": categories["other"] / total if total else 0.0,
        "other_kinds": [
            {"kind": k, "reason": reason, "rows": n} for (k, reason), n in others.most_common()
        ],
        "no_stage_categories": {c: no_stage[c] for c in sorted(no_stage) if c in categories},
        "final_stages_at_dump": dict(at_dump.most_common()),
        "final_stages_after_court_end": dict(after_end.most_common()),
        "relations_by_type": {"rows": dict(relation_rows), "bills": dict(relation_bills)},
        "final_stage_by_bill": {f"{c}:{b}": stage for (c, b), stage in finals.items()},
        "expected_sample": sample,
        "expected_matched": sum(1 for s in sample if s["expected"] == s["got"]),
    }


def render(report: dict[str, Any], top: int = 40) -> str:
    rows = report["rows"]
    lines = [f"{rows:,} rows in {report['histories']:,} histories", "", "Rows by category:"]
    lines += [f"  {c:<24} {n:>7,}  {n / rows:6.2%}" for c, n in report["categories"].items()]
    lines += [
        "",
        f"Rows left `other`: {report['other_rows']:,} ({report['other_share']:.2%});"
        f" {len(report['other_kinds'])} kinds, the first {top}:",
    ]
    lines += [
        f"  {k['rows']:>5}  {k['kind']}  [{k['reason']}]" for k in report["other_kinds"][:top]
    ]
    if report["no_stage_categories"]:
        lines += ["", "Categories read but carrying no stage, and why:"]
        lines += [f"  {c}: {why}" for c, why in report["no_stage_categories"].items()]
    for title, key in (
        (
            "Final stages, as of the day after each court's last row in the file",
            "final_stages_at_dump",
        ),
        ("Final stages once every court in the file has ended", "final_stages_after_court_end"),
    ):
        lines += ["", f"{title}:"]
        lines += [f"  {s:<22} {n:>6,}" for s, n in report[key].items()]
    lines += ["", "Lineage read from rows (relation type: rows, bills):"]
    relations = report["relations_by_type"]
    for kind_ in sorted(relations["rows"], key=lambda k: -relations["rows"][k]):
        lines.append(
            f"  {kind_:<20} {relations['rows'][kind_]:>6,} {relations['bills'][kind_]:>6,}"
        )
    sample = report["expected_sample"]
    lines += [
        "",
        f"Hand-read sample: {report['expected_matched']} of {len(sample)} whole histories end in"
        " the expected stage",
    ]
    lines += [
        f"  {s['bill']} ({s['court']}) {s['pattern']}: expected {s['expected']}, got {s['got']}"
        for s in sample
        if s["expected"] != s["got"]
    ]
    return "\n".join(lines)


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """How many histories end in another stage than in an earlier run, by (old, new) pair."""
    before, after = old.get("final_stage_by_bill", {}), new["final_stage_by_bill"]
    moved = Counter((before[k], after[k]) for k in after if k in before and before[k] != after[k])
    total = sum(moved.values())
    lines = [f"Final stages changed since the earlier run: {total:,} of {len(after):,} histories"]
    lines += [f"  {a} -> {b}: {n:,}" for (a, b), n in moved.most_common()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the TSV of history rows")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--top", type=int, default=40, help="how many `other` kinds to list")
    parser.add_argument(
        "--compare", type=Path, help="a --json file of an earlier run: count the changed stages"
    )
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"real history rows absent ({args.file}): nothing to evaluate, skipped")
        return 0
    report = evaluate(load(args.file))
    print(render(report, args.top))
    if args.compare:
        print("", compare(json.loads(args.compare.read_text()), report), sep="\n")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
