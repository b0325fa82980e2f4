"""Tasks and reminders: tasks on a customer and/or a deal, the follow-up rules, and the copy of
customers' contact birthdays the birthday reminders are made from.

`assignee_id` is the record scope of a task (a rep sees the tasks assigned to them, a manager
their team's). `origin_key` names the occurrence an automatic task was made for (a stage
change, a sent quote, a contract's end, a contact's birthday in one year): unique, so the same
occurrence never makes two tasks; NULL for tasks made by hand (NULLs do not collide).
"""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow
from services.sales.base import Base


class Task(Base):
    __tablename__ = "task"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    deal_id: Mapped[str | None] = mapped_column(ForeignKey("deal.id"), index=True)
    assignee_id: Mapped[str] = mapped_column(String(36), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False)
    origin_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    due_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)    # task_due sent
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_task_assignee_due", "assignee_id", "status", "due_at", "id"),
                      Index("ix_task_due_scan", "status", "due_at"))


class TaskRule(Base):
    """An automatic follow-up: when `trigger` happens ("stage:<key>", "quote_sent"), a task
    `title` for the deal's owner, due `days` later. Seeded by the migration, edited by admin."""
    __tablename__ = "task_rule"
    trigger: Mapped[str] = mapped_column(String(60), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class ContactBirthday(Base):
    """customers' contacts with a birthday, from its contact events (consumes.py), with the
    customer's owner (kept from customer_assigned). `reminded_year`: the year whose birthday
    task was made (a conditional UPDATE claims it: one task per contact per year)."""
    __tablename__ = "contact_birthday"
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    birthday: Mapped[date] = mapped_column(Date, nullable=False)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    reminded_year: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
