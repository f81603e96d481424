"""When each source is due: `[schedule]` triggers (cron syntax or `every 30m`) as APScheduler
triggers, their misfire grace, and the next run after a given time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from models.config import ConfigError, ScheduleSettings

_EVERY = re.compile(r"^every\s+(\d+)\s*(s|m|h|d)$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def trigger_for(text: str, zone: tzinfo, where: str = "schedule") -> BaseTrigger:
    """`*/30 7-22 * * 1-5` (cron, in the configured time zone) or `every 15m` (also s, h, d)."""
    match = _EVERY.match(text.strip())
    if match:
        amount = int(match.group(1))
        if amount <= 0:
            raise ConfigError(f"{where}: {text!r}: an interval must be positive")
        return IntervalTrigger(timezone=zone, **{_UNITS[match.group(2).lower()]: amount})
    try:
        return CronTrigger.from_crontab(text.strip(), timezone=zone)
    except ValueError as exc:
        raise ConfigError(f"{where}: {text!r}: not cron syntax or 'every N[smhd]': {exc}") from None


def triggers(settings: ScheduleSettings) -> dict[str, BaseTrigger]:
    zone = ZoneInfo(settings.timezone)
    return {
        source: trigger_for(text, zone, f"schedule.{source}")
        for source, text in settings.sources.items()
    }


def misfire_grace(trigger: BaseTrigger, now: datetime) -> int:
    """Seconds a late run may still start: about the interval (the 1 s default drops late jobs)."""
    first = trigger.get_next_fire_time(None, now)
    if first is None:
        return 60
    second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1))
    interval = (second - first).total_seconds() if second else 3600
    return max(1, int(interval))


def next_run(trigger: BaseTrigger, after: datetime) -> datetime | None:
    result: datetime | None = trigger.get_next_fire_time(None, after)
    return result


def is_due(trigger: BaseTrigger, last_start: datetime | None, now: datetime) -> bool:
    """For `poll`: a source never run is due; else when its trigger fired since the last start."""
    if last_start is None:
        return True
    fire = trigger.get_next_fire_time(None, last_start + timedelta(microseconds=1))
    return fire is not None and fire <= now
