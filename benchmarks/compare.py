"""Issue #18's side-by-side benchmark: the crawl and the sequential baseline in one run, per size.

    .venv/bin/python -m benchmarks.compare --documents 2000 11600

For each size: the baseline (`benchmarks.baseline`, with its own court server, as a process); the
crawl's first full crawl and unchanged re-crawl reading every bill (`benchmarks.crawl` with
`dormant_every_hours = 0`, its own court server); then Scrapy alone making the first crawl's
requests with callbacks that do nothing (`benchmarks.scrapy_floor`: the framework's share). By
default every baseline starts at once and runs while the crawl phases of every size run one after
another (the baseline is latency bound: 11,600 documents take about 25 minutes and little CPU);
the baselines' own CPU time is recorded so that their interference shows. `--sequential` runs each
size's crawl phases, then its baseline, alone. Prints one markdown table, each figure against
issue #18's target (met or missed), and writes
benchmarks/results/compare[-nN...][-sequential][-<label>].json.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from benchmarks import crawl, scrapy_floor
from benchmarks.harness import (
    REPO,
    BenchmarkError,
    Measured,
    in_folder,
    machine,
    run_measured,
    write_result,
)

DEFAULT_SIZES = (2000, 11600)
POLL_ALL = "dormant_every_hours = 0"

# Issue #18's targets
CPU_MS_PER_DOCUMENT = 4.0
WALL_OVER_FLOOR = 1.5
TIMES_BASELINE = 25.0
PEAK_MB = 250.0  # 10**6 bytes
RECRAWL_OVER_FLOOR = 1.5


@dataclass(frozen=True)
class Row:
    """One figure of one size against its target; `met` None when it has no target."""

    documents: int
    figure: str
    measured: str
    target: str
    met: bool | None


def floor_seconds(requests: int, delay: float, concurrency: int) -> float:
    """The latency floor: every request waits `delay`, `concurrency` of them at once."""
    return requests * delay / concurrency


def assess(size: dict[str, Any]) -> list[Row]:
    """The table's rows for one size's figures (the JSON `sizes[i]` of a compare run)."""
    n = int(size["documents"])
    delay, concurrency = float(size["delay"]), int(size["concurrency"])
    first, recrawl = size["first"], size["unchanged"]
    baseline = size["baseline"]
    rows = []
    cpu_ms = 1000 * first["cpu_seconds"] / n
    rows.append(
        Row(
            n,
            "first crawl: CPU per document",
            f"{cpu_ms:.2f} ms ({first['cpu_seconds']:.1f} s CPU)",
            f"<= {CPU_MS_PER_DOCUMENT:g} ms",
            cpu_ms <= CPU_MS_PER_DOCUMENT,
        )
    )
    floor = floor_seconds(first["requests_total"], delay, concurrency)
    rows.append(
        Row(
            n,
            "first crawl: wall against the latency floor",
            f"{first['wall_seconds']:.1f} s / {floor:.1f} s = {first['wall_seconds'] / floor:.2f}x"
            f" ({first['requests_total']} requests x {delay:g} s / {concurrency})",
            f"<= {WALL_OVER_FLOOR:g}x",
            first["wall_seconds"] <= WALL_OVER_FLOOR * floor,
        )
    )
    times = baseline["wall_seconds"] / first["wall_seconds"]
    rows.append(
        Row(
            n,
            "first crawl: times faster than the baseline",
            f"{baseline['wall_seconds']:.1f} s / {first['wall_seconds']:.1f} s = {times:.1f}x",
            f">= {TIMES_BASELINE:g}x",
            times >= TIMES_BASELINE,
        )
    )
    peak_mb = first["peak_rss_kib"] * 1024 / 1e6
    rows.append(
        Row(
            n,
            "first crawl: peak memory (RSS)",
            f"{peak_mb:.0f} MB ({first['peak_rss_kib'] / 1024:.0f} MiB)",
            f"< {PEAK_MB:g} MB",
            peak_mb < PEAK_MB,
        )
    )
    refloor = floor_seconds(recrawl["requests_total"], delay, concurrency)
    rows.append(
        Row(
            n,
            "unchanged re-crawl reading every bill: wall against its floor",
            f"{recrawl['wall_seconds']:.1f} s / {refloor:.1f} s ="
            f" {recrawl['wall_seconds'] / refloor:.2f}x ({recrawl['cpu_seconds']:.1f} s CPU)",
            f"<= {RECRAWL_OVER_FLOOR:g}x",
            recrawl["wall_seconds"] <= RECRAWL_OVER_FLOOR * refloor,
        )
    )
    floor_run = size.get("scrapy_floor")  # runs before this command measured it have none
    if floor_run:
        own_ms = cpu_ms - floor_run["cpu_ms_per_document"]
        rows.append(
            Row(
                n,
                "Scrapy alone, the same requests, callbacks doing nothing: CPU per document",
                f"{floor_run['cpu_ms_per_document']:.2f} ms ({floor_run['cpu_seconds']:.1f} s CPU,"
                f" {floor_run['wall_seconds']:.1f} s wall); legistrack's own work above it:"
                f" {own_ms:.2f} ms",
                "",
                None,
            )
        )
    rows.append(
        Row(
            n,
            f"baseline's own CPU ({size['mode']})",
            f"{baseline['cpu_seconds']:.1f} s (with its court server:"
            f" {baseline['cpu_seconds_with_server']:.1f} s) in {baseline['wall_seconds']:.1f} s",
            "",
            None,
        )
    )
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| documents | figure | measured | target | met |", "|---:|---|---|---|---|"]
    for row in rows:
        met = "" if row.met is None else ("met" if row.met else "missed")
        lines.append(
            f"| {row.documents:,} | {row.figure} | {row.measured} | {row.target} | {met} |"
        )
    return "\n".join(lines)


class Baseline:
    """`python -m benchmarks.baseline` in a process, measured, in a thread (start, then join)."""

    def __init__(self, documents: int, args: argparse.Namespace, folder: Path) -> None:
        self.documents = documents
        self.json_path = folder / f"baseline-n{documents}.json"
        self.command = [sys.executable, "-m", "benchmarks.baseline", "--documents", str(documents)]
        self.command += ["--delay", str(args.delay), "--seed", str(args.seed)]
        self.command += ["--court", str(args.court), "--json", str(self.json_path)]
        self.folder, self.timeout = folder, args.baseline_timeout
        self.measured: Measured | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"baseline-{documents}")

    def _run(self) -> None:
        try:
            out: IO[str]
            with (
                (self.folder / f"baseline-n{self.documents}.stdout").open("w") as out,
                (self.folder / f"baseline-n{self.documents}.stderr").open("w") as err,
            ):
                self.measured = run_measured(self.command, out, err, self.timeout, REPO)
        except BaseException as exc:  # reported by result()
            self.error = exc

    def start(self) -> Baseline:
        self._thread.start()
        return self

    def result(self) -> dict[str, Any]:
        self._thread.join()
        if self.error is not None:
            raise BenchmarkError(f"baseline of {self.documents}: {self.error}")
        assert self.measured is not None
        if self.measured.exit_code != 0:
            raise BenchmarkError(
                f"baseline of {self.documents} exited {self.measured.exit_code}; see"
                f" {self.folder / f'baseline-n{self.documents}.stderr'}"
            )
        figures: dict[str, Any] = json.loads(self.json_path.read_text(encoding="utf-8"))
        figures["cpu_seconds_with_server"] = self.measured.cpu_seconds
        figures["process_wall_seconds"] = self.measured.wall_seconds
        return figures


def crawl_phases(documents: int, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """`benchmarks.crawl`'s first crawl and unchanged re-crawl, reading every bill."""
    crawl_args = crawl.parser().parse_args(
        [
            "--documents",
            str(documents),
            "--delay",
            str(args.delay),
            "--validators",
            args.validators,
            "--concurrency",
            str(args.concurrency),
            "--seed",
            str(args.seed),
            "--court",
            str(args.court),
            "--timeout",
            str(args.timeout),
            "--legislature-option",
            POLL_ALL,
        ]
    )
    where = folder / f"crawl-n{documents}"
    where.mkdir(parents=True, exist_ok=True)
    result = crawl.run(crawl_args, where, phases=("first", "unchanged"))
    print(f"crawl of {documents}: done", file=sys.stderr)
    result["scrapy_floor"] = scrapy_floor.measure(
        documents, args.delay, args.concurrency, where, args.timeout
    )
    print(f"Scrapy alone, {documents}: done", file=sys.stderr)
    return result


