"""What Scrapy alone costs for a first crawl's requests: the floor under `legistrack crawl`'s CPU.

    .venv/bin/python -m benchmarks.scrapy_floor --documents 2000 --delay 0.05 --concurrency 32

Starts the court server and runs, as a measured process, a spider that makes exactly the requests
a first crawl of the court makes (the list, then each listed document, then its history, one
after the other per document) with the settings `legistrack crawl` uses (the same config.toml as
`benchmarks.crawl`, read by `crawler.run.crawl_settings`: middlewares, HTTP client, concurrency),
but whose callbacks parse nothing and store nothing: one small item per document goes to a
pipeline that drops it. Its CPU is what the framework takes (engine, scheduler, middlewares, the
HTTP client, signals, start-up); `legistrack crawl`'s CPU above it is legistrack's own work
(parsing, stages, hashing, lineage, storage). Prints one JSON object; `--json PATH` writes it.
"""

from __future__ import annotations

import argparse
import json
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
)


def measure(
    documents: int, delay: float, concurrency: int, folder: Path, timeout: float = 3600.0
) -> dict[str, Any]:
    """Run the bare spider against its own court server; its figures."""
    from benchmarks.crawl import write_config

    with CourtProcess(documents, delay) as server:
        config = write_config(folder, server.url, 999, concurrency, "")
        command = [sys.executable, "-m", "benchmarks.scrapy_floor", "--child", str(config)]
        with (
            (folder / "floor.stdout").open("w") as out,
            (folder / "floor.stderr").open("w") as err,
        ):
            measured = run_measured(command, out, err, timeout, REPO)
        stats = server.get("/_bench/stats")
    if measured.exit_code != 0:
        tail = (folder / "floor.stderr").read_text(encoding="utf-8")[-2000:]
        raise BenchmarkError(f"the bare spider exited {measured.exit_code}: {tail}")
    items = int((folder / "floor.stdout").read_text(encoding="utf-8").split()[-1])
    return {
        "benchmark": "scrapy_floor",
        "documents": documents,
        "delay": delay,
        "concurrency": concurrency,
        "items": items,
        "requests": stats["requests"],
        "requests_total": stats["total"],
        "wall_seconds": measured.wall_seconds,
        "cpu_seconds": measured.cpu_seconds,
        "cpu_ms_per_document": round(1000 * measured.cpu_seconds / documents, 3),
        "peak_rss_kib": measured.peak_rss_kib,
        "machine": machine(),
    }


def child(config_path: str) -> int:
    """The measured process: the bare spider under the crawl's own settings."""
    import scrapy

    from crawler.http import preload
    from crawler.run import crawl_settings, quiet_frameworks
    from models.config import load_config

    config = load_config(Path(config_path))
    api = config.legislature.api_url
    court = config.legislature.track_all[0]
    kept: list[int] = []

    class BareSpider(scrapy.Spider):
        name = "scrapy_floor"
        allowed_hosts = ("127.0.0.1",)  # crawler.middlewares.ConfiguredHostsMiddleware

        async def start(self) -> Any:
            yield scrapy.Request(f"{api}/GeneralCourts/{court}/Documents", self.listed)

        def listed(self, response: Any) -> Any:
            for entry in json.loads(response.body):
                number = entry.get("BillNumber") or entry.get("DocketNumber")
                url = f"{api}/GeneralCourts/{court}/Documents/{number}"
                yield scrapy.Request(url, self.document, dont_filter=True)

        def document(self, response: Any) -> Any:
            url = response.url + "/DocumentHistoryActions"
            yield scrapy.Request(url, self.history, dont_filter=True)

        def history(self, response: Any) -> Any:
            yield {"url": response.url}

    class DropPipeline:
        def process_item(self, item: Any, spider: Any = None) -> None:
            kept.append(1)

    settings = crawl_settings(config, "ERROR")
    settings.set("ITEM_PIPELINES", {DropPipeline: 300}, priority="cmdline")
    preload(config.crawl.http_client)
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    quiet_frameworks("ERROR")  # as `legistrack crawl` does after making its CrawlerProcess
    process.crawl(BareSpider)
    process.start()
    print(f"items {len(kept)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scrapy_floor",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--dir", type=Path, help="keep config and logs here")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--child", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child)
    try:
        result = in_folder(
            args.dir,
            "lt-floor-",
            lambda folder: measure(args.documents, args.delay, args.concurrency, folder),
        )
    except BenchmarkError as exc:
        print(f"benchmarks.scrapy_floor: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
