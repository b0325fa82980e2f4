"""Leads (capture, status, score, owner) and each lead's conversion request."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow
from services.sales.base import Base


class Lead(Base):
    __tablename__ = "lead"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="new")
    source: Mapped[str | None] = mapped_column(String(50))
    campaign: Mapped[str | None] = mapped_column(String(100))
    # set when marketing's campaign response made the lead: the campaign it is attributed to,
    # and the response (unique: one lead per response, whatever is redelivered)
    campaign_id: Mapped[str | None] = mapped_column(String(36), index=True)
    campaign_response_id: Mapped[str | None] = mapped_column(String(36))
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_title: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100))
    company_size: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(String(2048))
    region: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    score: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    score_factors: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON
    disqualified_reason: Mapped[str | None] = mapped_column(String(500))
    customer_id: Mapped[str | None] = mapped_column(String(36))
    deal_id: Mapped[str | None] = mapped_column(String(36))
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_lead_created_sort", "created_at", "id"),
                      Index("ux_lead_campaign_response", "campaign_response_id", unique=True))


class LeadConversion(Base):
    """One per lead: the frozen conversion request and how far it got (handlers/conversion.py)."""
    __tablename__ = "lead_conversion"
    lead_id: Mapped[str] = mapped_column(ForeignKey("lead.id"), primary_key=True)
    request: Mapped[str] = mapped_column(Text, nullable=False)            # JSON, validated
    status: Mapped[str] = mapped_column(String(20), nullable=False)       # pending | done
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Until then an attempt may still be talking to customers: a concurrent one must wait.
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    customer_id: Mapped[str | None] = mapped_column(String(36))
    customer_link: Mapped[str | None] = mapped_column(String(10))         # created | existing
    deal_id: Mapped[str | None] = mapped_column(String(36))
    started_by: Mapped[str] = mapped_column(String(64), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
