"""Executive orders: their status from adjustment rows (pure), and storing pages and listings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .schema import CrawlRun, ListedOrder, Order, OrderAdjustment, OrderSnapshot, utcnow

# What an adjustment row says of the order it names (on the adjusting order's page) ...
ADJUSTS_OTHER = {
    "rescinds": "revoked",
    "revokes": "revoked",
    "revokes_supersedes": "superseded",
    "supersedes": "superseded",
    "amends": "amended",
}
# ... and what a row on an order's own page says of itself.
ADJUSTED_SELF = {
    "amended_by": "amended",
    "revoked_by": "revoked",
    "rescinded_by": "revoked",
    "revoked_superseded_by": "superseded",
    "superseded_by": "superseded",
}
STRENGTH = {"in_effect": 0, "amended": 1, "superseded": 2, "revoked": 3}


class AdjustmentLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def number(self) -> int | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def text(self) -> str: ...


class OrderData(Protocol):
    """What storage needs of an order page read (crawler items satisfy it)."""

    @property
    def url(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def date(self) -> str | None: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def mass_register(self) -> str | None: ...
    @property
    def body(self) -> str: ...
    @property
    def adjustments(self) -> Sequence[AdjustmentLike]: ...


@dataclass(frozen=True)
class OrderStatus:
    """An order's status and the orders that gave it (`No. 699 (2026-12-01) revokes`)."""

    status: str
    adjusted_by: tuple[str, ...]
    since: str | None  # the ISO day of the strongest adjusting order, when known
    by_number: int | None


def path_of(url: str | None) -> str:
    """Compare order URLs by path: listings and pages mix absolute and relative links."""
    return urlsplit(url or "").path.rstrip("/").lower()


def status_of(order: Order, others: Sequence[Order]) -> OrderStatus:
    """From the order's own rows, and from every other order whose rows name it."""
    found: list[tuple[str, str, str | None, int | None]] = []
    for row in order.adjustments:
        if row.kind in ADJUSTED_SELF:
            found.append((ADJUSTED_SELF[row.kind], f"{row.text} ({row.kind})", None, row.number))
    same_number = [o for o in others if o.number == order.number and o.id != order.id]
    for other in others:
        if other.id == order.id:
            continue
        for row in other.adjustments:
            if row.kind not in ADJUSTS_OTHER or not _names(row, order, bool(same_number)):
                continue
            label = f"No. {other.number} ({other.date or 'undated'}) {row.kind.replace('_', ' ')}"
            found.append((ADJUSTS_OTHER[row.kind], label, other.date, other.number))
    if not found:
        return OrderStatus("in_effect", (), None, None)
    strongest = max(found, key=lambda f: (STRENGTH[f[0]], f[2] or ""))
    return OrderStatus(strongest[0], tuple(f[1] for f in found), strongest[2], strongest[3])


def _names(row: OrderAdjustment, order: Order, number_ambiguous: bool) -> bool:
    """Does an adjustment row name this order? By URL when it links one; by number only when no
    other stored page carries the same number."""
    if row.url:
        return path_of(row.url) == path_of(order.url)
    return row.number == order.number and not number_ambiguous


def order_content(data: OrderData) -> dict[str, object]:
    return {
        "url": data.url,
        "number": data.number,
        "title": data.title,
        "date": data.date,
        "issuer": data.issuer,
        "mass_register": data.mass_register,
        "body": data.body,
        "adjustments": [
            {"kind": a.kind, "number": a.number, "url": a.url, "text": a.text}
            for a in data.adjustments
        ],
    }


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
