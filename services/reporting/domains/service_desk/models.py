"""The service KPIs' facts: one row per ticket (its dimensions, status, SLA measures) and one
per reopening and per SLA breach, keyed by natural ids, so an event applied twice or out of
order lands on the same row; the sequence columns keep an older event from overwriting a
newer one (the service desk locks a ticket for every change, so its events' sequences follow
the ticket's history)."""
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.reporting.models import Base


class TicketFact(Base):
    """A ticket: dimensions (record events: dims_sequence), team and assignee (record and
    assignment events: assign_sequence), status (record and
    status events: state_sequence), SLA measures (any ticket event carrying them:
    sla_sequence). `created_at` None: only later events seen so far (not reported yet)."""
    __tablename__ = "desk_ticket_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36))
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    category: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str | None] = mapped_column(String(24))
    status_category: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_seconds: Mapped[int | None] = mapped_column(BigInteger)
    first_response_status: Mapped[str | None] = mapped_column(String(10))
    resolution_seconds: Mapped[int | None] = mapped_column(BigInteger)
    resolution_status: Mapped[str | None] = mapped_column(String(10))
    dims_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    assign_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    state_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    sla_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    __table_args__ = (Index("ix_desk_ticket_fact_created", "created_at"),
                      Index("ix_desk_ticket_fact_backlog", "status_category", "team_id"))


class TicketReopenFact(Base):
    """A ticket moved out of a resolved status into an open one, at `at`."""
    __tablename__ = "desk_ticket_reopen_fact"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)


class TicketBreachFact(Base):
    """An SLA breach the service desk announced: one per target (per update interval, told
    apart by its due instant)."""
    __tablename__ = "desk_ticket_breach_fact"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    target: Mapped[str] = mapped_column(String(16), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)


class SurveyFact(Base):
    """A satisfaction survey's answer (the first answer is the only one the service desk takes),
    with what its ticket was at the resolution it asks about."""
    __tablename__ = "desk_survey_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), nullable=False)
    agent_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36))
    category: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_desk_survey_fact_answered", "answered_at"),)


class FollowupFact(Base):
    """A follow-up visit: scheduled (its assignee and due instant), then completed or cancelled
    (final); `state_sequence` keeps the latest event's state whatever the order of arrival."""
    __tablename__ = "desk_followup_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), nullable=False)
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    scheduled_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    __table_args__ = (Index("ix_desk_followup_fact_due", "due_at"),)
