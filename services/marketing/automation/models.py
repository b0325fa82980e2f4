"""Automation rules — marketing's own data — and the log of their runs:

- `automation_rule`: a trigger (an event of the catalogue, catalogue.py), conditions and
  actions (JSON, validated when saved), an optional delay, enabled or not. `enabled_at`: the
  rule reacts only to events that occurred since it was (last) enabled — a replay of old events
  (the audience's rebuild, a catch-up after a long outage) never fires it for the past;
- `automation_run`: one per (rule, event) — the unique key is what makes a rule fire once per
  event even when the event is applied again after a rebuild emptied the inbox. A run is
  scheduled when the event is applied (due at once, or after the delay) and fired by a timer
  that claims it (once across replicas); it ends done, skipped (with why) or failed (with
  why). `depth` is how many rule actions led to the event (loop protection: runs.py).
"""
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.marketing.base import Base

SCHEDULED, RUNNING, DONE, SKIPPED, FAILED = "scheduled", "running", "done", "skipped", "failed"
OUTCOMES = (SCHEDULED, RUNNING, DONE, SKIPPED, FAILED)
# Why a run was skipped or failed (the `reason` code; `detail` says more).
CONDITION_FALSE, NOT_SENDABLE, LOOP, RULE_DISABLED, NO_CUSTOMER = (
    "condition_false", "contact_not_sendable", "loop", "rule_disabled", "no_customer")
ACTION_FAILED, RETRIES_EXHAUSTED = "action_failed", "retries_exhausted"


class AutomationRule(Base):
    __tablename__ = "automation_rule"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(80), nullable=False)     # source.event_type
    conditions: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON
    actions: Mapped[str] = mapped_column(Text, nullable=False, default="[]")      # JSON
    delay_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_automation_rule_trigger", "trigger", "enabled"),)


class AutomationRun(Base):
    __tablename__ = "automation_run"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(36), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    trigger: Mapped[str] = mapped_column(String(80), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)           # the event's, JSON
    customer_id: Mapped[str | None] = mapped_column(String(36))
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # how many of the rule's actions are done: a retry resumes after them (a mail sent before
    # a later action met an outage is not sent again)
    actions_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                              server_default="0")
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    claim: Mapped[str | None] = mapped_column(String(36))      # the firing replica's token
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("rule_id", "event_id", name="uq_automation_run_event"),
                      Index("ix_automation_run_rule", "rule_id", "created_at", "id"),
                      Index("ix_automation_run_due", "outcome", "due_at"))
