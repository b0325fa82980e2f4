"""SLA tables of the service desk's database (issue 12 §5):

- `sla_calendar`: business-hours calendars (time zone, periods per weekday, holidays) by id;
  "default" is the one the policies use unless they name another;
- `sla_policy`: targets per priority, and per customer value class ("" = any class);
  without rows, Frappe Helpdesk's defaults on the default calendar apply;
- `ticket_sla`: each ticket's clock — the policy it got (a snapshot: changing a policy does not
  move running tickets' dues), the open/paused/resolved timeline and agents' public replies the
  clock is computed from, and the state last computed (dues, statuses, breached, escalated);
- `sla_alarm`: the instants the timer must act at — a warning (75 %) and a breach per running
  target — each fired once across replicas (`fired_at` claimed by a conditional UPDATE).
"""
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base


class SlaCalendar(Base):
    __tablename__ = "sla_calendar"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    week: Mapped[str] = mapped_column(Text, nullable=False)          # JSON {"mon": [["09:00", "18:00"]]}
    holidays: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON ISO dates
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SlaPolicyRow(Base):
    __tablename__ = "sla_policy"
    priority: Mapped[str] = mapped_column(String(10), primary_key=True)
    value_class: Mapped[str] = mapped_column(String(1), primary_key=True, default="")
    first_response_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    resolution_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    update_every_seconds: Mapped[int | None] = mapped_column(Integer)
    calendar_id: Mapped[str] = mapped_column(String(40), nullable=False, default="default")
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class TicketSla(Base):
    __tablename__ = "ticket_sla"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # the policy the ticket got
    priority: Mapped[str] = mapped_column(String(10), nullable=False)
    value_class: Mapped[str | None] = mapped_column(String(1))
    calendar_id: Mapped[str] = mapped_column(String(40), nullable=False)
    first_response_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    resolution_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    update_every_seconds: Mapped[int | None] = mapped_column(Integer)
    # what the clock is computed from
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    timeline: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # [[iso, category]]
    replies: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # [iso] agents' public
    # the state, as of `evaluated_at`
    first_response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_status: Mapped[str] = mapped_column(String(10), nullable=False)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_status: Mapped[str] = mapped_column(String(10), nullable=False)
    update_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    breached: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    fulfilled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SlaAlarm(Base):
    __tablename__ = "sla_alarm"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    target: Mapped[str] = mapped_column(String(16), primary_key=True)   # first_response | resolution | update
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)      # warning | breach
    cycle: Mapped[str] = mapped_column(String(40), primary_key=True, default="")  # update: the reply
    fire_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # the timer's pass: unfired alarms whose time has come, oldest first
    __table_args__ = (Index("ix_sla_alarm_due", "fired_at", "fire_at"),)
