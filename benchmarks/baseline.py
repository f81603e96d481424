"""The baseline: the straightforward script, a sequential GET of each document and its history.

For each document of the list, GET the document, then its history, with one `requests.Session`,
and save both bodies to one SQLite table (INSERT OR REPLACE, a commit per document). No parsing,
no change detection, no conditional requests: what people write first.

    .venv/bin/python -m benchmarks.baseline --documents 11600 --delay 0.05

starts its own court server (`--server URL` uses a running one) and prints wall time, requests
and peak RSS; the figures (with the script's own CPU time) go to
benchmarks/results/baseline[-nN].json, or to `--json PATH`.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from benchmarks.harness import CourtProcess, get_json, machine, write_result

SCHEMA = """CREATE TABLE IF NOT EXISTS documents (
    number TEXT PRIMARY KEY, document TEXT NOT NULL, history TEXT NOT NULL, fetched_at TEXT NOT NULL
)"""


def crawl(base_url: str, court: int, database: Path) -> int:
    """Fetch and save every document of the court's list; the number of requests made."""
    api = f"{base_url}/api/GeneralCourts/{court}/Documents"
    session = requests.Session()
    listing = session.get(api, timeout=30)
    listing.raise_for_status()
    requests_made = 1
    connection = sqlite3.connect(database)
    try:
        connection.execute(SCHEMA)
        for summary in listing.json():
            number = summary["BillNumber"] or summary["DocketNumber"]
            document = session.get(f"{api}/{number}", timeout=30)
            document.raise_for_status()
            history = session.get(f"{api}/{number}/DocumentHistoryActions", timeout=30)
            history.raise_for_status()
            requests_made += 2
            connection.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                (number, document.text, history.text, datetime.now(UTC).isoformat()),
            )
            connection.commit()
    finally:
        connection.close()
    return requests_made


def measure(base_url: str, court: int, database: Path) -> dict[str, Any]:
    """Run the baseline once against a server; its figures."""
    get_json(f"{base_url}/_bench/reset")
    started, cpu_before = time.perf_counter(), time.process_time()
    made = crawl(base_url, court, database)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    stats = get_json(f"{base_url}/_bench/stats")
    with sqlite3.connect(database) as connection:
        saved = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),  # this script's own, not its court server's
        "requests_made": made,
        "server": stats,
        "documents_saved": saved,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline", description=__doc__)
    parser.add_argument("--documents", type=int, default=11600)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds added per response")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--court", type=int, default=999)
    parser.add_argument("--server", help="base URL of a running court server (else one starts)")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the figures here, not to results/")
    args = parser.parse_args(argv)
    where = machine()
    with tempfile.TemporaryDirectory(prefix="legistrack-baseline-") as folder:
        database = args.db or Path(folder) / "baseline.db"
        if args.server:
            figures = measure(args.server.rstrip("/"), args.court, database)
        else:
            with CourtProcess(args.documents, args.delay, seed=args.seed) as server:
                figures = measure(server.url, args.court, database)
    result = {
        "benchmark": "baseline",
        "documents": figures["server"]["documents"],
        "delay": figures["server"]["delay"],
        "machine": where,
        **figures,
    }
    if args.json:
        path = args.json
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    else:
        suffix = "" if result["documents"] == 11600 else f"-n{result['documents']}"
        path = write_result(f"baseline{suffix}", result)
    print(
        f"baseline: {result['documents']} documents in {figures['wall_seconds']:.1f} s,"
        f" {figures['server']['total']} requests,"
        f" peak RSS {figures['peak_rss_kib'] / 1024:.0f} MiB ({path})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
