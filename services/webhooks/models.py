"""webhooks' own tables: subscriptions, one delivery per (subscription, event[, replay]), every
attempt of each (the delivery log), and replay jobs reading the producers' event logs."""
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    description: Mapped[str | None] = mapped_column(String(500), nullable=True)
    event_types: Mapped[str] = mapped_column(Text, nullable=False)     # JSON list, sorted
    # Kept in clear: signing needs it (Standard Webhooks is HMAC with a shared secret).
    secret: Mapped[str] = mapped_column(String(100), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"


class Delivery(Base):
    """One event for one subscription. `replay_id` is "" for the live delivery and the replay
    job's id for a replayed one, so each event goes at most once per subscription per replay.
    `body` is the exact JSON sent (and signed) on every attempt."""
    __tablename__ = "deliveries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)          # webhook-id
    replay_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_latency_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", "replay_id", name="uq_delivery_once"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_subscription", "subscription_id", "created_at", "id"),
    )


class Attempt(Base):
    __tablename__ = "delivery_attempts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False)


QUEUED, RUNNING, DONE = "queued", "running", "done"


class ReplayJob(Base):
    """Re-deliver a past range of one producer's event log to one subscription: by sequence
    (from_sequence..to_sequence, inclusive) and/or by time (since <= occurred_at < until).
    `position` is the last sequence read; the sender's timer advances it page by page."""
    __tablename__ = "replay_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"), nullable=False)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    from_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=1)
    to_sequence: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    position: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=QUEUED)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    deliveries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
