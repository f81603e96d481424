"""Running the real `legistrack` command as a process: its wall time, peak RSS and output."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    command: str
    exit: int
    seconds: float
    cpu_seconds: float  # user + system: what the command itself used, whatever else ran
    peak_rss_mb: float
    stdout: str
    stderr: str

    def line(self) -> str:
        return (
            f"{self.command}: {self.seconds:.2f} s wall, {self.cpu_seconds:.2f} s CPU, "
            f"peak RSS {self.peak_rss_mb:.0f} MB, "
            f"exit {self.exit}, {len(self.stdout.encode()) / 1e6:.2f} MB of output"
        )


def legistrack() -> str:
    return str(Path(sys.executable).parent / "legistrack")


def run_measured(config: Path, *args: str) -> Measured:
    """`legistrack --config CONFIG ARGS...`, timed; peak RSS from the child's rusage (wait4)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [legistrack(), "--config", str(config), *args], stdout=out, stderr=err, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)  # reaps the child: its own rusage only
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            f"legistrack {' '.join(args)}",
            proc.returncode,
            seconds,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,  # kilobytes on Linux
            out.read().decode(),
            err.read().decode(),
        )
