"""benchmarks.realdata on a constructed file of made-up court-999 rows (never the real data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import realdata

# Constructed rows in the evaluation file's layout (court, bill, date, branch, action, source).
ROWS = [
    ("H1001", "2025-03-01T05:00:00.000Z", "House", "Referred to the committee on Housing"),
    ("H1001", "2025-03-02T05:00:00.000Z", "Senate", "Senate concurred"),
    ("H1001", "2026-01-05T05:00:00.000Z", "Senate", "Accompanied S1555"),
    ("S1555", "2025-03-01T05:00:00.000Z", "Senate", "Referred to the committee on Housing"),
    ("S1555", "2026-01-05T05:00:00.000Z", "Senate", "Accompanied by H1001"),
    ("S1555", "2026-01-05T05:00:00.000Z", "Senate", "Bill reported favorably by committee"),
    ("S1555", "2026-02-01T10:00:00", "Senate", "Accompanied a new draft, see S1600"),
    ("S1600", "2026-02-01", "Senate", "New draft of S1555"),
    ("S1600", "2026-02-02", "Senate", "Read third and passed to be engrossed"),
    ("S1600", "2026-03-01", "Senate", "Something nobody has seen before"),
]


def _write(path: Path) -> Path:
    lines = ["court\tbill\tdate\tbranch\taction\tsource"]
    lines += [f"999\t{b}\t{d}\t{br}\t{a}\tconstructed" for b, d, br, a in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_absent_file_is_said_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert realdata.main(["--file", str(tmp_path / "absent.tsv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("real history rows absent")
    assert "skipped" in out


def test_report_on_constructed_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "rows.tsv")
    assert realdata.main(["--file", str(source), "--json", str(tmp_path / "out.json")]) == 0
    report = json.loads((tmp_path / "out.json").read_text())
    assert (report["rows"], report["histories"]) == (10, 3)
    assert report["categories"]["accompanied"] == 1
    assert report["other_rows"] == 1
    assert report["other_kinds"] == [
        {"kind": "Something nobody has seen before", "reason": "unexplained", "rows": 1}
    ]
    assert report["final_stages_at_dump"] == {"replaced": 2, "passed_senate": 1}
    assert report["final_stages_after_court_end"] == {"replaced": 2, "passed_senate": 1}
    assert report["relations_by_type"]["bills"]["accompanied_by"] == 1
    assert report["relations_by_type"]["bills"]["replaced_by"] == 1
    assert all(s["got"] == "(not in the file)" for s in report["expected_sample"])
    printed = capsys.readouterr().out
    assert "Rows left `other`: 1 (10.00%)" in printed
    assert "accompanied_by: names the bills folded into this one" in printed


def test_dates_as_the_file_gives_them() -> None:
    assert (
        realdata.parse_date("2025-03-01T05:00:00.000Z").isoformat() == "2025-03-01T05:00:00+00:00"
    )
    assert realdata.parse_date("2026-02-01T10:00:00.1234567").isoformat() == (
        "2026-02-01T15:00:00+00:00"
    )
    assert realdata.parse_date("2026-07-01").isoformat() == "2026-07-01T04:00:00+00:00"
