"""Consent per contact and channel — marketing's own data (not rebuilt from any log):

- `consent`: the current state of one (contact, channel): subscribed, unsubscribed or
  do_not_contact with its reason, where it came from (source) and when; no row: nothing
  recorded (consent/rules.py says what that means for sending);
- `consent_change`: every change, newest last — the proof of who changed what, when, why.
"""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.marketing.base import Base

SUBSCRIBED, UNSUBSCRIBED, DO_NOT_CONTACT = "subscribed", "unsubscribed", "do_not_contact"
STATUSES = (SUBSCRIBED, UNSUBSCRIBED, DO_NOT_CONTACT)
REASONS = ("unsubscribed", "bounced", "complained", "manual")
CHANNELS = ("email", "phone", "sms", "post")


class Consent(Base):
    __tablename__ = "consent"
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)


class ConsentChange(Base):
    __tablename__ = "consent_change"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    previous_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (Index("ix_consent_change_contact", "contact_id", "changed_at", "id"),)