def size_figures(
    documents: int, args: argparse.Namespace, crawled: dict[str, Any], baseline: dict[str, Any]
) -> dict[str, Any]:
    phases = {phase["phase"]: phase for phase in crawled["phases"]}
    return {
        "documents": documents,
        "delay": args.delay,
        "concurrency": args.concurrency,
        "validators": args.validators,
        "mode": "sequential" if args.sequential else "concurrent",
        "first": phases["first"],
        "unchanged": phases["unchanged"],
        "scrapy_floor": crawled["scrapy_floor"],
        "baseline": baseline,
    }


def run(args: argparse.Namespace, folder: Path) -> list[dict[str, Any]]:
    sizes: list[dict[str, Any]] = []
    if args.sequential:
        for documents in args.documents:
            crawled = crawl_phases(documents, args, folder)
            baseline = Baseline(documents, args, folder).start().result()
            print(f"baseline of {documents}: {baseline['wall_seconds']} s", file=sys.stderr)
            sizes.append(size_figures(documents, args, crawled, baseline))
        return sizes
    baselines = {n: Baseline(n, args, folder).start() for n in args.documents}
    crawls = {n: crawl_phases(n, args, folder) for n in args.documents}
    for documents in args.documents:
        baseline = baselines[documents].result()
        print(f"baseline of {documents}: {baseline['wall_seconds']} s", file=sys.stderr)
        sizes.append(size_figures(documents, args, crawls[documents], baseline))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--documents", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--sequential", action="store_true", help="no baseline beside a crawl")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds added per response")
    parser.add_argument("--validators", default="both", help="as benchmarks.crawl's")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1, help="the court's seed")
    parser.add_argument("--court", type=int, default=999)
    parser.add_argument("--dir", type=Path, help="keep configs, databases and logs here")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per crawl phase")
    parser.add_argument("--baseline-timeout", type=float, default=7200.0)
    parser.add_argument("--label", default="", help="added to the results file name")
    args = parser.parse_args(argv)
    started = machine()
    try:
        sizes = in_folder(args.dir, "legistrack-compare-", lambda folder: run(args, folder))
    except BenchmarkError as exc:
        print(f"benchmarks.compare: {exc}", file=sys.stderr)
        return 1
    rows = [row for size in sizes for row in assess(size)]
    name = "compare"
    if sorted(args.documents) != sorted(DEFAULT_SIZES):
        name += "".join(f"-n{n}" for n in args.documents)
    name += "-sequential" if args.sequential else ""
    name += f"-{args.label}" if args.label else ""
    ended = machine()
    steal = None
    before, after = started["steal_seconds_since_boot"], ended["steal_seconds_since_boot"]
    if before is not None and after is not None:
        steal = round(after - before, 2)
    result = {
        "benchmark": "compare",
        "machine": started,
        "load_average_at_end": ended["load_average_at_start"],
        "cpu_gauge_seconds_at_end": ended["cpu_gauge_seconds"],
        "steal_seconds_during": steal,
        "sizes": sizes,
        "table": [asdict(row) for row in rows],
    }
    path = write_result(name, result)
    print(table(rows))
    mode = "one after the other" if args.sequential else "concurrently with the crawls"
    print(
        f"\ndelay {args.delay} s, concurrency {args.concurrency}, validators {args.validators};"
        f" baselines ran {mode}; load average at start {started['load_average_at_start']};"
        f" CPU gauge {started['cpu_gauge_seconds']} s at start,"
        f" {ended['cpu_gauge_seconds']} s at end; CPU stolen by the host during the run:"
        f" {steal if steal is not None else 'unknown'} s; results in {path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
