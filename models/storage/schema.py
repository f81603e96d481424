"""The database tables: bills, actions, relations, snapshots, crawl runs, errors and alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns UTC-aware datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Bill(Base):
    """A document of one General Court, known by its bill number, its docket number or both."""

    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("court", "number"),  # also serves lookups by court alone
        UniqueConstraint("court", "docket"),
        Index("ix_bills_last_action_at", "last_action_at"),  # the dormancy policy's order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))  # the bill number, or the docket when none yet
    docket: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    pinslip: Mapped[str | None] = mapped_column(Text)
    sponsor: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(16))  # api or html, of the last good read
    stage: Mapped[str | None] = mapped_column(String(32))  # as computed at the last change
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # None for a bill the config names; else how a crawl reached it ("999:H.1001 replaced_by").
    found_via: Mapped[str | None] = mapped_column(Text)
    # What the next crawl needs to decide whether, and how, to read the bill again:
    # the hash of its history as last stored, the validators the source sent with that history
    # (for a conditional request), and the date of its newest action (for the dormancy policy).
    history_hash: Mapped[str | None] = mapped_column(String(64))
    history_etag: Mapped[str | None] = mapped_column(Text)
    history_last_modified: Mapped[str | None] = mapped_column(Text)
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actions: Mapped[list[Action]] = relationship(
        back_populates="bill", order_by="Action.position", cascade="all, delete-orphan"
    )
    snapshots: Mapped[list[Snapshot]] = relationship(
        back_populates="bill", order_by="Snapshot.id", cascade="all, delete-orphan"
    )
    relations: Mapped[list[BillRelation]] = relationship(
        back_populates="bill", order_by="BillRelation.id", cascade="all, delete-orphan"
    )

    @property
    def key(self) -> str:
        return f"{self.court}:{self.number}"


class BillRelation(Base):
    """`bill type object`: a typed link from a stored bill to another (stored or not yet) bill."""

    __tablename__ = "relations"
    __table_args__ = (
        UniqueConstraint("bill_id", "type", "object_court", "object_number"),
        Index("ix_relations_object", "object_court", "object_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    object_court: Mapped[int] = mapped_column(Integer)
    object_number: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence: Mapped[str] = mapped_column(Text)  # the history row or document field it came from
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bill: Mapped[Bill] = relationship(back_populates="relations")


class Action(Base):
    """One history row of a bill as of its latest snapshot (stricken rows are never stored)."""

    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("bill_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # chronological order, page order within a day
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    branch: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))

    bill: Mapped[Bill] = relationship(back_populates="actions")


class Snapshot(Base):
    """The whole content of a bill, written only when its content hash changed."""

    __tablename__ = "snapshots"
    __table_args__ = (Index("ix_snapshots_bill_id_taken_at", "bill_id", "taken_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"))
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON (store.bill_content)
    source: Mapped[str] = mapped_column(String(16))
    fetched_from: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32))

    bill: Mapped[Bill] = relationship(back_populates="snapshots")


class ListedDocument(Base):
    """A document of a `track_all` court that the committee filter has judged, so later crawls
    need not read it again to know: in scope (tracked as a bill), outside, or not yet referred."""

    __tablename__ = "listed_documents"
    __table_args__ = (UniqueConstraint("court", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    court: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))  # as listed: the bill number, else the docket
    in_scope: Mapped[bool | None] = mapped_column(Boolean)  # None: no committee referral yet
    reason: Mapped[str] = mapped_column(Text)  # e.g. "referred to the committee on Health Care"
    judged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CrawlRun(Base):
    """One crawl of one source: when, how it ended, and what it counted."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        Index("ix_crawl_runs_source_started_at", "source", "started_at"),
        # A source's newest runs first (source health, a run's predecessor) without a sort.
        Index("ix_crawl_runs_source_id", "source", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        String(16), default="running"
    )  # running, ok, partial, failed
    checked: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)  # checks answered 304 (unchanged)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # not re-read, per the polling policy
    finish_reason: Mapped[str | None] = mapped_column(String(64))

    errors: Mapped[list[CrawlError]] = relationship(
        back_populates="run", order_by="CrawlError.id", cascade="all, delete-orphan"
    )


class CrawlError(Base):
    """One failure inside a crawl run: which item, which URL, what went wrong."""

    __tablename__ = "crawl_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(Text)  # e.g. 194:H.5316, "listing https://..."
    url: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[CrawlRun] = relationship(back_populates="errors")


class Alert(Base):
    """A staleness finding about one note and subject, with its lifecycle and delivery state."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("note", "subject", "rule", "evidence_key"),
        Index("ix_alerts_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[str] = mapped_column(Text)  # the note's path as configured
    subject: Mapped[str] = mapped_column(Text)  # 194:H.5316, a measure name, EO 650
    rule: Mapped[str] = mapped_column(String(32))
    evidence_key: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))  # stale | review
    state: Mapped[str] = mapped_column(String(16), default="open")  # open, acknowledged, resolved
    message: Mapped[str] = mapped_column(Text)
    note_says: Mapped[str] = mapped_column(Text)
    record_says: Mapped[str] = mapped_column(Text)
    evidence_date: Mapped[str | None] = mapped_column(String(10))  # ISO day, Eastern
    source_url: Mapped[str | None] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_attempts: Mapped[int] = mapped_column(Integer, default=0)
    notify_error: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", order_by="AlertEvent.id", cascade="all, delete-orphan"
    )


class AlertEvent(Base):
    """One change of an alert's state: who, when, why."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)

    alert: Mapped[Alert] = relationship(back_populates="events")


class Order(Base):
    """An executive order page, keyed by its URL (two different pages can carry one number)."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    number: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10))  # ISO day as the page gives it
    issuer: Mapped[str | None] = mapped_column(Text)
    mass_register: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    tracked: Mapped[bool] = mapped_column(default=False)  # named in [executive_orders] track
    keywords: Mapped[str] = mapped_column(Text, default="")  # the keywords it matched, "; "-joined
    is_new: Mapped[bool] = mapped_column(default=False)  # appeared on a listing after its baseline
    content_hash: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    adjustments: Mapped[list[OrderAdjustment]] = relationship(
        back_populates="order", order_by="OrderAdjustment.id", cascade="all, delete-orphan"
    )
    snapshots: Mapped[list[OrderSnapshot]] = relationship(
        back_populates="order", order_by="OrderSnapshot.id", cascade="all, delete-orphan"
    )


class OrderAdjustment(Base):
    """One adjustment row of an order page: `Revoking: Executive Order No. 538`, `Amended by:`."""

    __tablename__ = "order_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)

    order: Mapped[Order] = relationship(back_populates="adjustments")


class OrderSnapshot(Base):
    """The whole content of an order page, written only when it changed."""

    __tablename__ = "order_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)

    order: Mapped[Order] = relationship(back_populates="snapshots")


class ListedOrder(Base):
    """An order link seen on a listing page (both by URL path): how legistrack knows which
    orders are new."""

    __tablename__ = "listed_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    listing_url: Mapped[str] = mapped_column(Text, index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NewsItem(Base):
    """A news entry kept because it cites a tracked item or a keyword; one row per story."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)  # guid:..., else url:... normalized
    feed: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    subjects: Mapped[str] = mapped_column(Text, default="")  # subject keys it cites, "\n"-joined
    keywords: Mapped[str] = mapped_column(Text, default="")  # keywords it matched, "; "-joined
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
