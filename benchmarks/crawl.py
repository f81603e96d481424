"""The crawl benchmark: `legistrack crawl` of a whole synthetic court, three times, measured.

    .venv/bin/python -m benchmarks.crawl --documents 11600 --delay 0.05 --validators both \\
        --concurrency 32

starts the court server, writes a config.toml that tracks the whole court (`track_all = [999]`)
and runs the real `legistrack crawl --source legislature --no-check`, as a process, three times:
the first full crawl, an unchanged re-crawl, and a re-crawl after `/_bench/mutate` appended an
action to 2% of the histories. Each phase: wall time, the requests the server saw (by kind and
status), snapshots written, the exit code and the peak RSS. A crawl that exits non-zero stops
the benchmark with its exit code and the end of its stderr. Results: a markdown table on stdout
and benchmarks/results/crawl-<validators>[-nN][-<label>].json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    REPO,
    BenchmarkError,
    CourtProcess,
    in_folder,
    machine,
    run_measured,
    write_result,
)
from benchmarks.synthetic_court import VALIDATORS

PHASES = (
    ("first", "first full crawl"),
    ("unchanged", "unchanged re-crawl"),
    ("mutated", "re-crawl after mutating {fraction:.0%}"),
)
PHASE_NAMES = tuple(name for name, _ in PHASES)
CONFIG = """\
[database]
url = "sqlite:///{database}"

[legislature]
api_url = "{server}/api"
site_url = "{server}"
lineage_depth = 0
track_all = [{court}]
{legislature_extra}
[crawl]
obey_robots_txt = false
autothrottle = false
download_delay = 0.0
concurrent_requests = {concurrency}
retry_times = 1
download_timeout = 30.0
"""


def legistrack_command() -> str:
    """This environment's `legistrack` (it runs the code of REPO: see `run_phase`)."""
    beside = Path(sys.executable).parent / "legistrack"
    found = str(beside) if beside.exists() else shutil.which("legistrack")
    if not found:
        raise BenchmarkError("no legistrack command: run `bash scripts/test` or install the repo")
    return found


def write_config(folder: Path, server: str, court: int, concurrency: int, extra: str) -> Path:
    path = folder / "config.toml"
    text = CONFIG.format(
        database=folder / "bench.db",
        server=server,
        court=court,
        concurrency=concurrency,
        legislature_extra=extra,
    )
    path.write_text(text, encoding="utf-8")
    return path


def snapshot_count(database: Path) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        try:
            return int(connection.execute("SELECT count(*) FROM snapshots").fetchone()[0])
        except sqlite3.OperationalError:  # no schema yet
            return 0


def last_run(database: Path) -> dict[str, Any]:
    """The newest legislature crawl_runs row, every column (what the crawl counted itself)."""
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute(
            "SELECT * FROM crawl_runs WHERE source = 'legislature' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return dict(row) if row else {}


def run_phase(
    name: str, server: CourtProcess, config: Path, documents: int, timeout: float
) -> dict[str, Any]:
    """One `legistrack crawl`, measured; raises BenchmarkError if it exits non-zero."""
    folder = config.parent
    database = folder / "bench.db"
    server.get("/_bench/reset")
    before = snapshot_count(database)
    command = [legistrack_command(), "--config", str(config)]
    command += ["crawl", "--source", "legislature", "--no-check"]
    out_path, err_path = folder / f"{name}.stdout", folder / f"{name}.stderr"
    with out_path.open("w") as out, err_path.open("w") as err:
        # PYTHONPATH: the code of this checkout, even if the environment's install is elsewhere
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        measured = run_measured(command, out, err, timeout, REPO, env)
    stats = server.get("/_bench/stats")
    after = snapshot_count(database)
    if measured.exit_code != 0:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-15:]
        raise BenchmarkError(
            f"phase {name}: legistrack crawl exited {measured.exit_code} after"
            f" {measured.wall_seconds:.1f} s; stderr ends:\n" + "\n".join(tail)
        )
    return {
        "phase": name,
        "wall_seconds": measured.wall_seconds,
        "cpu_seconds": measured.cpu_seconds,
        "exit_code": measured.exit_code,
        "peak_rss_kib": measured.peak_rss_kib,
        "requests": stats["requests"],
        "requests_total": stats["total"],
        "requests_per_document": round(stats["total"] / documents, 3),
        "body_bytes": stats["body_bytes"],
        "snapshots_before": before,
        "snapshots_after": after,
        "snapshots_written": after - before,
        "crawl_run": last_run(database),
        "summary": out_path.read_text(errors="replace").strip().splitlines()[-1:],
    }


