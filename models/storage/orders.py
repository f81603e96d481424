"""Storing executive orders: pages (a snapshot only on change), listings and their new links."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.sources.orders import OrderData, order_content, path_of
from models.storage.schema import (
    CrawlRun,
    ListedOrder,
    Order,
    OrderAdjustment,
    OrderSnapshot,
    utcnow,
)
from models.storage.store import SourceFailure


def save_order(
    session: Session,
    run: CrawlRun,
    data: OrderData,
    tracked: bool,
    keywords: Sequence[str],
    now: datetime | None = None,
) -> bool:
    """Store an order page read; a snapshot only when its content changed. Returns changed."""
    now = now or utcnow()
    order = find_order(session, data.number, data.url)
    if order is not None:
        refuse_lost_adjustments(order, data)
    listed = session.scalars(
        select(ListedOrder).where(ListedOrder.url == path_of(data.url))
    ).first()
    if order is None:
        order = Order(url=data.url, number=data.number, title=data.title, first_seen_at=now)
        order.is_new = bool(listed and listed.first_seen_at > _baseline(session, listed))
        session.add(order)
    order.url = data.url  # the same page, perhaps now reached through another host name
    order.tracked = tracked
    order.keywords = "; ".join(keywords)
    order.last_checked_at = now
    run.checked += 1
    content = order_content(data)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    if digest == order.content_hash:
        session.flush()
        return False
    order.number, order.title, order.date = data.number, data.title, data.date
    order.issuer, order.mass_register, order.body = data.issuer, data.mass_register, data.body
    order.content_hash, order.changed_at = digest, now
    for old in list(order.adjustments):
        session.delete(old)
    session.flush()
    order.adjustments = [
        OrderAdjustment(kind=a.kind, number=a.number, url=a.url, text=a.text)
        for a in data.adjustments
    ]
    session.flush()
    session.add(
        OrderSnapshot(
            order_id=order.id,
            crawl_run_id=run.id,
            taken_at=now,
            content_hash=digest,
            content=json.dumps(content, sort_keys=True),
        )
    )
    run.changed += 1
    session.flush()
    return True


def refuse_lost_adjustments(order: Order, data: OrderData) -> None:
    """An adjustment row once shown (Revoking:, Amended by: ...) does not vanish from the record:
    a page without it lost it (a layout change, a partial page). Refused, never an un-revoking."""

    def key(kind: str, number: int | None, url: str | None) -> tuple[str, int | None, str]:
        return kind, number, path_of(url)

    read = {key(a.kind, a.number, a.url) for a in data.adjustments}
    lost = [a for a in order.adjustments if key(a.kind, a.number, a.url) not in read]
    if lost:
        example = f"{lost[0].kind} {lost[0].text}"[:80]
        raise SourceFailure(
            f"the page of EO {order.number} no longer shows {len(lost)} of its "
            f"{len(order.adjustments)} adjustment rows (e.g. {example}): treated as a source "
            "failure, nothing stored"
        )


def find_order(session: Session, number: int, url: str) -> Order | None:
    """The stored page of this order: same number, same URL path (the host may differ)."""
    candidates = session.scalars(
        select(Order).where(Order.number == number).options(selectinload(Order.adjustments))
    )
    return next((o for o in candidates if path_of(o.url) == path_of(url)), None)


def record_listing(
    session: Session, listing_url: str, links: Sequence[tuple[int, str, str]], now: datetime
) -> list[str]:
    """Remember the order links of a listing; return the URLs that are new since its first read.

    The first read of a listing is its baseline: nothing on it counts as new. Links and listings
    are remembered by URL path.
    """
    listing = path_of(listing_url)
    query = select(ListedOrder.url).where(ListedOrder.listing_url == listing)
    known = set(session.scalars(query))
    baseline = not known
    new = []
    for number, title, url in links:
        path = path_of(url)
        if path in known:
            continue
        known.add(path)
        row = ListedOrder(url=path, number=number, title=title, listing_url=listing)
        row.first_seen_at = now
        session.add(row)
        if not baseline:
            new.append(url)
    session.flush()
    return new


def listed_paths(session: Session) -> dict[str, set[str]]:
    """Listing path -> the order paths it showed before."""
    found: dict[str, set[str]] = {}
    for row in session.scalars(select(ListedOrder)):
        found.setdefault(row.listing_url, set()).add(row.url)
    return found


def stored_order_paths(session: Session) -> set[str]:
    return {path_of(url) for url in session.scalars(select(Order.url))}


def _baseline(session: Session, listed: ListedOrder) -> datetime:
    first = session.scalars(
        select(ListedOrder.first_seen_at)
        .where(ListedOrder.listing_url == listed.listing_url)
        .order_by(ListedOrder.first_seen_at)
    ).first()
    return first or listed.first_seen_at


def all_orders(session: Session) -> list[Order]:
    return list(
        session.scalars(
            select(Order).options(selectinload(Order.adjustments)).order_by(Order.number, Order.id)
        )
    )
