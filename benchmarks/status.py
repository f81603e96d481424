"""Benchmark of `legistrack status` over a whole court: 11,600 bills and about 100,000 snapshots
(JSON, table and markdown), run as the real CLI: wall time, peak RSS, output size.

    .venv/bin/python -m benchmarks.status --dir /tmp/lt-bench --documents 11600 --snapshots 100000

Builds the database with benchmarks.populate first when --dir has none.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Any

from benchmarks.measure import run_measured
from benchmarks.populate import database_arguments, ensure_database


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("bills", "actions", "relations", "snapshots", "crawl_runs")
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_arguments(parser, snapshots=100_000)
    args = parser.parse_args(argv)
    report = ensure_database(args)
    report["database"] = counts(args.dir / "legistrack.db")
    config = args.dir / "config.toml"
    run_measured(config, "init")  # a schema upgrade is not what is measured
    for fmt in ("json", "table", "markdown"):
        run = run_measured(config, "status", "--format", fmt)
        entry: dict[str, Any] = {"line": run.line()}
        if run.exit != 0:
            entry["error"] = run.stderr.strip().splitlines()[-1:]
        elif fmt == "json":
            document = json.loads(run.stdout)
            entry["measures"] = len(document["measures"])
            entry["bills"] = len(document.get("bills", []))
        else:
            entry["lines"] = len(run.stdout.splitlines())
        report[f"status --format {fmt}"] = entry
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
