"""Source timestamps: the legislature's naive Eastern times and dates, turned UTC-aware."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from models.legislature.calendar import EASTERN

from .errors import ParseError

_ISO_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<frac>\d{1,7}))?)?$"
)
_US_RE = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$")


def eastern_to_utc(naive: datetime) -> datetime:
    """Read a naive wall time as America/New_York and return it in UTC; a time at the edge of
    the calendar (year 1 or 9999) that UTC cannot hold is a ParseError, never an overflow."""
    try:
        return naive.replace(tzinfo=EASTERN).astimezone(UTC)
    except (OverflowError, ValueError):
        raise ParseError(f"impossible date {naive.isoformat()!r}") from None


def parse_api_date(text: str) -> datetime:
    """`2025-02-27T10:38:52.3833333` (0-7 fractional digits, no zone, Eastern) -> UTC-aware."""
    match = _ISO_RE.match((text or "").strip())
    if not match:
        raise ParseError(f"unreadable date {text!r}")
    stamp = match.group("date") + "T" + (match.group("time") or "00:00:00")
    if len(stamp) == 16:
        stamp += ":00"
    micro = int((match.group("frac") or "0").ljust(6, "0")[:6])
    try:
        naive = datetime.fromisoformat(stamp).replace(microsecond=micro)
    except ValueError:
        raise ParseError(f"impossible date {text!r}") from None
    return eastern_to_utc(naive)


def parse_page_date(text: str) -> datetime:
    """`3/29/2021` as shown on bill pages (not zero-padded, Eastern) -> UTC-aware midnight."""
    match = _US_RE.match((text or "").strip())
    if not match:
        raise ParseError(f"unreadable date {text!r}")
    try:
        naive = datetime(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        raise ParseError(f"impossible date {text!r}") from None
    return eastern_to_utc(naive)
