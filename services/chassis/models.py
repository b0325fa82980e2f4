"""Tables every service database carries besides its own: the outbox (also the service's event
log), the sequence counter, the inbox of applied event ids, the consumer positions and the
idempotency keys' first answers; and the column types every service's models share (UTC
timestamps, exact money)."""
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, Index, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC in, timezone-aware UTC out — SQLite forgets the zone otherwise."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime; use timezone-aware UTC")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


CENTS = Decimal("0.01")


class Cents(TypeDecorator):
    """Money as an exact integer of hundredths: SQLite has no exact decimal type and money is
    never a float (DESIGN.md §4). Decimal in, Decimal out."""
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) / 100).quantize(CENTS)


def utcnow():
    return datetime.now(timezone.utc)


class ChassisBase(DeclarativeBase):
    pass


class OutboxEvent(ChassisBase):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Allocated from EventSequence inside the writing transaction: gapless and in commit order,
    # so `events_since(n)` never skips an event that commits later.
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        Index("ix_outbox_unsent", "sequence",
              sqlite_where=sent_at.is_(None), postgresql_where=sent_at.is_(None)),
    )


class EventSequence(ChassisBase):
    __tablename__ = "event_sequence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class InboxEvent(ChassisBase):
    __tablename__ = "inbox"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class ConsumerPosition(ChassisBase):
    """How far the catch-up has read each producer's event log (every event ≤ position applied)."""
    __tablename__ = "consumer_position"
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class IdempotencyRecord(ChassisBase):
    """The first answer of a write sent with an `Idempotency-Key`, committed in the same
    transaction as the write (services/chassis/idempotency.py); purged after
    IDEMPOTENCY_KEY_TTL_SECONDS. Keys are per principal and per RPC method, so one HTTP request
    that makes several write calls keeps one record per call."""
    __tablename__ = "idempotency_key"
    principal: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    method: Mapped[str] = mapped_column(String(80), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    response: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_idempotency_key_created_at", "created_at"),)