def table(phases: list[dict[str, Any]]) -> str:
    """The phases as a markdown table."""
    lines = [
        "| phase | wall s | CPU s | requests (list / document / history) | 200 / 304 | req/doc"
        " | snapshots written | exit | peak RSS MiB |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|",
    ]
    for phase in phases:
        kinds = phase["requests"]
        by_kind = " / ".join(
            str(sum(kinds.get(kind, {}).values())) for kind in ("list", "document", "history")
        )
        by_status = " / ".join(
            str(sum(k.get(status, 0) for k in kinds.values())) for status in ("200", "304")
        )
        lines.append(
            f"| {phase['title']} | {phase['wall_seconds']:.1f} | {phase.get('cpu_seconds', '?')}"
            f" | {by_kind} | {by_status}"
            f" | {phase['requests_per_document']:.2f} | {phase['snapshots_written']}"
            f" | {phase['exit_code']} | {phase['peak_rss_kib'] / 1024:.0f} |"
        )
    return "\n".join(lines)


def run(
    args: argparse.Namespace, folder: Path, phases: tuple[str, ...] = PHASE_NAMES
) -> dict[str, Any]:
    """The phases named (all three by default), in order, against one court server."""
    extra = "".join(f"{option}\n" for option in args.legislature_option)
    result: dict[str, Any] = {
        "benchmark": "crawl",
        "documents": args.documents,
        "delay": args.delay,
        "validators": args.validators,
        "concurrency": args.concurrency,
        "mutate_fraction": args.fraction,
        "legislature_options": args.legislature_option,
        "machine": machine(),
        "phases": [],
    }
    with CourtProcess(args.documents, args.delay, args.validators, args.seed) as server:
        config = write_config(folder, server.url, args.court, args.concurrency, extra)
        for name, title in PHASES:
            if name not in phases:
                continue
            if name == "mutated":
                query = f"fraction={args.fraction}&seed={args.mutate_seed}"
                changed = server.get(f"/_bench/mutate?{query}")
                result["histories_changed"] = changed["changed"]
            phase = run_phase(name, server, config, args.documents, args.timeout)
            phase["title"] = title.format(fraction=args.fraction)
            result["phases"].append(phase)
            print(f"{phase['title']}: {phase['wall_seconds']:.1f} s", file=sys.stderr)
    return result


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.crawl",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--documents", type=int, default=11600)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds added per response")
    parser.add_argument("--validators", choices=VALIDATORS, default="both")
    parser.add_argument("--concurrency", type=int, default=32, help="[crawl] concurrent_requests")
    parser.add_argument("--fraction", type=float, default=0.02, help="histories changed")
    parser.add_argument("--seed", type=int, default=1, help="the court's seed")
    parser.add_argument("--mutate-seed", type=int, default=7, help="the mutation's seed")
    parser.add_argument("--court", type=int, default=999)
    parser.add_argument("--dir", type=Path, help="keep config, database and logs here")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per phase")
    parser.add_argument(
        "--legislature-option",
        action="append",
        default=[],
        metavar="'KEY = VALUE'",
        help="a line added to [legislature], e.g. 'dormant_every_hours = 0'",
    )
    parser.add_argument("--label", default="", help="added to the results file name")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result = in_folder(args.dir, "legistrack-bench-", lambda folder: run(args, folder))
    except BenchmarkError as exc:
        print(f"benchmarks.crawl: {exc}", file=sys.stderr)
        return 1
    name = f"crawl-{args.validators}"
    name += "" if args.documents == 11600 else f"-n{args.documents}"
    name += f"-{args.label}" if args.label else ""
    path = write_result(name, result)
    print(table(result["phases"]))
    print(f"\n{args.documents} documents, delay {args.delay} s, validators {args.validators},"
          f" concurrency {args.concurrency}; {result.get('histories_changed')} histories"
          f" changed before the last phase; results in {path}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
