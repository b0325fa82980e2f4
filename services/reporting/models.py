"""reporting's own tables: facts (one row per producer record, current dimensions and the
producer sequence last applied) and rollups (counts keyed by the dimensions the reports group
by), so a report sums a few rollup rows and never scans events.

Rollup key columns are NOT NULL with "" standing for "none": SQL unique keys treat NULLs as
distinct, and the upserts that keep the counts need one row per key.
"""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow


class Base(DeclarativeBase):
    pass


def key(length):
    return mapped_column(String(length), primary_key=True, default="")


class UserCopy(Base):
    """identity's users: team membership for managers' scope, names for report labels."""
    __tablename__ = "user_copy"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    region: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CustomerFact(Base):
    """A customer's current dimensions. Separate sequences for the record fields and the owner:
    customer_assigned carries only the owner, so it must not hide an older full record that
    arrives after it (live and catch-up deliver in any order)."""
    __tablename__ = "customer_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(64))
    value_class: Mapped[str | None] = mapped_column(String(1))
    industry: Mapped[str | None] = mapped_column(String(100))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    merged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    record_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    owner_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CustomerComposition(Base):
    """Live (not merged) customers now, by every dimension."""
    __tablename__ = "customer_composition"
    owner_id: Mapped[str] = key(36)
    lifecycle_stage: Mapped[str] = key(20)
    region: Mapped[str] = key(64)
    value_class: Mapped[str] = key(1)
    industry: Mapped[str] = key(100)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class NewCustomers(Base):
    """Live customers by creation bucket (UTC epoch seconds, 15 minutes wide: every time zone's
    days, weeks and months are whole buckets) and their current dimensions."""
    __tablename__ = "new_customers"
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[str] = key(36)
    lifecycle_stage: Mapped[str] = key(20)
    region: Mapped[str] = key(64)
    value_class: Mapped[str] = key(1)
    industry: Mapped[str] = key(100)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class InteractionActivity(Base):
    """Interactions by bucket of their occurred_at, the rep who logged them, the customer's
    owner when they were logged, and kind."""
    __tablename__ = "interaction_activity"
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[str] = key(64)
    owner_id: Mapped[str] = key(36)
    kind: Mapped[str] = key(20)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class Freshness(Base):
    """The last event applied from each source, and when: the lag reports quote."""
    __tablename__ = "freshness"
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class Lease(Base):
    """One holder at a time for catch-up, rebuild and reconcile, across processes: a rebuild
    resets consumer positions, which a concurrent catch-up would otherwise move past events
    whose effects were just cleared. Epoch seconds keep the comparison dialect-neutral."""
    __tablename__ = "lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(36))
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)


class ReportJob(Base):
    """An admin's rebuild or reconcile request, run by a timer (any replica) or the CLI."""
    __tablename__ = "report_job"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    params: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    requested_by: Mapped[str] = mapped_column(String(64), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_report_job_status", "status", "requested_at"),)


class DealFact(Base):
    """A deal's current state as sales' events describe it. One sequence for all of it: every
    deal event carries the stage, owner and amount (deal_stage_changed all but the dates, which
    never change once set), so the newest event wins whole. Money is exact integer cents."""
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
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # The whole-record event (not deal_stage_changed, which carries no lines) whose lines
    # deal_line_fact holds: lines follow the newest record, not the newest event.
    lines_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0,
                                                server_default="0")


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


from services.reporting import models_kpis  # noqa: E402,F401  (Base.metadata is complete)
