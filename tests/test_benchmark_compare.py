"""benchmarks.compare's table on constructed figures: floors, ratios and met/missed per target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import scrapy_floor
from benchmarks.compare import assess, floor_seconds, table


def figures(**first: Any) -> dict[str, Any]:
    """A constructed size of 11,600 documents (numbers made up, not measured)."""
    return {
        "documents": 11600,
        "delay": 0.05,
        "concurrency": 32,
        "mode": "concurrent",
        "first": {
            "cpu_seconds": 40.6,
            "wall_seconds": 50.0,
            "requests_total": 23201,
            "peak_rss_kib": 200_000,
            **first,
        },
        "unchanged": {"cpu_seconds": 20.0, "wall_seconds": 27.0, "requests_total": 11601},
        "baseline": {"wall_seconds": 1479.0, "cpu_seconds": 34.0, "cpu_seconds_with_server": 80.0},
    }


def test_floor_is_requests_times_delay_over_concurrency() -> None:
    assert floor_seconds(23201, 0.05, 32) == 23201 * 0.05 / 32  # 36.25 s


def test_every_target_met() -> None:
    rows = assess(figures())
    assert [row.met for row in rows] == [True, True, True, True, True, None]
    assert rows[0].measured == "3.50 ms (40.6 s CPU)"
    assert rows[1].measured.startswith("50.0 s / 36.3 s = 1.38x")
    assert rows[2].measured == "1479.0 s / 50.0 s = 29.6x"
    assert rows[3].measured == "205 MB (195 MiB)"
    assert rows[4].measured.startswith("27.0 s / 18.1 s = 1.49x")


def test_every_target_missed() -> None:
    rows = assess(figures(cpu_seconds=58.0, wall_seconds=60.0, peak_rss_kib=250_000))
    # 5.0 ms a document; 60 s > 1.5 x 36.25 s; 1479 / 60 = 24.65x; 256 MB
    assert [row.met for row in rows[:4]] == [False, False, False, False]


def test_table_says_met_and_missed() -> None:
    lines = table(assess(figures(cpu_seconds=58.0))).splitlines()
    assert lines[0] == "| documents | figure | measured | target | met |"
    assert lines[2] == (
        "| 11,600 | first crawl: CPU per document | 5.00 ms (58.0 s CPU) | <= 4 ms | missed |"
    )
    assert [line.rsplit("|", 2)[1].strip() for line in lines[2:]] == ["missed"] + ["met"] * 4 + [""]


def test_scrapy_alone_is_a_row_without_a_target() -> None:
    size = figures() | {
        "scrapy_floor": {"cpu_ms_per_document": 2.25, "cpu_seconds": 26.1, "wall_seconds": 40.2}
    }
    rows = assess(size)
    floor = [row for row in rows if row.figure.startswith("Scrapy alone")]
    assert len(rows) == 7 and len(floor) == 1 and floor[0].met is None
    # 40.6 s / 11,600 = 3.50 ms a document, 2.25 of them Scrapy's
    assert floor[0].measured == (
        "2.25 ms (26.1 s CPU, 40.2 s wall); legistrack's own work above it: 1.25 ms"
    )


def test_scrapy_alone_makes_the_first_crawls_requests(tmp_path: Path) -> None:
    """The bare spider, for real, on a small constructed court: the list, then a document and its
    history per listed document, one item each, as a first crawl of the court asks for."""
    result = scrapy_floor.measure(12, 0.0, 4, tmp_path, timeout=120)
    assert result["items"] == 12
    assert result["requests_total"] == 1 + 2 * 12
    kinds = result["requests"]
    assert kinds["list"] == {"200": 1}
    assert kinds["document"] == {"200": 12} and kinds["history"] == {"200": 12}
    assert result["cpu_seconds"] > 0 and result["cpu_ms_per_document"] > 0


def test_machine_records_how_fast_it_was() -> None:
    from benchmarks.harness import cpu_gauge, machine, steal_seconds

    where = machine()
    assert where["cpu_gauge_seconds"] > 0
    assert cpu_gauge(rounds=1) > 0
    steal = steal_seconds()
    assert steal is None or steal >= 0
    assert where["steal_seconds_since_boot"] is None or where["steal_seconds_since_boot"] >= 0
