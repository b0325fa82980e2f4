"""Satisfaction surveys (issue 12 §7) — the service desk's own data:

- `ticket_survey`: one per resolution of a ticket (unique ticket + the instant it was resolved:
  a ticket reopened and resolved again gets a new one, a repeated resolution never two). It keeps
  what the ticket was at that resolution (agent, team, category, priority: the answer is
  measured against them, whatever the ticket becomes later), where it was mailed, when its link
  expires, and the customer's answer: the score 0–100 (stars 1–5 given are kept beside it), the
  comment, and the supervisor it was escalated to when the score was below the threshold.

`status`: pending (created; mail queued or no address known) → sent (the mail server took it)
→ answered (final: the first answer wins).
"""
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base

PENDING, SENT, ANSWERED = "pending", "sent", "answered"


class TicketSurvey(Base):
    __tablename__ = "ticket_survey"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), nullable=False)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    resolved_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    agent_id: Mapped[str | None] = mapped_column(String(36))        # the assignee at resolution
    team_id: Mapped[str | None] = mapped_column(String(36))
    category: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    address: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    score: Mapped[int | None] = mapped_column(Integer)
    stars: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_to: Mapped[str | None] = mapped_column(String(36))
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("ticket_id", "resolved_at", name="uq_ticket_survey_resolution"),
        Index("ix_ticket_survey_created", "created_at", "id"),
    )
