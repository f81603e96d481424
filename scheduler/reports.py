"""Reports read from the database and rendered: shared by the CLI commands and the demo."""

from __future__ import annotations

from datetime import UTC, datetime

from models.config import Config
from models.reports.status import build_status
from models.storage.db import ensure_schema, make_engine, session_scope

from . import formatting


def render_status(config: Config, fmt: str, now: datetime | None = None) -> str:
    """`status` in `table`, `json` or `markdown`."""
    engine = make_engine(config.database_url)
    ensure_schema(engine)
    try:
        with session_scope(engine) as session:
            report = build_status(session, config, now or datetime.now(UTC))
    finally:
        engine.dispose()
    if fmt == "json":
        return formatting.status_json(report)
    if fmt == "markdown":
        return formatting.status_markdown(report)
    return formatting.status_table(report)
