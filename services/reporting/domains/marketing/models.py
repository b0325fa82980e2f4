"""The campaign KPIs' facts: one row per producer record, keyed by its natural id, so an event
applied twice or out of order lands on the same row (the sequence columns keep an older event
from overwriting a newer one). The reports count and sum them per campaign."""
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.reporting.models import Base


class CampaignFact(Base):
    """A campaign's dimensions and its cost now (exact cents). Every campaign event carries the
    cost total after it, so the highest sequence seen wins; the record fields only come from
    the record events (record_sequence)."""
    __tablename__ = "campaign_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(20))
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str | None] = mapped_column(String(20))
    cost_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    record_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    cost_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CampaignRecipientFact(Base):
    """A broadcast's recipient and its final outcome: sent | bounced | failed | skipped, and
    when (the event's sent_at / at: the period it counts in)."""
    __tablename__ = "campaign_recipient_fact"
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CampaignEngagementFact(Base):
    """A contact's first open / click / unsubscribe / bounce / complaint of a campaign: one row
    per (campaign, contact, kind) whatever the order or repetition — the unique counts; `at`
    the earliest seen (the first's, as marketing's email_engagement_first keeps it)."""
    __tablename__ = "campaign_engagement_fact"
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CampaignResponseFact(Base):
    __tablename__ = "campaign_response_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CampaignLeadFact(Base):
    """A sales lead: its campaign (from lead_created) and its deal (from lead_converted), in
    whichever order they arrive; a lead without a campaign counts for none."""
    __tablename__ = "campaign_lead_fact"
    lead_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str | None] = mapped_column(String(36), index=True)
    deal_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)       # counts as a lead
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)     # as converted


class CampaignCreditFact(Base):
    """A won deal's credit under one model (first | last touch): credited, or withdrawn by the
    later campaign_deal_uncredited (the highest sequence wins)."""
    __tablename__ = "campaign_credit_fact"
    deal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    model: Mapped[str] = mapped_column(String(5), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    credited: Mapped[bool] = mapped_column(Boolean, nullable=False)
    won_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CampaignCostFact(Base):
    """One cost entry (campaign_cost_recorded), on the day it was incurred; removed by
    campaign_cost_removed whatever the order. The live entries sum to the campaign's total."""
    __tablename__ = "campaign_cost_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    incurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    removed: Mapped[bool] = mapped_column(Boolean, nullable=False)
