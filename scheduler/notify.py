"""Sending alerts through apprise: one message per alert or a digest; secrets stay out of logs."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import apprise

from models.storage.schema import Alert

logger = logging.getLogger(__name__)
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# apprise logs the URLs it is given when they fail; they may hold secrets. It stays quiet, and
# failures are reported here by channel number and scheme only.
logging.getLogger("apprise").setLevel(logging.CRITICAL + 1)


class NotifyError(Exception):
    """A channel could not be set up or did not accept a message (never shows the URL)."""


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None


def expand(url: str, index: int) -> str:
    """`${VAR}` from the environment; a missing variable names itself, never a value."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise NotifyError(f"alerts.notify[{index}]: environment variable {name} is not set")
        return os.environ[name]

    return _VAR.sub(value, url)


def scheme(url: str) -> str:
    return url.split("://", 1)[0]


def send(urls: Sequence[str], title: str, body: str) -> Delivery:
    """Send one message to every channel; ok only when each accepted it."""
    errors = []
    for index, url in enumerate(urls):
        label = f"channel {index} ({scheme(url)})"
        try:
            notifier = apprise.Apprise()
            if not notifier.add(expand(url, index)):
                errors.append(f"{label}: not a URL apprise understands")
                continue
            if not notifier.notify(title=title, body=body):
                errors.append(f"{label}: the message was not accepted")
        except NotifyError as exc:
            errors.append(str(exc))
    for error in errors:
        logger.warning("notification failed: %s", error)
    return Delivery(not errors, "; ".join(errors) or None)


def alert_message(
    alert: Alert, base_url: str | None = None, edit_url: str | None = None
) -> tuple[str, str]:
    """One alert as a message; a web note's alert links to its page and, when it has one, to
    where the page is edited."""
    title = f"legistrack: {alert.rule} in {alert.note} ({alert.subject})"
    lines = [
        alert.message,
        "",
        f"The note says: {alert.note_says}",
        f"The record says: {alert.record_says}",
    ]
    if alert.evidence_date:
        lines.append(f"Since: {alert.evidence_date}")
    if alert.source_url:
        lines.append(f"Source: {alert.source_url}")
    if alert.note.startswith(("http://", "https://")):
        lines.append(f"The note: {alert.note}")
    if edit_url:
        lines.append(f"Edit the note: {edit_url}")
    lines.append(f"Alert {alert.id}: legistrack alerts show {alert.id}")
    if base_url:
        lines.append(f"Review: {base_url}/alerts/{alert.id}")
    return title, "\n".join(lines)


def digest_message(
    alerts: Sequence[Alert], base_url: str | None = None, edits: Mapping[str, str] | None = None
) -> tuple[str, str]:
    title = f"legistrack: {len(alerts)} new staleness alert{'s' if len(alerts) != 1 else ''}"
    parts = [alert_message(a, base_url, (edits or {}).get(a.note))[1] for a in alerts]
    return title, "\n\n---\n\n".join(parts)
