"""The sales KPIs' tables: one fact per deal and two rollups kept in step with it (funnel, win
rate, revenue); deal lines (cuts by product), stage entries (conversion, time in stage),
invoices and payments (cash, receivables) and targets (attainment). Beyond the rollups the
reports aggregate the facts at query time: they are one row per producer record (thousands, not
millions), and what they answer (medians, aging on an as-of date, attainment per target) is not
a sum a rollup could keep.

Money is exact integer cents with its currency; business dates and times are the producer's
(an import replays history with past dates), never the envelope's.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.reporting.models import Base, key


class DealFact(Base):
    """A deal's current state as sales' events describe it. One sequence for all of it: every
    deal event carries the stage, owner and amount (deal_stage_changed all but the dates, which
    never change once set), so the newest event wins whole. Money is exact integer cents.
    `probability` is its stage's current one: the event's, or a newer pipeline_stage_updated's
    (stage_fact), which re-weights the deals already in the stage."""
    __tablename__ = "deal_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(36))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    stage: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(10))          # open | won | lost
    probability: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # the newest whole record's (deal_stage_changed carries none): the forecast's period
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # The whole-record event (not deal_stage_changed, which carries no lines) whose lines
    # deal_line_fact holds: lines follow the newest record, not the newest event.
    lines_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0,
                                                server_default="0")


class StageFact(Base):
    """A pipeline stage as sales' newest pipeline_stage_updated states it: its probability is
    the one every deal in the stage is weighted with (deal_fact.probability follows it). A row
    with sequence 0 is a placeholder a deal event made (to lock on, see projections/stages.py):
    no configuration event seen yet, the deals keep the probability their events carried."""
    __tablename__ = "stage_fact"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    probability: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool | None] = mapped_column(Boolean)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class DealStages(Base):
    """Deals now by stage (the funnel; status open = the open pipeline), keyed by the bucket of
    their creation: count, value and weighted value (per deal, half-up to the cent like the
    sales board) in cents."""
    __tablename__ = "deal_stages"
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[str] = key(36)
    stage: Mapped[str] = key(40)
    status: Mapped[str] = key(10)
    currency: Mapped[str] = key(3)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    weighted_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class DealOutcomes(Base):
    """Closed deals by the bucket of their close, owner, won | lost and currency: count, value
    in cents and the sum of their sales cycles (created → closed, whole seconds), so win rate,
    revenue, average deal size and average cycle are exact quotients of sums."""
    __tablename__ = "deal_outcomes"
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[str] = key(36)
    status: Mapped[str] = key(10)
    currency: Mapped[str] = key(3)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    cycle_seconds: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class DealLineFact(Base):
    """A deal's lines as its newest whole record lists them (deal_fact.lines_sequence)."""
    __tablename__ = "deal_line_fact"
    deal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    product_name: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class DealStageEntry(Base):
    """A deal entering a stage: its creation (deal_created: the first stage, at created_at)
    or a deal_stage_changed (at its business `changed_at`). Keyed by the event's sequence, so
    a repeat is the same row; ordered by `entered_at` (then sequence) when read."""
    __tablename__ = "deal_stage_entry"
    deal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40), nullable=False)
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class InvoiceFact(Base):
    """An invoice as invoice_issued states it (newest sequence wins); invoice_overdue only
    notes when the timer saw it overdue, invoice_cancelled takes it out of every report. A row
    with no issued_on is only a placeholder for a later event that arrived first."""
    __tablename__ = "invoice_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40))
    deal_id: Mapped[str | None] = mapped_column(String(36))
    customer_id: Mapped[str | None] = mapped_column(String(36))
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    total_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    cancelled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    overdue_detected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class PaymentFact(Base):
    """A payment received (immutable once recorded)."""
    __tablename__ = "payment_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    deal_id: Mapped[str | None] = mapped_column(String(36))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)

    __table_args__ = (Index("ix_payment_fact_owner", "owner_id", "received_on"),)


class ProductFact(Base):
    """A product as sales' newest product_created / product_updated states it: its series
    decides which product-line targets its won lines count for (queries/targets.py)."""
    __tablename__ = "product_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    series: Mapped[str | None] = mapped_column(String(100), index=True)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class TargetFact(Base):
    """A target as its newest target_set / target_removed leaves it."""
    __tablename__ = "target_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period_kind: Mapped[str | None] = mapped_column(String(10))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str | None] = mapped_column(String(20))
    scope_value: Mapped[str | None] = mapped_column(String(100))
    measure: Mapped[str | None] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    parent_id: Mapped[str | None] = mapped_column(String(36))
    removed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    __table_args__ = (Index("ix_target_fact_period", "period_kind", "period_start"),)
