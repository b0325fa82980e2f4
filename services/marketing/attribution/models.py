"""Attribution — marketing's copy of what sales did with campaigns' leads, and the won deals
credited to campaigns (issue 11 §7), built only from sales' events (and marketing's own
responses):

- `campaign_lead`: a lead sales made from a campaign response (lead_created with a
  campaign_id), then the customer and deal it was converted to (lead_converted);
- `campaign_attribution`: per won deal, the campaign credited under each model — `first`
  (the customer's earliest campaign touch before the win) and `last` (the latest) — with the
  deal's amount and currency. A deal that leaves its won stage loses its rows again.

A touch is a campaign response matched to the customer, or a campaign lead converted to it (or
the deal's own lead), at its time.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.marketing.base import Base

FIRST, LAST = "first", "last"
MODELS = (FIRST, LAST)


class CampaignLead(Base):
    __tablename__ = "campaign_lead"
    lead_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    deal_id: Mapped[str | None] = mapped_column(String(36), index=True)
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CampaignAttribution(Base):
    __tablename__ = "campaign_attribution"
    deal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    model: Mapped[str] = mapped_column(String(5), primary_key=True)          # first | last
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    won_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    touched_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_campaign_attribution_campaign", "campaign_id", "model"),)
