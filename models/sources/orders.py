"""Executive orders: an order's status from adjustment rows, and what of a page is its content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

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


class StoredOrder(Protocol):
    """An order as stored: what the status rules read of it."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def date(self) -> str | None: ...
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


def status_of(order: StoredOrder, others: Sequence[StoredOrder]) -> OrderStatus:
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


def _names(row: AdjustmentLike, order: StoredOrder, number_ambiguous: bool) -> bool:
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
