"""Tickets — the service desk's own data:

- `ticket`: one customer request; who it is about (customer, contact — no customer: a mail
  whose sender matched none, `sender_email` its address, until an agent attaches the customer),
  what (subject,
  description, category, tags), how urgent (priority), how it came (channel), who handles it
  (team, assignee), where it is (status; its category kept beside it for the queues), when it
  was first answered / resolved / closed, and the ticket it was merged into;
- `ticket_entry`: the conversation — public replies (an agent's or the customer's) and internal
  notes, each with its author and time;
- `ticket_change`: the full history: one row per change of a ticket (what changed, from what to
  what, by whom, when and why), newest last.
"""
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base

PRIORITIES = ("urgent", "high", "medium", "low")
CHANNELS = ("email", "web_form", "phone", "chat", "api")
REPLY, NOTE = "reply", "note"
AGENT, CUSTOMER = "agent", "customer"


class Ticket(Base):
    __tablename__ = "ticket"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)    # None: unmatched
    contact_id: Mapped[str | None] = mapped_column(String(36))
    sender_email: Mapped[str | None] = mapped_column(String(254))    # an unmatched mail's sender
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(10), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    team_id: Mapped[str | None] = mapped_column(String(36))
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    tags: Mapped[str] = mapped_column(Text, nullable=False, default="[]")        # JSON list
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    status_category: Mapped[str] = mapped_column(String(10), nullable=False)
    merged_into: Mapped[str | None] = mapped_column(String(36))
    replies: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    first_responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        # the queues: a team's / an agent's tickets by status category, newest first
        Index("ix_ticket_team_queue", "team_id", "status_category", "created_at", "id"),
        Index("ix_ticket_assignee_queue", "assignee_id", "status_category", "created_at", "id"),
        Index("ix_ticket_created", "created_at", "id"),
    )


class TicketEntry(Base):
    __tablename__ = "ticket_entry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)             # reply | note
    author_kind: Mapped[str] = mapped_column(String(10), nullable=False)      # agent | customer
    author_id: Mapped[str] = mapped_column(String(64), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    # where it was written first, when a merge moved it here
    merged_from: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_ticket_entry_ticket", "ticket_id", "created_at", "id"),)


class TicketChange(Base):
    __tablename__ = "ticket_change"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), nullable=False)
    action: Mapped[str] = mapped_column(String(24), nullable=False)
    changes: Mapped[str] = mapped_column(Text, nullable=False)   # JSON {field: [from, to]}
    reason: Mapped[str | None] = mapped_column(String(200))
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_ticket_change_ticket", "ticket_id", "changed_at", "id"),)
