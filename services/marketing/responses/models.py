"""Responses to campaigns — marketing's own data (issue 11 §7): a filled-in public form or a
response a marketer enters (a business card from the trade fair, a call after a mailing).

`campaign_response`: who answered (name, email, company, phone, message), the audience contact
their email matched (if any), whether a lead is wanted in sales (sales creates it once from
campaign_response_received), and for a public form a keyed hash of the sender's address (the
per-address limit; the address itself is not kept).
"""
from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.marketing.base import Base

FORM, MANUAL = "form", "manual"


class CampaignResponse(Base):
    __tablename__ = "campaign_response"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)          # form | manual
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    email_norm: Mapped[str | None] = mapped_column(String(254))
    company: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    create_lead: Mapped[bool] = mapped_column(Boolean, nullable=False)
    sender_hash: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)     # "public" for forms
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_campaign_response_campaign", "campaign_id", "created_at", "id"),
                      Index("ix_campaign_response_sender", "campaign_id", "sender_hash",
                            "created_at"))
