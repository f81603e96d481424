"""Benchmark of the review page's heaviest routes over a whole court: each route requested in
process (Starlette's TestClient: the app, its database reads and its templates, no socket), on
the notes benchmark's database once its first check has stored the alerts.

    .venv/bin/python -m benchmarks.web --dir /tmp/lt-notes [--repeat 3]

`--dir` is a folder `benchmarks.notes` used (its config.toml, its database with 11,600 bills and
the alerts of 10,000 notes). Prints, per route, the wall time of each request (the first one also
pays for the templates' compilation), the status and the response size, as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import machine

ROUTES = ("/", "/alerts/1", "/status", "/notes", "/stats")


def measure(folder: Path, routes: tuple[str, ...], repeat: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from models.config import load_config
    from scheduler.web.app import create_app
    from scheduler.web.data import Data
    from scheduler.web.security import Guard

    config = load_config(folder / "config.toml")
    data = Data(config)
    guard = Guard.build(config.web, "127.0.0.1", 8150, "benchmark")
    found: dict[str, Any] = {}
    try:
        app = create_app(data, guard)
        with TestClient(app, base_url="http://127.0.0.1:8150") as client:
            for route in routes:
                times, statuses, sizes = [], set(), set()
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.get(route)
                    times.append(round(time.perf_counter() - started, 3))
                    statuses.add(response.status_code)
                    sizes.add(len(response.content))
                found[route] = {
                    "seconds": times,
                    "status": sorted(statuses),
                    "bytes": sorted(sizes),
                }
    finally:
        data.close()
    return {"benchmark": "web", "folder": str(folder), "routes": found, "machine": machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.web",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dir", type=Path, required=True, help="a folder benchmarks.notes used")
    parser.add_argument("--repeat", type=int, default=3, help="requests per route")
    parser.add_argument("--route", action="append", help="only these routes (repeatable)")
    args = parser.parse_args(argv)
    if not (args.dir / "config.toml").is_file():
        print(f"benchmarks.web: {args.dir} has no config.toml: run benchmarks.notes first")
        return 1
    routes = tuple(args.route) if args.route else ROUTES
    print(json.dumps(measure(args.dir, routes, max(1, args.repeat)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
