"""Benchmark of the staleness check: 10,000 notes citing synthetic court-999 bills, checked by the
real CLI (`notes check`, then `check --no-notify` twice: alerts created, then refreshed).

    .venv/bin/python -m benchmarks.notes --dir /tmp/lt-bench --documents 11600 --notes 10000
    .venv/bin/python -m benchmarks.notes --dir /tmp/lt-bench --again  # the same, once more

Builds the database with benchmarks.populate first when --dir has none. Each note is dated (a
"Last updated:" line or front matter) and cites 1-5 bills in bullets, spelled several ways, with
claims ("(passed House March 2026)", "pending in committee", "was signed into law" ...) that the
record bears out for some bills and contradicts for others; the report counts findings by rule so
that a run in which every note is trivially clean is visible as such.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from benchmarks.measure import run_measured
from benchmarks.populate import COURT, config_text, database_arguments, ensure_database
from models.legislature.calendar import EASTERN
from models.legislature.stages import StageTimeline
from models.storage.records import ActionRow

NOTES_PER_FOLDER = 500
CLAIMS = (
    "({number} passed House March 2026)",
    "{number} is pending in committee",
    "{number} was signed into law",
    "{number} passed the Senate on May 7, 2026",
    "{number} would ban the practice outright",
    "{number} died in committee",
    "{number} was sent to a study order",
    "{number} was reported favorably in February 2026",
    "{number} remains in committee as of {day}",
    "See {number} for the details",  # no claim
)


def spell(number: str, rng: random.Random) -> str:
    """One of the spellings notes use for `H.1234`: H.1234, H 1234, H1234, House Bill No. 1234."""
    prefix, digits = number.split(".")
    if prefix in ("HD", "SD"):
        return rng.choice((number, f"{prefix} {digits}"))
    chamber = "House" if prefix == "H" else "Senate"
    return rng.choice(
        (number, f"{prefix} {digits}", f"{prefix}{digits}", f"{chamber} Bill No. {digits}")
    )


# A claim the record bears out on the note's date, for the stage the bill had then.
TRUE_CLAIMS = {
    "filed": "{number} would ban the practice outright",
    "in_committee": "{number} is pending in committee",
    "reported_favorably": "{number} was reported favorably",
    "passed_house": "({number} passed House {day})",
    "passed_senate": "{number} passed the Senate",
    "passed_both": "{number} passed both the House and Senate",
    "signed": "{number} was signed into law",
    "sent_to_study": "{number} was sent to a study order",
    "dead": "{number} died in committee",
}


def note_text(index: int, histories: dict[str, StageTimeline], rng: random.Random) -> str:
    """One note: about half its claims true on its date (per the record), the rest drawn at random
    (so some right and most wrong), and some bills moved on since."""
    day = date(2025, 5, 1) + timedelta(days=rng.randint(0, 540))
    end = datetime.combine(day, time.max, EASTERN)
    cited = rng.sample(sorted(histories), rng.randint(1, 5))
    bullets = []
    for number in cited:
        then = histories[number].at(end)
        true = TRUE_CLAIMS.get(then.stage) if then else None
        template = true if true and rng.random() < 0.5 else rng.choice(CLAIMS)
        claim = template.format(number=spell(number, rng), day=day.strftime("%B %Y"))
        bullets.append(f"- {claim[0].upper()}{claim[1:]}.")
    if rng.random() < 0.2:  # a front-matter claim, and a review period
        status = rng.choice(("in_committee", "passed_house", "pending"))
        head = (
            f"---\ntitle: Synthetic note {index}\nlast_updated: {day.isoformat()}\n"
            f"review_every: 180d\ntracks:\n  - ref: {cited[0]}\n    status: {status}\n---\n"
        )
        return head + "\n".join(bullets) + "\n"
    return (
        f"# Synthetic note {index}\n\nLast updated: {day:%B} {day.day}, {day.year}\n\n"
        + "\n".join(bullets)
        + "\n"
    )


def stored_histories(database: Path) -> tuple[list[str], dict[str, StageTimeline]]:
    """The stored bills' numbers (in id order) and each one's stages over time."""
    rows: dict[str, list[ActionRow]] = {}
    with sqlite3.connect(database) as connection:
        numbers = [n for (n,) in connection.execute("SELECT number FROM bills ORDER BY id")]
        query = (
            "SELECT b.number, a.date, a.branch, a.text FROM actions a JOIN bills b "
            "ON b.id = a.bill_id ORDER BY a.bill_id, a.position"
        )
        for number, when, branch, text in connection.execute(query):
            stamp = datetime.fromisoformat(when).replace(tzinfo=UTC)
            rows.setdefault(number, []).append(ActionRow(stamp, branch, text))
    return numbers, {number: StageTimeline(found, COURT) for number, found in rows.items()}


def write_notes(folder: Path, database: Path, count: int, seed: int) -> Path:
    """`count` notes under folder/notes, citing the stored bills; the config points at them."""
    numbers, histories = stored_histories(database)
    rng = random.Random(seed)
    root = folder / "notes"
    for index in range(count):
        sub = root / f"{index // NOTES_PER_FOLDER:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = note_text(index, histories, rng)
        (sub / f"note-{index:05d}.md").write_text(text, encoding="utf-8")
    config = folder / "config.toml"
    config.write_text(config_text(database, numbers[:3], root), encoding="utf-8")
    return config


def findings_by_rule(output: str) -> dict[str, int]:
    return dict(Counter(re.findall(r"^  \[(\w+)\] ", output, re.MULTILINE)).most_common())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_arguments(parser, snapshots=0)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument(
        "--again",
        action="store_true",
        help="Run again in a --dir used before: its notes, and its database as it was before "
        "the first check (kept as pristine.db), so the first check creates the alerts again.",
    )
    args = parser.parse_args(argv)
    report = ensure_database(args)
    database = args.dir / "legistrack.db"
    pristine = args.dir / "pristine.db"
    if args.again:
        if not pristine.exists() or not (args.dir / "config.toml").exists():
            raise SystemExit(f"--again: {args.dir} holds no earlier run of this benchmark")
        shutil.copyfile(pristine, database)
        for extra in ("-wal", "-shm"):
            database.with_name(database.name + extra).unlink(missing_ok=True)
        config = args.dir / "config.toml"
    elif (args.dir / "notes").exists():
        raise SystemExit(f"{args.dir / 'notes'} exists: remove it first, or run with --again")
    else:
        with sqlite3.connect(database) as connection:  # all of it in the file, then copied
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(database, pristine)  # before any check: what --again starts from
        config = write_notes(args.dir, database, args.notes, args.seed)
    check = run_measured(config, "notes", "check")
    (args.dir / "notes-check.out").write_text(check.stdout, encoding="utf-8")  # to compare runs
    summary = check.stdout.strip().splitlines()[-1] if check.stdout.strip() else check.stderr
    report["notes check"] = {"line": check.line(), "summary": summary}
    report["findings by rule"] = findings_by_rule(check.stdout)
    for label in ("check --no-notify (first: alerts created)", "check --no-notify (repeat)"):
        run = run_measured(config, "check", "--no-notify")
        report[label] = {"line": run.line(), "summary": run.stdout.strip() or run.stderr}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
