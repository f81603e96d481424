"""How tests run `legistrack`: the real console script as a child process (crawls, the daemon,
and a few tests of the script itself), or in-process through click's CliRunner for everything else.

Both return the same `Result(code, out, err)` and see the same environment (the test process's,
without any LEGISTRACK_* variable, plus what the test passes). In-process runs are kept faithful:
an unexpected exception fails the test (as a traceback would), and what one run changes in the
process (logging handlers, engines and their connections, signal handlers, the working folder,
the environment) is undone before the next.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Commands that start Scrapy's reactor, child processes or signal handlers: always real processes.
PROCESS_COMMANDS = frozenset({"crawl", "poll", "daemon", "demo"})
GLOBAL_FLAGS = frozenset({"-v", "--verbose"})
HELP = frozenset({"-h", "--help"})


@dataclass
class Result:
    code: int
    out: str
    err: str


def legistrack_bin() -> str:
    """The installed console script (the entry point a user runs)."""
    candidate = Path(sys.executable).parent / "legistrack"
    found = str(candidate) if candidate.exists() else shutil.which("legistrack")
    assert found, "the legistrack console script is not installed (pip install -e .)"
    return found


def child_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without LEGISTRACK_* variables, plus `env`."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("LEGISTRACK_")}
    full.update(env or {})
    return full


def command_of(args: Sequence[str]) -> str | None:
    """The subcommand `args` names (after --config and -v), or None (e.g. `legistrack --help`)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--config":
            i += 2
        elif arg.startswith("--config=") or arg in GLOBAL_FLAGS:
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def needs_process(args: Sequence[str]) -> bool:
    """Crawls, polls, the daemon and the demo run for real; their --help is only text."""
    return command_of(args) in PROCESS_COMMANDS and not HELP.intersection(args)


def run_cli(
    *args: str,
    check: bool = False,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    process: bool | None = None,
) -> Result:
    """Run `legistrack ARGS`: as a child process when `process` (default: the command crawls or
    runs the daemon), else in-process. `check` asserts exit status 0."""
    real = needs_process(args) if process is None else process
    result = run_process(args, env, cwd) if real else run_in_process(args, env, cwd)
    if check:
        assert result.code == 0, f"exit {result.code}\n{result.out}\n{result.err}"
    return result


def run_process(args: Sequence[str], env: dict[str, str] | None, cwd: Path | None) -> Result:
    proc = subprocess.run(
        [legistrack_bin(), *args],
        capture_output=True,
        text=True,
        env=child_environment(env),
        cwd=cwd,
        timeout=300,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_in_process(args: Sequence[str], env: dict[str, str] | None, cwd: Path | None) -> Result:
    from click.testing import CliRunner

    from scheduler.cli import cli

    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("LEGISTRACK_")}
    with isolated_process_state(cwd):
        result = CliRunner().invoke(
            cli,
            list(args),
            env={**unset, **(env or {})},
            catch_exceptions=False,  # an unexpected exception is a test failure, not exit 1
            prog_name="legistrack",
        )
    return Result(result.exit_code, result.stdout, result.stderr)


@contextmanager
def isolated_process_state(cwd: Path | None) -> Iterator[None]:
    """Run one command as if in a fresh process, then put the test process back as it was."""
    from sqlalchemy import Engine, event

    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    loggers = {name: (lg.level, lg.handlers[:], lg.propagate) for name, lg in _loggers()}
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    saved_cwd = os.getcwd()
    engines: list[Engine] = []

    def seen(connection: Any, *_: Any) -> None:
        if connection.engine not in engines:
            engines.append(connection.engine)

    root.handlers = []  # logging.basicConfig configures the run's own stderr, as in a new process
    event.listen(Engine, "engine_connect", seen)
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        event.remove(Engine, "engine_connect", seen)
        for engine in engines:  # the run's connections end with it, as at a process's exit
            engine.dispose()
        os.chdir(saved_cwd)
        for sig, handler in saved_signals.items():
            if signal.getsignal(sig) is not handler:
                signal.signal(sig, handler)
        for handler in root.handlers:
            if handler not in saved_handlers:
                handler.close()
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        for name, lg in _loggers():  # loggers made by imports during the run keep their setup
            if name in loggers:
                level, lg.handlers, lg.propagate = loggers[name]
                lg.setLevel(level)


def _loggers() -> list[tuple[str, logging.Logger]]:
    return [
        (name, lg)
        for name, lg in list(logging.Logger.manager.loggerDict.items())
        if isinstance(lg, logging.Logger)
    ]
