"""One line per crawl run: what a source's crawl checked, changed and failed."""

from __future__ import annotations

from models.storage.schema import CrawlRun


def crawl_summary(run: CrawlRun) -> str:
    noun = {"legislature": "bills", "executive_orders": "listings and orders", "news": "feeds"}
    via_html = f", {run.fallbacks} read from HTML pages" if run.fallbacks else ""
    if run.not_modified:
        via_html += f", {run.not_modified} unchanged by 304"
    if run.skipped:
        via_html += f", {run.skipped} not due (polling policy)"
    changed = "new" if run.source == "news" else "changed"
    return (
        f"{run.source}: {run.checked + run.failed} {noun.get(run.source, 'items')} checked, "
        f"{run.changed} {changed}, {run.failed} failed{via_html} (run {run.id}, {run.status})"
    )
