"""What the benchmark commands share: the court server as a subprocess, measured runs, results."""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.request import urlopen

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"


class BenchmarkError(Exception):
    """A benchmark could not run or its subject failed; one line saying why."""


class CourtProcess:
    """`python -m benchmarks.synthetic_court serve` in a child process; `url` once it listens."""

    def __init__(
        self, documents: int, delay: float, validators: str = "both", seed: int = 1
    ) -> None:
        command = [sys.executable, "-m", "benchmarks.synthetic_court", "serve"]
        command += ["--documents", str(documents), "--delay", str(delay)]
        command += ["--validators", validators, "--seed", str(seed), "--port", "0"]
        self._process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise BenchmarkError(f"the court server did not start (said {self.url!r})")

    def get(self, path: str) -> Any:
        """GET a control endpoint (`/_bench/stats`...) and decode its JSON."""
        return get_json(self.url + path)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> CourtProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def get_json(url: str) -> Any:
    with urlopen(url, timeout=60) as response:
        return json.loads(response.read())


@dataclass(frozen=True)
class Measured:
    """How a child process ended: exit code, wall and CPU seconds, peak RSS (KiB)."""

    exit_code: int
    wall_seconds: float
    cpu_seconds: float  # user + system, the process and the children it waited for
    peak_rss_kib: int  # of the largest process


def run_measured(
    command: list[str],
    stdout: IO[str],
    stderr: IO[str],
    timeout: float,
    cwd: Path,
    env: dict[str, str] | None = None,
) -> Measured:
    """Run `command` to its end (killed after `timeout` s), measured with wait4's rusage.

    On Linux ru_maxrss of a waited child is the largest of its own peak and that of the
    descendants it waited for: the peak of the largest process, not of the whole tree.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=cwd, env=env)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(process.returncode, round(wall, 2), round(cpu, 2), int(usage.ru_maxrss))


T = TypeVar("T")


def in_folder(folder: Path | None, prefix: str, work: Callable[[Path], T]) -> T:
    """`work(folder)`: in `folder` (made if missing, kept after: `--dir`), else in a temporary
    folder named `prefix...`, removed after."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        return work(folder.resolve())
    with tempfile.TemporaryDirectory(prefix=prefix) as temporary:
        return work(Path(temporary))


def cpu_gauge(rounds: int = 3) -> float:
    """CPU seconds a fixed pure-Python workload takes here now (the best of `rounds`): how fast
    this machine is at the moment of a measurement. JSON, dicts, sorting and string work, the
    kind a crawl and a check do. The same code measured about twice as slow on one day of this
    virtual machine as on another (benchmarks/README.md); the gauge says which kind of day a
    result comes from."""
    records = [
        {"number": f"H{i}", "text": "Referred to the committee on " * 2} for i in range(120_000)
    ]
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        decoded = json.loads(json.dumps(records))
        decoded.sort(key=lambda record: record["number"][::-1])
        " ".join(record["text"].upper() for record in decoded).count("COMMITTEE")
        best = min(best, time.process_time() - started)
    return round(best, 3)


def steal_seconds() -> float | None:
    """CPU time the hypervisor gave to other guests since boot, all cores (/proc/stat's
    `steal`); None where the kernel does not say."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
        return round(int(fields[8]) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, IndexError, ValueError):
        return None


def machine() -> dict[str, Any]:
    """Where and when a measurement was taken, and how fast the machine was then."""
    memory = ""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = " ".join(line.split()[1:])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "mem_total": memory,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_gauge_seconds": cpu_gauge(),
        "steal_seconds_since_boot": steal_seconds(),
        "python": platform.python_version(),
        "commit": commit,
        "uncommitted_changes_in_tree": bool(dirty),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path
