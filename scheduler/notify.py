"""Sending alerts through apprise: one message per alert or digests of a bounded size; secrets
stay out of logs."""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.storage.schema import Alert

from .textsafe import one_line

if TYPE_CHECKING:  # apprise is imported when a message is sent (0.1 s every process spared)
    import apprise

logger = logging.getLogger(__name__)
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# apprise logs the URLs it is given when they fail; they may hold secrets. It stays quiet, and
# failures are reported here by channel number and scheme only.
logging.getLogger("apprise").setLevel(logging.CRITICAL + 1)
# Characters of body in one digest message, under what Slack takes in one (about 40,000); a
# digest over it goes as several messages, each alert whole in one of them.
DIGEST_MAX = 30_000
_SEPARATOR = "\n\n---\n\n"
MAX_QUOTE = 1_000  # characters of one quoted text (a message, a note's words, a URL) in a message
_POLL = 0.1  # seconds between looks at the stop signal while a message is on its way


@functools.cache
def _asset() -> apprise.AppriseAsset:
    """Each message is sent in the calling thread (apprise's own worker pools are joined when
    Python exits, so a message to an endpoint that never answers would hold the process open):
    the time limit is send_within's, whose thread is a daemon thread.

    Messages are declared plain text: apprise sends them as text where a channel takes text
    (Slack's text mode escapes `<`, `>` and `&`, so `<!channel>` or a `<url|label>` link quoted
    from a note does not act) and escapes them for a channel that reads only HTML or Markdown
    (Telegram). Undeclared, apprise passes the text through as whatever the channel reads."""
    import apprise

    logging.getLogger("apprise").setLevel(logging.CRITICAL + 1)  # as above, whatever it set
    return apprise.AppriseAsset(
        async_mode=False, service_timeout=0, body_format=apprise.NotifyFormat.TEXT
    )


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
    import apprise

    errors = []
    for index, url in enumerate(urls):
        label = f"channel {index} ({scheme(url)})"
        try:
            notifier = apprise.Apprise(asset=_asset())
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


def send_within(
    urls: Sequence[str],
    title: str,
    body: str,
    seconds: float,
    stopping: threading.Event | None = None,
) -> Delivery:
    """`send`, given at most `seconds` (and abandoned at once when `stopping` is set).

    The message goes out from a daemon thread: an endpoint that never answers costs this wait,
    no more, and never holds the process open. A message abandoned here may still arrive; the
    alert stays undelivered and is sent again at the next check (twice rather than never).
    """
    _asset()  # apprise loaded here, not on the budget's time
    outcome: list[Delivery] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(send(urls, title, body))
        except Exception as exc:  # apprise failing in its own way: that channel's failure
            outcome.append(Delivery(False, f"notification error: {type(exc).__name__}"))
        finally:
            done.set()

    threading.Thread(target=run, name="legistrack-notify", daemon=True).start()
    deadline = time.monotonic() + max(0.0, seconds)
    while not done.wait(timeout=min(_POLL, max(0.0, deadline - time.monotonic()))):
        if stopping is not None and stopping.is_set():
            return Delivery(False, "not sent: legistrack is stopping")
        if time.monotonic() >= deadline:
            return Delivery(False, f"no answer within the notification budget ({seconds:.0f} s)")
    return outcome[0]


def alert_message(
    alert: Alert, base_url: str | None = None, edit_url: str | None = None
) -> tuple[str, str]:
    """One alert as a message; a web note's alert links to its page and, when it has one, to
    where the page is edited. What it quotes from notes and sources is one line each, without
    control characters, at most MAX_QUOTE characters."""
    title = one_line(f"legistrack: {alert.rule} in {alert.note} ({alert.subject})", MAX_QUOTE)
    lines = [
        one_line(alert.message, MAX_QUOTE),
        "",
        f"The note says: {one_line(alert.note_says, MAX_QUOTE)}",
        f"The record says: {one_line(alert.record_says, MAX_QUOTE)}",
    ]
    if alert.evidence_date:
        lines.append(f"Since: {alert.evidence_date}")
    if alert.source_url:
        lines.append(f"Source: {one_line(alert.source_url, MAX_QUOTE)}")
    if alert.note.startswith(("http://", "https://")):
        lines.append(f"The note: {one_line(alert.note, MAX_QUOTE)}")
    if edit_url:
        lines.append(f"Edit the note: {one_line(edit_url, MAX_QUOTE)}")
    lines.append(f"Alert {alert.id}: legistrack alerts show {alert.id}")
    if base_url:
        lines.append(f"Review: {base_url}/alerts/{alert.id}")
    return title, "\n".join(lines)


def digest_messages(
    alerts: Sequence[Alert],
    base_url: str | None = None,
    edits: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> list[tuple[list[Alert], str, str]]:
    """The alerts as digests of at most `limit` characters of body each (an alert is never
    split; None: all in one; `deliver` passes DIGEST_MAX): (its alerts, title, body) for each,
    in order. A check's first digest can hold thousands of alerts, more than a channel takes in
    one message (Slack about 40,000 characters): one that is refused would be retried whole at
    every check, one that is cut would be marked delivered with alerts nobody saw."""
    texts = [alert_message(a, base_url, (edits or {}).get(a.note))[1] for a in alerts]
    groups: list[list[int]] = []
    size = 0
    for index, text in enumerate(texts):
        if groups and (limit is None or size + len(_SEPARATOR) + len(text) <= limit):
            groups[-1].append(index)
            size += len(_SEPARATOR) + len(text)
        else:
            groups.append([index])
            size = len(text)
    found = []
    for number, group in enumerate(groups, 1):
        count = len(group)
        title = f"legistrack: {count} new staleness alert{'s' if count != 1 else ''}"
        if len(groups) > 1:
            title += f" (part {number} of {len(groups)})"
        body = _SEPARATOR.join(texts[i] for i in group)
        found.append(([alerts[i] for i in group], title, body))
    return found
