"""reporting's own tables and the declarative base every domain's tables extend.

Domains keep facts (one row per producer record, its current dimensions and the producer
sequence last applied) and rollups (counts keyed by the dimensions the reports group by), so a
report sums a few rollup rows and never scans events. Here: what is not any domain's — how fresh
the reports are, the lease, the admin's jobs, the projections' inbox and positions.
`Base.metadata` is complete once the domain registry (services/reporting/domains/__init__.py)
is imported.

Rollup key columns are NOT NULL with "" standing for "none": SQL unique keys treat NULLs as
distinct, and the upserts that keep the counts need one row per key.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow


class Base(DeclarativeBase):
    pass


def key(length):
    """A rollup key column ("" for none)."""
    return mapped_column(String(length), primary_key=True, default="")


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


class ProjectionInbox(Base):
    """The events each projection has applied (inbox.py): one row per (projection, event), in
    the transaction of its effect, so several projections may consume one event and each is
    cleared and replayed alone. (The chassis's single-consumer `inbox` table is not used here.)"""
    __tablename__ = "projection_inbox"
    projection: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class ProjectionPosition(Base):
    """How far each projection has read each producer's log: every event of that source up to
    `last_sequence` is applied to it (or is not one it consumes). `last_error`: where and why
    its catch-up stopped, until an event goes through."""
    __tablename__ = "projection_position"
    projection: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class RebuildFence(Base):
    """Projections a rebuild is switching in (rebuild.py): for this short while the live path
    leaves their events to the catch-up that follows the switch, so the shadow's last chase
    ends however fast events arrive. Cleared by the switch, by a failed rebuild, and by any
    catch-up round (it holds the lease: no rebuild can be running then)."""
    __tablename__ = "rebuild_fence"
    projection: Mapped[str] = mapped_column(String(40), primary_key=True)
    since: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class ReadModelGeneration(Base):
    """Bumped by a rebuild's switch, in its transaction (shadow.copy_over): the one change to
    the read models that applies no event live, so no `freshness` row moves. Figures cached
    from the read models (computed.py) are keyed by both."""
    __tablename__ = "read_model_generation"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    switched_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class DigestSent(Base):
    """A manager's weekly digest (digest.py): claimed before the mail goes — one replica wins
    the (manager, week) row, the others skip it — and dropped again if the mail fails, so the
    next round tries once more. The week is its Monday."""
    __tablename__ = "digest_sent"
    manager_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
