"""The Atom feed of open alerts, for a feed reader or a chat integration."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(alerts: list[dict[str, Any]], base_url: str, now: datetime) -> bytes:
    """One entry per alert (rows as `alerts --format json` gives them), newest first; every link
    points at the alert's page under `base_url`."""
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
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = value


def _stamp(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")
