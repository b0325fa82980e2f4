"""Segments — marketing's own data — and their memberships, kept up to date incrementally:

- `segment`: a dynamic segment (rules: groups of conditions, segments/rules.py) or a static
  list, either including / excluding other segments; `member_count` is kept with the members
  (an atomic increment per change), so a count is answered at once;
- `segment_static_member`: who was put on a static list (by whom, when);
- `segment_member`: who is in a segment now (rebuilt only for the contacts an event, a list
  change, a segment edit or a relative date touches — never by a timer rescan);
- `segment_membership_change`: joined / left, when and why (the event type, the edit, the
  list change or `time`);
- `segment_catalog`: the lock that orders edits against evaluations;
- `segment_backfill`: a new or redefined segment's evaluation over every contact, run after
  the edit in chunks by a timer (segments/backfill.py) — its cursor, progress and generation.
"""
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.marketing.base import Base

DYNAMIC, STATIC = "dynamic", "static"
JOINED, LEFT = "joined", "left"


class Segment(Base):
    __tablename__ = "segment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)          # dynamic | static
    rules: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON groups
    include: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # segment ids
    exclude: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    member_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SegmentCatalog(Base):
    """One row, locked to keep evaluations consistent with definitions (membership.py
    `definitions_fixed` / `definitions_changing`): every evaluation after an event holds it
    shared, a segment edit or list change exclusively — so an edit never evaluates a contact
    that a concurrent event is changing on the old definitions, nor the reverse."""
    __tablename__ = "segment_catalog"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SegmentBackfill(Base):
    """One per segment: the evaluation of every contact its last (re)definition started.
    `after_id` is the last contact id evaluated ("" before the first chunk); `generation`
    grows with each redefinition, so an edit meanwhile starts it again from the beginning;
    `finished_at` is set by the chunk that found no contact left (ready)."""
    __tablename__ = "segment_backfill"
    segment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    reason: Mapped[str] = mapped_column(String(40), nullable=False)   # segment_created | _updated
    after_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    evaluated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class SegmentStaticMember(Base):
    __tablename__ = "segment_static_member"
    segment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    added_by: Mapped[str] = mapped_column(String(64), nullable=False)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SegmentMember(Base):
    __tablename__ = "segment_member"
    segment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SegmentMembershipChange(Base):
    __tablename__ = "segment_membership_change"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    segment_id: Mapped[str] = mapped_column(String(36), nullable=False)
    contact_id: Mapped[str] = mapped_column(String(36), nullable=False)
    change: Mapped[str] = mapped_column(String(6), nullable=False)          # joined | left
    reason: Mapped[str] = mapped_column(String(80), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_segment_change_segment", "segment_id", "at", "id"),
                      Index("ix_segment_change_contact", "contact_id", "at", "id"))
