"""The Atom feed of open alerts, for a feed reader or a chat integration."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from ..textsafe import terminal_safe

ATOM = "http://www.w3.org/2005/Atom"
FEED_MAX = 200  # entries: the newest open alerts (a reader polls it; the queue holds the rest)
# Characters XML 1.0 does not allow at all: one of them in an alert's text (a note's, a source's)
# would make the whole feed unreadable to every reader.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_feed(alerts: list[dict[str, Any]], base_url: str, now: datetime) -> bytes:
    """One entry per alert (rows as `alerts --format json` gives them, the newest FEED_MAX open
    ones), newest first; every link points at the alert's page under `base_url`."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", "legistrack: open staleness alerts")
    _text(feed, "id", f"{base_url}/feed.atom")
    _text(feed, "updated", _stamp(now))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base_url}/feed.atom")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base_url}/")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "legistrack")
    for alert in alerts:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        page = f"{base_url}/alerts/{alert['id']}"
        _text(entry, "id", page)
        _text(entry, "title", f"[{alert['rule']}] {alert['note']}: {alert['subject']}")
        _text(entry, "updated", alert["last_seen_at"] or alert["detected_at"])
        _text(entry, "published", alert["detected_at"])
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=page)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=alert["rule"])
        summary = (
            f"{alert['message']}\n\nThe note says: {alert['note_says']}\n"
            f"The record says: {alert['record_says']}"
        )
        _text(entry, "summary", summary)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def _text(parent: ET.Element, tag: str, value: str) -> None:
    """`value` as the element's text: no terminal control sequence (a reader shows it as text)
    and no character XML forbids."""
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = _NOT_XML.sub("", terminal_safe(value))


def _stamp(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")
