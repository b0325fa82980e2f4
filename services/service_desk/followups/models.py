"""Follow-up visits (回访, issue 12 §7) — the service desk's own data:

- `ticket_followup`: a call or visit to a customer after a ticket was resolved, due some days
  later (SERVICE_DESK_FOLLOWUP_DELAY_DAYS), for a customer of a followed value class (A) or a
  survey answered below the threshold — or planned by hand. Who makes it (`assignee_id`: the
  ticket's agent, or the team's supervisor for a low score), its outcome once done, or why it
  was cancelled. `origin` is unique: the resolution or the survey that caused it, so a repeated
  trigger never schedules a second visit.

`status`: scheduled → completed (with an outcome) | cancelled (with a reason); both final.
"""
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base

SCHEDULED, COMPLETED, CANCELLED = "scheduled", "completed", "cancelled"
STATUSES = (SCHEDULED, COMPLETED, CANCELLED)
LOW_SCORE, A_CLASS, MANUAL = "low_score", "a_class", "manual"
REASONS = (LOW_SCORE, A_CLASS, MANUAL)


class TicketFollowup(Base):
    __tablename__ = "ticket_followup"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    origin: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    ticket_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    survey_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(10), nullable=False)
    team_id: Mapped[str | None] = mapped_column(String(36))
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_ticket_followup_created", "created_at", "id"),
        Index("ix_ticket_followup_assignee", "assignee_id", "status", "due_at"),
    )
