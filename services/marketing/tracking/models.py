"""Engagement with sent campaign mail — marketing's own data (issue 11 §6):

- `email_engagement`: every open (the pixel fetched), click (with its URL), unsubscribe,
  bounce and complaint, when;
- `email_engagement_first`: one row per (campaign, contact, kind) — the first of each, so
  "unique opens / clicks" is a count of rows and each event says whether it was the first
  (the row is inserted ignoring conflicts: two concurrent first opens make one first).
"""
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.marketing.base import Base

OPENED, CLICKED, UNSUBSCRIBED, BOUNCED, COMPLAINED = (
    "opened", "clicked", "unsubscribed", "bounced", "complained")


class EmailEngagement(Base):
    __tablename__ = "email_engagement"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    contact_id: Mapped[str] = mapped_column(String(36), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    url: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_email_engagement_campaign", "campaign_id", "kind", "at"),
                      Index("ix_email_engagement_contact", "contact_id", "at"))


class EmailEngagementFirst(Base):
    __tablename__ = "email_engagement_first"
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
