"""`legistrack demo --serve` keeps the replay server running so the demo folder can be crawled,
and stops on SIGTERM; without it the demo says the replay server stopped (issue 15, Also)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from .conftest import legistrack_bin, run_cli
from .test_daemon import Lines


def test_demo_serve_keeps_the_replay_running_until_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    proc = subprocess.Popen(
        [legistrack_bin(), "demo", "--dir", str(tmp_path), "--serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = Lines(proc.stdout)
    try:
        seen = lines.wait_for(lambda seen: any("stops the replay server" in x for x in seen), 600)
        assert any("still replaying the bundled sources at http://127.0.0.1:" in x for x in seen)
        config = str(tmp_path / "config.toml")
        crawl = run_cli("--config", config, "crawl", "--source", "legislature", "--no-check")
        assert crawl.code == 0, crawl.err
        assert "0 failed" in crawl.out
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0
    assert lines.lines[-1] == "legistrack demo: replay server stopped"
    assert not [x for x in lines.lines if "Traceback" in x]
